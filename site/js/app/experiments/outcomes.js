// experiments/outcomes.js: the "large" chapter's view: the four outcomes of an init (stuck,
// symmetric, learning, saturated / dead / diverged) as one card per init with a sparkline of its
// loss, an activation switch, a result line and a table. Data: pyinit.web.scale_experiments.outcomes.
// Left out: loading and "Recompute" (../chapter-views.js).
import { t, formatPercent } from "../../platform/i18n.js";
import { el, num, int, list } from "../../platform/dom.js";
import { resultLine, arr, viewTable } from "./parts.js";

/** A small SVG of one loss curve (log scale, its own range) with its first and last values. */
function sparkline(steps, loss, label) {
  const W = 160,
    H = 44,
    pad = 3;
  const pts = steps.map((s, i) => [s, loss[i]]).filter(([, v]) => v !== null && Number.isFinite(v) && v > 0);
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("class", "spark");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  if (pts.length < 2) return svg;
  const lx = pts.map(([, v]) => Math.log10(v));
  let lo = Math.min(...lx),
    hi = Math.max(...lx);
  if (hi - lo < 0.05) {
    lo -= 0.5;
    hi += 0.5;
  }
  const x0 = steps[0],
    x1 = steps[steps.length - 1] || 1;
  const px = (s) => pad + ((s - x0) / (x1 - x0 || 1)) * (W - 2 * pad);
  const py = (l) => H - pad - ((l - lo) / (hi - lo)) * (H - 2 * pad);
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  line.setAttribute("points", pts.map(([s], i) => `${px(s).toFixed(1)},${py(lx[i]).toFixed(1)}`).join(" "));
  line.setAttribute("class", "spark-line");
  svg.append(line);
  const last = pts[pts.length - 1];
  if (last[0] < x1) {
    // the curve stops (diverged): a cross where it ended
    const x = px(last[0]),
      y = py(lx[lx.length - 1]);
    const mark = document.createElementNS("http://www.w3.org/2000/svg", "path");
    mark.setAttribute("d", `M${x - 4},${y - 4}L${x + 4},${y + 4}M${x + 4},${y - 4}L${x - 4},${y + 4}`);
    mark.setAttribute("class", "spark-end");
    svg.append(mark);
  }
  return svg;
}

export const outcomes = {
  build(container, entry, ctx) {
    const d = entry.data;
    entry.activation ||= d.activations.includes(ctx.preset.activation)
      ? ctx.preset.activation
      : d.activations[0];
    // runs are activation-major, in the order of d.inits ("random" resolves to He or Xavier: r.init)
    const specOf = (r) => d.inits[d.runs.filter((x) => x.activation === r.activation).indexOf(r)];
    const initName = (r) => {
      const spec = specOf(r);
      return spec === "random"
        ? t("view.outcomes.init.random", { init: t(`view.signal.init.${r.init}`) })
        : t(`view.outcomes.init.${spec}`);
    };
    const word = (r) => t(`view.outcomes.word.${r.outcome}`);
    const radios = el(
      "fieldset",
      { class: "view-radios" },
      el("legend", {}, t("view.signal.activation")),
      d.activations.map((a) =>
        el(
          "label",
          {},
          el("input", { type: "radio", name: "outcomes-act", value: a, checked: a === entry.activation }),
          " ",
          t(`choice.activation.${a}`),
        ),
      ),
    );
    const cards = el("div", { class: "outcome-cards", id: "view-outcomes-cards" });
    const result = resultLine();
    const steps = arr(d.steps);
    const lastStep = steps[steps.length - 1];
    const lossTo = (r) => (r.diverged !== null ? "∞" : num(r.final_loss, 3));
    const final = (r) =>
      r.diverged !== null
        ? t("view.outcomes.divergedAt", { step: int(r.diverged) })
        : t("view.outcomes.final", { acc: formatPercent(r.final_accuracy) });
    const dataset = (r) =>
      r.dataset !== d.runs[0].dataset ? " (" + t(`choice.dataset.${r.dataset}`) + ")" : "";
    const rows = [];
    for (const a of d.activations) {
      const runs = d.runs.filter((r) => r.activation === a);
      rows.push({ group: t(`choice.activation.${a}`) + dataset(runs[0]) });
      for (const r of runs)
        rows.push([
          initName(r),
          word(r),
          `${num(r.loss0, 3)} → ${lossTo(r)}`,
          r.diverged !== null
            ? t("view.outcomes.divergedAt", { step: int(r.diverged) })
            : formatPercent(r.final_accuracy),
        ]);
    }
    const [cap, scroll] = viewTable({
      id: "view-outcomes-table",
      caption: t("view.outcomes.tableCaption", { steps: int(lastStep) }),
      head: [
        t("view.outcomes.start"),
        t("view.outcomes.outcome"),
        t("view.outcomes.lossCol"),
        t("view.outcomes.accCol"),
      ],
      rows,
    });
    container.append(
      radios,
      el(
        "p",
        { class: "view-caption" },
        t("view.outcomes.caption", {
          steps: int(lastStep),
          layers: String(ctx.preset.layers ?? "–"),
          width: String(ctx.preset.width ?? "–"),
          lr: num(ctx.preset.lr ?? NaN),
        }),
      ),
      cards,
      result,
      el("details", { class: "table-details" }, el("summary", {}, t("tour.table")), cap, scroll),
    );
    function draw() {
      const runs = d.runs.filter((r) => r.activation === entry.activation);
      cards.replaceChildren(
        ...runs.map((r) =>
          el(
            "figure",
            { class: "outcome-card", "data-outcome": r.outcome },
            el(
              "figcaption",
              {},
              el("span", { class: "outcome-init" }, initName(r)),
              el("strong", { class: "outcome-word" }, word(r)),
            ),
            sparkline(
              steps,
              r.loss,
              t("view.outcomes.spark", { init: initName(r), from: num(r.loss0, 3), to: lossTo(r) }),
            ),
            el(
              "p",
              { class: "outcome-nums" },
              t("view.outcomes.lossFromTo", { from: num(r.loss0, 3), to: lossTo(r) }),
              el("br"),
              final(r) + dataset(r),
            ),
          ),
        ),
      );
      const learning = runs.find((r) => r.outcome === "learning");
      const big = runs[runs.length - 1];
      const why = {
        saturated: () => t("view.outcomes.whySaturated", { p: formatPercent(big.saturated0) }),
        dead: () => t("view.outcomes.whyDead", { p: formatPercent(big.dead) }),
        diverged: () => t("view.outcomes.whyDiverged", { step: int(big.diverged) }),
      }[big.outcome];
      result.textContent = [
        t("view.outcomes.result", {
          act: t(`choice.activation.${entry.activation}`) + dataset(runs[0]),
          list: list(runs.map((r) => initName(r) + " → " + word(r))),
        }),
        why ? why() : "",
        learning ? t("view.outcomes.learns", { acc: formatPercent(learning.final_accuracy) }) : "",
      ]
        .filter(Boolean)
        .join(" ");
    }
    radios.addEventListener("change", (ev) => {
      entry.activation = ev.target.value;
      draw();
    });
    draw();
    return () => {};
  },
};
