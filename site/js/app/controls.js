// controls.js: form controls generated from the settings schema (schema.js). The control's id IS the
// state key. Every control validates at its edge: a refused value shows a message right next to the
// control (and aria-invalid), the state is not touched, and nothing reaches Python.
import { t } from "../platform/i18n.js";

/** The message key of a control's label: a side's settings share one (ctl.init, ctl.scale, ...). */
// settings the runs do not use with image data (dataset digits: its fixed training set, no noise, no rings)
const UNUSED_WITH_IMAGES = ["n_samples", "noise", "factor"];
const IMAGE_DATASETS = ["digits"];

export function labelKey(name, sides) {
  const side = sides.find((x) => name.startsWith(`${x}_`));
  const rest = side && name.slice(side.length + 1);
  return ["init", "scale", "bias", "init_seed"].includes(rest) ? `ctl.${rest}` : `ctl.${name}`;
}
export function choiceKey(name, v, sides) {
  return labelKey(name, sides) === "ctl.init" ? `choice.init.${v}` : `choice.${name}.${v}`;
}

/**
 * The rules between settings (the rule book's, schema.check) that `values` break: {name: {key,
 * params, message}}. A side's number is named by what it means for its init (σ, a, ε).
 */
export function crossCheck(values, schema) {
  const errors = schema.check(values);
  for (const err of Object.values(errors))
    if (err.params.param) err.params = { ...err.params, name: t(`param.${err.params.param}`) };
  return errors;
}

/**
 * createControls(container, names, state, {schema, onCommit}) -> {setError(name, err|null), sync(), elements}
 * onCommit(patch) is called with a typed, valid patch; it decides (via crossCheck) whether to apply,
 * and returns false when it does not.
 */
export function createControls(container, names, state, { schema, onCommit }) {
  const elements = {};
  const msgs = {};
  const dirty = new Set(); // text fields the reader has typed into since they were last committed
  for (const name of names) {
    const spec = schema.spec(name);
    const wrap = document.createElement("div");
    wrap.className = `ctl ctl-${spec.type}`;
    wrap.dataset.key = name;
    const label = document.createElement("label");
    label.htmlFor = name;
    label.textContent = t(labelKey(name, schema.sides));
    label.dataset.i18n = labelKey(name, schema.sides);
    let input;
    if (spec.widget === "select") {
      input = document.createElement("select"); // options filled by sync() (they depend on other state)
    } else if (spec.type === "choice") {
      input = document.createElement("select");
      for (const c of spec.choices) {
        const o = document.createElement("option");
        o.value = c;
        const k = choiceKey(name, c, schema.sides);
        o.textContent = name === "speed" ? c : t(k);
        if (name !== "speed") o.dataset.i18n = k;
        input.append(o);
      }
    } else if (spec.type === "bool") {
      input = document.createElement("input");
      input.type = "checkbox";
      wrap.classList.add("ctl-check");
    } else {
      input = document.createElement("input");
      input.type = "text";
      input.inputMode = spec.type === "int" ? "numeric" : "decimal";
      input.autocomplete = "off";
      input.spellcheck = false;
      input.size = 7;
    }
    input.id = name;
    input.name = name;
    const msg = document.createElement("span");
    msg.className = "ctl-msg";
    msg.id = `${name}-msg`;
    msg.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", msg.id);
    if (spec.type === "bool") wrap.append(input, label, msg);
    else wrap.append(label, input, msg);
    container.append(wrap);
    elements[name] = input;
    msgs[name] = msg;
    const typed = spec.type !== "choice" && spec.type !== "bool";
    const commit = () => {
      // a text field commits what the reader typed: not again on the blur after Enter, and never a
      // stale value (the state may have changed meanwhile, e.g. from a pasted link)
      if (typed && !dirty.has(name)) return;
      const raw = spec.type === "bool" ? input.checked : input.value;
      const r = schema.parse(name, raw);
      if (!r.ok) {
        setError(name, r.error);
        return;
      }
      setError(name, null);
      if (onCommit({ [name]: r.value }, name) !== false) dirty.delete(name); // refused: still the reader's
    };
    input.addEventListener("change", commit);
    if (typed) {
      input.addEventListener("input", () => dirty.add(name));
      input.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter") {
          ev.preventDefault();
          commit();
        }
      });
    }
  }

  function setError(name, err) {
    const el = elements[name],
      msg = msgs[name];
    if (!el) return;
    if (err) {
      const params = { ...err.params, name: t(labelKey(name, schema.sides)) };
      if (err.params && err.params.name && err.key === "error.scale") params.name = err.params.name;
      msg.textContent = t(err.key, params);
      el.setAttribute("aria-invalid", "true");
      msg.parentElement.classList.add("invalid");
    } else {
      msg.textContent = "";
      el.removeAttribute("aria-invalid");
      msg.parentElement.classList.remove("invalid");
    }
  }

  /** Put the state's values into the controls (and clear messages of controls that now hold valid values). */
  function sync() {
    for (const name of names) {
      const el = elements[name],
        v = state.get(name);
      if (name === "traj_layer") {
        const L = state.get("layers") + 1;
        el.replaceChildren(
          ...Array.from({ length: L }, (_, i) => {
            const o = document.createElement("option");
            o.value = String(i + 1);
            o.textContent = i + 1 === L ? t("traj.outputName") : t("traj.layerName", { l: String(i + 1) });
            return o;
          }),
        );
        el.value = String(Math.min(v, L));
        continue;
      }
      if (el.type === "checkbox") el.checked = !!v;
      else if (document.activeElement !== el || el.tagName === "SELECT" || !dirty.has(name))
        el.value = String(v); // not over typing
      if (UNUSED_WITH_IMAGES.includes(name)) {
        const off = IMAGE_DATASETS.includes(state.get("dataset"));
        if (el.disabled !== off || off) {
          el.disabled = off;
          el.parentElement.classList.toggle("ctl-unused", off);
          if (off) msgs[name].textContent = t("ctl.unused.digits");
          else if (!el.hasAttribute("aria-invalid")) msgs[name].textContent = "";
        }
      }
      const side = schema.sides.find((x) => name === `${x}_scale`);
      if (side) {
        const init = state.get(`${side}_init`);
        const p = schema.initParam[init];
        el.disabled = !p;
        el.previousElementSibling.textContent = p ? t(`param.${p}`) : t("param.none");
      }
    }
  }
  return { setError, sync, elements };
}
