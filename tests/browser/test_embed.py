"""embed.html and its host pages in Chromium: the same figure as the lab with the panels and controls
the URL asks for; every chapter's precomputed runs drawn at once with no Python downloaded; the lazy
start on a click (and lazy=0); a link's step past the precomputed runs reached live; the example
course page (three embeds, Python downloaded once); height reports; the command API (api=1) and its
origin checks (host pages are served by plain http.servers on other ports: other origins, so the
embed really is cross-origin); theme, text and lang=pl.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import threading
from pathlib import Path

import pytest

from conftest import LOAD_TIMEOUT_MS, plot_data
from pyinit import content
from pyinit.settings import page_state

RUNTIME = ("pyodide.asm.wasm", "python_stdlib.zip", "numpy-")
CHAPTERS = content.load("chapters.json")["chapters"]
TEXT = content.load("text/en.json")["chapters"]
HIDDEN_ONLY = {"symmetry", "units"}


# ------------------------------------------------------------------------------------ helpers
@contextlib.contextmanager
def counting_server(build_module, root: Path):
    """Like build.py's background server, but records (method, path, status) of every response."""
    httpd = build_module.make_server(Path(root), "127.0.0.1", 0, "/", quiet=True)
    hits: list[tuple[str, str, int]] = []
    base = httpd.RequestHandlerClass

    class Counting(base):
        def send_response(self, code, message=None):
            hits.append((self.command, self.path.split("?")[0], code))
            super().send_response(code, message)

    httpd.RequestHandlerClass = Counting
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        yield build_module.server_url(httpd), hits
    finally:
        httpd.shutdown()
        httpd.server_close()


