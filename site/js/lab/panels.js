// panels.js: the lab's chart rows, declared once. Each row has one cell per run (left, right).
// Embed mode (later) picks rows by id; the tour links to them by id.
import { t } from "../platform/i18n.js";
import { createTrajectoryChart } from "../charts/trajectories.js";
import { createLossChart } from "../charts/lossacc.js";
import { createBoundaryChart } from "../charts/boundary.js";
import { createUnitMaps } from "../charts/unitmaps.js";
import { createLogLinesChart } from "../charts/loglines.js";
import { createNetworkDiagram } from "../charts/network.js";
import { createInspector } from "../charts/inspector.js";
import { createLandscapeChart } from "../charts/landscape.js";

export const SIDES = ["left", "right"];

// id, title key, help key, factory, and whether the chart needs Python on demand ("ondemand")
export const PANELS = [
  { id: "traj", title: "row.traj", help: "row.traj.help", make: (el) => createTrajectoryChart(el), tools: ["traj_layer"] },
  { id: "loss", title: "row.loss", make: (el) => createLossChart(el) },
  { id: "boundary", title: "row.boundary", help: "row.boundary.help", make: (el) => createBoundaryChart(el) },
  { id: "units", title: "row.units", help: "row.units.help", make: (el) => createUnitMaps(el), tools: ["unit_maps"] },
  { id: "symmetry", title: "row.symmetry", help: "row.symmetry.help", make: (el) => createLogLinesChart(el, { yTitle: t("axis.symmetry") }) },
  { id: "gradnorm", title: "row.gradnorm", help: "row.gradnorm.help", make: (el) => createLogLinesChart(el, { yTitle: t("axis.gradnorm") }) },
  { id: "network", title: "row.network", help: "row.network.help", make: (el) => createNetworkDiagram(el), tools: ["net_show"] },
  { id: "inspector", title: "row.inspector", help: "row.inspector.help", make: (el) => createInspector(el), ondemand: true },
  { id: "landscape", title: "row.landscape", help: "row.landscape.help", make: (el) => createLandscapeChart(el), ondemand: true },
];

/**
 * Build the rows into `root`. Returns {charts: {panelId: {left, right}}, cells, captions, toolSlots}.
 * Each cell: <figure class="cell" data-side> <figcaption class="who"> <div class="plot"> </figure>
 */
export function buildPanels(root, ids = PANELS.map((p) => p.id)) {
  const charts = {}, cells = {}, toolSlots = {}, whoLabels = [];
  root.replaceChildren();
  for (const p of PANELS.filter((q) => ids.includes(q.id))) {
    const sec = document.createElement("section");
    sec.className = `row row-${p.id}`;
    sec.id = `row-${p.id}`;
    sec.setAttribute("aria-labelledby", `row-${p.id}-title`);
    const head = document.createElement("div");
    head.className = "row-head";
    const h = document.createElement("h2");
    h.id = `row-${p.id}-title`;
    h.textContent = t(p.title);
    h.dataset.i18n = p.title;
    head.append(h);
    const tools = document.createElement("div");
    tools.className = "row-tools";
    head.append(tools);
    toolSlots[p.id] = tools;
    sec.append(head);
    if (p.help) {
      const help = document.createElement("p");
      help.className = "help";
      help.textContent = t(p.help);
      help.dataset.i18n = p.help;
      sec.append(help);
    }
    const pair = document.createElement("div");
    pair.className = "pair";
    charts[p.id] = {};
    cells[p.id] = {};
    for (const side of SIDES) {
      const fig = document.createElement("figure");
      fig.className = "cell";
      fig.dataset.side = side;
      const who = document.createElement("figcaption");
      who.className = "who";
      whoLabels.push({ el: who, side });
      const extra = document.createElement("div");
      extra.className = "cell-extra";
      const plot = document.createElement("div");
      plot.className = "plot";
      plot.id = `${p.id}-${side}`;
      fig.append(who, extra, plot);
      pair.append(fig);
      charts[p.id][side] = p.make(plot);
      cells[p.id][side] = { fig, who, extra, plot };
    }
    sec.append(pair);
    root.append(sec);
  }
  return { charts, cells, toolSlots, whoLabels };
}
