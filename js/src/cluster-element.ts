/**
 * The DOM of one cluster node: a stack of cards in the members' kind colour, with the type and
 * "N runs" / "N artifacts". Clicking it opens its member list. Created once per id, updated in
 * place. Test hooks: data-kind="cluster", data-cluster-id, data-count, data-member-kind,
 * data-open, data-holds-selected, data-holds-highlighted.
 */
import { html } from "./dom";
import { kindIcon } from "./icons";
import type { Box } from "./layout";
import type { NodeKind } from "./protocol";
import type { GraphCluster } from "./store";

/** "1 run", "6 artifacts". */
export function countOf(count: number, kind: NodeKind): string {
  return `${count.toLocaleString("en-US")} ${kind}${count === 1 ? "" : "s"}`;
}

export class ClusterElement {
  readonly element = html("div", "lw-cluster");
  private readonly icon = html("span", "lw-cluster-icon");
  private readonly type = html("div", "lw-node-type");
  private readonly label = html("div", "lw-node-label");
  private kind: NodeKind | null = null;
  /** "Cluster of train: 6 runs", before the state is added to it. */
  private what = "";
  private holdsSelected = false;
  private holdsHighlighted = false;

  constructor(id: string) {
    const element = this.element;
    element.dataset.kind = "cluster";
    element.dataset.clusterId = id;
    element.tabIndex = -1;
    element.setAttribute("role", "button");
    element.setAttribute("aria-haspopup", "dialog");
    this.type.dir = "auto";
    const face = html("div", "lw-cluster-face");
    const text = html("div", "lw-node-text");
    text.append(this.type, this.label);
    face.append(this.icon, text);
    // The two cards behind the face come first so the face paints over them.
    element.append(html("div", "lw-cluster-card"), html("div", "lw-cluster-card"), face);
  }

  update(
    cluster: GraphCluster,
    open: boolean,
    holdsSelected: boolean,
    holdsHighlighted: boolean,
  ): void {
    const element = this.element;
    if (this.kind !== cluster.kind) {
      this.kind = cluster.kind;
      element.dataset.memberKind = cluster.kind;
      this.icon.replaceChildren(kindIcon(cluster.kind));
    }
    element.dataset.count = String(cluster.count);
    this.type.textContent = cluster.type;
    const count = countOf(cluster.count, cluster.kind);
    this.label.textContent = count;
    const what = cluster.type ? `${cluster.type}: ${count}` : count;
    element.title = `${what} (click to list them)`;
    this.what = `Cluster of ${what}`;
    this.setOpen(open);
    this.setHoldsSelected(holdsSelected);
    this.setHoldsHighlighted(holdsHighlighted);
  }

  setOpen(open: boolean): void {
    if (open) this.element.dataset.open = "true";
    else delete this.element.dataset.open;
    this.element.setAttribute("aria-expanded", String(open));
  }

  /** Marks a cluster one of whose members is selected. */
  setHoldsSelected(holds: boolean): void {
    if (holds) this.element.dataset.holdsSelected = "true";
    else delete this.element.dataset.holdsSelected;
    this.holdsSelected = holds;
    this.name();
  }

  /** Marks a cluster that holds a highlighted node. */
  setHoldsHighlighted(holds: boolean): void {
    if (holds) this.element.dataset.holdsHighlighted = "true";
    else delete this.element.dataset.holdsHighlighted;
    this.holdsHighlighted = holds;
    this.name();
  }

  /** The one tab stop of the graph (roving tabindex). */
  setTabStop(active: boolean): void {
    this.element.tabIndex = active ? 0 : -1;
  }

  private name(): void {
    const state = [
      this.holdsSelected ? "holds the selected node" : "",
      this.holdsHighlighted ? "holds highlighted nodes" : "",
    ];
    this.element.setAttribute("aria-label", [this.what, ...state].filter(Boolean).join(", "));
  }

  place(box: Box): void {
    this.element.style.transform = `translate(${box.x}px, ${box.y}px)`;
    this.element.style.width = `${box.width}px`;
    this.element.style.height = `${box.height}px`;
  }
}
