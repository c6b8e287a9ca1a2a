"""The story column of the explainer (index.html) in Chromium: the chapters of
pyinit/content/chapters.json in order, each setting the figure up when it becomes active (its
preset, its panels, its precomputed runs drawn at once, no Python needed), chapter links by id and
by the old numbers, scrolling, the keyboard, the language switch, every string translated, and an
accessibility audit (axe-core) of every chapter in both languages. (Replaces test_tour_page.py: the
tour's Next/Try-it buttons are gone; scrolling to a chapter is "try it".)

Most tests share one loaded page (`story`, module scope, Python live).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from conftest import (
    LOAD_TIMEOUT_MS,
    lab_snapshot,
    next_frames,
    pause_lab,
    poll,
    until,
    wait_for_status,
    wait_lab_drawn,
    wait_lab_live,
)
from pyinit import content
from pyinit.settings import page_state

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LN2 = math.log(2)
CHAPTERS = content.load("chapters.json")["chapters"]
IDS = [c["id"] for c in CHAPTERS]
N = len(CHAPTERS)
TEXT = {lang: content.load(f"text/{lang}.json")["chapters"] for lang in ("en", "pl")}
HIDDEN_ONLY = {"symmetry", "units"}  # panels that apply only to a net with a hidden layer
snapshot = lab_snapshot


# ------------------------------------------------------------------------------------ helpers
def chapter_no(cid):
    return IDS.index(cid) + 1


def run_settings(cid):
    """A chapter's full run settings (the page's defaults with its preset), as the page holds them."""
    return json.loads(json.dumps(page_state.run_settings(CHAPTERS[IDS.index(cid)]["preset"])))


def go(pg, cid):
    """Activate chapter `cid` the way scrolling does (the page's hook scrolls there at once) and wait
    until the figure shows that chapter's runs."""
    pg.evaluate("() => { const s = window.pyinitLab.snapshot(); window.__storyMeta = s && s.meta; }")
    same = pg.evaluate(
        "(want) => JSON.stringify(window.pyinitLab.settings()) === JSON.stringify(want)", run_settings(cid)
    )
    pg.evaluate("(id) => window.pyinitLab.chapter(id)", cid)
    pg.wait_for_function(
        """([id, same]) => { const s = window.pyinitLab.snapshot();
        return s && s.chapter === id && (same || s.meta !== window.__storyMeta); }""",
        arg=[cid, same],
        timeout=30_000,
    )
    assert pg.evaluate("() => window.pyinitLab.settings()") == run_settings(cid)


def active_section(pg):
    return pg.evaluate("""() => { const a = [...document.querySelectorAll('#story .chapter-step.active')];
        return a.map((s) => { const r = s.getBoundingClientRect(); return {id: s.dataset.id, top: r.top, bottom: r.bottom}; }); }""")


def axe(pg, selector=None):
    """Serious and critical axe-core violations in the document or in one part of it."""
    result = pg.evaluate(
        """(sel) => window.axe.run(sel ? document.querySelector(sel) : document,
        {resultTypes: ['violations']}).then((r) => r.violations.map((v) => ({id: v.id, impact: v.impact,
        help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' '))})))""",
        selector,
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def wait_view(pg, n, timeout=120_000):
    """Wait for chapter n's experiment (its view) to show its numbers."""
    sel = f"#chapter-{n}-view"
    pg.wait_for_function(
        "(sel) => ['done', 'error'].includes(document.querySelector(sel).dataset.status)",
        arg=sel,
        timeout=timeout,
    )
    assert pg.evaluate("(sel) => document.querySelector(sel).dataset.status", sel) == "done", pg.inner_text(
        sel
    )


def new_page(browser, size=(1280, 900), hold_python=False, **kw):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, **kw)
    pg = context.new_page()
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(f"uncaught: {e}"))
    if hold_python:  # the runtime's download never finishes: the page stays on its precomputed runs
        pg.route("**/pyodide.asm.wasm", lambda route: None)
    return context, pg


@pytest.fixture(scope="module")
def story(browser, server_url):
    assert AXE.exists(), "npm ci installs axe-core (pinned in package.json)"
    context, pg = new_page(browser)
    context.add_init_script(path=str(AXE))  # test tooling: runs before the page, outside its CSP
    pg.goto(server_url)
    assert wait_for_status(pg) == "ready", pg.inner_text("#boot")
    wait_lab_live(pg)
    pause_lab(pg)
    load_views(pg)
    yield pg
    context.close()


