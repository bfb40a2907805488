/**
 * The legend of what the page paints beyond the kinds (`.lineage-legend`, bottom left of the
 * view): `color_by`'s key with its range (a gradient between the smallest and largest value)
 * or its categories, and the lineage diff's two sides. Hidden when neither is shown. Text only.
 * Test hooks: data-legend="color" | "diff", data-side on the diff entries.
 */
import { html } from "./dom";
import type { ColorLegend, DiffMarks } from "./protocol";

/** How many categories are listed before "+N more". */
const MAX_CATEGORIES = 10;

/** A value as the legend and the clusters show it: short, no float noise. */
export function formatValue(value: number | string): string {
  if (typeof value === "string") return value;
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  return String(Number(value.toPrecision(3)));
}

function swatch(color: string | null, className = "lw-legend-swatch"): HTMLElement {
  const element = html("span", className);
  if (color !== null) element.style.background = color;
  element.setAttribute("aria-hidden", "true");
  return element;
}

function entry(mark: HTMLElement, text: string): HTMLElement {
  const item = html("span", "lw-legend-entry");
  const label = html("span", "lw-legend-label", text);
  label.dir = "auto";
  item.append(mark, label);
  return item;
}

function isLegend(legend: ColorLegend | Record<string, never> | undefined): legend is ColorLegend {
  return legend !== undefined && typeof legend.kind === "string";
}

export class Legend {
  readonly element = html("div", "lineage-legend");
  private readonly color = html("div", "lw-legend-section");
  private readonly diff = html("div", "lw-legend-section");

  constructor() {
    this.element.setAttribute("role", "note");
    this.element.setAttribute("aria-label", "Legend");
    this.color.dataset.legend = "color";
    this.diff.dataset.legend = "diff";
    this.element.append(this.color, this.diff);
    this.update(undefined, {});
  }

  update(color: ColorLegend | Record<string, never> | undefined, diff: Partial<DiffMarks>): void {
    this.drawColor(color);
    this.drawDiff(diff);
    this.element.hidden = this.color.hidden && this.diff.hidden;
  }

  private drawColor(legend: ColorLegend | Record<string, never> | undefined): void {
    this.color.replaceChildren();
    this.color.hidden = !isLegend(legend);
    if (!isLegend(legend)) return;
    const log = legend.kind === "continuous" && legend.scale === "log";
    const title = html(
      "div",
      "lw-legend-title",
      `Colour: ${legend.key}${log ? " (log scale)" : ""}`,
    );
    title.dir = "auto";
    this.color.append(title);
    if (legend.kind === "continuous") {
      const bar = html("div", "lw-legend-scale");
      bar.style.background = `linear-gradient(to right, ${legend.stops.join(", ")})`;
      bar.setAttribute("aria-hidden", "true");
      const ends = html("div", "lw-legend-ends");
      ends.append(
        html("span", "lw-legend-min", formatValue(legend.min)),
        html("span", "lw-legend-max", formatValue(legend.max)),
      );
      this.color.append(bar, ends);
    } else {
      const categories = legend.categories;
      const list = html("div", "lw-legend-entries");
      for (const [label, color] of categories.slice(0, MAX_CATEGORIES)) {
        list.append(entry(swatch(color), label));
      }
      if (categories.length > MAX_CATEGORIES) {
        list.append(html("span", "lw-legend-label", `+${categories.length - MAX_CATEGORIES} more`));
      }
      this.color.append(list);
    }
    this.color.append(entry(swatch(null, "lw-legend-swatch lw-legend-none"), "no value"));
  }

  private drawDiff(diff: Partial<DiffMarks>): void {
    this.diff.replaceChildren();
    this.diff.hidden = !diff.labels;
    if (!diff.labels) return;
    const list = html("div", "lw-legend-entries");
    const sides = [
      ["a", `only ${diff.labels.a}`],
      ["b", `only ${diff.labels.b}`],
      ["both", "both"],
    ] as const;
    for (const [side, text] of sides) {
      const item = entry(swatch(null, `lw-legend-swatch lw-diff-swatch`), text);
      item.dataset.side = side;
      list.append(item);
    }
    list.append(
      entry(html("span", "lw-legend-changed", "\u0394"), "changed: select for what differs"),
    );
    this.diff.append(html("div", "lw-legend-title", "Lineage diff"), list);
  }
}
