/**
 * Where the arrow keys move the focus in the drawn graph. Left and Right follow edges (to a node
 * or cluster with an edge into, or out of, the focused one); Up and Down step through the column
 * in the kernel's order (`level`, then `order`, then id), never by guessing from pixels.
 */
import { compareNodes } from "./layout";
import type { GraphStore } from "./store";

export type Move = "upstream" | "downstream" | "up" | "down";

export const MOVE_KEYS: Readonly<Record<string, Move>> = {
  ArrowLeft: "upstream",
  ArrowRight: "downstream",
  ArrowUp: "up",
  ArrowDown: "down",
};

/** What navigation needs of a node or cluster. */
interface Placed {
  id: string;
  level: number;
  order: number;
}

function placed(store: GraphStore, id: string): Placed | undefined {
  return store.nodes.get(id) ?? store.clusters.get(id);
}

/** The drawn nodes and clusters (of one column, if `level` is given), in the kernel's order. */
export function drawnInOrder(
  store: GraphStore,
  isDrawn: (id: string) => boolean,
  level?: number,
): Placed[] {
  const items: Placed[] = [];
  for (const item of [...store.nodes.values(), ...store.clusters.values()]) {
    if ((level === undefined || item.level === level) && isDrawn(item.id)) items.push(item);
  }
  return items.sort(compareNodes);
}

/**
 * The node or cluster to move to from `from`, or null when there is none that way (no edge, the
 * end of the column). `cameFrom`, if it is a candidate, wins: Right then Left goes back.
 * Otherwise the nearest candidate: the closest column, then the closest position in it.
 */
export function moveFrom(
  store: GraphStore,
  from: string,
  move: Move,
  isDrawn: (id: string) => boolean,
  cameFrom: string | null = null,
): string | null {
  const here = placed(store, from);
  if (!here) return null;
  if (move === "up" || move === "down") {
    const column = drawnInOrder(store, isDrawn, here.level);
    const index = column.findIndex((item) => item.id === from);
    const next = column[move === "up" ? index - 1 : index + 1];
    return index < 0 || !next ? null : next.id;
  }
  // Upstream: the sources of the edges into `from`; downstream: the targets of those out of it.
  const [near, far] =
    move === "upstream" ? (["target", "source"] as const) : (["source", "target"] as const);
  const candidates: Placed[] = [];
  for (const edge of store.edges.values()) {
    if (edge[near] !== from || edge[far] === from) continue;
    const item = placed(store, edge[far]);
    if (item && isDrawn(item.id)) candidates.push(item);
  }
  if (cameFrom !== null && candidates.some((item) => item.id === cameFrom)) return cameFrom;
  candidates.sort(
    (a, b) =>
      Math.abs(a.level - here.level) - Math.abs(b.level - here.level) ||
      Math.abs(a.order - here.order) - Math.abs(b.order - here.order) ||
      compareNodes(a, b),
  );
  return candidates[0]?.id ?? null;
}
