// code-gate.js: the one gate for init code. Code that did not come from the reader never runs before
// the reader has pressed "Run this code" (or Run, or Ctrl+Enter in the editor) for it: not from the
// first load, a changed hash (a pasted link, back/forward), an embed's URL or a host page's setState.
// The figure app asks the gate before it builds any runs (figure-app.js setup(), the only place that
// does); the code panel asks it what to offer (Run, or "Run this code" on read-only code).
//
// What may run on a side, by value (the base64url text the state holds):
//   - the site's own code: the built-in example ("" = no code) and the chapters' starter code;
//   - code the reader ran on that side (approve): typed in the editor, or read and accepted.
// Code is taken back (revoke) when it stopped Python: after a time-out or an exit of its Python in the
// sandbox (app/code-runner.js), or when the page's worker was lost while the runs used it, so a restart
// never runs it again unasked. A side whose link code was
// refused (too long) needs a click even for the example, so nothing else runs in its place silently.
import { SIDES } from "./panels.js";

/** createCodeGate(chapters, schema) -> {allows, held, approve, revoke, refuse, reason}; schema.codeKey[side]
 * is the side's code setting (the rule book's) */
export function createCodeGate(chapters, schema) {
  const codeKey = (side) => schema.codeKey[side];
  const site = new Set([""]);
  for (const c of chapters) for (const side of SIDES) site.add((c.preset || {})[codeKey(side)] ?? "");
  const approved = { left: new Set(), right: new Set() };
  const revoked = { left: new Map(), right: new Map() }; // code -> why ("timeout" | "stopped" | "lost")
  const refused = new Set(); // sides whose link code was refused

  /** May `code` run on `side`? */
  function allows(side, code = "") {
    if (revoked[side].has(code)) return false;
    if (approved[side].has(code)) return true;
    return site.has(code) && !(code === "" && refused.has(side));
  }

  return {
    allows,
    /** The first side whose code may not run with these run settings, or null. */
    held(run) {
      return SIDES.find((s) => run[`${s}_init`] === "python" && !allows(s, run[codeKey(s)])) || null;
    },
    /** The reader ran `code` on `side`. */
    approve(side, code = "") {
      approved[side].add(code);
      revoked[side].delete(code);
      refused.delete(side);
    },
    /** `code` stopped Python on `side` (why: "timeout" | "stopped" | "lost"): it waits for the reader
     * again. */
    revoke(side, code = "", why = "lost") {
      approved[side].delete(code);
      revoked[side].set(code, why);
    },
    /** The link's code for `side` could not be used: nothing runs there before a click. */
    refuse(side) {
      refused.add(side);
    },
    /** Why `code` waits on `side`: "review" (from a link), "timeout", "stopped" or "lost" (it stopped
     * Python). */
    reason(side, code = "") {
      return revoked[side].get(code) || "review";
    },
  };
}