def load_views(pg):
    """Bring every chapter's experiment on screen once, so that it is drawn (from the build's data):
    later jumps between chapters then move nothing (the tests on growing content check that anyway)."""
    for n, ch in enumerate(CHAPTERS, 1):
        if ch.get("view"):
            pg.evaluate("(n) => document.getElementById(`chapter-${n}-view`).scrollIntoView()", n)
            if ch["view"]["kind"] != "reproduce":  # that one runs on request
                wait_view(pg, n)
    pg.evaluate("() => window.pyinitLab.chapter('simple')")
    pg.wait_for_function("() => window.pyinitLab.snapshot().chapter === 'simple'")
    pause_lab(pg)


# ------------------------------------------------------------------------------------ the chapters
def test_sections_and_contents_follow_chapters_json(story):
    sections = story.evaluate(
        "() => [...document.querySelectorAll('#story .chapter-step')].map((s) => [s.id, s.dataset.id])"
    )
    assert sections == [[f"chapter-{n}", cid] for n, cid in enumerate(IDS, 1)]
    titles = story.eval_on_selector_all("#story .chapter-step h2", "els => els.map((e) => e.textContent)")
    assert titles == [TEXT["en"][cid]["title"] for cid in IDS]
    toc = story.eval_on_selector_all(
        ".story-toc a", "els => els.map((a) => [a.textContent, a.getAttribute('href')])"
    )
    assert [t for t, _ in toc] == titles
    # every link of the contents, read as the page reads a link (its own schema), names its chapter
    resolved = story.evaluate(
        """async (hrefs) => {
        const { loadSchema } = await import(new URL('js/app/schema.js', location.href));
        const chapters = (await (await fetch('data/content/chapters.json')).json()).chapters;
        const schema = await loadSchema(undefined, { chapters });
        return hrefs.map((h) => schema.deserialize(h).values.chapter); }""",
        [h for _, h in toc],
    )
    assert resolved == IDS
    # the old numbered links still find their chapters
    legacy = {str(c["legacy"]): c["id"] for c in CHAPTERS if c.get("legacy")}
    assert len(legacy) == 8
    resolved = story.evaluate(
        """async (numbers) => {
        const { loadSchema } = await import(new URL('js/app/schema.js', location.href));
        const chapters = (await (await fetch('data/content/chapters.json')).json()).chapters;
        const schema = await loadSchema(undefined, { chapters });
        return numbers.map((n) => schema.deserialize('chapter=' + n).values.chapter); }""",
        list(legacy),
    )
    assert resolved == list(legacy.values())


def test_every_chapter_is_drawn_at_once_from_its_precomputed_runs(browser, server_url):
    """Without Python (its runtime never arrives) every chapter sets the figure up: its settings,
    its 2-4 panels (those that apply), its runs precomputed at build time, every chart with data at
    step 0 (reduced motion: nothing plays by itself). And what the first chapters claim is there."""
    context, pg = new_page(browser, hold_python=True, reduced_motion="reduce")
    index = {
        c["id"]: c
        for c in json.loads(pg.request.get(server_url + "data/chapters/index.json").text())["chapters"]
    }
    try:
        pg.goto(server_url)
        pg.wait_for_function("() => window.pyinitLab && window.pyinitLab.snapshot()", timeout=LOAD_TIMEOUT_MS)
        times = {}
        for n, ch in enumerate(CHAPTERS, 1):
            cid = ch["id"]
            t0 = pg.evaluate("() => performance.now()")
            go(pg, cid)
            wait_lab_drawn(pg)
            times[cid] = pg.evaluate("() => performance.now()") - t0
            s = snapshot(pg)
            assert s["source"] == "precomputed" and s["phase"] == "precomputed", (cid, s["source"])
            assert s["step"] == 0 and not s["playing"], cid
            assert s["lastStep"] == index[cid]["steps"] == ch["steps"], cid
            hidden = len(s["meta"]["sizes"]) > 2
            want = [p for p in ch["panels"] if hidden or p not in HIDDEN_ONLY]
            assert pg.evaluate("() => document.getElementById('fig-panels').dataset.panels") == ",".join(
                want
            ), cid
            empty = pg.evaluate(
                """() => [...document.querySelectorAll('#fig-panels .plot')].filter((el) => !el.chartData).map((el) => el.id)"""
            )
            assert not empty, (cid, empty)
            assert pg.inner_text("#figure-title") == f"{n}/{N} · {TEXT['en'][cid]['title']}"
            (sec,) = active_section(pg)
            assert sec["id"] == cid and -2 <= sec["top"] < 900, (cid, sec)
            check_claims(pg, cid)
        assert max(times.values()) < 3000, times
        assert pg.evaluate("() => document.documentElement.dataset.status") == "loading"
        assert not pg.errors, pg.errors
    finally:
        context.close()


