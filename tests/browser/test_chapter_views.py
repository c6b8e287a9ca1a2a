"""The chapters' experiments on the page (site/js/app/chapter-views.js): each is drawn at once from the
data the build ships (dist/data/chapters/<id>-view.json) -- no call to Python's chapters.view before
the reader asks -- with its numbers in a table, a one-line result, no console error, and no
overflow of the narrow story column (1280x720) or a phone (390x844). "Recompute in your browser"
calls chapters.view in the worker and shows the same numbers; without the shipped file the page
computes with Python as before.

The worker's calls are recorded by wrapping Worker.prototype.postMessage before the page loads.
"""

from __future__ import annotations

import json
import math

import pytest

from conftest import wait_for_status

RECORD_CALLS = """(() => {
  window.__pyCalls = [];
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (msg, ...rest) {
    if (msg && typeof msg.fn === "string") window.__pyCalls.push(msg.fn);
    return post.call(this, msg, ...rest);
  };
})();"""

CHAPTERS = ["layers", "stuck", "optimizers", "noise", "restarts", "scale", "large", "origins", "reproduce"]
VIEWPORTS = {"desktop": (1280, 720), "phone": (390, 844)}


def chapter_ids(dist_dir):
    return [c["id"] for c in json.loads((dist_dir / "data/content/chapters.json").read_text())["chapters"]]


def shipped(dist_dir, cid):
    return json.loads((dist_dir / "data/chapters" / f"{cid}-view.json").read_text())


def open_chapter(browser, server_url, cid, viewport=(1280, 720), lang="en", block=None):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    context.add_init_script(RECORD_CALLS)
    if block:
        context.route(block, lambda route: route.fulfill(status=404, body="not here"))
    pg = context.new_page()
    pg.console_errors = []
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(f"uncaught: {e}"))
    pg.goto(f"{server_url}#chapter={cid}&lang={lang}")
    return context, pg


def view_box(pg, dist_dir, cid):
    return f"#chapter-{chapter_ids(dist_dir).index(cid) + 1}-view"


def wait_drawn(pg, box, source="build", timeout=30_000):
    pg.wait_for_selector(box, state="attached", timeout=timeout)
    pg.locator(box).scroll_into_view_if_needed()
    pg.wait_for_function(
        "([s, src]) => { const b = document.querySelector(s); return b && b.dataset.status === 'done' "
        "&& b.dataset.source === src || b && b.dataset.status === 'error'; }",
        arg=[box, source],
        timeout=timeout,
    )
    assert pg.get_attribute(box, "data-status") == "done", pg.inner_text(box)


def table_rows(pg, table_id):
    return pg.evaluate(
        """(id) => Array.from(document.querySelectorAll('#' + id + ' tbody tr'),
        (tr) => Array.from(tr.children, (c) => c.childNodes[0] ? c.childNodes[0].textContent.trim() : ''))""",
        table_id,
    )


def traces(pg, div_id):
    return pg.evaluate(
        """(id) => (document.getElementById(id).data || []).map((t) => ({name: t.name, x: Array.from(t.x),
        y: Array.from(t.y, (v) => v === null ? null : v), mode: t.mode, symbol: t.marker && t.marker.symbol}))""",
        div_id,
    )


def pct(x):
    return f"{round(100 * x, 1):g}%"


# what each chapter's view must show from the shipped data: (a table id, a check of the page against the data)
def check_layers(pg, d):
    rows = {r[0]: r[1:] for r in table_rows(pg, "view-layers-table")}
    acc = {(r["case"], r["activation"]): r["final_accuracy"] for r in d["runs"]}
    assert rows["first layer only"] == [pct(acc["zeros_first", "tanh"]), pct(acc["zeros_first", "relu"])]
    assert rows["last layer only"] == [pct(acc["zeros_last", "tanh"]), pct(acc["zeros_last", "relu"])]
    text = pg.inner_text("#view-layers-table")
    assert "frozen" in text and "learns" in text
    relu_first = next(r for r in d["runs"] if r["activation"] == "relu" and r["case"] == "zeros_first")
    assert not relu_first["moved"] and "frozen at 50%" in pg.inner_text(
        ".chapter-view[data-kind=layers] .view-result"
    )


