// The lab's charts in numbers: a table of the shown step for screen readers and anyone who prefers
// numbers to pictures (the charts' text alternative). Rows: loss, accuracy, the symmetry measure
// of each hidden layer, the gradient norm of each layer; one column per run.
import { t, formatNumber, formatPercent } from "../platform/i18n.js";
import { el } from "../platform/dom.js";
import { SIDES } from "./panels.js";

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
        [t("axis.accuracy"), ...data.sides.map((s) => formatPercent(s.acc))],
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

/** The table of a figure app's runs (figure-app.js), following the shown step while paused. */
export function followNumbers(app, container) {
  const table = createNumbersTable(container);
  const { controller, state } = app;
  let frame = 0;
  function soon() {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      const rec = controller.record;
      if (!rec || controller.playing) return;
      const m = controller.source.history.meta,
        nH = m.sizes.length - 2,
        nL = m.sizes.length - 1;
      table.update({
        step: rec.step,
        sides: SIDES.map((side, k) => ({
          title: `${t(`side.${side}`)} · ${t(`choice.init.${state.get(`${side}_init`)}`)}`,
          loss: rec.loss[k],
          acc: rec.acc[k],
          sym: Array.from(rec.sym.subarray(k * nH, (k + 1) * nH)),
          gnorm: Array.from(rec.gnorm.subarray(k * nL, (k + 1) * nL)),
        })),
      });
    });
  }
  app.on("changed", () => {
    if (!controller.playing) soon();
  });
  app.on("language", () => {
    table.relabel();
    soon();
  });
  return table;
}

/** Screen readers hear the shown step and both losses whenever the runs stop on a new step. */
export function announceSteps(app, live) {
  let announced = -1;
  function announce() {
    const rec = app.controller.record;
    if (!rec || app.controller.playing || rec.step === announced) return;
    announced = rec.step;
    const [left, right] = rec.loss.map((v) => formatNumber(v, 4));
    live.textContent = t("announce.step", { step: String(rec.step), left, right });
  }
  app.on("transport", announce);
  app.on("language", () => {
    announced = -1; // the step announcement again, in the new language
    announce();
  });
}
