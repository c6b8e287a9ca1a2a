// render.js: draws the shown step. The cheap parts (readout, run heads, captions) every time; the
// charts at most once per animation frame, round-robin within a time budget while playing, each
// only when what it shows changed; the inspector and the landscape (computed by Python) only when
// paused. No training state here: everything comes from the controller's source and cursor.
import { t, formatNumber, formatPercent } from "../platform/i18n.js";
import { SIDES } from "./panels.js";
import { trajectoryData, trajectoryCaption, lossData, symmetryData, gradNormData, boundaryData, networkData } from "./views.js";

const BUDGET_MS = 8; // chart drawing per frame while playing (at least one chart per frame)
/** Set text only when it changed: an unchanged DOM costs no style or layout work in the frame. */
const setText = (el, text) => { if (el.textContent !== text) el.textContent = text; };
const fmt = (x) => (Number.isFinite(x) ? formatNumber(x, 4) : "–");
const pct = (x) => formatPercent(x);

/**
 * createRenderer({controller, state, charts, cells, whoLabels, $, getGrid, plotlyReady, onFirstPaint, needsPython, throttleMs})
 * -> {schedule(), invalidate(), drawnAll(), jobTimes()}
 * `$` looks up the page's elements by id (btn-play, scrubber, readout, title-/stat-/div-/caption-<side>).
 */
