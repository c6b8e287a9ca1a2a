"""Issue 13, faults 3 and 11: a worker that dies or hangs never leaves a call waiting forever, and a
bad ?timeout= in the URL is ignored with a warning.

js/platform/worker-client.js rejects every pending call with a WorkerCallError of type "WorkerLost"
(worker terminated, crashed, no answer to a heartbeat) or "Timeout" (a call ran past its limit; the
worker is then stopped), reports the loss once (onLost / `lost`), and restart() starts a fresh worker.
"""

from __future__ import annotations

import json

import pytest

import builds
from conftest import wait_for_status

pytestmark = pytest.mark.browser

# A call that keeps Python busy for far longer than any limit below (stopped by the tests).
# (30,000 steps of a 2-64-64-64-1 net on 200 points: within pyinit's work budget, minutes in Pyodide)
LONG_RUN = {
    "config": {
        "dataset": "moons",
        "n_samples": 200,
        "hidden": [64, 64, 64],
        "steps": 30000,
        "every": 1000,
        "seed": 0,
    }
}


@pytest.fixture
def check_page(page, server_url):
    page.goto(server_url + "check.html")
    assert wait_for_status(page) == "ready", page.inner_text("#boot")
    page.evaluate("""() => {
        window.lostSeen = [];
        window.pyinitBoot.py.onLost((e) => window.lostSeen.push({type: e.type, message: e.message}));
    }""")
    return page


def settle(page, expr: str, ms: int = 10_000):
    """Evaluate the promise expression `expr` (page context) and wait up to `ms` for it to settle."""
    return page.evaluate(f"""async () => {{
        const p = {expr};
        const t0 = performance.now();
        const timer = new Promise((r) => setTimeout(() => r({{pending: true}}), {ms}));
        const out = await Promise.race([p.then((v) => ({{ok: v}}), (e) => ({{type: e.type, message: e.message}})), timer]);
        return {{...out, ms: performance.now() - t0}};
    }}""")


def test_terminated_worker_rejects_the_pending_call_and_restart_recovers(check_page):
    pg = check_page
    got = pg.evaluate(
        """async () => {
        const py = window.pyinitBoot.py;
        const pending = py.call("api.run", %s);
        py.worker.terminate();  // the worker dies while a call is running
        const t0 = performance.now();
        const out = await pending.then(() => ({resolved: true}), (e) => ({name: e.name, type: e.type, message: e.message}));
        out.ms = performance.now() - t0;
        out.lost = await py.lost.then((e) => e.type);
        out.later = await py.call("api.version").catch((e) => e.type);
        return out;
    }"""
        % json.dumps(LONG_RUN)
    )
    assert got["name"] == "WorkerCallError" and got["type"] == "WorkerLost", got
    assert "terminated" in got["message"] and got["ms"] < 1000
    assert got["lost"] == "WorkerLost" and got["later"] == "WorkerLost"
    assert pg.evaluate("() => window.lostSeen") == [{"type": "WorkerLost", "message": got["message"]}]
    # Restart: a fresh worker, and calls work again.
    again = settle(
        pg, "window.pyinitBoot.py.restart().then(() => window.pyinitBoot.py.call('api.version'))", 90_000
    )
    assert again.get("ok", {}).get("numpy") == "2.0.2", again
    assert pg.evaluate("() => window.lostSeen.length") == 1  # a restart is not a loss


def test_worker_that_dies_silently_is_caught_by_the_call_timeout(check_page):
    pg = check_page
    # Stop the worker behind the client's back (no event at all, as when it crashes hard).
    pg.evaluate("() => Worker.prototype.terminate.call(window.pyinitBoot.py.worker)")
    got = settle(pg, "window.pyinitBoot.py.call('api.version', {}, {timeoutMs: 1500})")
    assert got["type"] == "Timeout", got
    assert (
        "api.version" in got["message"] and "1.5 s" in got["message"] and "Restart Python" in got["message"]
    )
    assert 1400 <= got["ms"] < 5000
    assert pg.evaluate("() => window.lostSeen.map((e) => e.type)") == ["Timeout"]
    # every later call fails at once, in words
    later = settle(pg, "window.pyinitBoot.py.call('api.version')", 2000)
    assert later["type"] == "WorkerLost" and "api.version" in later["message"]


