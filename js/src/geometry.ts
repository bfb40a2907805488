/**
 * The sizes of what the graph draws (px), written once: the layout places cards of these sizes
 * (layout.ts), the picture draws them again in SVG (export.ts, marks.ts), the edges' count
 * badges use them (edges.ts), and widget.css reads them as custom properties (`--lw-card-gap`
 * and the like) that the view sets on its root from `CSS_SIZES`.
 */

/** A node's card. */
export const NODE_WIDTH = 216;
export const NODE_HEIGHT = 52;
/** A cluster's stack of cards, its face included. */
export const CLUSTER_WIDTH = 232;
export const CLUSTER_HEIGHT = 66;
/** How far the cards behind a cluster's face peek out (up and to the right); edges meet the face. */
export const CLUSTER_STACK = 10;

/** Around the laid-out graph, between cards in a column, and between columns. */
export const LAYOUT_PADDING = 24;
export const GAP_IN_COLUMN = 22;
export const GAP_BETWEEN_COLUMNS = 88;

/** Inside a card: its border (thicker while selected or open), the selection ring around it, its
 * corner radius (artifacts; runs are pills), and its padding (more on the left for a pill). */
export const CARD_BORDER = 1.5;
export const SELECTED_BORDER = 2;
export const SELECTION_RING = 4;
export const CARD_RADIUS = 6;
export const CARD_PADDING_LEFT = 10;
export const RUN_PADDING_LEFT = 12;
export const CARD_PADDING_RIGHT = 16;
/** The kind icon on its badge, and the gap from the badge to the text. */
export const ICON_BOX = 28;
export const ICON_SIZE = 16;
export const ICON_GAP = 10;
/** The type above the name, the name (13 px: the first view keeps names readable from it), and
 * the error under a card: its gap below the card and its inset from the card's sides. */
export const TYPE_FONT = 10;
export const LABEL_FONT = 13;
export const ERROR_FONT = 11;
export const ERROR_GAP = 3;
export const ERROR_INSET = 8;

/** color_by's bar at a card's foot (inset from the sides, up from the bottom) and the diff ring. */
export const COLOR_BAR_INSET = 14;
export const COLOR_BAR_BOTTOM = 3;
export const COLOR_BAR_HEIGHT = 4;
export const DIFF_RING = 3;

/** Edges: the stroke (thicker when active) and the count badge (10 px tabular figures). */
export const EDGE_WIDTH = 1.5;
export const ACTIVE_EDGE_WIDTH = 2;
export const BADGE_HEIGHT = 16;
export const BADGE_FONT = 10;
const BADGE_DIGIT = 6.2;
const BADGE_PADDING = 10;

/** The width of an edge's count badge holding `text`. */
export function badgeWidth(text: string): number {
  return BADGE_PADDING + text.length * BADGE_DIGIT;
}

/** How opaque the two cards peeking out behind a cluster's face are (the back one, the middle
 * one): the page (widget.css) and the picture (export.ts) draw the stack alike. */
export const CLUSTER_CARD_OPACITY = [0.45, 0.7] as const;

/** The sizes widget.css reads, as the custom properties the view sets on its root. */
export const CSS_SIZES: Readonly<Record<string, string>> = {
  "--lw-cluster-stack": `${CLUSTER_STACK}px`,
  "--lw-card-border": `${CARD_BORDER}px`,
  "--lw-selected-border": `${SELECTED_BORDER}px`,
  "--lw-selection-ring": `${SELECTION_RING}px`,
  "--lw-card-radius": `${CARD_RADIUS}px`,
  "--lw-card-padding-left": `${CARD_PADDING_LEFT}px`,
  "--lw-run-padding-left": `${RUN_PADDING_LEFT}px`,
  "--lw-card-padding-right": `${CARD_PADDING_RIGHT}px`,
  "--lw-icon-box": `${ICON_BOX}px`,
  "--lw-icon-gap": `${ICON_GAP}px`,
  "--lw-type-font": `${TYPE_FONT}px`,
  "--lw-label-font": `${LABEL_FONT}px`,
  "--lw-error-font": `${ERROR_FONT}px`,
  "--lw-error-gap": `${ERROR_GAP}px`,
  "--lw-error-inset": `${ERROR_INSET}px`,
  "--lw-color-bar-inset": `${COLOR_BAR_INSET}px`,
  "--lw-color-bar-bottom": `${COLOR_BAR_BOTTOM}px`,
  "--lw-color-bar-height": `${COLOR_BAR_HEIGHT}px`,
  "--lw-diff-ring": `${DIFF_RING}px`,
  "--lw-edge-width": `${EDGE_WIDTH}px`,
  "--lw-active-edge-width": `${ACTIVE_EDGE_WIDTH}px`,
  "--lw-badge-font": `${BADGE_FONT}px`,
  "--lw-cluster-back-opacity": `${CLUSTER_CARD_OPACITY[0]}`,
  "--lw-cluster-middle-opacity": `${CLUSTER_CARD_OPACITY[1]}`,
};

/** Gives `root` (the view's root element) the sizes widget.css reads. */
export function setCssSizes(root: HTMLElement): void {
  for (const [name, value] of Object.entries(CSS_SIZES)) root.style.setProperty(name, value);
}
