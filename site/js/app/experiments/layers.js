// experiments/layers.js: the "layers" chapter's view (which layer is zero): per zero pattern and
// activation, the final accuracy and a verdict (frozen / clones / learns) with the distinct hidden
// units, as one table and a result line. Data: pyinit.web.symmetry_experiments.layers.
// Left out: loading, shipped data and "Recompute" (../chapter-views.js).
import { t, formatPercent } from "../../platform/i18n.js";
import { int } from "../../platform/dom.js";
import { resultLine, viewTable } from "./parts.js";

export const layers = {
  build(container, entry, ctx) {
    const d = entry.data;
    const run = (a, c) => d.runs.find((r) => r.activation === a && r.case === c);
    const verdict = (r) =>
      !r.moved ? "frozen" : r.distinct.length && r.distinct.every((u) => u === 1) ? "clones" : "learns";
    const rows = d.cases.map((c) => [
      t(`view.layers.case.${c}`),
      ...d.activations.map((a) => {
        const r = run(a, c),
          v = verdict(r);
        const word = t(`view.layers.${v}`);
        return {
          text: formatPercent(r.final_accuracy),
          cls: "verdict-" + v,
          sub: word + " · " + t("view.layers.units", { n: r.distinct.join(", ") }),
        };
      }),
    ]);
    const result = resultLine();
    container.append(
      ...viewTable({
        id: "view-layers-table",
        caption: t("view.layers.caption", { steps: int(ctx.view.steps ?? d.steps[d.steps.length - 1]) }),
        head: [t("view.layers.zero"), ...d.activations.map((a) => t(`choice.activation.${a}`))],
        rows,
      }),
      result,
    );
    const acc = (a, c) => formatPercent(run(a, c).final_accuracy);
    result.textContent = t("view.layers.result", {
      reluFirst: acc("relu", "zeros_first"),
      tanhFirst: acc("tanh", "zeros_first"),
      tanhLast: acc("tanh", "zeros_last"),
      reluLast: acc("relu", "zeros_last"),
    });
    return () => {};
  },
};
