/**
 * The DOM of one graph node: icon, type, label, expand controls on both sides, fetch state, and
 * for a node pulled out of its cluster a control to put it back. Elements are created once per
 * id and updated in place; the optional parts (expand controls, the error line, the put-back
 * control) only once a node needs them, since every element of thousands of cards is styled
 * again whenever the host restyles the cell (a click into it changes its focus). Its accessible name (aria-label) says what it is and its state, as
 * text. Test hooks: data-node-id, data-kind, data-selected, data-highlighted, data-state,
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
  /** In the highlight Python set (`highlight()`). */
  highlighted: boolean;
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

/** "3 more inputs", "1 more input", "more outputs" (count unknown), or "" when there is none. */
function moreText(more: number, what: "input" | "output"): string {
  if (more === 0) return "";
  if (more < 0) return `more ${what}s`;
  return `${more} more ${what}${more === 1 ? "" : "s"}`;
}

/** The accessible name: label, type and kind, then what is hidden and the node's state. */
export function nodeName(state: NodeState, errors: readonly string[]): string {
  const { node } = state;
  const loading = state.upstream?.state === "loading" || state.downstream?.state === "loading";
  return [
    node.label,
    [node.type, node.kind].filter(Boolean).join(" "),
    moreText(node.moreUp, "input"),
    moreText(node.moreDown, "output"),
    node.pulledOut ? "pulled out of its cluster" : "",
    node.inaccessible ? `not accessible: ${node.inaccessible}` : "",
    loading ? "loading" : "",
    ...errors.map((error) => `error loading ${error}`),
    state.selected ? "selected" : "",
    state.highlighted ? "highlighted" : "",
  ]
    .filter(Boolean)
    .join(", ");
}

class Port {
  readonly element = html("div", "lw-port");
  readonly button = html("button", "lw-expand");
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
  /** Made when first needed, kept in this order after the text (the controls' tab order). */
  private error: HTMLDivElement | null = null;
  private upstream: Port | null = null;
  private downstream: Port | null = null;
  private putBack: HTMLButtonElement | null = null;
  private tabIndex = -1;
  private kind: string | null = null;
  private state: NodeState | null = null;
  private errors: string[] = [];

  constructor(id: string) {
    this.element.dataset.nodeId = id;
    this.element.setAttribute("role", "button");
    this.element.tabIndex = this.tabIndex;
    for (const data of [this.type, this.label]) data.dir = "auto";
    const text = html("div", "lw-node-text");
    text.append(this.type, this.label);
    this.element.append(this.icon, text);
  }

  /** Inserts an optional part before the first later one that exists. */
  private insert(part: HTMLElement): void {
    const order: (HTMLElement | null | undefined)[] = [
      this.error,
      this.upstream?.element,
      this.downstream?.element,
      this.putBack,
    ];
    const next = order.slice(order.indexOf(part) + 1).find((later) => later?.isConnected);
    this.element.insertBefore(part, next ?? null);
  }

  private port(direction: Direction): Port {
    const existing = direction === "upstream" ? this.upstream : this.downstream;
    if (existing) return existing;
    const made = new Port(direction);
    made.button.tabIndex = this.tabIndex;
    if (direction === "upstream") this.upstream = made;
    else this.downstream = made;
    this.insert(made.element);
    return made;
  }

  private updatePort(
    direction: Direction,
    more: number,
    fetch: NodeFetch | undefined,
    connected: boolean,
  ): void {
    const existing = direction === "upstream" ? this.upstream : this.downstream;
    if (!existing && more === 0 && fetch?.state !== "loading") return;
    this.port(direction).update(more, fetch, connected);
  }

  private updatePutBack(node: GraphNode, puttingBack: boolean, connected: boolean): void {
    if (!this.putBack) {
      if (!node.pulledOut) return;
      this.putBack = html("button", "lw-put-back");
      this.putBack.type = "button";
      this.putBack.dataset.action = "put-back";
      this.putBack.tabIndex = this.tabIndex;
      this.putBack.append(putBackIcon());
      this.insert(this.putBack);
    }
    this.putBack.hidden = !node.pulledOut;
    this.putBack.disabled = puttingBack || !connected;
    const action = `Put ${node.label} back into its cluster`;
    this.putBack.title = action;
    this.putBack.setAttribute("aria-label", action);
  }

  private updateError(errors: readonly string[]): void {
    if (!this.error) {
      if (errors.length === 0) return;
      this.error = html("div", "lw-node-error");
      this.error.dir = "auto";
      this.insert(this.error);
    }
    this.error.textContent = errors.length > 0 ? `Error loading ${errors.join("; ")}` : "";
    this.error.title = this.error.textContent;
    this.error.hidden = errors.length === 0;
  }

  update(state: NodeState): void {
    const { node, upstream, downstream, puttingBack, connected } = state;
    this.state = { ...state };
    const element = this.element;
    if (this.kind !== node.kind) {
      this.kind = node.kind;
      element.dataset.kind = node.kind;
      this.icon.replaceChildren(kindIcon(node.kind));
    }
    this.type.textContent = node.type;
    this.label.textContent = node.label;
    this.updatePort("upstream", node.moreUp, upstream, connected);
    this.updatePort("downstream", node.moreDown, downstream, connected);
    if (node.pulledOut) element.dataset.pulledOut = "true";
    else delete element.dataset.pulledOut;
    if (node.inaccessible) element.dataset.inaccessible = "true";
    else delete element.dataset.inaccessible;
    this.updatePutBack(node, puttingBack, connected);

    const errors = fetchErrors(upstream, downstream);
    const loading = upstream?.state === "loading" || downstream?.state === "loading";
    if (errors.length > 0) element.dataset.state = "error";
    else if (loading) element.dataset.state = "loading";
    else delete element.dataset.state;
    this.updateError(errors);
    element.title = [
      node.type ? `${node.type}: ${node.label}` : node.label,
      node.inaccessible ? `Not accessible: ${node.inaccessible}` : "",
      ...errors.map((e) => `Error loading ${e}`),
    ]
      .filter(Boolean)
      .join("\n");
    this.errors = errors;
    this.setSelected(state.selected);
    this.setHighlighted(state.highlighted);
  }

  setSelected(selected: boolean): void {
    if (selected) this.element.dataset.selected = "true";
    else delete this.element.dataset.selected;
    if (this.state) this.state.selected = selected;
    this.name();
  }

  setHighlighted(highlighted: boolean): void {
    if (highlighted) this.element.dataset.highlighted = "true";
    else delete this.element.dataset.highlighted;
    if (this.state) this.state.highlighted = highlighted;
    this.name();
  }

  /** The one tab stop of the graph (roving tabindex); its controls are reachable by Tab too. */
  setTabStop(active: boolean): void {
    const index = active ? 0 : -1;
    if (index === this.tabIndex) return;
    this.tabIndex = index;
    this.element.tabIndex = index;
    for (const button of [this.upstream?.button, this.downstream?.button, this.putBack]) {
      if (button) button.tabIndex = index;
    }
  }

  private name(): void {
    if (this.state) this.element.setAttribute("aria-label", nodeName(this.state, this.errors));
  }

  place(box: Box): void {
    this.element.style.transform = `translate(${box.x}px, ${box.y}px)`;
    this.element.style.width = `${box.width}px`;
    this.element.style.height = `${box.height}px`;
  }
}
