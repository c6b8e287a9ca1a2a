// links.js: what a link (a URL's query or hash, a pasted link, back/forward) asks the figure for, and
// the chapters' setups. The one place where chapter presets are applied on the page's side.
//
//   const links = createLinks({schema, chapters});
//   links.read(query)        -> {values, given, notices, step, hasRun, own}  (a whole state: keys the
//                               link does not name take their defaults, or its chapter's preset)
//   links.presetOf(id)       a chapter's setup: the default run settings with its preset, its speed
//   links.isChapterRun(v)    do the run settings of `v` equal its chapter's setup? (else: "your setup")
//   links.differences(v)     the run settings of `v` that differ from the defaults, [{name, value}]
import { t } from "../platform/i18n.js";
import { canon } from "./schema.js";
import { MAX_CODE_BYTES } from "./code-panel.js";
import { SIDES } from "./panels.js";

/** Bytes of the code a base64url value (no padding) carries. */
const base64Bytes = (value) => Math.floor((value.length * 3) / 4);

export function createLinks({ schema, chapters }) {
  const codeKey = (side) => schema.codeKey[side];
  const defaults = schema.defaults();
  const runDefaults = schema.runSettings(defaults);
  const chapterNo = (id) => Math.max(1, chapters.findIndex((c) => c.id === id) + 1); // 1-based
  const chapterOf = (id) => chapters[chapterNo(id) - 1];
  const isRunKey = (k) => schema.runKeys.includes(k);

  /** A chapter's full setup: the defaults with its preset, and the speed it is played at. */
  const presetOf = (id) => ({
    ...runDefaults,
    speed: chapterOf(id).speed || defaults.speed,
    ...(chapterOf(id).preset || {}),
  });
  const isChapterRun = (values) =>
    canon(schema.runSettings(values)) === canon(schema.runSettings(presetOf(values.chapter)));

  /** A link's code that is too long is refused in words (bytes, as the editor counts them). */
  function codeNotice(raw, side) {
    const n = base64Bytes(raw);
    return {
      name: codeKey(side),
      error: {
        key: "code.linkTooLong",
        params: { side: t(`side.${side}`), n: String(n), max: String(MAX_CODE_BYTES) },
      },
    };
  }

  function read(query) {
    const p = schema.deserialize(query);
    const raw = new URLSearchParams(query.replace(/^[?#]/, ""));
    const values = { ...p.values };
    const given = [...p.given];
    const refused = []; // sides whose code the link carried but that could not be used
    const notices = p.notices.map((n) => {
      const side = SIDES.find((s) => codeKey(s) === n.name);
      if (!side) return n;
      refused.push(side);
      return n.error.key === "error.tooLong" ? codeNotice(raw.getAll(n.name).pop(), side) : n;
    });
    for (const side of SIDES) {
      const key = codeKey(side);
      // a link with a side's code but no init for that side means "this side runs that code"
      const init = `${side}_init`;
      if ((given.includes(key) || refused.includes(side)) && !given.includes(init)) {
        values[init] = "python";
        given.push(init);
      }
    }
    const hasRun = given.some(isRunKey);
    // a link that names a chapter but no run setting sets that chapter up (its preset, its speed)
    const whole = hasRun
      ? values
      : {
          ...values,
          ...presetOf(values.chapter),
          ...Object.fromEntries(given.map((k) => [k, values[k]])),
        };
    return {
      values: whole,
      given,
      notices,
      more: p.more,
      step: p.values.step,
      hasRun,
      own: hasRun && !isChapterRun(whole),
      refused: [...new Set(refused)],
    };
  }

  /** The run settings of `values` that differ from the defaults, in the schema's order. */
  function differences(values) {
    const out = [];
    for (const k of schema.runKeys) {
      if (values[k] === runDefaults[k]) continue;
      // a side's number and seed matter only for inits that use them; its code only for "python"
      const side = SIDES.find((s) => k.startsWith(`${s}_`) || k === codeKey(s));
      if (side && k !== `${side}_init` && k !== `${side}_bias`) {
        const init = values[`${side}_init`];
        if (k === codeKey(side) && init !== "python") continue;
        if (k === `${side}_scale` && !schema.initParam[init]) continue;
      }
      out.push({ name: k, value: values[k] });
    }
    return out;
  }

  return { read, presetOf, isChapterRun, differences, chapterNo, chapterOf };
}
