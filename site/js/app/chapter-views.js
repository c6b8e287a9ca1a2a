// chapter-views.js: the chapters' experiments that need more than the figure's two runs (which layer
// is zero, optimizers, escape from the saddle, the four outcomes, restarts, signal, …), shown inside
// the chapter's section of the story. This module mounts one in its box and owns what every kind
// shares: fetching the shipped data, the status line, "Recompute in your browser" and the comparison
// of its numbers with the shipped ones. The views themselves (one module per kind) are in
// ./experiments/; VIEWS, below, is the one table of them.
//
// Every experiment's result is computed at build time by the same pyinit functions the tests run
// (pyinit.web.chapters.view) and shipped as data/chapters/<id>-view.json, so it is drawn at once; the
// reader never waits for Python to see it. "Recompute in your browser" asks the worker for the same
// call (chapters.view) and says whether the numbers are the same. Without the shipped file the
// experiment is computed with Python when the chapter comes near the screen. Chapter 8 (reproduce)
// ships its final, thinned curves and can be run again step by step.
//
// Each view kind has
//   build(container, entry, ctx) -> update()    draws charts + a one-line result + tables of the numbers
//                                               from entry.data (plain JSON, or typed arrays from Python)
//   load(py, entry, changed, ctx) (optional)    a kind's own computation (reproduce: in chunks)
//   manual (optional)                           runs only when asked (no shipped-data note, no Recompute)
// ctx: {view, preset, enc, pyReady(), pyFailed(), run(), sourceNote()}. Results are kept per chapter (they
// do not depend on the language), so a language switch only redraws. Colors never carry meaning
// alone: markers, dashes and words do.
import { t } from "../platform/i18n.js";
import { loadPlotly } from "./figure.js";
import { el, num, int } from "../platform/dom.js";
import { epsSweep } from "./experiments/eps-sweep.js";
import { escape } from "./experiments/escape.js";
import { layers } from "./experiments/layers.js";
import { modern } from "./experiments/modern.js";
import { optimizers } from "./experiments/optimizers.js";
import { outcomes } from "./experiments/outcomes.js";
import { reproduce } from "./experiments/reproduce.js";
import { restarts } from "./experiments/restarts.js";
import { signal } from "./experiments/signal.js";
import { stuck } from "./experiments/stuck.js";
import { variance } from "./experiments/variance.js";

export const VIEW_BASE = "data/chapters/";
const RECOMPUTE_TIMEOUT_MS = 600_000; // the slowest (escape) takes about a minute in the browser

// kind (a view's "kind" in chapters.json, as in pyinit.web.chapters.KINDS) -> its view
export const VIEWS = {
  layers,
  optimizers,
  escape,
  outcomes,
  variance,
  stuck,
  eps_sweep: epsSweep,
  restarts,
  signal,
  reproduce,
  modern,
};
const SLOW = new Set(["escape", "signal", "outcomes"]); // seconds to a minute in the browser

/** Numbers in a and b (same shape) that differ, and the largest relative difference among them. */
function compare(a, b, acc = { total: 0, differ: 0, worst: 0 }) {
  if (a && typeof a === "object" && b && typeof b === "object") {
    if (ArrayBuffer.isView(a) || Array.isArray(a)) {
      const n = Math.max(a.length, b.length);
      for (let i = 0; i < n; i++) compare(a[i], b[i], acc);
    } else {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
        if (k !== "id") compare(a[k], b[k], acc);
    }
  } else if (typeof a === "number" || typeof b === "number") {
    acc.total++;
    if (a !== b) {
      acc.differ++;
      const rel =
        Number.isFinite(a) && Number.isFinite(b)
          ? Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300)
          : Infinity;
      acc.worst = Math.max(acc.worst, rel);
    }
  }
  return acc;
}

/**
 * mountChapterView(box, {id, view, python, preset, enc}) -> {render()}: chapter `id`'s experiment
 * (`view`: its spec from chapters.json, for labels only; the numbers come from
 * data/chapters/<id>-view.json or from chapters.view(id) in the worker) in `box`, drawn when it
 * comes near the screen, redrawn in the current language by render(). `preset`: the chapter's preset;
 * `enc`: the charts' encodings (charts/encodings.js).
 */
