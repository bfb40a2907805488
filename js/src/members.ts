/**
 * The member panel (`.lw-members`): the searchable list of one cluster's members. A click on a
 * row previews the member (details panel); its arrow pulls it out of the cluster.
 *
 * The list is virtual: rows have a fixed height, only the rows in view (plus a few) exist, placed
 * absolutely in a spacer as tall as the whole list, and are reused as it scrolls. So a cluster of
 * 10,000 members costs a few dozen elements. Test hooks: data-member-id, data-selected,
 * data-action="pull-out", data-members-of (the cluster id) on the panel.
 */
import { countOf } from "./cluster-element";
import { html, listen } from "./dom";
import { closeIcon, kindIcon, pullOutIcon, searchIcon } from "./icons";
import type { Direction } from "./protocol";
import type { ClusterMembers, GraphCluster } from "./store";

/** Row height in px; must match `.lw-member` in widget.css. */
export const ROW_HEIGHT = 40;
/** Rows drawn above and below the visible ones, so a quick scroll shows no gap. */
const OVERSCAN = 4;
/** The list grows with its rows up to this many, then scrolls. */
const MAX_VISIBLE_ROWS = 8;

export interface MemberPanelActions {
  preview(id: string): void;
  pullOut(id: string): void;
  isPullingOut(id: string): boolean;
  /** Fetch the next page of the walk that brings this cluster's members. */
  loadMore(cluster: GraphCluster): void;
  isLoadingMore(cluster: GraphCluster): boolean;
  /** Expand every member of the cluster one hop that way. */
  expandAll(cluster: GraphCluster, direction: Direction): void;
  close(): void;
}

/** One recycled row: shows whichever member it is given. */
class MemberRow {
  readonly element = html("div", "lw-member");
  private readonly label = html("span", "lw-member-label");
  private readonly meta = html("span", "lw-member-meta");
  private readonly pull = html("button", "lw-icon-button lw-member-pull");
  /** The member shown, as (list, index): refilled only when that changes. */
  private list: ClusterMembers | null = null;
  private index = -1;

  constructor() {
    this.element.setAttribute("role", "listitem");
    this.label.dir = "auto";
    this.meta.dir = "auto";
    const main = html("button", "lw-member-main");
    main.type = "button";
    main.append(this.label, this.meta);
    this.pull.type = "button";
    this.pull.dataset.action = "pull-out";
    this.pull.append(pullOutIcon());
    this.element.append(main, this.pull);
  }

  show(list: ClusterMembers, index: number, top: number, selected: boolean, canPull: boolean) {
    const element = this.element;
    if (this.list !== list || this.index !== index) {
      this.list = list;
      this.index = index;
      const id = list.ids[index];
      const label = list.labels[index];
      element.dataset.memberId = id;
      this.label.textContent = label;
      const meta = list.details[index] || id;
      this.meta.textContent = meta;
      element.title = [...new Set([label, meta, id])].join("\n");
      const action = `Pull out ${label}`;
      this.pull.title = action;
      this.pull.setAttribute("aria-label", action);
    }
    element.hidden = false;
    element.style.transform = `translateY(${top}px)`;
    if (selected) element.dataset.selected = "true";
    else delete element.dataset.selected;
    this.pull.disabled = !canPull;
  }

  hide(): void {
    this.element.hidden = true;
    this.list = null;
    this.index = -1;
    delete this.element.dataset.memberId;
    delete this.element.dataset.selected;
  }
}

export class MemberPanel {
  readonly element = html("aside", "lw-members");
  private readonly icon = html("span", "lw-members-icon");
  private readonly type = html("div", "lw-members-type");
  private readonly title = html("div", "lw-members-title");
  private readonly search = html("input", "lw-members-search");
  private readonly status = html("div", "lw-members-status");
  private readonly list = html("div", "lw-members-list");
  private readonly spacer = html("div", "lw-members-spacer");
  private readonly empty = html("div", "lw-members-empty");
  /** "150 more not loaded yet" with a button that fetches the next page. */
  private readonly more = html("div", "lw-members-more");
  private readonly moreText = html("span", "lw-members-more-text");
  private readonly moreButton = html("button", "lw-members-more-button", "Load more");
  /** "Expand all N upstream" / "downstream": one hop from every member. */
  private readonly expandAll = html("div", "lw-members-expand");
  private readonly expandButtons = (["upstream", "downstream"] as const).map((direction) => {
    // Named from the start: the panel is built before it shows a cluster (update() adds the count).
    const button = html("button", "lw-members-expand-button", `Expand all ${direction}`);
    button.type = "button";
    button.dataset.action = `expand-all-${direction}`;
    button.dataset.direction = direction;
    return button;
  });
  private readonly rows: MemberRow[] = [];
  private readonly cleanups: (() => void)[] = [];
  private cluster: GraphCluster | null = null;
  private members: ClusterMembers | null = null;
  /** Member indexes matching the search, in list order. */
  private matches: Uint32Array = new Uint32Array(0);
  private query = "";
  private selected: ReadonlySet<string> = new Set();
  /** A member to scroll to once the list arrives (opened from Python before the reply). */
  private pendingReveal: string | null = null;
  private connected = true;

