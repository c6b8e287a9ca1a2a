// chapter-views.js: the chapters' experiments that need more than the figure's two runs (which layer
// is zero, optimizers, escape from the saddle, the four outcomes, restarts, signal, …), shown inside
// the chapter's section of the story.
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
// Results are kept per chapter (they do not depend on the language), so a language switch only
// redraws. Colors never carry meaning alone: markers, dashes and words do.
import { t } from "../platform/i18n.js";
import { loadPlotly } from "./figure.js";
import { createLinesChart, SYMBOLS } from "../charts/tourlines.js";
import { createSmallMaps } from "../charts/smallmaps.js";
import { OKABE_ITO } from "../charts/common.js";
import { el, num, int, pct, pow10, list, dataTable, scrollBox } from "../platform/dom.js";

export const VIEW_BASE = "data/chapters/";
const RECOMPUTE_TIMEOUT_MS = 600_000; // the slowest (escape) takes about a minute in the browser

const chartBox = (id, title) => {
  const plot = el("div", { class: "plot", id, role: "img", "aria-label": title });
  return [el("figure", { class: "view-figure" }, el("figcaption", { class: "view-caption" }, title), plot), plot];
};
const resultLine = () => el("p", { class: "view-result", "aria-live": "polite" });
const arr = (a) => Array.from(a);
const col = (flat, R, K, k) => Array.from({ length: R }, (_, r) => flat[r * K + k]);
const yesNo = (b) => t(b ? "view.stuck.yes" : "view.stuck.no");
/** "50%" when all values format alike, else "69.5–70%" style "lo–hi" (each formatted by fmt). */
function range(values, fmt) {
  const ok = values.filter(Number.isFinite);
  if (!ok.length) return "–";
  const lo = fmt(Math.min(...ok)), hi = fmt(Math.max(...ok));
  return lo === hi ? lo : `${lo} – ${hi}`;
}

/**
 * A table that is the view itself (not hidden in a disclosure): a caption paragraph (it wraps on
 * phones) and the table in a scrolling box. A row: cells, or {group: text} (a heading row across the
 * table). Cells: a string, or {text, sub, rowspan, header, cls} (sub: a second, smaller line; header:
 * a row header <th>). The first cell of a row is a row header unless it is an object with header: false.
 */