def downloads(hits, name):
    """Full (GET, 200) responses for files whose name contains `name`."""
    return [p for m, p, code in hits if name in p.rsplit("/", 1)[-1] and m == "GET" and code == 200]


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1000, "height": 900})
    ctx.errors = []
    ctx.requests = []
    ctx.on("weberror", lambda e: ctx.errors.append(str(e.error)))
    ctx.on("request", lambda r: ctx.requests.append(r.url))
    ctx.on(
        "console",
        lambda m: ctx.errors.append(f"{m.text} ({m.location.get('url')})") if m.type == "error" else None,
    )
    ctx.on("response", lambda r: ctx.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    yield ctx
    ctx.close()


def python_requests(ctx):
    return [u for u in ctx.requests if "pyodide-" in u]


def embed_snapshot(frame):
    return frame.evaluate("() => window.pyinitEmbed && window.pyinitEmbed.snapshot()")


def wait_embed(frame, phases=("precomputed", "waiting", "live")):
    frame.wait_for_function(
        "(ph) => window.pyinitEmbed && ph.includes(document.documentElement.dataset.phase)",
        arg=list(phases),
        timeout=60_000,
    )


def wait_drawn(frame):
    """Every chart of the embed's figure has data."""
    frame.wait_for_function(
        """() => { const p = [...document.querySelectorAll('#fig-panels .plot')];
        return p.length > 0 && p.every((el) => el.chartData); }""",
        timeout=30_000,
    )


def run_embed(frame):
    """Press "Run in your browser" and wait until the embed trains live."""
    frame.click("#btn-run")
    frame.wait_for_function(
        "() => ['live', 'error'].includes(document.documentElement.dataset.phase)", timeout=LOAD_TIMEOUT_MS
    )
    assert frame.evaluate("() => document.documentElement.dataset.phase") == "live", frame.inner_text(
        "#notice"
    )


def overflowing_charts(pg):
    """Charts whose drawing (canvas or svg) sticks out of their cell: cut off on the page."""
    return pg.evaluate("""() => [...document.querySelectorAll('#fig-panels .cell')].flatMap((cell) => {
        const c = cell.getBoundingClientRect(), d = cell.querySelector('.plot canvas, .plot svg');
        if (!d) return [];
        const r = d.getBoundingClientRect();
        return r.bottom > c.bottom + 1 || r.right > c.right + 1 ? [cell.querySelector('.plot').id] : []; })""")


def visible_controls(pg):
    return pg.evaluate("""() => ['btn-reset', 'btn-back', 'btn-play', 'btn-step', 'timeline']
        .filter((id) => { const el = document.getElementById(id); return !el.hidden && !el.closest('[hidden]'); })""")


# ------------------------------------------------------------------------------------ the embed itself
def test_chosen_panels_and_controls_without_loading_python(context, server_url):
    pg = context.new_page()
    pg.goto(server_url + "embed.html?panels=loss,boundary&controls=step,reset&sw=0")
    wait_embed(pg)
    wait_drawn(pg)
    assert pg.evaluate("() => document.getElementById('fig-panels').dataset.panels") == "loss,boundary"
    assert pg.eval_on_selector_all("#fig-panels .plot", "els => els.map((e) => e.id)") == [
        "loss-left",
        "boundary-left",
        "loss-right",
        "boundary-right",
    ]
    assert visible_controls(pg) == ["btn-reset", "btn-step"]
    assert pg.is_visible("#btn-step") and pg.is_visible("#btn-reset")
    assert not overflowing_charts(pg)
    # the default setup shows its precomputed runs at once; nothing of Python before a click
    assert pg.evaluate("() => document.documentElement.dataset.phase") == "precomputed"
    assert plot_data(pg, "loss-left")["x"] == [0]  # step 0 drawn: a point
    assert pg.is_visible("#btn-run") and "16 MB" in pg.inner_text("#btn-run")
    assert "Press the button" in pg.inner_text("#embed-status")
    assert not python_requests(context) and pg.evaluate("() => window.pyinitEmbed.workers()") == 0
    pg.click("#btn-step")  # one record of the thinned runs
    pg.wait_for_function("() => window.pyinitEmbed.snapshot().step === 2")
    assert pg.inner_text("#fig-panels .run[data-side=left] .run-stat") == "loss 0.6931, accuracy 50.0%"
    assert not context.errors, context.errors


def test_every_chapter_is_drawn_at_once_without_python(context, server_url):
    """chapter=<id> (or an old number) without run settings: that chapter's preset and panels, its
    precomputed runs drawn at once; explicit settings win over the preset."""
    pg = context.new_page()
    for ch in CHAPTERS:
        cid = ch["id"]
        pg.goto("about:blank")
        pg.goto(server_url + f"embed.html?chapter={cid}&text=1&sw=0")
        wait_embed(pg)
        wait_drawn(pg)
        s = embed_snapshot(pg)
        assert s["phase"] == "precomputed" and s["source"] == "precomputed" and s["step"] == 0, cid
        assert s["lastStep"] == ch["steps"], cid
        state = pg.evaluate("() => window.pyinitEmbed.state()")
        want = page_state.run_settings(ch["preset"])
        assert {k: state[k] for k in want} == json.loads(json.dumps(want)), cid
        shown = pg.evaluate("() => document.getElementById('fig-panels').dataset.panels").split(",")
        assert all(p in ch["panels"] for p in shown) and set(ch["panels"]) - set(shown) <= HIDDEN_ONLY, (
            cid,
            shown,
        )
        assert pg.inner_text("#embed-text h2") == TEXT[cid]["title"]
        assert pg.is_visible("#btn-run")
    assert not python_requests(context) and pg.evaluate("() => window.pyinitEmbed.workers()") == 0
    # an old chapter number, and explicit settings that win over the chapter's preset
    pg.goto(server_url + "embed.html?chapter=3&sw=0")
    wait_embed(pg)
    assert pg.evaluate("() => window.pyinitEmbed.state().left_init") == "constant"
    pg.goto("about:blank")
    pg.goto(server_url + "embed.html?chapter=clones&left_init=zeros&sw=0")
    wait_embed(pg)
    assert pg.evaluate("() => window.pyinitEmbed.state().left_init") == "zeros"
    assert not context.errors, context.errors


def test_controls_none_hides_the_transport(context, server_url):
    pg = context.new_page()
    pg.goto(server_url + "embed.html?controls=none&panels=trajectories&sw=0")
    wait_embed(pg)
    assert pg.is_hidden("#transport")
    assert pg.evaluate("() => document.getElementById('fig-panels').dataset.panels") == "traj"


def test_lazy_start_on_click_reaches_a_step_past_the_precomputed_runs(context, server_url):
    """A link to step 750 of chapter 3 (precomputed to 600): the precomputed runs are shown and the
    embed says the step needs Python; after Run it shows exactly step 750, trained live."""
    pg = context.new_page()
    pg.goto(server_url + "embed.html?chapter=clones&step=750&panels=trajectories,network&sw=0")
    wait_embed(pg)
    s = embed_snapshot(pg)
    assert s["source"] == "precomputed" and s["lastStep"] == 600
    assert "750" in pg.inner_text("#notice")  # the step is trained live ...
    assert pg.is_visible("#btn-run")  # ... on request
    assert not python_requests(context)
    run_embed(pg)
    pg.wait_for_function("() => window.pyinitEmbed.snapshot().step === 750", timeout=60_000)
    snap = embed_snapshot(pg)
    assert snap["source"] == "live" and snap["phase"] == "live"
    assert "1 distinct" in pg.inner_text("#fig-panels .run[data-side=left] .caption")  # constant init: clones
    assert pg.is_hidden("#embed-start") and pg.evaluate("() => window.pyinitEmbed.workers()") == 1
    assert "step=750" in pg.get_attribute("#open-lab", "href") and "chapter=clones" in pg.get_attribute(
        "#open-lab", "href"
    )
    assert not context.errors, context.errors


def test_lazy_0_starts_python_at_once_and_continues_the_precomputed_runs(context, server_url):
    pg = context.new_page()
    pg.goto(server_url + "embed.html?lazy=0&step=20&sw=0")
    pg.wait_for_function("() => document.documentElement.dataset.phase === 'live'", timeout=LOAD_TIMEOUT_MS)
    snap = embed_snapshot(pg)
    assert snap["step"] == 20 and snap["source"] == "live"
    assert pg.is_hidden("#embed-start")


def test_theme_text_and_phone_width(context, server_url):
    for theme, width in [("light", 900), ("dark", 360)]:
        pg = context.new_page()
        pg.set_viewport_size({"width": width, "height": 800})
        pg.goto(
            server_url
            + f"embed.html?theme={theme}&step=120&text=1&chapter=simple&panels=trajectories,loss,boundary&sw=0"
        )
        wait_embed(pg)
        pg.wait_for_function("() => document.documentElement.dataset.step === '120'")
        assert pg.evaluate("() => document.documentElement.dataset.theme") == theme
        assert pg.is_visible("#embed-text") and pg.inner_text("#embed-text h2") == TEXT["simple"]["title"]
        assert pg.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), (
            theme,
            width,
        )
        wait_drawn(pg)
        assert not overflowing_charts(pg), (theme, width, overflowing_charts(pg))
        assert pg.is_visible("#btn-play") and pg.is_visible("#scrubber")
        pg.close()


