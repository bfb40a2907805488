/**
 * The graph one model shows, fed by kernel messages and shared by every view of that model.
 *
 * Views subscribe to changes; requests to the kernel (expand, details, members, pull out) go
 * through the store so that two views of one model never send the same request twice.
 */
import type {
  ClusterColumns,
  DeltaMsg,
  DetailsMsg,
  Direction,
  EdgeColumns,
  EdgeIds,
  ErrorMsg,
  FetchState,
  FrontendMsg,
  KernelMsg,
  MembersMsg,
  NodeColumns,
  NodeKind,
  SnapshotMsg,
  StatusMsg,
} from "./protocol";

export interface GraphNode {
  id: string;
  kind: NodeKind;
  type: string;
  label: string;
  level: number;
  order: number;
  moreUp: number;
  moreDown: number;
  /** Pulled out of its cluster by the user: it can be put back. */
  pulledOut: boolean;
  /** Why the source could not read this node (a deleted project, no permission), or null. */
  inaccessible: string | null;
  /** A run's state worth showing ("running", "failed", "crashed"), or null. */
  runState: string | null;
}

/** A crowded group of nodes (same column, kind and type) drawn as one node. */
export interface GraphCluster {
  id: string;
  kind: NodeKind;
  type: string;
  level: number;
  order: number;
  count: number;
  /** Changes with the members (the kernel's count of membership changes): members fetched for
   * an older version are stale. */
  version: number;
  /** Members not fetched yet (-1: unknown), and the walk that brings the next page. */
  more: number;
  moreFrom: string | null;
  moreDirection: Direction | null;
}

/** A cluster's member list, as the kernel sent it for one version of the cluster. */
export interface ClusterMembers {
  cluster: string;
  version: number;
  ids: string[];
  labels: string[];
  /** "v3 · latest, best": the version and aliases, shown under the label. */
  details: string[];
  /** Lower-cased label, version, aliases and id, for the search field. */
  haystacks: string[];
  indexOf: Map<string, number>;
}

/** What a node id stands for when it is only known as a cluster member. */
export interface MemberInfo {
  cluster: GraphCluster;
  label: string;
}

export interface GraphEdge {
  source: string;
  target: string;
  /** How many lineage edges this drawn edge stands for (more than 1 only at clusters). */
  count: number;
  /** Closes a cycle: it points right to left (or within a column). */
  back: boolean;
}

export interface NodeFetch {
  state: FetchState;
  error?: string;
}

/** What changed, so a view redraws only what it must. */
export type StoreEvent =
  | { kind: "graph"; reason: "snapshot" | "restore" | "delta" }
  | { kind: "status"; id: string }
  | { kind: "focus"; id: string }
  | { kind: "members"; cluster: string }
  | { kind: "open-cluster"; cluster: string; member: string }
  | { kind: "connection" }
  | { kind: "error"; message: string };

type Listener = (event: StoreEvent) => void;
type DetailsListener = (msg: DetailsMsg) => void;

/** One details request sent and not answered yet; `waiters` may empty out (panel closed). */
interface DetailsAsk {
  id: string;
  full: boolean;
  waiters: Set<DetailsListener>;
}

const statusKey = (id: string, direction: Direction): string => `${direction}\u0000${id}`;
const edgeKey = (source: string, target: string): string => `${source}\u0000${target}`;

export class GraphStore {
  readonly nodes = new Map<string, GraphNode>();
  readonly clusters = new Map<string, GraphCluster>();
  readonly edges = new Map<string, GraphEdge>();
  root: string | null = null;
  /** False until the first snapshot arrives (the view shows "loading" rather than "empty"). */
  loaded = false;
  /** What the user last acted on (an expanded node, the cluster of a pulled-out member): after
   * the next delta it keeps its place on screen. */
  anchorId: string | null = null;
  /** False once the comm is gone (kernel restarted, widget closed): nothing can be asked. */
  connected = true;
  /** No kernel has answered yet, long after the view asked (see `noAnswer`). */
  unanswered = false;
  /** A kernel answered (a snapshot the model opened with is no answer: see `openWith`). */
  private answered = false;

