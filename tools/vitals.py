"""`build.py bench --vitals`: Core Web Vitals of index.html, measured by Lighthouse (npm
`lighthouse`, pinned in package.json) driving Debian's Chromium, mobile and desktop presets, a few
runs each; prints the medians next to the goals. Asserts nothing.

    run_vitals(dist, runs=3, pages=("index.html",)) -> {preset: {page: {metric: median}}}

Each run is a fresh Chromium profile (no HTTP cache, no service worker) on a local copy of dist/
served by tools/server.py. Lighthouse's mobile preset simulates a slow 4G network and a 4x slower
CPU from the trace of one real load (its default "simulate" throttling); desktop does not throttle.
The audits that cost accessibility or SEO points are listed by name (from the last run).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from statistics import median

from tools.bootstrap import require_chromium
from tools.common import NODE_MODULES, BuildError
from tools.server import background_server

LIGHTHOUSE_CLI = NODE_MODULES / "lighthouse" / "cli" / "index.js"
PRESETS = ("mobile", "desktop")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"
TIMEOUT_S = 240
# Goals (issue 18): the mobile medians.
GOALS = {"performance": (">=", 90), "accessibility": (">=", 100), "cls": ("<=", 0.05), "lcp": ("<=", 2500)}
GOALS_MS = {"tbt": 200}
METRICS = {  # name -> (audit id, unit)
    "fcp": ("first-contentful-paint", "ms"),
    "lcp": ("largest-contentful-paint", "ms"),
    "tbt": ("total-blocking-time", "ms"),
    "cls": ("cumulative-layout-shift", ""),
    "si": ("speed-index", "ms"),
}
CATEGORIES = ("performance", "accessibility", "seo", "best-practices")


def lighthouse(url: str, preset: str, out: Path) -> dict:
    """One Lighthouse run of `url` with `preset` ("mobile" or "desktop"); its JSON report."""
    node = shutil.which("node") or shutil.which("nodejs")
    if not LIGHTHOUSE_CLI.is_file() or node is None:
        raise BuildError(
            f"{LIGHTHOUSE_CLI} is missing: Lighthouse is pinned in package.json; `npm ci` installs it "
            "(build.py does), and it needs Node.js 18+"
        )
    cmd = [node, str(LIGHTHOUSE_CLI), url, "--quiet", "--output=json", f"--output-path={out}"]
    cmd += [f"--chrome-flags={CHROME_FLAGS}", "--only-categories=" + ",".join(CATEGORIES)]
    if preset == "desktop":
        cmd.append("--preset=desktop")
    env = dict(os.environ, CHROME_PATH=require_chromium())
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    if proc.returncode != 0 or not out.is_file():
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise BuildError(f"lighthouse failed (exit {proc.returncode}) on {url}:\n{tail}")
    return json.loads(out.read_text())


def figures(report: dict) -> dict:
    """The scores (0-100) and metrics (ms; CLS unitless) of one report, and what cost points."""
    cats = report["categories"]
    out = {
        c: round(100 * cats[c]["score"]) if cats.get(c, {}).get("score") is not None else math.nan
        for c in CATEGORIES
    }
    for name, (audit, _) in METRICS.items():
        out[name] = report["audits"].get(audit, {}).get("numericValue", math.nan)
    failing = []
    for cat in ("accessibility", "seo"):
        for ref in cats.get(cat, {}).get("auditRefs", []):
            audit = report["audits"].get(ref["id"], {})
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                failing.append(f"{cat}: {ref['id']} ({audit.get('title', '')})")
    out["failing"] = failing
    if report.get("runtimeError"):
        out["failing"].append(f"runtime error: {report['runtimeError'].get('message')}")
    return out


def run_vitals(dist: Path, runs: int = 3, pages: tuple[str, ...] = ("index.html",)) -> dict:
    """Lighthouse `runs` times per preset and page on a copy of `dist`; the medians (and failing audits)."""
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        shutil.copytree(dist, root)
        with background_server(root) as url:
            for preset in PRESETS:
                for page in pages:
                    each = []
                    for i in range(runs):  # fresh profile each run: cold
                        each.append(figures(lighthouse(url + page, preset, Path(tmp) / f"{preset}-{i}.json")))
                    keys = [k for k in each[0] if k != "failing"]
                    med = {k: median(r[k] for r in each) for k in keys}
                    med["runs"] = {k: [r[k] for r in each] for k in keys}
                    med["failing"] = each[-1]["failing"]
                    results.setdefault(preset, {})[page] = med
    return results


def _goal(name: str, value: float) -> str:
    if name in GOALS:
        op, goal = GOALS[name]
    elif name in GOALS_MS:
        op, goal = "<=", GOALS_MS[name]
    else:
        return ""
    met = value >= goal if op == ">=" else value <= goal
    shown = f"{goal / 1000:g} s" if name == "lcp" else (f"{goal} ms" if name in GOALS_MS else f"{goal:g}")
    return f"  (goal {op} {shown}: {'met' if met else 'NOT met'})"


def report(results: dict, runs: int) -> None:
    """Print the medians in the layout README.md shows."""
    print(f"Lighthouse (npm lighthouse, Chromium), {runs} cold runs per preset, medians:")
    for preset, by_page in results.items():
        for page, m in by_page.items():
            goals = preset == "mobile"
            print(f"  {page}, {preset}:")
            for c in CATEGORIES:
                runs_ = " ".join(f"{x:.0f}" for x in m["runs"][c])
                print(f"    {c:15} {m[c]:5.0f}   [{runs_}]{_goal(c, m[c]) if goals else ''}")
            for name, (_, unit) in METRICS.items():
                v = m[name]
                text = f"{v / 1000:.2f} s" if unit == "ms" else f"{v:.3f}"
                runs_ = " ".join(f"{x / 1000:.2f}" if unit == "ms" else f"{x:.3f}" for x in m["runs"][name])
                print(f"    {name.upper():15} {text:>7} [{runs_}]{_goal(name, v) if goals else ''}")
            for f in m["failing"]:
                print(f"    costs points: {f}")