def test_lang_pl(context, server_url):
    pg = context.new_page()
    pg.goto(server_url + "embed.html?lang=pl&chapter=clones&sw=0")
    wait_embed(pg)
    wait_drawn(pg)
    assert pg.evaluate("() => document.documentElement.lang") == "pl"
    assert pg.inner_text("#btn-run").startswith("Uruchom w przeglądarce")
    assert pg.inner_text("#readout").startswith("krok 0 z 600")
    stat = pg.inner_text("#fig-panels .run[data-side=left] .run-stat")
    assert re.fullmatch(r"strata 0,\d{4}, trafność \d+,\d\s?%", stat), stat  # Polish numbers
    legend = pg.inner_text("#edge-legend")
    assert re.search(r"\|w\| = \d+,\d+\.", legend) and legend.startswith("Krawędzie"), legend
    assert not context.errors, context.errors


def test_autoplay_and_reduced_motion(browser, server_url):
    for motion, playing in (("no-preference", True), ("reduce", False)):
        ctx = browser.new_context(reduced_motion=motion)
        try:
            pg = ctx.new_page()
            pg.goto(server_url + "embed.html?autoplay=1&panels=loss&sw=0")
            wait_embed(pg)
            if playing:
                pg.wait_for_function("() => window.pyinitEmbed.snapshot().step > 5")
            else:
                pg.wait_for_timeout(500)  # give a wrongly started animation time to show itself
                assert embed_snapshot(pg)["step"] == 0 and not embed_snapshot(pg)["playing"]
        finally:
            ctx.close()


