/**
 * Culling: a card or edge far off screen leaves the document instead of staying in it with
 * `display: none`. The browser then neither renders nor restyles it: the host restyles everything
 * under a notebook cell when the cell's focus changes (a click into the widget), and every
 * element in the document costs there, hidden or not (with 2,000 nodes, some 3,900 culled
 * cards and edges). A culled element keeps the class `lw-culled` while it is out.
 */
export function setCulled(element: Element, culled: boolean, layer: Element): void {
  if (culled === element.classList.contains("lw-culled")) return;
  element.classList.toggle("lw-culled", culled);
  if (culled) element.remove();
  else layer.append(element);
}
