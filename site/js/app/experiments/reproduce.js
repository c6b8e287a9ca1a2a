// experiments/reproduce.js: the "reproduce" chapter's view (the course exercise: zeros, ×10, He):
// a Run / Stop button, train and test accuracy and loss over the steps, the result, a table and
// the curves' numbers. Its own load(): runs only when asked, in chunks of CHUNK steps
// (chapters.reproduce_start / _step / _dispose), redrawing after each. Data:
// pyinit.web.chapters.reproduce. Left out: the shipped data and the shared status (../chapter-views.js).
import { t, formatPercent } from "../../platform/i18n.js";
import { createPlotlyLinesChart } from "../../charts/tourlines.js";
import { el, num, int, list, dataTable } from "../../platform/dom.js";
import { chartBox, resultLine, arr, col, viewTable } from "./parts.js";

const CHUNK = 500; // steps per chapters.reproduce_step call
export const reproduce = {
  manual: true, // runs only when asked: 15,000 steps take seconds to a minute
  async load(py, entry, changed, ctx) {
    const total = ctx.view.steps;
    entry.stop = false;
    let frame = await py.call("chapters.reproduce_start", {});
    entry.data = frame;
    changed();
    try {
      while (frame.step < total && !entry.stop) {
        frame = await py.call("chapters.reproduce_step", {
          id: frame.id,
          n: Math.min(CHUNK, total - frame.step),
        });
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
    const stopBtn = el(
      "button",
      { type: "button", id: "view-reproduce-stop", hidden: true },
      t("view.reproduce.stop"),
    );
    const status = el("p", { class: "view-status", role: "status" });
    const [figA, plotA] = chartBox("view-reproduce-acc", t("axis.accuracy"));
    const [figB, plotB] = chartBox("view-reproduce-loss", t("axis.lossLog"));
    const result = resultLine();
    const tableBox = el("div");
    const charts = el(
      "div",
      { class: "view-charts", hidden: true }, // shown once there is data
      el("p", { class: "view-caption" }, `${t("view.reproduce.chart")}. ${t("view.reproduce.lines")}`),
      figA,
      figB,
    );
    container.append(
      el("p", { class: "view-hint" }, t("view.reproduce.hint")),
      el("div", { class: "view-actions" }, runBtn, stopBtn),
      status,
      charts,
      result,
      tableBox,
    );
    runBtn.addEventListener("click", () => ctx.run());
    stopBtn.addEventListener("click", () => {
      entry.stop = true;
    });
    let accChart = null,
      lossChart = null;
    return function update() {
      const d = entry.data;
      const running = entry.status === "loading";
      runBtn.textContent = entry.shipped
        ? t("view.reproduce.again", { steps: int(view.steps) })
        : t("view.reproduce.run", { steps: int(view.steps) });
      runBtn.disabled = running || !!ctx.pyFailed();
      stopBtn.hidden = !running;
      if (running && d && d.id !== undefined)
        status.textContent = t("view.reproduce.running", { step: int(d.step), steps: int(view.steps) });
      else if (running) status.textContent = ctx.pyReady() ? t("tour.computing") : t("tour.waiting");
      else if (entry.status === "error") status.textContent = t("tour.failed", { message: entry.error });
      else status.textContent = ctx.sourceNote();
      if (!d) return;
      charts.hidden = false;
      const K = d.inits.length;
      const steps = arr(d.steps);
      const R = steps.length;
      const names = d.inits.map((i) => t(`view.init.${i}`));
      const series = (train, test) =>
        names.flatMap((nm, k) => [
          { name: nm, x: steps, y: col(train, R, K, k), style: k, mode: "lines+markers", markers: 8 },
          ...(test
            ? [
                {
                  name: `${nm} (${t("view.reproduce.test")})`,
                  x: steps,
                  y: col(test, R, K, k),
                  style: k,
                  mode: "lines+markers",
                  markers: 8,
                  symbol: `${ctx.enc.symbols[k % ctx.enc.symbols.length]}-open`,
                  dash: "dot",
                  legend: false,
                },
              ]
            : []),
        ]);
      if (!accChart) {
        accChart = createPlotlyLinesChart(plotA, {
          enc: ctx.enc,
          xTitle: t("axis.step"),
          yTitle: t("axis.accuracy"),
          yRange: [0.4, 1.02],
          yPercent: true,
        });
        lossChart = createPlotlyLinesChart(plotB, {
          enc: ctx.enc,
          xTitle: t("axis.step"),
          yTitle: t("axis.lossLog"),
          yLog: true,
        });
      }
      accChart.update({ series: series(d.accuracy, d.test_accuracy) });
      lossChart.update({ series: series(d.loss, d.test_loss) });
      const done = d.step >= view.steps || entry.status === "done";
      if (!done) {
        result.textContent = "";
        return;
      }
      const k0 = d.inits.indexOf("zeros"),
        kHe = d.inits.indexOf("he"),
        kBig = d.inits.findIndex((i) => i !== "zeros" && i !== "he");
      const trainTest = (k) =>
        `${formatPercent(d.final_accuracy[k])} / ${formatPercent(d.final_test_accuracy[k])}`;
      result.textContent =
        t("view.reproduce.result", {
          steps: int(d.step),
          zero_acc: formatPercent(d.final_accuracy[k0]),
          zero_loss: num(d.final_loss[k0]),
          he_acc: formatPercent(d.final_accuracy[kHe]),
          he_loss: num(d.final_loss[kHe]),
        }) +
        " " +
        t("view.reproduce.more", {
          big: names[kBig],
          big_acc: formatPercent(d.final_accuracy[kBig]),
          big_loss: num(d.final_loss[kBig]),
          list: list(d.inits.map((_, k) => `${names[k]} ${trainTest(k)}`)),
          n_test: int(d.n_test),
        });
      const every = Math.max(1, Math.round((R - 1) / 10));
      const picked = steps.map((_, r) => r).filter((r) => r % every === 0 || r === R - 1);
      const pair = (a, b, r, k, f) => (b ? `${f(a[r * K + k])} / ${f(b[r * K + k])}` : f(a[r * K + k]));
      const curves = (caption, a, b, f, id) =>
        dataTable({
          caption,
          head: [t("axis.step"), ...names],
          rows: picked.map((r) => [int(steps[r]), ...names.map((_, k) => pair(a, b, r, k, f))]),
          summary: `${t("tour.table")}: ${caption}`,
          id,
        });
      tableBox.replaceChildren(
        ...viewTable({
          id: "view-reproduce-table",
          caption: t("view.reproduce.tableCaption", {
            steps: int(d.step),
            n: int(d.n_samples),
            n_test: int(d.n_test),
          }),
          head: [
            t("view.signal.init"),
            t("view.reproduce.trainAcc"),
            t("view.reproduce.testAcc"),
            t("view.reproduce.trainLoss"),
            t("view.reproduce.testLoss"),
          ],
          rows: names.map((nm, k) => [
            nm,
            formatPercent(d.final_accuracy[k]),
            formatPercent(d.final_test_accuracy[k]),
            num(d.final_loss[k], 3),
            num(d.final_test_loss[k], 3),
          ]),
        }),
        curves(
          t("view.reproduce.accCurves"),
          d.accuracy,
          d.test_accuracy,
          formatPercent,
          "view-reproduce-acc-table",
        ),
        curves(
          t("view.reproduce.lossCurves"),
          d.loss,
          d.test_loss,
          (v) => num(v, 3),
          "view-reproduce-loss-table",
        ),
      );
    };
  },
};