def test_endless_call_is_stopped_by_its_timeout_and_by_restart(check_page):
    pg = check_page
    got = settle(pg, f"window.pyinitBoot.py.call('api.run', {json.dumps(LONG_RUN)}, {{timeoutMs: 1000}})")
    assert got["type"] == "Timeout" and 900 <= got["ms"] < 5000, got
    assert settle(pg, "window.pyinitBoot.py.restart()", 90_000).get("ok"), "restart failed"
    # No time limit this time: restart() alone must stop the running call.
    got = pg.evaluate(
        """async (args) => {
        const py = window.pyinitBoot.py;
        const long = py.call("api.run", args, {timeoutMs: Infinity});
        const queued = py.call("api.version", {}, {timeoutMs: Infinity});
        await new Promise((r) => setTimeout(r, 1000));
        const fresh = py.restart();
        const out = await Promise.allSettled([long, queued]);
        await fresh;
        return {calls: out.map((s) => s.reason && s.reason.type), version: (await py.call("api.version")).numpy};
    }""",
        LONG_RUN,
    )
    assert got == {"calls": ["WorkerLost", "WorkerLost"], "version": "2.0.2"}


def test_heartbeat_finds_a_dead_idle_worker_and_a_dead_loading_one(page, server_url):
    page.goto(server_url + "build-manifest.json")  # same origin, no scripts of its own
    got = page.evaluate("""async () => {
        const { createWorkerClient } = await import("./js/platform/worker-client.js");
        const url = new URL("./js/platform/worker.js", location.href);
        // (Python's startup blocks the worker for a second or more: a short loading limit only for py2)
        const opts = {heartbeatMs: 200, heartbeatTimeoutMs: 800, loadingHeartbeatTimeoutMs: 60000};
        const wait = (p, ms) => Promise.race([p, new Promise((r) => setTimeout(() => r("still waiting"), ms))]);
        // idle and ready, then gone without a word
        const py = createWorkerClient(url, opts);
        await py.ready;
        await new Promise((r) => setTimeout(r, 1000));  // heartbeats answered meanwhile: not lost
        const alive = !py.isLost;
        Worker.prototype.terminate.call(py.worker);
        const t0 = performance.now();
        const lost = await wait(py.lost.then((e) => ({type: e.type, message: e.message})), 5000);
        const ms = performance.now() - t0;
        // gone while loading: `ready` rejects (the loading screen would show it) instead of waiting
        const py2 = createWorkerClient(url, {...opts, loadingHeartbeatTimeoutMs: 800});
        setTimeout(() => Worker.prototype.terminate.call(py2.worker), 100);
        const loading = await wait(py2.ready.then(() => "ready", (e) => ({stage: e.stage, message: e.message})), 5000);
        py2.terminate();
        return {alive, lost, ms, loading};
    }""")
    assert got["alive"], got
    assert got["lost"]["type"] == "WorkerLost" and "stopped responding" in got["lost"]["message"], got
    assert got["ms"] < 3000
    assert got["loading"]["stage"] == "worker" and "stopped responding" in got["loading"]["message"], got


@pytest.mark.parametrize("value", ["-1", "1e400", "abc", "0"])
def test_bad_timeout_in_the_url_is_ignored_with_a_warning(page, server_url, dist_dir, value):
    warnings = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.goto(server_url + f"check.html?timeout={value}")
    assert wait_for_status(page) == "ready", page.inner_text("#boot")
    assert any("timeout" in w and "1 to 600" in w for w in warnings), warnings
    worker = "/" + builds.loaded_file(dist_dir, "js/platform/worker.js")
    workers = [u for u in page.requests if worker in u]
    assert workers and not any("timeout" in u for u in workers), workers


def test_good_timeout_in_the_url_reaches_the_worker(page, server_url, dist_dir):
    page.goto(server_url + "check.html?timeout=90.5")
    assert wait_for_status(page) == "ready", page.inner_text("#boot")
    worker = "/" + builds.loaded_file(dist_dir, "js/platform/worker.js")
    asked = [u.split("?", 1) for u in page.requests if "?" in u]
    assert any(path.endswith(worker) and "timeout=90.5" in query.split("&") for path, query in asked), asked
