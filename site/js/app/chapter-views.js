// chapter-views.js: the chapters' experiments that need more than the figure's two runs (an ε sweep,
// restarts, signal propagation, …), shown inside the chapter's section of the story.
//
// Each view kind has
//   load(py, view, entry, changed) -> Promise   computes with pyinit in the worker, fills entry.data
//   build(container, entry, ctx) -> update()    draws charts + a result line + a table of the numbers
// The numbers are computed in the browser by the same pyinit functions the tests run natively.
// Results are kept per chapter (they do not depend on the language), so a language switch only
// redraws. Nothing animates by itself; the long experiment runs only on request.
import { t } from "../platform/i18n.js";
import { loadPlotly } from "./figure.js";
import { createLinesChart } from "../charts/tourlines.js";
import { createSmallMaps } from "../charts/smallmaps.js";
import { el, num, int, pct, pow10, list, dataTable } from "../platform/dom.js";

const chartBox = (id, title) => {
  const plot = el("div", { class: "plot", id, role: "img", "aria-label": title });
  return [el("figure", { class: "view-figure" }, el("figcaption", { class: "view-caption" }, title), plot), plot];
};
const resultLine = () => el("p", { class: "view-result", "aria-live": "polite" });

// ------------------------------------------------------------------------------------ chapter 4
const stuck = {
  async load(py, view, entry) { entry.data = await py.call("tour.stuck", { view }); },
  build(container, entry) {
    const d = entry.data;
    const L = d.layers;
    const layerName = (l) => (l === L - 1 ? t("view.stuck.output") : t("view.stuck.layer", { l: l + 1 }));
    const head = [t("view.stuck.activation"), ...Array.from({ length: L }, (_, l) => layerName(l)), t("view.stuck.bias")];
    const rows = d.runs.map((r) => [t(`choice.activation.${r.activation}`),
      ...r.first_moving.map((s) => (s === null ? t("view.stuck.never") : t("view.stuck.step", { step: String(s) }))),
      Array.from(r.db_out).some((v) => v !== 0) ? t("view.stuck.yes") : t("view.stuck.no")]);
    // the caption is a paragraph outside the scrolling box, so it wraps on phones
    const caption = el("p", { class: "view-caption", id: "view-stuck-caption" }, t("view.stuck.caption", { steps: String(d.steps.length - 1) }));
    const table = el("table", { class: "data-table", id: "view-stuck-table", "aria-labelledby": "view-stuck-caption" },
      el("thead", {}, el("tr", {}, head.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows.map((r) => el("tr", {}, r.map((c, i) => el(i ? "td" : "th", i ? {} : { scope: "row" }, c))))));
    const [fig, plot] = chartBox("view-stuck-chart", t("view.stuck.chart"));
    const result = resultLine();
    container.append(caption, el("div", { class: "table-scroll" }, table), fig, result);
    const chart = createLinesChart(plot, { xTitle: t("axis.step"), yTitle: "‖dW‖", yLog: true });
    const sig = d.runs.find((r) => r.activation === "sigmoid");
    const steps = Array.from(d.steps);
    chart.update({ series: Array.from({ length: L }, (_, l) => ({
      name: layerName(l), x: steps, y: steps.map((_, i) => sig.dW[i * L + l]), mode: "lines+markers", style: l })) });
    const hidden = [];
    for (let l = L - 2; l >= 0; l--) hidden.push(t("view.stuck.layerAt", { l: l + 1, step: String(sig.first_moving[l]) }));
    result.textContent = t("view.stuck.result", { out: String(sig.first_moving[L - 1]), hidden: list(hidden) });
    return () => {};
  },
};

// ------------------------------------------------------------------------------------ chapter 5
const noise = {
  async load(py, view, entry) { entry.data = await py.call("tour.eps_sweep", { view }); },
  build(container, entry) {
    const d = entry.data;
    const K = d.eps.length;
    const R = d.steps.length;
    const [figA, plotA] = chartBox("view-noise-break", t("view.noise.breakChart"));
    const [figB, plotB] = chartBox("view-noise-curves", t("view.noise.curves"));
    const result = resultLine();
    const rows = d.eps.map((e, k) => [pow10(e), d.break_step[k] === null ? t("view.noise.never", { steps: int(R - 1) }) : int(d.break_step[k]),
      num(d.final_loss[k])]);
    container.append(el("div", { class: "view-grid" }, figA, figB), result,
      dataTable({ caption: t("view.noise.breakChart"), head: [t("view.noise.eps"), t("view.noise.break"), t("view.noise.finalLoss")],
        rows, summary: t("tour.table"), id: "view-noise-table" }));
    const ok = d.eps.map((e, k) => k).filter((k) => d.break_step[k] !== null);
    const series = [{ name: t("view.noise.break"), x: ok.map((k) => d.eps[k]), y: ok.map((k) => d.break_step[k]),
      mode: "markers", style: 0, labels: ok.map((k) => int(d.break_step[k])) }];
    if (d.fit) {
      series.push({ name: t("view.noise.fit"), x: d.eps, y: d.eps.map((e) => d.fit.slope * Math.log10(1 / e) + d.fit.intercept),
        mode: "lines", style: -1, dash: "dash" });
    }
    createLinesChart(plotA, { xTitle: t("view.noise.eps"), yTitle: t("view.noise.break"), xLog: true, xReversed: true })
      .update({ series });
    const stride = Math.max(1, Math.ceil(R / 400));
    const idx = [];
    for (let i = 0; i < R; i += stride) idx.push(i);
    if (idx[idx.length - 1] !== R - 1) idx.push(R - 1);
    createLinesChart(plotB, { xTitle: t("axis.step"), yTitle: "S", yLog: true, dashes: true }).update({
      series: d.eps.map((e, k) => ({ name: "ε = " + pow10(e), x: idx.map((i) => d.steps[i]), y: idx.map((i) => d.symmetry[i * K + k]), style: k })),
      hlines: [{ y: d.tau, label: t("view.noise.tau", { tau: num(d.tau) }) }],
    });
    result.textContent = t("view.noise.result", {
      tau: num(d.tau), list: list(ok.map((k) => `${pow10(d.eps[k])}: ${int(d.break_step[k])}`)),
      perDecade: d.fit ? int(Math.round(d.fit.slope)) : "–", r2: d.fit ? num(d.fit.r2, 4) : "–",
    });
    return () => {};
  },
};

// ------------------------------------------------------------------------------------ chapter 6
const restarts = {
  async load(py, view, entry) { entry.data = await py.call("tour.restarts", { view }); },
  build(container, entry, ctx) {
    const d = entry.data;
    const G = d.grid.xs.length;
    const K = d.seeds.length;
    const mapsBox = el("div", { id: "view-restarts-maps" });
    const [fig, plot] = chartBox("view-restarts-loss", t("view.restarts.lossChart"));
    const result = resultLine();
    const rows = d.seeds.map((s, k) => [String(s), num(d.final_loss[k]), pct(d.final_accuracy[k])]);
    container.append(el("figure", { class: "view-figure" }, el("figcaption", { class: "view-caption" }, t("view.restarts.maps")), mapsBox),
      fig, result, dataTable({ caption: t("view.restarts.lossChart"), head: [t("view.restarts.seed"), t("axis.loss"), t("axis.accuracy")],
        rows, summary: t("tour.table"), id: "view-restarts-table" }));
    createSmallMaps(mapsBox).update({
      xs: d.grid.xs, ys: d.grid.ys, X: d.X, y: d.y,
      maps: d.seeds.map((s, k) => ({ p: d.grid.p.subarray(k * G * G, (k + 1) * G * G),
        caption: t("view.restarts.cell", { seed: String(s), loss: num(d.final_loss[k], 3), acc: pct(d.final_accuracy[k]) }) })),
    });
    createLinesChart(plot, { xTitle: t("view.restarts.seed"), yTitle: t("axis.loss"), legend: false, height: 220 }).update({
      series: [{ name: t("axis.loss"), x: d.seeds, y: d.final_loss, mode: "markers", style: 0 }] });
    const sorted = [...d.final_loss].sort((a, b) => a - b);
    const distinct = new Set(d.final_loss.map((v) => v.toFixed(2))).size;
    result.textContent = t("view.restarts.result", { steps: int(ctx.view.steps), min: num(sorted[0], 3), max: num(sorted[K - 1], 3), distinct: String(distinct) });
    return () => {};
  },
};

// ------------------------------------------------------------------------------------ chapter 7
const signal = {
  async load(py, view, entry) { entry.data = await py.call("tour.signal", { view }); entry.activation = entry.activation || "relu"; },
  build(container, entry) {
    const d = entry.data;
    const name = "signal-act";
    const radios = el("fieldset", { class: "view-radios" }, el("legend", {}, t("view.signal.activation")),
      d.activations.map((a) => el("label", {}, el("input", { type: "radio", name, value: a, checked: a === entry.activation }), " ", t(`choice.activation.${a}`))));
    const [figA, plotA] = chartBox("view-signal-act", t("view.signal.act"));
    const [figB, plotB] = chartBox("view-signal-grad", t("view.signal.grad"));
    const result = resultLine();
    const tables = el("div", { class: "view-tables" });
    container.append(radios, el("div", { class: "view-grid" }, figA, figB), result, tables);
    const chartA = createLinesChart(plotA, { xTitle: t("view.signal.layer"), yTitle: t("view.signal.std"), yLog: true });
    const chartB = createLinesChart(plotB, { xTitle: t("view.signal.layer"), yTitle: t("view.signal.std"), yLog: true });
    const layers = Array.from({ length: d.depth }, (_, i) => i + 1);
    function draw() {
      const runs = d.runs.filter((r) => r.activation === entry.activation);
      const label = (r) => t(`view.signal.init.${r.init}`);
      chartA.update({ series: runs.map((r, k) => ({ name: label(r), x: layers, y: r.activation_std, style: k, mode: "lines+markers" })) });
      chartB.update({ series: runs.map((r, k) => ({ name: label(r), x: layers, y: r.gradient_std, style: k, mode: "lines+markers" })) });
      result.textContent = t("view.signal.result", { act: t(`choice.activation.${entry.activation}`), last: String(d.depth),
        list: list(runs.map((r) => `${label(r)}: ${num(r.activation_std[d.depth - 1] / r.activation_std[0], 3)}`)) });
      const head = [t("view.signal.layer"), ...runs.map(label)];
      tables.replaceChildren(
        dataTable({ caption: t("view.signal.act"), head, rows: layers.map((l) => [String(l), ...runs.map((r) => num(r.activation_std[l - 1], 3))]),
          summary: `${t("tour.table")}: ${t("view.signal.act")}`, id: "view-signal-act-table" }),
        dataTable({ caption: t("view.signal.grad"), head, rows: layers.map((l) => [String(l), ...runs.map((r) => num(r.gradient_std[l - 1], 3))]),
          summary: `${t("tour.table")}: ${t("view.signal.grad")}`, id: "view-signal-grad-table" }));
    }
    radios.addEventListener("change", (ev) => { entry.activation = ev.target.value; draw(); });
    draw();
    return () => {};
  },
};

// ------------------------------------------------------------------------------------ chapter 8
const CHUNK = 500;
const reproduce = {
  manual: true, // runs only when asked: 15,000 steps take seconds to a minute
  async load(py, view, entry, changed) {
    entry.stop = false;
    let frame = await py.call("tour.reproduce_start", { view });
    entry.data = frame;
    changed();
    try {
      while (frame.step < view.steps && !entry.stop) {
        frame = await py.call("tour.reproduce_step", { id: frame.id, n: Math.min(CHUNK, view.steps - frame.step) });
        entry.data = frame;
        changed();
      }
    } finally {
      py.call("tour.reproduce_dispose", { id: frame.id }).catch(() => {});
    }
    entry.stopped = frame.step < view.steps;
  },
  build(container, entry, ctx) {
    const { view } = ctx;
    const runBtn = el("button", { type: "button", class: "primary", id: "view-reproduce-run" }, t("view.reproduce.run", { steps: int(view.steps) }));
    const stopBtn = el("button", { type: "button", id: "view-reproduce-stop", hidden: true }, t("view.reproduce.stop"));
    const status = el("p", { class: "view-status", role: "status" });
    const [figA, plotA] = chartBox("view-reproduce-acc", t("axis.accuracy"));
    const [figB, plotB] = chartBox("view-reproduce-loss", t("axis.loss"));
    const result = resultLine();
    const tableBox = el("div");
    const grid = el("div", { class: "view-grid", hidden: true }, figA, figB); // shown once there is data
    container.append(el("p", { class: "view-hint" }, t("view.reproduce.hint")), el("div", { class: "view-actions" }, runBtn, stopBtn), status,
      grid, result, tableBox);
    runBtn.addEventListener("click", () => ctx.run());
    stopBtn.addEventListener("click", () => { entry.stop = true; });
    let accChart = null, lossChart = null;
    return function update() {
      const d = entry.data;
      const running = entry.status === "loading";
      runBtn.disabled = running || !ctx.pyReady();
      stopBtn.hidden = !running;
      if (running && d) status.textContent = t("view.reproduce.running", { step: int(d.step), steps: int(view.steps) });
      else if (entry.status === "error") status.textContent = t("tour.failed", { message: entry.error });
      else status.textContent = ctx.pyReady() ? "" : t("tour.waiting");
      if (!d) return;
      grid.hidden = false;
      const K = d.inits.length;
      const steps = Array.from(d.steps);
      const names = d.inits.map((i) => t(`view.init.${i}`));
      const series = (arr) => names.map((nm, k) => ({ name: nm, x: steps, y: steps.map((_, r) => arr[r * K + k]), style: k === 0 ? 5 : 0, dash: k === 0 ? "dash" : "solid" }));
      if (!accChart) {
        accChart = createLinesChart(plotA, { xTitle: t("axis.step"), yTitle: t("axis.accuracy"), yRange: [0.4, 1.02], yPercent: true });
        lossChart = createLinesChart(plotB, { xTitle: t("axis.step"), yTitle: t("axis.loss") });
      }
      accChart.update({ series: series(d.accuracy) });
      lossChart.update({ series: series(d.loss) });
      const done = entry.status === "done";
      result.textContent = done ? t("view.reproduce.result", { steps: int(d.step),
        zero_acc: pct(d.final_accuracy[0]), zero_loss: num(d.final_loss[0]), he_acc: pct(d.final_accuracy[1]), he_loss: num(d.final_loss[1]) }) : "";
      if (done) {
        tableBox.replaceChildren(dataTable({ caption: t("view.reproduce.chart"), head: [t("view.signal.init"), t("axis.accuracy"), t("axis.loss")],
          rows: names.map((nm, k) => [nm, pct(d.final_accuracy[k]), num(d.final_loss[k])]), summary: t("tour.table"), id: "view-reproduce-table" }));
      }
    };
  },
};

export const VIEWS = { stuck, eps_sweep: noise, restarts, signal, reproduce };

/**
 * mountChapterView(box, {view, python}) -> {render()}: the experiment `view` (a chapter's view spec,
 * with `lab`: the chapter's full settings) in `box`, computed once Python is ready (python.start()
 * resolves), redrawn in the current language by render().
 */
export function mountChapterView(box, { view, python }) {
  const kind = VIEWS[view.kind];
  const entry = { status: "idle", data: null, error: null };
  let update = null;
  const title = el("h3", { class: "view-title" });
  const status = el("p", { class: "view-status", role: "status" });
  const body = el("div", { class: "view-body" });
  box.replaceChildren(title, status, body);
  const ctx = { view, pyReady: () => python.ready, run: () => start() };

  function paint() {
    box.dataset.status = entry.status;
    title.textContent = t("tour.view");
    if (entry.status === "loading" && !kind.manual) status.textContent = t("tour.computing");
    else if (entry.status === "error") status.textContent = t("tour.failed", { message: entry.error });
    else if (entry.status === "idle" && !python.ready) status.textContent = python.failed ? t("tour.noPython") : t("tour.waiting");
    else status.textContent = "";
    if (kind.manual || entry.status === "done") {
      if (!update) { body.replaceChildren(); update = kind.build(body, entry, ctx); }
      update();
    }
  }
  async function start() {
    if (entry.status === "loading") return;
    entry.status = "loading";
    entry.error = null;
    paint();
    try {
      await python.start();
      await loadPlotly();
      await kind.load(python.py, view, entry, paint);
      entry.status = "done";
    } catch (e) {
      entry.status = "error";
      entry.error = e.message;
    }
    paint();
  }
  if (!kind.manual) {
    // computed when the chapter comes near the screen, not all at page load
    const io = new IntersectionObserver((es) => { if (es.some((e) => e.isIntersecting)) { io.disconnect(); start(); } }, { rootMargin: "300px 0px" });
    io.observe(box);
  }
  paint();
  return { render() { update = null; paint(); } };
}
