/**
 * One view of a model: toolbar, pannable viewport with edges and nodes, details panel. Draws
 * what the shared store holds and turns clicks into trait changes and kernel requests.
 */
import type { AnyModel } from "@anywidget/types";
import { DetailsPanel } from "./details";
import { html, listen } from "./dom";
import { EdgeLayer } from "./edges";
import { fitIcon, kindIcon, minusIcon, plusIcon } from "./icons";
import { computeLayout, type Layout } from "./layout";
import { NodeElement } from "./node-element";
import { PanZoom } from "./panzoom";
import type { Direction, ModelTraits } from "./protocol";
import type { GraphStore, StoreEvent } from "./store";

export type Model = AnyModel<ModelTraits & Record<string, unknown>>;

const ZOOM_STEP = 1.25;

function toolButton(action: string, label: string, icon: SVGSVGElement): HTMLButtonElement {
  const button = html("button", "lw-icon-button");
  button.type = "button";
  button.dataset.action = action;
  button.title = label;
  button.setAttribute("aria-label", label);
  button.append(icon);
  return button;
}

function legendItem(kind: "run" | "artifact", text: string): HTMLElement {
  const item = html("span", "lw-legend-item");
  item.dataset.kind = kind;
  item.append(kindIcon(kind), html("span", undefined, text));
  return item;
}

export class GraphView {
  readonly root = html("div", "lineage-widget");
  private readonly viewport = html("div", "lw-viewport");
  private readonly content = html("div", "lw-content");
  private readonly nodeLayer = html("div", "lw-nodes");
  private readonly message = html("div", "lw-message");
  private readonly summary = html("span", "lw-summary");
  private readonly edges = new EdgeLayer();
  private readonly panzoom: PanZoom;
  private readonly details: DetailsPanel;
  private readonly elements = new Map<string, NodeElement>();
  private readonly cleanups: (() => void)[] = [];
  private layout: Layout | null = null;
  private layoutRun = 0;
  private fitOnNextDraw = true;
  private pendingFocus: string | null = null;
  /** The node whose panel the user closed: stays closed until the selection changes. */
  private dismissedId: string | null = null;
  private destroyed = false;

  constructor(
    private readonly model: Model,
    private readonly store: GraphStore,
  ) {
    const root = this.root;
    root.tabIndex = 0;

    const toolbar = html("div", "lw-toolbar");
    const fit = toolButton("fit", "Zoom to fit", fitIcon());
    const zoomIn = toolButton("zoom-in", "Zoom in", plusIcon());
    const zoomOut = toolButton("zoom-out", "Zoom out", minusIcon());
    const legend = html("div", "lw-legend");
    legend.append(legendItem("run", "run"), legendItem("artifact", "artifact"));
    toolbar.append(fit, zoomIn, zoomOut, html("span", "lw-toolbar-gap"), this.summary, legend);

    this.content.append(this.edges.element, this.nodeLayer);
    this.viewport.append(this.content, this.message);
    this.details = new DetailsPanel(
      store,
      (id, direction) => this.expand(id, direction),
      () => this.closeDetails(),
    );
    root.append(toolbar, this.viewport, this.details.element);

    this.panzoom = new PanZoom(
      this.viewport,
      this.content,
      (target) => !(target instanceof Element && target.closest(".lw-node")),
      () => this.clearSelection(),
    );

    const onSelected = () => this.syncSelection();
    model.on("change:selected", onSelected);
    this.cleanups.push(
      () => model.off("change:selected", onSelected),
      store.subscribe((event) => this.onStoreEvent(event)),
      () => this.panzoom.destroy(),
      () => this.details.destroy(),
      listen(fit, "click", () => this.fit()),
      listen(zoomIn, "click", () => this.panzoom.zoomBy(ZOOM_STEP)),
      listen(zoomOut, "click", () => this.panzoom.zoomBy(1 / ZOOM_STEP)),
      listen(this.nodeLayer, "click", (event) => this.onNodeClick(event)),
      listen(this.nodeLayer, "keydown", (event) => this.onNodeKey(event)),
      listen(root, "keydown", (event) => {
        if (event.key === "Escape" && this.details.visible) {
          event.preventDefault();
          event.stopPropagation();
          this.closeDetails();
        }
      }),
    );

    this.showMessage();
    if (store.loaded) this.relayout(true);
    this.syncSelection();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.root.remove();
  }

