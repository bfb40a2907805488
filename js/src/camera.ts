/**
 * Where the view looks, in code (the user's own pans and zooms are panzoom.ts): the first view
 * of a graph, zoom to fit, the expanded node kept in place and what an expand brought taken in,
 * a node or cluster panned into view (beside a panel that covers part of the viewport), the
 * graph kept whole or centred while the details pane narrows or widens the viewport, the
 * kernel's focus() centred, and the two lineages compare() marks shown side by side.
 */

import type { Bounds } from "./edges";
import { LABEL_FONT } from "./geometry";
import type { Box, Layout } from "./layout";
import type { PanZoom } from "./panzoom";
import type { GraphStore } from "./store";

/**
 * The first view never draws names smaller than this on screen (px): they are drawn at
 * LABEL_FONT (13 px), so the scale stays at 0.77 or more. A graph too big to fit at that scale
 * starts at its root (or its first column) and the user pans; "Zoom to fit" shows it all.
 */
const MIN_NAME_PX = 10;
const READABLE_SCALE = Math.ceil((MIN_NAME_PX / LABEL_FONT) * 100) / 100;
/** A node the focus moves to is panned at least this far (px) inside the viewport's edge. */
const REVEAL_MARGIN = 24;

/** The box around `boxes` (null for none). */
function boundsOf(boxes: Iterable<Box>): Bounds | null {
  let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const box of boxes) {
    left = Math.min(left, box.x);
    top = Math.min(top, box.y);
    right = Math.max(right, box.x + box.width);
    bottom = Math.max(bottom, box.y + box.height);
  }
  return left === Infinity ? null : { left, top, right, bottom };
}

/** The bounding box of the layout's first (leftmost) column (boxes are centred on it). */
function firstColumn(layout: Layout): { x: number; y: number; width: number; height: number } {
  const middle = (box: Box) => box.x + box.width / 2;
  let first = Number.POSITIVE_INFINITY;
  for (const box of layout.boxes.values()) first = Math.min(first, middle(box));
  const column = [...layout.boxes.values()].filter((box) => middle(box) < first + 1);
  const { left, top, right, bottom } = boundsOf(column) as Bounds; // (the layout has boxes)
  return { x: left, y: top, width: right - left, height: bottom - top };
}

export class Camera {
  private fitOnNextDraw = true;
  /** The node the kernel asked to focus, centred once it is laid out. */
  private pendingFocus: string | null = null;
  /** The nodes of the comparison shown (compare() marks two lineages): a view of the graph
   * starts at them rather than at the root. */
  private compared: readonly string[] | null = null;
  /** A new comparison, shown once its nodes are laid out. */
  private showPending = false;

  constructor(
    private readonly panzoom: PanZoom,
    private readonly viewport: HTMLElement,
    private readonly store: GraphStore,
    private readonly layout: () => Layout | null,
    /** Moves to where the user left the model's views, for this view's first drawing. */
    private readonly restoreFirst: () => boolean,
  ) {}

  /** The next drawing shows a new graph (a snapshot): it starts a view instead of following. */
  fitNextDraw(): void {
    this.fitOnNextDraw = true;
  }

  /**
   * A drawing of `layout` starts (before its cards are placed: reading the viewport's size is
   * cheap while they are not in yet, and thousands of cards then start in the zoom level they are
   * drawn at). Returns true if this starts a view (a first drawing or a new snapshot).
   */
  arrive(previous: Layout | null, layout: Layout): boolean {
    // An empty first snapshot does not use up the fit: the first nodes to arrive get it.
    if (this.fitOnNextDraw && layout.boxes.size > 0) {
      this.fitOnNextDraw = false;
      // A view's first drawing starts where the user left the model's views (a reload, a
      // second view, a restored view_state or saved view); later fits (a new snapshot) fit.
      if (!this.restoreFirst()) this.panzoom.whenSized(() => this.startView());
      return true;
    }
    if (!this.fitOnNextDraw && previous) {
      const wasWhole = this.showsWhole(previous);
      this.keepAnchorInPlace(previous, layout);
      this.takeInNewNodes(previous, layout, wasWhole);
    }
    return false;
  }

  fit(): void {
    const layout = this.layout();
    if (layout) this.panzoom.fit(layout.width, layout.height);
  }

