/**
 * The SVG layer of edges: a curve from the source's right side to the target's left side, with
 * an arrowhead at the target (the direction data flows). Paths are reused by edge between draws.
 */
import { svg } from "./dom";
import type { Box, Layout } from "./layout";
import type { GraphEdge } from "./store";

const ARROW_LENGTH = 8;
const ARROW_HALF_WIDTH = 4.5;
/** Edges leave and enter a little outside the node so the expand controls stay clear. */
const PORT_GAP = 2;

interface EdgeShape {
  group: SVGGElement;
  curve: SVGPathElement;
  arrow: SVGPathElement;
}

export function edgePath(from: Box, to: Box): { curve: string; arrow: string } {
  const sx = from.x + from.width + PORT_GAP;
  const sy = from.y + from.height / 2;
  const tx = to.x - PORT_GAP;
  const ty = to.y + to.height / 2;
  const end = tx - ARROW_LENGTH;
  const bend = Math.max(40, Math.abs(end - sx) / 2);
  const curve = `M${sx},${sy} C${sx + bend},${sy} ${end - bend},${ty} ${end},${ty}`;
  const arrow = `M${tx},${ty} L${end},${ty - ARROW_HALF_WIDTH} L${end},${ty + ARROW_HALF_WIDTH} Z`;
  return { curve, arrow };
}

export class EdgeLayer {
  readonly element = svg("svg", { class: "lw-edges", "aria-hidden": "true" });
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
      const { curve, arrow } = edgePath(from, to);
      shape.curve.setAttribute("d", curve);
      shape.arrow.setAttribute("d", arrow);
    }
    for (const [key, shape] of this.shapes) {
      if (!seen.has(key)) {
        shape.group.remove();
        this.shapes.delete(key);
      }
    }
  }

  /** Marks the edges that touch a selected node. */
  highlight(selected: ReadonlySet<string>): void {
    for (const [key, shape] of this.shapes) {
      const [source, target] = key.split("\u0000");
      shape.group.classList.toggle("lw-edge-active", selected.has(source) || selected.has(target));
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
    const shape = { group, curve, arrow };
    this.shapes.set(key, shape);
    return shape;
  }
}
