// A Python code editor (CodeMirror 6, self-hosted): the editor foundation of the "write your own
// initializer" panel. The page decides where it goes and what Run does; this module only edits.
//
//   const ed = await createCodeEditor(container, { doc, label, readOnly = false, onChange, onRun });
//   ed.getCode(); ed.setCode(text); ed.showError({ line, column, message }); ed.clearError();
//   ed.focus(); ed.destroy();   (also: ed.setReadOnly(flag), ed.element)
//
// CodeMirror comes from one bundle that build.py makes with esbuild from the npm packages pinned
// in package-lock.json (tools/editor_bundle.py); build-manifest.json key "codemirror" names it. Its
// file name carries its hash (cacheable forever), so it is read from the manifest rather than
// written here. Nothing is fetched from another host. The bundle (127 kB gzipped) loads on the
// first createCodeEditor() call, or earlier with loadCodeMirror() (e.g. when the page is idle).
// The editor's styles: css/code-editor.css (linked here if the page has not linked it).
//
// Keyboard: Tab / Shift+Tab indent and dedent while editing; Escape then Tab (within 2 s) moves the
// focus out (CodeMirror's own escape hatch; Ctrl+M, Shift+Alt+M on macOS, toggles a mode in which
// Tab always moves the focus);
// Ctrl+Enter / Cmd+Enter calls onRun. A hint under the editor says so.

const MANIFEST_URL = new URL("../../build-manifest.json", import.meta.url);
const CSS_URL = new URL("../../css/code-editor.css", import.meta.url);
const IS_MAC = /Mac|iPhone|iPad/.test(globalThis.navigator?.platform || "");
const DEFAULT_HINT = `Tab indents. Esc then Tab leaves the editor. ${IS_MAC ? "Cmd" : "Ctrl"}+Enter runs.`;
const DEFAULT_LOCATION = (line, column) => (column ? `Line ${line}, column ${column}` : `Line ${line}`);

let cmPromise = null;
let seq = 0;

/** The CodeMirror bundle's exports (tools/editor/entry.js). Loads it once; a failed load is retried next
 * call. */
export function loadCodeMirror() {
  if (!cmPromise) {
    cmPromise = (async () => {
      const res = await fetch(MANIFEST_URL, { cache: "no-cache" });
      if (!res.ok) throw new Error(`could not load build-manifest.json (HTTP ${res.status})`);
      const path = (await res.json()).codemirror;
      if (typeof path !== "string" || !path)
        throw new Error("build-manifest.json names no codemirror bundle");
      return import(new URL(path, MANIFEST_URL).href);
    })();
    cmPromise.catch(() => {
      cmPromise = null;
    });
  }
  return cmPromise;
}

const stylesheets = new WeakMap(); // document -> promise of css/code-editor.css being applied

function ensureStylesheet(doc) {
  if (!stylesheets.has(doc)) {
    const href = CSS_URL.href;
    let ready = Promise.resolve(); // linked by the page itself: applied before its scripts ran
    if (![...doc.querySelectorAll('link[rel="stylesheet"]')].some((l) => l.href === href)) {
      const link = doc.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      ready = new Promise((resolve) => {
        link.onload = link.onerror = () => resolve();
      });
      doc.head.append(link);
    }
    stylesheets.set(doc, ready);
  }
  return stylesheets.get(doc);
}

function el(doc, tag, attrs = {}, text = "") {
  const e = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

// Syntax colours are classes (css/code-editor.css sets them), not inline styles.
function highlightStyle(cm) {
  const t = cm.tags;
  return cm.HighlightStyle.define([
    {
      tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword, t.operatorKeyword],
      class: "tok-keyword",
    },
    { tag: [t.bool, t.null, t.self, t.number], class: "tok-atom" },
    { tag: [t.string, t.special(t.string)], class: "tok-string" },
    { tag: t.escape, class: "tok-escape" },
    { tag: t.lineComment, class: "tok-comment" },
    { tag: t.function(t.definition(t.variableName)), class: "tok-def" },
    { tag: [t.function(t.variableName), t.function(t.propertyName)], class: "tok-call" },
    { tag: t.definition(t.className), class: "tok-class" },
    { tag: t.meta, class: "tok-meta" },
    { tag: t.invalid, class: "tok-invalid" },
  ]);
}

