"""`build.py bench`: how fast the page loads and trains, in headless Chromium on a local server.
Prints figures, asserts nothing.

Cold loads (fresh context, HTTP cache off), interleaved so machine noise hits every page alike:
- the bare page (tools/bench_pages/bare/: Pyodide + numpy in a worker, nothing of ours), the floor;
- check.html (the runtime self-check) and index.html (the lab): Python ready, page ready, bytes,
  warm reloads;
- the lab's first paint (`<html data-first-paint-ms>`: the first screen's charts drawn from the
  precomputed runs; goal <= 0.5 s) and its "live" time (`data-live-ms`: Python took over), with the
  ratio live / bare ready time of the same run (goal <= 1.15);
- the lab's animation speed, if the page has the `window.pyinitLab` hook for it;
- training speed of pyinit.api.run in the worker (via check.html) next to native CPython, for the
  2-16-16-1 reference and for the digits (64-16-10 ReLU, batches of 64: ``DIGITS_CONFIG``);
- the digits lab's pair (zeros and He in lock-step, every step recorded, one lab frame per animation
  frame) in Pyodide under Node (``bench_pages/pyodide_node.mjs``: V8, the worker's engine; the page
  cannot start a digits lab yet) and natively: frames/s at 1, 2 and 4 steps per frame.

The lab page is read only through `data-status`, those two data attributes and `window.pyinitLab`.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from statistics import median

from tools import vitals
from tools.assemble import build
from tools.bootstrap import require_chromium
from tools.common import ROOT, BuildError
from tools.pins import CHROMIUM, CHROMIUM_ARGS, PYODIDE_DIR, PYODIDE_VERSION
from tools.server import background_server

PAGES = Path(__file__).resolve().parent / "bench_pages"
FIRST_PAINT_GOAL_S = 0.5
LIVE_OVER_BARE_GOAL = 1.15
LOAD_TIMEOUT_MS = 120_000
BENCH_CONFIG = {
    "dataset": "moons",
    "n_samples": 200,
    "noise": 0.1,
    "hidden": [16, 16],
    "activation": "tanh",
    "init": "xavier",
    "lr": 0.1,
    "batch_size": 200,
    "steps": 2000,
    "every": 2000,
    "seed": 0,
}
DIGITS_CONFIG = {  # pyinit.bench.DIGITS, one net, records at the first and last step only
    "dataset": "digits",
    "hidden": [16],
    "activation": "relu",
    "init": "he",
    "lr": 0.5,
    "batch_size": 64,
    "steps": 300,
    "every": 300,
    "seed": 0,
}
DIGITS_LAB_PY = "from pyinit.bench import digits_lines\nfor line in digits_lines(3)[2:]:\n    print(line)\n"

LOAD_STATS_JS = """() => {
  const d = document.documentElement.dataset;
  const page = performance.getEntriesByType("resource").concat(performance.getEntriesByType("navigation"))
    .reduce((s, e) => s + (e.transferSize || 0), 0);
  return {status: d.status, readyMs: Number(d.readyMs ?? NaN), now: performance.now(),
          bytes: page + Number(d.workerBytes || 0)};
}"""
DATASET_MS_JS = "(key) => Number(document.documentElement.dataset[key] ?? NaN)"
STATUS_SETTLED_JS = "() => document.documentElement.dataset.status !== 'loading'"
STATUS_READY_JS = "() => document.documentElement.dataset.status === 'ready'"
WORKER_RATE_JS = """async (config) => {
  const py = window.pyinitBoot.py;
  await py.call("api.run", {config: {...config, steps: 100, every: 100}});
  const times = [];
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    await py.call("api.run", {config});
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return config.steps / (times[1] / 1000);
}"""


def load_page(browser, url: str, *, warm_reloads: int = 0, wait_live: bool = False):
    """Open `url` cold in a fresh context. Returns (stats of the first load, [warm stats], page,
    context); stats: readyMs, now, bytes, and for wait_live firstPaintMs and liveMs (NaN if unset)."""
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        cdp = ctx.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        page.goto(url)
        page.wait_for_function(STATUS_SETTLED_JS, timeout=LOAD_TIMEOUT_MS)
        first = page.evaluate(LOAD_STATS_JS)
        if first["status"] != "ready":
            raise BuildError(f"{url} did not load: {page.inner_text('body')[:500]}")
        if wait_live:  # data-live-ms may come after data-status="ready"
            try:
                page.wait_for_function(
                    "() => 'liveMs' in document.documentElement.dataset", timeout=LOAD_TIMEOUT_MS
                )
            except Exception:  # noqa: BLE001 (Playwright's TimeoutError): reported as "not set"
                pass
            first.update({k: page.evaluate(DATASET_MS_JS, k) for k in ("firstPaintMs", "liveMs")})
        warm = []
        if warm_reloads:
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
            page.reload()  # once to fill the HTTP cache (the cold load bypassed it)
            page.wait_for_function(STATUS_READY_JS, timeout=LOAD_TIMEOUT_MS)
            for _ in range(warm_reloads):
                page.reload()
                page.wait_for_function(STATUS_READY_JS, timeout=LOAD_TIMEOUT_MS)
                warm.append(page.evaluate(LOAD_STATS_JS))
        return first, warm, page, ctx
    except BaseException:
        ctx.close()
        raise


def lab_animation(page, speed: str, seconds: float = 5.0) -> dict:
    """Reset the lab's runs and play them at `speed` steps per frame for `seconds`: steps/s per run
    (both runs advance together) and animation-frame times while training."""
    page.evaluate("(s) => { location.hash = 'speed=' + s; }", speed)
    page.wait_for_function("(s) => String(window.pyinitLab.state().speed) === s", arg=speed, timeout=15_000)
    if page.evaluate("() => window.pyinitLab.snapshot().playing"):
        page.click("#btn-play")
    page.click("#btn-reset")
    page.wait_for_function(
        "() => { const s = window.pyinitLab.snapshot(); return s && s.step === 0 && !s.playing; }",
        timeout=15_000,
    )
    page.evaluate("() => window.pyinitLab.resetTiming()")
    # a chapter's run stops at its last step: the benchmark trains on past it ("Keep training")
    page.evaluate("() => window.pyinitLab.trainOn && window.pyinitLab.trainOn()")
    step0, t0 = page.evaluate("() => [window.pyinitLab.snapshot().step, performance.now()]")
    page.click("#btn-play")
    time.sleep(seconds)
    page.click("#btn-play")
    step1, t1 = page.evaluate("() => [window.pyinitLab.snapshot().step, performance.now()]")
    frames = sorted(page.evaluate("() => window.pyinitLab.snapshot().timing.frames"))
    if not frames or step1 <= step0:
        raise RuntimeError(f"no playback ({step1 - step0} steps, {len(frames)} frames)")
    return {
        "seconds": seconds,
        "steps_per_s": (step1 - step0) / ((t1 - t0) / 1000),
        "median_ms": frames[len(frames) // 2],
        "p95_ms": frames[int(0.95 * (len(frames) - 1))],
    }


def native_steps_per_s(config: dict) -> float:
    from pyinit import api  # noqa: PLC0415 (in .venv)

    api.run({**config, "steps": 100, "every": 100})
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        api.run(config)
        times.append(time.perf_counter() - t0)
    return config["steps"] / sorted(times)[1]


def lab_script(dist: Path, lab: str) -> str:
    """Which entry module the lab page runs (js/pages/lab.js; not the helpers early.js, sw-register.js),
    and its bundle in a bundled build ("js/pages/lab.js (bundled: js/bundle/lab.<hash>.js)")."""
    try:
        bundles = json.loads((dist / "build-manifest.json").read_text()).get("bundles") or {}
    except (OSError, ValueError):
        bundles = {}
    source_of = {out: src for src, out in bundles.get("entries", {}).items()}
    found = re.findall(r'<script type="module" src="([^"]+)"', (dist / lab).read_text())
    found = [f"{source_of[s]} (bundled: {s})" if s in source_of else s for s in found]
    return next((s for s in found if "/pages/" in s), next((s for s in found if "sw-register" not in s), "?"))


def measure(dist: Path, runs: int, lab: str = "index.html") -> dict:
    """Serve a copy of `dist` plus the bare page and time everything; the raw figures."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (in .venv, test level)

    loads, lab_runs, anim, notes, rate, digits_rate = {}, [], {}, [], float("nan"), float("nan")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        shutil.copytree(dist, root)
        shutil.copytree(PAGES / "bare", root / "bare")
        pages = [
            ("bare Pyodide + numpy", f"bare/?indexURL=../{PYODIDE_DIR}/"),
            ("check.html (shell)", "check.html"),
            (f"{lab} (the lab)", lab),
        ]
        with background_server(root) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for i in range(runs):  # interleaved, so machine noise hits every page alike
                last = i == runs - 1
                for name, path in pages:
                    is_lab = path == lab
                    first, warm, page, ctx = load_page(
                        browser, url + path, warm_reloads=3 if i == 0 else 0, wait_live=is_lab
                    )
                    r = loads.setdefault(name, {"cold": [], "ready": [], "bytes": [], "warm": []})
                    r["cold"].append(first["readyMs"])
                    r["ready"].append(first["now"])
                    r["bytes"].append(first["bytes"])
                    r["warm"] += [w["readyMs"] for w in warm]
                    if is_lab:
                        lab_runs.append(
                            {
                                "paint": first["firstPaintMs"],
                                "live": first["liveMs"],
                                "bare": loads["bare Pyodide + numpy"]["cold"][i],
                            }
                        )
                    if last and is_lab:
                        try:
                            anim = {speed: lab_animation(page, speed) for speed in ("2", "50")}
                        except Exception as e:  # noqa: BLE001 (a page without the hook's controls)
                            notes.append(f"lab animation not measured: {str(e).splitlines()[0][:160]}")
                    if last and path == "check.html":
                        try:
                            rate = page.evaluate(WORKER_RATE_JS, BENCH_CONFIG)
                            digits_rate = page.evaluate(WORKER_RATE_JS, DIGITS_CONFIG)
                        except Exception as e:  # noqa: BLE001
                            notes.append(
                                f"worker training speed not measured: {str(e).splitlines()[0][:160]}"
                            )
                    ctx.close()
            browser.close()
    return {
        "loads": loads,
        "lab": lab_runs,
        "animation": anim,
        "worker_rate": rate,
        "worker_digits_rate": digits_rate,
        "pyodide_digits_lab": pyodide_digits_lab(dist, notes),
        "native_digits_lab": native_digits_lab(),
        "notes": notes,
        "lab_script": lab_script(dist, lab),
    }


