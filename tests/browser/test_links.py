"""A changed address is read like the first load, and the runs it asks for are set up once (issue 20,
item 1: setup() runs from one state listener; a pasted link used to build its runs twice, the first
build thrown away). Counted where it costs: the lab.create calls that reach the worker."""

import pytest

from conftest import until, wait_for_status, wait_lab_live

pytestmark = pytest.mark.browser

# every lab.create sent to the worker, and how many of them were answered
RECORD_CREATES = """
window.__creates = 0;
window.__answered = 0;
const ids = new Set();
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (msg, ...rest) {
  if (msg && msg.fn === "lab.create") {
    window.__creates++;
    ids.add(msg.id);
  }
  return post.call(this, msg, ...rest);
};
const Base = window.Worker;
window.Worker = class extends Base {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", (e) => { if (e.data && ids.has(e.data.id)) window.__answered++; });
  }
};
"""


def test_a_pasted_link_sets_its_runs_up_once(browser, server_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        pg = context.new_page()
        pg.add_init_script(RECORD_CREATES)
        pg.goto(server_url + "?sw=0")
        assert wait_for_status(pg) == "ready"
        wait_lab_live(pg)
        for link in ["seed=11&width=3", "seed=12&width=3&step=30", "chapter=clones&seed=13"]:
            before = pg.evaluate("() => window.__creates")
            pg.evaluate("(h) => { location.hash = h; }", link)
            built = f"""() => window.__creates > {before} && window.__answered === window.__creates
                && document.documentElement.dataset.phase === 'live'"""
            until(pg, built, 120, f"the runs of {link}")
            assert pg.evaluate("() => window.__creates") - before == 1, link
        assert pg.evaluate("() => window.pyinitLab.snapshot().step") == 0
    finally:
        context.close()
