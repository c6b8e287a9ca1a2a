// setup-title.js: a run's whole setup in a few words, for the figure's run titles (issue 17.4): the init
// with its parameter (σ, c, a, ε), the biases when they are not 0, and what both runs share when it is
// not the default (activation, optimizer, dropout): "zeros, sigmoid", "zeros, biases 0.1",
// "zeros + ε = 10⁻⁴", "normal σ = 0.01, ReLU". Pure: values in, text out.
import { t, formatNumber } from "../platform/i18n.js";

// settings.json's defaults: a title names the activation and optimizer only when they differ
const DEFAULT_ACTIVATION = "tanh";
const DEFAULT_OPTIMIZER = "sgd";
const SUPERSCRIPT = {
  "-": "⁻",
  0: "⁰",
  1: "¹",
  2: "²",
  3: "³",
  4: "⁴",
  5: "⁵",
  6: "⁶",
  7: "⁷",
  8: "⁸",
  9: "⁹",
};

/** A setting's number as the texts write it: 10⁻⁴ for a small power of ten, else the locale's 0.01. */
export function quoted(v) {
  const e = Math.log10(Math.abs(v));
  if (v > 0 && Number.isInteger(e) && Math.abs(e) >= 3)
    return `10${String(e).replace(/./g, (ch) => SUPERSCRIPT[ch])}`;
  return formatNumber(v, 4);
}

/** The init of `side` with its parameter: "normal σ = 0.01". */
export function initLabel(values, side) {
  const init = values[`${side}_init`];
  return t(`title.init.${init}`, { v: quoted(values[`${side}_scale`]) });
}

/** The side's whole setup: "zeros, biases 0.1, sigmoid". */
export function setupLabel(values, side) {
  const parts = [initLabel(values, side)];
  const bias = values[`${side}_bias`];
  if (bias) parts.push(t("title.bias", { v: quoted(bias) }));
  if (values.activation && values.activation !== DEFAULT_ACTIVATION)
    parts.push(t(`choice.activation.${values.activation}`));
  if (values.optimizer && values.optimizer !== DEFAULT_OPTIMIZER)
    parts.push(t(`choice.optimizer.${values.optimizer}`));
  if (values.dropout) parts.push(t("title.dropout", { v: quoted(values.dropout) }));
  return parts.join(", ");
}
