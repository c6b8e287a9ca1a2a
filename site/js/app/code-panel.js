// code-panel.js: "write your own initializer" — a Python editor for either run. A side whose init is
// "Python (your code)" is initialized by the reader's `init(fan_in, fan_out, rng)` (and optional
// `bias(fan_out, rng)`), run in the code sandbox (app/code-runner.js: a separate Python in an isolated
// frame, started when some code is to run) when the runs are built; this panel says while it starts.
//
// The code is part of the page state (settings `code` for the left run, `code_right` for the right:
// UTF-8 as base64url), so links and embeds carry it. Whether a side's code may run is the code gate's
// (app/code-gate.js): code it does not allow is shown with a "Run this code" button (read-only when it
// came from a link) and runs only after that click; code typed here runs on Run (or Ctrl+Enter).
// Errors come back with the line (shown in the editor).
//
//   const bar = createCodePanel(root, {schema, state, gate, onRun, always});
//   bar.render()            show/hide the editors for the sides that use Python, sync their code
//   bar.trusted(side)       may this side's code run (the gate's verdict)?
//   bar.showError(side, {line, column, message}) / bar.clearErrors()
import { t, onLanguage } from "../platform/i18n.js";
import { el } from "../platform/dom.js";
import { createCodeEditor } from "./code-editor.js";
import { SIDES } from "./panels.js";
import { MAX_CODE_BYTES, EXAMPLE, encodeCode, decodeCode, codeBytes } from "./code-text.js";
import { codeRunner } from "./code-runner.js";

export { MAX_CODE_BYTES, EXAMPLE, encodeCode, decodeCode, codeBytes } from "./code-text.js";

const NOTES = {
  review: "code.review",
  timeout: "code.afterTimeout",
  stopped: "code.afterStop",
  lost: "code.afterLost",
};

/**
 * createCodePanel(root, {schema, state, gate, onRun, always}): schema.codeKey[side] is the side's code
 *   setting; gate: app/code-gate.js; onRun(side): the side's code (already in the state) should
 *   (re)build the runs now; always: show both editors even for sides that do not use Python (the "More
 *   panels" view)
 */
