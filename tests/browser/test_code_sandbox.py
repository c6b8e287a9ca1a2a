"""The reader's code is isolated (issue 16, item 2): it runs in a sandbox (sandbox.html, a Pyodide of
its own in an opaque-origin iframe) and only its arrays come back. Each escape one-liner of the issue
runs as the reader's code and reaches a ``js`` module -- and finds nothing of the page there: not
its origin, no Cache API, no IndexedDB, no BroadcastChannel, no same-origin requests; nothing it
plants in caches or posts is taken by the page, and a fresh visit runs the real page. The code's
``np.tanh = ...`` cannot touch the other (Xavier) run. One page (with its service worker) serves
all of these; each run of code is typed into the editor and started with Run, as a reader would.
"""

import base64

import builds
import pytest
from conftest import until, wait_for_status

pytestmark = pytest.mark.browser

# every call the page sends to its own worker, recorded before the page's scripts run
RECORD_CALLS = """
window.__pyCalls = [];
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (msg, ...rest) {
  if (msg && typeof msg === "object" && typeof msg.fn === "string") window.__pyCalls.push(msg.fn);
  return post.call(this, msg, ...rest);
};
"""
BENIGN = "def init(fan_in, fan_out, rng):\n    return np.full((fan_in, fan_out), 0.3)\n"
ROUTES = {  # issue 16's one-liners, each to the `js` module of wherever the code runs
    "print.__self__": "print.__self__.__import__('js')",
    "np.__builtins__": "np.__builtins__['__import__']('js')",
    "__subclasses__": "(lambda s: s.modules.get('js') or s.modules['builtins'].__import__('js'))("
    "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'catch_warnings'][0]"
    ".__init__.__globals__['sys'])",
    "np.testing": "np.testing._private.utils.os.sys.modules['builtins'].__import__('js')",
}
# what the page's worker protocol and the sandbox's would take, were they not checked (ids 1..59)
FORGED = """forged = ['{"event": "fatal", "stage": "python", "message": "pwned"}', '{"type": "unavailable", "message": "pwned"}']
for i in range(1, 60):
    forged.append('{"id": %d, "error": {"type": "ConfigError", "message": "pwned"}}' % i)
    forged.append('{"type": "result", "id": %d, "ok": false, "error": {"type": "CodeError", "message": '
                  '"pwned", "details": {"param": "code_right", "kind": "runtime", "text": "pwned"}}}' % i)
"""
PLANT = "document.title = 'pwned'; document.documentElement.dataset.pwned = '1';"


def escape_code(route, base, lab_file):
    """Reader code that takes `route` to `js`, tries everything worth reaching and reports what
    worked in its weights (the one channel it has): W1 row-major = [reached js, the page's origin,
    Cache API, IndexedDB, BroadcastChannel, same-origin request, 0, 0]. It tries to plant its own
    `lab_file` (the lab's script as the page loads it) in every cache."""
    return f"""js = {ROUTES[route]}
imp = print.__self__.__import__
asyncio = imp('asyncio')
BASE = {base!r}
LAB_FILE = {lab_file!r}
found = [1.0, 1.0 if str(js.self.origin).startswith('http') else 0.0]
def tried(attempt):
    try:
        attempt()
        found.append(1.0)
    except BaseException:
        found.append(0.0)
tried(lambda: js.caches.keys())
tried(lambda: js.indexedDB.open('pyinit-pwned'))
tried(lambda: js.BroadcastChannel.new('pyinit-pwned').postMessage('pwned'))
def same_origin():
    x = js.XMLHttpRequest.new()
    x.open('GET', BASE + 'index.html', False)
    x.send()
    assert x.status == 200
tried(same_origin)
async def plant():
    try:
        options = js.JSON.parse('{{"headers": {{"Content-Type": "text/javascript"}}}}')
        for name in list(await js.caches.keys()) + ['pyinit-pwned']:
            cache = await js.caches.open(name)
            await cache.put(BASE + LAB_FILE, js.Response.new({PLANT!r}, options))
    except BaseException:
        pass
try:
    asyncio.ensure_future(plant())
except BaseException:
    pass
{FORGED}
for message in forged:
    try:
        js.postMessage(js.JSON.parse(message))
    except BaseException:
        pass

def init(fan_in, fan_out, rng):
    w = np.zeros((fan_in, fan_out))
    n = min(w.size, len(found))
    w.reshape(-1)[:n] = found[:n]
    return w
"""


# everything the page says (its notices, status, code notes and errors, title) -- not the code itself
SAID = """() => [document.title, ...[...document.querySelectorAll(
    '#notice, #figure-status, #boot, .code-note, .code-editor-error, [role=status], [role=alert]')]
    .map((e) => e.textContent)].join(' | ')"""


def b64url(code):
    return base64.urlsafe_b64encode(code.encode()).decode().rstrip("=")


def creates(pg):
    return pg.evaluate("() => window.__pyCalls.filter((f) => f === 'lab.create').length")


def run_left_code(pg, code):
    """Type `code` into the left editor (replacing it), press Run; wait for the runs built from it."""
    before = creates(pg)
    pg.locator(".code-cell[data-side=left] .cm-content").click()
    pg.keyboard.press("Control+a")
    pg.keyboard.insert_text(code)
    pg.click(".code-cell[data-side=left] .code-run")
    until(
        pg, f"() => window.__pyCalls.filter((f) => f === 'lab.create').length > {before}", 120, "lab.create"
    )
    until(
        pg,
        "() => { const s = window.pyinitLab.snapshot(); return s && s.source === 'live' && s.records > 0; }",
        60,
    )


