/**
 * What the page paints over the drawn nodes beyond their kind, from the kernel's `_coloring`
 * and `_diff` traits: the colour Python's `color_by` gives each node (a tint and a bar, its
 * value in the bar's tooltip) or a cluster's range of values; the side of the lineage diff
 * `compare()` shows (`data-diff`, a ring in the side's colour and an "A" / "B" badge, "Δ" on a
 * changed pair; nodes on neither side dim); and a run's state (`data-run-state` and a badge),
 * always shown. Data reaches the DOM as text and attribute values only.
 * Test hooks: data-color, data-diff, data-changed, data-run-state, .lw-color-bar,
 * .lw-diff-badge, .lw-run-state, .lw-cluster-range.
 */
import { html, svg } from "./dom";
import { COLOR_BAR_BOTTOM, COLOR_BAR_HEIGHT, COLOR_BAR_INSET, DIFF_RING } from "./geometry";
import type { Layout } from "./layout";
import { formatValue, Legend } from "./legend";
import type { Coloring, DiffMarks } from "./protocol";
import type { GraphNode } from "./store";

/** The part of the model the marks read. */
interface TraitSource {
  get(name: "_coloring" | "_diff"): unknown;
  on(event: string, callback: () => void): void;
  off(event: string, callback: () => void): void;
}

const EVENTS = ["change:_coloring", "change:_diff"];

/** The child of `element` with this class, made (and appended) if missing. */
function part(element: HTMLElement, className: string): HTMLElement {
  let found = element.querySelector<HTMLElement>(`:scope > .${className}`);
  if (!found) {
    found = html("span", className);
    element.append(found);
  }
  return found;
}

function drop(element: HTMLElement, className: string): void {
  element.querySelector(`:scope > .${className}`)?.remove();
}

function setData(element: HTMLElement, name: string, value: string | null): void {
  if (value === null) delete element.dataset[name];
  else element.dataset[name] = value;
}

export class Marks {
  readonly legend = new Legend();
  private coloring: Partial<Coloring> = {};
  private diff: Partial<DiffMarks> = {};
  private readonly onChange = () => {
    this.read();
    this.repaint();
  };

  constructor(
    private readonly model: TraitSource,
    private readonly root: HTMLElement,
    /** Every node's and cluster's element the view draws, those culled out of the page too. */
    private readonly cards: () => Iterable<HTMLElement> = () =>
      root.querySelectorAll<HTMLElement>(".lw-node, .lw-cluster"),
  ) {
    for (const event of EVENTS) model.on(event, this.onChange);
    this.read();
  }

  destroy(): void {
    for (const event of EVENTS) this.model.off(event, this.onChange);
  }

  /** Paints one drawn node (after the view updated it). */
  paintNode(element: HTMLElement, node: GraphNode): void {
    this.paintColor(element, node.id);
    this.paintSide(element, this.diff.nodes?.[node.id] ?? null, this.diff.changed?.[node.id]);
    setData(element, "runState", node.runState);
    if (node.runState === null) drop(element, "lw-run-state");
    else {
      const badge = part(element, "lw-run-state");
      badge.textContent = node.runState;
      badge.title = `Run ${node.runState}`;
    }
  }

  /** Paints one drawn cluster: its members' side and range of values. */
  paintCluster(element: HTMLElement, id: string): void {
    this.paintSide(element, this.diff.clusters?.[id] ?? null, undefined);
    const range = this.coloring.clusters?.[id];
    const key = this.coloring.legend?.key;
    if (!range || key === undefined) {
      drop(element, "lw-cluster-range");
      return;
    }
    const box = part(element, "lw-cluster-range");
    const bar = html("span", "lw-cluster-range-bar");
    bar.style.background =
      range.colors.length > 1
        ? `linear-gradient(to right, ${range.colors.join(", ")})`
        : (range.colors[0] ?? "");
    bar.setAttribute("aria-hidden", "true");
    const text =
      "categories" in range
        ? `${key}: ${range.categories.join(", ")}`
        : range.min === range.max
          ? `${key} ${formatValue(range.min)}`
          : `${key} ${formatValue(range.min)} – ${formatValue(range.max)}`;
    const label = html("span", "lw-cluster-range-text", text);
    label.dir = "auto";
    box.title = text;
    box.replaceChildren(bar, label);
  }