  /**
   * The first view of a graph: all of it if that is readable (names at least MIN_NAME_PX high),
   * else the root (for a graph shown whole: its first column) at the smallest readable scale.
   */
  private startView(): void {
    const layout = this.layout();
    if (!layout || layout.boxes.size === 0) return;
    const compared = this.comparedBounds(false);
    if (compared) {
      this.showPending = false;
      this.panzoom.set(this.fitting(compared));
      return;
    }
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

  /**
   * Opens or closes the docked details pane (`change`), which narrows or widens the viewport:
   * a graph that was shown whole stays whole (zoomed out if needed, while names stay readable),
   * else the graph point at the middle stays at the middle.
   */
  keepingView(change: () => void): void {
    const before = this.viewport.clientWidth;
    change();
    const after = this.viewport.clientWidth;
    const layout = this.layout();
    if (before === after || before === 0 || after === 0 || !layout) return;
    const { x, y, k } = this.panzoom.transform;
    const wasWhole = x >= 0 && x + layout.width * k <= before;
    const fitted = this.panzoom.fitScale(layout.width, layout.height);
    if (wasWhole && layout.width * k > after && fitted >= READABLE_SCALE) this.fit();
    else if (wasWhole && layout.width * k <= after) {
      this.panzoom.set({ x: (after - layout.width * k) / 2, y, k });
    } else this.panzoom.set({ x: x + (after - before) / 2, y, k });
  }

  /** Pans just enough that the node or cluster `id` lies inside the viewport (from its place in
   * the layout: right after a layout too, before the cards are moved there). */
  revealItem(id: string): void {
    const box = this.layout()?.boxes.get(id);
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

  /** Pans just enough that `item` (a cluster) is not hidden under `panel` (on the left). */
  revealBeside(item: HTMLElement, panel: HTMLElement): void {
    const panelBox = panel.getBoundingClientRect();
    const box = item.getBoundingClientRect();
    const overlap = panelBox.right + 16 - box.left;
    if (overlap > 0) {
      const { x, y, k } = this.panzoom.transform;
      this.panzoom.set({ x: x + overlap, y, k });
    }
  }

  /** The kernel asked to centre node `id` (now, or once it is laid out). */
  focusOn(id: string): void {
    this.pendingFocus = id;
    this.applyFocus();
  }

  applyFocus(): void {
    const id = this.pendingFocus;
    const box = id === null ? undefined : this.layout()?.boxes.get(id);
    if (!box) return;
    this.pendingFocus = null;
    this.panzoom.centerOn(box.x + box.width / 2, box.y + box.height / 2);
  }

  /**
   * Glides to show the nodes `ids` whole (or the clusters drawing them), zoomed out as far as
   * that takes, like "Zoom to fit" for them alone: compare() marks two lineages, and seeing both
   * side by side is what it was asked for; later first views (a new snapshot: JupyterLab's view
   * says hello twice) start there too. Nodes it brought that are still being laid out are
   * waited for (`applyShow`). null: no comparison any more.
   */
  showCompared(ids: readonly string[] | null): void {
    this.compared = ids;
    this.showPending = ids !== null;
    this.applyShow(false);
  }

  /** After a drawing (`drawn`), shows a new comparison, of it what is laid out. */
  applyShow(drawn: boolean): void {
    if (!this.showPending) return;
    const bounds = this.comparedBounds(!drawn);
    if (bounds === undefined) return; // the delta that brings its nodes is being laid out
    this.showPending = false;
    if (bounds === null) return;
    // A view not on screen yet (a comparison made right after the widget's cell, as "Run all"
    // does) moves once it has a size.
    this.panzoom.whenSized(() => this.panzoom.glideTo(this.fitting(bounds)));
  }

  /** The box around the compared nodes laid out: null if none is; undefined if `complete` is
   * asked for and some are not laid out yet. */
  private comparedBounds(complete: boolean): Bounds | null | undefined {
    const layout = this.layout();
    if (this.compared === null || !layout) return complete ? undefined : null;
    const boxes: Box[] = [];
    for (const id of this.compared) {
      const box = layout.boxes.get(id) ?? layout.boxes.get(this.store.clusterOf(id) ?? "");
      if (box) boxes.push(box);
      else if (complete) return undefined;
    }
    return boundsOf(boxes);
  }

  /** The transform that shows `bounds` whole, centred (at most "Zoom to fit"'s scale). */
  private fitting(bounds: Bounds): { x: number; y: number; k: number } {
    const width = bounds.right - bounds.left;
    const height = bounds.bottom - bounds.top;
    const k = this.panzoom.fitScale(width, height);
    return {
      x: (this.viewport.clientWidth - width * k) / 2 - bounds.left * k,
      y: (this.viewport.clientHeight - height * k) / 2 - bounds.top * k,
      k,
    };
  }

  /** After a delta, the expanded node (else any node still shown) keeps its screen position. */
  private keepAnchorInPlace(previous: Layout, next: Layout): void {
    const candidates = [this.store.anchorId, ...previous.boxes.keys()];
    for (const id of candidates) {
      if (id === null) continue;
      const before = previous.boxes.get(id);
      const after = next.boxes.get(id);
      if (before && after) {
        // (no move, no call: a shift cancels a glide under way, and a delta that moves nothing
        // would stop the view half-way to what an expand or a comparison glides to)
        if (after.x !== before.x || after.y !== before.y) {
          this.panzoom.shiftBy(after.x - before.x, after.y - before.y);
        }
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
    if (wasWhole && this.panzoom.fitScale(next.width, next.height) >= READABLE_SCALE) {
      this.panzoom.glideTo(
        this.fitting({ left: 0, top: 0, right: next.width, bottom: next.height }),
      );
      return;
    }
    const added = [...next.boxes].filter(([id]) => !previous.boxes.has(id)).map(([, box]) => box);
    if (added.length === 0) return;
    const { left, top, right, bottom } = boundsOf([anchor, ...added]) as Bounds;
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
}
