"""embed.html and its host pages in Chromium: chosen panels and controls, the lazy start, a link's
step reproduced, the example course page (three embeds, Python downloaded once), postMessage height
reports, and the command API's origin checks (host pages are served by plain http.servers on other
ports: other origins, so the embed really is cross-origin).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import threading
from pathlib import Path

import pytest

from conftest import LOAD_TIMEOUT_MS

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
RUNTIME = ("pyodide.asm.wasm", "python_stdlib.zip", "numpy-")


# ------------------------------------------------------------------------------------ helpers
@contextlib.contextmanager
def counting_server(build_module, root: Path):
    """Like build.py's background server, but records (path, status) of every response it sends."""
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
    ctx.on("weberror", lambda e: ctx.errors.append(str(e.error)))
    yield ctx
    ctx.close()


def embed_snapshot(frame):
    return frame.evaluate("() => window.pyinitEmbed && window.pyinitEmbed.snapshot()")


def wait_embed(frame, phases=("precomputed", "idle", "live")):
    frame.wait_for_function("(ph) => window.pyinitEmbed && ph.includes(document.documentElement.dataset.embedPhase)",
                            arg=list(phases), timeout=60_000)


def run_embed(frame):
    """Press "Run in your browser" and wait until the embed trains live."""
    frame.click("#btn-run")
    frame.wait_for_function("() => ['live', 'error'].includes(document.documentElement.dataset.embedPhase)",
                            timeout=LOAD_TIMEOUT_MS)
    assert frame.evaluate("() => document.documentElement.dataset.embedPhase") == "live", \
        frame.inner_text("#embed-start")


# ------------------------------------------------------------------------------------ the embed itself
def test_embed_shows_chosen_panels_and_controls_without_loading_python(context, server_url):
    pg = context.new_page()
    requests = []
    context.on("request", lambda r: requests.append(r.url))
    pg.goto(server_url + "embed.html?panels=loss,boundary&controls=step,reset&sw=0")
    wait_embed(pg)
    rows = pg.eval_on_selector_all("#panels > section", "els => els.map(e => e.id)")
    assert rows == ["row-loss", "row-boundary"]
    visible = pg.evaluate("""() => ['btn-reset', 'btn-back', 'btn-play', 'btn-step', 'timeline']
        .filter((id) => !document.getElementById(id).hidden)""")
    assert visible == ["btn-reset", "btn-step"]
    # the default setup shows its precomputed runs at once; no Python is downloaded before a click
    assert pg.evaluate("() => document.documentElement.dataset.embedPhase") == "precomputed"
    assert pg.is_visible("#btn-run")
    assert "16 MB" in pg.inner_text("#btn-run")
    assert not [u for u in requests if "pyodide" in u or "worker.js" in u]
    pg.click("#btn-step")
    pg.wait_for_function("() => window.pyinitEmbed.snapshot().step === 1")
    assert not context.errors


def test_embed_chapter_without_settings_loads_that_chapters_preset(context, server_url):
    from pyinit.web import chapters as tour
    clones = tour.presets()["chapters"][2]["state"]
    pg = context.new_page()
    pg.goto(server_url + "embed.html?chapter=3&text=1&sw=0")
    wait_embed(pg)
    state = pg.evaluate("() => window.pyinitEmbed.state()")
    assert {k: state[k] for k in clones} == clones
    assert state["left_init"] == "constant"
    # explicit settings win over the chapter's preset
    other = context.new_page()
    other.goto(server_url + "embed.html?chapter=3&text=1&left_init=zeros&sw=0")
    wait_embed(other)
    assert other.evaluate("() => window.pyinitEmbed.state().left_init") == "zeros"
    assert not context.errors


def test_embed_controls_none_hides_the_transport(context, server_url):
    pg = context.new_page()
    pg.goto(server_url + "embed.html?controls=none&panels=trajectories&sw=0")
    wait_embed(pg)
    assert pg.is_hidden("#transport")


def test_embed_link_step_beyond_precomputed_trains_live_to_it(context, server_url):
    """A link to step 750 of a non-default setup: after Run, the embed shows exactly step 750."""
    pg = context.new_page()
    pg.goto(server_url + "embed.html?left_init=constant&left_scale=0.5&step=750&panels=trajectories&sw=0")
    wait_embed(pg)
    assert pg.evaluate("() => document.documentElement.dataset.embedPhase") == "idle"
    run_embed(pg)
    pg.wait_for_function("() => window.pyinitEmbed.snapshot().step === 750", timeout=60_000)
    snap = embed_snapshot(pg)
    # constant init: the four hidden units stay clones (caption computed from the data)
    assert "1 distinct" in pg.inner_text("#row-traj")
    assert snap["source"] == "live"


