// experiments/restarts.js: the "restarts" chapter's view: K random restarts, a small decision map
// per seed, the final loss per seed (a chart and a table) and a result line.
// Data: pyinit.web.scale_experiments.restarts. Left out: loading and "Recompute" (../chapter-views.js).
import { t, formatPercent } from "../../platform/i18n.js";
import { createPlotlyLinesChart } from "../../charts/tourlines.js";
import { createSmallMaps } from "../../charts/smallmaps.js";
import { el, num, int, dataTable } from "../../platform/dom.js";
import { chartBox, resultLine } from "./parts.js";

export const restarts = {
  build(container, entry, ctx) {
    const d = entry.data;
    const G = d.grid.xs.length;
    const K = d.seeds.length;
    const mapsBox = el("div", { id: "view-restarts-maps" });
    const [fig, plot] = chartBox("view-restarts-loss", t("view.restarts.lossChart"));
    const result = resultLine();
    const rows = d.seeds.map((s, k) => [String(s), num(d.final_loss[k]), formatPercent(d.final_accuracy[k])]);
    container.append(
      el(
        "figure",
        { class: "view-figure" },
        el("figcaption", { class: "view-caption" }, t("view.restarts.maps")),
        mapsBox,
      ),
      fig,
      result,
      dataTable({
        caption: t("view.restarts.lossChart"),
        head: [t("view.restarts.seed"), t("axis.loss"), t("axis.accuracy")],
        rows,
        summary: t("tour.table"),
        id: "view-restarts-table",
      }),
    );
    createSmallMaps(mapsBox, { enc: ctx.enc }).update({
      xs: d.grid.xs,
      ys: d.grid.ys,
      X: d.X,
      y: d.y,
      maps: d.seeds.map((s, k) => ({
        p: d.grid.p.slice(k * G * G, (k + 1) * G * G),
        caption: t("view.restarts.cell", {
          seed: String(s),
          loss: num(d.final_loss[k], 3),
          acc: formatPercent(d.final_accuracy[k]),
        }),
      })),
    });
    createPlotlyLinesChart(plot, {
      enc: ctx.enc,
      xTitle: t("view.restarts.seed"),
      yTitle: t("axis.loss"),
      legend: false,
      height: 220,
    }).update({
      series: [{ name: t("axis.loss"), x: d.seeds, y: d.final_loss, mode: "markers", style: 0 }],
    });
    const sorted = [...d.final_loss].sort((a, b) => a - b);
    const distinct = new Set(d.final_loss.map((v) => v.toFixed(2))).size;
    result.textContent = t("view.restarts.result", {
      steps: int(ctx.view.steps),
      min: num(sorted[0], 3),
      max: num(sorted[K - 1], 3),
      distinct: String(distinct),
    });
    return () => {};
  },
};
