/**
 * The views saved with the notebook, for the whole page, by key.
 *
 * With "Save Widget State Automatically" on, JupyterLab saves the synced state of every widget
 * model in the notebook, and brings it back when the notebook is reopened as models without a
 * kernel; anywidget starts those (`initialize`) like live ones. Every model with a `_key` (the
 * kernel derives it from the cell, see lineage_widget/persistence.py) joins this list. A model that
 * hears from its kernel is live: it offers no saved view, and is offered the newest saved view
 * with its key, then or as soon as one joins (the saved models may start after it), once. It
 * passes the view to its kernel, which takes it only over a view nobody has changed yet. A
 * model with a newer one of its key (the cell re-run) no longer waits for one.
 *
 * The list lives on `globalThis`: anywidget imports this module once per model, so module state
 * is not shared between models.
 */

/** The saved view a model offers: its `_view_state` trait, a plain object. */
export type SavedState = Record<string, unknown>;

interface Member {
  key: string;
  /** When the kernel made the widget: of several saved views with one key, the newest wins. */
  created: number;
  state: () => unknown;
  /** Heard from its kernel: a live model, not a saved view. */
  live: boolean;
  /** Called with a saved view once the model is live, once; null once called, or once a
   * newer model with its key joined. */
  take: ((state: SavedState) => void) | null;
}

/** What a model does with the list. */
export interface SavedViewMembership {
  /** The model heard from its kernel: it is live, so it offers no saved view. */
  live(): void;
  /** The model is gone: it leaves the list. */
  leave(): void;
}

const LIST = Symbol.for("lineage_widget.saved_views.v1");

function members(): Set<Member> {
  const holder = globalThis as { [LIST]?: Set<Member> };
  holder[LIST] ??= new Set<Member>();
  return holder[LIST];
}

function isSavedState(value: unknown): value is SavedState {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The newest saved view with `member`'s key, other than its own. */
function newestSaved(member: Member): SavedState | undefined {
  let best: { created: number; state: SavedState } | undefined;
  for (const other of members()) {
    if (other === member || other.live || other.key !== member.key) continue;
    const state = other.state();
    if (isSavedState(state) && (!best || other.created > best.created)) {
      best = { created: other.created, state };
    }
  }
  return best?.state;
}

function offer(member: Member): void {
  const take = member.take;
  if (!take || !member.live) return;
  const state = newestSaved(member);
  if (state === undefined) return;
  member.take = null;
  take(state);
}

/**
 * A model joins the page's list with its `_key` and `_created` traits and a getter of its
 * `_view_state`; `take` gets the newest saved view with that key, once. A model without a key
 * takes part in nothing.
 */
export function joinSavedViews(
  key: unknown,
  created: unknown,
  state: () => unknown,
  take: (state: SavedState) => void,
): SavedViewMembership {
  if (typeof key !== "string" || key === "") return { live() {}, leave() {} };
  const member: Member = {
    key,
    created: typeof created === "number" && Number.isFinite(created) ? created : 0,
    state,
    live: false,
    take,
  };
  const list = members();
  list.add(member);
  for (const other of list) {
    if (other === member || other.key !== key) continue;
    // An older one: the cell was re-run, it waits no more. A newer one may be a live model
    // made before this saved view started, waiting for it.
    if (other.created < member.created) other.take = null;
    else offer(other);
  }
  return {
    live() {
      if (member.live) return;
      member.live = true;
      offer(member);
    },
    leave() {
      member.take = null;
      list.delete(member);
    },
  };
}
