// In-page helpers of benchmarks/run.py, added to every page as an init script (before Lab loads).
// Every time here is performance.now() in the page: no Playwright round trip is ever timed.
(() => {
  // ---- long tasks ---------------------------------------------------------------------------
  // The end of every long task (>50 ms) and long animation frame (task + rendering > 50 ms).
  const longEnds = [];
  for (const type of ["longtask", "long-animation-frame"]) {
    try {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) longEnds.push(entry.startTime + entry.duration);
      }).observe({ type, buffered: true });
    } catch {
      // This Chromium does not know the entry type: the other one still counts.
    }
  }
  const lastLongEnd = () => longEnds.reduce((a, b) => Math.max(a, b), 0);

  // ---- kernel websocket frames, as the page sees them ---------------------------------------
  // Time, direction, size and the first 4 KB of each frame (enough for the message type and a
  // short content), to split a draw into phases. Decoding 4 KB costs microseconds.
  const frames = [];
  const decoder = new TextDecoder();
  const HEAD = 4096;
  const head = (data) => {
    if (typeof data === "string") return data.slice(0, HEAD);
    if (data instanceof ArrayBuffer)
      return decoder.decode(new Uint8Array(data, 0, Math.min(HEAD, data.byteLength)));
    if (ArrayBuffer.isView(data))
      return decoder.decode(
        new Uint8Array(data.buffer, data.byteOffset, Math.min(HEAD, data.byteLength)),
      );
    return "";
  };
  const sizeOf = (data) =>
    typeof data === "string" ? data.length : (data?.byteLength ?? data?.size ?? 0);
  const NativeWebSocket = window.WebSocket;
  class LoggedWebSocket extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      if (!String(args[0]).includes("/api/kernels/")) return;
      this.addEventListener("message", (event) => {
        frames.push({ t: performance.now(), out: false, size: sizeOf(event.data), head: head(event.data) });
      });
    }
    send(data) {
      if (this.url.includes("/api/kernels/"))
        frames.push({ t: performance.now(), out: true, size: sizeOf(data), head: head(data) });
      super.send(data);
    }
  }
  window.WebSocket = LoggedWebSocket;
  const typeIs = (name) => new RegExp(`"type":\\s*"${name}"`);
  const firstFrame = (from, out, pattern) =>
    frames.slice(from).find((f) => f.out === out && pattern.test(f.head));

  /**
   * Phases of our first draw, from the frames: the widget's comm_open (the largest frame before
   * the hello: it carries the widget code, and the first snapshot in its state) -> the view's
   * "hello" -> the "snapshot" -> drawn. A hello saying `drawn` followed the opening state's
   * snapshot: no round trip (hello -> snapshot is 0).
   */
  const drawPhases = (from, start, painted) => {
    const hello = firstFrame(from, true, typeIs("hello"));
    const drawn = hello && /"drawn":\s*true/.test(hello.head);
    const snapshot = drawn ? hello : firstFrame(from, false, typeIs("snapshot"));
    if (!hello || !snapshot) return null;
    let open = null;
    for (const f of frames.slice(from)) {
      if (f.t > hello.t) break;
      if (!f.out && (open === null || f.size > open.size)) open = f;
    }
    if (!open) return null;
    return {
      kernelToCommOpen: open.t - start,
      loadWidgetCode: hello.t - open.t,
      helloToSnapshot: snapshot.t - hello.t,
      layoutAndDom: painted - snapshot.t,
    };
  };

  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  // A task queued from a rAF callback runs after that frame's style, layout and paint.
  const afterPaint = async () => {
    await frame();
    await new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    });
    return performance.now();
  };
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Waits until `quietMs` passed with no long task ending; returns the last long task's end. */
  const untilQuiet = async (since, quietMs, deadline) => {
    for (;;) {
      await sleep(quietMs / 4);
      const last = Math.max(since, lastLongEnd());
      if (performance.now() - last >= quietMs) return last;
      if (performance.now() > deadline) return last;
    }
  };

  // ---- what "drawn" means for each widget ---------------------------------------------------
  const drawn = {
    ours(cell) {
      return cell.querySelector('.lineage-widget[data-ready="true"]') !== null;
    },
    ipycytoscape(cell, expected) {
      // cytoscape keeps its instance on its container (`_cyreg`); ipycytoscape's view adds the
      // elements, then runs the layout (dagre): drawn = every node in and spread out by it.
      for (const el of cell.querySelectorAll(".jp-OutputArea-output div")) {
        const cy = el._cyreg?.cy;
        if (!cy) continue;
        const nodes = cy.nodes();
        if (nodes.length < expected) return false;
        return nodes.boundingBox().w > 200 && el.querySelector("canvas") !== null;
      }
      return false;
    },
    ipysigma(cell) {
      // sigma draws with WebGL into its canvases once the renderer exists.
      const canvas = cell.querySelector(".ipysigma-container canvas.sigma-nodes");
      return canvas !== null && canvas.width > 0;
    },
  };

  const cellError = (outputs) => {
    const error = outputs.find((o) => o.output_type === "error");
    return error ? `${error.ename}: ${error.evalue}` : null;
  };

  /**
   * Appends a cell, runs it, and times "run cell" -> drawn, then waits for the page to be quiet.
   * firstDraw = max(drawn and painted, end of the last long task) - start.
   */
  async function runCellTimed({ code, widget, expected, timeoutMs, quietMs }) {
    const app = window.jupyterapp;
    const notebook = app.shell.currentWidget.content;
    const index = notebook.model.cells.length;
    notebook.model.sharedModel.insertCell(index, { cell_type: "code", source: code });
    notebook.activeCellIndex = index;
    const from = frames.length;
    const start = performance.now();
    const deadline = start + timeoutMs;
    let finished = false;
    const done = app.commands.execute("notebook:run-cell").then(() => {
      finished = true;
    });
    const cell = notebook.widgets[index];
    while (!drawn[widget](cell.node, expected)) {
      if (performance.now() > deadline) return { timeout: true };
      if (finished) {
        const error = cellError(cell.model.outputs.toJSON());
        if (error) return { error };
      }
      await frame();
    }
    const painted = await afterPaint();
    const quietFrom = await untilQuiet(painted, quietMs, deadline + 10000);
    await done;
    const error = cellError(cell.model.outputs.toJSON());
    if (error) return { error };
    return {
      index,
      drawnMs: painted - start,
      firstDrawMs: Math.max(painted, quietFrom) - start,
      elements: cell.node.querySelectorAll("[data-node-id], [data-cluster-id]").length,
      phases: widget === "ours" ? drawPhases(from, start, painted) : null,
    };
  }

  // ---- expand -------------------------------------------------------------------------------
  const widgetIn = (index) =>
    window.jupyterapp.shell.currentWidget.content.widgets[index].node.querySelector(
      ".lineage-widget",
    );

  const boxes = (root) => {
    const out = new Map();
    for (const el of root.querySelectorAll("[data-node-id], [data-cluster-id]")) {
      const id = el.dataset.nodeId ?? `cluster:${el.dataset.clusterId}`;
      const r = el.getBoundingClientRect();
      out.set(id, { x: r.left + r.width / 2, y: r.top + r.height / 2, left: r.left, right: r.right });
    }
    return out;
  };

  /**
   * Pairs of nodes shown before and after whose relation changed: one column (their boxes
   * overlap horizontally) or left/right of each other, and within one column above/below.
   */
  const orderChanges = (before, after) => {
    const ids = [...before.keys()].filter((id) => after.has(id));
    const column = (a, b) => (a.left < b.right && b.left < a.right ? 0 : Math.sign(a.x - b.x));
    const row = (a, b) => (Math.abs(a.y - b.y) <= 1 ? 0 : Math.sign(a.y - b.y));
    let changes = 0;
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const [p, q] = [before.get(ids[i]), before.get(ids[j])];
        const [r, s] = [after.get(ids[i]), after.get(ids[j])];
        const side = column(p, q);
        if (side !== column(r, s)) changes++;
        else if (side === 0 && row(p, q) !== row(r, s)) changes++;
      }
    }
    return changes;
  };

  /** Clicks one expand control and times click -> the new node's element exists. */
  async function expandOnce({ index, id, direction, newId, timeoutMs, quietMs }) {
    const root = widgetIn(index);
    const node = root.querySelector(`[data-node-id="${CSS.escape(id)}"]`);
    const control = node?.querySelector(`[data-expand="${direction}"]`);
    if (!control || control.hidden) return { error: `no ${direction} control on ${id}` };
    const selector = `[data-node-id="${CSS.escape(newId)}"]`;
    const before = boxes(root);
    const appeared = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (root.querySelector(selector)) {
          observer.disconnect();
          resolve(performance.now());
        }
      });
      observer.observe(root, { childList: true, subtree: true });
    });
    const from = frames.length;
    const start = performance.now();
    control.click();
    const shown = await Promise.race([appeared, sleep(timeoutMs).then(() => null)]);
    if (shown === null) return { timeout: true };
    const painted = await afterPaint();
    const request = firstFrame(from, true, typeIs("expand"));
    const delta = firstFrame(from, false, typeIs("delta"));
    // Wait for the node's fetch state to clear (the status message) and the page to go quiet.
    const deadline = performance.now() + timeoutMs;
    while (node.dataset.state === "loading" && performance.now() < deadline) await frame();
    await untilQuiet(painted, quietMs, deadline);
    const after = boxes(root);
    const moves = [...before.keys()]
      .filter((key) => after.has(key))
      .map((key) => Math.hypot(after.get(key).x - before.get(key).x, after.get(key).y - before.get(key).y));
    return {
      ms: shown - start,
      paintedMs: painted - start,
      displacement: moves.length ? moves.reduce((a, b) => a + b, 0) / moves.length : 0,
      shownBefore: moves.length,
      orderChanges: orderChanges(before, after),
      phases:
        request && delta
          ? {
              clickToRequest: request.t - start,
              requestToDelta: delta.t - request.t,
              deltaToNode: shown - delta.t,
            }
          : null,
    };
  }

  // ---- cluster search -----------------------------------------------------------------------
  async function openCluster({ index, timeoutMs }) {
    const root = widgetIn(index);
    const cluster = root.querySelector('[data-kind="cluster"]');
    if (!cluster) return { error: "no cluster drawn" };
    cluster.click();
    const deadline = performance.now() + timeoutMs;
    while (!root.querySelector("[data-member-id]")) {
      if (performance.now() > deadline) return { timeout: true };
      await frame();
    }
    return { count: Number(cluster.dataset.count) };
  }

  /** Types `text` into the member search one key at a time: input event -> rows painted. */
  async function typeSearch({ index, text }) {
    const root = widgetIn(index);
    const input = root.querySelector('input[type="search"]');
    const perKey = [];
    const steps = [...text].map((_, i) => text.slice(0, i + 1));
    // Then delete it again, key by key (the longest lists come back at the end).
    for (let i = text.length - 1; i >= 0; i--) steps.push(text.slice(0, i));
    let rows = 0;
    for (const value of steps) {
      await afterPaint();
      const start = performance.now();
      const grew = value.length > input.value.length;
      input.value = value;
      input.dispatchEvent(
        new InputEvent("input", {
          bubbles: true,
          inputType: grew ? "insertText" : "deleteContentBackward",
          data: grew ? value.at(-1) : null,
        }),
      );
      perKey.push((await afterPaint()) - start);
      if (value === text) rows = root.querySelectorAll("[data-member-id]:not([hidden])").length;
    }
    return { perKey, rowsForText: rows };
  }

  // ---- pan and zoom -------------------------------------------------------------------------
  /** A point on the widget's empty background (a drag there pans), in page coordinates. */
  function backgroundPoint({ index }) {
    const root = widgetIn(index);
    root.scrollIntoView({ block: "center" });
    const viewport = root.querySelector(".lw-viewport");
    const r = viewport.getBoundingClientRect();
    for (let fy = 0.1; fy < 0.95; fy += 0.05) {
      for (let fx = 0.05; fx < 0.95; fx += 0.05) {
        const x = r.left + r.width * fx;
        const y = r.top + r.height * fy;
        const hit = document.elementFromPoint(x, y);
        if (hit && viewport.contains(hit) && !hit.closest(".lw-node, .lw-cluster, .lw-members"))
          return { x, y, width: r.width, height: r.height };
      }
    }
    return null;
  }

  let counter = null;
  function startFrameCounter() {
    const times = [];
    counter = { times, running: true };
    const tick = (t) => {
      times.push(t);
      if (counter?.times === times && counter.running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }
  function stopFrameCounter() {
    const { times } = counter;
    counter.running = false;
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    const span = times.at(-1) - times[0];
    return {
      frames: times.length,
      fps: times.length > 1 ? ((times.length - 1) * 1000) / span : 0,
      worstFrameMs: gaps.length ? Math.max(...gaps) : 0,
    };
  }

  // ---- the far/near detail switch ------------------------------------------------------------
  // Counts the changes of `data-detail` (far/near, js/src/panzoom.ts) from now on: the pan and
  // zoom figures only cover that switch when it happened.
  let detail = null;
  function watchDetail({ index }) {
    detail?.observer.disconnect();
    const changes = { count: 0 };
    const observer = new MutationObserver((records) => {
      changes.count += records.length;
    });
    observer.observe(widgetIn(index), {
      subtree: true,
      attributes: true,
      attributeFilter: ["data-detail"],
    });
    detail = { observer, changes };
  }
  function detailChanges() {
    if (!detail) return 0;
    detail.observer.disconnect();
    return detail.changes.count;
  }

  window.__bench = {
    watchDetail,
    detailChanges,
    runCellTimed,
    expandOnce,
    openCluster,
    typeSearch,
    backgroundPoint,
    startFrameCounter,
    stopFrameCounter,
  };
})();
