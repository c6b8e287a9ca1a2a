"""A chapter is a fixed experiment (issue 17, item 1): its runs stop at the chapter's last step (`steps`
in chapters.json, the step its text's numbers refer to) also once Python is live, and the figure says
so in words; going on ("Keep training") is the reader's choice; Replay, Back, Step and the scrubber
work within the chapter's run; the reader's own settings play on. Read from the figure's own data
(the charts' last x, the snapshot) at 1280x720."""

import pytest

from conftest import plot_data, until, wait_for_status, wait_lab_live
from pyinit import content

pytestmark = pytest.mark.browser

CHAPTERS = content.load("chapters.json")["chapters"]


@pytest.fixture(scope="module")
def lab(browser, server_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(f"uncaught: {e}"))
    pg.goto(server_url + "?sw=0")
    assert wait_for_status(pg) == "ready", pg.inner_text("#boot")
    wait_lab_live(pg)
    yield pg
    context.close()


def snap(pg):
    return pg.evaluate("() => window.pyinitLab.snapshot()")


def play_to_the_end(pg):
    """From a few records before the end of what is shown, Play: the runs stop by themselves."""
    pg.evaluate("""() => { const s = document.getElementById('scrubber');
        s.value = String(Math.max(0, Number(s.max) - 3)); s.dispatchEvent(new Event('input')); }""")
    pg.click("#btn-play")
    until(pg, "() => !window.pyinitLab.snapshot().playing", 60, "the runs stop")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c["id"] for c in CHAPTERS])
def test_the_runs_stop_at_the_chapters_last_step_with_python_live(lab, chapter):
    cid, steps = chapter["id"], chapter["steps"]
    lab.evaluate("(id) => window.pyinitLab.chapter(id)", cid)
    until(lab, f"() => window.pyinitLab.snapshot().chapter === '{cid}'", 30)
    if lab.evaluate("() => window.pyinitLab.snapshot().playing"):
        lab.click("#btn-play")
    # Python takes the chapter's runs over (it trains silently up to their last step), then Play
    until(lab, "() => window.pyinitLab.snapshot().source === 'live'", 180, "live")
    play_to_the_end(lab)
    s = snap(lab)
    assert (s["step"], s["lastStep"], s["stopReason"]) == (steps, steps, "chapter"), s
    loss = plot_data(lab, "fig-loss-left") if "loss" in chapter["panels"] else None
    if loss:
        assert loss["x"][-1] == steps  # what the loss chart shows ends there
    assert lab.inner_text("#figure-status") == f"End of this chapter's run, step {steps}."
    assert lab.inner_text("#btn-play") == "Keep training"
    lab.click("#btn-step")  # Step stays within the chapter's run
    assert snap(lab)["step"] == steps and snap(lab)["lastStep"] == steps
    assert not lab.errors, lab.errors


def test_keep_training_back_step_and_replay(lab):
    lab.evaluate("() => window.pyinitLab.chapter('clones')")
    until(lab, "() => window.pyinitLab.snapshot().chapter === 'clones'", 30)
    until(lab, "() => window.pyinitLab.snapshot().source === 'live'", 180, "live")
    play_to_the_end(lab)
    assert snap(lab)["step"] == 600
    lab.click("#btn-back")
    back = snap(lab)["step"]
    assert back < 600 and lab.inner_text("#btn-play") == "Play"
    lab.click("#btn-step")
    assert snap(lab)["step"] == 600 and lab.inner_text("#btn-play") == "Keep training"
    lab.click("#btn-play")  # "Keep training": the reader's choice
    until(lab, "() => window.pyinitLab.snapshot().step > 650", 60, "trains on")
    lab.click("#btn-play")
    assert lab.inner_text("#figure-status").startswith("Live")
    # Replay: the chapter's run again from step 0, stopping at its end again
    lab.click("#chapter-3 button.replay")
    until(
        lab,
        "() => window.pyinitLab.snapshot().lastStep === 600 && window.pyinitLab.snapshot().step < 600",
        60,
    )
    if not snap(lab)["playing"]:
        lab.click("#btn-play")
    until(lab, "() => !window.pyinitLab.snapshot().playing", 120, "the replay stops")
    s = snap(lab)
    assert (s["step"], s["lastStep"], s["stopReason"]) == (600, 600, "chapter"), s


def test_the_readers_own_settings_play_on(lab):
    lab.evaluate(
        "() => { location.hash = 'chapter=clones&width=3'; }"
    )  # clones, with 3 units: not the chapter's
    until(
        lab, "() => window.pyinitLab.state().width === 3 && window.pyinitLab.snapshot().source === 'live'", 60
    )
    assert lab.inner_text("#figure-title") == "Your setup"
    lab.evaluate("() => window.pyinitLab.goTo(598)")
    lab.click("#btn-play")
    until(lab, "() => window.pyinitLab.snapshot().step > 640", 60, "plays past the chapter's length")
    lab.click("#btn-play")
    assert snap(lab)["end"] is None


def test_a_chapter_embed_stops_there_too(browser, server_url):
    context = browser.new_context(viewport={"width": 900, "height": 700})
    try:
        pg = context.new_page()
        pg.goto(f"{server_url}embed.html?sw=0&lazy=0&chapter=additive&controls=play,step,timeline")
        until(pg, "() => document.documentElement.dataset.phase === 'live'", 180, "live")
        pg.evaluate("""() => { const s = document.getElementById('scrubber');
            s.value = String(Number(s.max) - 2); s.dispatchEvent(new Event('input')); }""")
        pg.click("#btn-play")
        until(pg, "() => !window.pyinitEmbed.snapshot().playing", 60)
        s = pg.evaluate("() => window.pyinitEmbed.snapshot()")
        assert (s["step"], s["lastStep"], s["stopReason"]) == (300, 300, "chapter"), s
        assert pg.inner_text("#embed-status") == "End of this chapter's run, step 300."
    finally:
        context.close()