function viewTable({ id, caption, head, rows }) {
  const capId = `${id}-caption`;
  const cell = (c, i) => {
    const o = typeof c === "object" && c !== null ? c : { text: c };
    const isHead = o.header ?? i === 0;
    return el(isHead ? "th" : "td", { scope: isHead ? "row" : null, rowspan: o.rowspan, class: o.cls },
      o.text, o.sub ? el("span", { class: "cell-sub" }, o.sub) : null);
  };
  const row = (r) => (r.group !== undefined
    ? el("tr", { class: "group-row" }, el("th", { scope: "colgroup", colspan: head.length }, r.group))
    : el("tr", {}, r.map(cell)));
  const table = el("table", { class: "data-table view-table", id, "aria-labelledby": capId },
    el("thead", {}, el("tr", {}, head.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows.map(row)));
  return [el("p", { class: "view-caption", id: capId }, caption), scrollBox(table, capId)];
}

// ------------------------------------------------------------------------------------ layers
const layers = {
  build(container, entry, ctx) {
    const d = entry.data;
    const run = (a, c) => d.runs.find((r) => r.activation === a && r.case === c);
    const verdict = (r) => (!r.moved ? "frozen" : r.distinct.length && r.distinct.every((u) => u === 1) ? "clones" : "learns");
    const rows = d.cases.map((c) => [t(`view.layers.case.${c}`), ...d.activations.map((a) => {
      const r = run(a, c), v = verdict(r);
      const word = t(`view.layers.${v}`);
      return { text: pct(r.final_accuracy), cls: "verdict-" + v, sub: word + " · " + t("view.layers.units", { n: r.distinct.join(", ") }) };
    })]);
    const result = resultLine();
    container.append(...viewTable({ id: "view-layers-table", caption: t("view.layers.caption", { steps: int(ctx.view.steps ?? d.steps[d.steps.length - 1]) }),
      head: [t("view.layers.zero"), ...d.activations.map((a) => t(`choice.activation.${a}`))], rows }), result);
    const acc = (a, c) => pct(run(a, c).final_accuracy);
    result.textContent = t("view.layers.result", { reluFirst: acc("relu", "zeros_first"), tanhFirst: acc("tanh", "zeros_first"),
      tanhLast: acc("tanh", "zeros_last"), reluLast: acc("relu", "zeros_last") });
    return () => {};
  },
};

// ------------------------------------------------------------------------------------ optimizers
const optimizers = {
  build(container, entry, ctx) {
    const d = entry.data;
    const run = (o, i) => d.runs.find((r) => r.optimizer === o && r.init === i);
    const optName = (o) => t(`view.optimizers.opt.${o}`);
    const initName = (i) => t(`view.optimizers.init.${i}`);
    const rows = [];
    for (const o of d.optimizers) {
      rows.push({ group: `${optName(o)} (${t("view.optimizers.lr", { lr: num(run(o, d.inits[0]).lr) })})` });
      for (const i of d.inits) {
        const r = run(o, i);
        rows.push([initName(i), pct(r.final_accuracy), yesNo(r.weights_zero),
          r.max_symmetry === null ? "–" : r.max_symmetry === 0 ? yesNo(true) : { text: yesNo(false), sub: t("view.optimizers.sMax", { s: num(r.max_symmetry, 3) }) }]);
      }
    }
    const result = resultLine();
    container.append(...viewTable({ id: "view-optimizers-table", caption: t("view.optimizers.caption", { steps: int(ctx.view.steps ?? 600), beta: num(ctx.view.momentum ?? 0.9) }),
      head: [t("view.optimizers.start"), t("axis.accuracy"), t("view.optimizers.weightsZero"), t("view.optimizers.sZero")],
      rows }), result);
    const of = (i) => d.optimizers.map((o) => run(o, i));
    const accs = (i) => range(of(i).map((r) => r.final_accuracy), pct);
    const constant = d.inits.find((i) => i.startsWith("constant")) || d.inits[1];
    const random = d.inits[d.inits.length - 1];
    result.textContent = t("view.optimizers.result", {
      zeros: of("zeros").every((r) => r.weights_zero) ? t("view.optimizers.allZero") : t("view.optimizers.notAllZero"),
      zerosAcc: accs("zeros"), constantName: initName(constant), constant: accs(constant), xavier: accs(random),
      sZero: of(constant).every((r) => r.max_symmetry === 0) ? t("view.optimizers.sStays") : t("view.optimizers.sBreaks"),
    });
    return () => {};
  },
};

// ------------------------------------------------------------------------------------ escape
// Runs that never escaped are drawn above the budget line, one row per depth (their own marker,
// open), with the hover text and the table saying "did not escape within N steps".
const OPEN = ["circle-open", "square-open", "diamond-open", "triangle-up-open"];
const escape = {
  build(container, entry) {
    const d = entry.data;
    const E = d.eps.length;
    const [fig, plot] = chartBox("view-escape-chart", t("view.escape.chart"));
    const result = resultLine();
    const layersName = (h) => t(h === 1 ? "view.escape.layer1" : "view.escape.layers", { n: String(h) });
    const never = t("view.escape.never", { steps: int(d.budget) });
    const rows = d.eps.map((e, k) => [pow10(e), ...d.depths.map((_, i) => (d.escape[i][k] === null ? "—" : int(d.escape[i][k])))]);
    rows.push([t("view.escape.order"), ...d.grad_order.map((g) => (g === null ? "–" : num(g, 3)))]);
    container.append(fig, result, dataTable({ caption: t("view.escape.tableCaption", { steps: int(d.budget) }),
      head: ["ε", ...d.depths.map(layersName)], rows, summary: t("tour.table"), id: "view-escape-table" }));
    const series = [];
    const over = { x: [], y: [], symbol: [], colors: [], hover: [] };
    const fit1 = d.fit && d.fit["1"];
    d.depths.forEach((h, i) => {
      const ok = d.eps.map((_, k) => k).filter((k) => d.escape[i][k] !== null);
      // one layer: markers only, the fitted line through them is drawn below
      series.push({ name: layersName(h), x: ok.map((k) => d.eps[k]), y: ok.map((k) => d.escape[i][k]), mode: h === 1 && fit1 ? "markers" : "lines+markers", style: i,
        hover: ok.map((k) => `${t("view.escape.step")} ${int(d.escape[i][k])}`) });
      for (let k = 0; k < E; k++) {
        if (d.escape[i][k] !== null) continue;
        // above the budget line, one row per depth, the depth's marker drawn open
        over.x.push(d.eps[k]); over.y.push(d.budget * 1.3 ** (i + 1)); over.symbol.push(OPEN[i % OPEN.length]);
        over.colors.push(OKABE_ITO[i % OKABE_ITO.length]); over.hover.push(`${layersName(h)}: ${never}`);
      }
    });
    if (over.x.length) series.push({ name: t("view.escape.notEscaped"), ...over, mode: "markers", style: 7 });
    const i1 = d.depths.indexOf(1);
    const fit = d.fit && d.fit["1"];
    if (fit && i1 >= 0) {
      const xs = d.eps.filter((_, k) => d.escape[i1][k] !== null);
      series.push({ name: t("view.escape.fit"), x: xs, y: xs.map((e) => fit.slope * Math.log10(1 / e) + fit.intercept), mode: "lines", style: -1, dash: "dash" });
    }
    createLinesChart(plot, { xTitle: t("view.escape.eps"), yTitle: t("view.escape.step"), xLog: true, yLog: true, xReversed: true, decades: true, height: 380 })
      .update({ series, hlines: [{ y: d.budget, label: t("view.escape.budget", { steps: int(d.budget) }), dash: "dash", left: true }] });
    const sentences = [];
    if (i1 >= 0) {
      const ok = d.eps.map((_, k) => k).filter((k) => d.escape[i1][k] !== null);
      const [a, b] = [ok[0], ok[ok.length - 1]];
      if (ok.length) {
        sentences.push(t("view.escape.result", { n: String(ok.length), of: String(E), first: int(d.escape[i1][a]), epsFirst: pow10(d.eps[a]),
          last: int(d.escape[i1][b]), epsLast: pow10(d.eps[b]), perDecade: fit ? int(Math.round(fit.slope)) : "–", r2: fit ? num(fit.r2, 4) : "–" }));
      }
    }
    d.depths.forEach((h, i) => {
      if (h === 1) return;
      const ok = d.eps.map((_, k) => k).filter((k) => d.escape[i][k] !== null);
      sentences.push(t("view.escape.deeper", { layers: layersName(h), n: String(ok.length), of: String(E), steps: int(d.budget),
        list: ok.length ? list(ok.map((k) => `${pow10(d.eps[k])}: ${int(d.escape[i][k])}`)) : "–" }));
    });
    sentences.push(t("view.escape.saddle", { orders: list(d.grad_order.map((g) => (g === null ? "–" : num(g, 2)))), depths: list(d.depths.map(String)) }));
    result.textContent = sentences.join(" ");
    return () => {};
  },
};

// ------------------------------------------------------------------------------------ outcomes
/** A small SVG of one loss curve (log scale, its own range) with its first and last values. */
function sparkline(steps, loss, label) {
  const W = 160, H = 44, pad = 3;
  const pts = steps.map((s, i) => [s, loss[i]]).filter(([, v]) => v !== null && Number.isFinite(v) && v > 0);
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("class", "spark");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  if (pts.length < 2) return svg;
  const lx = pts.map(([, v]) => Math.log10(v));
  let lo = Math.min(...lx), hi = Math.max(...lx);
  if (hi - lo < 0.05) { lo -= 0.5; hi += 0.5; }
  const x0 = steps[0], x1 = steps[steps.length - 1] || 1;
  const px = (s) => pad + ((s - x0) / (x1 - x0 || 1)) * (W - 2 * pad);
  const py = (l) => H - pad - ((l - lo) / (hi - lo)) * (H - 2 * pad);
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  line.setAttribute("points", pts.map(([s], i) => `${px(s).toFixed(1)},${py(lx[i]).toFixed(1)}`).join(" "));
  line.setAttribute("class", "spark-line");
  svg.append(line);
  const last = pts[pts.length - 1];
  if (last[0] < x1) { // the curve stops (diverged): a cross where it ended
    const x = px(last[0]), y = py(lx[lx.length - 1]);
    const mark = document.createElementNS("http://www.w3.org/2000/svg", "path");
    mark.setAttribute("d", `M${x - 4},${y - 4}L${x + 4},${y + 4}M${x + 4},${y - 4}L${x - 4},${y + 4}`);
    mark.setAttribute("class", "spark-end");
    svg.append(mark);
  }
  return svg;
}

const outcomes = {
  build(container, entry, ctx) {
    const d = entry.data;
    entry.activation ||= d.activations.includes(ctx.preset.activation) ? ctx.preset.activation : d.activations[0];
    // runs are activation-major, in the order of d.inits ("random" resolves to He or Xavier: r.init)
    const specOf = (r) => d.inits[d.runs.filter((x) => x.activation === r.activation).indexOf(r)];
    const initName = (r) => {
      const spec = specOf(r);
      return spec === "random" ? t("view.outcomes.init.random", { init: t(`view.signal.init.${r.init}`) }) : t(`view.outcomes.init.${spec}`);
    };
    const word = (r) => t(`view.outcomes.word.${r.outcome}`);
    const radios = el("fieldset", { class: "view-radios" }, el("legend", {}, t("view.signal.activation")),
      d.activations.map((a) => el("label", {}, el("input", { type: "radio", name: "outcomes-act", value: a, checked: a === entry.activation }), " ", t(`choice.activation.${a}`))));
    const cards = el("div", { class: "outcome-cards", id: "view-outcomes-cards" });
    const result = resultLine();
    const steps = arr(d.steps);
    const lastStep = steps[steps.length - 1];
    const lossTo = (r) => (r.diverged !== null ? "∞" : num(r.final_loss, 3));
    const final = (r) => (r.diverged !== null ? t("view.outcomes.divergedAt", { step: int(r.diverged) }) : t("view.outcomes.final", { acc: pct(r.final_accuracy) }));
    const dataset = (r) => (r.dataset !== d.runs[0].dataset ? " (" + t(`choice.dataset.${r.dataset}`) + ")" : "");
    const rows = [];
    for (const a of d.activations) {
      const runs = d.runs.filter((r) => r.activation === a);
      rows.push({ group: t(`choice.activation.${a}`) + dataset(runs[0]) });
      for (const r of runs) rows.push([initName(r), word(r), `${num(r.loss0, 3)} → ${lossTo(r)}`,
        r.diverged !== null ? t("view.outcomes.divergedAt", { step: int(r.diverged) }) : pct(r.final_accuracy)]);
    }
    const [cap, scroll] = viewTable({ id: "view-outcomes-table", caption: t("view.outcomes.tableCaption", { steps: int(lastStep) }),
      head: [t("view.outcomes.start"), t("view.outcomes.outcome"), t("view.outcomes.lossCol"), t("view.outcomes.accCol")], rows });
    container.append(radios, el("p", { class: "view-caption" }, t("view.outcomes.caption", { steps: int(lastStep),
      layers: String(ctx.preset.layers ?? "–"), width: String(ctx.preset.width ?? "–"), lr: num(ctx.preset.lr ?? NaN) })), cards, result,
    el("details", { class: "table-details" }, el("summary", {}, t("tour.table")), cap, scroll));
    function draw() {
      const runs = d.runs.filter((r) => r.activation === entry.activation);
      cards.replaceChildren(...runs.map((r) => el("figure", { class: "outcome-card", "data-outcome": r.outcome },
        el("figcaption", {}, el("span", { class: "outcome-init" }, initName(r)), el("strong", { class: "outcome-word" }, word(r))),
        sparkline(steps, r.loss, t("view.outcomes.spark", { init: initName(r), from: num(r.loss0, 3), to: lossTo(r) })),
        el("p", { class: "outcome-nums" }, t("view.outcomes.lossFromTo", { from: num(r.loss0, 3), to: lossTo(r) }), el("br"), final(r) + dataset(r)))));
      const learning = runs.find((r) => r.outcome === "learning");
      const big = runs[runs.length - 1];
      const why = { saturated: () => t("view.outcomes.whySaturated", { p: pct(big.saturated0) }), dead: () => t("view.outcomes.whyDead", { p: pct(big.dead) }),
        diverged: () => t("view.outcomes.whyDiverged", { step: int(big.diverged) }) }[big.outcome];
      result.textContent = [t("view.outcomes.result", { act: t(`choice.activation.${entry.activation}`) + dataset(runs[0]),
        list: list(runs.map((r) => initName(r) + " → " + word(r))) }), why ? why() : "",
      learning ? t("view.outcomes.learns", { acc: pct(learning.final_accuracy) }) : ""].filter(Boolean).join(" ");
    }
    radios.addEventListener("change", (ev) => { entry.activation = ev.target.value; draw(); });
    draw();
    return () => {};
  },
};

// ------------------------------------------------------------------------------------ variance
const variance = {
  build(container, entry) {
    const d = entry.data;
    const name = (r) => t("view.variance.run", { act: t(`choice.activation.${r.activation}`), init: t(`view.signal.init.${r.init}`) });
    const layersN = Array.from({ length: d.depth }, (_, i) => i + 1);
    const [fig, plot] = chartBox("view-variance-chart", t("view.variance.chart"));
    const result = resultLine();
    const tables = d.runs.map((r, k) => dataTable({ caption: t("view.variance.tableCaption", { run: name(r) }),
      head: [t("view.signal.layer"), t("view.variance.measured"), t("view.variance.predicted"), t("view.variance.ratio")],
      rows: layersN.map((l) => [String(l), num(r.var_z[l - 1], 3), num(r.predicted[l - 1], 3), num(r.ratio[l - 1], 3)]),
      summary: `${t("tour.table")}: ${name(r)}`, id: `view-variance-table-${k}` }));
    container.append(fig, result, el("div", { class: "view-tables" }, tables));
    const series = [];
    d.runs.forEach((r, k) => {
      series.push({ name: name(r), x: layersN, y: r.var_z, mode: "markers", style: k, hover: r.var_z.map((v) => `${t("view.variance.measured")} ${num(v, 3)}`) });
      series.push({ name: `${name(r)}: ${t("view.variance.predicted")}`, x: layersN, y: r.predicted, mode: "lines", style: k,
        dash: ["dot", "dash", "dashdot"][k % 3], legend: false,
        hover: arr(r.predicted).map((v) => `${t("view.variance.predicted")} ${num(v, 3)}`) });
    });
    createLinesChart(plot, { xTitle: t("view.signal.layer"), yTitle: t("view.variance.axis"), yLog: true, decades: true, height: 300 }).update({ series });
    const ratios = d.runs.flatMap((r) => arr(r.ratio));
    const last = (r) => num(r.var_z[d.depth - 1], 3);
    const relu = d.runs.filter((r) => r.activation === "relu");
    // the inputs of layers 2.. are ReLU outputs (layer 1's are the standard-normal data)
    const aRatio = relu.flatMap((r) => arr(r.var_a).slice(1).map((v, i) => v / r.mean_sq_a[i + 1])).filter(Number.isFinite);
    result.textContent = t("view.variance.result", { min: num(Math.min(...ratios), 3), max: num(Math.max(...ratios), 3), depth: String(d.depth),
      list: list(d.runs.map((r) => `${name(r)} ${last(r)}`)) })
      + (aRatio.length ? " " + t("view.variance.relu", { lo: num(Math.min(...aRatio), 2), hi: num(Math.max(...aRatio), 2) }) : "");
    return () => {};
  },
};

// ------------------------------------------------------------------------------------ stuck
const stuck = {
  build(container, entry) {
    const d = entry.data;
    const L = d.layers;
    const layerName = (l) => (l === L - 1 ? t("view.stuck.output") : t("view.stuck.layer", { l: l + 1 }));
    const head = [t("view.stuck.activation"), ...Array.from({ length: L }, (_, l) => layerName(l)), t("view.stuck.bias")];
    const rows = d.runs.map((r) => [t(`choice.activation.${r.activation}`),
      ...r.first_moving.map((s) => (s === null ? t("view.stuck.never") : t("view.stuck.step", { step: String(s) }))),
      arr(r.db_out).some((v) => v !== 0) ? t("view.stuck.yes") : t("view.stuck.no")]);
    const [fig, plot] = chartBox("view-stuck-chart", t("view.stuck.chart"));
    const result = resultLine();
    container.append(...viewTable({ id: "view-stuck-table", caption: t("view.stuck.caption", { steps: String(d.steps.length - 1) }), head, rows }), fig, result);
    const chart = createLinesChart(plot, { xTitle: t("axis.step"), yTitle: "‖dW‖", yLog: true });
    const sig = d.runs.find((r) => r.activation === "sigmoid");
    const steps = arr(d.steps);
    chart.update({ series: Array.from({ length: L }, (_, l) => ({
      name: layerName(l), x: steps, y: steps.map((_, i) => sig.dW[i * L + l]), mode: "lines+markers", style: l })) });
    const hidden = [];
    for (let l = L - 2; l >= 0; l--) hidden.push(t("view.stuck.layerAt", { l: l + 1, step: String(sig.first_moving[l]) }));
    result.textContent = t("view.stuck.result", { out: String(sig.first_moving[L - 1]), hidden: list(hidden) });
    container.append(dataTable({ caption: t("view.stuck.chart"), head: [t("axis.step"), ...Array.from({ length: L }, (_, l) => layerName(l))],
      rows: steps.map((s, i) => [String(s), ...Array.from({ length: L }, (_, l) => num(sig.dW[i * L + l], 3))]),
      summary: t("tour.table"), id: "view-stuck-numbers" }));
    return () => {};
  },
};

// ------------------------------------------------------------------------------------ eps_sweep
// (no chapter shows it since "noise" shows escape; kept for a chapter whose view is an ε sweep)
const epsSweep = {
  build(container, entry) {
    const d = entry.data;
    const K = d.eps.length;
    const R = d.steps.length;
    const [figA, plotA] = chartBox("view-noise-break", t("view.noise.breakChart"));
    const [figB, plotB] = chartBox("view-noise-curves", t("view.noise.curves"));
    const result = resultLine();
    const rows = d.eps.map((e, k) => [pow10(e), d.break_step[k] === null ? t("view.noise.never", { steps: int(d.steps[R - 1]) }) : int(d.break_step[k]),
      num(d.final_loss[k])]);
    container.append(figA, figB, result,
      dataTable({ caption: t("view.noise.breakChart"), head: [t("view.noise.eps"), t("view.noise.break"), t("view.noise.finalLoss")],
        rows, summary: t("tour.table"), id: "view-noise-table" }));
    const ok = d.eps.map((e, k) => k).filter((k) => d.break_step[k] !== null);
    const series = [{ name: t("view.noise.break"), x: ok.map((k) => d.eps[k]), y: ok.map((k) => d.break_step[k]),
      mode: "markers", style: 0, labels: ok.map((k) => int(d.break_step[k])) }];
    if (d.fit) {
      series.push({ name: t("view.noise.fit"), x: d.eps, y: d.eps.map((e) => d.fit.slope * Math.log10(1 / e) + d.fit.intercept),
        mode: "lines", style: -1, dash: "dash" });
    }
    createLinesChart(plotA, { xTitle: t("view.noise.eps"), yTitle: t("view.noise.break"), xLog: true, xReversed: true }).update({ series });
    createLinesChart(plotB, { xTitle: t("axis.step"), yTitle: "S", yLog: true, dashes: true }).update({
      series: d.eps.map((e, k) => ({ name: "ε = " + pow10(e), x: arr(d.steps), y: col(d.symmetry, R, K, k), style: k })),
      hlines: [{ y: d.tau, label: t("view.noise.tau", { tau: num(d.tau) }) }],
    });
    result.textContent = t("view.noise.result", {
      tau: num(d.tau), list: list(ok.map((k) => `${pow10(d.eps[k])}: ${int(d.break_step[k])}`)),
      perDecade: d.fit ? int(Math.round(d.fit.slope)) : "–", r2: d.fit ? num(d.fit.r2, 4) : "–",
    });
    return () => {};
  },
};

// ------------------------------------------------------------------------------------ restarts
const restarts = {
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
      maps: d.seeds.map((s, k) => ({ p: d.grid.p.slice(k * G * G, (k + 1) * G * G),
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

// ------------------------------------------------------------------------------------ signal
const signal = {
  build(container, entry) {
    const d = entry.data;
    entry.activation ||= d.activations.includes("relu") ? "relu" : d.activations[0];
    const name = "signal-act";
    const radios = el("fieldset", { class: "view-radios" }, el("legend", {}, t("view.signal.activation")),
      d.activations.map((a) => el("label", {}, el("input", { type: "radio", name, value: a, checked: a === entry.activation }), " ", t(`choice.activation.${a}`))));
    const [figA, plotA] = chartBox("view-signal-act", t("view.signal.act"));
    const [figB, plotB] = chartBox("view-signal-grad", t("view.signal.grad"));
    const result = resultLine();
    const tables = el("div", { class: "view-tables" });
    container.append(radios, figA, figB, result, tables);
    const chartA = createLinesChart(plotA, { xTitle: t("view.signal.layer"), yTitle: t("view.signal.std"), yLog: true, decades: true, height: 300 });
    const chartB = createLinesChart(plotB, { xTitle: t("view.signal.layer"), yTitle: t("view.signal.std"), yLog: true, decades: true, height: 300 });
    const layersN = Array.from({ length: d.depth }, (_, i) => i + 1);
    function draw() {
      const runs = d.runs.filter((r) => r.activation === entry.activation);
      const label = (r) => t(`view.signal.init.${r.init}`);
      chartA.update({ series: runs.map((r, k) => ({ name: label(r), x: layersN, y: r.activation_std, style: k, mode: "lines+markers", markers: 10 })) });
      chartB.update({ series: runs.map((r, k) => ({ name: label(r), x: layersN, y: r.gradient_std, style: k, mode: "lines+markers", markers: 10 })) });
      result.textContent = t("view.signal.result", { act: t(`choice.activation.${entry.activation}`), last: String(d.depth),
        list: list(runs.map((r) => `${label(r)}: ${num(r.activation_std[d.depth - 1] / r.activation_std[0], 3)}`)) });
      const head = [t("view.signal.layer"), ...runs.map(label)];
      tables.replaceChildren(
        dataTable({ caption: t("view.signal.act"), head, rows: layersN.map((l) => [String(l), ...runs.map((r) => num(r.activation_std[l - 1], 3))]),
          summary: `${t("tour.table")}: ${t("view.signal.act")}`, id: "view-signal-act-table" }),
        dataTable({ caption: t("view.signal.grad"), head, rows: layersN.map((l) => [String(l), ...runs.map((r) => num(r.gradient_std[l - 1], 3))]),
          summary: `${t("tour.table")}: ${t("view.signal.grad")}`, id: "view-signal-grad-table" }));
    }
    radios.addEventListener("change", (ev) => { entry.activation = ev.target.value; draw(); });
    draw();
    return () => {};
  },
};

// ------------------------------------------------------------------------------------ reproduce
const CHUNK = 500;
const reproduce = {
  manual: true, // runs only when asked: 15,000 steps take seconds to a minute
  async load(py, entry, changed, ctx) {
    const total = ctx.view.steps;
    entry.stop = false;
    let frame = await py.call("chapters.reproduce_start", {});
    entry.data = frame;
    changed();
    try {
      while (frame.step < total && !entry.stop) {
        frame = await py.call("chapters.reproduce_step", { id: frame.id, n: Math.min(CHUNK, total - frame.step) });
        entry.data = frame;
        changed();
      }
    } finally {
      py.call("chapters.reproduce_dispose", { id: frame.id }).catch(() => {});
    }
    entry.stopped = frame.step < total;
  },
  build(container, entry, ctx) {
    const { view } = ctx;
    const runBtn = el("button", { type: "button", class: "primary", id: "view-reproduce-run" });
    const stopBtn = el("button", { type: "button", id: "view-reproduce-stop", hidden: true }, t("view.reproduce.stop"));
    const status = el("p", { class: "view-status", role: "status" });
    const [figA, plotA] = chartBox("view-reproduce-acc", t("axis.accuracy"));
    const [figB, plotB] = chartBox("view-reproduce-loss", t("axis.lossLog"));
    const result = resultLine();
    const tableBox = el("div");
    const charts = el("div", { class: "view-charts", hidden: true }, // shown once there is data
      el("p", { class: "view-caption" }, `${t("view.reproduce.chart")}. ${t("view.reproduce.lines")}`), figA, figB);
    container.append(el("p", { class: "view-hint" }, t("view.reproduce.hint")), el("div", { class: "view-actions" }, runBtn, stopBtn), status,
      charts, result, tableBox);
    runBtn.addEventListener("click", () => ctx.run());
    stopBtn.addEventListener("click", () => { entry.stop = true; });
    let accChart = null, lossChart = null;
    return function update() {
      const d = entry.data;
      const running = entry.status === "loading";
      runBtn.textContent = entry.shipped ? t("view.reproduce.again", { steps: int(view.steps) }) : t("view.reproduce.run", { steps: int(view.steps) });
      runBtn.disabled = running || !!ctx.pyFailed();
      stopBtn.hidden = !running;
      if (running && d && d.id !== undefined) status.textContent = t("view.reproduce.running", { step: int(d.step), steps: int(view.steps) });
      else if (running) status.textContent = ctx.pyReady() ? t("tour.computing") : t("tour.waiting");
      else if (entry.status === "error") status.textContent = t("tour.failed", { message: entry.error });
      else status.textContent = ctx.sourceNote();
      if (!d) return;
      charts.hidden = false;
      const K = d.inits.length;
      const steps = arr(d.steps);
      const R = steps.length;
      const names = d.inits.map((i) => t(`view.init.${i}`));
      const series = (train, test) => names.flatMap((nm, k) => [
        { name: nm, x: steps, y: col(train, R, K, k), style: k, mode: "lines+markers", markers: 8 },
        ...(test ? [{ name: `${nm} (${t("view.reproduce.test")})`, x: steps, y: col(test, R, K, k), style: k, mode: "lines+markers", markers: 8,
          symbol: `${SYMBOLS[k % SYMBOLS.length]}-open`, dash: "dot", legend: false }] : []),
      ]);
      if (!accChart) {
        accChart = createLinesChart(plotA, { xTitle: t("axis.step"), yTitle: t("axis.accuracy"), yRange: [0.4, 1.02], yPercent: true });
        lossChart = createLinesChart(plotB, { xTitle: t("axis.step"), yTitle: t("axis.lossLog"), yLog: true });
      }
      accChart.update({ series: series(d.accuracy, d.test_accuracy) });
      lossChart.update({ series: series(d.loss, d.test_loss) });
      const done = d.step >= view.steps || entry.status === "done";
      if (!done) { result.textContent = ""; return; }
      const k0 = d.inits.indexOf("zeros"), kHe = d.inits.indexOf("he"), kBig = d.inits.findIndex((i) => i !== "zeros" && i !== "he");
      const trainTest = (k) => `${pct(d.final_accuracy[k])} / ${pct(d.final_test_accuracy[k])}`;
      result.textContent = t("view.reproduce.result", { steps: int(d.step), zero_acc: pct(d.final_accuracy[k0]), zero_loss: num(d.final_loss[k0]),
        he_acc: pct(d.final_accuracy[kHe]), he_loss: num(d.final_loss[kHe]) }) + " " + t("view.reproduce.more", {
        big: names[kBig], big_acc: pct(d.final_accuracy[kBig]), big_loss: num(d.final_loss[kBig]),
        list: list(d.inits.map((_, k) => `${names[k]} ${trainTest(k)}`)), n_test: int(d.n_test) });
      const every = Math.max(1, Math.round((R - 1) / 10));
      const picked = steps.map((_, r) => r).filter((r) => r % every === 0 || r === R - 1);
      const pair = (a, b, r, k, f) => (b ? `${f(a[r * K + k])} / ${f(b[r * K + k])}` : f(a[r * K + k]));
      const curves = (caption, a, b, f, id) => dataTable({ caption, head: [t("axis.step"), ...names],
        rows: picked.map((r) => [int(steps[r]), ...names.map((_, k) => pair(a, b, r, k, f))]), summary: `${t("tour.table")}: ${caption}`, id });
      tableBox.replaceChildren(...viewTable({ id: "view-reproduce-table",
        caption: t("view.reproduce.tableCaption", { steps: int(d.step), n: int(d.n_samples), n_test: int(d.n_test) }),
        head: [t("view.signal.init"), t("view.reproduce.trainAcc"), t("view.reproduce.testAcc"), t("view.reproduce.trainLoss"), t("view.reproduce.testLoss")],
        rows: names.map((nm, k) => [nm, pct(d.final_accuracy[k]), pct(d.final_test_accuracy[k]), num(d.final_loss[k], 3), num(d.final_test_loss[k], 3)]) }),
      curves(t("view.reproduce.accCurves"), d.accuracy, d.test_accuracy, pct, "view-reproduce-acc-table"),
      curves(t("view.reproduce.lossCurves"), d.loss, d.test_loss, (v) => num(v, 3), "view-reproduce-loss-table"));
    };
  },
};

export const VIEWS = { layers, optimizers, escape, outcomes, variance, stuck, eps_sweep: epsSweep, restarts, signal, reproduce };
const SLOW = new Set(["escape", "signal", "outcomes"]); // seconds to a minute in the browser

/** Numbers in a and b (same shape) that differ, and the largest relative difference among them. */
function compare(a, b, acc = { total: 0, differ: 0, worst: 0 }) {
  if (a && typeof a === "object" && b && typeof b === "object") {
    if (ArrayBuffer.isView(a) || Array.isArray(a)) {
      const n = Math.max(a.length, b.length);
      for (let i = 0; i < n; i++) compare(a[i], b[i], acc);
    } else {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (k !== "id") compare(a[k], b[k], acc);
    }
  } else if (typeof a === "number" || typeof b === "number") {
    acc.total++;
    if (a !== b) {
      acc.differ++;
      const rel = Number.isFinite(a) && Number.isFinite(b) ? Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300) : Infinity;
      acc.worst = Math.max(acc.worst, rel);
    }
  }
  return acc;
}

/**
 * mountChapterView(box, {id, view, python, preset}) -> {render()}: chapter `id`'s experiment
 * (`view`: its spec from chapters.json, for labels only; the numbers come from
 * data/chapters/<id>-view.json or from chapters.view(id) in the worker) in `box`, drawn when it
 * comes near the screen, redrawn in the current language by render(). `preset`: the chapter's preset.
 */
export function mountChapterView(box, { id, view, python, preset = {}, base = VIEW_BASE }) {
  const kind = VIEWS[view.kind];
  const entry = { status: "idle", data: null, error: null, shipped: null, source: null, seconds: null, diff: null };
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
  const ctx = { view, preset, pyReady: () => python.ready, pyFailed: () => python.failed, run: () => compute(), sourceNote };

  function sourceNote() {
    if (entry.source === "browser") {
      const when = t("view.data.browser", { s: num(entry.seconds, 2) });
      if (!entry.diff) return when;
      return entry.diff.differ === 0 ? `${when} ${t("view.data.same", { n: int(entry.diff.total) })}`
        : `${when} ${t("view.data.differ", { n: int(entry.diff.differ), total: int(entry.diff.total), rel: num(entry.diff.worst, 2) })}`;
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
    else if (!entry.data && entry.status === "idle" && !python.ready && !kind.manual) status.textContent = python.failed ? t("tour.noPython") : t("tour.waiting");
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
        const data = await python.py.call("chapters.view", { chapter_id: id }, { timeoutMs: RECOMPUTE_TIMEOUT_MS });
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
    } catch { /* offline without the file: compute below */ }
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
  const io = new IntersectionObserver((es) => { if (es.some((e) => e.isIntersecting)) { io.disconnect(); show(); } }, { rootMargin: "600px 0px" });
  io.observe(box);
  paint();
  return { render() { update = null; paint(); } };
}
