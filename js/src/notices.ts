/**
 * What the view tells the user in words: the connection banner (disconnected, or no kernel
 * answers), the last error the kernel reported (dismissable), and the message over the graph
 * ("Loading lineage…", the empty state, a layout that failed), with the toolbar's summary of
 * what is drawn. All of it as text.
 */
import { html, listen } from "./dom";
import type { GraphStore } from "./store";

const DISCONNECTED_TEXT = "Disconnected from the kernel: re-run the cell to explore again";
/** No kernel answered (an output shown again after its notebook was reopened, usually). */
const UNANSWERED_TEXT =
  "Not connected to a kernel (an output saved with the notebook): re-run the cell to explore again";

export class Notices {
  readonly banner = html("div", "lw-disconnected", DISCONNECTED_TEXT);
  /** The last error the kernel reported for a request (text only; dismissable). */
  readonly errorBar = html("div", "lw-error");
  /** Over the graph: loading, empty, or a layout error. */
  readonly message = html("div", "lw-message");
  private readonly errorText = html("span", "lw-error-text");
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly store: GraphStore,
    private readonly root: HTMLElement,
    private readonly setSummary: (text: string) => void,
  ) {
    root.dataset.connection = "connected";
    this.banner.hidden = true;
    this.banner.setAttribute("role", "alert");
    this.errorText.dir = "auto";
    const dismiss = html("button", "lw-error-close", "\u00d7");
    dismiss.type = "button";
    dismiss.setAttribute("aria-label", "Dismiss the error");
    this.errorBar.append(this.errorText, dismiss);
    this.errorBar.hidden = true;
    this.errorBar.setAttribute("role", "alert");
    this.cleanups.push(
      listen(dismiss, "click", () => {
        this.errorBar.hidden = true;
      }),
    );
  }

  /** Shows an error under the toolbar, as text, until dismissed or replaced. */
  showError(message: string): void {
    this.errorText.textContent = message;
    this.errorBar.hidden = false;
  }

  /** No kernel answers yet (or, again, one does): the banner says so instead of "loading". */
  showUnanswered(): void {
    const unanswered = this.store.unanswered;
    this.root.dataset.connection = unanswered ? "unanswered" : "connected";
    this.banner.textContent = UNANSWERED_TEXT;
    this.banner.hidden = !unanswered;
    this.showMessage();
  }

  /** The kernel is gone: the banner says so (the view stops offering to ask it anything). */
  showDisconnected(): void {
    this.root.dataset.connection = "disconnected";
    this.banner.textContent = DISCONNECTED_TEXT;
    this.banner.hidden = false;
  }

  showLayoutError(text: string): void {
    this.message.hidden = false;
    this.message.textContent = text;
  }

  /** The message over the graph and the toolbar's summary, from what the store holds. */
  showMessage(): void {
    let runs = 0;
    let count = 0;
    for (const item of [...this.store.nodes.values(), ...this.store.clusters.values()]) {
      const size = "count" in item ? item.count : 1;
      count += size;
      if (item.kind === "run") runs += size;
    }
    let text = "";
    if (!this.store.loaded) text = this.store.unanswered ? "" : "Loading lineage…";
    else if (count === 0) text = "Nothing to show: this lineage graph is empty.";
    this.message.textContent = text;
    this.message.hidden = text === "";
    this.setSummary(
      this.store.loaded
        ? `${runs} run${runs === 1 ? "" : "s"} · ${count - runs} artifact${count - runs === 1 ? "" : "s"}`
        : "",
    );
  }

  destroy(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }
}
