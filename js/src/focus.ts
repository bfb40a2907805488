/**
 * The graph as one tab stop (a roving tabindex on its nodes and clusters) and the keys on it: the
 * arrow keys move the focus (where to: keyboard.ts), Enter expands a node or opens a cluster,
 * Space selects. A node the keyboard moves the focus to is panned into view. After a drawing
 * the tab stop stays where it was if that is still drawn.
 */
import type { Canvas } from "./canvas";
import { html, listen, uniqueId } from "./dom";
import { drawnInOrder, MOVE_KEYS, moveFrom } from "./keyboard";
import { togglesSelection } from "./selection";
import type { GraphStore } from "./store";

const KEYBOARD_HELP =
  "Arrow keys: Left and Right follow the edges to inputs and outputs, Up and Down move within " +
  "a column. Enter expands a node or opens a cluster, Space selects, Escape closes the panel.";

/** The keys, said to assistive technology (the graph's aria-describedby). */
export function keyboardHelp(): HTMLElement {
  const help = html("div", "lw-visually-hidden", KEYBOARD_HELP);
  help.id = uniqueId("lw-keyboard-help");
  return help;
}

export interface FocusActions {
  openCluster(id: string): void;
  toggleCluster(id: string): void;
  select(id: string, toggle: boolean): void;
  /** Pans node or cluster `id` into view. */
  reveal(id: string): void;
}

/** The node or cluster id of an element that is one (not a control inside one). */
function itemId(target: EventTarget | null): string | undefined {
  if (!(target instanceof HTMLElement)) return undefined;
  return target.dataset.clusterId ?? target.dataset.nodeId;
}

export class RovingFocus {
  /** The node or cluster that holds the graph's one tab stop. */
  private activeId: string | null = null;
  /** The last arrow-key move, so that the opposite key goes back where it came from. */
  private lastMove: { from: string; to: string } | null = null;
  private readonly cleanups: (() => void)[];

  constructor(
    private readonly canvas: Canvas,
    private readonly store: GraphStore,
    private readonly root: HTMLElement,
    private readonly actions: FocusActions,
  ) {
    this.cleanups = [
      listen(canvas.nodeLayer, "keydown", (event) => this.onGraphKey(event)),
      listen(canvas.nodeLayer, "focusin", (event) => this.onGraphFocus(event)),
    ];
  }

  destroy(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  /** Keys on the focused node or cluster; controls inside a node keep their own keys. */
  private onGraphKey(event: KeyboardEvent): void {
    const id = itemId(event.target);
    if (id === undefined) return;
    const isCluster = this.canvas.clusterElements.has(id);
    const move = MOVE_KEYS[event.key];
    if (move !== undefined) {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const back = this.lastMove?.to === id ? this.lastMove.from : null;
      const next = moveFrom(this.store, id, move, (other) => this.canvas.isDrawn(other), back);
      if (next !== null) {
        this.lastMove = { from: id, to: next };
        this.canvas.itemElement(next)?.focus({ preventScroll: true });
      }
    } else if (event.key === "Enter") {
      if (isCluster) this.actions.openCluster(id);
      else this.expandAll(id);
    } else if (event.key === " ") {
      if (isCluster) this.actions.toggleCluster(id);
      else this.actions.select(id, togglesSelection(event));
    } else {
      return;
    }
    // Handled here: neither the page (scrolling) nor the notebook (its shortcuts) acts on it.
    event.preventDefault();
    event.stopPropagation();
  }

  /** Enter on a node: one more hop both ways, as its two expand controls do. */
  private expandAll(id: string): void {
    const node = this.store.nodes.get(id);
    if (!node) return;
    if (node.moreUp !== 0) this.store.expand(id, "upstream");
    if (node.moreDown !== 0) this.store.expand(id, "downstream");
  }

  /** A node or cluster got the focus (keys, Tab or a click): it takes the tab stop, and if the
   * keyboard moved it there, it is panned into view. */
  private onGraphFocus(event: FocusEvent): void {
    const target = event.target instanceof Element ? event.target : null;
    const item = target?.closest<HTMLElement>(".lw-node, .lw-cluster");
    const id = itemId(item ?? null);
    if (!item || id === undefined) return;
    // Focusing by Tab scrolls the clipped viewport natively; the pan-zoom transform does it.
    this.canvas.viewport.scrollLeft = 0;
    this.canvas.viewport.scrollTop = 0;
    this.setActive(id);
    // Not on a click: panning between press and release would move the node from under the
    // pointer, and the click would be lost.
    if (target?.matches(":focus-visible")) this.actions.reveal(id);
  }

  /** Moves the graph's one tab stop to `id`. */
  private setActive(id: string): void {
    if (this.activeId === id) return;
    const previous = this.activeId;
    this.activeId = id;
    if (previous !== null) this.canvas.card(previous)?.setTabStop(false);
    this.canvas.card(id)?.setTabStop(true);
  }

  /** After a drawing: the tab stop stays where it was if that is still drawn, else it goes to the
   * cluster that took the node in, the root, or the first node. If the focus was in the graph
   * (`hadFocus`) and its node left (say into a cluster), it goes to the new tab stop. */
  afterDraw(hadFocus: boolean): void {
    this.syncTabStop();
    if (hadFocus && !this.canvas.holdsFocus()) this.focusActive();
  }

  private syncTabStop(): void {
    let id = this.activeId;
    const drawn = (other: string) => this.canvas.isDrawn(other);
    if (id === null || !drawn(id)) {
      const cluster = id === null ? undefined : this.store.clusterOf(id);
      const root = this.store.root;
      if (cluster !== undefined && drawn(cluster)) id = cluster;
      else if (root !== null && drawn(root)) id = root;
      else id = drawnInOrder(this.store, drawn)[0]?.id ?? null;
    }
    if (id === null) {
      this.activeId = null;
      return;
    }
    this.activeId = id;
    this.canvas.card(id)?.setTabStop(true);
  }

  /** Gives the focus to the graph's tab stop (or, with nothing drawn, to the view). */
  focusActive(): void {
    const element = this.activeId === null ? undefined : this.canvas.itemElement(this.activeId);
    (element ?? this.root).focus({ preventScroll: true });
  }
}