  private readonly fetches = new Map<string, NodeFetch>();
  private readonly listeners = new Set<Listener>();
  /** Request id -> a details request not answered yet (answers carry the id back). */
  private readonly detailsAsked = new Map<number, DetailsAsk>();
  private readonly memberLists = new Map<string, ClusterMembers>();
  /** Cluster id -> the version whose members were asked for and not answered yet. */
  private readonly membersAsked = new Map<string, number>();
  /** Request id -> the cluster and version a members request asked for. */
  private readonly memberRequests = new Map<number, { cluster: string; version: number }>();
  private lastRequestId = 0;
  /** Member id -> the cluster whose member list holds it. */
  private readonly memberClusters = new Map<string, string>();
  /** Members asked to be pulled out, until they arrive as nodes. */
  private readonly pullingOut = new Set<string>();
  /** Pulled-out nodes asked to go back, until the kernel redraws them. */
  private readonly puttingBack = new Set<string>();

  constructor(private readonly sendToKernel: (msg: FrontendMsg) => void) {}

  /** Requests go nowhere once disconnected: the comm (and the kernel's graph) is gone. */
  private send(msg: FrontendMsg): void {
    if (this.connected) this.sendToKernel(msg);
  }

  /** The comm closed or went dead: views show it and stop offering requests. */
  disconnect(): void {
    if (!this.connected) return;
    this.connected = false;
    this.emit({ kind: "connection" });
  }

