// Loss (left axis, solid) and accuracy (right axis, dashed) over steps. (Canvas: it animates.)
import { check, checkSeries, encodingsOf } from "./common.js";
import { createCanvasLineChart } from "./lines.js";
import { t, formatPercent } from "../platform/i18n.js";

/**
 * createLossChart(container, {height, enc}) -> {update(data), reset()}
 * data: {steps: number[R], loss: number[R], acc: number[R], cursor: step|null, diverged: step|null,
 *        domain?: {log, lo, hi} (the y axis shared with the other run's copy),
 *        test: true when both are measured on the test set (the legend says so)}
 */
export function createLossChart(container, opts = {}) {
  const enc = encodingsOf(opts);
  const chart = createCanvasLineChart(container, { height: opts.height || 240, enc });
  return {
    update(data) {
      check(data && data.steps, "loss chart needs {steps, loss, acc}");
      checkSeries("loss", data.loss, data.steps.length);
      checkSeries("acc", data.acc, data.steps.length);
      const marks = [];
      if (data.cursor != null) marks.push({ x: data.cursor, dash: [2, 3] });
      if (data.diverged != null) marks.push({ x: data.diverged, color: enc.neg, width: 2 });
      // a loss that grows by orders of magnitude (a diverging run) is shown on a log axis; with a
      // domain (the figure's pair of runs) both copies share its scale type and range
      const dom = data.domain;
      let lo = Infinity,
        hi = 0;
      for (const v of data.loss)
        if (Number.isFinite(v) && v > 0) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      const logScale = dom ? dom.log : hi / lo > 1e3;
      const lossName = t(data.test ? "legend.lossTest" : "legend.loss"),
        accName = t(data.test ? "legend.accuracyTest" : "legend.accuracy");
      chart.update({
        x: data.steps,
        yMode: logScale ? "logzero" : "linear",
        series: [
          { name: lossName, y: data.loss, color: enc.ink, dash: "solid", width: 2 },
          {
            name: accName,
            y: data.acc,
            color: enc.good,
            dash: "dash",
            width: 2,
            axis: "y2",
            label: (v) => formatPercent(v),
          },
        ],
        legend: [
          { name: lossName, color: enc.ink },
          { name: accName, color: enc.good, dash: "dash" },
        ],
        xTitle: t("axis.step"),
        yTitle: logScale ? t("axis.lossLog") : t("axis.loss"),
        y2Title: t("axis.accuracy"),
        yZero: true,
        yDomain: dom && Number.isFinite(dom.lo) ? { lo: dom.lo, hi: dom.hi } : null,
        y2: { range: [0, 1.04], ticks: [0, 0.25, 0.5, 0.75, 1].map((v) => ({ v, label: `${v * 100}%` })) },
        marks,
        ariaLabel: t("row.loss"),
      });
    },
    reset: chart.reset,
    element: container,
  };
}
