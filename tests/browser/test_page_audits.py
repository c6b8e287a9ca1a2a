"""Issue 18, "Done when": what Lighthouse's accessibility and SEO audits found on index.html and
embed.html is gone: every select has a label a screen reader reads (the speed select's label is only
visually hidden in the compact transport), every link and button is a target of at least 24 x 24 px
(or has room around it, axe-core's rule "target-size", which Lighthouse runs), and each page has a
meta description. Checked with axe-core (pinned in package.json) at Lighthouse's two window sizes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import until

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["select-name", "label", "target-size", "button-name", "link-name", "document-title"]
SIZES = {"mobile": (412, 823), "desktop": (1350, 940)}  # Lighthouse's mobile and desktop presets


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page_name", ["index.html", "embed.html"])
def test_no_lighthouse_accessibility_or_seo_finding(browser, server_url, page_name, size):
    w, h = SIZES[size]
    context = browser.new_context(viewport={"width": w, "height": h})
    try:
        pg = context.new_page()
        pg.goto(f"{server_url}{page_name}?sw=0")
        until(pg, "() => 'firstPaintMs' in document.documentElement.dataset || window.pyinitEmbed", 60)
        pg.wait_for_timeout(500)  # the first screen settles (fonts, layout)
        description = pg.evaluate("() => document.querySelector('meta[name=description]')?.content || ''")
        pg.evaluate(AXE.read_text() + "\n;0")
        found = pg.evaluate(
            """(rules) => window.axe.run(document, {runOnly: {type: 'rule', values: rules}}).then((r) =>
                r.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(', ')}`))""",
            RULES,
        )
        if len(description) < 50:
            found.append(f"meta-description: {page_name} has none (or a short one: {description!r})")
        assert not found, found
    finally:
        context.close()
