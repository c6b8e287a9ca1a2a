"""Shareable state: a link reproduces the run at the same step (same weights, bit for bit), the embed
code works, and garbage or hostile URL parameters never execute, never break the page, and are each
reported by name (unknown keys are ignored silently).
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from conftest import LOAD_TIMEOUT_MS, wait_for_status

pytestmark = pytest.mark.browser

HOSTILE = {
    # name: raw value (URL-encoded below)
    "dataset": "<script>window.pwned=1</script>",
    "left_init": '"><img src=x onerror="window.pwned=1">',
    "lr": "NaN",
    "noise": "Infinity",
    "seed": "1e309",
    "width": "-3",
    "layers": "99999999999999999999",
    "n_samples": "A" * 10_000,
    "momentum": "0x10",
    "activation": "javascript:window.pwned=1",
    "unit_maps": "<b>yes</b>",
    "step": "-1",
}
UNKNOWN = {"foo": "<script>window.pwned=1</script>", "__proto__": "x", "constructor": "y"}


def hostile_query(extra: dict | None = None) -> str:
    items = {**HOSTILE, **UNKNOWN, **(extra or {})}
    return "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in items.items())


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    ctx.dialogs = []
    ctx.errors = []
    ctx.on("weberror", lambda e: ctx.errors.append(str(e.error)))
    ctx.on("page", lambda pg: pg.on("dialog", lambda d: (ctx.dialogs.append(d.message), d.dismiss())))
    yield ctx
    ctx.close()


def snapshot(pg):
    return pg.evaluate("() => window.pyinitLab.snapshot()")


def wait_live(pg, step=None):
    pg.wait_for_function("""(step) => { const s = window.pyinitLab && window.pyinitLab.snapshot();
        return s && s.source === 'live' && !s.playing && (step === null || s.step === step); }""",
                         arg=step, timeout=LOAD_TIMEOUT_MS)


def assert_harmless(pg, notice_selector, context):
    assert pg.evaluate("() => window.pwned === undefined")
    assert not context.dialogs
    # notices are plain text paragraphs: no element from the URL was created
    tags = pg.eval_on_selector_all(f"{notice_selector} *", "els => els.map(e => e.tagName)")
    assert set(tags) <= {"P"}, tags
    assert not pg.query_selector_all("img[src='x'], script:not([src])")
    text = pg.inner_text(notice_selector)
    for name in HOSTILE:  # each refused parameter is named
        assert re.search(rf"\b{name}\b", text), (name, text)
    for name in UNKNOWN:  # unknown keys are ignored, not reported
        assert name not in text
    assert "A" * 100 not in text  # a value is never echoed
    assert not context.errors, context.errors


# ------------------------------------------------------------------------------------ embed.html
def test_embed_survives_hostile_parameters(context, server_url):
    pg = context.new_page()
    extra = {"panels": "loss,<svg onload=window.pwned=1>", "theme": "dark;background:url(x)", "controls": "play,eval"}
    pg.goto(server_url + "embed.html?" + hostile_query(extra) + "&sw=0")
    pg.wait_for_function("() => ['precomputed', 'idle'].includes(document.documentElement.dataset.embedPhase)")
    assert_harmless(pg, "#embed-notice", context)
    text = pg.inner_text("#embed-notice")
    for name in ("panels", "theme", "controls"):
        assert name in text
    # every refused value fell back to its default: this is the default setup, shown precomputed
    assert pg.evaluate("() => document.documentElement.dataset.embedPhase") == "precomputed"
    assert pg.evaluate("() => document.documentElement.dataset.theme") == "light"
    state = pg.evaluate("() => window.pyinitEmbed.state()")
    assert state["dataset"] == "xor" and state["width"] == 4 and state["lr"] == 0.5 and state["step"] == 0


def test_embed_code_is_a_working_iframe(context, server_url):
    """The main page's embed code, pasted into a page: the iframe shows the same step."""
    pg = context.new_page()
    pg.goto(server_url + "#step=42")
    pg.wait_for_function("() => window.pyinitLab && window.pyinitLab.snapshot() && window.pyinitLab.snapshot().step === 42",
                         timeout=LOAD_TIMEOUT_MS)
    pg.click("#btn-copy-embed")
    code = pg.input_value("#share-text")
    assert code.startswith("<iframe ") and 'loading="lazy"' in code and "title=" in code
    assert 'sandbox="allow-scripts allow-same-origin' in code
    src = re.search(r'src="([^"]+)"', code).group(1).replace("&amp;", "&")
    assert src.startswith(server_url + "embed.html?") and "step=42" in src
    host = context.new_page()
    host.goto(server_url + "examples/course.html")  # any page of the site: put the code into it
    host.evaluate("(code) => { document.body.innerHTML = code.split('\\n')[0]; }", code)
    frame = host.query_selector("iframe").content_frame()
    frame.wait_for_function("() => document.documentElement.dataset.step === '42'")