export function createRenderer({ controller, state, charts, cells, whoLabels, $, getGrid, plotlyReady, onFirstPaint,
  needsPython = () => t("status.needsPython"), throttleMs = () => 0 }) {
  const drawn = new Map(); // "panel/side" -> key of what it shows
  const jobTimes = {};      // panel -> recent update durations (ms), for the benchmark
  let scheduled = 0;
  let rr = 0;
  let painted = false;
  let lastCharts = 0;
  const ondemand = { inspector: new Map(), landscape: new Map() };
  let ondemandTimer = 0;
  function schedule() { if (!scheduled) scheduled = requestAnimationFrame(render); }

  // while playing, only charts on screen are redrawn (the others catch up when they scroll into
  // view, or at the next pause): most of a frame's cost is drawing and painting canvases
  const visible = new Set();
  if (typeof IntersectionObserver !== "undefined") {
    const io = new IntersectionObserver((entries) => {
      for (const e of entries) {
        const id = e.target.dataset.job;
        if (e.isIntersecting) visible.add(id); else visible.delete(id);
      }
      schedule();
    }, { rootMargin: "150px 0px" });
    for (const [panel, sides] of Object.entries(cells)) {
      for (const [side, cell] of Object.entries(sides)) { cell.fig.dataset.job = `${panel}/${side}`; io.observe(cell.fig); }
    }
  } else {
    for (const [panel, sides] of Object.entries(cells)) for (const side of Object.keys(sides)) visible.add(`${panel}/${side}`);
  }
  const onScreen = (id) => visible.has(id) || (id.startsWith("boundary/") && visible.has(id.replace("boundary/", "units/")));

  function chartJobs() {
    const src = controller.source;
    if (!src) return [];
    const H = src.history, cur = controller.cursor;
    const v = state.all();
    const jobs = [];
    SIDES.forEach((side, k) => {
      const base = `${src.kind}:${H.length ? H.record(cur).step : -1}`;
      jobs.push([`traj/${side}`, `${base}:${v.traj_layer}`, () => charts.traj[side].update(trajectoryData(H, k, cur, v.traj_layer))]);
      jobs.push([`loss/${side}`, base, () => charts.loss[side].update(lossData(H, k, cur))]);
      jobs.push([`boundary/${side}`, `${base}:${v.unit_maps}`, () => {
        const d = boundaryData(H, k, cur, getGrid(), src.data, v.unit_maps);
        charts.boundary[side].update(d.boundary);
        charts.units[side].update(d.units || { maps: [], message: t("units.off") });
      }]);
      jobs.push([`symmetry/${side}`, base, () => charts.symmetry[side].update(symmetryData(H, k, cur))]);
      jobs.push([`gradnorm/${side}`, base, () => charts.gradnorm[side].update(gradNormData(H, k, cur))]);
      jobs.push([`network/${side}`, `${base}:${v.net_show}`, () => charts.network[side].update(networkData(H, k, cur, v.net_show))]);
    });
    return jobs.filter(([id]) => charts[id.split("/")[0]]);
  }

  function renderCheap() {
    const src = controller.source;
    const H = src && src.history;
    const cur = controller.cursor;
    const v = state.all();
    const play = $("btn-play");
    setText(play, controller.playing ? t("transport.pause") : t("transport.play"));
    play.setAttribute("aria-pressed", controller.playing ? "true" : "false");
    if (!H || !H.length) return;
    const rec = H.record(cur);
    const scrubber = $("scrubber");
    if (scrubber.max !== String(H.length - 1)) scrubber.max = String(H.length - 1);
    if (scrubber.value !== String(cur)) scrubber.value = String(cur);
    const readout = t("transport.readoutOf", { step: String(rec.step), last: String(H.lastStep) });
    scrubber.setAttribute("aria-valuetext", readout);
    setText($("readout"), readout);
    SIDES.forEach((side, k) => {
      const initName = t(`choice.init.${v[`${side}_init`]}`);
      setText($(`title-${side}`), t("run.title", { side: t(`side.${side}`), init: initName }));
      const d = H.diverged(k);
      const divEl = $(`div-${side}`);
      setText($(`stat-${side}`), t("run.loss", { loss: fmt(rec.loss[k]), acc: pct(rec.acc[k]) }));
      const shown = !!(d && rec.step >= d.step);
      setText(divEl, shown ? t("run.diverged", { step: String(d.step), reason: d.reason }) : "");
      if (divEl.hidden === shown) divEl.hidden = !shown;
      setText($(`caption-${side}`), trajectoryCaption(H, k, cur));
    });
    for (const { el, side } of whoLabels) setText(el, `${t(`side.${side}`)} · ${t(`choice.init.${v[`${side}_init`]}`)}`);
    // stepping by hand (not while playing): say the step and both losses to screen readers
    const live = $("lab-announce");
    if (live && !controller.playing && rec.step !== announced) {
      announced = rec.step;
      live.textContent = t("announce.step", { step: String(rec.step),
        left: fmt(rec.loss[0]), right: fmt(rec.loss[1]) });
    }
  }
  let announced = -1;

  function render() {
    scheduled = 0;
    const t0 = performance.now();
    // while Python loads, the page leaves the CPU to it: charts at a lower rate (throttleMs)
    const wait = throttleMs() - (t0 - lastCharts);
    if (painted && controller.playing && wait > 0) { setTimeout(schedule, wait); return; }
    renderCheap();
    const all = chartJobs();
    const jobs = controller.playing && painted ? all.filter(([id]) => onScreen(id)) : all;
    if (jobs.some(([id, key]) => drawn.get(id) !== key)) {
      lastCharts = t0;
      const budget = controller.playing ? BUDGET_MS : Infinity;
      let n = 0;
      for (let i = 0; i < jobs.length && (n === 0 || performance.now() - t0 < budget); i++) {
        const [id, key, fn] = jobs[(rr + i) % jobs.length];
        if (drawn.get(id) === key) continue;
        const tj = performance.now();
        fn();
        const times = jobTimes[id.split("/")[0]] || (jobTimes[id.split("/")[0]] = []);
        times.push(performance.now() - tj);
        if (times.length > 200) times.shift();
        drawn.set(id, key);
        n++;
      }
      rr = (rr + n) % Math.max(1, jobs.length);
      if (jobs.some(([id, key]) => drawn.get(id) !== key)) schedule();
      if (!painted) { painted = true; onFirstPaint(); }
    }
    if (!controller.playing) scheduleOndemand();
    else markOndemandStale();
  }

  function markOndemandStale() {
    for (const panel of ["inspector", "landscape"]) {
      if (!charts[panel]) continue;
      for (const side of SIDES) {
        if (ondemand[panel].get(side) !== "playing") {
          ondemand[panel].set(side, "playing");
          cells[panel][side].extra.textContent = t("ondemand.paused");
        }
      }
    }
  }

  // inspector and landscape: computed by Python for the shown step, when paused
  function scheduleOndemand() {
    clearTimeout(ondemandTimer);
    ondemandTimer = setTimeout(runOndemand, 150);
  }
  async function runOndemand() {
    const src = controller.source;
    if (!src || controller.playing) return;
    const step = src.history.record(controller.cursor).step;
    for (const [panel, fn] of [["inspector", "inspect"], ["landscape", "landscape"]]) {
      if (!charts[panel]) continue;
      for (const [k, side] of SIDES.entries()) {
        const key = `${src.kind}:${src.id}:${step}`;
        if (ondemand[panel].get(side) === key) continue;
        ondemand[panel].set(side, key);
        const extra = cells[panel][side].extra;
        if (src.kind !== "live") {
          charts[panel][side].reset();
          extra.textContent = needsPython();
          continue;
        }
        extra.textContent = t(panel === "inspector" ? "insp.loading" : "land.loading");
        try {
          const data = await src[fn](step, k);
          if (panel === "landscape") await plotlyReady;
          if (controller.source !== src || controller.playing) { ondemand[panel].delete(side); return; }
          charts[panel][side].update(data);
          extra.textContent = panel === "landscape"
            ? t("land.note", { step: String(step), how: t(`land.${data.how}`) }) : t("insp.at", { step: String(step) });
        } catch (e) {
          extra.textContent = t("error.python", { message: e.message });
        }
      }
    }
  }

  return {
    schedule,
    invalidate() { drawn.clear(); schedule(); },
    drawnAll: () => chartJobs().every(([id, key]) => drawn.get(id) === key),
    jobTimes: () => Object.fromEntries(Object.entries(jobTimes).map(([k, v]) => [k, [...v].sort((a, b) => a - b)[v.length >> 1]])),
  };
}