  /**
   * Nothing came back from the kernel for a while. An output saved with the notebook and shown
   * again after it was reopened has no kernel behind it (and no event says so); a kernel busy
   * with a long cell answers when the cell ends, and then `handle` clears this.
   */
  noAnswer(): void {
    if (this.answered || this.unanswered) return;
    this.unanswered = true;
    this.emit({ kind: "connection" });
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  fetchState(id: string, direction: Direction): NodeFetch | undefined {
    return this.fetches.get(statusKey(id, direction));
  }

  /** Asks the kernel for one more hop; ignored while that hop is already loading. */
  expand(id: string, direction: Direction): void {
    if (!this.connected || this.fetchState(id, direction)?.state === "loading") return;
    this.anchorId = id;
    // Marked loading at once: a double click must not send twice before the kernel answers.
    this.fetches.set(statusKey(id, direction), { state: "loading" });
    this.send({ type: "expand", id, direction });
    this.emit({ kind: "status", id });
  }

  /**
   * Asks for a node's preview (`full`: with long values whole); `onReply` gets it once. Views
   * asking the same thing share one request. Returns a function that stops waiting.
   */
  requestDetails(id: string, onReply: DetailsListener, full = false): () => void {
    if (!this.connected) return () => {};
    // A request nobody waits for any more is still answered (and dropped): ask again.
    let ask = [...this.detailsAsked.values()].find(
      (pending) => pending.id === id && pending.full === full && pending.waiters.size > 0,
    );
    if (!ask) {
      ask = { id, full, waiters: new Set() };
      const request_id = ++this.lastRequestId;
      this.detailsAsked.set(request_id, ask);
      this.send({ type: "details", request_id, id, ...(full ? { full: true } : {}) });
    }
    const waiters = ask.waiters;
    waiters.add(onReply);
    return () => waiters.delete(onReply);
  }

  /** The members of the cluster's current version, if the kernel sent them. */
  members(cluster: string): ClusterMembers | undefined {
    const list = this.memberLists.get(cluster);
    return list && list.version === this.clusters.get(cluster)?.version ? list : undefined;
  }

  /** Asks for the members of the cluster's current version, unless known or already asked. */
  requestMembers(cluster: string): void {
    const current = this.clusters.get(cluster);
    if (!current || this.members(cluster)) return;
    if (this.membersAsked.get(cluster) === current.version) return;
    this.membersAsked.set(cluster, current.version);
    const request_id = ++this.lastRequestId;
    this.memberRequests.set(request_id, { cluster, version: current.version });
    this.send({ type: "members", request_id, cluster });
  }

  /** A node known only as a member of a cluster whose list arrived (or that Python opened). */
  member(id: string): MemberInfo | undefined {
    const clusterId = this.memberClusters.get(id);
    const cluster = clusterId === undefined ? undefined : this.clusters.get(clusterId);
    if (!cluster) return undefined;
    const list = this.memberLists.get(cluster.id);
    const index = list?.indexOf.get(id);
    return { cluster, label: index === undefined ? id : (list?.labels[index] ?? id) };
  }

  /** The cluster a node id is drawn in, as far as this page knows. */
  clusterOf(id: string): string | undefined {
    const cluster = this.memberClusters.get(id);
    return cluster !== undefined && this.clusters.has(cluster) ? cluster : undefined;
  }

  isPullingOut(id: string): boolean {
    return this.pullingOut.has(id);
  }

  /** Asks the kernel to draw a member as a node of its own (once until it arrives). */
  pullOut(id: string): void {
    if (!this.connected || this.pullingOut.has(id) || this.nodes.has(id)) return;
    this.pullingOut.add(id);
    // The cluster keeps its place on screen while the pulled-out node joins the column.
    this.anchorId = this.clusterOf(id) ?? this.anchorId;
    this.send({ type: "pull_out", id });
  }

  /** Asks the kernel to expand every member of `cluster` one hop that way (each walk reports
   * its own status and delta, as a click on the member's own control would). */
  expandCluster(cluster: string, direction: Direction): void {
    if (!this.connected || !this.clusters.has(cluster)) return;
    this.anchorId = cluster; // the cluster keeps its place while its neighbours arrive
    this.send({ type: "expand_cluster", cluster, direction });
  }

  isPuttingBack(id: string): boolean {
    return this.puttingBack.has(id);
  }

  /** Passes the view saved with the notebook to the kernel, which takes it or not. */
  restore(state: Record<string, unknown>): void {
    this.send({ type: "restore", state });
  }

  /** Asks the kernel to let a pulled-out node go back into its cluster (once per request). */
  putBack(id: string): void {
    if (!this.connected || this.puttingBack.has(id) || !this.nodes.get(id)?.pulledOut) return;
    this.puttingBack.add(id);
    this.send({ type: "put_back", id });
    this.emit({ kind: "status", id });
  }

  /**
   * Draws the snapshot the model opened with (its `_first` trait) before any kernel answers. It
   * is no answer: an output saved with the notebook and shown again has it too, with no kernel.
   */
  openWith(msg: SnapshotMsg): void {
    this.applySnapshot(msg);
  }

  handle(msg: KernelMsg): void {
    this.answered = true;
    if (this.unanswered) {
      this.unanswered = false;
      this.emit({ kind: "connection" });
    }
    switch (msg.type) {
      case "snapshot":
        this.applySnapshot(msg);
        break;
      case "delta":
        this.applyDelta(msg);
        break;
      case "status":
        this.applyStatus(msg);
        break;
      case "details":
        this.deliverDetails(msg);
        break;
      case "members":
        this.applyMembers(msg);
        break;
      case "open_cluster":
        this.memberClusters.set(msg.member, msg.cluster);
        this.emit({ kind: "open-cluster", cluster: msg.cluster, member: msg.member });
        break;
      case "focus":
        this.emit({ kind: "focus", id: msg.id });
        break;
      case "error":
        this.applyError(msg);
        break;
    }
  }

  private applySnapshot(msg: SnapshotMsg): void {
    this.nodes.clear();
    this.clusters.clear();
    this.edges.clear();
    this.fetches.clear();
    this.memberLists.clear();
    this.membersAsked.clear();
    this.memberRequests.clear();
    this.memberClusters.clear();
    this.pullingOut.clear();
    this.puttingBack.clear();
    this.root = msg.root;
    this.loaded = true;
    this.upsertNodes(msg.nodes);
    this.upsertClusters(msg.clusters);
    this.addEdges(msg.edges);
    for (const status of msg.status ?? []) {
      this.fetches.set(statusKey(status.id, status.direction), {
        state: status.state,
        error: status.error,
      });
    }
    this.emit({ kind: "graph", reason: msg.restored ? "restore" : "snapshot" });
  }

  private applyDelta(msg: DeltaMsg): void {
    // Removals first: an id may leave as a node and come back as a cluster in one delta.
    for (const id of msg.removed ?? []) this.remove(id);
    this.removeEdges(msg.removed_edges);
    this.upsertNodes(msg.nodes);
    this.upsertClusters(msg.clusters);
    this.addEdges(msg.edges);
    this.emit({ kind: "graph", reason: "delta" });
  }

  /** A request failed: undo what the page assumed when it sent it, then report it. */
  private applyError(msg: ErrorMsg): void {
    if (msg.request === "expand" && msg.id !== null && msg.direction) {
      this.fetches.delete(statusKey(msg.id, msg.direction));
      this.emit({ kind: "status", id: msg.id });
    } else if (msg.request_id !== undefined) {
      // That request will get no answer: it may be asked again.
      this.detailsAsked.delete(msg.request_id);
      const members = this.memberRequests.get(msg.request_id);
      this.memberRequests.delete(msg.request_id);
      if (members && this.membersAsked.get(members.cluster) === members.version) {
        this.membersAsked.delete(members.cluster);
      }
    }
    this.emit({ kind: "error", message: msg.error });
  }

  private applyStatus(msg: StatusMsg): void {
    const key = statusKey(msg.id, msg.direction);
    if (msg.state === "idle") this.fetches.delete(key);
    else this.fetches.set(key, { state: msg.state, error: msg.error });
    this.emit({ kind: "status", id: msg.id });
  }

  private deliverDetails(msg: DetailsMsg): void {
    const ask = this.detailsAsked.get(msg.request_id);
    this.detailsAsked.delete(msg.request_id);
    for (const waiter of ask?.waiters ?? []) waiter(msg);
  }

  private applyMembers(msg: MembersMsg): void {
    const cluster = this.clusters.get(msg.cluster);
    if (!cluster) return;
    const asked = this.memberRequests.get(msg.request_id)?.version;
    this.memberRequests.delete(msg.request_id);
    if (this.membersAsked.get(msg.cluster) === asked) this.membersAsked.delete(msg.cluster);
    const previous = this.memberLists.get(msg.cluster);
    for (const id of previous?.ids ?? []) {
      if (this.memberClusters.get(id) === msg.cluster) this.memberClusters.delete(id);
    }
    const ids = msg.id ?? [];
    const labels: string[] = [];
    const details: string[] = [];
    const haystacks: string[] = [];
    const indexOf = new Map<string, number>();
    for (let i = 0; i < ids.length; i++) {
      const label = msg.label?.[i] ?? ids[i];
      const version = msg.version?.[i] ?? "";
      const aliases = msg.aliases?.[i] ?? [];
      labels.push(label);
      details.push([version, aliases.join(", ")].filter(Boolean).join(" · "));
      haystacks.push([label, version, ...aliases, ids[i]].join("\u0000").toLowerCase());
      indexOf.set(ids[i], i);
      if (!this.nodes.has(ids[i])) this.memberClusters.set(ids[i], msg.cluster);
    }
    // A reply to a request for an older version is kept, marked with that version: stale.
    const version = asked ?? cluster.version;
    this.memberLists.set(msg.cluster, {
      cluster: msg.cluster,
      version,
      ids,
      labels,
      details,
      haystacks,
      indexOf,
    });
    this.emit({ kind: "members", cluster: msg.cluster });
  }

  private remove(id: string): void {
    this.nodes.delete(id);
    this.puttingBack.delete(id);
    if (this.clusters.delete(id)) {
      this.memberLists.delete(id);
      this.membersAsked.delete(id);
    }
  }

  private upsertNodes(columns: NodeColumns): void {
    const ids = columns?.id ?? [];
    for (let i = 0; i < ids.length; i++) {
      // Drawn as itself now (pulled out, or its cluster dissolved).
      this.pullingOut.delete(ids[i]);
      this.memberClusters.delete(ids[i]);
      const pulledOut = columns.pulled_out?.[i] ?? false;
      if (!pulledOut) this.puttingBack.delete(ids[i]);
      this.nodes.set(ids[i], {
        id: ids[i],
        kind: columns.kind[i],
        type: columns.type[i] ?? "",
        label: columns.label[i] ?? ids[i],
        level: columns.level[i] ?? 0,
        order: columns.order[i] ?? i,
        moreUp: columns.more_up[i] ?? 0,
        moreDown: columns.more_down[i] ?? 0,
        pulledOut,
        inaccessible: columns.inaccessible?.[i] ?? null,
        runState: columns.run_state?.[i] ?? null,
      });
    }
  }

  private upsertClusters(columns: ClusterColumns | undefined): void {
    const ids = columns?.id ?? [];
    for (let i = 0; i < ids.length; i++) {
      const count = columns?.count[i] ?? 0;
      this.clusters.set(ids[i], {
        id: ids[i],
        kind: columns?.kind[i] ?? "artifact",
        type: columns?.type[i] ?? "",
        level: columns?.level[i] ?? 0,
        order: columns?.order[i] ?? i,
        count,
        more: columns?.more?.[i] ?? 0,
        moreFrom: columns?.more_from?.[i] ?? null,
        moreDirection: columns?.more_direction?.[i] ?? null,
        version: columns?.version?.[i] ?? 0,
      });
    }
  }

  private addEdges(columns: EdgeColumns): void {
    const sources = columns?.source ?? [];
    for (let i = 0; i < sources.length; i++) {
      const edge = {
        source: sources[i],
        target: columns.target[i],
        count: columns.count?.[i] ?? 1,
        back: columns.back?.[i] ?? false,
      };
      this.edges.set(edgeKey(edge.source, edge.target), edge);
    }
  }

  private removeEdges(ids: EdgeIds | undefined): void {
    const sources = ids?.source ?? [];
    for (let i = 0; i < sources.length; i++) {
      this.edges.delete(edgeKey(sources[i], ids?.target[i] ?? ""));
    }
  }

  private emit(event: StoreEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
