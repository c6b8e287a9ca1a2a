// embed/params.js: what embed.html makes of its URL. The keys themselves (panels, controls, text,
// autoplay, theme, api, lazy, and the shared step/chapter/lang) are declared in state.js's SCHEMA
// like every other key; this module only turns the parsed values into what the embed builds.

import { SPEC } from "../state.js";

/** Panel names in URLs (the words) -> the lab's row ids (lab/panels.js). */
export const PANEL_ALIASES = {
  trajectories: "traj", traj: "traj", loss: "loss", boundary: "boundary", units: "units",
  symmetry: "symmetry", gradnorm: "gradnorm", gradients: "gradnorm", network: "network",
};

/** Canonical list value ("a,b") -> array ([] for the empty list / "none"). */
export function listOf(value) {
  return value ? String(value).split(",").filter(Boolean) : [];
}

export function panelIds(values) {
  const ids = listOf(values.panels).map((p) => PANEL_ALIASES[p]).filter(Boolean);
  return [...new Set(ids)];
}

export function controlSet(values) {
  return new Set(listOf(values.controls));
}

/** Keys that belong to embed.html only (not part of the lab's run or view). */
export function embedKeys() {
  return Object.values(SPEC).filter((s) => s.group === "embed").map((s) => s.name);
}