def check_stuck(pg, d):
    rows = table_rows(pg, "view-stuck-table")
    assert [r[0] for r in rows] == ["tanh", "ReLU", "sigmoid"]
    assert traces(pg, "view-stuck-chart")


def check_optimizers(pg, d):
    rows = [r for r in table_rows(pg, "view-optimizers-table") if len(r) == 4]
    assert len(rows) == len(d["runs"]) == 9
    for row, run in zip(rows, d["runs"]):
        assert row[1] == pct(run["final_accuracy"])
        assert row[2] == ("yes" if run["weights_zero"] else "no")
        assert row[3] == ("yes" if run["max_symmetry"] == 0 else "no")


def check_noise(pg, d):
    rows = table_rows(pg, "view-escape-table")
    assert len(rows) == len(d["eps"]) + 1
    for k, row in enumerate(rows[:-1]):
        assert row[1:] == [
            f"{s:,}" if s is not None else "—" for s in (d["escape"][i][k] for i in range(len(d["depths"])))
        ]
    drawn = {t["name"]: t for t in traces(pg, "view-escape-chart")}
    one = drawn["1 hidden layer"]
    assert one["y"] == d["escape"][0] and one["x"] == d["eps"]
    over = drawn["did not escape (above the budget line)"]
    misses = sum(s is None for row in d["escape"] for s in row)
    assert len(over["x"]) == misses and min(over["y"]) > d["budget"]  # marked above the budget line
    assert all(sym.endswith("-open") for sym in over["symbol"])
    assert any("straight line" in name for name in drawn)  # the 1-layer fit
    result = pg.inner_text(".chapter-view[data-kind=escape] .view-result")
    assert f"R² = {d['fit']['1']['r2']:.4f}" in result and "higher-order saddle" in result
    layout = pg.evaluate(
        "() => { const l = document.getElementById('view-escape-chart').layout; return [l.xaxis.type, l.yaxis.type]; }"
    )
    assert layout == ["log", "log"]


def check_restarts(pg, d):
    rows = table_rows(pg, "view-restarts-table")
    assert [float(r[1]) for r in rows] == pytest.approx(d["final_loss"], rel=1e-3)
    assert pg.locator("#view-restarts-maps canvas").count() == len(d["seeds"])


def check_scale(pg, d):
    rows = table_rows(pg, "view-signal-act-table")
    assert len(rows) == d["depth"]
    assert traces(pg, "view-signal-act")


def check_large(pg, d):
    cards = pg.evaluate(
        "() => Array.from(document.querySelectorAll('#view-outcomes-cards .outcome-card'), (c) => c.dataset.outcome)"
    )
    relu = [r["outcome"] for r in d["runs"] if r["activation"] == "relu"]
    assert cards == relu and set(relu) == {"stuck", "symmetric", "learning", "dead"}
    assert pg.locator("#view-outcomes-cards svg polyline").count() == 4
    rows = [r for r in table_rows(pg, "view-outcomes-table") if len(r) == 4]
    assert [r[1] for r in rows] == [r["outcome"] for r in d["runs"]]
    pg.check("input[name=outcomes-act][value=tanh]")
    assert "saturated" in pg.inner_text("#view-outcomes-cards")
    pg.check("input[name=outcomes-act][value=linear]")
    assert "diverged at step" in pg.inner_text("#view-outcomes-cards")


def check_origins(pg, d):
    for k, run in enumerate(d["runs"]):
        rows = table_rows(pg, f"view-variance-table-{k}")
        assert [float(r[3]) for r in rows] == pytest.approx(run["ratio"], rel=6e-3)
    assert len(traces(pg, "view-variance-chart")) == 2 * len(d["runs"])


def check_reproduce(pg, d):
    rows = table_rows(pg, "view-reproduce-table")
    assert [r[1] for r in rows] == [pct(a) for a in d["final_accuracy"]]
    assert [r[2] for r in rows] == [pct(a) for a in d["final_test_accuracy"]]
    assert "15,000" in pg.inner_text("#view-reproduce-run")


CHECKS = {cid: globals()[f"check_{cid}"] for cid in CHAPTERS}


