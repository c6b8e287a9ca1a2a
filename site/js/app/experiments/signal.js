// experiments/signal.js: the "scale" chapter's view: the spread of activations and of gradients
// per layer at init, one line per init, for the activation picked by a switch (two charts, a
// result line, two tables). Data: pyinit.web.scale_experiments.signal.
// Left out: loading and "Recompute" (../chapter-views.js).
import { t } from "../../platform/i18n.js";
import { createPlotlyLinesChart } from "../../charts/tourlines.js";
import { el, num, list, dataTable } from "../../platform/dom.js";
import { chartBox, resultLine } from "./parts.js";

export const signal = {
  build(container, entry, ctx) {
    const d = entry.data;
    entry.activation ||= d.activations.includes("relu") ? "relu" : d.activations[0];
    const name = "signal-act";
    const radios = el(
      "fieldset",
      { class: "view-radios" },
      el("legend", {}, t("view.signal.activation")),
      d.activations.map((a) =>
        el(
          "label",
          {},
          el("input", { type: "radio", name, value: a, checked: a === entry.activation }),
          " ",
          t(`choice.activation.${a}`),
        ),
      ),
    );
    const [figA, plotA] = chartBox("view-signal-act", t("view.signal.act"));
    const [figB, plotB] = chartBox("view-signal-grad", t("view.signal.grad"));
    const result = resultLine();
    const tables = el("div", { class: "view-tables" });
    container.append(radios, figA, figB, result, tables);
    const chartA = createPlotlyLinesChart(plotA, {
      enc: ctx.enc,
      xTitle: t("view.signal.layer"),
      yTitle: t("view.signal.std"),
      yLog: true,
      decades: true,
      height: 300,
    });
    const chartB = createPlotlyLinesChart(plotB, {
      enc: ctx.enc,
      xTitle: t("view.signal.layer"),
      yTitle: t("view.signal.std"),
      yLog: true,
      decades: true,
      height: 300,
    });
    const layersN = Array.from({ length: d.depth }, (_, i) => i + 1);
    function draw() {
      const runs = d.runs.filter((r) => r.activation === entry.activation);
      const label = (r) => t(`view.signal.init.${r.init}`);
      chartA.update({
        series: runs.map((r, k) => ({
          name: label(r),
          x: layersN,
          y: r.activation_std,
          style: k,
          mode: "lines+markers",
          markers: 10,
        })),
      });
      chartB.update({
        series: runs.map((r, k) => ({
          name: label(r),
          x: layersN,
          y: r.gradient_std,
          style: k,
          mode: "lines+markers",
          markers: 10,
        })),
      });
      result.textContent = t("view.signal.result", {
        act: t(`choice.activation.${entry.activation}`),
        last: String(d.depth),
        list: list(
          runs.map((r) => `${label(r)}: ${num(r.activation_std[d.depth - 1] / r.activation_std[0], 3)}`),
        ),
      });
      const head = [t("view.signal.layer"), ...runs.map(label)];
      tables.replaceChildren(
        dataTable({
          caption: t("view.signal.act"),
          head,
          rows: layersN.map((l) => [String(l), ...runs.map((r) => num(r.activation_std[l - 1], 3))]),
          summary: `${t("tour.table")}: ${t("view.signal.act")}`,
          id: "view-signal-act-table",
        }),
        dataTable({
          caption: t("view.signal.grad"),
          head,
          rows: layersN.map((l) => [String(l), ...runs.map((r) => num(r.gradient_std[l - 1], 3))]),
          summary: `${t("tour.table")}: ${t("view.signal.grad")}`,
          id: "view-signal-grad-table",
        }),
      );
    }
    radios.addEventListener("change", (ev) => {
      entry.activation = ev.target.value;
      draw();
    });
    draw();
    return () => {};
  },
};
