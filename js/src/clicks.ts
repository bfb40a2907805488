/**
 * What a click in the graph does: on a cluster, opens or closes its member list; on a node's
 * side control, expands that way; on a pulled-out node's put-back control, puts it back; on a
 * node, selects it (with Shift, Ctrl or Cmd: adds it to the selection or takes it out).
 */
import { listen } from "./dom";
import type { Direction } from "./protocol";
import { togglesSelection } from "./selection";

export interface ClickActions {
  toggleCluster(id: string): void;
  expand(id: string, direction: Direction): void;
  putBack(id: string): void;
  select(id: string, toggle: boolean): void;
}

/** Routes clicks on the cards in `nodeLayer`; returns what removes the listeners. */
export function routeClicks(
  root: HTMLElement,
  nodeLayer: HTMLElement,
  actions: ClickActions,
): (() => void)[] {
  const onClick = (event: MouseEvent): void => {
    const target = event.target instanceof Element ? event.target : null;
    const clusterId = target?.closest<HTMLElement>(".lw-cluster")?.dataset.clusterId;
    if (clusterId !== undefined) {
      event.stopPropagation();
      actions.toggleCluster(clusterId);
      return;
    }
    const nodeElement = target?.closest<HTMLElement>(".lw-node");
    const id = nodeElement?.dataset.nodeId;
    if (!target || id === undefined) return;
    event.stopPropagation();
    if (target.closest("[data-action='put-back']")) {
      actions.putBack(id);
      return;
    }
    if (target.closest(".lw-port")) {
      // A click on the side controls (or on the spinner that replaced one) never selects.
      const control = target.closest<HTMLElement>("[data-expand]");
      if (control && !control.hidden) actions.expand(id, control.dataset.expand as Direction);
      return;
    }
    actions.select(id, togglesSelection(event));
  };
  return [
    listen(nodeLayer, "click", onClick),
    // Shift (or Ctrl/Cmd) + click adds to the graph's selection, and only to it: JupyterLab and
    // Notebook 7 extend their cell selection on a shift + mousedown that reaches the notebook
    // (and the browser extends its text selection), which would re-run those cells next.
    listen(root, "mousedown", (event) => {
      if (!togglesSelection(event)) return;
      event.stopPropagation();
      const target = event.target instanceof Element ? event.target : null;
      if (target?.closest(".lw-node, .lw-cluster, .lw-member")) event.preventDefault();
    }),
  ];
}
