"""Screenshots of the page's first screen, for people to look at (docs/screenshots/, linked from the
README): what a new reader sees without scrolling, after the figure has played a few seconds.

    .venv/bin/python tools/screenshots.py [DIST] [--out docs/screenshots] [--seconds 4]

Builds nothing: DIST (default dist/, made by `python3 build.py`) is served on a free local port
(tools/server.py) and opened in the pinned headless Chromium (tools/pins.py), once per language
(en, pl: `?lang=pl`) and viewport (1400x900, 1280x720 and a 390x844 phone), each in a fresh browser
context (nothing cached, no language remembered). The page plays by itself once its figure is
seen; after SECONDS of play the viewport (never the full page) is saved as
<out>/<lang>-<w>x<h>.png. Prints each file with the step shown and whether Python was ready.
Exits non-zero if a page never drew its figure or reported an error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: tools/ is sys.path[0], the repository root is not
    sys.path.insert(0, str(ROOT))

from tools.pins import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tools.server import background_server  # noqa: E402

SIZES = [(1400, 900), (1280, 720), (390, 844)]
LANGS = ["en", "pl"]
DRAWN = """() => { const s = window.pyinitLab && window.pyinitLab.snapshot();
    const plots = [...document.querySelectorAll('#fig-panels .plot')];
    return !!s && plots.length > 0 && plots.every((el) => el.chartData); }"""


def shoot(
    browser, url: str, lang: str, size: tuple[int, int], out: Path, seconds: float
) -> tuple[Path, dict, list]:
    """One screenshot: (its path, what the page showed, console errors)."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, device_scale_factor=1)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
        page.goto(url + ("?lang=pl" if lang == "pl" else ""))
        page.wait_for_function(DRAWN, timeout=60_000)
        page.wait_for_timeout(int(seconds * 1000))
        shown = page.evaluate("""() => { const s = window.pyinitLab.snapshot();
            return { step: s.step, playing: s.playing, source: s.source, scrollY: window.scrollY,
                     status: document.documentElement.dataset.status }; }""")
        path = out / f"{lang}-{size[0]}x{size[1]}.png"
        page.screenshot(path=str(path), full_page=False)
        return path, shown, errors
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="tools/screenshots.py", description=__doc__.split("\n\n")[0])
    p.add_argument("dist", nargs="?", default=str(ROOT / "dist"), help="the built site (default: dist/)")
    p.add_argument(
        "--out",
        default=str(ROOT / "docs" / "screenshots"),
        help="folder for the PNGs (default: docs/screenshots/)",
    )
    p.add_argument(
        "--seconds", type=float, default=4.0, help="seconds of play before each screenshot (default 4)"
    )
    args = p.parse_args(argv)
    dist, out = Path(args.dist).resolve(), Path(args.out).resolve()
    if not (dist / "index.html").is_file():
        p.error(f"{dist} has no index.html: build it first (python3 build.py)")
    if not Path(CHROMIUM).exists():
        p.error(f"{CHROMIUM} is missing: python3 build.py test installs it")
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    failed = False
    with background_server(dist) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for lang in LANGS:
                for size in SIZES:
                    try:
                        path, shown, errors = shoot(browser, url, lang, size, out, args.seconds)
                    except Exception as e:  # one bad page should not hide the others
                        print(f"{lang} {size[0]}x{size[1]}: FAILED: {e}", file=sys.stderr)
                        failed = True
                        continue
                    python = "Python ready" if shown["status"] == "ready" else f"Python {shown['status']}"
                    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                    print(
                        f"{where}: step {shown['step']} "
                        f"({shown['source']}, {'playing' if shown['playing'] else 'paused'}), {python}"
                    )
                    if errors or shown["scrollY"]:
                        print(
                            f"  problems: scrollY {shown['scrollY']}, console errors {errors}",
                            file=sys.stderr,
                        )
                        failed = True
        finally:
            browser.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
