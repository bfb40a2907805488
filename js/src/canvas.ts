/**
 * The graph's drawing surface: the pannable, zoomable viewport (panzoom.ts) holding the edges,
 * the node cards and the cluster stacks. Lays out what the store holds (layout.ts; a newer
 * layout supersedes one still being computed), places, updates and removes the cards, and culls:
 * in a big graph, what is far off screen is not rendered.
 */
import { ClusterElement } from "./cluster-element";
import { setCulled } from "./culling";
import { focusedElement, html } from "./dom";
import { type Bounds, EdgeLayer, overlaps } from "./edges";
import { computeLayout, type Layout } from "./layout";
import type { Marks } from "./marks";
import { NodeElement } from "./node-element";
import { PanZoom } from "./panzoom";
import type { GraphStore } from "./store";

/** Above this many cards and clusters drawn, those far off screen are not rendered. */
const CULL_ABOVE = 300;
/** How far past each side of the viewport cards stay rendered, in viewports: everything rendered
 * is restyled when the host restyles the cell, so a wider margin makes those frames longer. */
const CULL_MARGIN = 0.5;

/** What a card shows besides its node: the page's selection, Python's highlight, the open
 * cluster. */
export interface CardLooks {
  selected(): readonly string[];
  isHighlighted(id: string): boolean;
  holdsHighlighted(clusterId: string): boolean;
  clustersHolding(selected: ReadonlySet<string>): Set<string>;
  openCluster(): string | null;
}

export interface CanvasParts {
  /** Shown over the graph (loading, empty, errors). */
  message: HTMLElement;
  /** Describes the graph's keys to assistive technology (the viewport's aria-describedby). */
  help: HTMLElement;
  /** A press on the background that did not pan. */
  onBackgroundClick(): void;
  /** The user panned or zoomed. */
  onUserMove(): void;
  /** A layout asked for by `relayout` is ready (and still the latest). */
  onLayout(layout: Layout): void;
  onLayoutError(text: string): void;
}

export class Canvas {
  readonly viewport = html("div", "lw-viewport");
  readonly nodeLayer = html("div", "lw-nodes");
  readonly edges = new EdgeLayer();
  readonly panzoom: PanZoom;
  readonly elements = new Map<string, NodeElement>();
  readonly clusterElements = new Map<string, ClusterElement>();
  /** The layout drawn last (set by `setLayout` as a drawing starts). */
  layout: Layout | null = null;
  private readonly content = html("div", "lw-content");
  private layoutRun = 0;
  /** Settles when the layout asked for last has been drawn (or has failed). */
  private drawing: Promise<void> = Promise.resolve();
  private layoutError: string | null = null;
  private cullFrame = 0;
  /** Some cards or edges may be culled (the graph was big at the last cull). */
  private culled = false;
  private destroyed = false;

  constructor(
    private readonly store: GraphStore,
    private readonly marks: Marks,
    private readonly looks: CardLooks,
    private readonly parts: CanvasParts,
  ) {
    this.viewport.setAttribute("role", "application");
    this.viewport.setAttribute("aria-roledescription", "lineage graph");
    this.viewport.setAttribute("aria-label", "Lineage graph");
    this.viewport.setAttribute("aria-describedby", parts.help.id);
    this.content.append(this.edges.element, this.nodeLayer);
    this.viewport.append(this.content, parts.message, parts.help, marks.legend.element);
    this.panzoom = new PanZoom(
      this.viewport,
      this.content,
      (target) => !(target instanceof Element && target.closest(".lw-node, .lw-cluster")),
      () => parts.onBackgroundClick(),
      () => parts.onUserMove(),
      () => this.scheduleCull(),
    );
  }

  destroy(): void {
    this.destroyed = true;
    cancelAnimationFrame(this.cullFrame);
    this.panzoom.destroy();
  }

  /** The viewport's size on screen (px). */
  size(): { width: number; height: number } {
    return { width: this.viewport.clientWidth, height: this.viewport.clientHeight };
  }