// The error: a StateField holding { decorations, markers } (or null: no error; empty sets: an error
// without a line), mapped through edits so
// the marks stay on the line they point at until clearError/setCode/the next showError.
function errorExtension(cm) {
  const setError = cm.StateEffect.define();
  class ErrorMarker extends cm.GutterMarker {
    constructor(title) {
      super();
      this.title = title;
    }
    eq(other) {
      return other.title === this.title;
    }
    toDOM(view) {
      const m = view.dom.ownerDocument.createElement("span");
      m.className = "cm-error-marker";
      m.textContent = "!";
      m.setAttribute("aria-hidden", "true"); // the message below the editor says it in words
      if (this.title) m.title = this.title;
      return m;
    }
  }
  const lineDeco = cm.Decoration.line({ class: "cm-error-line" });
  const atDeco = cm.Decoration.mark({ class: "cm-error-at" });
  function build(state, { line, column, message }) {
    if (!line) return { decorations: cm.Decoration.none, markers: cm.RangeSet.empty }; // a message only
    const doc = state.doc;
    const n = Math.min(Math.max(1, line), doc.lines);
    const l = doc.line(n);
    const decos = [lineDeco.range(l.from)];
    if (column && l.length > 0) {
      const from = Math.min(l.from + Math.max(0, column - 1), l.to - 1); // past the end: the last character
      decos.push(atDeco.range(from, from + 1));
    }
    return {
      decorations: cm.Decoration.set(decos, true),
      markers: cm.RangeSet.of([new ErrorMarker(message).range(l.from)]),
    };
  }
  const field = cm.StateField.define({
    create: () => null,
    update(value, tr) {
      for (const e of tr.effects) if (e.is(setError)) return e.value && build(tr.state, e.value);
      if (value && tr.docChanged) {
        value = { decorations: value.decorations.map(tr.changes), markers: value.markers.map(tr.changes) };
      }
      return value;
    },
    provide: (f) => cm.EditorView.decorations.from(f, (v) => (v ? v.decorations : cm.Decoration.none)),
  });
  const gutter = cm.gutter({
    class: "cm-error-gutter",
    markers: (view) => view.state.field(field)?.markers ?? cm.RangeSet.empty,
    initialSpacer: () => new ErrorMarker(""), // keeps its width: no jump when an error appears
  });
  return { setError, field, extension: [field, gutter] };
}

/**
 * Create a Python editor inside `container`.
 * @param {HTMLElement} container  the editor is appended to it (nothing in it is removed)
 * @param {object} options
 * @param {string} [options.doc=""]        initial code
 * @param {string} options.label           accessible name of the editor (required)
 * @param {boolean} [options.readOnly=false]  shown, selectable, not editable (Tab then moves focus)
 * @param {(code: string) => void} [options.onChange]  after each edit by the user (not setCode)
 * @param {(code: string) => void} [options.onRun]     Ctrl/Cmd+Enter in the editor
 * @param {string} [options.hint]          keyboard hint under the editor ("" hides it); English default
 * @param {(line: number, column?: number) => string} [options.location]  "Line 2, column 5" (translate it)
 */
