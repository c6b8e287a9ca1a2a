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
import { createWeightImages } from "../charts/weightimages.js";
import { createDigitGrid } from "../charts/digitgrid.js";
import {
  trajectoryData,
  lossData,
  symmetryData,
  gradNormData,
  boundaryData,
  unitMapsData,
  networkData,
  weightImagesData,
  digitGridData,
} from "./views.js";

export const SIDES = ["left", "right"];
const hasHidden = (meta) => meta.sizes.length > 2;
// the input-plane views (network with its unit pictures, boundary, unit maps) need 2-D inputs; image
// data (meta.images: the digits, 64 inputs) has weight images and test digits instead
const plane = (meta) => !meta.images;
const planeHidden = (meta) => plane(meta) && hasHidden(meta);
const images = (meta) => !!meta.images && hasHidden(meta);

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
    applies: plane,
    make: (el, { compact, enc }) =>
      createNetworkDiagram(el, compact ? { fill: true, enc } : { height: 230, enc }),
    key: (c) => `${c.values.net_show}:${c.scale}`,
    data: (c, k) => networkData(c.H, k, c.cur, c.values.net_show, c.scale, c.pictures()),
  },
  boundary: {
    title: "row.boundary",
    help: "row.boundary.help",
    applies: plane,
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
    applies: planeHidden,
    make: (el, { enc }) => createUnitMaps(el, { enc }),
    key: () => "",
    data: (c, k) => unitMapsData(c.H, k, c.cur, c.grid),
  },
  weights: {
    title: "row.weights",
    help: "row.weights.help",
    applies: images,
    make: (el, { compact, enc }) => createWeightImages(el, { height: compact ? "fill" : undefined, enc }),
    key: () => "",
    data: (c, k) => weightImagesData(c.H, k, c.cur),
  },
  digits: {
    title: "row.digits",
    help: "row.digits.help",
    applies: (meta) => !!meta.images,
    make: (el, { compact, enc }) => createDigitGrid(el, { height: compact ? "fill" : undefined, enc }),
    key: () => "",
    data: (c, k) => digitGridData(c.H, k, c.cur),
  },
  inspector: {
    title: "row.inspector",
    help: "row.inspector.help",
    applies: () => true,
    ondemand: "inspect",
    scrolls: true, // its tables scroll sideways: reachable by keyboard
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

/** The panels to show of `ids` for runs of `meta`: for image data the input-plane views give way to
 * their image counterparts (network, units -> weights; boundary -> digits), each once, in order. */
const FOR_IMAGES = { network: "weights", units: "weights", boundary: "digits" };
export function panelsFor(ids, meta) {
  const mapped = meta.images ? ids.map((id) => FOR_IMAGES[id] || id) : ids;
  return [...new Set(mapped)].filter((id) => PANELS[id] && PANELS[id].applies(meta));
}

/** Panel names accepted in URLs (panels=…): the ids plus the older aliases. */
export const PANEL_ALIASES = { trajectories: "traj", gradients: "gradnorm" };
export const panelId = (name) => (PANELS[name] ? name : PANEL_ALIASES[name] || null);
