/**
 * One view of a model: toolbar, pannable viewport with edges, nodes and clusters, member panel,
 * details panel. Draws what the shared store holds and turns clicks into trait changes and
 * kernel requests.
 */
import type { AnyModel } from "@anywidget/types";
import { ClusterElement } from "./cluster-element";
import { DetailsPanel } from "./details";
import { html, listen } from "./dom";
import { EdgeLayer } from "./edges";
import { FilterControl } from "./filters";
import { fitIcon, kindIcon, minusIcon, plusIcon } from "./icons";
import { computeLayout, type Layout } from "./layout";
import { MemberPanel } from "./members";
import { NodeElement } from "./node-element";
import { PanZoom } from "./panzoom";
import type { Direction, ModelTraits } from "./protocol";
import type { GraphStore, StoreEvent } from "./store";

export type Model = AnyModel<ModelTraits & Record<string, unknown>>;

const ZOOM_STEP = 1.25;
export const DISCONNECTED_TEXT = "Disconnected from the kernel: re-run the cell to explore again";

function toolButton(action: string, label: string, icon: SVGSVGElement): HTMLButtonElement {
  const button = html("button", "lw-icon-button");
  button.type = "button";
  button.dataset.action = action;
  button.title = label;
  button.setAttribute("aria-label", label);
  button.append(icon);
  return button;
}

function legendItem(kind: "run" | "artifact", text: string): HTMLElement {
  const item = html("span", "lw-legend-item");
  item.dataset.kind = kind;
  item.append(kindIcon(kind), html("span", undefined, text));
  return item;
}

export class GraphView {
  readonly root = html("div", "lineage-widget");
  private readonly viewport = html("div", "lw-viewport");
  private readonly content = html("div", "lw-content");
  private readonly nodeLayer = html("div", "lw-nodes");
  private readonly message = html("div", "lw-message");
  private readonly summary = html("span", "lw-summary");
  private readonly banner = html("div", "lw-disconnected", DISCONNECTED_TEXT);
  /** The last error the kernel reported for a request (text only; dismissable). */
  private readonly errorBar = html("div", "lw-error");
  private readonly errorText = html("span", "lw-error-text");
  private readonly edges = new EdgeLayer();
  private readonly panzoom: PanZoom;
  private readonly details: DetailsPanel;
  private readonly members: MemberPanel;
  private readonly filters: FilterControl;
  private readonly elements = new Map<string, NodeElement>();
  private readonly clusterElements = new Map<string, ClusterElement>();
  private readonly cleanups: (() => void)[] = [];
  private layout: Layout | null = null;
  private layoutRun = 0;
  private fitOnNextDraw = true;
  private pendingFocus: string | null = null;
  /** The node whose panel the user closed: stays closed until the selection changes. */
  private dismissedId: string | null = null;
  private destroyed = false;

