// Weight trajectories: every weight and bias into one layer as a line over steps, colored + dashed
// by the unit it feeds, so clones overlap exactly. (Canvas: it animates; see canvas.js.)
import { check, encodingsOf } from "./common.js";
import { createCanvasLineChart } from "./lines.js";
import { t } from "../platform/i18n.js";

/**
 * createTrajectoryChart(container, {height, enc}) -> {update(data), reset()}
 * data: {steps: number[R], lines: [{y: number[R], unit: int (0-based; -1 = output unit), name: str}],
 *        cursor: step number or null}
 */
export function createTrajectoryChart(container, opts = {}) {
  const enc = encodingsOf(opts);
  const chart = createCanvasLineChart(container, { height: opts.height || 240, enc });
  return {
    update(data) {
      check(data && Array.isArray(data.lines), "trajectories need {steps, lines}");
      const units = [...new Set(data.lines.map((l) => l.unit))].sort((a, b) => a - b);
      const style = (u) => (u < 0 ? { color: enc.ink, dash: "solid" } : enc.unitStyle(u));
      chart.update({
        x: data.steps,
        series: data.lines.map((l) => {
          check(Number.isInteger(l.unit), "line.unit must be an integer");
          return { name: l.name, y: l.y, unit: l.unit, ...style(l.unit), width: 1.6 };
        }),
        legend:
          units.length <= 16
            ? units.map((u) => ({
                name: u < 0 ? t("legend.output") : t("legend.unit", { j: u + 1 }),
                ...style(u),
              }))
            : [],
        xTitle: t("axis.step"),
        yTitle: t("axis.value"),
        yZero: true,
        marks: data.cursor == null ? [] : [{ x: data.cursor, dash: [2, 3] }],
        tipSeries: data.lines.length <= 12 ? undefined : data.lines.map((_, k) => k).slice(0, 12),
        ariaLabel: `${t("row.traj")}: ${data.lines.length} lines`,
      });
    },
    reset: chart.reset,
    element: container,
  };
}
