// figure.js: draws the shown step of both runs as a set of panels — the one renderer of the lab page's
// main figure, its "More panels" rows, and embed.html. Two layouts of the same panels:
//   "columns"  each run is a column (its head, then its panels): the main figure and embeds;
//   "rows"     each panel is a row with one cell per run, a help text and its tools: "More panels".
// Charts are drawn at most once per animation frame, each only when what it shows changed; while
// playing, within a time budget and only the ones on screen. The inspector and the landscape are
// computed by Python for the shown step, only when paused. No training state lives here: everything
// comes from the controller's source and cursor, and the settings from getValues().
import { t, formatNumber, formatPercent } from "../platform/i18n.js";
import { PANELS, SIDES, panelsFor } from "./panels.js";
import { trajectoryCaption, sharedScale, pairDomainsMemo, unitPictures } from "./views.js";
import { gridFor } from "./forward.js";
import { setupLabel } from "./setup-title.js";
import { el, setText } from "../platform/dom.js";

const BUDGET_MS = 8;
/**
 * createFigure(root, {controller, getValues, getPanels, enc, layout, compact, idPrefix, onFirstPaint,
 *   onBuilt,
 *                     throttleMs})
 *   enc: the charts' encodings (charts/encodings.js), handed to every chart
 *   getPanels() -> panel ids to show (filtered by what applies to the runs' network)
 *   getPhonePanels() -> the 1-2 of them a phone shows (cells marked data-phone; default: the first)
 *   onBuilt({toolSlots}) after the panels were (re)built, so the page can put its controls in the slots
 * -> {schedule(), invalidate(), drawnAll(), charts, cells, jobTimes()}
 */