export function createCodePanel(root, { schema, state, gate, onRun, always = false }) {
  const codeKey = (side) => schema.codeKey[side];
  const cells = {};
  root.classList.add("code-panels");
  for (const side of SIDES) {
    const title = el("h3", { class: "code-title" });
    const box = el("div", { class: "code-box" });
    const note = el("p", { class: "code-note", role: "status" });
    const run = el("button", { type: "button", class: "primary code-run" });
    const use = el("button", { type: "button", class: "code-use" });
    const cell = el(
      "section",
      { class: "code-cell", "data-side": side },
      el("div", { class: "code-head" }, title, el("div", { class: "code-actions" }, run, use)),
      note,
      box,
    );
    root.append(cell);
    cells[side] = { cell, title, box, note, run, use, editor: null, pending: null };
    run.addEventListener("click", () => runSide(side));
    use.addEventListener("click", () => state.set({ [`${side}_init`]: "python" }));
  }

  const sourceOf = (side) => decodeCode(state.get(codeKey(side)));
  const uses = (side) => state.get(`${side}_init`) === "python";
  const trusted = (side) => !uses(side) || gate.allows(side, state.get(codeKey(side)));
  /** Why this side's code waits for a click: it came with a link (read-only), or it stopped Python. */
  const reason = (side) => gate.reason(side, state.get(codeKey(side)));
  const editable = (side) => trusted(side) || reason(side) !== "review";

  /** The editor's words in the current language. */
  const editorTexts = (side) => ({
    label: t("code.label", { side: t(`side.${side}`) }),
    hint: t("code.hintShort"),
    location: (line, column) =>
      t(column ? "code.lineColumn" : "code.line", { line: String(line), column: String(column) }),
  });
  function editorOf(side) {
    const c = cells[side];
    c.pending ||= createCodeEditor(c.box, {
      doc: sourceOf(side) || EXAMPLE,
      ...editorTexts(side),
      readOnly: !editable(side),
      onRun: () => runSide(side),
    }).then((ed) => (c.editor = ed));
    return c.pending;
  }
  onLanguage(() => {
    render();
    for (const side of SIDES) if (cells[side].editor) cells[side].editor.setTexts(editorTexts(side));
  });

  /** Put the side's code into the state and ask for new runs (Run, Ctrl+Enter, "Run this code"). */
  async function runSide(side) {
    const c = cells[side],
      ed = await editorOf(side);
    const text = ed.getCode();
    if (codeBytes(text) > MAX_CODE_BYTES) {
      ed.showError({
        message: t("code.tooLong", { max: String(MAX_CODE_BYTES), n: String(codeBytes(text)) }),
      });
      return;
    }
    ed.clearError();
    const code = encodeCode(text);
    gate.approve(side, code); // the reader ran it: this side may run this code from now on
    codeRunner.allow(codeKey(side)); // (the runner's own hold on code that stopped its Python is lifted too)
    ed.setReadOnly(false);
    c.note.textContent = t("code.running");
    const { changed } = state.set({ [codeKey(side)]: code, [`${side}_init`]: "python" });
    if (!changed.length) onRun(side); // the same code again: new runs all the same
    render();
  }

  // the sandbox's own news, in the note of each side whose code waits for it
  const sandboxNote = { loading: "code.sandboxLoading", unavailable: "code.unavailable" };
  codeRunner.onState(({ state: now, sides, message }) => {
    for (const side of sides) {
      cells[side].cell.dataset.sandbox = now; // loading, running, done, unavailable (tests, styles)
      const note = cells[side].note;
      if (sandboxNote[now]) note.textContent = t(sandboxNote[now], { message: message || "" });
      else if (note.textContent === t("code.sandboxLoading")) note.textContent = "";
    }
  });
  // code that ran too long or ended its Python (in the sandbox) is taken back by the gate: it waits for
  // the reader's Run again, editable, with a note saying why
  codeRunner.onFault((side, kind) => {
    gate.revoke(side, state.get(codeKey(side)), kind === "timeout" ? "timeout" : "stopped");
    render();
  });

  function render() {
    root.dataset.count = String(SIDES.filter((s) => uses(s) || always).length); // one editor: full width
    for (const side of SIDES) {
      const c = cells[side],
        on = uses(side);
      c.cell.hidden = !(on || always);
      root.hidden = !SIDES.some((s) => uses(s) || always);
      c.title.textContent = t("code.title", { side: t(`side.${side}`) });
      c.box.title = t("code.hint");
      c.use.hidden = on;
      c.use.textContent = t("code.use");
      c.run.textContent = t(trusted(side) ? "code.run" : "code.runThis");
      c.run.hidden = !on;
      if (!on && !always) continue;
      if (!trusted(side)) c.note.textContent = t(NOTES[reason(side)]);
      editorOf(side)
        .then((ed) => {
          const text = sourceOf(side);
          if (text === null) {
            ed.showError({ message: t("code.bad") });
            return;
          }
          if (text && text !== ed.getCode()) ed.setCode(text);
          ed.setReadOnly(!editable(side));
        })
        .catch((e) => {
          c.note.textContent = t("code.noEditor", { message: e.message });
        });
    }
  }

  return {
    render,
    trusted,
    /** Python's error for this side's code: its message (Python's words, in English) after a lead
     *  sentence in the page's language. */
    async showError(side, { line, column, message }) {
      const ed = await editorOf(side);
      cells[side].note.textContent = "";
      ed.showError({ line, column, message: t("code.pythonSays", { message: String(message ?? "") }) });
    },
    clearErrors() {
      for (const side of SIDES) {
        cells[side].note.textContent = "";
        if (cells[side].editor) cells[side].editor.clearError();
      }
    },
    note(side, text) {
      cells[side].note.textContent = text;
    },
  };
}
