/**
 * The graph as a standalone picture: an SVG document of what a view draws (nodes and clusters as
 * shapes with their type and name, edges with their arrowheads and counts) in the theme's
 * colours, resolved to concrete values, on the theme's background; and a PNG drawn from it.
 *
 * Data strings go in only through DOM calls (createElementNS, textContent, setAttribute) and come
 * out through XMLSerializer, so `<`, `&` and quotes come out escaped; characters XML cannot hold
 * become U+FFFD. The document needs nothing else: no stylesheet, no fonts, no links.
 */
import { countOf } from "./cluster-element";
import { svg } from "./dom";
import { BACK_EDGE_TEXT, backEdgePath, edgePath, floorBetween } from "./edges";
import {
  ACTIVE_EDGE_WIDTH,
  BADGE_FONT,
  BADGE_HEIGHT,
  badgeWidth,
  CARD_BORDER,
  CARD_PADDING_LEFT,
  CARD_PADDING_RIGHT,
  CARD_RADIUS,
  CLUSTER_CARD_OPACITY,
  EDGE_WIDTH,
  ERROR_FONT,
  ERROR_GAP,
  ERROR_INSET,
  ICON_BOX,
  ICON_GAP,
  ICON_SIZE,
  LABEL_FONT,
  RUN_PADDING_LEFT,
  SELECTED_BORDER,
  SELECTION_RING,
  TYPE_FONT,
} from "./geometry";
import { kindIcon } from "./icons";
import type { Box, Layout } from "./layout";
import { fetchErrors } from "./node-element";
import type { ExportFormat, ExportMsg, ExportReply, NodeKind } from "./protocol";
import type { GraphCluster, GraphEdge, GraphNode, GraphStore } from "./store";

/** A standalone SVG document and its size in px. */
export interface Picture {
  svg: string;
  width: number;
  height: number;
}

/** A colour as every SVG viewer reads it: an opaque colour and an opacity. */
interface Paint {
  color: string;
  opacity: number;
}

/** The stylesheet's colour variables (widget.css) that a picture uses. */
const THEME_VARIABLES = {
  background: "--lw-bg",
  surface: "--lw-surface",
  text: "--lw-text",
  muted: "--lw-muted",
  edge: "--lw-edge",
  accent: "--lw-accent",
  error: "--lw-error",
  warn: "--lw-warn",
  run: "--lw-run",
  runTint: "--lw-run-tint",
  runRing: "--lw-run-ring",
  artifact: "--lw-artifact",
  artifactTint: "--lw-artifact-tint",
  artifactRing: "--lw-artifact-ring",
} as const;

export type Theme = Record<keyof typeof THEME_VARIABLES, Paint> & { font: string };

/** Room around the layout: a back edge loops a little beyond the outermost nodes (px). */
const MARGIN = 16;
/** PNG pixels per px (a sharp picture on high-density screens), lowered for huge graphs. */
const PNG_SCALE = 2;
/** Canvas limits kept well inside Chromium's (32,767 px a side, 2^28 px in all). */
const MAX_CANVAS_SIDE = 16_384;
const MAX_CANVAS_AREA = 2 ** 26;
/** The kernel's websocket refuses messages over 10 MiB (tornado's default): stay below. */
export const MAX_REPLY_BYTES = 8 * 1024 * 1024;

const ELLIPSIS = "\u2026";
/** No node shows more characters than this: longer texts are measured from a prefix. */
const FIT_CHARS = 400;

