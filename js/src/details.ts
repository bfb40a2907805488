/**
 * The details panel (`.lineage-details`): the preview of the one selected node, asked from the
 * kernel, with its input/output counts and buttons to expand either way. A value the kernel cut
 * short has a "Show all" button that asks again in full. A value that is exactly an http(s) URL
 * is a link (any other scheme stays text). Test hooks: data-details-id, data-details-expand,
 * data-action="show-all", data-field (the label) on each value.
 */
import { diffSection } from "./diff-details";
import { html, listen } from "./dom";
import { closeIcon, kindIcon } from "./icons";
import type { DetailsMsg, Direction } from "./protocol";
import type { GraphStore } from "./store";

/** `value` as a link target if it is exactly one http(s) URL, else null. */
export function webUrl(value: string): string | null {
  if (!/^https?:\/\/\S+$/i.test(value)) return null;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function valueElement(value: string): HTMLElement {
  const href = webUrl(value);
  if (href === null) return html("span", "lw-details-value", value);
  const link = html("a", "lw-details-value lw-details-link", value);
  link.href = href;
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  return link;
}

export class DetailsPanel {
  readonly element = html("aside", "lineage-details");
  private readonly icon = html("span", "lw-details-icon");
  private readonly type = html("div", "lw-details-type");
  private readonly title = html("div", "lw-details-title");
  private readonly body = html("div", "lw-details-body");
  private readonly counts = html("div", "lw-details-counts");
  private readonly expandButtons: Record<Direction, HTMLButtonElement> = {
    upstream: html("button", "lw-button", "Show inputs"),
    downstream: html("button", "lw-button", "Show outputs"),
  };
  private shownId: string | null = null;
  private stopWaiting: (() => void) | null = null;
  /** The node whose values were asked in full (no "Show all" once they come). */
  private fullId: string | null = null;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly store: GraphStore,
    onExpand: (id: string, direction: Direction) => void,
    onClose: () => void,
  ) {
    const element = this.element;
    element.hidden = true;
    element.setAttribute("aria-label", "Node details");
    const close = html("button", "lw-icon-button lw-details-close");
    close.type = "button";
    close.title = "Close (Esc)";
    close.setAttribute("aria-label", "Close details");
    close.append(closeIcon());
    this.cleanups.push(listen(close, "click", onClose));

    this.type.dir = "auto";
    this.title.dir = "auto";
    const heading = html("div", "lw-details-heading");
    const text = html("div", "lw-details-text");
    text.append(this.type, this.title);
    heading.append(this.icon, text, close);

    const actions = html("div", "lw-details-actions");
    for (const direction of ["upstream", "downstream"] as const) {
      const button = this.expandButtons[direction];
      button.type = "button";
      button.dataset.detailsExpand = direction;
      this.cleanups.push(
        listen(button, "click", () => {
          if (this.shownId !== null) onExpand(this.shownId, direction);
        }),
      );
      actions.append(button);
    }
    element.append(heading, this.body, this.counts, actions);
    this.cleanups.push(listen(this.body, "click", (event) => this.onBodyClick(event)));
  }

  get visible(): boolean {
    return !this.element.hidden;
  }

  /** Shows the node `id`, asking the kernel for its details unless they are already shown. */
  show(id: string): void {
    if (this.shownId === id && this.visible) {
      this.refresh();
      return;
    }
    this.cancel();
    this.shownId = id;
    this.fullId = null;
    this.element.hidden = false;
    this.element.dataset.detailsId = id;
    const text = this.store.connected
      ? "Loading details…"
      : "No details: disconnected from the kernel.";
    this.body.replaceChildren(html("div", "lw-details-loading", text));
    this.counts.textContent = "";
    this.refresh();
    this.ask(id, false);
  }

  hide(): void {
    this.cancel();
    this.shownId = null;
    this.element.hidden = true;
    delete this.element.dataset.detailsId;
  }

  /** Updates what the store knows (label, fetch state) without asking the kernel again. */
  refresh(): void {
    const id = this.shownId;
    if (id === null) return;
    const node = this.store.nodes.get(id);
    // A member of a cluster is not drawn: its cluster gives the kind and type.
    const member = node ? undefined : this.store.member(id);
    const kind = node?.kind ?? member?.cluster.kind;
    const label = node?.label ?? member?.label ?? id;
    this.icon.replaceChildren(kindIcon(kind ?? "artifact"));
    this.element.dataset.kind = kind ?? "";
    const type = node?.type ?? member?.cluster.type ?? "";
    this.type.textContent = type;
    this.type.title = type;
    this.title.textContent = label;
    this.title.title = label;
    const connected = this.store.connected;
    for (const direction of ["upstream", "downstream"] as const) {
      const more = direction === "upstream" ? node?.moreUp : node?.moreDown;
      const loading = this.store.fetchState(id, direction)?.state === "loading";
      this.expandButtons[direction].disabled = !connected || !node || more === 0 || loading;
    }
    for (const button of this.body.querySelectorAll<HTMLButtonElement>("[data-action]")) {
      button.disabled = !connected || this.fullId !== null;
    }
  }

  destroy(): void {
    this.cancel();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  private ask(id: string, full: boolean): void {
    this.cancel();
    this.stopWaiting = this.store.requestDetails(
      id,
      (msg) => {
        this.stopWaiting = null;
        this.fill(msg);
      },
      full,
    );
  }

  private fill(msg: DetailsMsg): void {
    const full = this.fullId === msg.id;
    const truncated = new Set(msg.truncated ?? []);
    const list = html("dl", "lw-details-fields");
    for (const [label, value] of msg.fields) {
      const term = html("dt", undefined, label);
      term.dir = "auto";
      term.title = label;
      const data = html("dd");
      data.dataset.field = label;
      const shown = valueElement(value);
      shown.dir = "auto";
      data.append(shown);
      if (truncated.has(label) && !full) {
        const more = html("button", "lw-show-all", "Show all");
        more.type = "button";
        more.dataset.action = "show-all";
        more.setAttribute("aria-label", `Show all of ${label}`);
        more.disabled = !this.store.connected;
        data.append(more);
      } else if (truncated.has(label)) {
        data.append(html("span", "lw-details-cut", "(shortened: too long to show)"));
      }
      list.append(term, data);
    }
    const diff = diffSection(msg); // what differs from its pair in the lineage diff shown
    this.body.replaceChildren(...(diff ? [diff] : []), list);
    this.counts.replaceChildren(
      html("span", "lw-count", `${msg.inputs} input${msg.inputs === 1 ? "" : "s"}`),
      html("span", "lw-count", `${msg.outputs} output${msg.outputs === 1 ? "" : "s"}`),
    );
  }

  /** "Show all": asks the kernel for the node's values in full; the reply replaces them. */
  private onBodyClick(event: MouseEvent): void {
    const target = event.target instanceof Element ? event.target : null;
    const button = target?.closest<HTMLButtonElement>("[data-action='show-all']");
    const id = this.shownId;
    if (!button || button.disabled || id === null) return;
    for (const other of this.body.querySelectorAll<HTMLButtonElement>("[data-action]")) {
      other.disabled = true;
    }
    this.fullId = id;
    this.ask(id, true);
  }

  private cancel(): void {
    this.stopWaiting?.();
    this.stopWaiting = null;
  }
}