  /**
   * The same marks on a picture of the graph (export.ts's `drawSvg`, for `save()` and the
   * download button): each coloured node's bar and each diff side's ring, in concrete colours.
   */
  paintPicture(picture: SVGSVGElement, layout: Layout): void {
    const style = getComputedStyle(this.root);
    const ring = {
      a: style.getPropertyValue("--lw-diff-a").trim(),
      b: style.getPropertyValue("--lw-diff-b").trim(),
    };
    for (const group of picture.querySelectorAll<SVGGElement>("g.lw-node[data-node-id]")) {
      const id = group.getAttribute("data-node-id") as string;
      const box = layout.boxes.get(id);
      if (!box) continue;
      const color = this.coloring.nodes?.[id];
      if (color !== undefined) {
        const { width, height } = box;
        const bar = {
          x: COLOR_BAR_INSET,
          y: height - COLOR_BAR_BOTTOM - COLOR_BAR_HEIGHT,
          width: width - 2 * COLOR_BAR_INSET,
          height: COLOR_BAR_HEIGHT,
          rx: COLOR_BAR_HEIGHT / 2,
          fill: color,
        };
        group.append(svg("rect", bar));
      }
      const side = this.diff.nodes?.[id];
      if (side === "a" || side === "b") {
        const height = box.height + 2 * DIFF_RING;
        const rx = group.getAttribute("data-kind") === "run" ? height / 2 : 8;
        const width = box.width + 2 * DIFF_RING;
        const frame = { x: -DIFF_RING, y: -DIFF_RING, width, height, rx, fill: "none" };
        const mark = svg("rect", { ...frame, stroke: ring[side], "stroke-width": DIFF_RING });
        const name = group.querySelector(":scope > title"); // (stays the group's first child)
        if (name) name.after(mark);
        else group.prepend(mark);
      }
    }
  }

  private read(): void {
    this.coloring = (this.model.get("_coloring") ?? {}) as Partial<Coloring>;
    this.diff = (this.model.get("_diff") ?? {}) as Partial<DiffMarks>;
    setData(this.root, "comparing", this.diff.nodes ? "true" : null);
    setData(this.root, "coloring", this.coloring.legend?.key !== undefined ? "true" : null);
    this.legend.update(this.coloring.legend, this.diff);
  }

  /** After a trait change: every node and cluster this view draws. */
  private repaint(): void {
    for (const element of this.cards()) {
      const { nodeId, clusterId } = element.dataset;
      if (nodeId !== undefined) {
        this.paintColor(element, nodeId);
        this.paintSide(element, this.diff.nodes?.[nodeId] ?? null, this.diff.changed?.[nodeId]);
      } else if (clusterId !== undefined) {
        this.paintCluster(element, clusterId);
      }
    }
  }

  private paintColor(element: HTMLElement, id: string): void {
    const color = this.coloring.nodes?.[id] ?? null;
    setData(element, "color", color);
    if (color === null) {
      element.style.removeProperty("--lw-mark");
      drop(element, "lw-color-bar");
      return;
    }
    element.style.setProperty("--lw-mark", color);
    const bar = part(element, "lw-color-bar");
    const value = this.coloring.values?.[id];
    bar.title = `${this.coloring.legend?.key ?? ""}: ${value === undefined ? "" : formatValue(value)}`;
  }

  private paintSide(element: HTMLElement, side: string | null, other: string | undefined): void {
    setData(element, "diff", side);
    setData(element, "changed", other === undefined ? null : "true");
    if (side !== "a" && side !== "b") {
      drop(element, "lw-diff-badge");
      return;
    }
    const badge = part(element, "lw-diff-badge");
    const labels = this.diff.labels;
    const changed = other !== undefined;
    badge.textContent = `${side.toUpperCase()}${changed ? " \u0394" : ""}`;
    const owner = labels ? labels[side] : side;
    badge.title = changed
      ? `Only in the lineage of ${owner}; changed (select it for what differs)`
      : `Only in the lineage of ${owner}`;
  }
}