  constructor(private readonly actions: MemberPanelActions) {
    const element = this.element;
    element.hidden = true;
    element.setAttribute("role", "dialog");
    element.setAttribute("aria-label", "Cluster members");

    const close = html("button", "lw-icon-button lw-members-close");
    close.type = "button";
    close.title = "Close (Esc)";
    close.setAttribute("aria-label", "Close member list");
    close.append(closeIcon());
    const heading = html("div", "lw-members-heading");
    const text = html("div", "lw-members-text");
    this.type.dir = "auto";
    text.append(this.type, this.title);
    heading.append(this.icon, text, close);

    const field = html("label", "lw-members-field");
    this.search.type = "search";
    this.search.placeholder = "Search name, version, alias, id";
    this.search.setAttribute("aria-label", "Search members");
    this.search.spellcheck = false;
    this.search.autocomplete = "off";
    this.search.dir = "auto";
    field.append(searchIcon(), this.search);

    this.status.setAttribute("aria-live", "polite");
    this.list.setAttribute("role", "list");
    this.list.tabIndex = -1;
    this.empty.textContent = "No member matches.";
    this.list.append(this.spacer, this.empty);
    this.moreButton.type = "button";
    this.moreButton.dataset.action = "load-more";
    this.more.append(this.moreText, this.moreButton);
    this.more.hidden = true;
    this.expandAll.append(...this.expandButtons);
    element.append(heading, this.expandAll, field, this.status, this.list, this.more);

    this.cleanups.push(
      listen(close, "click", () => actions.close()),
      listen(this.search, "input", () => this.setQuery(this.search.value)),
      listen(this.list, "scroll", () => this.render()),
      listen(this.list, "click", (event) => this.onListClick(event)),
      ...this.expandButtons.map((button) =>
        listen(button, "click", () => {
          const direction = button.dataset.direction as Direction;
          if (this.cluster && this.connected) actions.expandAll(this.cluster, direction);
        }),
      ),
      listen(this.moreButton, "click", () => {
        if (this.cluster) actions.loadMore(this.cluster);
        this.renderMore();
      }),
    );
  }

  get visible(): boolean {
    return !this.element.hidden;
  }

  /** The cluster shown, or null when closed. */
  get clusterId(): string | null {
    return this.visible ? (this.cluster?.id ?? null) : null;
  }

  /** Opens the list of `cluster` (a new cluster starts with an empty search). */
  show(cluster: GraphCluster, members: ClusterMembers | undefined): void {
    if (this.cluster?.id !== cluster.id) {
      this.members = null;
      this.pendingReveal = null;
      this.query = "";
      this.search.value = "";
      this.list.scrollTop = 0;
    }
    this.element.hidden = false;
    this.element.dataset.membersOf = cluster.id;
    this.update(cluster);
    if (members) this.setMembers(members);
    else if (!this.members) this.refilter();
  }

  /** The cluster changed (count, type): update the heading; the rows wait for a new list. */
  update(cluster: GraphCluster): void {
    this.cluster = cluster;
    this.element.dataset.kind = cluster.kind;
    this.icon.replaceChildren(kindIcon(cluster.kind));
    this.type.textContent = cluster.type;
    this.type.title = cluster.type;
    this.title.textContent = countOf(cluster.count, cluster.kind);
    for (const button of this.expandButtons) {
      button.textContent = `Expand all ${cluster.count.toLocaleString("en-US")} ${button.dataset.direction}`;
      button.disabled = !this.connected;
    }
    this.renderMore();
  }

  /** The footer offering the rest of an unfinished walk, if the cluster has one. */
  renderMore(): void {
    const cluster = this.cluster;
    const more = cluster?.more ?? 0;
    this.more.hidden = !cluster || more === 0 || cluster.moreFrom === null;
    if (!cluster || this.more.hidden) return;
    this.moreText.textContent =
      more > 0 ? `${more.toLocaleString("en-US")} more not loaded yet` : "More not loaded yet";
    const loading = this.actions.isLoadingMore(cluster);
    this.moreButton.disabled = loading || !this.connected;
    this.moreButton.textContent = loading ? "Loading…" : "Load more";
  }