def native_digits_lab() -> list:
    """The digits lab pair's lines (``pyinit.bench.digits_lines``), natively."""
    from pyinit.bench import digits_lines  # noqa: PLC0415 (in .venv)

    return digits_lines(3)[2:]


def pyodide_digits_lab(dist: Path, notes: list) -> list:
    """The digits lab pair's lines (``pyinit.bench.digits_lines``) run in Pyodide under Node."""
    node, found = shutil.which("node"), sorted(dist.resolve().glob("pyodide-*/pyodide.mjs"))
    if not node or not found:
        notes.append("digits lab in Pyodide not measured: needs node and dist/pyodide-*/")
        return []
    with tempfile.NamedTemporaryFile("w", suffix=".py") as script:
        script.write(DIGITS_LAB_PY)
        script.flush()
        cmd = [node, str(PAGES / "pyodide_node.mjs"), str(found[-1].parent), str(ROOT), script.name]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        notes.append(f"digits lab in Pyodide failed: {proc.stderr.strip().splitlines()[-1][:160]}")
        return []
    return [line for line in proc.stdout.splitlines() if line.strip()]


def _med(xs) -> float:
    xs = [x for x in xs if not math.isnan(x)]
    return median(xs) if xs else float("nan")


def _s(ms: float) -> str:
    return "—" if math.isnan(ms) else f"{ms / 1000:.2f} s"


