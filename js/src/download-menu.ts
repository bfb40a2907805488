/**
 * The toolbar's download control: a button that opens a small menu, "Download SVG" and
 * "Download PNG"; choosing one draws the graph as that file and downloads it (lineage.svg,
 * lineage.png). Arrow keys move between the items, Escape or a click elsewhere closes the menu.
 * Test hooks: data-action="download" (the button), data-format (the items).
 */
import { html, listen } from "./dom";
import { download, fileOf, type Picture } from "./export";
import { downloadIcon } from "./icons";
import type { ExportFormat } from "./protocol";

const FORMATS: ExportFormat[] = ["svg", "png"];
export const DOWNLOAD_LABEL = "Download the graph as an image";

export class DownloadMenu {
  readonly element = html("div", "lw-download");
  private readonly button = html("button", "lw-icon-button");
  private readonly menu = html("div", "lw-download-menu");
  private readonly items: HTMLButtonElement[];
  private readonly cleanups: (() => void)[];

  constructor(
    private readonly draw: () => Promise<Picture>,
    private readonly showError: (message: string) => void,
  ) {
    const button = this.button;
    button.type = "button";
    button.dataset.action = "download";
    button.title = DOWNLOAD_LABEL;
    button.setAttribute("aria-label", DOWNLOAD_LABEL);
    button.setAttribute("aria-haspopup", "menu");
    button.setAttribute("aria-expanded", "false");
    button.append(downloadIcon());
    this.menu.setAttribute("role", "menu");
    this.menu.setAttribute("aria-label", "Download");
    this.menu.hidden = true;
    this.items = FORMATS.map((format) => {
      const item = html("button", "lw-download-item", `Download ${format.toUpperCase()}`);
      item.type = "button";
      item.dataset.format = format;
      item.setAttribute("role", "menuitem");
      item.tabIndex = -1;
      return item;
    });
    this.menu.append(...this.items);
    this.element.append(button, this.menu);
    this.cleanups = [
      listen(button, "click", () => (this.menu.hidden ? this.open() : this.close())),
      listen(this.menu, "click", (event) => this.onChoose(event)),
      listen(this.element, "keydown", (event) => this.onKey(event)),
      listen(document, "pointerdown", (event) => {
        if (!(event.target instanceof Node && this.element.contains(event.target))) this.close();
      }),
    ];
  }

  destroy(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  private open(): void {
    this.menu.hidden = false;
    this.button.setAttribute("aria-expanded", "true");
    this.items[0].focus();
  }

  private close(focusButton = false): void {
    if (this.menu.hidden) return;
    this.menu.hidden = true;
    this.button.setAttribute("aria-expanded", "false");
    if (focusButton) this.button.focus();
  }

  private onKey(event: KeyboardEvent): void {
    if (this.menu.hidden) return;
    const index = this.items.indexOf(event.target as HTMLButtonElement);
    let next: number | null = null;
    if (event.key === "Escape") this.close(true);
    else if (event.key === "ArrowDown") next = (index + 1) % this.items.length;
    else if (event.key === "ArrowUp") next = (index - 1 + this.items.length) % this.items.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = this.items.length - 1;
    else return;
    if (next !== null) this.items[next].focus();
    // Handled here: the view's own Escape (close a panel) must not act as well.
    event.preventDefault();
    event.stopPropagation();
  }

  private onChoose(event: MouseEvent): void {
    const item = event.target instanceof Element ? event.target.closest("[data-format]") : null;
    const format = item instanceof HTMLElement ? (item.dataset.format as ExportFormat) : null;
    if (!format) return;
    this.close(true);
    this.save(format);
  }

  private async save(format: ExportFormat): Promise<void> {
    this.button.setAttribute("aria-busy", "true");
    try {
      download(await fileOf(await this.draw(), format), `lineage.${format}`);
    } catch (error) {
      this.showError(
        `Could not draw lineage.${format}: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.button.removeAttribute("aria-busy");
    }
  }
}