  // ---- store and trait events ------------------------------------------------------------

  private onStoreEvent(event: StoreEvent): void {
    switch (event.kind) {
      case "graph":
        this.relayout(event.reason === "snapshot");
        break;
      case "status":
        this.updateNode(event.id);
        if (this.details.visible) this.details.refresh();
        break;
      case "focus":
        this.pendingFocus = event.id;
        this.applyFocus();
        break;
    }
  }

  private selection(): string[] {
    return this.model.get("selected") ?? [];
  }

  private syncSelection(): void {
    const selected = new Set(this.selection());
    for (const [id, element] of this.elements) element.setSelected(selected.has(id));
    this.edges.highlight(selected);
    const [only] = selected;
    if (selected.size !== 1 || only !== this.dismissedId) this.dismissedId = null;
    if (selected.size === 1 && this.dismissedId === null) this.details.show(only);
    else this.details.hide();
  }

  // ---- user actions ----------------------------------------------------------------------

  private onNodeClick(event: MouseEvent): void {
    const target = event.target instanceof Element ? event.target : null;
    const nodeElement = target?.closest<HTMLElement>(".lw-node");
    const id = nodeElement?.dataset.nodeId;
    if (!target || id === undefined) return;
    event.stopPropagation();
    if (target.closest(".lw-port")) {
      // A click on the side controls (or on the spinner that replaced one) never selects.
      const control = target.closest<HTMLElement>("[data-expand]");
      if (control && !control.hidden) this.expand(id, control.dataset.expand as Direction);
      return;
    }
    this.select(id, event.shiftKey || event.ctrlKey || event.metaKey);
  }

  private onNodeKey(event: KeyboardEvent): void {
    if (event.key !== "Enter" && event.key !== " ") return;
    const target = event.target instanceof HTMLElement ? event.target : null;
    if (!target?.classList.contains("lw-node") || target.dataset.nodeId === undefined) return;
    event.preventDefault();
    this.select(target.dataset.nodeId, event.shiftKey || event.ctrlKey || event.metaKey);
  }

  private select(id: string, toggle: boolean): void {
    const current = this.selection();
    let next: string[];
    if (toggle) next = current.includes(id) ? current.filter((x) => x !== id) : [...current, id];
    else next = [id];
    this.dismissedId = null;
    this.model.set("selected", next);
    this.model.save_changes();
    this.syncSelection();
    if (next.length === 1) this.revealBesideDetails(id);
  }

  /** Pans just enough that the clicked node is not hidden under the details panel. */
  private revealBesideDetails(id: string): void {
    const node = this.elements.get(id)?.element;
    if (!node || !this.details.visible) return;
    const panel = this.details.element.getBoundingClientRect();
    const box = node.getBoundingClientRect();
    // Horizontal only: the panel grows downwards once the details arrive.
    const overlap = box.right + 16 - panel.left;
    if (overlap > 0) {
      const { x, y, k } = this.panzoom.transform;
      this.panzoom.set({ x: x - overlap, y, k });
    }
  }

  private clearSelection(): void {
    if (this.selection().length === 0) return;
    this.model.set("selected", []);
    this.model.save_changes();
    this.syncSelection();
  }

  private closeDetails(): void {
    const [only, ...rest] = this.selection();
    this.dismissedId = rest.length === 0 && only !== undefined ? only : null;
    this.details.hide();
    this.root.focus({ preventScroll: true });
  }

