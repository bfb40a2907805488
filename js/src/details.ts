/**
 * The details panel (`.lineage-details`): the preview of the one selected node, asked from the
 * kernel, with its input/output counts and buttons to expand either way.
 */
import { html, listen } from "./dom";
import { closeIcon, kindIcon } from "./icons";
import type { DetailsMsg, Direction } from "./protocol";
import type { GraphStore } from "./store";

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
    this.element.hidden = false;
    this.element.dataset.detailsId = id;
    this.body.replaceChildren(html("div", "lw-details-loading", "Loading details…"));
    this.counts.textContent = "";
    this.refresh();
    this.stopWaiting = this.store.requestDetails(id, (msg) => {
      this.stopWaiting = null;
      this.fill(msg);
    });
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
    this.type.textContent = node?.type ?? member?.cluster.type ?? "";
    this.title.textContent = label;
    this.title.title = label;
    for (const direction of ["upstream", "downstream"] as const) {
      const more = direction === "upstream" ? node?.moreUp : node?.moreDown;
      const loading = this.store.fetchState(id, direction)?.state === "loading";
      this.expandButtons[direction].disabled = !node || more === 0 || loading;
    }
  }

  destroy(): void {
    this.cancel();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  private fill(msg: DetailsMsg): void {
    const list = html("dl", "lw-details-fields");
    for (const [label, value] of msg.fields) {
      list.append(html("dt", undefined, label), html("dd", undefined, value));
    }
    this.body.replaceChildren(list);
    this.counts.replaceChildren(
      html("span", "lw-count", `${msg.inputs} input${msg.inputs === 1 ? "" : "s"}`),
      html("span", "lw-count", `${msg.outputs} output${msg.outputs === 1 ? "" : "s"}`),
    );
  }

  private cancel(): void {
    this.stopWaiting?.();
    this.stopWaiting = null;
  }
}
