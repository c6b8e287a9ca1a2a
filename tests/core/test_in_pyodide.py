"""The core's own tests, run unchanged inside Pyodide 0.27.7 (numpy 2.0.2, no BLAS) under Node.

Pyodide has no pytest, so a small stand-in (``parametrize``, ``raises``, ``approx``) runs every
test function of the core test modules that need no fixtures; the CLI and hypothesis modules are
left out. Needs ``node`` and a built ``dist/pyodide-*/`` (``python3 build.py``); skipped otherwise.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["test_core_gradients", "test_core_matmul", "test_core_theorems", "test_core_trainer",
           "test_core_analysis"]

RUNNER_JS = r"""
const fs = require("fs");
(async () => {
  const { loadPyodide } = await import(process.argv[2] + "/pyodide.mjs");
  const py = await loadPyodide({ indexURL: process.argv[2] + "/" });
  await py.loadPackage("numpy", { messageCallback: () => {} });
  py.FS.mkdirTree("/repo");
  py.FS.mount(py.FS.filesystems.NODEFS, { root: process.argv[3] }, "/repo");
  const out = py.runPython(fs.readFileSync(process.argv[4], "utf8"));
  console.log("RESULT " + out);
})().catch((e) => { console.error(e); process.exit(1); });
"""

RUNNER_PY = r"""
import sys, types, importlib, math, contextlib, re, json, traceback
pt = types.ModuleType("pytest")
class _Mark:
    def __getattr__(self, name):
        if name == "parametrize":
            def parametrize(names, values, ids=None):
                def deco(f):
                    f.__dict__.setdefault("_params", []).append((names, list(values)))
                    return f
                return deco
            return parametrize
        return lambda *a, **k: (lambda f: f)
pt.mark = _Mark()
@contextlib.contextmanager
def raises(exc, match=None):
    class Info: value = None
    info = Info()
    try:
        yield info
    except exc as e:
        info.value = e
        assert not match or re.search(match, str(e)), str(e)
    else:
        raise AssertionError("did not raise")
pt.raises = raises
def approx(x, rel=1e-6, abs=1e-12):
    class A:
        def __eq__(self, o): return math.isclose(o, x, rel_tol=rel, abs_tol=abs)
    return A()
pt.approx = approx
sys.modules["pytest"] = pt
sys.path[:0] = ["/repo", "/repo/tests"]
import numpy, pyinit.network
passed, failed = 0, []
for modname in MODULES:
    mod = importlib.import_module(modname)
    for name in sorted(dir(mod)):
        f = getattr(mod, name)
        if not name.startswith("test_") or not callable(f):
            continue
        combos = [{}]
        for names, values in getattr(f, "_params", []):
            names = [n.strip() for n in names.split(",")]
            combos = [{**c, **dict(zip(names, v if len(names) > 1 else (v,)))} for c in combos for v in values]
        for kw in combos:
            try:
                f(**kw)
                passed += 1
            except Exception:
                failed.append(f"{modname}::{name}{kw}: " + traceback.format_exc(limit=2))
json.dumps({"numpy": numpy.__version__, "python": sys.version.split()[0], "passed": passed, "failed": failed})
"""


@pytest.mark.slow
def test_core_tests_pass_inside_pyodide(tmp_path):
    node = shutil.which("node")
    dists = sorted((ROOT / "dist").glob("pyodide-*/pyodide.mjs"))
    if not node or not dists:
        pytest.skip("needs node and a built dist/ (python3 build.py)")
    (tmp_path / "run.js").write_text(RUNNER_JS)
    (tmp_path / "run.py").write_text(f"MODULES = {MODULES!r}\n" + RUNNER_PY)
    proc = subprocess.run([node, str(tmp_path / "run.js"), str(dists[-1].parent), str(ROOT),
                           str(tmp_path / "run.py")], capture_output=True, text=True, timeout=600)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stderr[-2000:]
    result = json.loads(lines[-1][len("RESULT "):])
    assert result["numpy"] == "2.0.2" and result["python"].startswith("3.12")
    assert not result["failed"], "\n".join(result["failed"])
    assert result["passed"] >= 100