  private expand(id: string, direction: Direction): void {
    this.store.expand(id, direction);
  }

  private fit(): void {
    if (this.layout) this.panzoom.fit(this.layout.width, this.layout.height);
  }

  // ---- drawing ---------------------------------------------------------------------------

  private relayout(fit: boolean): void {
    if (fit) this.fitOnNextDraw = true;
    const run = ++this.layoutRun;
    const nodes = [...this.store.nodes.values()];
    const edges = [...this.store.edges.values()];
    computeLayout(nodes, edges).then(
      (layout) => {
        // A newer layout (a later delta) supersedes this one.
        if (run === this.layoutRun && !this.destroyed) this.draw(layout);
      },
      (error: unknown) => {
        if (run !== this.layoutRun || this.destroyed) return;
        this.message.hidden = false;
        this.message.textContent = `Could not lay out the graph: ${String(error)}`;
      },
    );
  }

  private draw(layout: Layout): void {
    const previous = this.layout;
    this.layout = layout;
    if (!this.fitOnNextDraw && previous) this.keepAnchorInPlace(previous, layout);

    for (const [id, element] of this.elements) {
      if (!this.store.nodes.has(id)) {
        element.element.remove();
        this.elements.delete(id);
      }
    }
    for (const id of this.store.nodes.keys()) {
      const box = layout.boxes.get(id);
      if (!box) continue;
      let element = this.elements.get(id);
      if (!element) {
        element = new NodeElement(id);
        this.elements.set(id, element);
        this.nodeLayer.append(element.element);
      }
      element.place(box);
      this.updateNode(id);
    }
    this.edges.draw(this.store.edges.values(), layout);
    this.edges.highlight(new Set(this.selection()));
    this.content.style.width = `${layout.width}px`;
    this.content.style.height = `${layout.height}px`;
    this.showMessage();

    // An empty first snapshot does not use up the fit: the first nodes to arrive get it.
    if (this.fitOnNextDraw && layout.boxes.size > 0) {
      this.fitOnNextDraw = false;
      this.fit();
    }
    if (this.elements.size > 0) this.root.dataset.ready = "true";
    this.applyFocus();
    if (this.details.visible) this.details.refresh();
  }

  /** After a delta, the expanded node (else any node still shown) keeps its screen position. */
  private keepAnchorInPlace(previous: Layout, next: Layout): void {
    const candidates = [this.store.lastExpanded, ...previous.boxes.keys()];
    for (const id of candidates) {
      if (id === null) continue;
      const before = previous.boxes.get(id);
      const after = next.boxes.get(id);
      if (before && after) {
        this.panzoom.shiftBy(after.x - before.x, after.y - before.y);
        return;
      }
    }
  }

  private updateNode(id: string): void {
    const element = this.elements.get(id);
    const node = this.store.nodes.get(id);
    if (!element || !node) return;
    element.update({
      node,
      upstream: this.store.fetchState(id, "upstream"),
      downstream: this.store.fetchState(id, "downstream"),
      selected: this.selection().includes(id),
    });
  }

  private applyFocus(): void {
    const id = this.pendingFocus;
    const box = id === null ? undefined : this.layout?.boxes.get(id);
    if (!box) return;
    this.pendingFocus = null;
    this.panzoom.centerOn(box.x + box.width / 2, box.y + box.height / 2);
  }

  private showMessage(): void {
    const count = this.store.nodes.size;
    let text = "";
    if (!this.store.loaded) text = "Loading lineage…";
    else if (count === 0) text = "Nothing to show: this lineage graph is empty.";
    this.message.textContent = text;
    this.message.hidden = text === "";
    const runs = [...this.store.nodes.values()].filter((node) => node.kind === "run").length;
    this.summary.textContent = this.store.loaded
      ? `${runs} run${runs === 1 ? "" : "s"} · ${count - runs} artifact${count - runs === 1 ? "" : "s"}`
      : "";
  }
}
