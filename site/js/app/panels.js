// panels.js: every panel the figure can show, declared once. A panel has a title (and help) key, the
// chart factory, the data it draws for member k at the shown record (from views.js), a key saying
// when that changed, and whether it applies to a network (no hidden layer: no symmetry, no units).
// The lab page's main figure shows a chapter's 2–4 panels; "More panels" and embeds pick any.
import { t } from "../platform/i18n.js";
import { createTrajectoryChart } from "../charts/trajectories.js";
import { createLossChart } from "../charts/lossacc.js";
import { createBoundaryChart } from "../charts/boundary.js";
import { createUnitMaps } from "../charts/unitmaps.js";
import { createLogLinesChart } from "../charts/loglines.js";
import { createNetworkDiagram } from "../charts/network.js";
import { createInspector } from "../charts/inspector.js";
import { createLandscapeChart } from "../charts/landscape.js";
import {
  trajectoryData,
  lossData,
  symmetryData,
  gradNormData,
  boundaryData,
  unitMapsData,
  networkData,
} from "./views.js";

export const SIDES = ["left", "right"];
const hasHidden = (meta) => meta.sizes.length > 2;

/**
 * id -> {title, help?, tools?, ondemand?, applies(meta), make(el, {compact, enc}), key(ctx), data(ctx, k)}
 * (enc: the charts' encodings, charts/encodings.js)
 * ctx: {H, cur, values, grid, data (X, y), scale (shared edge scale), gridRange, domains (views.pairDomains:
 *   the y ranges both sides share), pictures() (views.unitPictures of both runs, computed once)}
 */
export const PANELS = {
  network: {
    title: "row.network",
    help: "row.network.help",
    tools: ["net_show"],
    applies: () => true,
    make: (el, { compact, enc }) =>
      createNetworkDiagram(el, compact ? { fill: true, enc } : { height: 230, enc }),
    key: (c) => `${c.values.net_show}:${c.scale}`,
    data: (c, k) => networkData(c.H, k, c.cur, c.values.net_show, c.scale, c.pictures()),
  },
  boundary: {
    title: "row.boundary",
    help: "row.boundary.help",
    applies: () => true,
    make: (el, { compact, enc }) =>
      createBoundaryChart(el, compact ? { maxHeight: "fill", compact: true, enc } : { enc }),
    key: () => "",
    data: (c, k) => boundaryData(c.H, k, c.cur, c.grid, c.data),
  },
  loss: {
    title: "row.loss",
    applies: () => true,
    make: (el, { compact, enc }) => createLossChart(el, { height: compact ? "fill" : 240, enc }),
    key: (c) => c.domainsKey,
    data: (c, k) => lossData(c.H, k, c.cur, c.domains.loss),
  },
  traj: {
    title: "row.traj",
    help: "row.traj.help",
    tools: ["traj_layer"],
    applies: () => true,
    make: (el, { compact, enc }) => createTrajectoryChart(el, { height: compact ? "fill" : 240, enc }),
    key: (c) => String(c.values.traj_layer),
    data: (c, k) => trajectoryData(c.H, k, c.cur, c.values.traj_layer),
  },
  symmetry: {
    title: "row.symmetry",
    help: "row.symmetry.help",
    applies: hasHidden,
    make: (el, { compact, enc }) =>
      createLogLinesChart(el, { yTitle: t("axis.symmetry"), height: compact ? "fill" : 220, enc }),
    key: (c) => c.domainsKey,
    data: (c, k) => symmetryData(c.H, k, c.cur, c.domains.sym),
  },
  gradnorm: {
    title: "row.gradnorm",
    help: "row.gradnorm.help",
    applies: () => true,
    make: (el, { compact, enc }) =>
      createLogLinesChart(el, { yTitle: t("axis.gradnorm"), height: compact ? "fill" : 220, enc }),
    key: (c) => c.domainsKey,
    data: (c, k) => gradNormData(c.H, k, c.cur, c.domains.gnorm),
  },
  units: {
    title: "row.units",
    help: "row.units.help",
    applies: hasHidden,
    make: (el, { enc }) => createUnitMaps(el, { enc }),
    key: () => "",
    data: (c, k) => unitMapsData(c.H, k, c.cur, c.grid),
  },
  inspector: {
    title: "row.inspector",
    help: "row.inspector.help",
    applies: () => true,
    ondemand: "inspect",
    make: (el) => createInspector(el),
  },
  landscape: {
    title: "row.landscape",
    help: "row.landscape.help",
    applies: () => true,
    ondemand: "landscape",
    make: (el, { enc }) => createLandscapeChart(el, { enc }),
  },
};

/** Panel names accepted in URLs (panels=…): the ids plus the older aliases. */
export const PANEL_ALIASES = { trajectories: "traj", gradients: "gradnorm" };
export const panelId = (name) => (PANELS[name] ? name : PANEL_ALIASES[name] || null);