  /** Lays out the store's graph; `onLayout` gets it unless a later call superseded it. */
  relayout(): void {
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
        this.parts.onLayout(layout);
      },
      (error: unknown) => {
        if (run !== this.layoutRun || this.destroyed) return;
        this.layoutError = `Could not lay out the graph: ${String(error)}`;
        this.parts.onLayoutError(this.layoutError);
      },
    );
  }

  /** The layout as drawn once the pending one is (for a picture); throws if there is none. */
  async settledLayout(): Promise<Layout> {
    let drawing: Promise<void>;
    do {
      drawing = this.drawing;
      await drawing;
    } while (drawing !== this.drawing); // a later delta asked for another layout meanwhile
    if (this.destroyed) throw new Error("the view was closed");
    if (this.layoutError !== null) throw new Error(this.layoutError);
    if (!this.layout) throw new Error("nothing is drawn yet");
    return this.layout;
  }

  /** Makes `layout` the drawn one (its cards are placed by `placeCards`); returns the previous. */
  setLayout(layout: Layout): Layout | null {
    const previous = this.layout;
    this.layout = layout;
    return previous;
  }

  /** Adds, moves and updates the cards and edges to `layout`, removes those that left, and sizes
   * the panned layer to it. */
  placeCards(layout: Layout): void {
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
    this.content.style.width = `${layout.width}px`;
    this.content.style.height = `${layout.height}px`;
  }

  private drawClusters(layout: Layout): void {
    for (const [id, element] of this.clusterElements) {
      if (!this.store.clusters.has(id)) {
        element.element.remove();
        this.clusterElements.delete(id);
      }
    }
    const holding = this.looks.clustersHolding(new Set(this.looks.selected()));
    const open = this.looks.openCluster();
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
        this.looks.holdsHighlighted(cluster.id),
      );
      this.marks.paintCluster(element.element, cluster.id);
    }
  }

  /** Redraws the card of node `id` from the store (its fetch state, selection, marks). */
  updateNode(id: string): void {
    const element = this.elements.get(id);
    const node = this.store.nodes.get(id);
    if (!element || !node) return;
    element.update({
      node,
      upstream: this.store.fetchState(id, "upstream"),
      downstream: this.store.fetchState(id, "downstream"),
      selected: this.looks.selected().includes(id),
      highlighted: this.looks.isHighlighted(id),
      puttingBack: this.store.isPuttingBack(id),
      connected: this.store.connected,
    });
    this.marks.paintNode(element.element, node);
  }

  updateNodes(): void {
    for (const id of this.elements.keys()) this.updateNode(id);
  }

  /** How many cards (nodes and clusters) are drawn. */
  get cardCount(): number {
    return this.elements.size + this.clusterElements.size;
  }

  /** Whether node or cluster `id` has a card. */
  isDrawn(id: string): boolean {
    return this.elements.has(id) || this.clusterElements.has(id);
  }

  /** The card of node or cluster `id`. */
  card(id: string): NodeElement | ClusterElement | undefined {
    return this.elements.get(id) ?? this.clusterElements.get(id);
  }

  /** The element of node or cluster `id`, rendered even if culled (it is about to be focused, and
   * a focused card is panned into view). */
  itemElement(id: string): HTMLElement | undefined {
    const element = this.card(id)?.element;
    if (element) setCulled(element, false, this.nodeLayer);
    return element;
  }

  /** Whether the focus is on a card or a control inside one. */
  holdsFocus(): boolean {
    const focused = focusedElement(this.viewport);
    return focused !== null && this.nodeLayer.contains(focused);
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
  cull(size = this.size()): void {
    const layout = this.layout;
    const big = this.cardCount > CULL_ABOVE;
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
    const focused = focusedElement(this.viewport);
    const place = (id: string, element: HTMLElement) => {
      const box = layout.boxes.get(id);
      const hide =
        visible !== null &&
        box !== undefined &&
        !(focused !== null && element.contains(focused)) &&
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
}
