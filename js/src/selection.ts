/**
 * The selection (the model's `selected`: the user's clicks, or Python's) and Python's highlight
 * (`highlighted`, and the clusters holding a highlighted node): read from and written to the
 * model, and shown on the cards, the clusters holding a selected node, the edges and the root
 * (`data-highlighting`: the rest dims). Where else it shows (member list, details pane, the
 * toolbar's chip) the view wires through `SelectionShown`.
 */
import type { Canvas } from "./canvas";
import type { Model } from "./protocol";
import type { GraphStore } from "./store";

/** Shift, Ctrl or Cmd held: a click or Space adds a node to the selection or takes it out. */
export function togglesSelection(event: MouseEvent | KeyboardEvent): boolean {
  return event.shiftKey || event.ctrlKey || event.metaKey;
}

export interface SelectionShown {
  /** The user picked a node (called before the model hears of it). */
  picked(): void;
  /** The selection changed (or is shown again). */
  shown(selected: ReadonlySet<string>): void;
  /** How many nodes Python highlights (0: none). */
  highlightCount(count: number): void;
}

export class Selection {
  /** Python's highlight: node ids, and the clusters holding one of them. */
  private highlighted = new Set<string>();
  private highlightedClusters = new Set<string>();
  private readonly onSelected = () => this.sync();
  private readonly onHighlighted = () => this.syncHighlight();

  constructor(
    private readonly model: Model,
    private readonly store: GraphStore,
    private readonly root: HTMLElement,
    private readonly canvas: Canvas,
    private readonly shows: SelectionShown,
  ) {
    model.on("change:selected", this.onSelected);
    model.on("change:highlighted", this.onHighlighted);
    model.on("change:_highlighted_clusters", this.onHighlighted);
  }

  destroy(): void {
    this.model.off("change:selected", this.onSelected);
    this.model.off("change:highlighted", this.onHighlighted);
    this.model.off("change:_highlighted_clusters", this.onHighlighted);
  }

  selected(): string[] {
    return this.model.get("selected") ?? [];
  }

  isHighlighted(id: string): boolean {
    return this.highlighted.has(id);
  }

  holdsHighlighted(clusterId: string): boolean {
    return this.highlightedClusters.has(clusterId);
  }

  clustersHolding(selected: ReadonlySet<string>): Set<string> {
    const holding = new Set<string>();
    for (const id of selected) {
      const cluster = this.store.clusterOf(id);
      if (cluster !== undefined) holding.add(cluster);
    }
    return holding;
  }

  /** Selects node `id` alone, or (`toggle`) adds it to the selection or takes it out. */
  select(id: string, toggle: boolean): void {
    const current = this.selected();
    let next: string[];
    if (toggle) next = current.includes(id) ? current.filter((x) => x !== id) : [...current, id];
    else next = [id];
    this.shows.picked();
    this.model.set("selected", next);
    this.model.save_changes();
    this.sync();
  }

  clear(): void {
    if (this.selected().length === 0) return;
    this.model.set("selected", []);
    this.model.save_changes();
    this.sync();
  }

  clearHighlight(): void {
    this.model.set("highlighted", []);
    this.model.save_changes();
    this.syncHighlight();
  }

  /** Shows the model's selection. */
  sync(): void {
    const selected = new Set(this.selected());
    for (const [id, element] of this.canvas.elements) element.setSelected(selected.has(id));
    const holding = this.clustersHolding(selected);
    for (const [id, element] of this.canvas.clusterElements) {
      element.setHoldsSelected(holding.has(id));
    }
    this.canvas.edges.highlight(selected);
    this.shows.shown(selected);
  }

  /** Marks the highlighted nodes and the clusters holding one; the rest dims (CSS). */
  syncHighlight(): void {
    this.highlighted = new Set(this.model.get("highlighted") ?? []);
    this.highlightedClusters = new Set(
      this.highlighted.size > 0 ? (this.model.get("_highlighted_clusters") ?? []) : [],
    );
    const active = this.highlighted.size > 0;
    if (active) this.root.dataset.highlighting = "true";
    else delete this.root.dataset.highlighting;
    this.shows.highlightCount(this.highlighted.size);
    for (const [id, element] of this.canvas.elements) {
      element.setHighlighted(this.highlighted.has(id));
    }
    for (const [id, element] of this.canvas.clusterElements) {
      element.setHoldsHighlighted(this.highlightedClusters.has(id));
    }
    this.markHighlightedEdges();
  }

  /** Marks the edges of the selected and the highlighted nodes (after the edges are drawn). */
  markEdges(): void {
    this.canvas.edges.highlight(new Set(this.selected()));
    this.markHighlightedEdges();
  }

  private markHighlightedEdges(): void {
    this.canvas.edges.markHighlighted(new Set([...this.highlighted, ...this.highlightedClusters]));
  }
}