  constructor(
    private readonly model: Model,
    private readonly store: GraphStore,
  ) {
    const root = this.root;
    root.tabIndex = 0;
    root.dataset.connection = "connected";
    this.banner.hidden = true;
    this.banner.setAttribute("role", "alert");
    this.errorText.dir = "auto";
    const dismiss = html("button", "lw-error-close", "\u00d7");
    dismiss.type = "button";
    dismiss.setAttribute("aria-label", "Dismiss the error");
    this.errorBar.append(this.errorText, dismiss);
    this.errorBar.hidden = true;
    this.errorBar.setAttribute("role", "alert");

    const toolbar = html("div", "lw-toolbar");
    const fit = toolButton("fit", "Zoom to fit", fitIcon());
    const zoomIn = toolButton("zoom-in", "Zoom in", plusIcon());
    const zoomOut = toolButton("zoom-out", "Zoom out", minusIcon());
    const legend = html("div", "lw-legend");
    legend.append(legendItem("run", "run"), legendItem("artifact", "artifact"));
    this.filters = new FilterControl(model, root);
    toolbar.append(
      fit,
      zoomIn,
      zoomOut,
      this.filters.element,
      html("span", "lw-toolbar-gap"),
      this.summary,
      legend,
    );

    this.content.append(this.edges.element, this.nodeLayer);
    this.viewport.append(this.content, this.message);
    this.details = new DetailsPanel(
      store,
      (id, direction) => this.expand(id, direction),
      () => this.closeDetails(),
    );
    this.members = new MemberPanel({
      preview: (id) => this.select(id, false),
      pullOut: (id) => store.pullOut(id),
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
    root.append(
      toolbar,
      this.banner,
      this.errorBar,
      this.viewport,
      this.members.element,
      this.details.element,
    );

    this.panzoom = new PanZoom(
      this.viewport,
      this.content,
      (target) => !(target instanceof Element && target.closest(".lw-node, .lw-cluster")),
      () => this.clearSelection(),
    );

    const onSelected = () => this.syncSelection();
    model.on("change:selected", onSelected);
    this.cleanups.push(
      () => model.off("change:selected", onSelected),
      store.subscribe((event) => this.onStoreEvent(event)),
      () => this.panzoom.destroy(),
      () => this.details.destroy(),
      () => this.members.destroy(),
      () => this.filters.destroy(),
      listen(fit, "click", () => this.fit()),
      listen(dismiss, "click", () => {
        this.errorBar.hidden = true;
      }),
      listen(zoomIn, "click", () => this.panzoom.zoomBy(ZOOM_STEP)),
      listen(zoomOut, "click", () => this.panzoom.zoomBy(1 / ZOOM_STEP)),
      listen(this.nodeLayer, "click", (event) => this.onNodeClick(event)),
      listen(this.nodeLayer, "keydown", (event) => this.onNodeKey(event)),
      listen(root, "keydown", (event) => this.onEscape(event)),
    );

    this.showMessage();
    if (store.loaded) {
      this.filters.setHasRoot(store.root !== null);
      this.relayout(true);
    }
    this.syncSelection();
    if (!store.connected) this.showDisconnected();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.root.remove();
  }

  // ---- store and trait events ------------------------------------------------------------

  private onStoreEvent(event: StoreEvent): void {
    switch (event.kind) {
      case "graph":
        this.filters.setHasRoot(this.store.root !== null);
        this.relayout(event.reason === "snapshot");
        break;
      case "status":
        this.updateNode(event.id);
        if (this.details.visible) this.details.refresh();
        if (this.members.visible) this.members.renderMore();
        break;
      case "focus":
        this.pendingFocus = event.id;
        this.applyFocus();
        break;
      case "members":
        if (this.members.clusterId === event.cluster) this.loadMembers(event.cluster);
        if (this.details.visible) this.details.refresh();
        break;
      case "open-cluster":
        this.openCluster(event.cluster, event.member);
        break;
      case "connection":
        this.showDisconnected();
        break;
      case "error":
        this.errorText.textContent = event.message;
        this.errorBar.hidden = false;
        break;
    }
  }

  /** The kernel is gone: the graph stays readable, but nothing offers to ask it anything. */
  private showDisconnected(): void {
    this.root.dataset.connection = "disconnected";
    this.banner.hidden = false;
    for (const id of this.elements.keys()) this.updateNode(id);
    this.members.setConnected(false);
    if (this.details.visible) this.details.refresh();
  }

  private selection(): string[] {
    return this.model.get("selected") ?? [];
  }

  private syncSelection(): void {
    const selected = new Set(this.selection());
    for (const [id, element] of this.elements) element.setSelected(selected.has(id));
    const holding = this.clustersHolding(selected);
    for (const [id, element] of this.clusterElements) element.setHoldsSelected(holding.has(id));
    this.members.setSelected(selected);
    this.edges.highlight(selected);
    const [only] = selected;
    if (selected.size !== 1 || only !== this.dismissedId) this.dismissedId = null;
    if (selected.size === 1 && this.dismissedId === null) this.details.show(only);
    else this.details.hide();
  }

  // ---- user actions ----------------------------------------------------------------------

  private clustersHolding(selected: ReadonlySet<string>): Set<string> {
    const holding = new Set<string>();
    for (const id of selected) {
      const cluster = this.store.clusterOf(id);
      if (cluster !== undefined) holding.add(cluster);
    }
    return holding;
  }

  private onNodeClick(event: MouseEvent): void {
    const target = event.target instanceof Element ? event.target : null;
    const clusterId = target?.closest<HTMLElement>(".lw-cluster")?.dataset.clusterId;
    if (clusterId !== undefined) {
      event.stopPropagation();
      this.toggleCluster(clusterId);
      return;
    }
    const nodeElement = target?.closest<HTMLElement>(".lw-node");
    const id = nodeElement?.dataset.nodeId;
    if (!target || id === undefined) return;
    event.stopPropagation();
    if (target.closest("[data-action='put-back']")) {
      this.store.putBack(id);
      return;
    }
    if (target.closest(".lw-port")) {
      // A click on the side controls (or on the spinner that replaced one) never selects.
      const control = target.closest<HTMLElement>("[data-expand]");
      if (control && !control.hidden) this.expand(id, control.dataset.expand as Direction);
      return;
    }
    this.select(id, event.shiftKey || event.ctrlKey || event.metaKey);
  }

  private onNodeKey(event: KeyboardEvent): void {
    if (event.key !== "Enter" && event.key !== " ") return;
    const target = event.target instanceof HTMLElement ? event.target : null;
    if (target?.classList.contains("lw-cluster") && target.dataset.clusterId !== undefined) {
      event.preventDefault();
      this.toggleCluster(target.dataset.clusterId);
      return;
    }
    if (!target?.classList.contains("lw-node") || target.dataset.nodeId === undefined) return;
    event.preventDefault();
    this.select(target.dataset.nodeId, event.shiftKey || event.ctrlKey || event.metaKey);
  }

  private select(id: string, toggle: boolean): void {
    const current = this.selection();
    let next: string[];
    if (toggle) next = current.includes(id) ? current.filter((x) => x !== id) : [...current, id];
    else next = [id];
    this.dismissedId = null;
    this.model.set("selected", next);
    this.model.save_changes();
    this.syncSelection();
    if (next.length === 1) this.revealBesideDetails(id);
  }

  /** Pans just enough that the clicked node is not hidden under the details panel. */
  private revealBesideDetails(id: string): void {
    const node = this.elements.get(id)?.element;
    if (!node || !this.details.visible) return;
    const panel = this.details.element.getBoundingClientRect();
    const box = node.getBoundingClientRect();
    // Horizontal only: the panel grows downwards once the details arrive.
    const overlap = box.right + 16 - panel.left;
    if (overlap > 0) {
      const { x, y, k } = this.panzoom.transform;
      this.panzoom.set({ x: x - overlap, y, k });
    }
  }

  private clearSelection(): void {
    if (this.selection().length === 0) return;
    this.model.set("selected", []);
    this.model.save_changes();
    this.syncSelection();
  }

  private closeDetails(): void {
    const [only, ...rest] = this.selection();
    this.dismissedId = rest.length === 0 && only !== undefined ? only : null;
    this.details.hide();
    this.root.focus({ preventScroll: true });
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

  private toggleCluster(id: string): void {
    if (this.members.clusterId === id) this.closeMembers();
    else this.openCluster(id);
  }

  /** Opens the member list of a cluster (asking the kernel for it once per cluster version). */
  private openCluster(id: string, member?: string): void {
    const cluster = this.store.clusters.get(id);
    if (!cluster) return;
    const previous = this.members.clusterId;
    this.members.show(cluster, this.store.members(id));
    this.store.requestMembers(id);
    if (member !== undefined) this.members.reveal(member);
    if (previous !== id) {
      if (previous !== null) this.clusterElements.get(previous)?.setOpen(false);
      this.clusterElements.get(id)?.setOpen(true);
      this.revealBesideMembers(id);
      if (member === undefined) this.members.focusSearch();
    }
    this.syncSelection();
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
    const element = this.clusterElements.get(id);
    element?.setOpen(false);
    (element?.element ?? this.root).focus({ preventScroll: true });
  }

  /** Pans just enough that the open cluster is not hidden under the member panel (left). */
  private revealBesideMembers(id: string): void {
    const cluster = this.clusterElements.get(id)?.element;
    if (!cluster) return;
    const panel = this.members.element.getBoundingClientRect();
    const box = cluster.getBoundingClientRect();
    const overlap = panel.right + 16 - box.left;
    if (overlap > 0) {
      const { x, y, k } = this.panzoom.transform;
      this.panzoom.set({ x: x + overlap, y, k });
    }
  }

  private expand(id: string, direction: Direction): void {
    this.store.expand(id, direction);
  }

  private fit(): void {
    if (this.layout) this.panzoom.fit(this.layout.width, this.layout.height);
  }

  // ---- drawing ---------------------------------------------------------------------------

  private relayout(fit: boolean): void {
    if (fit) this.fitOnNextDraw = true;
    const run = ++this.layoutRun;
    const edges = [...this.store.edges.values()];
    computeLayout(this.store.nodes.values(), this.store.clusters.values(), edges).then(
      (layout) => {
        // A newer layout (a later delta) supersedes this one.
        if (run === this.layoutRun && !this.destroyed) this.draw(layout);
      },
      (error: unknown) => {
        if (run !== this.layoutRun || this.destroyed) return;
        this.message.hidden = false;
        this.message.textContent = `Could not lay out the graph: ${String(error)}`;
      },
    );
  }

  private draw(layout: Layout): void {
    const previous = this.layout;
    this.layout = layout;
    if (!this.fitOnNextDraw && previous) this.keepAnchorInPlace(previous, layout);

    for (const [id, element] of this.elements) {
      if (!this.store.nodes.has(id)) {
        element.element.remove();
        this.elements.delete(id);
      }
    }
    for (const id of this.store.nodes.keys()) {
      const box = layout.boxes.get(id);
      if (!box) continue;
      let element = this.elements.get(id);
      if (!element) {
        element = new NodeElement(id);
        this.elements.set(id, element);
        this.nodeLayer.append(element.element);
      }
      element.place(box);
      this.updateNode(id);
    }
    this.drawClusters(layout);
    this.edges.draw(this.store.edges.values(), layout);
    this.edges.highlight(new Set(this.selection()));
    this.content.style.width = `${layout.width}px`;
    this.content.style.height = `${layout.height}px`;
    this.showMessage();

    // An empty first snapshot does not use up the fit: the first nodes to arrive get it.
    if (this.fitOnNextDraw && layout.boxes.size > 0) {
      this.fitOnNextDraw = false;
      this.fit();
    }
    if (this.elements.size + this.clusterElements.size > 0) this.root.dataset.ready = "true";
    this.applyFocus();
    this.syncMembers();
    if (this.details.visible) this.details.refresh();
  }

  private drawClusters(layout: Layout): void {
    for (const [id, element] of this.clusterElements) {
      if (!this.store.clusters.has(id)) {
        element.element.remove();
        this.clusterElements.delete(id);
      }
    }
    const holding = this.clustersHolding(new Set(this.selection()));
    const open = this.members.clusterId;
    for (const cluster of this.store.clusters.values()) {
      const box = layout.boxes.get(cluster.id);
      if (!box) continue;
      let element = this.clusterElements.get(cluster.id);
      if (!element) {
        element = new ClusterElement(cluster.id);
        this.clusterElements.set(cluster.id, element);
        this.nodeLayer.append(element.element);
      }
      element.place(box);
      element.update(cluster, cluster.id === open, holding.has(cluster.id));
    }
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
    this.members.setSelected(new Set(this.selection()));
  }

  /** After a delta, the expanded node (else any node still shown) keeps its screen position. */
  private keepAnchorInPlace(previous: Layout, next: Layout): void {
    const candidates = [this.store.anchorId, ...previous.boxes.keys()];
    for (const id of candidates) {
      if (id === null) continue;
      const before = previous.boxes.get(id);
      const after = next.boxes.get(id);
      if (before && after) {
        this.panzoom.shiftBy(after.x - before.x, after.y - before.y);
        return;
      }
    }
  }

  private updateNode(id: string): void {
    const element = this.elements.get(id);
    const node = this.store.nodes.get(id);
    if (!element || !node) return;
    element.update({
      node,
      upstream: this.store.fetchState(id, "upstream"),
      downstream: this.store.fetchState(id, "downstream"),
      selected: this.selection().includes(id),
      puttingBack: this.store.isPuttingBack(id),
      connected: this.store.connected,
    });
  }

  private applyFocus(): void {
    const id = this.pendingFocus;
    const box = id === null ? undefined : this.layout?.boxes.get(id);
    if (!box) return;
    this.pendingFocus = null;
    this.panzoom.centerOn(box.x + box.width / 2, box.y + box.height / 2);
  }

  private showMessage(): void {
    let runs = 0;
    let count = 0;
    for (const item of [...this.store.nodes.values(), ...this.store.clusters.values()]) {
      const size = "count" in item ? item.count : 1;
      count += size;
      if (item.kind === "run") runs += size;
    }
    let text = "";
    if (!this.store.loaded) text = "Loading lineage…";
    else if (count === 0) text = "Nothing to show: this lineage graph is empty.";
    this.message.textContent = text;
    this.message.hidden = text === "";
    this.summary.textContent = this.store.loaded
      ? `${runs} run${runs === 1 ? "" : "s"} · ${count - runs} artifact${count - runs === 1 ? "" : "s"}`
      : "";
  }
}