def check_claims(pg, cid):
    """What a chapter's text says its runs show, read from its precomputed runs (float32 records)."""

    def at(step):
        assert pg.evaluate("(s) => window.pyinitLab.goTo(s)", step)
        return snapshot(pg)

    if cid == "simple":
        left, right = at(30)["runs"]
        assert not any(left["theta"]) and not any(left["grad"])  # zeros: frozen, exactly
        assert left["loss"] == pytest.approx(LN2, abs=1e-6)
        assert right["loss"] < LN2 - 0.01  # Xavier learns
    elif cid == "additive":
        s = at(30)
        assert s["meta"]["sizes"] == [2, 1]
        left, right = s["runs"]
        assert any(left["theta"])  # no hidden layer: zeros learn
        assert left["loss"] < 0.5 and right["loss"] < 0.5
        assert left["caption"] == "no hidden layer: logistic regression"
    elif cid == "clones":
        left, right = at(30)["runs"]
        W1 = np.array(left["theta"][:8]).reshape(4, 2)  # one row per unit
        assert np.all(W1 == W1[0]) and np.abs(W1 - 0.5).max() > 0  # moved, and still clones
        assert left["caption"] == "layer 1: 4 units, 1 distinct"
        assert right["caption"] == "layer 1: 4 units, 4 distinct"
    elif cid == "stuck":
        left, _ = at(40)["runs"]
        W1 = np.array(left["theta"][:8]).reshape(4, 2)
        assert np.abs(W1).max() > 0 and np.all(W1 == W1[0]), "sigmoid from zeros: moves, stays symmetric"
    if cid in ("simple", "additive", "clones", "stuck"):
        at(0)


def test_scrolling_to_a_chapter_sets_the_figure_up(story):
    """The reader scrolls (mouse wheel): the chapter under the reading line becomes active, and the
    figure shows its preset's runs, from step 0, with its panels."""
    go(story, "simple")
    pause_lab(story)
    target = story.evaluate("""() => { const s = document.getElementById('chapter-3').getBoundingClientRect();
        return s.top + 0.2 * s.height - 0.42 * innerHeight; }""")
    story.mouse.move(640, 450)
    story.mouse.wheel(0, target)
    story.wait_for_function("() => window.pyinitLab.snapshot().chapter === 'clones'", timeout=10_000)
    story.wait_for_function("() => window.pyinitLab.settings().left_init === 'constant'")
    assert story.evaluate("() => window.pyinitLab.settings()") == run_settings("clones")
    assert (
        story.evaluate("() => document.getElementById('fig-panels').dataset.panels")
        == "network,traj,symmetry"
    )
    (sec,) = active_section(story)
    assert sec["id"] == "clones"
    story.wait_for_function(
        "(t) => document.getElementById('figure-title').textContent === t",
        arg=f"3/{N} · {TEXT['en']['clones']['title']}",
    )
    s = snapshot(story)
    assert s["step"] <= 200, "the chapter's runs start again from step 0"
    assert s["runs"][0]["caption"] == "layer 1: 4 units, 1 distinct"
    story.wait_for_function(
        "() => !document.getElementById('sr-announce') || document.getElementById('sr-announce').textContent.includes('Clones')"
    )
    pause_lab(story)