# ------------------------------------------------------------------------------------ the lab page
def test_lab_survives_hostile_parameters(context, server_url):
    pg = context.new_page()
    pg.goto(server_url + "#" + hostile_query())
    assert wait_for_status(pg) == "ready"
    assert_harmless(pg, "#lab-notice", context)
    state = pg.evaluate("() => window.pyinitLab.state()")
    assert state["dataset"] == "xor" and state["width"] == 4 and state["layers"] == 1 and state["n_samples"] == 200


def test_link_round_trip_same_weights_at_the_same_step(context, server_url):
    """state -> "Copy link" -> a new page (new browser context) -> the same run, at the same step."""
    pg = context.new_page()
    pg.goto(server_url + "#left_init=he&right_init=normal&right_scale=0.3&activation=relu&width=5&seed=7&lr=0.2&dataset=moons")
    wait_live(pg)
    pg.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(25):
        pg.keyboard.press("ArrowRight")
        pg.evaluate("() => window.pyinitLab.idle()")
    wait_live(pg, 25)
    before = snapshot(pg)
    pg.click("#btn-copy-link")
    link = pg.input_value("#share-text")
    assert link.startswith(server_url) and "step=25" in link and "seed=7" in link
    other = context.browser.new_context()
    try:
        pg2 = other.new_page()
        pg2.goto(link)
        wait_live(pg2, 25)
        after = pg2.evaluate("() => window.pyinitLab.snapshot()")
        assert pg2.evaluate("() => window.pyinitLab.state()") == pg.evaluate("() => window.pyinitLab.state()")
        for r0, r1 in zip(before["runs"], after["runs"]):
            assert r1["theta"] == r0["theta"]  # bit for bit
            assert r1["loss"] == r0["loss"]
    finally:
        other.close()


def test_lab_url_follows_the_shown_step(context, server_url):
    """When the transport stops, the URL holds the shown step (what "Copy link" and a bookmark keep)."""
    pg = context.new_page()
    pg.goto(server_url)
    pg.wait_for_function("() => window.pyinitLab && window.pyinitLab.snapshot()", timeout=LOAD_TIMEOUT_MS)
    if snapshot(pg)["playing"]:
        pg.click("#btn-play")
    pg.wait_for_function("() => !window.pyinitLab.snapshot().playing")
    pg.evaluate("() => document.activeElement && document.activeElement.blur()")
    pg.keyboard.press("ArrowRight")
    pg.evaluate("() => window.pyinitLab.idle()")
    step = snapshot(pg)["step"]
    pg.wait_for_function("(s) => new URLSearchParams(location.hash.slice(1)).get('step') === String(s)", arg=step)
    # and a hash pasted with another step moves the timeline there (no rebuild: same settings)
    builds = pg.evaluate("() => window.pyinitLab.builds")
    target = 5 if step != 5 else 6
    pg.evaluate("(s) => { location.hash = 'step=' + s; }", target)
    pg.wait_for_function("(s) => window.pyinitLab.snapshot().step === s", arg=target)
    assert pg.evaluate("() => window.pyinitLab.builds") == builds