def test_embed_lazy_0_starts_python_at_once_and_continues_the_precomputed_runs(context, server_url):
    pg = context.new_page()
    pg.goto(server_url + "embed.html?lazy=0&step=20&sw=0")
    pg.wait_for_function("() => document.documentElement.dataset.embedPhase === 'live'", timeout=LOAD_TIMEOUT_MS)
    snap = embed_snapshot(pg)
    assert snap["step"] == 20 and snap["source"] == "live"
    assert pg.is_hidden("#embed-start")


def test_embed_screenshots(context, server_url):
    """Light and dark, desktop and phone width: look at them (tests/screenshots/embed-*.png)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for theme, width in [("light", 900), ("dark", 900), ("light", 360), ("dark", 360)]:
        pg = context.new_page()
        pg.set_viewport_size({"width": width, "height": 800})
        pg.goto(server_url + f"embed.html?theme={theme}&step=120&text=1&chapter=1&panels=trajectories,loss,boundary&sw=0")
        wait_embed(pg)
        pg.wait_for_function("() => document.documentElement.dataset.step === '120'")
        assert pg.evaluate("() => document.documentElement.dataset.theme") == theme
        # no horizontal scrolling at phone width
        assert pg.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        pg.screenshot(path=str(SCREENSHOTS / f"embed-{theme}-{width}.png"), full_page=True)
        pg.close()


# ------------------------------------------------------------------------------------ the course page
def test_course_page_three_embeds_python_downloaded_once(context, build_module, dist_dir):
    """examples/course.html: three lazy embeds, nothing of Python before a click; each Run starts
    Python in that embed only, and the second embed gets the runtime from the HTTP cache."""
    with counting_server(build_module, dist_dir) as (url, hits):
        pg = context.new_page()
        pg.goto(url + "examples/course.html")
        frames = []
        for el in pg.query_selector_all("iframe.pyinit"):
            el.scroll_into_view_if_needed()  # loading="lazy": an iframe loads when it comes near
            frame = el.content_frame()
            wait_embed(frame)
            frames.append(frame)
        assert len(frames) == 3
        phases = [f.evaluate("() => document.documentElement.dataset.embedPhase") for f in frames]
        assert phases == ["precomputed", "idle", "idle"]
        assert not [p for _, p, _ in hits if "pyodide-" in p], "Python was fetched before any click"

        run_embed(frames[0])
        for name in RUNTIME:
            assert len(downloads(hits, name)) == 1, (name, downloads(hits, name))
        assert frames[0].is_hidden("#btn-run")  # one Python per embed: nothing left to click

        run_embed(frames[1])
        for name in RUNTIME:  # the second embed's worker: from the browser's HTTP cache
            assert len(downloads(hits, name)) == 1, (name, downloads(hits, name))
        assert frames[2].evaluate("() => document.documentElement.dataset.embedPhase") == "idle"
        assert frames[2].evaluate("() => window.pyinitEmbed.workers()") == 0
        # the host helper (embed-host.js) sized every iframe to its content
        heights = pg.eval_on_selector_all("iframe.pyinit", "els => els.map(e => e.style.height)")
        px = [float(h[:-2]) for h in heights if h.endswith("px")]
        assert len(px) == 3 and px[0] > 300 and px[1] > 300 and 60 < px[2] < 300, heights  # 3rd: just text + Run
        SCREENSHOTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(SCREENSHOTS / "course-page.png"), full_page=True)
        assert not context.errors


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
    return pg, None


def embed_frame(pg):
    return pg.query_selector("#lab").content_frame()


def send(pg, command, args=None, request_id="r1"):
    pg.evaluate("""([c, a, id]) => document.getElementById("lab").contentWindow.postMessage(
        {type: "pyinit:command", command: c, args: a, requestId: id}, "*")""", [command, args or {}, request_id])


def test_height_reaches_the_parent_and_the_helper_resizes_the_iframe(context, serve, api_dist, hosts):
    url = serve(api_dist)
    pg, _ = host_page(context, hosts["allowed"], url, "panels=loss&sw=0")
    pg.wait_for_function("() => window.got.some((m) => m.data.type === 'pyinit:height')")
    msgs = pg.evaluate("() => window.got")
    heights = [m for m in msgs if m["data"]["type"] == "pyinit:height"]
    assert heights[0]["origin"] == url.rstrip("/")
    assert heights[0]["data"]["version"] == 1 and heights[-1]["data"]["height"] > 200
    pg.wait_for_function("(h) => document.getElementById('lab').style.height === h + 'px'",
                         arg=heights[-1]["data"]["height"])
    status = [m["data"] for m in msgs if m["data"]["type"] == "pyinit:status"]
    assert status and status[0]["phase"] in ("precomputed", "idle")


def test_commands_from_an_allowed_origin_are_obeyed(context, serve, api_dist, hosts):
    url = serve(api_dist)
    pg, _ = host_page(context, hosts["allowed"], url, "api=1&panels=loss&sw=0")
    frame = embed_frame(pg)
    wait_embed(frame)
    send(pg, "step", {"n": 3}, "s1")
    pg.wait_for_function("() => window.got.some((m) => m.data.type === 'pyinit:reply' && m.data.requestId === 's1')")
    reply = pg.evaluate("() => window.got.find((m) => m.data.requestId === 's1').data")
    assert reply["ok"] is True and reply["step"] == 3
    send(pg, "setState", {"state": {"step": 40, "theme": "dark"}}, "s2")
    pg.wait_for_function("() => window.got.some((m) => m.data.requestId === 's2')")
    assert embed_snapshot(frame)["step"] == 40
    assert frame.evaluate("() => document.documentElement.dataset.theme") == "dark"
    send(pg, "setState", {"state": {"lr": "<script>alert(1)</script>"}}, "s3")
    pg.wait_for_function("() => window.got.some((m) => m.data.requestId === 's3')")
    bad = pg.evaluate("() => window.got.find((m) => m.data.requestId === 's3').data")
    assert bad["ok"] is False and "lr" in bad["error"]
    send(pg, "play", {}, "s4")
    frame.wait_for_function("() => window.pyinitEmbed.snapshot().playing")
    send(pg, "pause", {}, "s5")
    frame.wait_for_function("() => !window.pyinitEmbed.snapshot().playing")
    send(pg, "reset", {}, "s6")
    frame.wait_for_function("() => window.pyinitEmbed.snapshot().step === 0")


def test_commands_from_a_disallowed_origin_are_ignored(context, serve, api_dist, hosts):
    url = serve(api_dist)
    pg, _ = host_page(context, hosts["other"], url, "api=1&panels=loss&sw=0")
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
    pg, _ = host_page(context, hosts["other"], url, "panels=loss&sw=0")
    frame = embed_frame(pg)
    wait_embed(frame)
    send(pg, "step", {"n": 2})
    frame.wait_for_function("() => window.pyinitEmbed.commands.ignored === 1")
    assert embed_snapshot(frame)["step"] == 0


def test_build_embed_origins_validates(build_module):
    assert build_module.parse_origins(None) is None
    assert build_module.parse_origins("https://a.example, http://b.example:8080") == \
        ["https://a.example", "http://b.example:8080"]
    with pytest.raises(build_module.BuildError, match="embed-origins"):
        build_module.parse_origins("https://a.example/path")


def test_embed_lang_pl(context, server_url):
    pg = context.new_page()
    pg.goto(server_url + "embed.html?lang=pl&sw=0")
    wait_embed(pg)
    assert pg.evaluate("() => document.documentElement.lang") == "pl"
    assert pg.inner_text("#btn-run").startswith("Uruchom w przeglądarce")
    assert "krok" in pg.inner_text("#readout")


def test_embed_autoplay_and_reduced_motion(browser, server_url):
    for motion, playing in (("no-preference", True), ("reduce", False)):
        ctx = browser.new_context(reduced_motion=motion)
        try:
            pg = ctx.new_page()
            pg.goto(server_url + "embed.html?autoplay=1&panels=loss&sw=0")
            wait_embed(pg)
            if playing:
                pg.wait_for_function("() => window.pyinitEmbed.snapshot().step > 5")
            else:
                pg.wait_for_timeout(300)  # give a wrongly started animation time to show itself
                assert embed_snapshot(pg)["step"] == 0 and not embed_snapshot(pg)["playing"]
        finally:
            ctx.close()
