// experiments/optimizers.js: the "optimizers" chapter's view: sgd, momentum and adam from zeros,
// a constant and a random start; a table of final accuracy, "every weight still 0" and "units
// still identical" per optimizer and start, and a result line. Data:
// pyinit.web.symmetry_experiments.optimizers. Left out: loading and "Recompute" (../chapter-views.js).
import { t, formatPercent } from "../../platform/i18n.js";
import { num, int } from "../../platform/dom.js";
import { resultLine, viewTable } from "./parts.js";

const yesNo = (b) => t(b ? "view.stuck.yes" : "view.stuck.no");
/** "50%" when all values format alike, else "69.5–70%" style "lo–hi" (each formatted by fmt). */
function range(values, fmt) {
  const ok = values.filter(Number.isFinite);
  if (!ok.length) return "–";
  const lo = fmt(Math.min(...ok)),
    hi = fmt(Math.max(...ok));
  return lo === hi ? lo : `${lo} – ${hi}`;
}

export const optimizers = {
  build(container, entry, ctx) {
    const d = entry.data;
    const run = (o, i) => d.runs.find((r) => r.optimizer === o && r.init === i);
    const optName = (o) => t(`view.optimizers.opt.${o}`);
    const initName = (i) => t(`view.optimizers.init.${i}`);
    const rows = [];
    for (const o of d.optimizers) {
      rows.push({ group: `${optName(o)} (${t("view.optimizers.lr", { lr: num(run(o, d.inits[0]).lr) })})` });
      for (const i of d.inits) {
        const r = run(o, i);
        rows.push([
          initName(i),
          formatPercent(r.final_accuracy),
          yesNo(r.weights_zero),
          r.max_symmetry === null
            ? "–"
            : r.max_symmetry === 0
              ? yesNo(true)
              : { text: yesNo(false), sub: t("view.optimizers.sMax", { s: num(r.max_symmetry, 3) }) },
        ]);
      }
    }
    const result = resultLine();
    container.append(
      ...viewTable({
        id: "view-optimizers-table",
        caption: t("view.optimizers.caption", {
          steps: int(ctx.view.steps ?? 600),
          beta: num(ctx.view.momentum ?? 0.9),
        }),
        head: [
          t("view.optimizers.start"),
          t("axis.accuracy"),
          t("view.optimizers.weightsZero"),
          t("view.optimizers.sZero"),
        ],
        rows,
      }),
      result,
    );
    const of = (i) => d.optimizers.map((o) => run(o, i));
    const accs = (i) =>
      range(
        of(i).map((r) => r.final_accuracy),
        (v) => formatPercent(v),
      );
    const constant = d.inits.find((i) => i.startsWith("constant")) || d.inits[1];
    const random = d.inits[d.inits.length - 1];
    result.textContent = t("view.optimizers.result", {
      zeros: of("zeros").every((r) => r.weights_zero)
        ? t("view.optimizers.allZero")
        : t("view.optimizers.notAllZero"),
      zerosAcc: accs("zeros"),
      constantName: initName(constant),
      constant: accs(constant),
      xavier: accs(random),
      sZero: of(constant).every((r) => r.max_symmetry === 0)
        ? t("view.optimizers.sStays")
        : t("view.optimizers.sBreaks"),
    });
    return () => {};
  },
};
