// experiments/escape.js: the "noise" chapter's view: the escape step from zeros + ε against ε, one
// line per depth (log-log, ε decreasing to the right), the fitted line for one hidden layer, a
// table and the result sentences. Data: pyinit.web.symmetry_experiments.escape.
// Left out: loading and "Recompute" (../chapter-views.js).
import { t } from "../../platform/i18n.js";
import { createPlotlyLinesChart } from "../../charts/tourlines.js";
import { num, int, pow10, list, dataTable } from "../../platform/dom.js";
import { chartBox, resultLine } from "./parts.js";

// Runs that never escaped are drawn above the budget line, one row per depth (their own marker,
// open), with the hover text and the table saying "did not escape within N steps".
const OPEN = ["circle-open", "square-open", "diamond-open", "triangle-up-open"];
export const escape = {
  build(container, entry, ctx) {
    const d = entry.data;
    const E = d.eps.length;
    const [fig, plot] = chartBox("view-escape-chart", t("view.escape.chart"));
    const result = resultLine();
    const layersName = (h) => t(h === 1 ? "view.escape.layer1" : "view.escape.layers", { n: String(h) });
    const never = t("view.escape.never", { steps: int(d.budget) });
    const rows = d.eps.map((e, k) => [
      pow10(e),
      ...d.depths.map((_, i) => (d.escape[i][k] === null ? "—" : int(d.escape[i][k]))),
    ]);
    rows.push([t("view.escape.order"), ...d.grad_order.map((g) => (g === null ? "–" : num(g, 3)))]);
    container.append(
      fig,
      result,
      dataTable({
        caption: t("view.escape.tableCaption", { steps: int(d.budget) }),
        head: ["ε", ...d.depths.map(layersName)],
        rows,
        summary: t("tour.table"),
        id: "view-escape-table",
      }),
    );
    const series = [];
    const over = { x: [], y: [], symbol: [], colors: [], hover: [] };
    const fit1 = d.fit && d.fit["1"];
    d.depths.forEach((h, i) => {
      const ok = d.eps.map((_, k) => k).filter((k) => d.escape[i][k] !== null);
      // one layer: markers only, the fitted line through them is drawn below
      series.push({
        name: layersName(h),
        x: ok.map((k) => d.eps[k]),
        y: ok.map((k) => d.escape[i][k]),
        mode: h === 1 && fit1 ? "markers" : "lines+markers",
        style: i,
        hover: ok.map((k) => `${t("view.escape.step")} ${int(d.escape[i][k])}`),
      });
      for (let k = 0; k < E; k++) {
        if (d.escape[i][k] !== null) continue;
        // above the budget line, one row per depth, the depth's marker drawn open
        over.x.push(d.eps[k]);
        over.y.push(d.budget * 1.3 ** (i + 1));
        over.symbol.push(OPEN[i % OPEN.length]);
        over.colors.push(ctx.enc.palette[i % ctx.enc.palette.length]);
        over.hover.push(`${layersName(h)}: ${never}`);
      }
    });
    if (over.x.length) series.push({ name: t("view.escape.notEscaped"), ...over, mode: "markers", style: 7 });
    const i1 = d.depths.indexOf(1);
    const fit = d.fit && d.fit["1"];
    if (fit && i1 >= 0) {
      const xs = d.eps.filter((_, k) => d.escape[i1][k] !== null);
      series.push({
        name: t("view.escape.fit"),
        x: xs,
        y: xs.map((e) => fit.slope * Math.log10(1 / e) + fit.intercept),
        mode: "lines",
        style: -1,
        dash: "dash",
      });
    }
    createPlotlyLinesChart(plot, {
      enc: ctx.enc,
      xTitle: t("view.escape.eps"),
      yTitle: t("view.escape.step"),
      xLog: true,
      yLog: true,
      xReversed: true,
      decades: true,
      height: 380,
    }).update({
      series,
      hlines: [
        { y: d.budget, label: t("view.escape.budget", { steps: int(d.budget) }), dash: "dash", left: true },
      ],
    });
    const sentences = [];
    if (i1 >= 0) {
      const ok = d.eps.map((_, k) => k).filter((k) => d.escape[i1][k] !== null);
      const [a, b] = [ok[0], ok[ok.length - 1]];
      if (ok.length) {
        sentences.push(
          t("view.escape.result", {
            n: String(ok.length),
            of: String(E),
            first: int(d.escape[i1][a]),
            epsFirst: pow10(d.eps[a]),
            last: int(d.escape[i1][b]),
            epsLast: pow10(d.eps[b]),
            perDecade: fit ? int(Math.round(fit.slope)) : "–",
            r2: fit ? num(fit.r2, 4) : "–",
          }),
        );
      }
    }
    d.depths.forEach((h, i) => {
      if (h === 1) return;
      const ok = d.eps.map((_, k) => k).filter((k) => d.escape[i][k] !== null);
      sentences.push(
        t("view.escape.deeper", {
          layers: layersName(h),
          n: String(ok.length),
          of: String(E),
          steps: int(d.budget),
          list: ok.length ? list(ok.map((k) => `${pow10(d.eps[k])}: ${int(d.escape[i][k])}`)) : "–",
        }),
      );
    });
    sentences.push(
      t("view.escape.saddle", {
        orders: list(d.grad_order.map((g) => (g === null ? "–" : num(g, 2)))),
        depths: list(d.depths.map(String)),
      }),
    );
    result.textContent = sentences.join(" ");
    return () => {};
  },
};
