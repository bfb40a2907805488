/**
 * The toolbar above the graph: zoom to fit, zoom in and out, the filters, the download menu, the
 * highlight chip ("3 highlighted ×" while Python's highlight() is active), the summary of what is
 * drawn and the legend. Its buttons call back; it holds no view state of its own.
 */
import { html, listen } from "./dom";
import { DownloadMenu } from "./download-menu";
import type { Picture } from "./export";
import { FilterControl } from "./filters";
import { closeIcon, fitIcon, kindIcon, minusIcon, plusIcon } from "./icons";
import type { Model } from "./protocol";

/** How much one press of "Zoom in" (or "Zoom out") zooms. */
const ZOOM_STEP = 1.25;

export interface ToolbarActions {
  fit(): void;
  zoomBy(factor: number): void;
  clearHighlight(): void;
  /** The graph as drawn, for the download menu. */
  picture(): Promise<Picture>;
  showError(message: string): void;
}

function toolButton(action: string, label: string, icon: SVGSVGElement): HTMLButtonElement {
  const button = html("button", "lw-icon-button");
  button.type = "button";
  button.dataset.action = action;
  button.title = label;
  button.setAttribute("aria-label", label);
  button.append(icon);
  return button;
}

function legendItem(kind: "run" | "artifact", text: string): HTMLElement {
  const item = html("span", "lw-legend-item");
  item.dataset.kind = kind;
  item.append(kindIcon(kind), html("span", undefined, text));
  return item;
}

export class Toolbar {
  readonly element = html("div", "lw-toolbar");
  readonly filters: FilterControl;
  private readonly summary = html("span", "lw-summary");
  private readonly highlightChip = html("span", "lw-highlight");
  private readonly highlightCount = html("span", "lw-highlight-count");
  private readonly downloads: DownloadMenu;
  private readonly cleanups: (() => void)[] = [];

  constructor(model: Model, root: HTMLElement, actions: ToolbarActions) {
    const fit = toolButton("fit", "Zoom to fit", fitIcon());
    const zoomIn = toolButton("zoom-in", "Zoom in", plusIcon());
    const zoomOut = toolButton("zoom-out", "Zoom out", minusIcon());
    this.downloads = new DownloadMenu(
      () => actions.picture(),
      (message) => actions.showError(message),
    );
    const legend = html("div", "lw-legend");
    legend.append(legendItem("run", "run"), legendItem("artifact", "artifact"));
    const clearHighlight = toolButton("clear-highlight", "Clear the highlight", closeIcon());
    this.highlightChip.append(this.highlightCount, clearHighlight);
    this.highlightChip.hidden = true;
    this.filters = new FilterControl(model, root);
    this.element.append(
      fit,
      zoomIn,
      zoomOut,
      this.filters.element,
      this.downloads.element,
      html("span", "lw-toolbar-gap"),
      this.highlightChip,
      this.summary,
      legend,
    );
    this.cleanups.push(
      () => this.downloads.destroy(),
      () => this.filters.destroy(),
      listen(fit, "click", () => actions.fit()),
      listen(zoomIn, "click", () => actions.zoomBy(ZOOM_STEP)),
      listen(zoomOut, "click", () => actions.zoomBy(1 / ZOOM_STEP)),
      listen(clearHighlight, "click", () => actions.clearHighlight()),
    );
  }

  /** "2 runs · 3 artifacts" (empty while nothing is loaded). */
  setSummary(text: string): void {
    this.summary.textContent = text;
  }

  /** Shows the highlight chip with its count (0: hides it). */
  setHighlightCount(count: number): void {
    this.highlightChip.hidden = count === 0;
    this.highlightCount.textContent = `${count.toLocaleString("en-US")} highlighted`;
  }

  destroy(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }
}
