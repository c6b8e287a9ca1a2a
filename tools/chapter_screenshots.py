"""One first-viewport screenshot per chapter and size, for people to look at (docs/screenshots/chapters/,
linked from the README): every chapter of the tour in English at 1280x720 and on a 390x844 phone, each
shown at the step its text means (the end of its run, ``steps`` in chapters.json), paused.

    .venv/bin/python tools/chapter_screenshots.py [DIST] [--out docs/screenshots/chapters]
    python3 build.py screenshots          (builds dist/ first)

One page load per size (the chapters are opened in it in turn, as a reader scrolls to them: the lab
hook's chapter(id)); each chapter's runs are the build's precomputed ones, shown at their last step.
Writes <out>/<NN>-<id>-<w>x<h>.png and prints each file with the step shown. Exits non-zero when a
chapter's figure did not show its last step or the page reported an error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: tools/ is sys.path[0], the repository root is not
    sys.path.insert(0, str(ROOT))

from tools.pins import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tools.server import background_server  # noqa: E402

SIZES = [(1280, 720), (390, 844)]
CHAPTERS = ROOT / "pyinit" / "content" / "chapters.json"

# the shown chapter's run at its end, every chart drawn: (chapter, step, end) or null
AT_END = """(id) => { const h = window.pyinitLab, s = h && h.snapshot();
    if (!s || s.chapter !== id || !s.chapterRun || s.playing) return null;
    return h.drawnAll() ? [s.chapter, s.step, s.lastStep] : null; }"""


def chapters() -> list[dict]:
    return json.loads(CHAPTERS.read_text(encoding="utf-8"))["chapters"]


def until(page, script: str, arg=None, timeout_s: float = 60.0):
    """Poll ``script`` (the page's CSP forbids string eval, so no wait_for_function) until truthy."""
    end = time.monotonic() + timeout_s
    while True:
        value = page.evaluate(script, arg)
        if value:
            return value
        if time.monotonic() > end:
            raise TimeoutError(f"{script[:60]}... never held")
        page.wait_for_timeout(100)


def show_chapter_end(page, chapter: dict) -> dict:
    """Open ``chapter`` (as a reader scrolls to it), wait for its own runs (a new source: another
    serial), pause them at the last step, wait until every chart shows it."""
    cid, n = chapter["id"], chapter["steps"]
    before = page.evaluate(
        "() => { const s = window.pyinitLab.snapshot(); return s && [s.serial, s.chapter]; }"
    )
    page.evaluate("(id) => window.pyinitLab.chapter(id)", cid)
    # the chapter's own runs: another source than before (unless it was shown already), its end step
    mine = """([id, n, before]) => { const s = window.pyinitLab.snapshot();
        const fresh = !before || s.serial !== before[0] || before[1] === id;
        return s && s.chapter === id && s.chapterRun && fresh && s.end === n; }"""
    until(page, mine, [cid, n, before])
    until(page, "(n) => { const s = window.pyinitLab.snapshot(); return s && s.lastStep >= n; }", n)
    page.evaluate("async (n) => { await window.pyinitLab.goTo(n); }", n)
    shown = until(page, AT_END, cid)
    return {"chapter": shown[0], "step": shown[1], "last": shown[2]}


def open_page(browser, url: str, size: tuple[int, int]):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, device_scale_factor=1)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(f"uncaught: {e}"))
    page.goto(url + "?lang=en")
    until(page, "() => !!(window.pyinitLab && window.pyinitLab.snapshot())")
    return context, page


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="tools/chapter_screenshots.py", description=__doc__.split("\n\n")[0])
    p.add_argument("dist", nargs="?", default=str(ROOT / "dist"), help="the built site (default: dist/)")
    p.add_argument(
        "--out", default=str(ROOT / "docs" / "screenshots" / "chapters"), help="folder for the PNGs"
    )
    p.add_argument("--only", default="", help="comma-separated chapter ids (default: all)")
    args = p.parse_args(argv)
    dist, out = Path(args.dist).resolve(), Path(args.out).resolve()
    if not (dist / "index.html").is_file():
        p.error(f"{dist} has no index.html: build it first (python3 build.py)")
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    only = {c for c in args.only.split(",") if c}
    failed = False
    with background_server(dist) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for size in SIZES:
                context, page = open_page(browser, url, size)
                try:
                    for no, chapter in enumerate(chapters(), 1):
                        if only and chapter["id"] not in only:
                            continue
                        try:
                            shown = show_chapter_end(page, chapter)
                        except Exception as e:  # one bad chapter should not hide the others
                            print(f"{chapter['id']} {size[0]}x{size[1]}: FAILED: {e}", file=sys.stderr)
                            failed = True
                            continue
                        path = out / f"{no:02d}-{chapter['id']}-{size[0]}x{size[1]}.png"
                        page.screenshot(path=str(path), full_page=False)
                        where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                        print(f"{where}: step {shown['step']} of {chapter['steps']}")
                        if shown["step"] != chapter["steps"]:
                            failed = True
                    if page.errors:
                        print(f"{size}: console errors {page.errors}", file=sys.stderr)
                        failed = True
                finally:
                    context.close()
        finally:
            browser.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