def test_chapter_links_by_id_and_by_old_number(browser, server_url):
    """A link opens the page at its chapter: the chapter active and in view, the figure set up by
    its preset; the old numbered links (chapter=3, ...) still work; ?query works like #hash and
    the hash wins (the page writes the hash)."""
    cases = [
        ("#chapter=clones", "clones", "en"),
        ("#chapter=3", "clones", "en"),
        ("#chapter=5", "noise", "en"),
        ("?chapter=restarts&lang=pl", "restarts", "pl"),
        ("?lang=pl&chapter=3#lang=en&chapter=noise", "noise", "en"),
    ]
    context, pg = new_page(browser, hold_python=True)
    try:
        for link, cid, lang in cases:
            pg.goto("about:blank")  # a new document each time
            pg.goto(server_url + link)
            pg.wait_for_function(
                "() => window.pyinitLab && window.pyinitLab.snapshot()", timeout=LOAD_TIMEOUT_MS
            )
            s = snapshot(pg)
            assert s["chapter"] == cid, link
            assert pg.evaluate("() => window.pyinitLab.settings()") == run_settings(cid), link
            assert pg.evaluate("() => document.documentElement.lang") == lang, link
            assert pg.inner_text("#figure-title") == f"{chapter_no(cid)}/{N} · {TEXT[lang][cid]['title']}", (
                link
            )
            pg.wait_for_function(
                "(id) => document.querySelector('#story .chapter-step.active').dataset.id === id", arg=cid
            )
            (sec,) = active_section(pg)
            assert -2 <= sec["top"] <= 0.5 * 900, (link, sec)  # scrolled to it
            assert pg.get_attribute(f"#chapter-{chapter_no(cid)}", "class").split().count("active") == 1
        assert not pg.errors, pg.errors
    finally:
        context.close()


def test_a_chapter_link_pasted_into_the_open_page_sets_that_chapter_up(browser, server_url):
    """A #chapter= link pasted into the open page (a hashchange, not a load) sets that chapter up
    as a loaded link does: its preset, and the story scrolled to it."""
    context, pg = new_page(browser, hold_python=True)
    try:
        pg.goto(server_url)
        pg.wait_for_function("() => window.pyinitLab && window.pyinitLab.snapshot()", timeout=LOAD_TIMEOUT_MS)
        pg.evaluate("() => window.pyinitLab.idle()")
        pg.evaluate("() => { location.hash = 'chapter=clones'; }")  # same document: a hashchange
        pg.wait_for_function("() => window.pyinitLab.state().chapter === 'clones'", timeout=5_000)
        poll(
            lambda: pg.evaluate("() => window.pyinitLab.settings()") == run_settings("clones"), what="preset"
        )
        until(pg, "() => document.querySelector('#story .chapter-step.active').dataset.id === 'clones'")
        next_frames(pg)
        (sec,) = active_section(pg)
        assert sec["id"] == "clones" and -2 <= sec["top"] <= 450, sec
    finally:
        context.close()


def view_above(cid):
    """The number of the nearest chapter before `cid` that has an experiment (a view)."""
    return max(n for n, ch in enumerate(CHAPTERS[: IDS.index(cid)], 1) if ch.get("view"))


def test_a_linked_chapter_stays_in_place_while_the_experiment_above_loads(browser, server_url):
    """A link to a chapter right after an experiment opens there; that experiment is drawn once it
    comes near the screen (hundreds of pixels), and the chapter stays where the reader is."""
    target = IDS[max(i for i in range(1, N) if CHAPTERS[i - 1].get("view"))]  # the last such chapter
    context, pg = new_page(browser, hold_python=True)
    try:
        pg.goto(server_url + f"#chapter={target}")
        pg.wait_for_function("() => window.pyinitLab && window.pyinitLab.snapshot()", timeout=LOAD_TIMEOUT_MS)
        pg.wait_for_function(
            "(n) => document.getElementById(`chapter-${n}-view`).dataset.status === 'done'",
            arg=view_above(target),
            timeout=60_000,
        )
        next_frames(pg)
        (sec,) = active_section(pg)
        assert sec["id"] == target and abs(sec["top"]) <= 50, sec
    finally:
        context.close()


def test_a_chapter_jumped_to_stays_active_while_the_experiment_above_loads(browser, server_url):
    """With Python live, a jump to a chapter (as a contents link makes) is not undone when the
    experiment of a chapter above is drawn: the chapter stays in place and active."""
    context, pg = new_page(browser)
    try:
        pg.goto(server_url)
        assert wait_for_status(pg) == "ready"
        wait_lab_live(pg)
        pg.evaluate("() => window.pyinitLab.chapter('simple')")
        until(pg, "() => window.pyinitLab.state().chapter === 'simple'")
        pg.evaluate("() => window.pyinitLab.idle()")
        n = chapter_no("noise")
        pg.evaluate("() => window.pyinitLab.chapter('noise')")
        pg.wait_for_function(
            "(n) => document.getElementById(`chapter-${n}-view`).dataset.status === 'done'",
            arg=view_above("noise"),
            timeout=60_000,
        )
        next_frames(pg)
        assert pg.evaluate("() => window.pyinitLab.state().chapter") == "noise"
        (sec,) = active_section(pg)
        assert sec["id"] == "noise" and abs(sec["top"]) <= 50, sec
    finally:
        context.close()


