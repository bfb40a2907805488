/** Small DOM helpers. Data only ever reaches the DOM as text or attribute values. */

const SVG_NS = "http://www.w3.org/2000/svg";

export function html<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number> = {},
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

/** Adds a listener and returns the function that removes it. */
export function listen<K extends keyof HTMLElementEventMap>(
  target: HTMLElement | Document | Window,
  type: K,
  handler: (event: HTMLElementEventMap[K]) => void,
  options?: AddEventListenerOptions,
): () => void {
  const listener = handler as EventListener;
  target.addEventListener(type, listener, options);
  return () => target.removeEventListener(type, listener, options);
}

/** Where `uniqueId` counts: on `globalThis`, because anywidget imports this module once per model
 * (a module-level counter would start again at 1 for each widget on the page). */
const ID_COUNTER = Symbol.for("lineage_widget.element_ids.v1");

/** An element id (or radio group name) no other widget or view on the page uses. */
export function uniqueId(prefix: string): string {
  const holder = globalThis as { [ID_COUNTER]?: number };
  const next = (holder[ID_COUNTER] ?? 0) + 1;
  holder[ID_COUNTER] = next;
  return `${prefix}-${next}`;
}

/** The focused element of the document or shadow root that `node` is in. */
export function focusedElement(node: Node): Element | null {
  const scope = node.getRootNode() as Document | ShadowRoot;
  return scope.activeElement ?? null;
}
