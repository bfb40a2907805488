/**
 * Pan (drag the background) and zoom (wheel, around the cursor) of one content layer inside a
 * viewport, applied as a CSS transform.
 */
import { listen } from "./dom";

export interface Transform {
  x: number;
  y: number;
  k: number;
}

const MIN_SCALE = 0.1;
const MAX_SCALE = 2.5;
/** The most a fit may enlarge: a tiny graph stays at a readable size, not a giant one. */
const MAX_FIT_SCALE = 1.1;
const FIT_PADDING = 24;
/**
 * Below this scale a card's text is a few pixels high: cards are drawn as plain coloured boxes
 * (`data-detail="far"` on the content layer, see widget.css), which is what keeps panning a
 * zoomed-out view of thousands of nodes smooth.
 */
export const FAR_SCALE = 0.3;
/** How long a glide (glideTo) takes, in ms. */
const GLIDE_MS = 350;
/** Pointer travel (px) under which a press on the background counts as a click, not a drag. */
const CLICK_SLOP = 4;
/** How long after the last drag move the content layer is drawn with the page again (ms). */
const SETTLE_MS = 250;

const clampScale = (k: number): number => Math.min(MAX_SCALE, Math.max(MIN_SCALE, k));

export class PanZoom {
  private current: Transform = { x: 0, y: 0, k: 1 };
  /** A move asked for while the viewport had no size yet (not attached): done once it has one. */
  private pendingMove: (() => void) | null = null;
  private readonly cleanups: (() => void)[] = [];
  /** The animation frame of a glide in progress (0: none). */
  private glide = 0;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly viewport: HTMLElement,
    private readonly content: HTMLElement,
    isBackground: (target: EventTarget | null) => boolean,
    onBackgroundClick: () => void,
    /** The user panned or zoomed (not called for moves made in code). */
    private readonly onUserMove: () => void = () => {},
    /** The transform changed, for any reason. */
    private readonly onTransform: () => void = () => {},
  ) {
    let drag: { id: number; startX: number; startY: number; x: number; y: number } | null = null;
    let moved = false;
    this.cleanups.push(
      listen(viewport, "pointerdown", (event) => {
        if (event.button !== 0 || !isBackground(event.target)) return;
        drag = {
          id: event.pointerId,
          startX: event.clientX,
          startY: event.clientY,
          ...this.current,
        };
        moved = false;
        viewport.setPointerCapture?.(event.pointerId);
        viewport.classList.add("lw-grabbing");
      }),
      listen(viewport, "pointermove", (event) => {
        if (!drag || event.pointerId !== drag.id) return;
        const dx = event.clientX - drag.startX;
        const dy = event.clientY - drag.startY;
        if (Math.hypot(dx, dy) > CLICK_SLOP) moved = true;
        if (moved) {
          this.moving();
          this.set({ x: drag.x + dx, y: drag.y + dy, k: this.current.k });
          this.onUserMove();
        }
      }),
      listen(viewport, "pointerup", (event) => {
        if (!drag || event.pointerId !== drag.id) return;
        drag = null;
        viewport.classList.remove("lw-grabbing");
        if (!moved) onBackgroundClick();
      }),
      listen(viewport, "pointercancel", () => {
        drag = null;
        viewport.classList.remove("lw-grabbing");
      }),
      listen(
        viewport,
        "wheel",
        (event) => {
          event.preventDefault();
          this.settle();
          const pixels = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
          const rect = viewport.getBoundingClientRect();
          this.zoomBy(
            Math.exp(-pixels * 0.0015),
            event.clientX - rect.left,
            event.clientY - rect.top,
          );
          this.onUserMove();
        },
        { passive: false },
      ),
    );
    const observer = new ResizeObserver(() => {
      const move = this.pendingMove;
      if (move && this.hasSize) {
        this.pendingMove = null;
        move();
      }
    });
    observer.observe(viewport);
    this.cleanups.push(() => observer.disconnect());
  }

  /**
   * While the user drags the view, the content layer is a compositor layer of its own: a pan
   * moves what is already drawn instead of drawing every card, edge and the dotted background
   * again each frame (in software, 100-400 ms a frame with 2,000 nodes). Once the drag settles it
   * is drawn with the page again, at its exact scale: a layer drawn at one scale and shown at
   * another (zoomed far out) would break its thin lines.
   */
  private moving(): void {
    if (this.content.style.willChange !== "transform") this.content.style.willChange = "transform";
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => this.settle(), SETTLE_MS);
  }

  /**
   * The content layer is drawn with the page again. A zoom does so at once: a layer of its own is
   * drawn again at each new scale, around the view as well as in it (measured: 40-140 ms of
   * raster a frame while wheeling past the detail threshold), where the page draws the part in
   * view only.
   */
  private settle(): void {
    clearTimeout(this.settleTimer);
    if (this.content.style.willChange !== "") this.content.style.willChange = "";
  }

  get transform(): Transform {
    return { ...this.current };
  }

  set(transform: Transform): void {
    cancelAnimationFrame(this.glide);
    this.glide = 0;
    this.apply(transform);
  }

  /**
   * Moves to `target` smoothly (GLIDE_MS, eased; at once when the user prefers reduced motion).
   * Any other move (a drag, the wheel, a button, code) stops it where it is.
   */
  glideTo(target: Transform): void {
    cancelAnimationFrame(this.glide);
    const reduced = globalThis.matchMedia?.("(prefers-reduced-motion: reduce)").matches;
    if (reduced) {
      this.set(target);
      return;
    }
    const from = this.current;
    const start = performance.now();
    const step = (now: number) => {
      const t = Math.min(1, (now - start) / GLIDE_MS);
      const eased = 1 - (1 - t) ** 3;
      const mix = (a: number, b: number) => a + (b - a) * eased;
      this.apply({ x: mix(from.x, target.x), y: mix(from.y, target.y), k: mix(from.k, target.k) });
      this.glide = t < 1 ? requestAnimationFrame(step) : 0;
      this.viewport.dataset.gliding = String(this.glide !== 0);
    };
    this.viewport.dataset.gliding = "true";
    this.glide = requestAnimationFrame(step);
  }

  private apply(transform: Transform): void {
    if (this.glide === 0 && this.viewport.dataset.gliding !== "false") {
      this.viewport.dataset.gliding = "false";
    }
    this.current = { ...transform, k: clampScale(transform.k) };
    const { x, y, k } = this.current;
    this.content.style.transform = `translate(${x}px, ${y}px) scale(${k})`;
    const detail = k < FAR_SCALE ? "far" : "near";
    if (this.content.dataset.detail !== detail) this.content.dataset.detail = detail;
    this.onTransform();
  }

  /** Zooms by `factor` keeping the viewport point (px, py) still (default: the centre). */
  zoomBy(factor: number, px = this.viewport.clientWidth / 2, py = this.viewport.clientHeight / 2) {
    const { x, y, k } = this.current;
    const next = clampScale(k * factor);
    this.set({ x: px - ((px - x) * next) / k, y: py - ((py - y) * next) / k, k: next });
  }

  private get hasSize(): boolean {
    return this.viewport.clientWidth > 0 && this.viewport.clientHeight > 0;
  }

  /** Runs `move` now if the viewport has a size, else once it gets one (the last asked wins). */
  whenSized(move: () => void): void {
    if (this.hasSize) {
      this.pendingMove = null;
      move();
    } else {
      this.pendingMove = move;
    }
  }

  /** The scale at which a graph of this size fits the viewport (at most MAX_FIT_SCALE). */
  fitScale(width: number, height: number): number {
    return clampScale(
      Math.min(
        (this.viewport.clientWidth - 2 * FIT_PADDING) / width,
        (this.viewport.clientHeight - 2 * FIT_PADDING) / height,
        MAX_FIT_SCALE,
      ),
    );
  }

  /** Scales and centres a graph of this size in the viewport. */
  fit(width: number, height: number): void {
    this.whenSized(() => {
      if (width === 0 || height === 0) return;
      const k = this.fitScale(width, height);
      this.set({
        x: (this.viewport.clientWidth - width * k) / 2,
        y: (this.viewport.clientHeight - height * k) / 2,
        k,
      });
    });
  }

  /**
   * At scale `k`, centres the graph point (gx, gy) as far as the graph (of this size) allows: an
   * edge of the graph that reaches past the viewport's is not pulled inside it, so no side of the
   * view is left empty while the graph goes on off the other side.
   */
  showAround(gx: number, gy: number, k: number, width: number, height: number): void {
    const scale = clampScale(k);
    const place = (view: number, point: number, size: number): number => {
      if (size * scale + 2 * FIT_PADDING <= view) return (view - size * scale) / 2; // fits
      const centred = view / 2 - point * scale;
      return Math.min(FIT_PADDING, Math.max(view - FIT_PADDING - size * scale, centred));
    };
    this.set({
      x: place(this.viewport.clientWidth, gx, width),
      y: place(this.viewport.clientHeight, gy, height),
      k: scale,
    });
  }

  /** The graph point at the middle of the viewport, and the scale. */
  get centre(): { cx: number; cy: number; k: number } {
    const { x, y, k } = this.current;
    return {
      cx: (this.viewport.clientWidth / 2 - x) / k,
      cy: (this.viewport.clientHeight / 2 - y) / k,
      k,
    };
  }

  /** Moves the view so that the graph point (gx, gy) sits in the middle of the viewport. */
  centerOn(gx: number, gy: number): void {
    const { k } = this.current;
    this.set({
      x: this.viewport.clientWidth / 2 - gx * k,
      y: this.viewport.clientHeight / 2 - gy * k,
      k,
    });
  }

  /** Shifts the view by a graph-space offset (keeps a moved node at its screen position). */
  shiftBy(gdx: number, gdy: number): void {
    const { x, y, k } = this.current;
    this.set({ x: x - gdx * k, y: y - gdy * k, k });
  }

  destroy(): void {
    cancelAnimationFrame(this.glide);
    clearTimeout(this.settleTimer);
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }
}
