"""Forged worker replies are dropped (issue 16, item 5): js/platform/worker-client.js settles a call
only with a reply of the shape worker.js sends ({id, result} or {id, error: {type, message,
details?}}) carrying the id of the oldest pending call (the worker answers in order); a lost
worker's message is not prefixed twice. Messages are sent to the page's worker object as the worker
would send them (a MessageEvent), while real calls are pending."""

import json

import pytest
from conftest import wait_for_status

pytestmark = pytest.mark.browser

# a call that keeps Python busy far longer than the test (stopped by terminate() at the end)
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
    return page


FORGE = """async ([forged, longRun]) => {
    const py = window.pyinitBoot.py, w = py.worker;
    const ids = [];
    const post = w.postMessage.bind(w);
    w.postMessage = (msg, ...rest) => { if (msg && msg.fn) ids.push(msg.id); return post(msg, ...rest); };
    const settled = {};
    const watch = (name, p) => p.then((v) => { settled[name] = {ok: v}; },
                                      (e) => { settled[name] = {type: e.type, message: e.message}; });
    watch("head", py.call("api.run", longRun));
    watch("next", py.call("api.version"));
    const [head, next] = ids;
    const send = (data) => w.dispatchEvent(new MessageEvent("message", {data}));
    for (const f of forged) send(JSON.parse(JSON.stringify(f).replaceAll('"HEAD"', JSON.stringify(head))
                                                          .replaceAll('"NEXT"', JSON.stringify(next))));
    await new Promise((r) => setTimeout(r, 300));
    const before = JSON.parse(JSON.stringify(settled));
    w.terminate();  // the real calls end here: both must be rejected as lost, not with a forged value
    await new Promise((r) => setTimeout(r, 100));
    return {before, after: settled};
}"""


@pytest.mark.parametrize(
    "forged",
    [
        [{"id": "NEXT", "result": {"forged": True}}],  # an id that is pending, but not the running call
        [{"id": "HEAD", "error": "forged text"}],  # the running call's id, the wrong shape
        [{"id": "HEAD", "error": {"type": "CodeError", "message": 7}}],
        [{"id": "HEAD", "result": 1, "error": {"type": "X", "message": "y"}}],
        [
            {
                "id": "HEAD",
                "error": {
                    "type": "ConfigError",
                    "message": "forged",
                    "details": {"param": "<b>code</b>", "line": "one", "text": "forged"},
                },
            }
        ],
        [{"id": 12345, "result": {}}],  # no such call
    ],
    ids=[
        "out-of-order",
        "error-is-text",
        "message-not-text",
        "result-and-error",
        "bad-details",
        "no-such-id",
    ],
)
def test_forged_replies_are_dropped(check_page, forged):
    got = check_page.evaluate(FORGE, [forged, LONG_RUN])
    assert got["before"] == {}, got  # nothing settled a call
    for name in ("head", "next"):
        assert got["after"][name]["type"] == "WorkerLost", got


def test_a_fatal_error_after_ready_is_not_prefixed_twice(check_page):
    got = check_page.evaluate("""async () => {
        const py = window.pyinitBoot.py;
        const lost = py.lost;
        py.worker.dispatchEvent(new MessageEvent("message",
            {data: {event: "fatal", stage: "python", message: "Python failed fatally (boom)."}}));
        const e = await lost;
        return {type: e.type, message: e.message}; }""")
    assert got == {"type": "WorkerLost", "message": "Python failed fatally (boom)."}, got


def test_real_replies_still_arrive(check_page):
    got = check_page.evaluate("() => window.pyinitBoot.py.call('api.version')")
    assert got["numpy"] == "2.0.2"
    error = check_page.evaluate(
        """() => window.pyinitBoot.py.call('lab.create', {settings: {lr: -1}}).then(
        () => null, (e) => ({type: e.type, message: e.message}))"""
    )
    assert error["type"] == "ConfigError" and "lr" in error["message"], error
    assert json.dumps(error)  # plain data
