/**
 * One view of a model, composed of its parts: the toolbar, the notices (banner, errors, message),
 * the canvas (the pannable graph: draws and culls), the camera (where the view looks), the
 * viewport trait kept in sync, the selection and highlight, the panels (details, members), the
 * graph's roving focus and keys, and click routing. Here the parts are built and wired: the
 * store's events reach the parts that show them, and a drawing runs its steps in order.
 */
import { Camera } from "./camera";
import { Canvas } from "./canvas";
import { routeClicks } from "./clicks";
import { html } from "./dom";
import { drawSvg, type Picture, picture, resolveTheme } from "./export";
import { keyboardHelp, RovingFocus } from "./focus";
import { setCssSizes } from "./geometry";
import type { Layout } from "./layout";
import { Marks } from "./marks";
import { Notices } from "./notices";
import { Panels } from "./panels";
import type { DiffMarks, Model } from "./protocol";
import { Selection } from "./selection";
import type { GraphStore, StoreEvent } from "./store";
import { Toolbar } from "./toolbar";
import { ViewportSync } from "./viewport-sync";

/** The two nodes a comparison compares, as "a\nb" (null: no comparison). */
function pairOf(diff: DiffMarks | Record<string, never> | undefined): string | null {
  return diff && "nodes" in diff ? `${diff.a}\n${diff.b}` : null;
}

export class GraphView {
  readonly root = html("div", "lineage-widget");
  private readonly toolbar: Toolbar;
  private readonly notices: Notices;
  /** color_by, the lineage diff and run states, painted over the nodes (marks.ts). */
  private readonly marks: Marks;
  private readonly canvas: Canvas;
  private readonly viewportSync: ViewportSync;
  private readonly camera: Camera;
  private readonly selection: Selection;
  private readonly panels: Panels;
  private readonly focus: RovingFocus;
  private readonly cleanups: (() => void)[] = [];
  private destroyed = false;
  /** The pair of nodes the comparison shown now compares, as "a\nb" (null: none). */
  private comparedPair: string | null = null;

  constructor(
    model: Model,
    private readonly store: GraphStore,
  ) {
    const root = this.root;
    // Focusable for Escape after a panel closes, but not a tab stop: the graph's node is.
    root.tabIndex = -1;
    setCssSizes(root);
    this.toolbar = new Toolbar(model, root, {
      fit: () => {
        this.camera.fit();
        this.viewportSync.saveSoon();
      },
      zoomBy: (factor) => {
        this.canvas.panzoom.zoomBy(factor);
        this.viewportSync.saveSoon();
      },
      clearHighlight: () => this.selection.clearHighlight(),
      picture: () => this.picture(),
      showError: (message) => this.notices.showError(message),
    });
    this.notices = new Notices(store, root, (text) => this.toolbar.setSummary(text));
    this.marks = new Marks(model, root, () =>
      [...this.canvas.elements.values(), ...this.canvas.clusterElements.values()].map(
        (item) => item.element,
      ),
    );
    this.canvas = new Canvas(
      store,
      this.marks,
      {
        selected: () => this.selection.selected(),
        isHighlighted: (id) => this.selection.isHighlighted(id),
        holdsHighlighted: (id) => this.selection.holdsHighlighted(id),
        clustersHolding: (selected) => this.selection.clustersHolding(selected),
        openCluster: () => this.panels.members.clusterId,
      },
      {
        message: this.notices.message,
        help: keyboardHelp(),
        onBackgroundClick: () => this.selection.clear(),
        onUserMove: () => this.viewportSync.saveSoon(),
        onLayout: (layout) => this.draw(layout),
        onLayoutError: (text) => this.notices.showLayoutError(text),
      },
    );
    const panzoom = this.canvas.panzoom;
    this.viewportSync = new ViewportSync(model, panzoom, () => this.canvas.layout !== null);
    this.camera = new Camera(
      panzoom,
      this.canvas.viewport,
      store,
      () => this.canvas.layout,
      () => this.viewportSync.restoreFirst(),
    );
    this.selection = new Selection(model, store, root, this.canvas, {
      picked: () => this.panels.picked(),
      shown: (selected) => this.panels.showSelection(selected),
      highlightCount: (count) => this.toolbar.setHighlightCount(count),
    });
    this.panels = new Panels(store, root, this.canvas, this.camera, this.selection, () =>
      this.focus.focusActive(),
    );
    this.focus = new RovingFocus(this.canvas, store, root, {
      openCluster: (id) => this.panels.openCluster(id),
      toggleCluster: (id) => this.panels.toggleCluster(id),
      select: (id, toggle) => this.selection.select(id, toggle),
      reveal: (id) => this.camera.revealItem(id),
    });
    const body = html("div", "lw-body");
    body.append(this.canvas.viewport, this.panels.details.element);
    root.append(
      this.toolbar.element,
      this.notices.banner,
      this.notices.errorBar,
      body,
      this.panels.members.element,
    );

    this.cleanups.push(
      store.subscribe((event) => this.onStoreEvent(event)),
      () => this.canvas.destroy(),
      () => this.viewportSync.destroy(),
      () => this.selection.destroy(),
      () => this.panels.destroy(),
      () => this.toolbar.destroy(),
      () => this.notices.destroy(),
      () => this.marks.destroy(),
      () => this.focus.destroy(),
      ...routeClicks(root, this.canvas.nodeLayer, {
        toggleCluster: (id) => this.panels.toggleCluster(id),
        expand: (id, direction) => store.expand(id, direction),
        putBack: (id) => store.putBack(id),
        select: (id, toggle) => this.selection.select(id, toggle),
      }),
    );

    // A comparison made before this view was drawn (the cell after the widget's, run at once)
    // is shown too, unless the user already left a view of this model somewhere.
    const onDiff = () => this.showCompared(model.get("_diff"));
    if (this.viewportSync.saved() === null) onDiff();
    else this.comparedPair = pairOf(model.get("_diff"));
    model.on("change:_diff", onDiff);
    this.cleanups.push(() => model.off("change:_diff", onDiff));

    this.notices.showMessage();
    if (store.loaded) {
      this.toolbar.filters.setHasRoot(store.root !== null);
      this.relayout(true);
    }
    this.selection.sync();
    this.selection.syncHighlight();
    if (!store.connected) this.showDisconnected();
    else if (store.unanswered) this.notices.showUnanswered();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.root.remove();
  }

