/**
 * The DOM of one graph node: icon, type, label, expand controls on both sides, fetch state, and
 * for a node pulled out of its cluster a control to put it back. Elements are created once per
 * id and updated in place. Test hooks: data-node-id, data-kind, data-selected, data-state,
 * data-expand, data-pulled-out, data-action="put-back".
 */
import { html } from "./dom";
import { kindIcon, putBackIcon } from "./icons";
import type { Box } from "./layout";
import type { Direction } from "./protocol";
import type { GraphNode, NodeFetch } from "./store";

export interface NodeState {
  node: GraphNode;
  upstream?: NodeFetch;
  downstream?: NodeFetch;
  selected: boolean;
  /** A put-back request is on its way. */
  puttingBack: boolean;
  /** False once the kernel is gone: no control may ask it anything. */
  connected: boolean;
}

/** "inputs: <error>", "outputs: <error>" for the fetches of a node that failed. */
export function fetchErrors(upstream?: NodeFetch, downstream?: NodeFetch): string[] {
  return [upstream, downstream]
    .map((fetch, i) =>
      fetch?.state === "error"
        ? `${i === 0 ? "inputs" : "outputs"}: ${fetch.error ?? "failed"}`
        : "",
    )
    .filter(Boolean);
}

class Port {
  readonly element = html("div", "lw-port");
  private readonly button = html("button", "lw-expand");
  private readonly spinner = html("span", "lw-spinner");

  constructor(readonly direction: Direction) {
    this.element.dataset.side = direction;
    this.button.type = "button";
    this.button.dataset.expand = direction;
    this.spinner.setAttribute("role", "progressbar");
    this.spinner.setAttribute("aria-label", `Loading ${direction}`);
    this.element.append(this.button, this.spinner);
  }

  update(more: number, fetch: NodeFetch | undefined, connected: boolean): void {
    const loading = fetch?.state === "loading";
    this.button.hidden = more === 0 || loading;
    this.button.disabled = !connected;
    this.spinner.hidden = !loading;
    this.button.textContent = more > 0 ? String(more) : "+";
    // "12 more upstream" where the source knows how many are not shown yet.
    const label = `Show ${more > 0 ? `${more} more` : "more"} ${this.direction}`;
    this.button.title = label;
    this.button.setAttribute("aria-label", label);
  }
}

export class NodeElement {
  readonly element = html("div", "lw-node");
  private readonly icon = html("span", "lw-node-icon");
  private readonly type = html("div", "lw-node-type");
  private readonly label = html("div", "lw-node-label");
  private readonly error = html("div", "lw-node-error");
  private readonly upstream = new Port("upstream");
  private readonly downstream = new Port("downstream");
  private readonly putBack = html("button", "lw-put-back");
  private kind: string | null = null;

  constructor(id: string) {
    this.element.dataset.nodeId = id;
    this.element.tabIndex = 0;
    for (const data of [this.type, this.label, this.error]) data.dir = "auto";
    const text = html("div", "lw-node-text");
    text.append(this.type, this.label);
    this.putBack.type = "button";
    this.putBack.dataset.action = "put-back";
    this.putBack.hidden = true;
    this.putBack.append(putBackIcon());
    this.element.append(
      this.icon,
      text,
      this.error,
      this.upstream.element,
      this.downstream.element,
      this.putBack,
    );
  }

  update({ node, upstream, downstream, selected, puttingBack, connected }: NodeState): void {
    const element = this.element;
    if (this.kind !== node.kind) {
      this.kind = node.kind;
      element.dataset.kind = node.kind;
      this.icon.replaceChildren(kindIcon(node.kind));
    }
    this.type.textContent = node.type;
    this.label.textContent = node.label;
    this.upstream.update(node.moreUp, upstream, connected);
    this.downstream.update(node.moreDown, downstream, connected);
    if (node.pulledOut) element.dataset.pulledOut = "true";
    else delete element.dataset.pulledOut;
    this.putBack.hidden = !node.pulledOut;
    this.putBack.disabled = puttingBack || !connected;
    const action = `Put ${node.label} back into its cluster`;
    this.putBack.title = action;
    this.putBack.setAttribute("aria-label", action);

    const errors = fetchErrors(upstream, downstream);
    const loading = upstream?.state === "loading" || downstream?.state === "loading";
    if (errors.length > 0) element.dataset.state = "error";
    else if (loading) element.dataset.state = "loading";
    else delete element.dataset.state;
    this.error.textContent = errors.length > 0 ? `Error loading ${errors.join("; ")}` : "";
    this.error.title = this.error.textContent;
    this.error.hidden = errors.length === 0;
    element.title = [
      node.type ? `${node.type}: ${node.label}` : node.label,
      ...errors.map((e) => `Error loading ${e}`),
    ].join("\n");
    this.setSelected(selected);
  }

  setSelected(selected: boolean): void {
    if (selected) this.element.dataset.selected = "true";
    else delete this.element.dataset.selected;
  }

  place(box: Box): void {
    this.element.style.transform = `translate(${box.x}px, ${box.y}px)`;
    this.element.style.width = `${box.width}px`;
    this.element.style.height = `${box.height}px`;
  }
}
