/**
 * Left-to-right layered layout with ELK. Columns come from the kernel (`level`), so a node keeps
 * its column when the graph grows; the order inside a column follows the kernel's `order`.
 * Clusters are laid out like nodes, a little larger (their stacked cards).
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
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  "elk.layered.crossingMinimization.forceNodeModelOrder": "true",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
  // Components laid out apart would each start at column 0: one graph keeps the kernel columns.
  "elk.separateConnectedComponents": "false",
};

/** Kernel order: by column, then by position inside the column, then by id for ties. */
export function compareNodes(a: Item, b: Item): number {
  return a.level - b.level || a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function buildGraph(nodes: Item[], edges: GraphEdge[], partitioned: boolean): ElkNode {
  const minLevel = nodes.reduce((min, node) => Math.min(min, node.level), 0);
  return {
    id: "root",
    layoutOptions: { ...BASE_OPTIONS, "elk.partitioning.activate": String(partitioned) },
    children: nodes.map((node) => ({
      id: node.id,
      width: node.width,
      height: node.height,
      layoutOptions: partitioned
        ? { "elk.partitioning.partition": String(node.level - minLevel) }
        : undefined,
    })),
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
  try {
    return readLayout(await elk.layout(buildGraph(sorted, drawable, true)), sorted);
  } catch {
    // An edge against the column order (a cycle the kernel did not mark) breaks partitioning:
    // lay out without it rather than draw nothing.
    return readLayout(await elk.layout(buildGraph(sorted, drawable, false)), sorted);
  }
}