# ------------------------------------------------------------------------------------ keyboard
def test_keyboard_only_reading(browser, server_url):
    """Skip link, the contents, a chapter's replay button, Space for Play/Pause and the language
    switch, all from the keyboard; the focus is visible and follows the chapter. (No Python needed:
    the chapters' precomputed runs; reduced motion: nothing plays unless asked.)"""
    context, pg = new_page(browser, hold_python=True, reduced_motion="reduce")

    def tab_to(selector, limit=120):
        for _ in range(limit):
            pg.keyboard.press("Tab")
            if pg.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    try:
        pg.goto(server_url)
        pg.wait_for_function("() => window.pyinitLab && window.pyinitLab.snapshot()", timeout=LOAD_TIMEOUT_MS)
        tab_to("a.skip-link[href='#story']", limit=1)  # the first stop
        pg.keyboard.press("Enter")
        tab_to(".story-toc a[data-chapter='3']")
        outline = pg.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("none", ""), outline
        pg.keyboard.press("Enter")
        pg.wait_for_function("() => window.pyinitLab.snapshot().chapter === 'clones'")
        assert pg.evaluate("() => document.activeElement.id") == "chapter-3", "focus moves to the chapter"
        pg.wait_for_function(
            "() => window.pyinitLab.snapshot().meta.members[0].init.startsWith('constant')"
        )  # its runs
        tab_to(".replay[data-chapter='3']")
        pg.evaluate("(s) => window.pyinitLab.goTo(s)", 100)
        assert lab_snapshot(pg)["step"] == 100
        pg.keyboard.press("Enter")  # replay: from step 0 again
        pg.wait_for_function("() => window.pyinitLab.snapshot().step === 0", timeout=10_000)
        pg.evaluate("() => document.activeElement.blur()")
        pg.keyboard.press("Space")  # Space anywhere: Play / Pause
        pg.wait_for_function("() => window.pyinitLab.snapshot().step > 10")
        pg.keyboard.press("Space")
        pg.wait_for_function("() => !window.pyinitLab.snapshot().playing")
        pg.evaluate("() => { window.scrollTo(0, 0); document.querySelector('a.skip-link').focus(); }")
        tab_to(".lang-switch button[data-lang=pl]")
        pg.keyboard.press("Enter")
        pg.wait_for_function("() => document.documentElement.lang === 'pl'")
        assert pg.inner_text("#btn-play") == "Start"
        focused = "() => document.activeElement && document.activeElement.dataset.lang"
        assert pg.evaluate(focused) == "pl", "the focus stays on the language switch"
        pg.keyboard.press("Shift+Tab")
        assert pg.evaluate(focused) == "en"
        pg.keyboard.press("Enter")
        pg.wait_for_function("() => document.documentElement.lang === 'en'")
        assert pg.evaluate(focused) == "en"
        assert not pg.errors, pg.errors
    finally:
        context.close()


