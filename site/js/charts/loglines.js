// Lines over steps on a log y axis where exact zeros are drawn on their own "0 (exactly)" lane,
// not dropped by the log scale. Used for the symmetry measure and the gradient norms. (Canvas.)
import { check, encodingsOf } from "./common.js";
import { createCanvasLineChart } from "./lines.js";
import { t } from "../platform/i18n.js";

/**
 * createLogLinesChart(container, {yTitle, height, enc}) -> {update, reset}
 * data: {steps: number[R], series: [{name, y: number[R], style?: int (-1 = ink)}], cursor: step|null,
 *        domain?: {lo, hi, zero} (the y axis shared with the other run's copy)}
 */
export function createLogLinesChart(container, opts = {}) {
  const enc = encodingsOf(opts);
  const chart = createCanvasLineChart(container, { height: opts.height || 220, enc });
  return {
    update(data) {
      check(data && Array.isArray(data.series), "log chart needs {steps, series}");
      const style = (s, k) =>
        s.style === -1 ? { color: enc.ink, dash: "solid" } : enc.unitStyle(s.style ?? k);
      const series = data.series.map((s, k) => ({ name: s.name, y: s.y, ...style(s, k), width: 2 }));
      chart.update({
        x: data.steps,
        series,
        yMode: "logzero",
        yDomain:
          data.domain && Number.isFinite(data.domain.lo)
            ? { lo: data.domain.lo, hi: data.domain.hi, zero: data.domain.zero }
            : data.domain && data.domain.zero
              ? { zero: true }
              : null,
        legend: series.map((s) => ({ name: s.name, color: s.color, dash: s.dash })),
        xTitle: t("axis.step"),
        yTitle: opts.yTitle,
        marks: data.cursor == null ? [] : [{ x: data.cursor, dash: [2, 3] }],
        ariaLabel: opts.yTitle,
      });
    },
    reset: chart.reset,
    element: container,
  };
}
