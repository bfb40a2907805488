/**
 * The graph one model shows, fed by kernel messages and shared by every view of that model.
 *
 * Views subscribe to changes; requests to the kernel (expand, details) go through the store so
 * that two views of one model never send the same request twice.
 */
import type {
  DeltaMsg,
  DetailsMsg,
  Direction,
  EdgeColumns,
  FetchState,
  FrontendMsg,
  KernelMsg,
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
}

export interface GraphEdge {
  source: string;
  target: string;
}

export interface NodeFetch {
  state: FetchState;
  error?: string;
}

/** What changed, so a view redraws only what it must. */
export type StoreEvent =
  | { kind: "graph"; reason: "snapshot" | "delta" }
  | { kind: "status"; id: string }
  | { kind: "focus"; id: string };

type Listener = (event: StoreEvent) => void;
type DetailsListener = (msg: DetailsMsg) => void;

const statusKey = (id: string, direction: Direction): string => `${direction}\u0000${id}`;
const edgeKey = (edge: GraphEdge): string => `${edge.source}\u0000${edge.target}`;

export class GraphStore {
  readonly nodes = new Map<string, GraphNode>();
  readonly edges = new Map<string, GraphEdge>();
  root: string | null = null;
  /** False until the first snapshot arrives (the view shows "loading" rather than "empty"). */
  loaded = false;
  /** The node most recently expanded from the front end: the anchor that must not jump. */
  lastExpanded: string | null = null;

  private readonly fetches = new Map<string, NodeFetch>();
  private readonly listeners = new Set<Listener>();
  private readonly detailsWaiters = new Map<string, Set<DetailsListener>>();

  constructor(private readonly send: (msg: FrontendMsg) => void) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  fetchState(id: string, direction: Direction): NodeFetch | undefined {
    return this.fetches.get(statusKey(id, direction));
  }

  /** Asks the kernel for one more hop; ignored while that hop is already loading. */
  expand(id: string, direction: Direction): void {
    if (this.fetchState(id, direction)?.state === "loading") return;
    this.lastExpanded = id;
    // Marked loading at once: a double click must not send twice before the kernel answers.
    this.fetches.set(statusKey(id, direction), { state: "loading" });
    this.send({ type: "expand", id, direction });
    this.emit({ kind: "status", id });
  }

  /** Asks for a node's preview; `onReply` gets it once. Returns a function that stops waiting. */
  requestDetails(id: string, onReply: DetailsListener): () => void {
    let waiters = this.detailsWaiters.get(id);
    if (!waiters) {
      waiters = new Set();
      this.detailsWaiters.set(id, waiters);
      this.send({ type: "details", id });
    }
    waiters.add(onReply);
    return () => {
      waiters.delete(onReply);
      if (waiters.size === 0 && this.detailsWaiters.get(id) === waiters) {
        this.detailsWaiters.delete(id);
      }
    };
  }

  handle(msg: KernelMsg): void {
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
      case "focus":
        this.emit({ kind: "focus", id: msg.id });
        break;
    }
  }

  private applySnapshot(msg: SnapshotMsg): void {
    this.nodes.clear();
    this.edges.clear();
    this.fetches.clear();
    this.root = msg.root;
    this.loaded = true;
    this.upsertNodes(msg.nodes);
    this.addEdges(msg.edges);
    for (const status of msg.status ?? []) {
      this.fetches.set(statusKey(status.id, status.direction), {
        state: status.state,
        error: status.error,
      });
    }
    this.emit({ kind: "graph", reason: "snapshot" });
  }

  private applyDelta(msg: DeltaMsg): void {
    this.upsertNodes(msg.nodes);
    this.addEdges(msg.edges);
    this.emit({ kind: "graph", reason: "delta" });
  }

  private applyStatus(msg: StatusMsg): void {
    const key = statusKey(msg.id, msg.direction);
    if (msg.state === "idle") this.fetches.delete(key);
    else this.fetches.set(key, { state: msg.state, error: msg.error });
    this.emit({ kind: "status", id: msg.id });
  }

  private deliverDetails(msg: DetailsMsg): void {
    const waiters = this.detailsWaiters.get(msg.id);
    if (!waiters) return;
    this.detailsWaiters.delete(msg.id);
    for (const waiter of waiters) waiter(msg);
  }

  private upsertNodes(columns: NodeColumns): void {
    const ids = columns?.id ?? [];
    for (let i = 0; i < ids.length; i++) {
      this.nodes.set(ids[i], {
        id: ids[i],
        kind: columns.kind[i],
        type: columns.type[i] ?? "",
        label: columns.label[i] ?? ids[i],
        level: columns.level[i] ?? 0,
        order: columns.order[i] ?? i,
        moreUp: columns.more_up[i] ?? 0,
        moreDown: columns.more_down[i] ?? 0,
      });
    }
  }

  private addEdges(columns: EdgeColumns): void {
    const sources = columns?.source ?? [];
    for (let i = 0; i < sources.length; i++) {
      const edge = { source: sources[i], target: columns.target[i] };
      this.edges.set(edgeKey(edge), edge);
    }
  }

  private emit(event: StoreEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
