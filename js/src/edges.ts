/**
 * The SVG layer of edges: a curve from the source's right side to the target's left side, with
 * an arrowhead at the target (the direction data flows). Paths are reused by edge between draws.
 * An edge that stands for several lineage edges (to or from a cluster) shows that count midway.
 * A back edge (it closes a cycle, so its target lies left of its source) loops out of the
 * source, runs below every node between the two and enters the target from the left: dashed,
 * in the warning colour, titled "closes a cycle". Test hooks: data-source, data-target,
 * data-count, data-back; classes lw-edge-active (touches the selection) and lw-edge-highlighted
 * (joins two highlighted items).
 */
import { setCulled } from "./culling";
import { svg } from "./dom";
import { BADGE_HEIGHT, badgeWidth } from "./geometry";
import type { Box, Layout } from "./layout";
import type { GraphEdge } from "./store";

const ARROW_LENGTH = 8;
const ARROW_HALF_WIDTH = 4.5;
/** Edges leave and enter a little outside the node so the expand controls stay clear. */
const PORT_GAP = 2;
/** How far a back edge swings out of its ends, and how far below the nodes it runs (px). */
const LOOP_REACH = 28;
const LOOP_GAP = 12;
export const BACK_EDGE_TEXT = "closes a cycle";

interface EdgeShape {
  group: SVGGElement;
  curve: SVGPathElement;
  arrow: SVGPathElement;
  badge: SVGGElement | null;
  /** Where the edge can reach (its ends' boxes, and below them for a back edge). */
  bounds: Bounds;
}

/** A rectangle by its edges, in graph coordinates. */
export interface Bounds {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export const overlaps = (a: Bounds, b: Bounds): boolean =>
  a.left <= b.right && b.left <= a.right && a.top <= b.bottom && b.top <= a.bottom;

/** Edges meet a box halfway down its face (below a cluster's stacked cards). */
const faceMiddle = (box: Box): number => box.y + (box.faceTop + box.height) / 2;

interface EdgeGeometry {
  curve: string;
  arrow: string;
  middle: { x: number; y: number };
}

/** Where an edge leaves its source and reaches its target, and its arrowhead there. */
function endsOf(from: Box, to: Box) {
  const sx = from.x + from.width + PORT_GAP;
  const sy = faceMiddle(from);
  const tx = to.x - PORT_GAP;
  const ty = faceMiddle(to);
  const end = tx - ARROW_LENGTH;
  const arrow = `M${tx},${ty} L${end},${ty - ARROW_HALF_WIDTH} L${end},${ty + ARROW_HALF_WIDTH} Z`;
  return { sx, sy, ty, end, arrow };
}

/** The curve and arrowhead of an edge, and the curve's midpoint (where a count goes). */
export function edgePath(from: Box, to: Box): EdgeGeometry {
  const { sx, sy, ty, end, arrow } = endsOf(from, to);
  const bend = Math.max(40, Math.abs(end - sx) / 2);
  const curve = `M${sx},${sy} C${sx + bend},${sy} ${end - bend},${ty} ${end},${ty}`;
  // Symmetric control points: the point at t = 1/2 is the middle of the two ends.
  return { curve, arrow, middle: { x: (sx + end) / 2, y: (sy + ty) / 2 } };
}

/**
 * A back edge: out of the source's right side, down and back left below `floor` (the lowest
 * bottom of the boxes between the two ends), then up into the target's left side.
 */
export function backEdgePath(from: Box, to: Box, floor: number): EdgeGeometry {
  const { sx, sy, ty, end, arrow } = endsOf(from, to);
  const low = floor + LOOP_GAP;
  const out = sx + LOOP_REACH;
  const back = end - LOOP_REACH;
  const curve =
    `M${sx},${sy} C${out},${sy} ${out},${low} ${sx},${low} ` +
    `L${end},${low} C${back},${low} ${back},${ty} ${end},${ty}`;
  return { curve, arrow, middle: { x: (sx + end) / 2, y: low } };
}

/** The lowest bottom of the boxes that overlap the span between `left` and `right`. */
export function floorBetween(layout: Layout, left: number, right: number): number {
  let floor = 0;
  for (const box of layout.boxes.values()) {
    if (box.x < right && box.x + box.width > left) floor = Math.max(floor, box.y + box.height);
  }
  return floor;
}

function countBadge(): SVGGElement {
  const badge = svg("g", { class: "lw-edge-count" });
  badge.append(svg("rect", { rx: BADGE_HEIGHT / 2, height: BADGE_HEIGHT }), svg("text"));
  return badge;
}

export class EdgeLayer {
  readonly element = svg("svg", { class: "lw-edges" });
  private readonly shapes = new Map<string, EdgeShape>();

