"""A report opened from file:// in Chromium: every figure draws, nothing is loaded from elsewhere."""

import pytest

from pyinit.figures import report

pytestmark = pytest.mark.browser


def test_report_opens_offline_in_chromium(browser, tmp_path):
    out = tmp_path / "r.html"
    n = len(report.write_report(out, "stuck", steps=20)["figures"])
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    errors, requests = [], []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    def guard(route):
        requests.append(route.request.url)
        route.continue_() if route.request.url.startswith("file:") else route.abort()

    context.route("**/*", guard)
    page.goto(out.as_uri())
    page.wait_for_function("(n) => document.querySelectorAll('.plot.js-plotly-plot').length === n", arg=n)
    assert page.evaluate(
        "() => [...document.querySelectorAll('.plot')].every("
        "(d) => d.querySelector('.main-svg .scatterlayer, .main-svg .heatmaplayer'))"
    )
    assert errors == [] and [u for u in requests if not u.startswith("file:")] == []
    context.close()
