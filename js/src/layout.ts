/**
 * Left-to-right layered layout with ELK. Columns come from the kernel (`level`), so a node keeps
 * its column when the graph grows; the order inside a column follows the kernel's `order`.
 * Clusters are laid out like nodes, a little larger (their stacked cards).
 *
 * ELK's interactive strategies carry the kernel's placement: each node starts at x = its column
 * and y = its rank in the column, and ELK layers by x and orders each layer by y. (Partitioning
 * did the same but grew steeply: 10 s at 400 nodes, minutes at 2,000; this takes about 1.3 s at
 * 2,000.) Edges are drawn by edges.ts, so ELK routes none (polyline spacing stays constant).
 */
import ELK, { type ElkNode } from "elkjs/lib/elk.bundled.js";
import type { GraphCluster, GraphEdge, GraphNode } from "./store";

export const NODE_WIDTH = 216;
export const NODE_HEIGHT = 52;
export const CLUSTER_WIDTH = 232;
export const CLUSTER_HEIGHT = 66;
/** How far the cards behind a cluster's face peek out (px); matches `.lw-cluster-*` in CSS. */
export const CLUSTER_STACK = 10;

/** What the layout needs of a node or cluster. */
interface Item {
  id: string;
  level: number;
  order: number;
  width: number;
  height: number;
  faceTop: number;
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

const elk = new ELK();

const BASE_OPTIONS: Record<string, string> = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.padding": "[top=24,left=24,bottom=24,right=24]",
  "elk.spacing.nodeNode": "22",
  "elk.layered.spacing.nodeNodeBetweenLayers": "88",
  "elk.layered.spacing.edgeNodeBetweenLayers": "24",
  "elk.layered.layering.strategy": "INTERACTIVE",
  "elk.layered.crossingMinimization.strategy": "INTERACTIVE",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
  "elk.edgeRouting": "POLYLINE",
  // Components laid out apart would each start at column 0: one graph keeps the kernel columns.
  "elk.separateConnectedComponents": "false",
};

/** Kernel order: by column, then by position inside the column, then by id for ties. */
export function compareNodes(a: Item, b: Item): number {
  return a.level - b.level || a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Column width and row height of the starting positions ELK reads (only their order counts). */
const START_COLUMN = 320;
const START_ROW = 80;

function buildGraph(nodes: Item[], edges: GraphEdge[]): ElkNode {
  const minLevel = nodes.reduce((min, node) => Math.min(min, node.level), 0);
  const rows = new Map<number, number>();
  return {
    id: "root",
    layoutOptions: BASE_OPTIONS,
    // `nodes` come sorted by column then order: the running count is the rank in the column.
    children: nodes.map((node) => {
      const row = rows.get(node.level) ?? 0;
      rows.set(node.level, row + 1);
      return {
        id: node.id,
        width: node.width,
        height: node.height,
        x: (node.level - minLevel) * START_COLUMN,
        y: row * START_ROW,
      };
    }),
    edges: edges.map((edge, i) => ({
      id: `e${i}`,
      sources: [edge.source],
      targets: [edge.target],
    })),
  };
}

function readLayout(graph: ElkNode, items: Item[]): Layout {
  const faceTops = new Map(items.map((item) => [item.id, item.faceTop]));
  const boxes = new Map<string, Box>();
  for (const child of graph.children ?? []) {
    boxes.set(child.id, {
      x: child.x ?? 0,
      y: child.y ?? 0,
      width: child.width ?? NODE_WIDTH,
      height: child.height ?? NODE_HEIGHT,
      faceTop: faceTops.get(child.id) ?? 0,
    });
  }
  return { boxes, width: graph.width ?? 0, height: graph.height ?? 0 };
}

export async function computeLayout(
  nodes: Iterable<GraphNode>,
  clusters: Iterable<GraphCluster>,
  edges: GraphEdge[],
): Promise<Layout> {
  const items: Item[] = [];
  for (const { id, level, order } of nodes) {
    items.push({ id, level, order, width: NODE_WIDTH, height: NODE_HEIGHT, faceTop: 0 });
  }
  for (const { id, level, order } of clusters) {
    items.push({
      id,
      level,
      order,
      width: CLUSTER_WIDTH,
      height: CLUSTER_HEIGHT,
      faceTop: CLUSTER_STACK,
    });
  }
  const sorted = items.sort(compareNodes);
  const known = new Set(sorted.map((node) => node.id));
  // Back edges (closing a cycle) would fight the kernel's columns; they are drawn around the
  // nodes anyway (edges.ts), so the layout leaves them out.
  const drawable = edges.filter(
    (edge) => !edge.back && known.has(edge.source) && known.has(edge.target),
  );
  if (sorted.length === 0) return { boxes: new Map(), width: 0, height: 0 };
  return readLayout(await elk.layout(buildGraph(sorted, drawable)), sorted);
}
