// tools/formulas.mjs: typeset TeX with KaTeX (node_modules/katex), for tools/formulas.py.
// stdin: a JSON list of TeX strings; stdout: {"katex": version, "formulas": {tex: {html, mathml}}}.
// html is KaTeX's HTML with its MathML copy for screen readers (the page: katex.css and fonts);
// mathml is MathML alone (the report: browsers typeset it without any CSS or fonts). A TeX error
// exits 1 with the formula and KaTeX's message. Characters KaTeX has no metrics for (Polish letters in
// \text{}) are rendered in the fallback font, without a warning.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const katex = require("katex");
const lenient = (code) => (code === "unknownSymbol" || code === "unicodeTextInMathMode" ? "ignore" : "error");
const options = (output) => ({ output, throwOnError: true, strict: lenient, displayMode: false });
// HTML puts <math> and <svg> in their namespaces by itself: the xmlns attributes (URLs naming no host
// the page loads from) are left out, so no file of the site names an outside host.
const render = (tex, output) =>
  katex.renderToString(tex, options(output)).replace(/ xmlns="http:\/\/www\.w3\.org\/[^"]*"/g, "");
const texs = JSON.parse(readFileSync(0, "utf8"));
const formulas = {};
for (const tex of texs) {
  try {
    formulas[tex] = {
      html: render(tex, "htmlAndMathml"),
      mathml: render(tex, "mathml"),
    };
  } catch (e) {
    process.stderr.write(`KaTeX cannot typeset ${JSON.stringify(tex)}: ${e.message}\n`);
    process.exit(1);
  }
}
process.stdout.write(JSON.stringify({ katex: katex.version, formulas }));
