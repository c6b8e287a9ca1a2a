// experiments/stuck.js: the "stuck" chapter's view: from zeros, the first step at which each layer's
// dW is not zero, per activation (a table), and ‖dW‖ per layer over the steps for sigmoid (a
// chart, a result line, the chart's numbers). Data: pyinit.web.symmetry_experiments.stuck.
// Left out: loading and "Recompute" (../chapter-views.js).
import { t } from "../../platform/i18n.js";
import { createPlotlyLinesChart } from "../../charts/tourlines.js";
import { num, list, dataTable } from "../../platform/dom.js";
import { chartBox, resultLine, arr, viewTable } from "./parts.js";

export const stuck = {
  build(container, entry, ctx) {
    const d = entry.data;
    const L = d.layers;
    const layerName = (l) => (l === L - 1 ? t("view.stuck.output") : t("view.stuck.layer", { l: l + 1 }));
    const head = [
      t("view.stuck.activation"),
      ...Array.from({ length: L }, (_, l) => layerName(l)),
      t("view.stuck.bias"),
    ];
    const rows = d.runs.map((r) => [
      t(`choice.activation.${r.activation}`),
      ...r.first_moving.map((s) =>
        s === null ? t("view.stuck.never") : t("view.stuck.step", { step: String(s) }),
      ),
      arr(r.db_out).some((v) => v !== 0) ? t("view.stuck.yes") : t("view.stuck.no"),
    ]);
    const [fig, plot] = chartBox("view-stuck-chart", t("view.stuck.chart"));
    const result = resultLine();
    container.append(
      ...viewTable({
        id: "view-stuck-table",
        caption: t("view.stuck.caption", { steps: String(d.steps.length - 1) }),
        head,
        rows,
      }),
      fig,
      result,
    );
    const chart = createPlotlyLinesChart(plot, {
      enc: ctx.enc,
      xTitle: t("axis.step"),
      yTitle: "‖dW‖",
      yLog: true,
    });
    const sig = d.runs.find((r) => r.activation === "sigmoid");
    const steps = arr(d.steps);
    chart.update({
      series: Array.from({ length: L }, (_, l) => ({
        name: layerName(l),
        x: steps,
        y: steps.map((_, i) => sig.dW[i * L + l]),
        mode: "lines+markers",
        style: l,
      })),
    });
    const hidden = [];
    for (let l = L - 2; l >= 0; l--)
      hidden.push(t("view.stuck.layerAt", { l: l + 1, step: String(sig.first_moving[l]) }));
    result.textContent = t("view.stuck.result", {
      out: String(sig.first_moving[L - 1]),
      hidden: list(hidden),
    });
    container.append(
      dataTable({
        caption: t("view.stuck.chart"),
        head: [t("axis.step"), ...Array.from({ length: L }, (_, l) => layerName(l))],
        rows: steps.map((s, i) => [
          String(s),
          ...Array.from({ length: L }, (_, l) => num(sig.dW[i * L + l], 3)),
        ]),
        summary: t("tour.table"),
        id: "view-stuck-numbers",
      }),
    );
    return () => {};
  },
};