export function createFigure(
  root,
  {
    controller,
    getValues,
    getPanels,
    getPhonePanels = () => null,
    enc,
    layout = "columns",
    compact = false,
    idPrefix = "",
    onFirstPaint = () => {},
    onBuilt = () => {},
    throttleMs = () => 0,
  },
) {
  let charts = {},
    cells = {},
    heads = {},
    shownIds = "";
  const drawn = new Map();
  const jobTimes = {};
  const ondemand = { inspector: new Map(), landscape: new Map() };
  let scheduled = 0,
    rr = 0,
    painted = false,
    lastCharts = 0,
    ondemandTimer = 0;
  let grid = null,
    gridData = null;
  const domainsFor = pairDomainsMemo();
  let idle = false,
    idleAsked = false; // the rows layout waits for an idle moment before drawing off-screen charts
  const visible = new Set();
  const io =
    typeof IntersectionObserver !== "undefined"
      ? new IntersectionObserver(
          (entries) => {
            for (const e of entries) {
              if (e.isIntersecting) visible.add(e.target.dataset.job);
              else visible.delete(e.target.dataset.job);
            }
            schedule();
          },
          { rootMargin: "100px 0px" },
        )
      : null;

  function schedule() {
    if (!scheduled) scheduled = requestAnimationFrame(render);
  }

  function panelIds(meta) {
    return panelsFor(getPanels(), meta);
  }

  const scrollLabel = (id, side) => `${t(PANELS[id].title)}: ${t(`side.${side}`)}`;
  function makeCell(id, side, parent, whoText) {
    const fig = el("figure", { class: "cell" });
    fig.dataset.side = side;
    fig.dataset.panel = id;
    const cap = el("figcaption", { class: layout === "rows" ? "who" : "cell-title" }, whoText);
    const extra = el("div", { class: "cell-extra" });
    const plot = el("div", { class: "plot" });
    plot.id = `${idPrefix}${id}-${side}`;
    if (PANELS[id].scrolls) {
      // a panel wider than its box scrolls sideways: keyboard readers reach it, named by panel and side
      plot.tabIndex = 0;
      plot.setAttribute("role", "group");
      plot.setAttribute("aria-label", scrollLabel(id, side));
    }
    fig.append(cap, extra, plot);
    parent.append(fig);
    fig.dataset.job = `${id}/${side}`;
    if (io) io.observe(fig);
    else visible.add(fig.dataset.job);
    (charts[id] ||= {})[side] = PANELS[id].make(plot, { compact, enc });
    (cells[id] ||= {})[side] = { fig, cap, extra, plot };
  }

  /** (Re)build the DOM for the panels that apply to `meta`. */
  function build(meta) {
    const ids = panelIds(meta);
    const phone = (getPhonePanels() || []).filter((id) => ids.includes(id));
    if (!phone.length && ids.length) phone.push(ids[0]);
    const key = ids.join(",") + "|" + phone.join(",") + "|" + layout;
    if (key === shownIds) return;
    shownIds = key;
    if (io) io.disconnect();
    visible.clear();
    charts = {};
    cells = {};
    heads = {};
    drawn.clear();
    ondemand.inspector.clear();
    ondemand.landscape.clear();
    const toolSlots = {};
    root.replaceChildren();
    root.dataset.panels = ids.join(",");
    if (layout === "columns") {
      const runs = el("div", { class: "fig-runs" });
      for (const side of SIDES) {
        const sec = el("section", { class: "run" });
        sec.dataset.side = side;
        const title = el("h2", { class: "run-title" });
        title.id = `${idPrefix}title-${side}`;
        sec.setAttribute("aria-labelledby", title.id);
        const stat = el("p", { class: "run-stat" }),
          caption = el("p", { class: "caption" }),
          diverged = el("p", { class: "diverged" });
        diverged.setAttribute("role", "alert");
        diverged.hidden = true;
        sec.append(el("div", { class: "run-head" }));
        sec.firstChild.append(title, stat, caption, diverged);
        const body = el("div", { class: "run-panels" });
        body.dataset.count = String(ids.length);
        sec.append(body);
        heads[side] = { title, stat, caption, diverged };
        body.dataset.phone = String(phone.length);
        for (const id of ids) {
          makeCell(id, side, body, t(PANELS[id].title));
          if (phone.includes(id)) cells[id][side].fig.dataset.phone = "1";
        }
        runs.append(sec);
      }
      root.append(runs);
    } else {
      for (const id of ids) {
        const p = PANELS[id];
        const sec = el("section", { class: `row row-${id}` });
        sec.id = `${idPrefix}row-${id}`;
        const h = el("h2", {}, t(p.title));
        h.id = `${sec.id}-title`;
        sec.setAttribute("aria-labelledby", h.id);
        const tools = el("div", { class: "row-tools" });
        toolSlots[id] = tools;
        const head = el("div", { class: "row-head" });
        head.append(h, tools);
        sec.append(head);
        if (p.help) sec.append(el("p", { class: "help" }, t(p.help)));
        const pair = el("div", { class: "pair" });
        for (const side of SIDES) makeCell(id, side, pair, "");
        sec.append(pair);
        root.append(sec);
      }
    }
    onBuilt({ toolSlots, ids });
  }

  function context() {
    const src = controller.source;
    const H = src.history,
      cur = controller.cursor,
      values = getValues();
    if (gridData !== src.data) {
      grid = gridFor(src.data.X || []); // (a precomputed chapter of image data ships no X)
      gridData = src.data;
    }
    const gridRange = grid.xs[grid.xs.length - 1];
    const [domains, domainsKey] = domainsFor(src, H); // one y range per paired panel, both sides
    let pictures = null;
    return {
      domains,
      domainsKey,
      pictures: () => (pictures ||= unitPictures(H, cur, gridRange)),
      src,
      H,
      cur,
      values,
      grid,
      data: src.data,
      gridRange,
      scale: sharedScale(H, cur, values.net_show),
    };
  }

  function jobs(c) {
    const base = `${c.src.kind}:${c.src.id ?? ""}:${c.H.length ? c.H.record(c.cur).step : -1}`;
    const out = [];
    for (const [id, sides] of Object.entries(charts)) {
      const p = PANELS[id];
      if (p.ondemand) continue;
      SIDES.forEach((side, k) =>
        out.push([`${id}/${side}`, `${base}:${p.key(c)}`, () => sides[side].update(p.data(c, k))]),
      );
    }
    return out;
  }

  function renderHeads(c) {
    const rec = c.H.record(c.cur),
      last = c.cur === c.H.length - 1;
    SIDES.forEach((side, k) => {
      const init = setupLabel(c.values, side);
      for (const [id, cell] of Object.entries(cells)) {
        if (cell[side] && layout === "rows") setText(cell[side].cap, `${t(`side.${side}`)} · ${init}`);
        if (cell[side] && PANELS[id].scrolls)
          cell[side].plot.setAttribute("aria-label", scrollLabel(id, side));
      }
      const h = heads[side];
      if (!h) return;
      setText(h.title, t("run.title", { side: t(`side.${side}`), init }));
      setText(
        h.stat,
        t(c.H.meta.scored_on === "test" ? "run.lossTest" : "run.loss", {
          loss: Number.isFinite(rec.loss[k]) ? formatNumber(rec.loss[k], 4) : "–",
          acc: formatPercent(rec.acc[k], { fixed: true }),
        }),
      );
      setText(h.caption, trajectoryCaption(c.H, k, c.cur));
      // a run that diverged stops before the diverging step is recorded: say so from its last record on
      const d = c.H.diverged(k);
      const shown = !!(d && (rec.step >= d.step || last));
      setText(h.diverged, shown ? t("run.diverged", { step: String(d.step), reason: d.reason }) : "");
      if (h.diverged.hidden === shown) h.diverged.hidden = !shown;
    });
  }

  function render() {
    scheduled = 0;
    const src = controller.source;
    if (!src || !src.history.length) return;
    const t0 = performance.now();
    const wait = throttleMs() - (t0 - lastCharts);
    if (painted && controller.playing && wait > 0) {
      setTimeout(schedule, wait);
      return;
    }
    build(src.history.meta);
    const c = context();
    renderHeads(c);
    const all = jobs(c);
    // While playing, only charts on (or near) the screen are drawn; the others when they scroll into
    // view (the observer schedules a render). When paused everything is drawn — the "More panels" rows
    // (far below the first screen) only once the page is idle, so they never delay the first screen.
    // Without an IntersectionObserver everything counts as visible.
    if (layout === "rows" && !idle) {
      if (!idleAsked) {
        idleAsked = true;
        (window.requestIdleCallback || setTimeout)(
          () => {
            idle = true;
            schedule();
          },
          { timeout: 1500 },
        );
      }
    }
    const onScreenOnly = (controller.playing && painted) || (layout === "rows" && !idle);
    const todo = onScreenOnly ? all.filter(([id]) => visible.has(id)) : all;
    if (todo.some(([id, key]) => drawn.get(id) !== key)) {
      lastCharts = t0;
      // the figure's first paint draws every chart at once (the first screen); later frames keep to the
      // budget
      const budget = controller.playing && (painted || layout !== "columns") ? BUDGET_MS : Infinity;
      let n = 0;
      for (let i = 0; i < todo.length && (n === 0 || performance.now() - t0 < budget); i++) {
        const [id, key, fn] = todo[(rr + i) % todo.length];
        if (drawn.get(id) === key) continue;
        const tj = performance.now();
        fn();
        const times = (jobTimes[id.split("/")[0]] ||= []);
        times.push(performance.now() - tj);
        if (times.length > 200) times.shift();
        drawn.set(id, key);
        n++;
      }
      rr = (rr + n) % Math.max(1, todo.length);
      if (todo.some(([id, key]) => drawn.get(id) !== key)) schedule();
      if (!painted) {
        painted = true;
        onFirstPaint();
      }
    }
    if (charts.inspector || charts.landscape) {
      if (controller.playing) markOndemandStale();
      else {
        clearTimeout(ondemandTimer);
        ondemandTimer = setTimeout(runOndemand, 150);
      }
    }
  }

  function markOndemandStale() {
    for (const id of ["inspector", "landscape"]) {
      if (!charts[id]) continue;
      for (const side of SIDES) {
        if (ondemand[id].get(side) !== "playing") {
          ondemand[id].set(side, "playing");
          cells[id][side].extra.textContent = t("ondemand.paused");
        }
      }
    }
  }

  async function runOndemand() {
    const src = controller.source;
    if (!src || controller.playing) return;
    const step = src.history.record(controller.cursor).step;
    for (const id of ["inspector", "landscape"]) {
      if (!charts[id]) continue;
      for (const [k, side] of SIDES.entries()) {
        const key = `${src.kind}:${src.id}:${step}`;
        if (ondemand[id].get(side) === key) continue;
        ondemand[id].set(side, key);
        const extra = cells[id][side].extra;
        if (src.kind !== "live") {
          charts[id][side].reset();
          extra.textContent = t("status.needsPythonPanel");
          continue;
        }
        extra.textContent = t(id === "inspector" ? "insp.loading" : "land.loading");
        try {
          const data = await src[PANELS[id].ondemand](step, k);
          if (id === "landscape") await loadPlotly();
          if (controller.source !== src || controller.playing || !charts[id]) {
            ondemand[id].delete(side);
            return;
          }
          charts[id][side].update(data);
          extra.textContent =
            id === "landscape"
              ? t("land.note", { step: String(step), how: t(`land.${data.how}`) })
              : t("insp.at", { step: String(step) });
        } catch (e) {
          extra.textContent = t("error.python", { message: e.message });
        }
      }
    }
  }

  return {
    schedule,
    /** Redraw everything (settings, language or source changed). */
    invalidate() {
      drawn.clear();
      ondemand.inspector.clear();
      ondemand.landscape.clear();
      schedule();
    },
    /** Rebuild the panels (the panel list changed). */
    rebuild() {
      shownIds = "";
      schedule();
    },
    /** Every chart on screen shows the current step (off-screen ones catch up when seen). */
    drawnAll: () => !controller.source || jobs(context()).every(([id, key]) => drawn.get(id) === key),
    get charts() {
      return charts;
    },
    get cells() {
      return cells;
    },
    jobTimes: () =>
      Object.fromEntries(
        Object.entries(jobTimes).map(([k, v]) => [k, [...v].sort((a, b) => a - b)[v.length >> 1]]),
      ),
  };
}

/** plotly.js (only the loss landscape and the chapter experiments use it) lives at a versioned path
 * that the build records in build-manifest.json; loaded once, on first use. */
let plotlyPromise = null;
export function loadPlotly() {
  if (globalThis.Plotly) return Promise.resolve();
  plotlyPromise ||= fetch("build-manifest.json", { cache: "no-cache" })
    .then((r) => r.json())
    .then(
      (manifest) =>
        new Promise((resolve, reject) => {
          const s = document.createElement("script");
          s.src = manifest.plotly;
          s.onload = resolve;
          s.onerror = () => reject(new Error(`could not load ${manifest.plotly}`));
          document.head.append(s);
        }),
    );
  return plotlyPromise;
}