  private onStoreEvent(event: StoreEvent): void {
    switch (event.kind) {
      case "graph":
        this.toolbar.filters.setHasRoot(this.store.root !== null);
        // A restored view is drawn where it was saved (the `viewport` trait), like a first one.
        if (event.reason === "restore") this.viewportSync.lookAgain();
        this.relayout(event.reason !== "delta");
        break;
      case "status":
        this.canvas.updateNode(event.id);
        this.panels.onStatus();
        break;
      case "focus":
        this.camera.focusOn(event.id);
        break;
      case "members":
        this.panels.onMembers(event.cluster);
        break;
      case "open-cluster":
        this.panels.openCluster(event.cluster, event.member);
        break;
      case "connection":
        if (!this.store.connected) this.showDisconnected();
        else this.notices.showUnanswered();
        break;
      case "error":
        this.notices.showError(event.message);
        break;
    }
  }

  /** A new comparison (compare(a, b) from Python): both lineages it marks come into view. */
  private showCompared(diff: DiffMarks | Record<string, never> | undefined): void {
    const pair = pairOf(diff);
    if (pair === this.comparedPair) return;
    this.comparedPair = pair;
    this.camera.showCompared(diff && "nodes" in diff ? Object.keys(diff.nodes) : null);
  }

  /** The graph as this view draws it (once the pending layout is drawn), as an SVG document. */
  async picture(): Promise<Picture> {
    const layout = await this.canvas.settledLayout();
    const selected = new Set(this.selection.selected());
    const drawn = drawSvg(this.store, layout, selected, resolveTheme(this.root));
    this.marks.paintPicture(drawn, layout);
    return picture(drawn);
  }

  /** The kernel is gone: the graph stays readable, but nothing offers to ask it anything. */
  private showDisconnected(): void {
    this.notices.showDisconnected();
    this.canvas.updateNodes();
    this.panels.disconnected();
  }

  private relayout(fit: boolean): void {
    if (fit) this.camera.fitNextDraw();
    this.canvas.relayout();
  }

  /** A drawing, step by step: the view moves before the cards go in, the rest follows them. */
  private draw(layout: Layout): void {
    // Read before the cards go in (reading it after would lay out thousands of cards that
    // culling then takes out).
    const size = this.canvas.size();
    const previous = this.canvas.setLayout(layout);
    if (this.camera.arrive(previous, layout)) this.panels.revealDescribed();
    const hadFocus = this.canvas.holdsFocus();
    this.canvas.placeCards(layout);
    this.selection.markEdges();
    this.notices.showMessage();

    // Ready once something is drawn, or the kernel's graph is empty (its empty state shows).
    const empty = this.store.loaded && this.store.nodes.size + this.store.clusters.size === 0;
    if (this.canvas.cardCount > 0 || empty) this.root.dataset.ready = "true";
    this.focus.afterDraw(hadFocus);
    this.camera.applyFocus();
    this.camera.applyShow(true);
    this.panels.afterDraw();
    // Before the first paint, with the viewport's size read before the cards went in.
    this.canvas.cull(size);
  }
}