  /** A (new) member list for the shown cluster: keeps the search and the scroll position. */
  setMembers(members: ClusterMembers): void {
    if (members.cluster !== this.cluster?.id || members === this.members) return;
    this.members = members;
    this.refilter();
    if (this.pendingReveal !== null) this.reveal(this.pendingReveal);
  }

  setSelected(selected: ReadonlySet<string>): void {
    this.selected = selected;
    if (this.visible) this.render();
  }

  /** Scrolls `id` into view (clearing a search that hides it); waits for the list if needed. */
  reveal(id: string): void {
    const index = this.members?.indexOf.get(id);
    if (index === undefined) {
      this.pendingReveal = id;
      return;
    }
    this.pendingReveal = null;
    let position = this.matches.indexOf(index);
    if (position < 0) {
      this.search.value = "";
      this.setQuery("");
      position = this.matches.indexOf(index);
    }
    const top = position * ROW_HEIGHT;
    const height = this.list.clientHeight;
    const scroll = this.list.scrollTop;
    if (top < scroll || top + ROW_HEIGHT > scroll + height) {
      this.list.scrollTop = Math.max(0, top - (height - ROW_HEIGHT) / 2);
    }
    this.render();
  }

  /** The kernel is gone: rows can still be read and previewed, not pulled out. */
  setConnected(connected: boolean): void {
    this.connected = connected;
    for (const button of this.expandButtons) button.disabled = !connected;
    if (this.visible) this.render();
    this.renderMore();
  }

  focusSearch(): void {
    this.search.focus({ preventScroll: true });
  }

  hide(): void {
    this.element.hidden = true;
    this.pendingReveal = null;
    delete this.element.dataset.membersOf;
  }

  destroy(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  // ---- internals -------------------------------------------------------------------------

  private setQuery(query: string): void {
    this.query = query.trim().toLowerCase();
    this.list.scrollTop = 0;
    this.refilter();
  }

  /** Recomputes the matches (a substring search over the precomputed haystacks) and redraws. */
  private refilter(): void {
    const members = this.members;
    const query = this.query;
    if (!members) {
      this.matches = new Uint32Array(0);
    } else if (query === "") {
      this.matches = Uint32Array.from({ length: members.ids.length }, (_, i) => i);
    } else {
      const haystacks = members.haystacks;
      const found = new Uint32Array(haystacks.length);
      let count = 0;
      for (let i = 0; i < haystacks.length; i++) {
        if (haystacks[i].includes(query)) found[count++] = i;
      }
      this.matches = found.subarray(0, count);
    }
    this.render();
  }

  private render(): void {
    const members = this.members;
    const total = this.matches.length;
    const all = members?.ids.length ?? 0;
    let status = `${total.toLocaleString("en-US")} of ${all.toLocaleString("en-US")}`;
    if (!members) status = "Loading members…";
    else if (this.query === "") status = countOf(all, this.cluster?.kind ?? "run");
    this.status.textContent = status;
    this.empty.hidden = !members || total > 0;
    this.list.style.height = `${Math.max(1, Math.min(total, MAX_VISIBLE_ROWS)) * ROW_HEIGHT}px`;
    this.spacer.style.height = `${total * ROW_HEIGHT}px`;

    // The list may be squeezed by a short widget: its real height decides what is in view.
    const height = this.list.clientHeight || MAX_VISIBLE_ROWS * ROW_HEIGHT;
    const scroll = this.list.scrollTop;
    const first = Math.max(0, Math.floor(scroll / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(total, Math.ceil((scroll + height) / ROW_HEIGHT) + OVERSCAN);
    while (this.rows.length < last - first) {
      const row = new MemberRow();
      this.rows.push(row);
      this.spacer.append(row.element);
    }
    for (let k = 0; k < this.rows.length; k++) {
      const row = this.rows[k];
      const position = first + k;
      if (!members || position >= last) {
        row.hide();
        continue;
      }
      const index = this.matches[position];
      const id = members.ids[index];
      row.show(
        members,
        index,
        position * ROW_HEIGHT,
        this.selected.has(id),
        this.connected && !this.actions.isPullingOut(id),
      );
    }
  }

  private onListClick(event: MouseEvent): void {
    const target = event.target instanceof Element ? event.target : null;
    const row = target?.closest<HTMLElement>(".lw-member");
    const id = row?.dataset.memberId;
    if (!target || id === undefined) return;
    event.stopPropagation();
    const pull = target.closest<HTMLButtonElement>("[data-action='pull-out']");
    if (pull) {
      if (!pull.disabled) this.actions.pullOut(id);
      this.render();
    } else {
      this.actions.preview(id);
    }
  }
}