def at_step(pg, step):
    """The snapshot at `step` (paused there; the live runs train up to it)."""
    pg.evaluate("() => window.pyinitLab.idle()")
    if pg.evaluate("() => window.pyinitLab.snapshot().playing"):
        pg.click("#btn-play")
    assert pg.evaluate(f"() => window.pyinitLab.goTo({step})")
    snap = pg.evaluate("() => window.pyinitLab.snapshot()")
    assert snap["step"] == step
    return snap


def left_w1(snap):
    """The left run's first weight matrix, row-major (theta stores it column by column)."""
    block = next(b for b in snap["meta"]["layout"] if b["kind"] == "W" and b["layer"] == 1)
    rows, cols, theta = block["rows"], block["cols"], snap["runs"][0]["theta"]
    return [theta[block["offset"] + j * rows + i] for i in range(rows) for j in range(cols)]


def cached_lab_js(pg, base, lab_file):
    """{cache name: the bytes the site's caches hold for `lab_file` (the lab's script) and whether
    IndexedDB has the planted database."""
    return pg.evaluate(
        """async (url) => {
            const out = {};
            for (const name of await caches.keys()) {
                const r = await (await caches.open(name)).match(url);
                if (r) out[name] = await r.text();
            }
            const dbs = indexedDB.databases ? await indexedDB.databases() : [];
            return {caches: out, pwnedDb: dbs.some((d) => d.name === 'pyinit-pwned')};
        }""",
        base + lab_file,
    )


@pytest.fixture(scope="module")
def lab(browser, server_url, dist_dir):
    """The lab with its service worker, the left side's code from a link, run once (a benign constant);
    the right side Xavier. Its console errors collect in `pg.errors`; a BroadcastChannel listener
    collects what anyone posts on 'pyinit-pwned'."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(f"uncaught: {e}"))
    pg.add_init_script(RECORD_CALLS)
    pg.goto(f"{server_url}index.html?code={b64url(BENIGN)}")
    assert wait_for_status(pg) == "ready", pg.inner_text("#boot")
    pg.evaluate(
        "() => { window.__broadcast = []; new BroadcastChannel('pyinit-pwned').onmessage = (e) => "
        "window.__broadcast.push(String(e.data)); }"
    )
    # the service worker holds the site's files (what planted code would overwrite): the lab's script
    # as the page loads it (its bundle in a bundled build)
    pg.lab_file = builds.loaded_file(dist_dir, "js/pages/lab.js")
    until(
        pg,
        f"""async () => {{ for (const n of await caches.keys())
              if (await (await caches.open(n)).match('{server_url}{pg.lab_file}')) return true; }}""",
        90,
        f"the service worker's cache of {pg.lab_file}",
    )
    pg.click(".code-cell[data-side=left] .code-run")  # "Run this code"
    until(pg, "() => { const s = window.pyinitLab.snapshot(); return s && s.source === 'live'; }", 120)
    pg.baseline = [at_step(pg, step)["runs"][1]["loss"] for step in (0, 100, 300)]  # the right run (Xavier)
    yield pg
    context.close()


@pytest.mark.parametrize("route", ROUTES)
def test_each_escape_reaches_a_js_module_that_holds_nothing_of_the_page(lab, server_url, dist_dir, route):
    pg = lab
    run_left_code(pg, escape_code(route, server_url, pg.lab_file))
    found = left_w1(at_step(pg, 0))
    # the escape ran and reached `js` -- of an origin that is not the page's, without caches, IndexedDB,
    # BroadcastChannel or same-origin requests
    assert found[:6] == [1.0, 0.0, 0.0, 0.0, 0.0, 0.0], found
    real = (dist_dir / pg.lab_file).read_text(encoding="utf-8")
    stored = cached_lab_js(pg, server_url, pg.lab_file)
    assert stored["caches"] and all(text == real for text in stored["caches"].values()), "planted"
    assert "pyinit-pwned" not in pg.evaluate("() => caches.keys()") and not stored["pwnedDb"]
    assert pg.evaluate("() => window.__broadcast") == []
    # nothing the code posted was taken by the page: no text of it anywhere, the runs still live
    assert "pwned" not in pg.evaluate(SAID)
    assert pg.evaluate("() => document.documentElement.dataset.phase") == "live"
    assert not pg.evaluate("() => document.documentElement.dataset.pwned")
    assert not [e for e in pg.errors if "pwned" in e]


def test_np_tanh_in_the_code_cannot_touch_the_other_run(lab):
    """issue 16: `np.tanh = ...` froze the right (Xavier) run at loss 0.693147 with "Live" shown.
    Now the right run's losses are exactly those it has without that code."""
    pg = lab
    run_left_code(
        pg,
        "np.tanh = lambda z, out=None: np.multiply(z, 0.0, out=out)\nnp.core.umath.tanh = np.tanh\n" + BENIGN,
    )
    losses = [at_step(pg, step)["runs"][1]["loss"] for step in (0, 100, 300)]
    assert losses == pg.baseline
    assert losses[2] < losses[0] - 0.05  # it learns


def test_a_fresh_visit_after_the_escapes_runs_the_real_page(lab, server_url):
    """Whatever the code above tried, the next visit in this browser is the site's own page."""
    context = lab.context
    lab.close()  # (the module's last test: its page and sandbox leave the CPU to the new visit)
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(f"{server_url}index.html")
    assert wait_for_status(pg) == "ready", pg.inner_text("#boot")
    until(pg, "() => { const s = window.pyinitLab.snapshot(); return s && s.source === 'live'; }", 90)
    assert pg.title() != "pwned" and "pyinit" in pg.title()
    assert not pg.evaluate("() => document.documentElement.dataset.pwned")
    assert pg.evaluate("() => navigator.serviceWorker.controller !== null")  # served through the caches
    assert not errors
    pg.close()
