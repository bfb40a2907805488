/**
 * The toolbar's filter control (W&B's "custom view"): a button that opens a small panel with
 * the Direct / Extended lineage switch, "Hide runs", and a checkbox per artifact type and job
 * type in the graph. Each control sets its trait and saves it (the kernel then sends a fresh
 * snapshot); traits set from Python update the controls. Type names are data: text only.
 */
import { html, listen, uniqueId } from "./dom";
import { filterIcon } from "./icons";
import type { LineageMode, Model, NodeKind } from "./protocol";

type TypeTrait = "artifact_types" | "job_types";

const TYPE_TRAIT: Record<NodeKind, TypeTrait> = { artifact: "artifact_types", run: "job_types" };
const TRAITS = ["artifact_types", "job_types", "hide_runs", "lineage", "_node_types"];
const LAST_TYPE_HINT = "At least one type stays shown";

/** A type filter's value: the types shown, or null for all (the kernel reads [] as all too). */
function shownTypes(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  const types = value.filter((v): v is string => typeof v === "string");
  return types.length > 0 ? types : null;
}

function option(type: "checkbox" | "radio", text: string): [HTMLLabelElement, HTMLInputElement] {
  const label = html("label", "lw-filter-option");
  const input = html("input", "lw-filter-input");
  input.type = type;
  const name = html("span", "lw-filter-name", text);
  name.dir = "auto";
  name.title = text;
  label.append(input, name);
  return [label, input];
}

/** One kind's type checkboxes; rebuilt only when the choices change (focus stays put). */
class TypeList {
  readonly element = html("fieldset", "lw-filter-group");
  private readonly list = html("div", "lw-filter-list");
  private readonly none = html("div", "lw-filter-note", "None in the graph yet");
  private inputs = new Map<string, HTMLInputElement>();
  private choices: string[] = [];

  constructor(
    readonly kind: NodeKind,
    title: string,
    private readonly toggle: (type: string, checked: boolean) => void,
  ) {
    this.element.dataset.filter = TYPE_TRAIT[kind];
    this.element.append(html("legend", undefined, title), this.list, this.none);
  }

  update(choices: string[], shown: string[] | null, disabled: boolean): void {
    if (choices.join("\u0000") !== this.choices.join("\u0000")) this.rebuild(choices);
    const checked = (type: string) => shown === null || shown.includes(type);
    const count = choices.filter(checked).length;
    for (const [type, input] of this.inputs) {
      input.checked = checked(type);
      // Unchecking the last type would mean "no filter" (all): it cannot be unchecked.
      const last = input.checked && count === 1;
      input.disabled = disabled || last;
      input.title = last ? LAST_TYPE_HINT : "";
    }
    this.element.disabled = disabled;
    this.none.hidden = choices.length > 0;
  }

  private rebuild(choices: string[]): void {
    const focused = [...this.inputs].find(([, input]) => input === document.activeElement)?.[0];
    this.choices = choices;
    this.inputs = new Map();
    const rows = choices.map((type) => {
      const [label, input] = option("checkbox", type);
      input.addEventListener("change", () => this.toggle(type, input.checked));
      this.inputs.set(type, input);
      return label;
    });
    this.list.replaceChildren(...rows);
    if (focused !== undefined) this.inputs.get(focused)?.focus();
  }
}

export class FilterControl {
  /** The toolbar part: the button, and the panel it opens. */
  readonly element = html("div", "lw-filter-menu");
  readonly button = html("button", "lw-icon-button");
  private readonly panel = html("div", "lw-filters");
  private readonly lineageNote = html(
    "div",
    "lw-filter-note",
    "The whole graph is shown: there is no base node",
  );
  private readonly lineageGroup = html("fieldset", "lw-filter-group");
  private readonly lineageInputs = new Map<LineageMode, HTMLInputElement>();
  private readonly hideRuns: HTMLInputElement;
  private readonly lists: Record<NodeKind, TypeList>;
  private readonly cleanups: (() => void)[] = [];
  private hasRoot = true;
  private open = false;

