/**
 * One view of a model: toolbar, pannable viewport with edges, nodes and clusters, member panel,
 * details panel. Draws what the shared store holds and turns clicks and keys into trait changes
 * and kernel requests.
 *
 * Keyboard: the graph is one tab stop (a roving tabindex on its nodes and clusters); the arrow
 * keys move the focus (keyboard.ts), Enter expands a node or opens a cluster, Space selects,
 * Escape closes the open panel. A node that receives the focus is panned into view.
 */
import type { AnyModel } from "@anywidget/types";
import { ClusterElement } from "./cluster-element";
import { setCulled } from "./culling";
import { DetailsPanel } from "./details";
import { html, listen, uniqueId } from "./dom";
import { DownloadMenu } from "./download-menu";
import { type Bounds, EdgeLayer, overlaps } from "./edges";
import { drawSvg, type Picture, picture, resolveTheme } from "./export";
import { FilterControl } from "./filters";
import { closeIcon, fitIcon, kindIcon, minusIcon, plusIcon } from "./icons";
import { drawnInOrder, MOVE_KEYS, moveFrom } from "./keyboard";
import { type Box, computeLayout, type Layout } from "./layout";
import { Marks } from "./marks";
import { MemberPanel } from "./members";
import { NodeElement } from "./node-element";
import { PanZoom } from "./panzoom";
import type { Direction, ModelTraits, Viewport } from "./protocol";
import type { GraphStore, StoreEvent } from "./store";

export type Model = AnyModel<ModelTraits & Record<string, unknown>>;

const ZOOM_STEP = 1.25;
/**
 * The first view never draws names smaller than this on screen (px): widget.css draws them
 * (.lw-node-label) at 13 px, so the scale stays at 0.77 or more. A graph too big to fit at that
 * scale starts at its root (or its first column) and the user pans; "Zoom to fit" shows it all.
 */
const NAME_FONT_PX = 13;
const MIN_NAME_PX = 10;
export const READABLE_SCALE = Math.ceil((MIN_NAME_PX / NAME_FONT_PX) * 100) / 100;
/** How long pan and zoom must pause before the model's `viewport` is updated (ms). */
const VIEWPORT_SAVE_DELAY = 300;
/** Above this many cards and clusters drawn, those far off screen are not rendered. */
const CULL_ABOVE = 300;
/** How far past each side of the viewport cards stay rendered, in viewports: everything rendered
 * is restyled when the host restyles the cell, so a wider margin makes those frames longer. */
const CULL_MARGIN = 0.5;
/** A node the focus moves to is panned at least this far (px) inside the viewport's edge. */
const REVEAL_MARGIN = 24;
export const DISCONNECTED_TEXT = "Disconnected from the kernel: re-run the cell to explore again";
/** No kernel answered (an output shown again after its notebook was reopened, usually). */
export const UNANSWERED_TEXT =
  "Not connected to a kernel (an output saved with the notebook): re-run the cell to explore again";
const KEYBOARD_HELP =
  "Arrow keys: Left and Right follow the edges to inputs and outputs, Up and Down move within " +
  "a column. Enter expands a node or opens a cluster, Space selects, Escape closes the panel.";

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