# ------------------------------------------------------------------------------------ the course page
def test_course_page_embeds_python_downloaded_once(context, build_module, dist_dir):
    """examples/course.html: four lazy embeds drawn at once (precomputed, or waiting for a setup
    nobody precomputed: logistic regression on blobs, the reader's own init code), nothing of Python
    before a click; each Run starts Python in that embed only, and the second embed gets the runtime
    from the HTTP cache."""
    with counting_server(build_module, dist_dir) as (url, hits):
        pg = context.new_page()
        pg.goto(url + "examples/course.html")
        frames = []
        for el in pg.query_selector_all("iframe.pyinit"):
            el.scroll_into_view_if_needed()  # loading="lazy": an iframe loads when it comes near
            frame = el.content_frame()
            wait_embed(frame)
            frames.append(frame)
        assert len(frames) == 4
        phases = [f.evaluate("() => document.documentElement.dataset.phase") for f in frames]
        assert phases == ["precomputed", "precomputed", "waiting", "waiting"]
        for f in frames[:2]:
            wait_drawn(f)
        assert not [p for _, p, _ in hits if "pyodide-" in p], "Python was fetched before any click"

        run_embed(frames[0])
        for name in RUNTIME:
            assert len(downloads(hits, name)) == 1, (name, downloads(hits, name))
        assert frames[0].is_hidden("#btn-run")  # one Python per embed: nothing left to click

        run_embed(frames[1])
        for name in RUNTIME:  # the second embed's worker: from the browser's HTTP cache
            assert len(downloads(hits, name)) == 1, (name, downloads(hits, name))
        assert frames[2].evaluate("() => document.documentElement.dataset.phase") == "waiting"
        assert frames[2].evaluate("() => window.pyinitEmbed.workers()") == 0
        # the host helper (embed-host.js) sized every iframe to its content
        heights = pg.eval_on_selector_all("iframe.pyinit", "els => els.map(e => e.style.height)")
        px = [float(h[:-2]) for h in heights if h.endswith("px")]
        assert len(px) == 4 and px[0] > 300 and px[1] > 300 and 60 < px[2] < 300 and px[3] > 60, (
            heights
        )  # 3rd: text + Run
        # (the example course page itself has no icon: the browser's /favicon.ico is not the embeds')
        errors = [e for e in context.errors if not e.endswith("/favicon.ico)")]
        assert not errors, errors


# ------------------------------------------------------------------------------------ postMessage
HOST_HTML = """<!doctype html><html><head><meta charset="utf-8"><title>host</title>
<script src="{embed_base}embed-host.js"></script></head><body>
<h1>A course page on another origin</h1>
<iframe id="lab" src="{embed_base}embed.html?{query}" title="pyinit lab" style="width: 100%; height: 150px; border: 0"
  sandbox="allow-scripts allow-same-origin"></iframe>
<script>
window.got = [];
window.addEventListener("message", (ev) => window.got.push({{origin: ev.origin, data: ev.data}}));
</script></body></html>"""


@pytest.fixture(scope="module")
def api_dist(tmp_path_factory, dist_dir, build_module, hosts):
    """dist/ with the allow-list `python build.py --embed-origins <the allowed host>` writes."""
    out = tmp_path_factory.mktemp("api") / "dist"
    shutil.copytree(dist_dir, out)
    build_module.write_embed_config(out, build_module.parse_origins(hosts["allowed"][0]))
    return out


@pytest.fixture(scope="module")
def hosts(tmp_path_factory):
    """Two plain static servers (other origins than the site's): {"allowed": url, "other": url}."""
    import functools
    import http.server

    servers, urls = [], {}
    for name in ("allowed", "other"):
        root = tmp_path_factory.mktemp(f"host-{name}")
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        handler.log_message = lambda *a: None
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        urls[name] = (f"http://127.0.0.1:{httpd.server_address[1]}", root)
    yield urls
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def host_page(context, host, embed_base, query):
    origin, root = host
    name = f"host-{abs(hash(query))}.html"
    (root / name).write_text(HOST_HTML.format(embed_base=embed_base, query=query))
    pg = context.new_page()
    pg.goto(f"{origin}/{name}")
    return pg


def embed_frame(pg):
    return pg.query_selector("#lab").content_frame()


def send(pg, command, args=None, request_id="r1"):
    pg.evaluate(
        """([c, a, id]) => document.getElementById("lab").contentWindow.postMessage(
        {type: "pyinit:command", command: c, args: a, requestId: id}, "*")""",
        [command, args or {}, request_id],
    )


def reply(pg, request_id):
    pg.wait_for_function(
        "(id) => window.got.some((m) => m.data.type === 'pyinit:reply' && m.data.requestId === id)",
        arg=request_id,
    )
    return pg.evaluate(
        "(id) => window.got.find((m) => m.data.type === 'pyinit:reply' && m.data.requestId === id).data",
        request_id,
    )


