/**
 * Left-to-right layered layout with d3-dag's Sugiyama. Columns come from the kernel (`level`), so
 * a node keeps its column when the graph grows; the order inside a column follows the kernel's
 * `order`. Clusters are laid out like nodes, a little larger (their stacked cards).
 *
 * d3-dag lays layers top to bottom; here a layer is a column, so its x and y are swapped. Its three
 * steps are fed the kernel's placement: the layering puts each node in its column (the columns in
 * use, without gaps), the decrossing keeps the kernel's order (the points where long edges cross a
 * column slot in between their ends), and the greedy coordinate step places the nodes: linear in
 * the graph's size (2,000 nodes in about 50 ms; the optimal ones take seconds there). Edges are
 * drawn by edges.ts, so only the nodes' boxes are read back.
 */
import {
  coordGreedy,
  type GraphNode as DagNode,
  type Graph,
  graph,
  type SugiNode,
  sugiyama,
} from "d3-dag";
import {
  CLUSTER_HEIGHT,
  CLUSTER_STACK,
  CLUSTER_WIDTH,
  GAP_BETWEEN_COLUMNS,
  GAP_IN_COLUMN,
  LAYOUT_PADDING,
  NODE_HEIGHT,
  NODE_WIDTH,
} from "./geometry";
import type { GraphCluster, GraphEdge, GraphNode } from "./store";

/** What the layout needs of a node or cluster. */
interface Item {
  id: string;
  level: number;
  order: number;
  width: number;
  height: number;
  faceTop: number;
  /** Filled here: the column index (columns in use only) and the place in it, 0..1. */
  layer: number;
  place: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
  /** The part edges attach to starts this far below `y` (a cluster's face, under its cards). */
  faceTop: number;
}

export interface Layout {
  boxes: Map<string, Box>;
  width: number;
  height: number;
}

/** Kernel order: by column, then by position inside the column, then by id for ties. */
export function compareNodes(
  a: { id: string; level: number; order: number },
  b: { id: string; level: number; order: number },
): number {
  return a.level - b.level || a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Gives each item (sorted by column and order) its layer and its place (0..1) in the column. */
function placeInColumns(sorted: Item[]): number {
  let layer = -1;
  let start = 0;
  for (let i = 0; i <= sorted.length; i++) {
    if (i === sorted.length || (i > 0 && sorted[i].level !== sorted[i - 1].level)) {
      const size = i - start;
      for (let j = start; j < i; j++) sorted[j].place = (j - start + 0.5) / size;
      start = i;
    }
    if (i < sorted.length && (i === 0 || sorted[i].level !== sorted[i - 1].level)) layer++;
    if (i < sorted.length) sorted[i].layer = layer;
  }
  return layer + 1;
}

/** Where a layout slot sits in its column: a node's own place, a long edge's point in between. */
function slotPlace(slot: SugiNode<Item, undefined>): number {
  const { data } = slot;
  if (data.role === "node") return data.node.data.place;
  const from = data.link.source.data;
  const to = data.link.target.data;
  return (
    from.place + ((to.place - from.place) * (data.layer - from.layer)) / (to.layer - from.layer)
  );
}

/** The layering: each node in its column (columns in use only); returns the last layer's index. */
function kernelColumns(layerCount: number) {
  return <N extends Item, L>(dag: Graph<N, L>): number => {
    for (const node of dag.nodes()) node.y = node.data.layer;
    return layerCount - 1;
  };
}

function keepKernelOrder(layers: SugiNode<Item, undefined>[][]): void {
  for (const layer of layers) {
    const places = new Map(layer.map((slot) => [slot, slotPlace(slot)]));
    layer.sort((a, b) => (places.get(a) ?? 0) - (places.get(b) ?? 0));
  }
}

export async function computeLayout(
  nodes: Iterable<GraphNode>,
  clusters: Iterable<GraphCluster>,
  edges: GraphEdge[],
): Promise<Layout> {
  const items: Item[] = [];
  const base = { layer: 0, place: 0 };
  for (const { id, level, order } of nodes) {
    items.push({ id, level, order, width: NODE_WIDTH, height: NODE_HEIGHT, faceTop: 0, ...base });
  }
  for (const { id, level, order } of clusters) {
    items.push({
      id,
      level,
      order,
      width: CLUSTER_WIDTH,
      height: CLUSTER_HEIGHT,
      faceTop: CLUSTER_STACK,
      ...base,
    });
  }
  if (items.length === 0) return { boxes: new Map(), width: 0, height: 0 };
  const sorted = items.sort(compareNodes);
  const layerCount = placeInColumns(sorted);

  const dag = graph<Item, undefined>();
  const byId = new Map<string, ReturnType<typeof dag.node>>();
  for (const item of sorted) byId.set(item.id, dag.node(item));
  const linked = new Set<string>();
  for (const edge of edges) {
    const from = byId.get(edge.source);
    const to = byId.get(edge.target);
    // Back edges (closing a cycle) and edges inside a column would fight the kernel's columns;
    // edges.ts draws them around the nodes, so the layout leaves them out (and any duplicate).
    if (edge.back || !from || !to || from.data.layer === to.data.layer) continue;
    const key = `${edge.source}\u0000${edge.target}`;
    if (linked.has(key)) continue;
    linked.add(key);
    dag.link(from, to, undefined);
  }

  const layout = sugiyama()
    .layering(kernelColumns(layerCount))
    .decross(keepKernelOrder)
    .coord(coordGreedy())
    // Sugiyama's x runs along a layer: our vertical; its y across layers: our horizontal.
    .nodeSize((node: DagNode<Item, undefined>) => [node.data.height, node.data.width] as const)
    .gap([GAP_IN_COLUMN, GAP_BETWEEN_COLUMNS]);
  const { width, height } = layout(dag);

  // A column is as wide as its widest card; every card starts at the column's left edge.
  const columnWidths = new Array<number>(layerCount).fill(0);
  for (const item of sorted) {
    columnWidths[item.layer] = Math.max(columnWidths[item.layer], item.width);
  }
  const boxes = new Map<string, Box>();
  for (const node of dag.nodes()) {
    const { id, width: w, height: h, faceTop } = node.data;
    boxes.set(id, {
      x: LAYOUT_PADDING + node.y - columnWidths[node.data.layer] / 2,
      y: LAYOUT_PADDING + node.x - h / 2,
      width: w,
      height: h,
      faceTop,
    });
  }
  return { boxes, width: height + 2 * LAYOUT_PADDING, height: width + 2 * LAYOUT_PADDING };
}
