// status.js: what the figure says about itself, in words — its phase (precomputed, live, waiting) and
// everything that stopped or went wrong (a refused setting, Python failing or stopping, every run
// diverging, a limit). The same sentences on the lab page and in embeds.
import { t, numberFormat } from "../platform/i18n.js";

/** Session messages that only repeat that Python stopped (the "lost" notice says it once). */
const AFTER_LOSS = ["status.pythonLost", "error.pythonFailed", "status.waitingPython", "status.needsPython"];

/**
 * statusOf({session, controller, python, schema}) -> {line, problems: [{text, restart?: bool}]}
 * line: one short sentence about where the runs come from; problems: notices that stay until resolved.
 * A lost Python always leaves a problem with a Restart, whatever happened since (a setting changed,
 * a reset, a chapter), and says so once.
 */
export function statusOf({ session, controller, python, schema }) {
  const problems = [];
  let line = "";
  const phase = session.phase;
  if (phase === "precomputed") {
    line = t(
      python.failed
        ? "status.precomputedNoPython"
        : session.catchingUp
          ? "status.catchingUp"
          : python.started
            ? "status.precomputed"
            : "embed.precomputed",
    );
  } else if (phase === "live") line = t("status.live", python.versions || {});
  else if (phase === "waiting") line = t(python.started ? "status.waitingPython" : "embed.needsPython");
  const lost = python.lost;
  if (lost) {
    line = t("status.stopped");
    problems.push({ text: t("status.pythonLost", { message: lost.message }), restart: true });
  }
  const m = session.message;
  const codeSide = m && m.details && schema.sideOfCode(m.details.param);
  if (codeSide)
    problems.push({ text: t("code.failed", { side: t(`side.${codeSide}`) }) }); // the editor shows where
  else if (m && !(lost && AFTER_LOSS.includes(m.key)))
    problems.push({ text: t(m.key, m.params), restart: m.key === "status.pythonLost" });
  const H = controller.source && controller.source.history;
  const why = controller.stopReason;
  if (why === "diverged") {
    const last = Math.max(...Array.from({ length: H.meta.K }, (_, k) => H.diverged(k).step));
    problems.push({ text: t("status.allDiverged", { step: String(last) }) });
  } else if (why === "limit") problems.push({ text: t("status.limit", { reason: H.limit }) });
  else if (why === "error" && !lost)
    problems.push({ text: t("error.pythonFailed", { message: controller.error.message }) });
  else if (!controller.playing && controller.atLastStep)
    line = t("status.chapterEnd", { step: String(controller.record.step) });
  else if (why === "end" && phase === "precomputed") {
    line = t(python.failed ? "status.endNoPython" : python.started ? "status.endWaiting" : "embed.end");
  }
  return { line, problems };
}

/** The shared edge scale of the network diagrams in words: [what the widest edge is, the key], or null. */
export function edgeLegend(figure, mode) {
  const net = figure.charts.network;
  const scale = net && net.left.element.chartData ? net.left.element.chartData.scale : null;
  if (scale == null) return null;
  const main =
    scale > 0
      ? t(mode === "gradient" ? "net.legendGrad" : "net.legend", { value: formatScale(scale) })
      : t("net.legendZero");
  const boundary = figure.charts.boundary ? " " + t("net.legendBoundary") : "";
  return [main, t("net.legendKey") + boundary];
}

/** Write edgeLegend() into `el`: the scale, then the key (which phones leave out). */
export function renderEdgeLegend(el, legend) {
  const key = legend ? legend.join("|") : "";
  if (el.dataset.key === key) return;
  el.dataset.key = key;
  el.replaceChildren();
  if (!legend) return;
  const more = document.createElement("span");
  more.className = "legend-more";
  more.textContent = " " + legend[1];
  el.append(legend[0], more);
}
const formatScale = (v) =>
  v >= 1e-3 && v < 1e4
    ? numberFormat({}, document.documentElement.lang).format(Number(v.toPrecision(3)))
    : v.toExponential(1);