  constructor(
    private readonly model: Model,
    root: HTMLElement,
  ) {
    const id = uniqueId("lw-filters");
    const button = this.button;
    button.type = "button";
    button.dataset.action = "filters";
    button.title = "Filters";
    button.setAttribute("aria-label", "Filters");
    button.setAttribute("aria-haspopup", "true");
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", id);
    button.append(filterIcon(), html("span", "lw-filter-dot"));

    const panel = this.panel;
    panel.id = id;
    panel.hidden = true;
    panel.setAttribute("role", "group");
    panel.setAttribute("aria-label", "View filters");

    const group = this.lineageGroup;
    group.dataset.filter = "lineage";
    group.append(html("legend", undefined, "Lineage"));
    const modes = html("div", "lw-filter-modes");
    for (const [mode, text] of [
      ["direct", "Direct"],
      ["extended", "Extended"],
    ] as const) {
      const [label, input] = option("radio", text);
      input.name = `${id}-lineage`;
      input.value = mode;
      input.addEventListener("change", () => {
        if (input.checked) this.set("lineage", mode);
      });
      this.lineageInputs.set(mode, input);
      modes.append(label);
    }
    group.append(modes, this.lineageNote);

    const [hideRunsLabel, hideRuns] = option("checkbox", "Hide runs");
    hideRunsLabel.dataset.filter = "hide_runs";
    this.hideRuns = hideRuns;
    hideRuns.addEventListener("change", () => this.set("hide_runs", hideRuns.checked));

    this.lists = {
      artifact: new TypeList("artifact", "Artifact types", (t, on) =>
        this.toggle("artifact", t, on),
      ),
      run: new TypeList("run", "Job types", (t, on) => this.toggle("run", t, on)),
    };
    panel.append(group, hideRunsLabel, this.lists.artifact.element, this.lists.run.element);
    this.element.append(button, panel);

    const sync = () => this.sync();
    for (const trait of TRAITS) model.on(`change:${trait}`, sync);
    this.cleanups.push(
      () => {
        for (const trait of TRAITS) model.off(`change:${trait}`, sync);
      },
      listen(button, "click", () => this.setOpen(!this.open)),
      listen(this.element, "keydown", (event) => {
        if (event.key !== "Escape" || !this.open) return;
        event.preventDefault();
        event.stopPropagation();
        this.setOpen(false);
        button.focus();
      }),
      // A press anywhere else in the widget closes the panel.
      listen(root, "pointerdown", (event) => {
        if (event.target instanceof Node && !this.element.contains(event.target)) {
          this.setOpen(false);
        }
      }),
    );
    this.sync();
  }

  destroy(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  /** Whether the view has a base node (a graph shown whole has none: Direct changes nothing). */
  setHasRoot(hasRoot: boolean): void {
    if (hasRoot === this.hasRoot) return;
    this.hasRoot = hasRoot;
    this.sync();
  }

  private setOpen(open: boolean): void {
    this.open = open;
    this.panel.hidden = !open;
    this.button.setAttribute("aria-expanded", String(open));
  }

  private set(name: string, value: unknown): void {
    this.model.set(name, value);
    this.model.save_changes();
  }

  /** Every type of that kind the user can choose: those in the graph, and those in the filter. */
  private choices(kind: NodeKind): string[] {
    const known = this.model.get("_node_types")?.[kind];
    const types = new Set(Array.isArray(known) ? known.filter((t) => typeof t === "string") : []);
    for (const type of shownTypes(this.model.get(TYPE_TRAIT[kind])) ?? []) types.add(type);
    return [...types].sort();
  }

  private toggle(kind: NodeKind, type: string, checked: boolean): void {
    const trait = TYPE_TRAIT[kind];
    const choices = this.choices(kind);
    const shown = new Set(shownTypes(this.model.get(trait)) ?? choices);
    if (checked) shown.add(type);
    else shown.delete(type);
    if (shown.size === 0) {
      this.sync(); // (the last type cannot be unchecked: put its mark back)
      return;
    }
    // Every choice checked: no filter, so types found later show too.
    const all = choices.every((choice) => shown.has(choice));
    this.set(trait, all ? null : choices.filter((choice) => shown.has(choice)));
  }

  /** The controls show the traits as they are now. */
  private sync(): void {
    const model = this.model;
    const hideRuns = model.get("hide_runs") === true;
    const mode: LineageMode = model.get("lineage") === "extended" ? "extended" : "direct";
    for (const [value, input] of this.lineageInputs) {
      input.checked = value === mode;
      input.disabled = !this.hasRoot;
    }
    this.lineageNote.hidden = this.hasRoot;
    this.hideRuns.checked = hideRuns;
    for (const kind of ["artifact", "run"] as const) {
      this.lists[kind].update(
        this.choices(kind),
        shownTypes(model.get(TYPE_TRAIT[kind])),
        kind === "run" && hideRuns,
      );
    }
    const filtered =
      hideRuns ||
      shownTypes(model.get("artifact_types")) !== null ||
      shownTypes(model.get("job_types")) !== null;
    this.button.dataset.active = String(filtered);
    this.button.title = filtered ? "Filters (some nodes are hidden)" : "Filters";
  }
}