  draw(edges: Iterable<GraphEdge>, layout: Layout): void {
    this.element.setAttribute("width", String(Math.max(1, layout.width)));
    this.element.setAttribute("height", String(Math.max(1, layout.height)));
    const seen = new Set<string>();
    for (const edge of edges) {
      const from = layout.boxes.get(edge.source);
      const to = layout.boxes.get(edge.target);
      if (!from || !to) continue;
      const key = `${edge.source}\u0000${edge.target}`;
      seen.add(key);
      const shape = this.shapes.get(key) ?? this.create(key, edge);
      this.setBack(shape, edge);
      const { curve, arrow, middle } = edge.back
        ? backEdgePath(from, to, floorBetween(layout, to.x, from.x + from.width))
        : edgePath(from, to);
      shape.curve.setAttribute("d", curve);
      shape.arrow.setAttribute("d", arrow);
      const below = edge.back ? layout.height : 0; // a back edge runs under the nodes
      shape.bounds = {
        left: Math.min(from.x, to.x) - LOOP_REACH,
        top: Math.min(from.y, to.y),
        right: Math.max(from.x + from.width, to.x + to.width) + LOOP_REACH,
        bottom: Math.max(from.y + from.height, to.y + to.height, below),
      };
      this.placeCount(shape, edge.count, middle);
    }
    for (const [key, shape] of this.shapes) {
      if (!seen.has(key)) {
        shape.group.remove();
        this.shapes.delete(key);
      }
    }
  }

  /** Keeps only the edges that can reach `visible` in the document (culling.ts). */
  cull(visible: Bounds | null): void {
    for (const shape of this.shapes.values()) {
      setCulled(shape.group, visible !== null && !overlaps(shape.bounds, visible), this.element);
    }
  }

  /** Marks the edges that touch a selected node. */
  highlight(selected: ReadonlySet<string>): void {
    for (const [key, shape] of this.shapes) {
      const [source, target] = key.split("\u0000");
      shape.group.classList.toggle("lw-edge-active", selected.has(source) || selected.has(target));
    }
  }

  /** Marks the edges between two highlighted nodes or clusters (the rest dim, in CSS). */
  markHighlighted(items: ReadonlySet<string>): void {
    for (const [key, shape] of this.shapes) {
      const [source, target] = key.split("\u0000");
      shape.group.classList.toggle("lw-edge-highlighted", items.has(source) && items.has(target));
    }
  }

  private placeCount(shape: EdgeShape, count: number, at: { x: number; y: number }): void {
    shape.group.setAttribute("data-count", String(count));
    if (count <= 1) {
      shape.badge?.remove();
      shape.badge = null;
      return;
    }
    if (!shape.badge) {
      shape.badge = countBadge();
      shape.group.append(shape.badge);
    }
    const text = String(count);
    const width = badgeWidth(text);
    const [rect, label] = shape.badge.children;
    rect.setAttribute("x", String(at.x - width / 2));
    rect.setAttribute("y", String(at.y - BADGE_HEIGHT / 2));
    rect.setAttribute("width", String(width));
    label.setAttribute("x", String(at.x));
    label.setAttribute("y", String(at.y));
    label.textContent = text;
  }

  /** Plain edges are decoration (hidden from assistive tech); a back edge says what it is. */
  private setBack(shape: EdgeShape, edge: GraphEdge): void {
    const group = shape.group;
    if (group.getAttribute("data-back") === String(edge.back)) return;
    group.setAttribute("data-back", String(edge.back));
    group.classList.toggle("lw-edge-back", edge.back);
    group.querySelector("title")?.remove();
    if (edge.back) {
      const title = svg("title");
      title.textContent = BACK_EDGE_TEXT;
      group.prepend(title);
      group.setAttribute("role", "img");
      group.setAttribute("aria-label", BACK_EDGE_TEXT);
      group.removeAttribute("aria-hidden");
    } else {
      group.removeAttribute("role");
      group.removeAttribute("aria-label");
      group.setAttribute("aria-hidden", "true");
    }
  }

  private create(key: string, edge: GraphEdge): EdgeShape {
    const group = svg("g", { class: "lw-edge" });
    group.setAttribute("data-source", edge.source);
    group.setAttribute("data-target", edge.target);
    const curve = svg("path", { class: "lw-edge-curve" });
    const arrow = svg("path", { class: "lw-edge-arrow" });
    group.append(curve, arrow);
    this.element.append(group);
    const bounds = { left: 0, top: 0, right: 0, bottom: 0 };
    const shape: EdgeShape = { group, curve, arrow, badge: null, bounds };
    this.shapes.set(key, shape);
    return shape;
  }
}
