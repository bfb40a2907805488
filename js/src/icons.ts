/** The node and toolbar icons, drawn with DOM calls (no markup strings, no external assets). */
import { svg } from "./dom";
import { ICON_SIZE } from "./geometry";
import type { NodeKind } from "./protocol";

/** Icons drawn once, then cloned: a graph of thousands of cards asks for thousands of them. */
const drawn = new Map<string, SVGSVGElement>();

function icon(size: number, viewBox: string, paths: string[]): SVGSVGElement {
  const key = `${size} ${viewBox} ${paths.join(" ")}`;
  let template = drawn.get(key);
  if (!template) {
    template = draw(size, viewBox, paths);
    drawn.set(key, template);
  }
  return template.cloneNode(true) as SVGSVGElement;
}

function draw(size: number, viewBox: string, paths: string[]): SVGSVGElement {
  const root = svg("svg", {
    width: size,
    height: size,
    viewBox,
    fill: "none",
    stroke: "currentColor",
    "stroke-width": 1.8,
    "stroke-linecap": "round",
    "stroke-linejoin": "round",
    "aria-hidden": "true",
  });
  for (const d of paths) root.append(svg("path", { d }));
  return root;
}

/** Runs: a play mark in a circle. Artifacts: a box (cube). */
export function kindIcon(kind: NodeKind): SVGSVGElement {
  return kind === "run"
    ? icon(ICON_SIZE, "0 0 16 16", [
        "M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13z",
        "M6.5 5.2v5.6l4.4-2.8z",
      ])
    : icon(ICON_SIZE, "0 0 16 16", [
        "M8 1.5l5.5 3v7L8 14.5l-5.5-3v-7z",
        "M2.5 4.5L8 7.5l5.5-3",
        "M8 7.5v7",
      ]);
}

export function fitIcon(): SVGSVGElement {
  return icon(16, "0 0 16 16", [
    "M2 5.5V2h3.5",
    "M10.5 2H14v3.5",
    "M14 10.5V14h-3.5",
    "M5.5 14H2v-3.5",
  ]);
}

export function plusIcon(): SVGSVGElement {
  return icon(16, "0 0 16 16", ["M8 3.5v9", "M3.5 8h9"]);
}

export function minusIcon(): SVGSVGElement {
  return icon(16, "0 0 16 16", ["M3.5 8h9"]);
}

/** Download: an arrow down onto a tray. */
export function downloadIcon(): SVGSVGElement {
  return icon(16, "0 0 16 16", ["M8 2.5v8", "M4.5 7L8 10.5L11.5 7", "M2.5 13.5h11"]);
}

export function closeIcon(): SVGSVGElement {
  return icon(14, "0 0 16 16", ["M4 4l8 8", "M12 4l-8 8"]);
}

/** Pull a member out of its cluster: an arrow leaving a box. */
export function pullOutIcon(): SVGSVGElement {
  return icon(14, "0 0 16 16", ["M9.5 2.5h4v4", "M13.5 2.5L7.5 8.5", "M12 9.5v4h-9.5V4h4"]);
}

/** Put a pulled-out node back into its cluster: an arrow entering a box. */
export function putBackIcon(): SVGSVGElement {
  return icon(12, "0 0 16 16", ["M13.5 2.5L7.5 8.5", "M7.5 4.5v4h4", "M12 9.5v4h-9.5V4h4"]);
}

export function searchIcon(): SVGSVGElement {
  return icon(14, "0 0 16 16", ["M7 2.5a4.5 4.5 0 1 0 0 9a4.5 4.5 0 1 0 0-9z", "M10.3 10.3L14 14"]);
}

/** The view filters: a funnel. */
export function filterIcon(): SVGSVGElement {
  return icon(16, "0 0 16 16", ["M2.5 3h11l-4.25 5.2v4.6l-2.5 1.2V8.2z"]);
}
