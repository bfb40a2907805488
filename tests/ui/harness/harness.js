// A fake anywidget model and a tiny host, so the built bundle runs on a plain page.
// Tests drive it through `window.lw` (see tests/ui/test_frontend.py).
import widget from "/lineage_widget/static/widget.js";

const clone = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/** The part of the anywidget model API the widget uses, recording what it does. */
class FakeModel {
  constructor(traits) {
    this.traits = {
      selected: [],
      highlighted: [],
      _highlighted_clusters: [],
      viewport: {},
      ...traits,
    };
    this.listeners = new Map();
    this.sent = [];
    this.sentBuffers = [];
    this.saves = [];
    this.offCalls = [];
  }
  get(name) {
    return this.traits[name];
  }
  set(name, value) {
    const changed = JSON.stringify(this.traits[name]) !== JSON.stringify(value);
    this.traits[name] = value;
    // Backbone fires change events synchronously on set.
    if (changed) this.emit(`change:${name}`, this, value);
  }
  on(event, callback) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(callback);
  }
  off(event, callback) {
    this.offCalls.push(event ?? null);
    if (!event) this.listeners.clear();
    else if (!callback) this.listeners.delete(event);
    else this.listeners.get(event)?.delete(callback);
  }
  save_changes() {
    this.saves.push(clone(this.traits));
  }
  send(content, _callbacks, buffers) {
    this.sent.push(clone(content));
    this.sentBuffers.push([...(buffers ?? [])]);
  }
  emit(event, ...args) {
    for (const callback of [...(this.listeners.get(event) ?? [])]) callback(...args);
  }
  listenerCount(event) {
    return this.listeners.get(event)?.size ?? 0;
  }
}

const models = [];
let copies = 0;
const views = [];

window.lw = {
  models,
  views,
  /** Closes every view and model: the next test starts from a blank page. */
  reset() {
    for (const view of views.splice(0)) view.cleanup();
    for (const model of models.splice(0)) model.disposeInit?.();
    document.getElementById("views").replaceChildren();
    window.scrollTo(0, 0);
  },
  /** A new model, initialized like anywidget does, with one view. Returns the model index. */
  start(traits = {}, module = widget) {
    const model = new FakeModel(traits);
    model.module = module;
    const controller = new AbortController();
    model.disposeInit = module.initialize({ model, signal: controller.signal });
    models.push(model);
    this.render(models.length - 1);
    return models.length - 1;
  },
  /** Like `start`, with a copy of the widget's module of its own, as anywidget imports it once
   * per model: module-level state is not shared with the other models. */
  async startOwnModule(traits = {}) {
    copies += 1;
    const module = (await import(`/lineage_widget/static/widget.js?copy=${copies}`)).default;
    return this.start(traits, module);
  },
  /** One more view of model `m`. Returns the view index; its container is #view-<index>. */
  render(m = 0) {
    const el = document.createElement("div");
    el.className = "view";
    el.id = `view-${views.length}`;
    document.getElementById("views").append(el);
    const module = models[m].module;
    const cleanup = module.render({ model: models[m], el, signal: new AbortController().signal });
    views.push({ el, cleanup, root: el.querySelector(".lineage-widget") });
    return views.length - 1;
  },
  cleanup(v) {
    views[v].cleanup();
  },
  /** A kernel -> front end message. */
  deliver(msg, m = 0) {
    models[m].emit("msg:custom", clone(msg), []);
  },
  /** A trait change coming from Python. */
  setTrait(name, value, m = 0) {
    models[m].traits[name] = clone(value);
    models[m].emit(`change:${name}`, models[m], value);
  },
  sent(m = 0) {
    return clone(models[m].sent);
  },
  /** The binary buffers sent with message `index` of model `m`, base64-encoded. */
  sentBuffers(index, m = 0) {
    return models[m].sentBuffers[index].map((buffer) => {
      const bytes = ArrayBuffer.isView(buffer)
        ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
        : new Uint8Array(buffer);
      let text = "";
      for (let i = 0; i < bytes.length; i += 0x8000) {
        text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      }
      return btoa(text);
    });
  },
  saves(m = 0) {
    return clone(models[m].saves);
  },
  traits(m = 0) {
    return clone(models[m].traits);
  },
};
window.lwReady = true;
