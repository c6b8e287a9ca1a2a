"""Polish, complete: with the page in Polish, no string of the English catalog shows anywhere -- not
in any chapter's text or experiment, the figure, the lab's panels and settings, the code panel (with
Python's own error under a Polish lead sentence), a notice, the boot line, labels for screen readers
(aria-label, title, live regions) -- also after switching the language back and forth while Python is
live. And every chapter's formula is typeset (KaTeX), with no TeX or θ_j left on the page."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from conftest import LOAD_TIMEOUT_MS, pause_lab, until, wait_for_status, wait_lab_drawn, wait_lab_live

ROOT = Path(__file__).resolve().parents[2]
TEXT = {
    lang: json.loads((ROOT / "pyinit/content/text" / f"{lang}.json").read_text()) for lang in ("en", "pl")
}
CHAPTERS = json.loads((ROOT / "pyinit/content/chapters.json").read_text())["chapters"]


def english_fragments():
    """Pieces of English the Polish page must not show: every UI template whose Polish differs, split
    at its {placeholders}, and the chapters' English titles and takeaways; only pieces long enough to
    mean something (2 words or 10 characters: "Copy link") and that the Polish texts do not contain."""
    en, pl = TEXT["en"], TEXT["pl"]
    polish = json.dumps(pl, ensure_ascii=False)
    pieces = set()
    for key, value in en["ui"].items():
        if pl["ui"].get(key) == value:
            continue
        for piece in re.split(r"\{\w+\}", value):
            piece = piece.strip(" .,:;()–—·")
            if re.search(r"[A-Za-z]{3}", piece) and (len(piece.split()) >= 2 or len(piece) >= 10):
                pieces.add(piece)
    for ch in en["chapters"].values():
        pieces.update((ch["title"], ch["takeaway"][:60]))
    return sorted(p for p in pieces if p not in polish)


SHOWN = """() => {
  const out = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll('[aria-label],[title],[placeholder],[alt],[aria-valuetext]'))
    for (const a of ['aria-label', 'title', 'placeholder', 'alt', 'aria-valuetext'])
      if (el.hasAttribute(a)) out.push(el.getAttribute(a));
  for (const el of document.querySelectorAll('[aria-live], [role=status], .visually-hidden, svg text'))
    out.push(el.textContent);
  return out.join('\\n');
}"""


def english_in(text):
    return [p for p in english_fragments() if p in text]


def open_all_details(pg):
    pg.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")


def code_b64(source):
    return base64.urlsafe_b64encode(source.encode()).decode().rstrip("=")


@pytest.fixture(scope="module")
def polish(browser, server_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.goto(server_url + "#lang=pl")
    assert wait_for_status(pg) == "ready", pg.inner_text("#boot")
    wait_lab_live(pg)
    pause_lab(pg)
    yield pg
    context.close()


def test_the_fragments_catch_english(polish):
    """The check itself: the English page shows many of them, so finding none in Polish means something."""
    assert len(english_fragments()) > 200
    other = polish.context.new_page()
    try:
        other.route("**/pyodide.asm.wasm", lambda route: None)
        other.goto(polish.url.split("#")[0] + "#lang=en")
        until(other, "() => window.pyinitLab && window.pyinitLab.snapshot()", LOAD_TIMEOUT_MS / 1000)
        assert len(english_in(other.evaluate(SHOWN))) > 20
    finally:
        other.close()


def test_every_chapter_in_polish_shows_no_english(polish):
    """Every chapter set up in turn, its experiment drawn, the lab's settings open: no English."""
    found = {}
    for n, ch in enumerate(CHAPTERS, 1):
        polish.evaluate("(id) => window.pyinitLab.chapter(id)", ch["id"])
        until(polish, f"() => window.pyinitLab.snapshot().chapter === {json.dumps(ch['id'])}", 30)
        pause_lab(polish)
        wait_lab_drawn(polish)
        if ch.get("view") and ch["view"]["kind"] != "reproduce":
            polish.evaluate("(n) => document.getElementById(`chapter-${n}-view`).scrollIntoView()", n)
            until(polish, f"() => document.getElementById('chapter-{n}-view').dataset.status === 'done'", 120)
        open_all_details(polish)
        bad = english_in(polish.evaluate(SHOWN))
        if bad:
            found[ch["id"]] = bad
    assert not found, found


