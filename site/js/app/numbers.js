// The lab's charts in numbers: a table of the shown step for screen readers and anyone who prefers
// numbers to pictures (the charts' text alternative). Rows: loss, accuracy, the symmetry measure
// of each hidden layer, the gradient norm of each layer; one column per run.
import { t, formatNumber, numberFormat } from "../platform/i18n.js";
import { el } from "../platform/dom.js";

/**
 * createNumbersTable(container) -> {update(data), relabel()}
 * data: {step, sides: [{title, loss, acc, sym: number[H], gnorm: number[L]}]}
 */
export function createNumbersTable(container) {
  const summary = el("summary");
  const caption = el("p", { class: "view-caption", id: "lab-numbers-caption" });
  const box = el("div", {
    class: "table-scroll",
    tabindex: "0",
    role: "region",
    "aria-labelledby": "lab-numbers-caption",
  });
  container.replaceChildren(el("details", { class: "table-details" }, summary, caption, box));
  let lastKey = "";
  const relabel = () => {
    summary.textContent = t("numbers.summary");
  };
  relabel();
  const zero = (v) => (v === 0 ? t("axis.zeroExactly") : formatNumber(v, 4));
  return {
    relabel,
    update(data) {
      const key = JSON.stringify(data) + document.documentElement.lang;
      if (key === lastKey) return;
      lastKey = key;
      summary.textContent = t("numbers.summary");
      caption.textContent = t("numbers.caption", { step: String(data.step) });
      const H = data.sides[0].sym.length,
        L = data.sides[0].gnorm.length;
      const rows = [
        [t("axis.loss"), ...data.sides.map((s) => formatNumber(s.loss, 6))],
        [
          t("axis.accuracy"),
          ...data.sides.map((s) =>
            Number.isFinite(s.acc)
              ? numberFormat(
                  { style: "percent", maximumFractionDigits: 1 },
                  document.documentElement.lang,
                ).format(s.acc)
              : "–",
          ),
        ],
        ...Array.from({ length: H }, (_, l) => [
          t("numbers.symmetry", { l: l + 1 }),
          ...data.sides.map((s) => zero(s.sym[l])),
        ]),
        ...Array.from({ length: L }, (_, l) => [
          l === L - 1 ? t("numbers.gradOut") : t("numbers.grad", { l: l + 1 }),
          ...data.sides.map((s) => zero(s.gnorm[l])),
        ]),
      ];
      box.replaceChildren(
        el(
          "table",
          { class: "data-table", id: "lab-numbers", "aria-labelledby": "lab-numbers-caption" },
          el(
            "thead",
            {},
            el(
              "tr",
              {},
              el("th", { scope: "col" }, t("numbers.quantity")),
              data.sides.map((s) => el("th", { scope: "col" }, s.title)),
            ),
          ),
          el(
            "tbody",
            {},
            rows.map((r) =>
              el(
                "tr",
                {},
                r.map((c, i) => el(i ? "td" : "th", i ? {} : { scope: "row" }, c)),
              ),
            ),
          ),
        ),
      );
    },
  };
}
