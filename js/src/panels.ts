/**
 * The two panels beside the graph and when they open: the details pane (docked on the right)
 * describes the one selected node until the user closes it, and stays closed until the selection
 * changes; the member panel lists an open cluster (asked of the kernel once per cluster version)
 * and follows the cluster as the graph changes. Escape closes the panel that holds the focus,
 * else the details, else the member list. Opening a panel keeps what it describes in view.
 */
import type { Camera } from "./camera";
import type { Canvas } from "./canvas";
import { DetailsPanel } from "./details";
import { listen } from "./dom";
import { MemberPanel } from "./members";
import type { Selection } from "./selection";
import type { GraphStore } from "./store";

export class Panels {
  readonly details: DetailsPanel;
  readonly members: MemberPanel;
  /** The node whose panel the user closed: stays closed until the selection changes. */
  private dismissedId: string | null = null;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly store: GraphStore,
    private readonly root: HTMLElement,
    private readonly canvas: Canvas,
    private readonly camera: Camera,
    private readonly selection: Selection,
    /** Gives the focus back to the graph (its tab stop) when a panel closes. */
    private readonly focusGraph: () => void,
  ) {
    this.details = new DetailsPanel(
      store,
      (id, direction) => store.expand(id, direction),
      () => this.closeDetails(),
    );
    this.members = new MemberPanel({
      preview: (id) => selection.select(id, false),
      pullOut: (id) => store.pullOut(id),
      expandAll: (cluster, direction) => store.expandCluster(cluster.id, direction),
      isPullingOut: (id) => store.isPullingOut(id),
      loadMore: (cluster) => {
        if (cluster.moreFrom && cluster.moreDirection) {
          store.expand(cluster.moreFrom, cluster.moreDirection);
        }
      },
      isLoadingMore: (cluster) =>
        cluster.moreFrom !== null &&
        cluster.moreDirection !== null &&
        store.fetchState(cluster.moreFrom, cluster.moreDirection)?.state === "loading",
      close: () => this.closeMembers(),
    });
    this.cleanups.push(
      () => this.details.destroy(),
      () => this.members.destroy(),
      listen(root, "keydown", (event) => this.onEscape(event)),
    );
  }

  destroy(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  /** The user picked a node: its details open even if they were closed for it before. */
  picked(): void {
    this.dismissedId = null;
  }

  /** The selection changed: the member list marks it, the details pane describes a single node. */
  showSelection(selected: ReadonlySet<string>): void {
    this.members.setSelected(selected);
    const [only] = selected;
    if (selected.size !== 1 || only !== this.dismissedId) this.dismissedId = null;
    if (selected.size === 1 && this.dismissedId === null) {
      this.camera.keepingView(() => this.details.show(only));
      // The node the pane describes is in view beside it.
      this.camera.revealItem(only);
    } else {
      this.camera.keepingView(() => this.details.hide());
    }
  }

  /** A reload reopens the selected node's details: the node stays in view beside them. */
  revealDescribed(): void {
    const [only, ...others] = this.selection.selected();
    if (only !== undefined && others.length === 0 && this.details.visible) {
      this.camera.revealItem(only);
    }
  }

  /** A fetch state changed: the panels show it. */
  onStatus(): void {
    if (this.details.visible) this.details.refresh();
    if (this.members.visible) this.members.renderMore();
  }

  /** A cluster's member list arrived. */
  onMembers(cluster: string): void {
    if (this.members.clusterId === cluster) this.loadMembers(cluster);
    if (this.details.visible) this.details.refresh();
  }

  /** After a drawing: the open cluster dissolved (close its list) or changed (refresh), and the
   * details are redrawn. */
  afterDraw(): void {
    this.syncMembers();
    if (this.details.visible) this.details.refresh();
  }

  /** The kernel is gone: nothing offers to ask it anything. */
  disconnected(): void {
    this.members.setConnected(false);
    if (this.details.visible) this.details.refresh();
  }

  private closeDetails(): void {
    const [only, ...rest] = this.selection.selected();
    this.dismissedId = rest.length === 0 && only !== undefined ? only : null;
    this.camera.keepingView(() => this.details.hide());
    this.focusGraph();
  }

  /** Escape closes the panel that holds the focus, else the details, else the member list. */
  private onEscape(event: KeyboardEvent): void {
    if (event.key !== "Escape") return;
    const focused = event.target instanceof Node && this.members.element.contains(event.target);
    if (this.members.visible && (focused || !this.details.visible)) this.closeMembers();
    else if (this.details.visible) this.closeDetails();
    else return;
    event.preventDefault();
    event.stopPropagation();
  }

  toggleCluster(id: string): void {
    if (this.members.clusterId === id) this.closeMembers();
    else this.openCluster(id);
  }

  /** Opens the member list of a cluster (asking the kernel for it once per cluster version). */
  openCluster(id: string, member?: string): void {
    const cluster = this.store.clusters.get(id);
    if (!cluster) return;
    const previous = this.members.clusterId;
    this.members.show(cluster, this.store.members(id));
    this.store.requestMembers(id);
    if (member !== undefined) this.members.reveal(member);
    if (previous !== id) {
      if (previous !== null) this.canvas.clusterElements.get(previous)?.setOpen(false);
      this.canvas.clusterElements.get(id)?.setOpen(true);
      // The open cluster is not hidden under the member panel (left).
      // (A culled cluster is out of the page: measured, it would read as at (0, 0).)
      const element = this.canvas.clusterElements.get(id)?.element;
      if (element?.isConnected) this.camera.revealBeside(element, this.members.element);
      else this.camera.revealItem(id);
      if (member === undefined) this.members.focusSearch();
    }
    this.selection.sync();
  }

  /** The open cluster's list arrived or went stale (its count changed): show or ask again. */
  private loadMembers(id: string): void {
    const list = this.store.members(id);
    if (list) this.members.setMembers(list);
    else this.store.requestMembers(id);
  }

  private closeMembers(): void {
    const id = this.members.clusterId;
    this.members.hide();
    if (id === null) return;
    const element = this.canvas.clusterElements.get(id);
    element?.setOpen(false);
    (element?.element ?? this.root).focus({ preventScroll: true });
  }

  /** After a graph change: the open cluster dissolved (close its list) or changed (refresh). */
  private syncMembers(): void {
    const id = this.members.clusterId;
    if (id === null) return;
    const cluster = this.store.clusters.get(id);
    if (!cluster) {
      this.members.hide();
      return;
    }
    this.members.update(cluster);
    this.loadMembers(id);
    this.members.setSelected(new Set(this.selection.selected()));
  }
}
