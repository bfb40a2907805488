/**
 * The messages between the kernel (lineage_widget/widget.py) and the front end.
 *
 * The graph lives in Python. Synced traits hold small view state only (`selected`, `highlighted`);
 * the graph travels as messages: a full snapshot when a model starts (first display, page
 * reload), then deltas holding only what changed. Python declares the same shapes in
 * lineage_widget/protocol.py (tests/test_protocol.py holds the two to the same fields).
 *
 * Requests that get an answer (details, members) carry a `request_id` the page chose; the answer
 * (or the ErrorMsg) carries it back, so answers are matched by id, not by arrival order.
 */

import type { AnyModel } from "@anywidget/types";

export type NodeKind = "run" | "artifact";
export type Direction = "upstream" | "downstream";
export type FetchState = "loading" | "error";

/**
 * Node rows, column by column (one index per node). Compact on the wire and cheap to decode.
 * `more_up` / `more_down`: -1 = neighbours in that direction not fetched yet (count unknown),
 * 0 = nothing more to fetch, n > 0 = n neighbours known to the source but not shown yet.
 * `level` is the column (left to right), fixed once a node is shown; `order` sorts a column.
 * `pulled_out`: the user pulled this node out of its cluster (it can be put back).
 * `inaccessible`: why the source could not read the node (null: it could); sent only when a
 * node of the batch has a reason.
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
  pulled_out: boolean[];
  inaccessible?: (string | null)[];
  /** A run's state worth showing ("running", "failed", "crashed", ...; null: none); sent only
   * when a node of the batch has one. */
  run_state?: (string | null)[];
}

/**
 * Cluster nodes: a crowded group (same column, kind and type) drawn as one node. `kind` is the
 * members' kind; `count` how many members it holds; `version` changes whenever its members do.
 * Members travel on request (MembersMsg).
 */
export interface ClusterColumns {
  id: string[];
  kind: NodeKind[];
  type: string[];
  level: number[];
  order: number[];
  count: number[];
  version: number[];
  /**
   * More members not fetched yet: an unfinished walk of a neighbour (say a dataset used by 5,000
   * runs, fetched a page at a time). `more`: how many (-1 unknown, 0 none); expanding
   * `more_from` in `more_direction` brings the next page.
   */
  more: number[];
  more_from: (string | null)[];
  more_direction: (Direction | null)[];
}

/**
 * Drawn edges between node or cluster ids; `count`: how many lineage edges each stands for;
 * `back`: the edge closes a cycle in the source data (it points right to left).
 */
export interface EdgeColumns {
  source: string[];
  target: string[];
  count: number[];
  back: boolean[];
}