/** The bounding box of the layout's first (leftmost) column (boxes are centred on it). */
function firstColumn(layout: Layout): { x: number; y: number; width: number; height: number } {
  const middle = (box: Box) => box.x + box.width / 2;
  let first = Number.POSITIVE_INFINITY;
  for (const box of layout.boxes.values()) first = Math.min(first, middle(box));
  let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const box of layout.boxes.values()) {
    if (middle(box) >= first + 1) continue;
    left = Math.min(left, box.x);
    top = Math.min(top, box.y);
    right = Math.max(right, box.x + box.width);
    bottom = Math.max(bottom, box.y + box.height);
  }
  return { x: left, y: top, width: right - left, height: bottom - top };
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
  /** "3 highlighted ×" in the toolbar while Python's highlight() is active. */
  private readonly highlightChip = html("span", "lw-highlight");
  private readonly highlightCount = html("span", "lw-highlight-count");
  private readonly edges = new EdgeLayer();
  private readonly panzoom: PanZoom;
  private readonly details: DetailsPanel;
  private readonly members: MemberPanel;
  private readonly downloads: DownloadMenu;
  private readonly filters: FilterControl;
  /** color_by, the lineage diff and run states, painted over the nodes (marks.ts). */
  private readonly marks: Marks;
  private readonly elements = new Map<string, NodeElement>();
  private readonly clusterElements = new Map<string, ClusterElement>();
  private readonly cleanups: (() => void)[] = [];
  private layout: Layout | null = null;
  private layoutRun = 0;
  /** Settles when the layout asked for last has been drawn (or has failed). */
  private drawing: Promise<void> = Promise.resolve();
  private layoutError: string | null = null;
  private fitOnNextDraw = true;
  /** The model's `viewport` was looked at for this view's first drawing. */
  private viewportChecked = false;
  private viewportTimer: ReturnType<typeof setTimeout> | undefined;
  /** This view is setting `viewport` itself: its change event needs no move. */
  private savingViewport = false;
  private pendingFocus: string | null = null;
  /** The node whose panel the user closed: stays closed until the selection changes. */
  private dismissedId: string | null = null;
  /** The node or cluster that holds the graph's one tab stop. */
  private activeId: string | null = null;
  /** The last arrow-key move, so that the opposite key goes back where it came from. */
  private lastMove: { from: string; to: string } | null = null;
  /** Python's highlight: node ids, and the clusters holding one of them. */
  private highlighted = new Set<string>();
  private highlightedClusters = new Set<string>();
  private destroyed = false;
  private cullFrame = 0;
  /** Some cards or edges may be culled (the graph was big at the last cull). */
  private culled = false;

  constructor(
    private readonly model: Model,
    private readonly store: GraphStore,
  ) {
    const root = this.root;
    // Focusable for Escape after a panel closes, but not a tab stop: the graph's node is.
    root.tabIndex = -1;
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
    this.downloads = new DownloadMenu(
      () => this.picture(),
      (message) => this.showError(message),
    );
    const legend = html("div", "lw-legend");
    legend.append(legendItem("run", "run"), legendItem("artifact", "artifact"));
    const clearHighlight = toolButton("clear-highlight", "Clear the highlight", closeIcon());
    this.highlightChip.append(this.highlightCount, clearHighlight);
    this.highlightChip.hidden = true;
    this.filters = new FilterControl(model, root);
    toolbar.append(
      fit,
      zoomIn,
      zoomOut,
      this.filters.element,
      this.downloads.element,
      html("span", "lw-toolbar-gap"),
      this.highlightChip,
      this.summary,
      legend,
    );

    const help = html("div", "lw-visually-hidden", KEYBOARD_HELP);
    help.id = uniqueId("lw-keyboard-help");
    this.viewport.setAttribute("role", "application");
    this.viewport.setAttribute("aria-roledescription", "lineage graph");
    this.viewport.setAttribute("aria-label", "Lineage graph");
    this.viewport.setAttribute("aria-describedby", help.id);
    this.content.append(this.edges.element, this.nodeLayer);
    this.viewport.append(this.content, this.message, help);
    this.marks = new Marks(model, root, () =>
      [...this.elements.values(), ...this.clusterElements.values()].map((item) => item.element),
    );
    this.viewport.append(this.marks.legend.element);
    this.details = new DetailsPanel(
      store,
      (id, direction) => this.expand(id, direction),
      () => this.closeDetails(),
    );
    this.members = new MemberPanel({
      preview: (id) => this.select(id, false),
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
    const body = html("div", "lw-body");
    body.append(this.viewport, this.details.element);
    root.append(toolbar, this.banner, this.errorBar, body, this.members.element);

    this.panzoom = new PanZoom(
      this.viewport,
      this.content,
      (target) => !(target instanceof Element && target.closest(".lw-node, .lw-cluster")),
      () => this.clearSelection(),
      () => this.saveViewportSoon(),
      () => this.scheduleCull(),
    );

    const onViewport = () => {
      if (this.layout && !this.savingViewport) this.restoreViewport();
    };
    model.on("change:viewport", onViewport);
    this.cleanups.push(
      () => model.off("change:viewport", onViewport),
      () => clearTimeout(this.viewportTimer),
    );
    const onSelected = () => this.syncSelection();
    const onHighlighted = () => this.syncHighlight();
    model.on("change:selected", onSelected);
    model.on("change:highlighted", onHighlighted);
    model.on("change:_highlighted_clusters", onHighlighted);
    this.cleanups.push(
      () => model.off("change:selected", onSelected),
      () => model.off("change:highlighted", onHighlighted),
      () => model.off("change:_highlighted_clusters", onHighlighted),
      store.subscribe((event) => this.onStoreEvent(event)),
      () => this.panzoom.destroy(),
      () => this.details.destroy(),
      () => this.members.destroy(),
      () => this.downloads.destroy(),
      () => this.filters.destroy(),
      () => this.marks.destroy(),
      listen(fit, "click", () => {
        this.fit();
        this.saveViewportSoon();
      }),
      listen(dismiss, "click", () => {
        this.errorBar.hidden = true;
      }),
      listen(zoomIn, "click", () => {
        this.panzoom.zoomBy(ZOOM_STEP);
        this.saveViewportSoon();
      }),
      listen(zoomOut, "click", () => {
        this.panzoom.zoomBy(1 / ZOOM_STEP);
        this.saveViewportSoon();
      }),
      listen(this.nodeLayer, "click", (event) => this.onNodeClick(event)),
      // Shift (or Ctrl/Cmd) + click adds to the graph's selection, and only to it: JupyterLab and
      // Notebook 7 extend their cell selection on a shift + mousedown that reaches the notebook
      // (and the browser extends its text selection), which would re-run those cells next.
      listen(root, "mousedown", (event) => {
        if (!(event.shiftKey || event.ctrlKey || event.metaKey)) return;
        event.stopPropagation();
        const target = event.target instanceof Element ? event.target : null;
        if (target?.closest(".lw-node, .lw-cluster, .lw-member")) event.preventDefault();
      }),
      listen(clearHighlight, "click", () => {
        this.model.set("highlighted", []);
        this.model.save_changes();
        this.syncHighlight();
      }),
      listen(this.nodeLayer, "keydown", (event) => this.onGraphKey(event)),
      listen(this.nodeLayer, "focusin", (event) => this.onGraphFocus(event)),
      listen(root, "keydown", (event) => this.onEscape(event)),
    );

    this.showMessage();
    if (store.loaded) {
      this.filters.setHasRoot(store.root !== null);
      this.relayout(true);
    }
    this.syncSelection();
    this.syncHighlight();
    if (!store.connected) this.showDisconnected();
    else if (store.unanswered) this.showUnanswered();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    cancelAnimationFrame(this.cullFrame);
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.root.remove();
  }

  // ---- store and trait events ------------------------------------------------------------

  private onStoreEvent(event: StoreEvent): void {
    switch (event.kind) {
      case "graph":
        this.filters.setHasRoot(this.store.root !== null);
        // A restored view is drawn where it was saved (the `viewport` trait), like a first one.
        if (event.reason === "restore") this.viewportChecked = false;
        this.relayout(event.reason !== "delta");
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
        if (!this.store.connected) this.showDisconnected();
        else this.showUnanswered();
        break;
      case "error":
        this.showError(event.message);
        break;
    }
  }

  /** Shows an error under the toolbar, as text, until dismissed or replaced. */
  private showError(message: string): void {
    this.errorText.textContent = message;
    this.errorBar.hidden = false;
  }

  /** The graph as this view draws it (once the pending layout is drawn), as an SVG document. */
  async picture(): Promise<Picture> {
    let drawing: Promise<void>;
    do {
      drawing = this.drawing;
      await drawing;
    } while (drawing !== this.drawing); // a later delta asked for another layout meanwhile
    if (this.destroyed) throw new Error("the view was closed");
    if (this.layoutError !== null) throw new Error(this.layoutError);
    if (!this.layout) throw new Error("nothing is drawn yet");
    const selected = new Set(this.selection());
    const drawn = drawSvg(this.store, this.layout, selected, resolveTheme(this.root));
    this.marks.paintPicture(drawn, this.layout);
    return picture(drawn);
  }

  /** No kernel answers yet (or, again, one does): the banner says so instead of "loading". */
  private showUnanswered(): void {
    const unanswered = this.store.unanswered;
    this.root.dataset.connection = unanswered ? "unanswered" : "connected";
    this.banner.textContent = UNANSWERED_TEXT;
    this.banner.hidden = !unanswered;
    this.showMessage();
  }

  /** The kernel is gone: the graph stays readable, but nothing offers to ask it anything. */
  private showDisconnected(): void {
    this.root.dataset.connection = "disconnected";
    this.banner.textContent = DISCONNECTED_TEXT;
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
    if (selected.size === 1 && this.dismissedId === null) {
      this.keepingView(() => this.details.show(only));
      // The node the pane describes is in view beside it.
      this.revealItem(only);
    } else {
      this.keepingView(() => this.details.hide());
    }
  }

  /**
   * Opens or closes the docked details pane (`change`), which narrows or widens the viewport:
   * a graph that was shown whole stays whole (zoomed out if needed, while names stay readable),
   * else the graph point at the middle stays at the middle.
   */
  private keepingView(change: () => void): void {
    const before = this.viewport.clientWidth;
    change();
    const after = this.viewport.clientWidth;
    const layout = this.layout;
    if (before === after || before === 0 || after === 0 || !layout) return;
    const { x, y, k } = this.panzoom.transform;
    const wasWhole = x >= 0 && x + layout.width * k <= before;
    const fitted = this.panzoom.fitScale(layout.width, layout.height);
    if (wasWhole && layout.width * k > after && fitted >= READABLE_SCALE) this.fit();
    else if (wasWhole && layout.width * k <= after) {
      this.panzoom.set({ x: (after - layout.width * k) / 2, y, k });
    } else this.panzoom.set({ x: x + (after - before) / 2, y, k });
  }

  /** Marks the highlighted nodes and the clusters holding one; the rest dims (CSS). */
  private syncHighlight(): void {
    this.highlighted = new Set(this.model.get("highlighted") ?? []);
    this.highlightedClusters = new Set(
      this.highlighted.size > 0 ? (this.model.get("_highlighted_clusters") ?? []) : [],
    );
    const active = this.highlighted.size > 0;
    if (active) this.root.dataset.highlighting = "true";
    else delete this.root.dataset.highlighting;
    this.highlightChip.hidden = !active;
    this.highlightCount.textContent = `${this.highlighted.size.toLocaleString("en-US")} highlighted`;
    for (const [id, element] of this.elements) element.setHighlighted(this.highlighted.has(id));
    for (const [id, element] of this.clusterElements) {
      element.setHoldsHighlighted(this.highlightedClusters.has(id));
    }
    this.edges.markHighlighted(new Set([...this.highlighted, ...this.highlightedClusters]));
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

  /** The node or cluster id of an element that is one (not a control inside one). */
  private itemId(target: EventTarget | null): string | undefined {
    if (!(target instanceof HTMLElement)) return undefined;
    return target.dataset.clusterId ?? target.dataset.nodeId;
  }

  private itemElement(id: string): HTMLElement | undefined {
    const element = (this.elements.get(id) ?? this.clusterElements.get(id))?.element;
    // (about to be focused: it is panned into view)
    if (element) setCulled(element, false, this.nodeLayer);
    return element;
  }

  /** Culls at the next frame (once, however many moves come before it). */
  private scheduleCull(): void {
    if (this.cullFrame !== 0 || this.destroyed) return;
    this.cullFrame = requestAnimationFrame(() => {
      this.cullFrame = 0;
      if (!this.destroyed) this.cull();
    });
  }

  /**
   * With more than CULL_ABOVE cards, those more than CULL_MARGIN away from the visible part are
   * not in the document (culling.ts), nor are edges that cannot reach it: panning and
   * zooming a big graph then paints only what is near. The focused card is always rendered.
   */
  private cull(
    size = { width: this.viewport.clientWidth, height: this.viewport.clientHeight },
  ): void {
    const layout = this.layout;
    const big = this.elements.size + this.clusterElements.size > CULL_ABOVE;
    if (!layout || (!big && !this.culled)) return; // (a small graph pans without this work)
    this.culled = big;
    let visible: Bounds | null = null;
    if (big) {
      const { x, y, k } = this.panzoom.transform;
      const width = size.width / k;
      const height = size.height / k;
      const left = -x / k - CULL_MARGIN * width;
      const top = -y / k - CULL_MARGIN * height;
      const span = 1 + 2 * CULL_MARGIN;
      visible = { left, top, right: left + span * width, bottom: top + span * height };
    }
    const focused = this.focusedElement();
    const place = (id: string, element: HTMLElement) => {
      const box = layout.boxes.get(id);
      const hide =
        visible !== null &&
        box !== undefined &&
        element !== focused &&
        !overlaps(
          { left: box.x, top: box.y, right: box.x + box.width, bottom: box.y + box.height },
          visible,
        );
      setCulled(element, hide, this.nodeLayer);
    };
    for (const [id, item] of this.elements) place(id, item.element);
    for (const [id, item] of this.clusterElements) place(id, item.element);
    this.edges.cull(visible);
  }

  /** Keys on the focused node or cluster; controls inside a node keep their own keys. */
  private onGraphKey(event: KeyboardEvent): void {
    const id = this.itemId(event.target);
    if (id === undefined) return;
    const isCluster = this.clusterElements.has(id);
    const move = MOVE_KEYS[event.key];
    if (move !== undefined) {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const back = this.lastMove?.to === id ? this.lastMove.from : null;
      const next = moveFrom(this.store, id, move, (other) => this.isDrawn(other), back);
      if (next !== null) {
        this.lastMove = { from: id, to: next };
        this.itemElement(next)?.focus({ preventScroll: true });
      }
    } else if (event.key === "Enter") {
      if (isCluster) this.openCluster(id);
      else this.expandAll(id);
    } else if (event.key === " ") {
      if (isCluster) this.toggleCluster(id);
      else this.select(id, event.shiftKey || event.ctrlKey || event.metaKey);
    } else {
      return;
    }
    // Handled here: neither the page (scrolling) nor the notebook (its shortcuts) acts on it.
    event.preventDefault();
    event.stopPropagation();
  }

  /** A node or cluster got the focus (keys, Tab or a click): it takes the tab stop, and if the
   * keyboard moved it there, it is panned into view. */
  private onGraphFocus(event: FocusEvent): void {
    const target = event.target instanceof Element ? event.target : null;
    const item = target?.closest<HTMLElement>(".lw-node, .lw-cluster");
    const id = this.itemId(item ?? null);
    if (!item || id === undefined) return;
    // Focusing by Tab scrolls the clipped viewport natively; the pan-zoom transform does it.
    this.viewport.scrollLeft = 0;
    this.viewport.scrollTop = 0;
    this.setActive(id);
    // Not on a click: panning between press and release would move the node from under the
    // pointer, and the click would be lost.
    if (target?.matches(":focus-visible")) this.revealItem(id);
  }

  private isDrawn(id: string): boolean {
    return this.elements.has(id) || this.clusterElements.has(id);
  }

  /** Moves the graph's one tab stop to `id`. */
  private setActive(id: string): void {
    if (this.activeId === id) return;
    const previous = this.activeId;
    this.activeId = id;
    if (previous !== null) this.setTabStop(previous, false);
    this.setTabStop(id, true);
  }

  private setTabStop(id: string, active: boolean): void {
    (this.elements.get(id) ?? this.clusterElements.get(id))?.setTabStop(active);
  }

  /** After a draw: the tab stop stays where it was if that is still drawn, else it goes to the
   * cluster that took the node in, the root, or the first node. */
  private syncTabStop(): void {
    let id = this.activeId;
    if (id === null || !this.isDrawn(id)) {
      const cluster = id === null ? undefined : this.store.clusterOf(id);
      const root = this.store.root;
      if (cluster !== undefined && this.isDrawn(cluster)) id = cluster;
      else if (root !== null && this.isDrawn(root)) id = root;
      else id = drawnInOrder(this.store, (other) => this.isDrawn(other))[0]?.id ?? null;
    }
    if (id === null) {
      this.activeId = null;
      return;
    }
    this.activeId = id;
    this.setTabStop(id, true);
  }

  /** The focused element of this view's document or shadow root. */
  private focusedElement(): Element | null {
    const scope = this.root.getRootNode() as Document | ShadowRoot;
    return scope.activeElement ?? null;
  }

  private focusActive(): void {
    const element = this.activeId === null ? undefined : this.itemElement(this.activeId);
    (element ?? this.root).focus({ preventScroll: true });
  }

  /** Pans just enough that the node or cluster `id` lies inside the viewport (from its place in
   * the layout: right after a layout too, before the cards are moved there). */
  private revealItem(id: string): void {
    const box = this.layout?.boxes.get(id);
    const width = this.viewport.clientWidth;
    const height = this.viewport.clientHeight;
    if (!box || width === 0 || height === 0) return;
    const { x, y, k } = this.panzoom.transform;
    const shift = (start: number, end: number, max: number): number => {
      const [low, high] = [REVEAL_MARGIN, max - REVEAL_MARGIN];
      if (start < low) return low - start;
      if (end > high) return Math.max(high - end, low - start); // too big: its start shows
      return 0;
    };
    const left = x + box.x * k;
    const top = y + box.y * k;
    const dx = shift(left, left + box.width * k, width);
    const dy = shift(top, top + box.height * k, height);
    if (dx !== 0 || dy !== 0) this.panzoom.set({ x: x + dx, y: y + dy, k });
  }

  /** Enter on a node: one more hop both ways, as its two expand controls do. */
  private expandAll(id: string): void {
    const node = this.store.nodes.get(id);
    if (!node) return;
    if (node.moreUp !== 0) this.expand(id, "upstream");
    if (node.moreDown !== 0) this.expand(id, "downstream");
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
    this.keepingView(() => this.details.hide());
    this.focusActive();
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

  /**
   * The first view of a graph: all of it if that is readable (names at least MIN_NAME_PX high),
   * else the root (for a graph shown whole: its first column) at the smallest readable scale.
   */
  private startView(): void {
    const layout = this.layout;
    if (!layout || layout.boxes.size === 0) return;
    if (this.panzoom.fitScale(layout.width, layout.height) >= READABLE_SCALE) {
      this.fit();
      return;
    }
    const root = this.store.root === null ? undefined : layout.boxes.get(this.store.root);
    const start = root ?? firstColumn(layout);
    this.panzoom.showAround(
      start.x + start.width / 2,
      start.y + start.height / 2,
      READABLE_SCALE,
      layout.width,
      layout.height,
    );
  }

  /** Moves to the model's `viewport` (where the user left a view); false if it holds none. */
  private restoreViewport(): boolean {
    const saved = this.model.get("viewport") as Partial<Viewport> | undefined;
    const { cx, cy, k } = saved ?? {};
    const valid = [cx, cy, k].every((v) => typeof v === "number" && Number.isFinite(v));
    if (!valid || (k as number) <= 0) return false;
    this.panzoom.set({ ...this.panzoom.transform, k: k as number });
    this.panzoom.centerOn(cx as number, cy as number);
    return true;
  }

  /** The user panned or zoomed: once they pause, the model's `viewport` remembers where. */
  private saveViewportSoon(): void {
    clearTimeout(this.viewportTimer);
    this.viewportTimer = setTimeout(() => {
      if (this.destroyed) return;
      const { cx, cy, k } = this.panzoom.centre;
      const round = (v: number) => Math.round(v * 1000) / 1000;
      this.savingViewport = true;
      this.model.set("viewport", { cx: round(cx), cy: round(cy), k: round(k) });
      this.savingViewport = false;
      this.model.save_changes();
    }, VIEWPORT_SAVE_DELAY);
  }

  // ---- drawing ---------------------------------------------------------------------------

  private relayout(fit: boolean): void {
    if (fit) this.fitOnNextDraw = true;
    const run = ++this.layoutRun;
    const edges = [...this.store.edges.values()];
    this.drawing = computeLayout(
      this.store.nodes.values(),
      this.store.clusters.values(),
      edges,
    ).then(
      (layout) => {
        // A newer layout (a later delta) supersedes this one.
        if (run !== this.layoutRun || this.destroyed) return;
        this.layoutError = null;
        this.draw(layout);
      },
      (error: unknown) => {
        if (run !== this.layoutRun || this.destroyed) return;
        this.layoutError = `Could not lay out the graph: ${String(error)}`;
        this.message.hidden = false;
        this.message.textContent = this.layoutError;
      },
    );
  }

  private draw(layout: Layout): void {
    const size = { width: this.viewport.clientWidth, height: this.viewport.clientHeight };
    const previous = this.layout;
    this.layout = layout;
    // An empty first snapshot does not use up the fit: the first nodes to arrive get it. It goes
    // before the cards do: reading the viewport's size is cheap while they are not in yet, and
    // thousands of cards then start in the zoom level (detail) they are drawn at.
    if (this.fitOnNextDraw && layout.boxes.size > 0) {
      this.fitOnNextDraw = false;
      // A view's first drawing starts where the user left the model's views (a reload, a
      // second view, a restored view_state or saved view); later fits (a new snapshot) fit.
      const restored = !this.viewportChecked && this.restoreViewport();
      this.viewportChecked = true;
      if (!restored) this.panzoom.whenSized(() => this.startView());
      // A reload reopens the selected node's details: the node stays in view beside them.
      const [only, ...others] = this.selection();
      if (only !== undefined && others.length === 0 && this.details.visible) this.revealItem(only);
    } else if (!this.fitOnNextDraw && previous) {
      const wasWhole = this.showsWhole(previous);
      this.keepAnchorInPlace(previous, layout);
      this.takeInNewNodes(previous, layout, wasWhole);
    }
    const focused = this.focusedElement();
    const hadFocus = focused !== null && this.nodeLayer.contains(focused);

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
    this.edges.markHighlighted(new Set([...this.highlighted, ...this.highlightedClusters]));
    this.content.style.width = `${layout.width}px`;
    this.content.style.height = `${layout.height}px`;
    this.showMessage();

    // Ready once something is drawn, or the kernel's graph is empty (its empty state shows).
    const empty = this.store.loaded && this.store.nodes.size + this.store.clusters.size === 0;
    if (this.elements.size + this.clusterElements.size > 0 || empty)
      this.root.dataset.ready = "true";
    this.syncTabStop();
    // The focused node left (say into a cluster): the focus goes to the new tab stop.
    const stillFocused = this.focusedElement();
    if (hadFocus && !(stillFocused !== null && this.nodeLayer.contains(stillFocused))) {
      this.focusActive();
    }
    this.applyFocus();
    this.syncMembers();
    if (this.details.visible) this.details.refresh();
    // Before the first paint, with the viewport's size read before the cards went in (reading
    // it now would lay out thousands of cards that culling then takes out).
    this.cull(size);
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
      element.update(
        cluster,
        cluster.id === open,
        holding.has(cluster.id),
        this.highlightedClusters.has(cluster.id),
      );
      this.marks.paintCluster(element.element, cluster.id);
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

  /**
   * After an expand (or a pull-out), glides the view to take in what came, at the same zoom,
   * as far as the expanded node (the anchor) stays in view: nothing lands off screen unseen.
   */
  private takeInNewNodes(previous: Layout, next: Layout, wasWhole: boolean): void {
    const anchor = this.store.anchorId === null ? undefined : next.boxes.get(this.store.anchorId);
    if (!anchor) return;
    // A graph shown whole stays whole while its names stay readable.
    const fitted = this.panzoom.fitScale(next.width, next.height);
    if (wasWhole && fitted >= READABLE_SCALE) {
      this.panzoom.glideTo({
        x: (this.viewport.clientWidth - next.width * fitted) / 2,
        y: (this.viewport.clientHeight - next.height * fitted) / 2,
        k: fitted,
      });
      return;
    }
    let [left, top, right, bottom] = [
      anchor.x,
      anchor.y,
      anchor.x + anchor.width,
      anchor.y + anchor.height,
    ];
    let added = 0;
    for (const [id, box] of next.boxes) {
      if (previous.boxes.has(id)) continue;
      added += 1;
      left = Math.min(left, box.x);
      top = Math.min(top, box.y);
      right = Math.max(right, box.x + box.width);
      bottom = Math.max(bottom, box.y + box.height);
    }
    if (added === 0) return;
    const { x, y, k } = this.panzoom.transform;
    const width = this.viewport.clientWidth;
    const height = this.viewport.clientHeight;
    // Zoomed out as far as needed to take it all in, but never below a readable scale.
    const fits = Math.min(
      (width - 2 * REVEAL_MARGIN) / (right - left),
      (height - 2 * REVEAL_MARGIN) / (bottom - top),
    );
    const scale = Math.min(k, Math.max(READABLE_SCALE, fits));
    // Where the view goes on one axis: zoomed about the anchor (it stays put), then moved so
    // that [start, end] (graph px) shows; what does not fit shows from the anchor's side. The
    // anchor [keepStart, keepEnd] always stays inside.
    const place = (
      t: number,
      start: number,
      end: number,
      keepStart: number,
      keepEnd: number,
      view: number,
    ) => {
      const origin = t + keepStart * k - keepStart * scale;
      const at = (g: number) => origin + g * scale;
      const [low, high] = [REVEAL_MARGIN, view - REVEAL_MARGIN];
      let move = 0;
      if ((end - start) * scale > high - low) {
        move = start + end < keepStart + keepEnd ? high - at(keepEnd) : low - at(keepStart);
      } else if (at(start) < low) move = low - at(start);
      else if (at(end) > high) move = high - at(end);
      return origin + Math.min(high - at(keepEnd), Math.max(low - at(keepStart), move));
    };
    const target = {
      x: place(x, left, right, anchor.x, anchor.x + anchor.width, width),
      y: place(y, top, bottom, anchor.y, anchor.y + anchor.height, height),
      k: scale,
    };
    if (Math.abs(target.x - x) >= 1 || Math.abs(target.y - y) >= 1 || scale !== k) {
      this.panzoom.glideTo(target);
    }
  }

  /** Whether the whole of `layout` is inside the viewport now. */
  private showsWhole(layout: Layout): boolean {
    const { x, y, k } = this.panzoom.transform;
    const slack = 1;
    return (
      x >= -slack &&
      y >= -slack &&
      x + layout.width * k <= this.viewport.clientWidth + slack &&
      y + layout.height * k <= this.viewport.clientHeight + slack
    );
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
      highlighted: this.highlighted.has(id),
      puttingBack: this.store.isPuttingBack(id),
      connected: this.store.connected,
    });
    this.marks.paintNode(element.element, node);
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
    if (!this.store.loaded) text = this.store.unanswered ? "" : "Loading lineage…";
    else if (count === 0) text = "Nothing to show: this lineage graph is empty.";
    this.message.textContent = text;
    this.message.hidden = text === "";
    this.summary.textContent = this.store.loaded
      ? `${runs} run${runs === 1 ? "" : "s"} · ${count - runs} artifact${count - runs === 1 ? "" : "s"}`
      : "";
  }
}