function toHex(channels: string[]): string {
  return `#${channels
    .map((c) =>
      Math.round(Math.min(255, Math.max(0, Number(c))))
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;
}

/** `rgb(r, g, b)` / `rgba(r, g, b, a)` (as getComputedStyle gives colours) -> hex and opacity. */
function toPaint(computed: string): Paint {
  const match =
    /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+)(%?))?\s*\)$/.exec(
      computed.trim(),
    );
  if (!match) return { color: computed.trim() || "#000000", opacity: 1 };
  const [, r, g, b, alpha, percent] = match;
  const opacity = alpha === undefined ? 1 : Number(alpha) / (percent ? 100 : 1);
  return { color: toHex([r, g, b]), opacity };
}

/** The colours and font the widget's stylesheet gives `root` now (light or dark theme). */
export function resolveTheme(root: HTMLElement): Theme {
  const probe = document.createElement("span");
  probe.hidden = true;
  root.append(probe);
  try {
    const paints = Object.entries(THEME_VARIABLES).map(([key, variable]) => {
      probe.style.color = `var(${variable})`;
      return [key, toPaint(getComputedStyle(probe).color)];
    });
    const font = getComputedStyle(root).fontFamily || "sans-serif";
    return { ...Object.fromEntries(paints), font } as Theme;
  } finally {
    probe.remove();
  }
}

/** Whether the UTF-16 unit at `i` may start an XML 1.0 character (and a pair, its second half). */
function isXmlChar(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (code < 0x20) return code === 0x09 || code === 0x0a || code === 0x0d;
  if (code >= 0xdc00 && code <= 0xdfff) return false; // a second half without its first
  if (code >= 0xd800 && code <= 0xdbff) {
    const next = text.charCodeAt(i + 1);
    return next >= 0xdc00 && next <= 0xdfff;
  }
  return code !== 0xfffe && code !== 0xffff;
}

/** `text` with the characters XML cannot hold (control characters, lone surrogates) replaced. */
export function xmlSafe(text: string): string {
  let safe = "";
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    if (isXmlChar(text, i)) {
      if (text.charCodeAt(i) >= 0xd800 && text.charCodeAt(i) <= 0xdbff) i++; // a whole pair
      continue;
    }
    safe += `${text.slice(from, i)}\ufffd`;
    from = i + 1;
  }
  return from === 0 ? text : safe + text.slice(from);
}

function setText<T extends Element>(element: T, text: string): T {
  element.textContent = xmlSafe(text);
  return element;
}

function setData(element: Element, name: string, value: string): void {
  element.setAttribute(name, xmlSafe(value));
}

function paint(element: Element, property: "fill" | "stroke", { color, opacity }: Paint): void {
  element.setAttribute(property, color);
  if (opacity < 1) element.setAttribute(`${property}-opacity`, String(opacity));
}

function title(parent: Element, text: string): void {
  parent.append(setText(svg("title"), text));
}

/** Cuts text to `width` px in `font`, with an ellipsis (the page's `text-overflow`). */
class TextFitter {
  private readonly context = document.createElement("canvas").getContext("2d");

  constructor(private readonly family: string) {}

  fit(text: string, size: number, width: number): string {
    const context = this.context;
    if (!context) return text;
    context.font = `600 ${size}px ${this.family}`;
    const head = text.slice(0, FIT_CHARS);
    if (head === text && context.measureText(text).width <= width) return text;
    const chars = Array.from(head); // whole code points: never half a surrogate pair
    let low = 0;
    let high = chars.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (context.measureText(chars.slice(0, mid).join("") + ELLIPSIS).width <= width) low = mid;
      else high = mid - 1;
    }
    return chars.slice(0, low).join("") + ELLIPSIS;
  }
}

interface Painter {
  theme: Theme;
  fitter: TextFitter;
}

function kindColour(theme: Theme, kind: NodeKind): { line: Paint; tint: Paint; ring: Paint } {
  return kind === "run"
    ? { line: theme.run, tint: theme.runTint, ring: theme.runRing }
    : { line: theme.artifact, tint: theme.artifactTint, ring: theme.artifactRing };
}

/** A rounded rectangle (a pill for runs), its stroke inside the box like a CSS border. */
function frame(kind: NodeKind, x: number, y: number, w: number, h: number, line: number) {
  const inset = line / 2;
  const height = h - line;
  return svg("rect", {
    x: x + inset,
    y: y + inset,
    width: w - line,
    height,
    rx: kind === "run" ? height / 2 : CARD_RADIUS,
    "stroke-width": line,
  });
}

/** The kind icon on its badge, the type above the label: what `.lw-node` and the cluster's
 * face show, at (x, y) in a face of `width` x `height`. */
function faceContent(
  { theme, fitter }: Painter,
  kind: NodeKind,
  badge: Paint,
  type: string,
  label: string,
  box: { x: number; y: number; width: number; height: number },
): SVGElement[] {
  const { line } = kindColour(theme, kind);
  const left = box.x + (kind === "run" ? RUN_PADDING_LEFT : CARD_PADDING_LEFT);
  const middle = box.y + box.height / 2;
  const back =
    kind === "run"
      ? svg("circle", { cx: left + ICON_BOX / 2, cy: middle, r: ICON_BOX / 2 })
      : svg("rect", {
          x: left,
          y: middle - ICON_BOX / 2,
          width: ICON_BOX,
          height: ICON_BOX,
          rx: CARD_RADIUS,
        });
  paint(back, "fill", badge);
  const icon = kindIcon(kind);
  icon.setAttribute("x", String(left + (ICON_BOX - ICON_SIZE) / 2));
  icon.setAttribute("y", String(middle - ICON_SIZE / 2));
  paint(icon, "stroke", line);
  const textX = left + ICON_BOX + ICON_GAP;
  const room = box.x + box.width - CARD_PADDING_RIGHT - textX;
  const typeText = setText(
    svg("text", { x: textX, y: middle - 4, "font-size": TYPE_FONT, "font-weight": 600 }),
    fitter.fit(type, TYPE_FONT, room),
  );
  paint(typeText, "fill", theme.muted);
  const labelText = setText(
    svg("text", { x: textX, y: middle + 12, "font-size": LABEL_FONT, "font-weight": 600 }),
    fitter.fit(label, LABEL_FONT, room),
  );
  paint(labelText, "fill", theme.text);
  return [back, icon, typeText, labelText];
}

function drawNode(
  painter: Painter,
  node: GraphNode,
  box: Box,
  selected: boolean,
  errors: string[],
): SVGGElement {
  const { theme, fitter } = painter;
  const colours = kindColour(theme, node.kind);
  const group = svg("g", { class: "lw-node", transform: `translate(${box.x},${box.y})` });
  setData(group, "data-node-id", node.id);
  setData(group, "data-kind", node.kind);
  title(group, node.type ? `${node.type}: ${node.label}` : node.label);
  if (selected) {
    // The page's selection ring: a halo outside the border.
    const ring = SELECTION_RING;
    const halo = frame(node.kind, -ring, -ring, box.width + 2 * ring, box.height + 2 * ring, ring);
    halo.setAttribute("fill", "none");
    paint(halo, "stroke", colours.ring);
    group.append(halo);
  }
  const border = frame(
    node.kind,
    0,
    0,
    box.width,
    box.height,
    selected ? SELECTED_BORDER : CARD_BORDER,
  );
  paint(border, "fill", theme.surface);
  paint(border, "stroke", errors.length > 0 ? theme.error : colours.line);
  if (errors.length > 0) border.setAttribute("stroke-dasharray", "4 3");
  group.append(border);
  const face = { x: 0, y: 0, width: box.width, height: box.height };
  group.append(...faceContent(painter, node.kind, colours.tint, node.type, node.label, face));
  if (errors.length > 0) {
    const error = setText(
      svg("text", {
        x: ERROR_INSET,
        y: box.height + ERROR_GAP + ERROR_FONT,
        "font-size": ERROR_FONT,
      }),
      fitter.fit(`Error loading ${errors.join("; ")}`, ERROR_FONT, box.width - 2 * ERROR_INSET),
    );
    paint(error, "fill", theme.error);
    group.append(error);
  }
  return group;
}

/** A stack of cards: two behind, up and to the right, and the face (`box.faceTop` down). */
function drawCluster(painter: Painter, cluster: GraphCluster, box: Box): SVGGElement {
  const { theme } = painter;
  const colours = kindColour(theme, cluster.kind);
  const group = svg("g", { class: "lw-cluster", transform: `translate(${box.x},${box.y})` });
  setData(group, "data-cluster-id", cluster.id);
  setData(group, "data-kind", cluster.kind);
  const count = countOf(cluster.count, cluster.kind);
  title(group, cluster.type ? `${cluster.type}: ${count}` : count);
  const stack = box.faceTop;
  const width = box.width - stack;
  const height = box.height - stack;
  const cards: [number, number, number][] = [
    [stack, 0, CLUSTER_CARD_OPACITY[0]],
    [stack / 2, stack / 2, CLUSTER_CARD_OPACITY[1]],
  ];
  for (const [x, y, opacity] of cards) {
    const card = frame(cluster.kind, x, y, width, height, CARD_BORDER);
    paint(card, "fill", theme.surface);
    paint(card, "stroke", colours.line);
    card.setAttribute("opacity", String(opacity));
    group.append(card);
  }
  const face = frame(cluster.kind, 0, stack, width, height, CARD_BORDER);
  paint(face, "fill", theme.surface);
  const tint = frame(cluster.kind, 0, stack, width, height, CARD_BORDER);
  paint(tint, "fill", colours.tint);
  paint(tint, "stroke", colours.line);
  group.append(face, tint);
  const area = { x: 0, y: stack, width, height };
  group.append(...faceContent(painter, cluster.kind, theme.background, cluster.type, count, area));
  return group;
}

function drawEdge(
  { theme }: Painter,
  edge: GraphEdge,
  layout: Layout,
  from: Box,
  to: Box,
  active: boolean,
): SVGGElement {
  const group = svg("g", { class: "lw-edge" });
  setData(group, "data-source", edge.source);
  setData(group, "data-target", edge.target);
  if (edge.back) title(group, BACK_EDGE_TEXT);
  const { curve, arrow, middle } = edge.back
    ? backEdgePath(from, to, floorBetween(layout, to.x, from.x + from.width))
    : edgePath(from, to);
  let colour = theme.edge;
  if (active) colour = theme.accent;
  else if (edge.back) colour = theme.warn;
  const line = svg("path", {
    d: curve,
    fill: "none",
    "stroke-width": active ? ACTIVE_EDGE_WIDTH : EDGE_WIDTH,
  });
  paint(line, "stroke", colour);
  if (edge.back) line.setAttribute("stroke-dasharray", "6 4");
  const head = svg("path", { d: arrow });
  paint(head, "fill", colour);
  group.append(line, head);
  if (edge.count > 1) {
    const text = String(edge.count);
    const width = badgeWidth(text);
    const badge = svg("rect", {
      x: middle.x - width / 2,
      y: middle.y - BADGE_HEIGHT / 2,
      width,
      height: BADGE_HEIGHT,
      rx: BADGE_HEIGHT / 2,
      "stroke-width": 1,
    });
    paint(badge, "fill", theme.background);
    paint(badge, "stroke", active ? theme.accent : theme.edge);
    const label = setText(
      svg("text", {
        x: middle.x,
        y: middle.y + 3.5,
        "font-size": BADGE_FONT,
        "font-weight": 600,
        "text-anchor": "middle",
      }),
      text,
    );
    paint(label, "fill", theme.muted);
    group.append(badge, label);
  }
  return group;
}

/**
 * The graph of `store` at the positions of `layout`, as one standalone `<svg>` element: the
 * background, then edges, then nodes and clusters (selected nodes ringed, failed fetches shown).
 */
export function drawSvg(
  store: GraphStore,
  layout: Layout,
  selected: ReadonlySet<string>,
  theme: Theme,
): SVGSVGElement {
  const width = Math.ceil(layout.width) + 2 * MARGIN;
  const height = Math.ceil(layout.height) + 2 * MARGIN;
  // Layout coordinates throughout (the margin is a viewBox offset). No xmlns attribute:
  // XMLSerializer writes the SVG namespace declaration itself.
  const root = svg("svg", {
    width,
    height,
    viewBox: `${-MARGIN} ${-MARGIN} ${width} ${height}`,
    "font-family": theme.font,
  });
  const rootNode = store.root === null ? undefined : store.nodes.get(store.root);
  title(root, rootNode ? `Lineage of ${rootNode.label}` : "Lineage graph");
  const background = svg("rect", { x: -MARGIN, y: -MARGIN, width, height });
  paint(background, "fill", theme.background);
  root.append(background);

  const painter: Painter = { theme, fitter: new TextFitter(theme.font) };
  const edges = svg("g", { class: "lw-edges" });
  for (const edge of store.edges.values()) {
    const from = layout.boxes.get(edge.source);
    const to = layout.boxes.get(edge.target);
    const active = selected.has(edge.source) || selected.has(edge.target);
    if (from && to) edges.append(drawEdge(painter, edge, layout, from, to, active));
  }
  const nodes = svg("g", { class: "lw-nodes" });
  for (const cluster of store.clusters.values()) {
    const box = layout.boxes.get(cluster.id);
    if (box) nodes.append(drawCluster(painter, cluster, box));
  }
  for (const node of store.nodes.values()) {
    const box = layout.boxes.get(node.id);
    if (!box) continue;
    const errors = fetchErrors(
      store.fetchState(node.id, "upstream"),
      store.fetchState(node.id, "downstream"),
    );
    nodes.append(drawNode(painter, node, box, selected.has(node.id), errors));
  }
  root.append(edges, nodes);
  return root;
}

/** The picture as the text of an SVG file. */
export function picture(element: SVGSVGElement): Picture {
  const text = new XMLSerializer().serializeToString(element);
  return {
    svg: `<?xml version="1.0" encoding="UTF-8"?>\n${text}\n`,
    width: Number(element.getAttribute("width")),
    height: Number(element.getAttribute("height")),
  };
}

/** Pixels per px for a PNG of this size: PNG_SCALE unless the canvas would be too large. */
export function pngScale(width: number, height: number): number {
  return Math.min(
    PNG_SCALE,
    MAX_CANVAS_SIDE / width,
    MAX_CANVAS_SIDE / height,
    Math.sqrt(MAX_CANVAS_AREA / (width * height)),
  );
}

/** The picture drawn on a canvas (through an image of the SVG) and encoded as PNG. */
export async function pngOf({ svg: text, width, height }: Picture): Promise<Blob> {
  const scale = pngScale(width, height);
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const context = canvas.getContext("2d");
    if (!context) throw new Error("this browser gave no 2D canvas to draw the PNG on");
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (blob) =>
          blob
            ? resolve(blob)
            : reject(new Error(`could not encode a ${canvas.width}x${canvas.height} PNG`)),
        "image/png",
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The picture as a file of `format`. */
export async function fileOf(drawn: Picture, format: ExportFormat): Promise<Blob> {
  return format === "png" ? pngOf(drawn) : new Blob([drawn.svg], { type: "image/svg+xml" });
}

/** Saves `blob` as a download named `filename` (through a Blob URL and a link). */
export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser reads the Blob after the click returns: free it later, not now.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * The answer to the kernel's ExportMsg: the SVG text, or the PNG as the one binary buffer; or
 * the error that stopped it (a file the kernel's websocket would refuse is one).
 */
export async function exportReply(
  msg: ExportMsg,
  draw: () => Promise<Picture>,
): Promise<{ reply: ExportReply; buffers: ArrayBuffer[] }> {
  const base = { type: "export_result", request: msg.request, format: msg.format } as const;
  try {
    const file = await fileOf(await draw(), msg.format);
    if (file.size > MAX_REPLY_BYTES) {
      const megabytes = (file.size / 2 ** 20).toFixed(1);
      throw new Error(
        `the ${msg.format.toUpperCase()} file would be ${megabytes} MB, more than the ` +
          `${MAX_REPLY_BYTES / 2 ** 20} MB a kernel message may carry: use the toolbar's ` +
          "download button, or show fewer nodes",
      );
    }
    if (msg.format === "svg") return { reply: { ...base, svg: await file.text() }, buffers: [] };
    return { reply: base, buffers: [await file.arrayBuffer()] };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { reply: { ...base, error: message || "the picture could not be drawn" }, buffers: [] };
  }
}
