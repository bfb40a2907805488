/**
 * The part of the details panel that says what differs between the selected node and the one
 * it pairs with in the lineage diff shown (Python's `compare()`): a table of each differing key
 * with the value on each side. Text only. Test hooks: .lw-diff-details, data-diff-key on rows.
 */
import { html } from "./dom";
import type { DetailsMsg } from "./protocol";

export function diffSection(msg: DetailsMsg): HTMLElement | null {
  const diff = msg.diff;
  if (!diff) return null;
  const section = html("section", "lw-diff-details");
  section.dataset.side = diff.side;
  const title = html("div", "lw-diff-details-title", `Differs from ${diff.other_label}`);
  title.dir = "auto";
  const table = html("table", "lw-diff-table");
  const head = html("tr");
  const [mine, theirs] = diff.side === "a" ? ["A (this)", "B"] : ["A", "B (this)"];
  head.append(
    html("th", undefined, "key"),
    html("th", undefined, mine),
    html("th", undefined, theirs),
  );
  table.append(head);
  for (const [key, a, b] of diff.rows) {
    const row = html("tr");
    row.dataset.diffKey = key;
    for (const text of [key, a, b]) {
      const cell = html("td", undefined, text);
      cell.dir = "auto";
      row.append(cell);
    }
    table.append(row);
  }
  section.append(title, table);
  return section;
}
