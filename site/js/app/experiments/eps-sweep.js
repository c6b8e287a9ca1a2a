// experiments/eps-sweep.js: an ε-sweep view (zeros + ε, one hidden layer): the break step against
// ε with its fitted line, the symmetry measure over the steps per ε, a table and a result line.
// No chapter shows it since "noise" shows escape; kept for a chapter whose view is an ε sweep.
// Data: pyinit.web.symmetry_experiments.eps_sweep. Left out: loading and "Recompute" (../chapter-views.js).
import { t } from "../../platform/i18n.js";
import { createPlotlyLinesChart } from "../../charts/tourlines.js";
import { num, int, pow10, list, dataTable } from "../../platform/dom.js";
import { chartBox, resultLine, arr, col } from "./parts.js";

export const epsSweep = {
  build(container, entry, ctx) {
    const d = entry.data;
    const K = d.eps.length;
    const R = d.steps.length;
    const [figA, plotA] = chartBox("view-noise-break", t("view.noise.breakChart"));
    const [figB, plotB] = chartBox("view-noise-curves", t("view.noise.curves"));
    const result = resultLine();
    const rows = d.eps.map((e, k) => [
      pow10(e),
      d.break_step[k] === null ? t("view.noise.never", { steps: int(d.steps[R - 1]) }) : int(d.break_step[k]),
      num(d.final_loss[k]),
    ]);
    container.append(
      figA,
      figB,
      result,
      dataTable({
        caption: t("view.noise.breakChart"),
        head: [t("view.noise.eps"), t("view.noise.break"), t("view.noise.finalLoss")],
        rows,
        summary: t("tour.table"),
        id: "view-noise-table",
      }),
    );
    const ok = d.eps.map((e, k) => k).filter((k) => d.break_step[k] !== null);
    const series = [
      {
        name: t("view.noise.break"),
        x: ok.map((k) => d.eps[k]),
        y: ok.map((k) => d.break_step[k]),
        mode: "markers",
        style: 0,
        labels: ok.map((k) => int(d.break_step[k])),
      },
    ];
    if (d.fit) {
      series.push({
        name: t("view.noise.fit"),
        x: d.eps,
        y: d.eps.map((e) => d.fit.slope * Math.log10(1 / e) + d.fit.intercept),
        mode: "lines",
        style: -1,
        dash: "dash",
      });
    }
    createPlotlyLinesChart(plotA, {
      enc: ctx.enc,
      xTitle: t("view.noise.eps"),
      yTitle: t("view.noise.break"),
      xLog: true,
      xReversed: true,
    }).update({ series });
    createPlotlyLinesChart(plotB, {
      enc: ctx.enc,
      xTitle: t("axis.step"),
      yTitle: "S",
      yLog: true,
      dashes: true,
    }).update({
      series: d.eps.map((e, k) => ({
        name: "ε = " + pow10(e),
        x: arr(d.steps),
        y: col(d.symmetry, R, K, k),
        style: k,
      })),
      hlines: [{ y: d.tau, label: t("view.noise.tau", { tau: num(d.tau) }) }],
    });
    result.textContent = t("view.noise.result", {
      tau: num(d.tau),
      list: list(ok.map((k) => `${pow10(d.eps[k])}: ${int(d.break_step[k])}`)),
      perDecade: d.fit ? int(Math.round(d.fit.slope)) : "–",
      r2: d.fit ? num(d.fit.r2, 4) : "–",
    });
    return () => {};
  },
};
