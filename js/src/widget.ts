/**
 * The anywidget entry. One GraphStore per model (created in `initialize`, fed by `msg:custom`)
 * is shared by every view of that model, so all views draw the same graph. Python's `save()`
 * (ExportMsg) is answered by one view of the model on this page. Each model joins the page's
 * list of saved views (saved-views.ts): a widget made by re-running a cell after the notebook
 * was reopened gets the view saved with it back.
 */
import "./widget.css";
import type { Initialize, Render } from "@anywidget/types";
import { exportReply } from "./export";
import type { ExportMsg, KernelMsg, Model, SyncedTraits } from "./protocol";
import { joinSavedViews } from "./saved-views";
import { GraphStore } from "./store";
import { GraphView } from "./view";

const KERNEL_MESSAGES = new Set([
  "error",

  "snapshot",
  "delta",
  "status",
  "details",
  "members",
  "open_cluster",
  "focus",
  "export",
  "ready",
]);

function isKernelMsg(msg: unknown): msg is KernelMsg {
  return typeof msg === "object" && msg !== null && KERNEL_MESSAGES.has((msg as KernelMsg).type);
}

const stores = new WeakMap<Model, GraphStore>();
/** The views of each model on this page, in the order they were rendered. */
const views = new WeakMap<Model, Set<GraphView>>();

/**
 * Draws the picture `save()` asked for with this page's first view on screen and sends it back.
 * A page with no such view, or no graph yet, stays silent: another page may show the model (the
 * kernel keeps the first answer, and times out if none comes).
 */
async function answerExport(model: Model, store: GraphStore, msg: ExportMsg): Promise<void> {
  const view = [...(views.get(model) ?? [])].find((each) => each.root.isConnected);
  if (!view || !store.loaded) return;
  const { reply, buffers } = await exportReply(msg, () => view.picture());
  if (store.connected) model.send(reply, undefined, buffers);
}

/**
 * Events of the ipywidgets model (anywidget passes `on` through to it) that mean the comm is
 * gone. "comm_live_update": the manager set `comm_live` to false (kernel restarting); it is only
 * ever set true when the model is created, before any listener. "comm:close": the kernel closed
 * the comm (`w.close()`, or the kernel shut down cleanly).
 */
const DISCONNECT_EVENTS = ["comm_live_update", "comm:close"];

/** How long a view waits for the kernel's first answer before it says none came (ms). */
export const NO_ANSWER_MS = 3000;

/**
 * Creates the model's store, wires it to kernel messages, draws the snapshot the model opened
 * with (if any) and says hello (the kernel answers with a snapshot, or "ready"). `joinSaved`:
 * the model also joins the page's saved views (a saved view with its key goes to the kernel,
 * which decides).
 */
function attach(model: Model, joinSaved: boolean): () => void {
  const store = new GraphStore((msg) => model.send(msg));
  stores.set(model, store);
  const savedViews = joinSaved
    ? joinSavedViews(
        model.get("_key"),
        model.get("_created"),
        () => model.get("_view_state"),
        (state) => store.restore(state),
      )
    : null;
  const onMessage = (msg: unknown) => {
    if (!isKernelMsg(msg)) return;
    clearTimeout(silence);
    savedViews?.live(); // a kernel answers: this model is no saved view
    if (msg.type === "export") void answerExport(model, store, msg);
    else store.handle(msg);
  };
  const onDisconnect = () => store.disconnect();
  model.on("msg:custom", onMessage);
  for (const event of DISCONNECT_EVENTS) model.on(event, onDisconnect);
  // The view as the widget opened comes with the model's state: drawn without waiting for the
  // kernel, which still answers the hello (that it is live; a newer view if it changed since).
  const first = model.get("_first");
  const drawn = isKernelMsg(first) && first.type === "snapshot";
  if (drawn) store.openWith(first);
  model.send(drawn ? { type: "hello", drawn } : { type: "hello" });
  const silence = setTimeout(() => store.noAnswer(), NO_ANSWER_MS);
  return () => {
    clearTimeout(silence);
    savedViews?.leave();
    model.off("msg:custom", onMessage);
    for (const event of DISCONNECT_EVENTS) model.off(event, onDisconnect);
    if (stores.get(model) === store) stores.delete(model);
  };
}

// Saved views are joined here only: anywidget calls `initialize` once per model, but hands
// `render` a model object of its own, so the store lookup below misses and a view may start a
// store of its own.
const initialize: Initialize<SyncedTraits> = ({ model }) => attach(model, true);

const render: Render<SyncedTraits> = ({ model, el, signal }) => {
  // Hosts without `initialize` (anywidget < 0.9), and JupyterLab's views (a model object of
  // their own), start a store with the view; it goes with the model object's last view.
  const detach = stores.has(model) ? undefined : attach(model, false);
  const store = stores.get(model) as GraphStore;
  const view = new GraphView(model, store);
  el.append(view.root);
  const modelViews = views.get(model) ?? new Set<GraphView>();
  views.set(model, modelViews.add(view));
  const cleanup = () => {
    modelViews.delete(view);
    view.destroy();
    if (modelViews.size === 0) detach?.();
  };
  signal?.addEventListener("abort", cleanup, { once: true });
  return cleanup;
};

export default { initialize, render };