# ------------------------------------------------------------------------------------ languages
def test_language_switch_keeps_the_runs_and_is_remembered(story, server_url):
    go(story, "noise")
    pause_lab(story)
    story.evaluate("() => window.pyinitLab.goTo(40)")
    wait_lab_drawn(story)
    before = snapshot(story)
    state_before = story.evaluate("() => window.pyinitLab.state()")
    story.click(".lang-switch button[data-lang=pl]")
    story.wait_for_function("() => document.documentElement.lang === 'pl'")
    wait_lab_drawn(story)
    after = snapshot(story)
    assert after["step"] == before["step"] == 40
    assert (
        after["runs"][0]["theta"] == before["runs"][0]["theta"]
        and after["runs"][1]["theta"] == before["runs"][1]["theta"]
    )
    state_after = story.evaluate("() => window.pyinitLab.state()")
    assert {k: v for k, v in state_after.items() if k != "lang"} == {
        k: v for k, v in state_before.items() if k != "lang"
    }
    n = chapter_no("noise")
    assert story.inner_text(f"#chapter-{n}-title") == TEXT["pl"]["noise"]["title"]
    assert story.inner_text("#figure-title") == f"{n}/{N} · {TEXT['pl']['noise']['title']}"
    assert story.inner_text("#btn-reset") == "↺Od nowa" or story.inner_text("#btn-reset").endswith("Od nowa")
    stat = story.inner_text("#fig-panels .run[data-side=left] .run-stat")
    assert re.fullmatch(r"strata 0,\d+, trafność \d+,\d\s?%", stat), stat  # Polish decimal commas
    assert "|w| = " in story.inner_text("#edge-legend") and "Krawędzie" in story.inner_text("#edge-legend")
    story.wait_for_function("() => location.hash.includes('lang=pl')")
    assert story.evaluate("() => localStorage.getItem('pyinit.lang')") == "pl"
    # remembered: a link without lang opens in Polish in the same browser
    other = story.context.new_page()
    try:
        other.route("**/pyodide.asm.wasm", lambda route: None)
        other.goto(server_url + "#chapter=additive")
        other.wait_for_function(
            "() => window.pyinitLab && window.pyinitLab.snapshot()", timeout=LOAD_TIMEOUT_MS
        )
        assert other.evaluate("() => document.documentElement.lang") == "pl"
        assert other.inner_text(f"#chapter-{chapter_no('additive')}-title") == TEXT["pl"]["additive"]["title"]
    finally:
        other.close()
    story.click(".lang-switch button[data-lang=en]")
    story.wait_for_function("() => document.documentElement.lang === 'en'")
    assert story.inner_text(f"#chapter-{n}-title") == TEXT["en"]["noise"]["title"]
    assert snapshot(story)["step"] == 40


def test_every_chapter_translated_and_its_figure_accessible(story):
    """Every chapter set up in turn (English): axe-core finds no serious or critical violation in
    the figure it sets up. Then in Polish: every chapter's title, no missing string (no "[key]"
    anywhere), and every string the page has used (all chapters, all panels) exists in Polish."""
    pause_lab(story)
    problems = {}
    for n, ch in enumerate(CHAPTERS, 1):
        go(story, ch["id"])
        pause_lab(story)
        wait_lab_drawn(story)
        assert story.inner_text(f"#chapter-{n}-title") == TEXT["en"][ch["id"]]["title"]
        bad = axe(story, "#figure")
        if bad:
            problems[ch["id"]] = bad
    assert not problems, problems
    for lang in ("en", "pl"):
        if story.evaluate("() => document.documentElement.lang") != lang:
            story.click(f".lang-switch button[data-lang={lang}]")
            story.wait_for_function("(l) => document.documentElement.lang === l", arg=lang)
            wait_lab_drawn(story)
        titles = story.eval_on_selector_all("#story .chapter-step h2", "els => els.map((e) => e.textContent)")
        assert titles == [TEXT[lang][cid]["title"] for cid in IDS], lang
        text = story.inner_text("body")
        assert not re.findall(r"\[[a-z]+\.[A-Za-z0-9_.]+\]", text), lang
    keys = story.evaluate("""async () => {
        const i18n = await import(new URL('js/platform/i18n.js', location.href));
        const pl = (await (await fetch('data/content/text/pl.json')).json()).ui;
        return { missing: i18n.missingKeys(), notPolish: i18n.usedKeys().filter((k) => !(k in pl)) }; }""")
    assert keys == {"missing": [], "notPolish": []}
    story.click(".lang-switch button[data-lang=en]")
    story.wait_for_function("() => document.documentElement.lang === 'en'")


def test_the_whole_page_passes_axe_in_both_languages(story):
    """The whole page, every chapter's experiment drawn, in English and in Polish."""
    pause_lab(story)
    problems = {}
    for lang in ("en", "pl"):
        if story.evaluate("() => document.documentElement.lang") != lang:
            story.click(f".lang-switch button[data-lang={lang}]")
            story.wait_for_function("(l) => document.documentElement.lang === l", arg=lang)
        bad = axe(story)
        if bad:
            problems[lang] = bad
    story.click(".lang-switch button[data-lang=en]")
    story.wait_for_function("() => document.documentElement.lang === 'en'")
    assert not problems, problems
