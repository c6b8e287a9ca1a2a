// experiments/variance.js: the "origins" chapter's view: measured Var(z) per layer against
// fan_in Var(w) E[a^2], one chart (markers measured, lines predicted), a table per run and a
// result line. Data: pyinit.web.scale_experiments.variance.
// Left out: loading and "Recompute" (../chapter-views.js).
import { t } from "../../platform/i18n.js";
import { createPlotlyLinesChart } from "../../charts/tourlines.js";
import { el, num, list, dataTable } from "../../platform/dom.js";
import { chartBox, resultLine, arr } from "./parts.js";

export const variance = {
  build(container, entry, ctx) {
    const d = entry.data;
    const name = (r) =>
      t("view.variance.run", {
        act: t(`choice.activation.${r.activation}`),
        init: t(`view.signal.init.${r.init}`),
      });
    const layersN = Array.from({ length: d.depth }, (_, i) => i + 1);
    const [fig, plot] = chartBox("view-variance-chart", t("view.variance.chart"));
    const result = resultLine();
    const tables = d.runs.map((r, k) =>
      dataTable({
        caption: t("view.variance.tableCaption", { run: name(r) }),
        head: [
          t("view.signal.layer"),
          t("view.variance.measured"),
          t("view.variance.predicted"),
          t("view.variance.ratio"),
        ],
        rows: layersN.map((l) => [
          String(l),
          num(r.var_z[l - 1], 3),
          num(r.predicted[l - 1], 3),
          num(r.ratio[l - 1], 3),
        ]),
        summary: `${t("tour.table")}: ${name(r)}`,
        id: `view-variance-table-${k}`,
      }),
    );
    container.append(fig, result, el("div", { class: "view-tables" }, tables));
    const series = [];
    d.runs.forEach((r, k) => {
      series.push({
        name: name(r),
        x: layersN,
        y: r.var_z,
        mode: "markers",
        style: k,
        hover: r.var_z.map((v) => `${t("view.variance.measured")} ${num(v, 3)}`),
      });
      series.push({
        name: `${name(r)}: ${t("view.variance.predicted")}`,
        x: layersN,
        y: r.predicted,
        mode: "lines",
        style: k,
        dash: ["dot", "dash", "dashdot"][k % 3],
        legend: false,
        hover: arr(r.predicted).map((v) => `${t("view.variance.predicted")} ${num(v, 3)}`),
      });
    });
    createPlotlyLinesChart(plot, {
      enc: ctx.enc,
      xTitle: t("view.signal.layer"),
      yTitle: t("view.variance.axis"),
      yLog: true,
      decades: true,
      height: 300,
    }).update({ series });
    const ratios = d.runs.flatMap((r) => arr(r.ratio));
    const last = (r) => num(r.var_z[d.depth - 1], 3);
    const relu = d.runs.filter((r) => r.activation === "relu");
    // the inputs of layers 2.. are ReLU outputs (layer 1's are the standard-normal data)
    const aRatio = relu
      .flatMap((r) =>
        arr(r.var_a)
          .slice(1)
          .map((v, i) => v / r.mean_sq_a[i + 1]),
      )
      .filter(Number.isFinite);
    result.textContent =
      t("view.variance.result", {
        min: num(Math.min(...ratios), 3),
        max: num(Math.max(...ratios), 3),
        depth: String(d.depth),
        list: list(d.runs.map((r) => `${name(r)} ${last(r)}`)),
      }) +
      (aRatio.length
        ? " " + t("view.variance.relu", { lo: num(Math.min(...aRatio), 2), hi: num(Math.max(...aRatio), 2) })
        : "");
    return () => {};
  },
};