export async function createCodeEditor(
  container,
  {
    doc = "",
    label,
    readOnly = false,
    onChange,
    onRun,
    hint = DEFAULT_HINT,
    location = DEFAULT_LOCATION,
  } = {},
) {
  if (!container || typeof container.append !== "function")
    throw new TypeError("createCodeEditor: container must be an element");
  if (typeof label !== "string" || !label.trim())
    throw new TypeError("createCodeEditor: label (the editor's accessible name) is required");
  const d = container.ownerDocument;
  const [cm] = await Promise.all([loadCodeMirror(), ensureStylesheet(d)]);

  const id = `code-editor-${++seq}`;
  const root = el(d, "div", { class: "code-editor", "data-readonly": String(!!readOnly) });
  const box = el(d, "div", { class: "code-editor-box" });
  // A live region that exists before any message, so screen readers announce what goes into it.
  const errorBox = el(d, "p", { class: "code-editor-error", id: `${id}-error`, "aria-live": "polite" });
  const hintBox = el(d, "p", { class: "code-editor-hint", id: `${id}-hint` }, hint);
  if (!hint) hintBox.hidden = true;
  root.append(box, errorBox, hintBox);

  const err = errorExtension(cm);
  const external = cm.Annotation.define(); // marks changes made by setCode (no onChange for them)
  const access = new cm.Compartment();
  const labelling = new cm.Compartment(); // the aria-label, in the page's language (setTexts)
  const labelAttributes = (text) => cm.EditorView.contentAttributes.of({ "aria-label": text });
  const accessFor = (ro) =>
    ro
      ? [cm.EditorState.readOnly.of(true), cm.EditorView.contentAttributes.of({ "aria-readonly": "true" })]
      : cm.keymap.of([cm.indentWithTab]); // Tab indents only where there is something to edit
  const extensions = [
    err.extension,
    cm.lineNumbers(),
    cm.highlightActiveLineGutter(),
    cm.highlightSpecialChars(),
    cm.history(),
    cm.drawSelection(),
    cm.indentOnInput(),
    cm.bracketMatching(),
    cm.syntaxHighlighting(highlightStyle(cm)),
    cm.highlightActiveLine(),
    cm.python(),
    cm.indentUnit.of("    "),
    cm.EditorState.tabSize.of(4),
    cm.EditorView.lineWrapping,
    access.of(accessFor(readOnly)),
    cm.keymap.of([...cm.defaultKeymap, ...cm.historyKeymap]),
    labelling.of(labelAttributes(label)),
    cm.EditorView.contentAttributes.of({
      "aria-describedby": `${id}-error${hint ? ` ${id}-hint` : ""}`,
      autocapitalize: "off",
      autocorrect: "off",
      spellcheck: "false",
      translate: "no",
    }),
    cm.EditorView.contentAttributes.of((view) =>
      view.state.field(err.field) ? { "aria-invalid": "true" } : null,
    ),
    cm.EditorView.updateListener.of((u) => {
      if (u.docChanged && onChange && !u.transactions.some((tr) => tr.annotation(external)))
        onChange(u.state.doc.toString());
    }),
  ];
  if (onRun) {
    extensions.push(
      cm.Prec.highest(
        cm.keymap.of([
          {
            key: "Mod-Enter",
            preventDefault: true,
            run: (view) => {
              onRun(view.state.doc.toString());
              return true;
            },
          },
        ]),
      ),
    );
  }
  const view = new cm.EditorView({
    parent: box,
    state: cm.EditorState.create({ doc: String(doc ?? ""), extensions }),
  });
  container.append(root);

  let shown = null; // the error shown: {line, column, message}, to word it again (setTexts)
  function render(value) {
    errorBox.textContent = value ? value.text : "";
    root.classList.toggle("has-error", !!value);
    if (value && value.line) root.dataset.errorLine = String(value.line);
    else delete root.dataset.errorLine;
  }

  return {
    element: root,
    getCode: () => view.state.doc.toString(),
    setCode(text) {
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: String(text ?? "") },
        selection: { anchor: 0 },
        effects: err.setError.of(null),
        annotations: [external.of(true), cm.Transaction.addToHistory.of(false)],
      });
      render(null);
    },
    /** Mark `line` (1-based; column 1-based, optional) and show "Line N: message" below the editor.
     *  Without a line only the message is shown (e.g. "expected shape (2, 8), got (8, 2)"). */
    showError({ line, column, message } = {}) {
      const msg = String(message ?? "").trim() || "Error";
      const n = Number.isFinite(line) && line >= 1 ? Math.min(Math.floor(line), view.state.doc.lines) : null;
      const col = Number.isFinite(column) && column >= 1 ? Math.floor(column) : null;
      const effects = [err.setError.of({ line: n, column: col, message: msg })];
      if (n) effects.push(cm.EditorView.scrollIntoView(view.state.doc.line(n).from, { y: "nearest" }));
      view.dispatch({ effects });
      shown = { line: n, column: col, message: msg };
      render({ line: n, text: n ? `${location(n, col)}: ${msg}` : msg });
    },
    clearError() {
      view.dispatch({ effects: err.setError.of(null) });
      shown = null;
      render(null);
    },
    /** The editor's words in another language: its label, hint and "Line N" wording (an error shown
     *  keeps its message, which comes from Python, and gets the new "Line N"). */
    setTexts({ label: newLabel, hint: newHint, location: newLocation } = {}) {
      if (newLabel !== undefined)
        view.dispatch({ effects: labelling.reconfigure(labelAttributes(newLabel)) });
      if (newHint !== undefined) hintBox.textContent = newHint;
      if (newLocation) location = newLocation;
      if (shown) {
        const { line: n, column: col, message: msg } = shown;
        render({ line: n, text: n ? `${location(n, col)}: ${msg}` : msg });
      }
    },
    setReadOnly(flag) {
      root.dataset.readonly = String(!!flag);
      view.dispatch({ effects: access.reconfigure(accessFor(!!flag)) });
    },
    focus: () => view.focus(),
    destroy() {
      view.destroy();
      root.remove();
    },
  };
}
