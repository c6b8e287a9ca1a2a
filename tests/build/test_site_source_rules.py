"""Rules the page's source keeps (issue 20, items 1, 4 and 8), read from the files:

- the encodings exist once: no colour or font literal in site/js/charts/ or site/css/page.css (they
  come from pyinit/content/encodings.json: the charts get one encodings object, the CSS the
  --enc-* properties charts/encodings.js sets), and no mutable module state (`export let`) in charts/;
- every --enc-* property the CSS uses is one that charts/encodings.js sets;
- the page wirings are framings of one figure app: pages/lab.js and pages/embed.js <= 120 lines;
- no site/js file over 400 lines, no line over 110 columns.
"""

from __future__ import annotations

import re

import pytest

from tools.common import ROOT

SITE = ROOT / "site"
JS = sorted(p for p in (SITE / "js").rglob("*.js") if "strings" not in p.parts)
# a colour written out (a computed one, `rgb(${r},${g},${b})`, is not a literal), a font family
COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?(?:[0-9a-fA-F]{2})?\b|\b(?:rgb|hsl)a?\((?!\$\{)")
FONT = re.compile(r"system-ui|sans-serif|\bserif\b|monospace|Roboto|Arial|Georgia|Cambria")


def code_lines(path):
    """(line number, text) of a file, comments left out (JS // and /* */ lines, CSS /* */)."""
    out, in_comment = [], False
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if in_comment:
            in_comment = "*/" not in text
            continue
        if text.startswith(("/*", "*")):
            in_comment = text.startswith("/*") and "*/" not in text
            continue
        out.append((n, line.split(" // ")[0] if not text.startswith("//") else ""))
    return out


@pytest.mark.parametrize(
    "path",
    [*sorted((SITE / "js" / "charts").glob("*.js")), SITE / "css" / "page.css"],
    ids=lambda p: p.name,
)
def test_no_colour_or_font_literal(path):
    found = [
        f"{path.name}:{n}: {text.strip()}"
        for n, text in code_lines(path)
        if COLOUR.search(text) or FONT.search(text)
    ]
    assert not found, "\n".join(found)


def test_charts_hold_no_mutable_module_state():
    found = [
        f"{p.name}: {m.group(0)}"
        for p in (SITE / "js" / "charts").glob("*.js")
        for m in re.finditer(r"^export let .*", p.read_text(), re.MULTILINE)
    ]
    assert not found, found


def test_every_enc_property_the_css_uses_is_set():
    source = (SITE / "js" / "charts" / "encodings.js").read_text()
    body = source[source.index("export function applyToCSS") :]
    props = set(re.findall(r'^\s+"?([a-z0-9-]+)"?: enc\.', body, re.MULTILINE))
    used = {
        m
        for css in (SITE / "css").glob("*.css")
        for m in re.findall(r"var\(--enc-([a-z0-9-]+)", css.read_text())
    }
    assert used and used <= props, sorted(used - props)


@pytest.mark.parametrize("page", ["lab.js", "embed.js"])
def test_the_pages_are_framings_of_one_app(page):
    text = (SITE / "js" / "pages" / page).read_text()
    assert len(text.splitlines()) <= 120
    assert "createFigureApp" in text
    assert "createSession" not in text and "createController" not in text  # the app owns the lifecycle


def test_file_and_line_lengths():
    long_files = [f"{p.relative_to(SITE)}: {n}" for p in JS if (n := len(p.read_text().splitlines())) > 400]
    long_lines = [
        f"{p.relative_to(SITE)}:{n}"
        for p in JS
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if len(line) > 110
    ]
    assert not long_files, long_files
    assert not long_lines, long_lines
