// The one CodeMirror 6 module the site ships (vendor/codemirror-<version>/codemirror.<hash>.js).
// tools/editor_bundle.py bundles this file with the pinned esbuild; it re-exports exactly what
// site/js/app/code-editor.js uses, so esbuild leaves the rest of CodeMirror out.
// Add a name here (and rebuild) before using it in the component.
export { Annotation, Compartment, EditorSelection, EditorState, Prec, RangeSet, StateEffect, StateField, Transaction } from "@codemirror/state";
export {
  Decoration, EditorView, GutterMarker, drawSelection, gutter, highlightActiveLine,
  highlightActiveLineGutter, highlightSpecialChars, keymap, lineNumbers,
} from "@codemirror/view";
export { HighlightStyle, bracketMatching, indentOnInput, indentUnit, syntaxHighlighting } from "@codemirror/language";
export { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
export { python } from "@codemirror/lang-python";
export { tags } from "@lezer/highlight";