def report(m: dict, manifest: dict, runs: int, lab: str = "index.html") -> None:
    """Print the figures of `measure` (the layout README.md shows)."""
    print(
        f"pyinit {manifest['versions']['pyinit']}, Pyodide {PYODIDE_VERSION}, numpy "
        f"{manifest['versions']['numpy']}, Chromium, local server; {runs} cold loads each "
        f"(HTTP cache disabled), 3 warm reloads; {lab} runs {m['lab_script']}"
    )
    print(
        f"  {'page':24} {'Python ready, cold':>19} {'page ready, cold':>17} {'warm':>7} {'transferred':>12}"
    )
    for name, r in m["loads"].items():
        print(
            f"  {name:24} {_s(_med(r['cold'])):>19} {_s(_med(r['ready'])):>17} "
            f"{_s(_med(r['warm'])) if r['warm'] else '':>7} {_med(r['bytes']) / 1e6:>9.1f} MB"
        )
    paint = _med([r["paint"] for r in m["lab"]])
    live, bare = _med([r["live"] for r in m["lab"]]), _med([r["bare"] for r in m["lab"]])
    print(f"  the lab ({lab}), cold, median of {runs}:")
    print(
        f"    first paint (charts drawn from the precomputed runs): {_s(paint)}"
        f"  (goal <= {FIRST_PAINT_GOAL_S:.1f} s"
        + ("" if not math.isnan(paint) else "; data-first-paint-ms not set")
        + ")"
    )
    print(f"    live (Python took over): {_s(live)}; bare Pyodide + numpy ready, same run: {_s(bare)}")
    # paired by round (bare, check, lab loaded one after another), so slow phases of the machine hit both
    pairs = [r["live"] / r["bare"] for r in m["lab"] if not math.isnan(r["live"] / r["bare"])]
    print(
        f"    ratio live/bare: {_med(pairs):.2f}  (goal <= {LIVE_OVER_BARE_GOAL:.2f}; median of the loads: "
        + (" ".join(f"{x:.2f}" for x in pairs) or "data-live-ms not set")
        + f"; ratio of the medians {live / bare:.2f})"
    )
    for speed, a in m["animation"].items():
        print(
            f"    animating both runs at {speed:>2} steps/frame for {a['seconds']:.0f} s: "
            f"{a['steps_per_s']:6.0f} steps/s "
            f"per run; frames median {a['median_ms']:.1f} ms ({1000 / a['median_ms']:.0f} fps), "
            f"p95 {a['p95_ms']:.1f} ms"
        )
    native = native_steps_per_s(BENCH_CONFIG)
    print(
        f"  training 2-16-16-1 tanh, 200 points, full batch, {BENCH_CONFIG['steps']} steps per run "
        "(pyinit.api.run, median of 3):"
    )
    print(f"    worker (Pyodide): {m['worker_rate']:8.0f} steps/s")
    print(f"    native CPython:   {native:8.0f} steps/s")
    print(f"    ratio browser/native: {m['worker_rate'] / native:.2f}")
    native_digits = native_steps_per_s(DIGITS_CONFIG)
    print(
        f"  training the digits, 64-16-10 relu, batches of 64, {DIGITS_CONFIG['steps']} steps per run "
        "(pyinit.api.run, median of 3):"
    )
    print(f"    worker (Pyodide): {m.get('worker_digits_rate', float('nan')):8.0f} steps/s")
    print(f"    native CPython:   {native_digits:8.0f} steps/s")
    print("  the digits lab's pair (zeros and He, every step recorded on the 360 test images), one lab frame")
    print("  per animation frame (goal >= 30 frames/s):")
    for where, key in (("Pyodide under Node", "pyodide_digits_lab"), ("native", "native_digits_lab")):
        for line in m.get(key, []):
            print(f"    {where:18}: {line.strip()}")
    for note in m["notes"]:
        print(f"  note: {note}")


def run_bench(
    runs: int = 5, lab: str = "index.html", out: Path = ROOT / "dist", build_first: bool = True
) -> int:
    """`build.py bench`: build dist/ (unless build_first is False), measure, print."""
    require_chromium()
    try:
        from pyinit import api  # noqa: F401,PLC0415
    except ImportError as e:
        raise BuildError(f"bench needs pyinit.api.run ({e})") from None
    manifest = build(out) if build_first else json.loads((out / "build-manifest.json").read_text())
    report(measure(out, runs, lab), manifest, runs, lab)
    return 0


def run_vitals_bench(runs: int = 3, out: Path = ROOT / "dist", build_first: bool = True) -> int:
    """`build.py bench --vitals`: build dist/ (unless build_first is False), run Lighthouse, print the
    medians."""
    if build_first:
        build(out)
    vitals.report(vitals.run_vitals(out, runs), runs)
    return 0