@pytest.mark.parametrize("cid", CHAPTERS)
def test_view_drawn_from_shipped_data_without_python(browser, server_url, dist_dir, cid):
    context, pg = open_chapter(browser, server_url, cid)
    try:
        box = view_box(pg, dist_dir, cid)
        wait_drawn(pg, box)
        assert "chapters.view" not in pg.evaluate("() => window.__pyCalls"), (
            "computed although the data is shipped"
        )
        assert "Computed at build time" in pg.inner_text(box)
        assert pg.inner_text(f"{box} .view-result").strip(), "a one-line result in words"
        CHECKS[cid](pg, shipped(dist_dir, cid))
        assert "[view." not in pg.inner_text(box), "a missing string"
        assert pg.console_errors == []
    finally:
        context.close()


@pytest.mark.parametrize("size", VIEWPORTS)
def test_views_fit_the_story_column_and_a_phone(browser, server_url, dist_dir, size):
    context, pg = open_chapter(browser, server_url, "layers", viewport=VIEWPORTS[size])
    try:
        for cid in CHAPTERS:
            box = view_box(pg, dist_dir, cid)
            wait_drawn(pg, box)
            over = pg.evaluate(
                """(s) => { const b = document.querySelector(s); const right = b.getBoundingClientRect().right;
                return Array.from(b.querySelectorAll('figure, .plot, .main-svg, canvas, p, fieldset, .table-scroll, .outcome-card, button'))
                  .filter((e) => e.getBoundingClientRect().right > right + 1).map((e) => e.tagName + '.' + e.getAttribute('class'))}""",
                box,
            )
            assert over == [], (cid, over)
            assert pg.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), cid
        assert pg.console_errors == []
    finally:
        context.close()


def test_recompute_in_the_browser_gives_the_same_numbers(browser, server_url, dist_dir):
    context, pg = open_chapter(browser, server_url, "layers")
    try:
        box = view_box(pg, dist_dir, "layers")
        wait_drawn(pg, box)
        before = table_rows(pg, "view-layers-table")
        assert wait_for_status(pg) == "ready"
        assert "chapters.view" not in pg.evaluate("() => window.__pyCalls")
        pg.click(f"{box} .view-recompute")
        wait_drawn(pg, box, source="browser", timeout=120_000)
        assert pg.evaluate("() => window.__pyCalls").count("chapters.view") == 1
        assert table_rows(pg, "view-layers-table") == before
        source = pg.inner_text(f"{box} .view-source")
        assert "Recomputed in your browser" in source and "are the same as the build's" in source, source
        assert pg.console_errors == []
    finally:
        context.close()


def test_without_the_shipped_file_python_computes_it(browser, server_url, dist_dir):
    context, pg = open_chapter(browser, server_url, "stuck", block="**/data/chapters/stuck-view.json")
    try:
        box = view_box(pg, dist_dir, "stuck")
        wait_drawn(pg, box, source="browser", timeout=180_000)
        assert "chapters.view" in pg.evaluate("() => window.__pyCalls")
        d = shipped(dist_dir, "stuck")
        rows = table_rows(pg, "view-stuck-table")
        assert [r[0] for r in rows] == ["tanh", "ReLU", "sigmoid"] and len(rows[0]) == d["layers"] + 2
        # only the blocked file's 404 may be logged
        assert all("404" in e or "Failed to load resource" in e for e in pg.console_errors), pg.console_errors
    finally:
        context.close()


def test_polish_view_numbers_and_words_after_a_language_switch(browser, server_url, dist_dir):
    context, pg = open_chapter(browser, server_url, "noise")
    try:
        box = view_box(pg, dist_dir, "noise")
        wait_drawn(pg, box)
        assert "higher-order saddle" in pg.inner_text(box)
        pg.click("#lang-switch button[data-lang=pl]")
        pg.wait_for_function(
            "(s) => document.querySelector(s).innerText.includes('Przelicz w przeglądarce')", arg=box
        )
        text = pg.inner_text(box)
        d = shipped(dist_dir, "noise")
        assert f"R² = {d['fit']['1']['r2']:.4f}".replace(".", ",") in text, "Polish decimal comma"
        assert "siodłowym wyższego rzędu" in text and "higher-order" not in text
        assert (
            pg.evaluate("() => document.getElementById('view-escape-chart').layout.xaxis.title.text")
            == "ε (mniej szumu →)"
        )
        assert "chapters.view" not in pg.evaluate("() => window.__pyCalls"), "a language switch only redraws"
        assert "[view." not in text and pg.console_errors == []
        assert math.isfinite(d["fit"]["1"]["slope"])
    finally:
        context.close()