def test_height_reaches_the_parent_and_the_helper_resizes_the_iframe(context, serve, api_dist, hosts):
    url = serve(api_dist)
    pg = host_page(context, hosts["allowed"], url, "panels=loss&sw=0")
    pg.wait_for_function("() => window.got.some((m) => m.data.type === 'pyinit:height')")
    embed_frame(pg).wait_for_function("() => window.pyinitEmbed && window.pyinitEmbed.snapshot().source")
    pg.wait_for_timeout(300)
    msgs = pg.evaluate("() => window.got")
    heights = [m for m in msgs if m["data"]["type"] == "pyinit:height"]
    assert heights[0]["origin"] == url.rstrip("/")
    assert heights[0]["data"]["version"] == 1 and heights[-1]["data"]["height"] > 200
    pg.wait_for_function(
        "(h) => document.getElementById('lab').style.height === h + 'px'", arg=heights[-1]["data"]["height"]
    )
    status = [m["data"] for m in msgs if m["data"]["type"] == "pyinit:status"]
    assert status and status[-1]["phase"] == "precomputed" and status[-1]["step"] == 0


def test_commands_from_an_allowed_origin_are_obeyed(context, serve, api_dist, hosts):
    url = serve(api_dist)
    pg = host_page(context, hosts["allowed"], url, "api=1&panels=loss&sw=0")
    frame = embed_frame(pg)
    wait_embed(frame)
    send(pg, "step", {"n": 3}, "s1")
    r = reply(pg, "s1")
    # n = 3 steps of training: the first recorded step at least 3 further (the precomputed runs keep every 2nd)
    assert r["ok"] is True and r["step"] == embed_snapshot(frame)["step"] and r["step"] in (3, 4), r
    send(pg, "setState", {"state": {"step": 40, "theme": "dark"}}, "s2")
    assert reply(pg, "s2")["ok"] is True
    assert embed_snapshot(frame)["step"] == 40
    assert frame.evaluate("() => document.documentElement.dataset.theme") == "dark"
    send(pg, "setState", {"state": {"lr": "<script>alert(1)</script>"}}, "s3")
    bad = reply(pg, "s3")
    assert bad["ok"] is False and "lr" in bad["error"]
    send(pg, "step", {"n": 5000}, "s3b")
    bad = reply(pg, "s3b")
    assert bad["ok"] is False and "1 to 1000" in bad["error"]
    send(pg, "play", {}, "s4")
    frame.wait_for_function("() => window.pyinitEmbed.snapshot().playing")
    send(pg, "pause", {}, "s5")
    frame.wait_for_function("() => !window.pyinitEmbed.snapshot().playing")
    send(pg, "reset", {}, "s6")
    frame.wait_for_function("() => window.pyinitEmbed.snapshot().step === 0")
    assert frame.evaluate("() => window.pyinitEmbed.workers()") == 0  # commands need no Python here
    assert not context.errors, context.errors


def test_commands_from_a_disallowed_origin_are_ignored(context, serve, api_dist, hosts):
    url = serve(api_dist)
    pg = host_page(context, hosts["other"], url, "api=1&panels=loss&sw=0")
    frame = embed_frame(pg)
    wait_embed(frame)
    send(pg, "step", {"n": 5}, "x1")
    frame.wait_for_function("() => window.pyinitEmbed.commands.ignored === 1")
    assert embed_snapshot(frame)["step"] == 0
    assert frame.evaluate("() => window.pyinitEmbed.commands.accepted") == 0
    assert not [m for m in pg.evaluate("() => window.got") if m["data"]["type"] == "pyinit:reply"]


def test_commands_need_api_1(context, serve, dist_dir, hosts):
    """Default allow-list (any origin) -- but without api=1 in the embed URL nobody may command."""
    url = serve(dist_dir)
    assert json.loads((dist_dir / "embed-config.json").read_text()) == {"commandOrigins": "*"}
    pg = host_page(context, hosts["other"], url, "panels=loss&sw=0")
    frame = embed_frame(pg)
    wait_embed(frame)
    send(pg, "step", {"n": 2})
    frame.wait_for_function("() => window.pyinitEmbed.commands.ignored === 1")
    assert embed_snapshot(frame)["step"] == 0


def test_build_embed_origins_validates(build_module):
    assert build_module.parse_origins(None) is None
    assert build_module.parse_origins("https://a.example, http://b.example:8080") == [
        "https://a.example",
        "http://b.example:8080",
    ]
    with pytest.raises(build_module.BuildError, match="embed-origins"):
        build_module.parse_origins("https://a.example/path")