/** Edges to take away (just their ends). */
export interface EdgeIds {
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

/**
 * The whole current graph. Replaces whatever the front end held. `restored`: it follows a
 * RestoreRequest the kernel took; views draw it at the `viewport` trait rather than fitting it.
 */
export interface SnapshotMsg {
  type: "snapshot";
  root: string | null;
  restored?: boolean;
  nodes: NodeColumns;
  clusters: ClusterColumns;
  edges: EdgeColumns;
  status: FetchStatus[];
}

/**
 * What changed: nodes, clusters and edges to upsert (by id; edges by their ends), then ids of
 * nodes or clusters no longer drawn (a node that went into a cluster, a dissolved cluster) and
 * edges no longer drawn. Apply removals first, then upserts.
 */
export interface DeltaMsg {
  type: "delta";
  nodes: NodeColumns;
  clusters: ClusterColumns;
  edges: EdgeColumns;
  removed: string[];
  removed_edges: EdgeIds;
}

/** A fetch started (`loading`), failed (`error`) or ended (`idle`: clear the mark). */
export interface StatusMsg {
  type: "status";
  id: string;
  direction: Direction;
  state: FetchState | "idle";
  error?: string;
}

/**
 * The preview of one node, answering DetailsRequest. Values are plain text; those cut short
 * are listed by label in `truncated` (ask again with `full: true` to get them whole).
 */
export interface DetailsMsg {
  type: "details";
  request_id: number;
  id: string;
  fields: [label: string, value: string][];
  truncated: string[];
  inputs: number;
  outputs: number;
  /** The node is one of a changed pair of the lineage diff shown (Python's `compare()`). */
  diff?: DiffDetails;
}

/** What differs between a node and the one it pairs with: [key, value on a, value on b]. */
export interface DiffDetails {
  side: "a" | "b";
  other: string;
  other_label: string;
  rows: [key: string, a: string, b: string][];
}

/** A cluster's members, answering MembersRequest, in the column's order. */
export interface MembersMsg {
  type: "members";
  request_id: number;
  cluster: string;
  id: string[];
  label: string[];
  version: (string | null)[];
  aliases: string[][];
}

/** A member of this cluster was selected (from Python): open its list and mark the member. */
export interface OpenClusterMsg {
  type: "open_cluster";
  cluster: string;
  member: string;
}

/** Centre the view on a node (Python's `focus()`). */
export interface FocusMsg {
  type: "focus";
  id: string;
}

/**
 * A request failed in the kernel (an unknown id from a stale view, a selection callback that
 * raised, ...). Shown under the toolbar as text; the rest of the view is unaffected.
 */
export interface ErrorMsg {
  type: "error";
  request: string;
  id: string | null;
  /** For a failed expand: which direction (the page clears that control's loading mark). */
  direction?: Direction;
  /** For a failed details or members request: its id (no answer will come). */
  request_id?: number;
  error: string;
}

/** An image format `save()` writes. */
export type ExportFormat = "svg" | "png";

/**
 * Python's `save()`: draw the graph as a standalone SVG or PNG file and send it back in an
 * ExportReply with the same `request`. Every page that shows the model may answer; the kernel
 * keeps the first answer.
 */
export interface ExportMsg {
  type: "export";
  request: string;
  format: ExportFormat;
}

/** The answer to a hello from a page that drew the model's `_first` snapshot: it is still the
 * view, nothing else to draw. */
export interface ReadyMsg {
  type: "ready";
}

export type KernelMsg =
  | ErrorMsg
  | SnapshotMsg
  | DeltaMsg
  | StatusMsg
  | DetailsMsg
  | MembersMsg
  | OpenClusterMsg
  | FocusMsg
  | ExportMsg
  | ReadyMsg;

// ---- front end -> kernel ----------------------------------------------------------------

/** Sent once per model when it starts: asks for a SnapshotMsg (`drawn`: the page drew the
 * `_first` trait's snapshot already; a ReadyMsg answers if that is still the view). */
export interface HelloRequest {
  type: "hello";
  drawn?: boolean;
}

export interface ExpandRequest {
  type: "expand";
  id: string;
  direction: Direction;
}

export interface DetailsRequest {
  type: "details";
  request_id: number;
  id: string;
  full?: boolean;
}

/** The member list of a cluster (answered by MembersMsg). */
export interface MembersRequest {
  type: "members";
  request_id: number;
  cluster: string;
}

/** Expand every member of a cluster one hop that way, as its expand control would (the answers
 * come as DeltaMsgs and StatusMsgs, one walk per member). */
export interface ExpandClusterRequest {
  type: "expand_cluster";
  cluster: string;
  direction: Direction;
}

/** Draw a member as a node of its own, next to its cluster (answered by a DeltaMsg). */
export interface PullOutRequest {
  type: "pull_out";
  id: string;
}

/** Undo a pull-out: the node may be drawn in its cluster again (answered by a DeltaMsg). */
export interface PutBackRequest {
  type: "put_back";
  id: string;
}

/**
 * The answer to an ExportMsg: the SVG document as text (`svg`), or the PNG file as the message's
 * one binary buffer; or `error` if the page could not draw it.
 */
export interface ExportReply {
  type: "export_result";
  request: string;
  format: ExportFormat;
  svg?: string;
  error?: string;
}

/**
 * The view saved with the notebook under this model's `_key` (the `_view_state` of a model the
 * notebook brought back without a kernel): the kernel replays it if nobody has changed its view
 * yet (answered by a SnapshotMsg with `restored`), else ignores it; a bad one gets an ErrorMsg.
 */
export interface RestoreRequest {
  type: "restore";
  state: Record<string, unknown>;
}

export type FrontendMsg =
  | HelloRequest
  | RestoreRequest
  | ExpandRequest
  | DetailsRequest
  | MembersRequest
  | ExpandClusterRequest
  | PullOutRequest
  | PutBackRequest
  | ExportReply;

/** `lineage` trait: the base node's direct lineage, or everything known. */
export type LineageMode = "direct" | "extended";

/** The types present in the known graph (hidden or not), by kind: the filter choices. */
export interface NodeTypes {
  artifact: string[];
  run: string[];
}

/**
 * The synced traits (lineage_widget/widget.py). The filters: `artifact_types` / `job_types`
 * list the types shown (null or empty: all), `hide_runs` draws no runs, `lineage` is direct or
 * extended. A filter change makes the kernel send a fresh SnapshotMsg.
 */
export interface ModelTraits {
  selected: string[];
  /** Python's `highlight()`: these nodes are marked and the rest dimmed (none: no highlight). */
  highlighted: string[];
  /** Set by the kernel: the clusters holding a highlighted node (the page does not know every
   * cluster's members). */
  _highlighted_clusters: string[];
  /**
   * Where the user left the view: the graph point at the viewport's centre and the scale. Set by
   * the page when the user pans or zooms; a view drawing for the first time starts there (empty:
   * fit the graph). Python may set it too (`w.view_state`).
   */
  viewport: Viewport | Record<string, never>;
  artifact_types: string[] | null;
  job_types: string[] | null;
  hide_runs: boolean;
  lineage: LineageMode;
  _node_types: NodeTypes;
  /** Set by the kernel: ties the view saved with the notebook to the widget a re-run of the cell
   * makes (empty: never restored). */
  _key: string;
  /** When the kernel made the widget (seconds since the epoch): the newest saved view wins. */
  _created: number;
  /** Set by the kernel: Python's `view_state`, kept current; saved with the notebook. */
  _view_state: Record<string, unknown>;
  /** Set by the kernel: what `color_by` paints (empty: the usual colours). */
  _coloring: Coloring | Record<string, never>;
  /** Set by the kernel: the lineage diff `compare()` shows (empty: none). */
  _diff: DiffMarks | Record<string, never>;
  /** Set by the kernel: the view as the widget opened, for the page to draw without asking
   * (empty once the view changed, or when it is too big to send twice). */
  _first: SnapshotMsg | Record<string, never>;
}

/** The traits as anywidget hands them to the page: those above, and any other the kernel may
 * add (the page ignores them). */
export type SyncedTraits = ModelTraits & Record<string, unknown>;

/** The anywidget model as the front end reads and writes it. */
export type Model = AnyModel<SyncedTraits>;

/** `color_by`'s legend: a continuous scale (its ends and stops) or categories with colours. */
export type ColorLegend =
  | {
      key: string;
      kind: "continuous";
      scale: "linear" | "log";
      min: number;
      max: number;
      stops: string[];
    }
  | { key: string; kind: "categorical"; categories: [label: string, color: string][] };

/** A cluster's span of its members' values, with the colours at its ends or of its labels. */
export type ClusterRange =
  | { min: number; max: number; colors: string[] }
  | { categories: string[]; colors: string[] };

/** Drawn node id -> colour and value; clusters -> their members' range. */
export interface Coloring {
  legend: ColorLegend | Record<string, never>;
  nodes: Record<string, string>;
  values: Record<string, number | string>;
  clusters: Record<string, ClusterRange>;
}

export type DiffSide = "a" | "b" | "both";

/** The sides of the nodes drawn (a cluster's: "mixed" if its members differ). */
export interface DiffMarks {
  a: string;
  b: string;
  labels: { a: string; b: string };
  nodes: Record<string, DiffSide>;
  clusters: Record<string, DiffSide | "mixed">;
  changed: Record<string, string>;
}

export interface Viewport {
  cx: number;
  cy: number;
  k: number;
}
