"""A link with its own settings opens as "Your setup" (issue 17, item 7): the figure's title and a block
at the top of the story say these are the link's settings, list what differs from the default, at
the link's step, with a way back to the chapters; the chapter list still works. A link whose settings
are a chapter's setup opens as that chapter."""

import pytest

from conftest import until, wait_for_status
from pyinit import content

CHAPTERS = [c["id"] for c in content.chapters()]


def title_of(cid):
    """The figure's title for a chapter: its number of all, and its title (English)."""
    return f"{CHAPTERS.index(cid) + 1}/{len(CHAPTERS)} · " + content.text("en")["chapters"][cid]["title"]


pytestmark = pytest.mark.browser

LINK = "dataset=circles&left_init=normal&left_scale=0.3&right_init=he&seed=7&step=40"


@pytest.fixture
def own(browser, server_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(f"uncaught: {e}"))
    pg.goto(f"{server_url}?sw=0#{LINK}")
    assert wait_for_status(pg) == "ready", pg.inner_text("#boot")
    until(pg, "() => { const s = window.pyinitLab.snapshot(); return s && s.step === 40; }", 120, "step 40")
    yield pg
    context.close()


def visible_in_viewport(pg, selector):
    return pg.evaluate(
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
        return r.height > 0 && r.top >= 0 && r.top < innerHeight; }""",
        selector,
    )


def test_the_title_and_the_text_say_your_setup_at_the_links_step(own):
    assert own.inner_text("#figure-title") == "Your setup"
    assert visible_in_viewport(own, "#own-setup")
    block = own.inner_text("#own-setup")
    assert "This link brings its own settings, shown from step 40" in block
    items = own.eval_on_selector_all("#own-setup li", "els => els.map((e) => e.textContent)")
    assert items == ["Dataset: Circles", "Seed: 7", "Left: normal σ = 0.3", "Right: He (Kaiming)"], items
    assert own.evaluate("() => window.pyinitLab.snapshot().step") == 40
    # no chapter is marked as the one the figure shows
    assert own.eval_on_selector_all(".chapter-step.active", "els => els.length") == 0
    assert not own.errors, own.errors


def test_back_to_the_chapters(own):
    own.click("#own-setup button")
    until(own, "() => window.pyinitLab.state().dataset === 'xor'", 30, "chapter 1's setup")
    assert own.inner_text("#figure-title") == title_of("simple")
    until(own, "() => document.getElementById('own-setup').hidden", 10)
    assert own.evaluate("() => window.pyinitLab.snapshot().chapterRun") is True


def test_the_chapter_list_still_works(own):
    own.click("#intro .story-toc a[data-chapter='3']")
    until(own, "() => window.pyinitLab.state().chapter === 'clones'", 30)
    until(own, "() => window.pyinitLab.state().left_init === 'constant'", 30)
    assert own.inner_text("#figure-title") == title_of("clones")
    assert own.evaluate("() => document.getElementById('own-setup').hidden")


def test_a_link_of_a_chapters_setup_opens_as_that_chapter(browser, server_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        pg = context.new_page()
        pg.goto(f"{server_url}?sw=0#chapter=stuck&activation=sigmoid&batch_size=10&step=20")
        until(
            pg,
            "() => { const s = window.pyinitLab && window.pyinitLab.snapshot(); return s && s.step === 20; }",
        )
        assert pg.inner_text("#figure-title") == title_of("stuck")
        assert pg.evaluate("() => document.getElementById('own-setup').hidden")
    finally:
        context.close()
