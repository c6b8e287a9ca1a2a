// experiments/modern.js: the closing chapter's view ("modern"): a constant start with and without
// dropout, all zeros with dropout, and a zero last layer; per case the final accuracy, whether the
// hidden units stayed identical and whether every weight stayed exactly 0, as one table and a result
// line. Data: pyinit.web.modern_experiments.modern. Left out: loading, shipped data, "Recompute"
// (../chapter-views.js).
import { t, formatPercent as pct } from "../../platform/i18n.js";
import { int, num } from "../../platform/dom.js";
import { resultLine, viewTable } from "./parts.js";

const yesNo = (b) => t(b ? "view.stuck.yes" : "view.stuck.no");

export const modern = {
  build(container, entry, ctx) {
    const d = entry.data;
    const run = (init, p) => d.runs.find((r) => r.init === init && r.dropout === p);
    const rows = d.runs.map((r) => [
      t(`view.modern.init.${r.init}`),
      r.dropout ? num(r.dropout) : t("view.modern.none"),
      pct(r.final_accuracy),
      { text: yesNo(r.identical), sub: t("view.layers.units", { n: String(r.distinct) }) },
      yesNo(r.weights_zero),
    ]);
    const result = resultLine();
    container.append(
      ...viewTable({
        id: "view-modern-table",
        caption: t("view.modern.caption", { steps: int(ctx.view.steps ?? 600) }),
        head: [
          t("view.optimizers.start"),
          t("view.modern.dropout"),
          t("axis.accuracy"),
          t("view.modern.identical"),
          t("view.optimizers.weightsZero"),
        ],
        rows,
      }),
      result,
    );
    const dropped = d.runs.find((r) => r.init === "constant" && r.dropout > 0);
    const zeros = d.runs.find((r) => r.init === "zeros" && r.dropout > 0);
    result.textContent = t("view.modern.result", {
      plain: pct(run("constant", 0).final_accuracy),
      dropped: pct(dropped.final_accuracy),
      zeros: zeros.weights_zero ? t("view.modern.zerosStay") : t("view.modern.zerosMove"),
      last: pct(run("zeros_last", 0).final_accuracy),
    });
    return () => {};
  },
};
