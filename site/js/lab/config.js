// config.js: the lab's state -> the config pyinit.lab.create takes, and comparing configs by value.
import { hiddenSizes } from "../state.js";
import { SIDES } from "./panels.js";

/** The config for pyinit.lab.create (shared settings + one {init, scale, bias} per side). */
export function labConfig(v) {
  return {
    dataset: v.dataset, n_samples: v.n_samples, noise: v.noise, hidden: hiddenSizes(v), activation: v.activation,
    lr: v.lr, momentum: v.momentum, batch_size: v.batch_size, seed: v.seed,
    members: SIDES.map((s) => ({ init: v[`${s}_init`], scale: v[`${s}_scale`], bias: v[`${s}_bias`] })),
  };
}

/** Canonical JSON (sorted keys) so configs compare by value. */
export const canon = (x) => Array.isArray(x) ? `[${x.map(canon).join(",")}]`
  : x && typeof x === "object" ? `{${Object.keys(x).sort().map((k) => `${JSON.stringify(k)}:${canon(x[k])}`).join(",")}}`
  : JSON.stringify(x);

export const sameConfig = (a, b) => canon(a) === canon(b);