def test_formulas_are_typeset_and_no_subscript_underscores(polish):
    """Each chapter's formula: one KaTeX rendering per TeX part, drawn (width > 0), in KaTeX's font."""
    parts = polish.evaluate("""() => [...document.querySelectorAll('#story .chapter-step')].map((s) =>
        [...s.querySelectorAll('.formula-part')].map((p) => ({
          katex: !!p.querySelector('.katex-html'), width: p.querySelector('.katex-html')?.getBoundingClientRect().width ?? 0,
          text: p.querySelector('.katex-html')?.innerText ?? p.textContent })))""")
    assert [len(p) for p in parts] == [len(TEXT["pl"]["chapters"][c["id"]]["formula"]) for c in CHAPTERS]
    for chapter, ps in zip(CHAPTERS, parts):
        for p in ps:
            assert p["katex"] and p["width"] > 20, (chapter["id"], p["text"])
            assert "\\" not in p["text"], (chapter["id"], p["text"])  # no raw TeX shown
    assert until(
        polish,
        "() => document.fonts.check('16px KaTeX_Main') && document.fonts.check('italic 16px KaTeX_Math')",
        20,
    )
    story = polish.inner_text("#story")
    assert not re.search(r"(?<![\w\\])([A-Za-zθδσεηλμβα]|max)_(\{|[0-9jk]\b)", story)


def test_code_panel_error_and_notice_in_polish(polish, server_url):
    """The code panel (chapter yourself): a Python error under a Polish lead sentence; a bad setting in
    a link: a Polish notice. No English around them."""
    other = polish.context.new_page()
    try:
        code = code_b64("def init(fan_in, fan_out, rng):\n    return 1 / 0\n")
        other.goto(server_url + f"#lang=pl&chapter=yourself&left_init=python&code={code}&lr=abc")
        assert wait_for_status(other) == "ready"
        until(other, "() => document.querySelector('.code-cell[data-side=left] .code-run:not([hidden])')", 60)
        other.click(".code-cell[data-side=left] .code-run")
        msg = until(
            other,
            "() => document.querySelector('.code-cell[data-side=left] .code-editor-error')?.textContent",
            60,
        )
        lead = TEXT["pl"]["ui"]["code.pythonSays"].split("{message}")[0]
        assert lead in msg and "ZeroDivisionError" in msg, msg
        open_all_details(other)
        shown = other.evaluate(SHOWN)
        assert "lr" in shown and not english_in(shown), english_in(shown)
    finally:
        other.close()


def test_switching_to_polish_leaves_no_english_behind(browser, server_url):
    """Opened in English on chapter yourself (its code editor made in English), a step taken, the link
    copied; then switched to Polish while Python is live: the boot line says Python is ready in Polish
    (not 'Wczytuję…'), and the copy-link box, the code editor's label and the step announcement are
    Polish -- and no English shows anywhere."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    try:
        pg.goto(server_url + "#lang=en&chapter=yourself")
        assert wait_for_status(pg) == "ready", pg.inner_text("#boot")
        wait_lab_live(pg)
        pause_lab(pg)
        until(pg, "() => document.querySelector('.code-cell[data-side=left] .cm-content')", 60, "the editor")
        pg.click("#btn-step")
        until(pg, "() => document.getElementById('lab-announce').textContent.startsWith('Step')", 30)
        pg.click("#btn-copy-link")
        # (a busy machine may have restarted Python meanwhile: its new start must finish first)
        until(pg, "() => document.getElementById('boot').classList.contains('boot-done')", 120, "Python")
        pg.click(".lang-switch button[data-lang=pl]")
        until(pg, "() => document.documentElement.lang === 'pl'", 20)
        wait_lab_drawn(pg)
        ui = TEXT["pl"]["ui"]
        assert pg.inner_text("#boot-message").startswith(ui["boot.ready"]), pg.inner_text("#boot-message")
        assert pg.get_attribute("#share-text", "aria-label") == ui["share.copyLink"]
        label = pg.get_attribute(".code-cell[data-side=left] .cm-content", "aria-label")
        assert label.startswith(ui["code.label"].split("{side}")[0]), label
        announce = pg.text_content("#lab-announce")
        assert announce.startswith(ui["announce.step"].split("{step}")[0]), announce
        open_all_details(pg)
        assert not english_in(pg.evaluate(SHOWN))
    finally:
        context.close()