export function mountChapterView(box, { id, view, python, enc, preset = {}, base = VIEW_BASE }) {
  const kind = VIEWS[view.kind];
  const entry = {
    status: "idle",
    data: null,
    error: null,
    shipped: null,
    source: null,
    seconds: null,
    diff: null,
  };
  let update = null;
  const title = el("h3", { class: "view-title" });
  const status = el("p", { class: "view-status", role: "status" });
  const body = el("div", { class: "view-body" });
  const note = el("p", { class: "view-source" });
  const again = el("button", { type: "button", class: "view-recompute" });
  const slowHint = el("span", { class: "view-hint" });
  const actions = el("div", { class: "view-actions view-data-actions", hidden: true }, again, slowHint);
  box.replaceChildren(title, status, body, note, actions);
  box.dataset.kind = view.kind;
  again.addEventListener("click", () => compute());
  const ctx = {
    view,
    preset,
    enc,
    pyReady: () => python.ready,
    pyFailed: () => python.failed,
    run: () => compute(),
    sourceNote,
  };

  function sourceNote() {
    if (entry.source === "browser") {
      const when = t("view.data.browser", { s: num(entry.seconds, 2) });
      if (!entry.diff) return when;
      return entry.diff.differ === 0
        ? `${when} ${t("view.data.same", { n: int(entry.diff.total) })}`
        : `${when} ${t("view.data.differ", {
            n: int(entry.diff.differ),
            total: int(entry.diff.total),
            rel: num(entry.diff.worst, 2),
          })}`;
    }
    return entry.source === "build" ? t("view.data.build") : "";
  }

  function draw() {
    body.replaceChildren();
    update = kind.build(body, entry, ctx);
  }
  function paint() {
    box.dataset.status = entry.status;
    box.dataset.source = entry.source || "";
    title.textContent = t("tour.view");
    const busy = entry.status === "loading";
    if (busy && !kind.manual) status.textContent = python.ready ? t("tour.computing") : t("tour.waiting");
    else if (entry.status === "error") status.textContent = t("tour.failed", { message: entry.error });
    else if (!entry.data && entry.status === "idle" && !python.ready && !kind.manual)
      status.textContent = python.failed ? t("tour.noPython") : t("tour.waiting");
    else status.textContent = "";
    if (kind.manual) {
      note.textContent = "";
      actions.hidden = true;
      if (!update) draw();
      update();
      return;
    }
    note.textContent = sourceNote();
    actions.hidden = !entry.data;
    again.textContent = t("view.data.recompute");
    again.disabled = busy || !!python.failed;
    slowHint.textContent = SLOW.has(view.kind) ? t("view.data.slow") : "";
    if (entry.data && !update) draw();
    else if (update) update();
  }

  /** Compute with Python in the worker (a click, or no shipped data): the same call the build made. */
  async function compute() {
    if (entry.status === "loading") return;
    entry.status = "loading";
    entry.error = null;
    paint();
    try {
      await python.start();
      await loadPlotly();
      paint();
      const t0 = performance.now();
      if (kind.load) {
        await kind.load(python.py, entry, paint, ctx);
      } else {
        const data = await python.py.call(
          "chapters.view",
          { chapter_id: id },
          { timeoutMs: RECOMPUTE_TIMEOUT_MS },
        );
        entry.data = data;
        update = null;
      }
      entry.seconds = (performance.now() - t0) / 1000;
      entry.diff = entry.shipped && !kind.manual ? compare(entry.shipped, entry.data) : null;
      entry.source = "browser";
      entry.status = "done";
    } catch (e) {
      entry.status = "error";
      entry.error = e.message;
    }
    paint();
  }

  /** The build's result (data/chapters/<id>-view.json); without it, Python computes (not reproduce). */
  async function show() {
    let data = null;
    try {
      const r = await fetch(`${base}${id}-view.json`);
      if (r.ok) data = await r.json();
    } catch {
      /* offline without the file: compute below */
    }
    if (data) {
      try {
        await loadPlotly();
        entry.shipped = data;
        entry.data = data;
        entry.source = "build";
        entry.status = "done";
        update = null;
      } catch (e) {
        entry.status = "error";
        entry.error = e.message;
      }
      paint();
    } else if (!kind.manual) {
      compute();
    }
  }
  // drawn when the chapter comes near the screen, not all at page load
  const io = new IntersectionObserver(
    (es) => {
      if (es.some((e) => e.isIntersecting)) {
        io.disconnect();
        show();
      }
    },
    { rootMargin: "600px 0px" },
  );
  io.observe(box);
  paint();
  return {
    render() {
      update = null;
      paint();
    },
  };
}
