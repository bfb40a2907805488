/**
 * The messages between the kernel (lineage_widget/widget.py) and the front end.
 *
 * The graph lives in Python. Synced traits hold small view state only (`selected`); the graph
 * travels as messages: a full snapshot when a model starts (first display, page reload), then
 * deltas holding only what changed. Python mirrors these shapes in lineage_widget/_payload.py.
 */

export type NodeKind = "run" | "artifact";
export type Direction = "upstream" | "downstream";
export type FetchState = "loading" | "error";

/**
 * Node rows, column by column (one index per node). Compact on the wire and cheap to decode.
 * `more_up` / `more_down`: -1 = neighbours in that direction not fetched yet (count unknown),
 * 0 = nothing more to fetch, n > 0 = n neighbours known to the source but not shown yet.
 * `level` is the column (left to right), fixed once a node is shown; `order` sorts a column.
 */
export interface NodeColumns {
  id: string[];
  kind: NodeKind[];
  type: string[];
  label: string[];
  level: number[];
  order: number[];
  more_up: number[];
  more_down: number[];
}

export interface EdgeColumns {
  source: string[];
  target: string[];
}

/** A fetch that is running or failed, per node and direction. */
export interface FetchStatus {
  id: string;
  direction: Direction;
  state: FetchState;
  error?: string;
}

// ---- kernel -> front end ----------------------------------------------------------------

/** The whole current graph. Replaces whatever the front end held. */
export interface SnapshotMsg {
  type: "snapshot";
  root: string | null;
  nodes: NodeColumns;
  edges: EdgeColumns;
  status: FetchStatus[];
}

/** New or changed nodes (upsert by id) and new edges. */
export interface DeltaMsg {
  type: "delta";
  nodes: NodeColumns;
  edges: EdgeColumns;
}

/** A fetch started (`loading`), failed (`error`) or ended (`idle`: clear the mark). */
export interface StatusMsg {
  type: "status";
  id: string;
  direction: Direction;
  state: FetchState | "idle";
  error?: string;
}

/** The preview of one node, answering DetailsRequest. Values are plain text. */
export interface DetailsMsg {
  type: "details";
  id: string;
  fields: [label: string, value: string][];
  inputs: number;
  outputs: number;
}

/** Centre the view on a node (Python's `focus()`). */
export interface FocusMsg {
  type: "focus";
  id: string;
}

export type KernelMsg = SnapshotMsg | DeltaMsg | StatusMsg | DetailsMsg | FocusMsg;

// ---- front end -> kernel ----------------------------------------------------------------

/** Sent once per model when it starts: asks for a SnapshotMsg. */
export interface HelloRequest {
  type: "hello";
}

export interface ExpandRequest {
  type: "expand";
  id: string;
  direction: Direction;
}

export interface DetailsRequest {
  type: "details";
  id: string;
}

export type FrontendMsg = HelloRequest | ExpandRequest | DetailsRequest;

/** The synced traits (lineage_widget/widget.py). */
export interface ModelTraits {
  selected: string[];
}
