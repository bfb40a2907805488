/**
 * The model's `viewport` trait (where the user left the view: the graph point at the centre and
 * the scale) kept in step with this view's pan and zoom. The user's moves are saved once they
 * pause; a change from elsewhere (another view, Python's `view_state`) moves this view; a view's
 * first drawing, and the first after a restored snapshot, starts where the trait says.
 */
import type { PanZoom } from "./panzoom";
import type { Model, Viewport } from "./protocol";

/** How long pan and zoom must pause before the model's `viewport` is updated (ms). */
const VIEWPORT_SAVE_DELAY = 300;

export class ViewportSync {
  /** The model's `viewport` was looked at for this view's first drawing. */
  private checked = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** This view is setting `viewport` itself: its change event needs no move. */
  private saving = false;
  private destroyed = false;
  private readonly onChange = () => {
    if (this.hasLayout() && !this.saving) this.restore();
  };

  constructor(
    private readonly model: Model,
    private readonly panzoom: PanZoom,
    private readonly hasLayout: () => boolean,
  ) {
    model.on("change:viewport", this.onChange);
  }

  destroy(): void {
    this.destroyed = true;
    this.model.off("change:viewport", this.onChange);
    clearTimeout(this.timer);
  }

  /** For this view's first drawing (once): moves to the saved viewport; false if none. */
  restoreFirst(): boolean {
    const restored = !this.checked && this.restore();
    this.checked = true;
    return restored;
  }

  /** A restored view is drawn where it was saved, like a first one. */
  lookAgain(): void {
    this.checked = false;
  }

  /** Where the user left a view of this model (the `viewport` trait), or null if nowhere yet. */
  saved(): Viewport | null {
    const { cx, cy, k } = (this.model.get("viewport") ?? {}) as Partial<Viewport>;
    const valid = [cx, cy, k].every((v) => typeof v === "number" && Number.isFinite(v));
    return valid && (k as number) > 0 ? ({ cx, cy, k } as Viewport) : null;
  }

  /** Moves to the model's `viewport` (where the user left a view); false if it holds none. */
  private restore(): boolean {
    const saved = this.saved();
    if (saved === null) return false;
    this.panzoom.set({ ...this.panzoom.transform, k: saved.k });
    this.panzoom.centerOn(saved.cx, saved.cy);
    return true;
  }

  /** The user panned or zoomed: once they pause, the model's `viewport` remembers where. */
  saveSoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.destroyed) return;
      const { cx, cy, k } = this.panzoom.centre;
      const round = (v: number) => Math.round(v * 1000) / 1000;
      this.saving = true;
      this.model.set("viewport", { cx: round(cx), cy: round(cy), k: round(k) });
      this.saving = false;
      this.model.save_changes();
    }, VIEWPORT_SAVE_DELAY);
  }
}
