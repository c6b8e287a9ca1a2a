"""A small pytest stand-in that runs test files inside Pyodide (which has no pytest).

Run by pyodide_runner.mjs with ``TEST_FILES`` (paths relative to the repository, mounted at /repo)
set in the globals; leaves ``RESULT``, a JSON string {numpy, python, passed, failed: [...]}. It
supports what the core tests use: ``pytest.mark.parametrize`` (other marks are ignored),
``pytest.raises(exc, match=...)`` and ``pytest.approx(x, rel, abs)``; test functions that take
fixtures are not supported (the files it runs have none).
"""

import contextlib
import importlib.util
import json
import math
import re
import sys
import traceback
import types


class _Mark:
    def __getattr__(self, name):
        if name == "parametrize":

            def parametrize(names, values, ids=None):
                def deco(f):
                    f.__dict__.setdefault("_params", []).append((names, list(values)))
                    return f

                return deco

            return parametrize
        return lambda *a, **k: lambda f: f


@contextlib.contextmanager
def raises(exc, match=None):
    class Info:
        value = None

    info = Info()
    try:
        yield info
    except exc as e:
        info.value = e
        assert not match or re.search(match, str(e)), str(e)
    else:
        raise AssertionError("did not raise")


def approx(x, rel=1e-6, abs=1e-12):
    class Approx:
        def __eq__(self, other):
            return math.isclose(other, x, rel_tol=rel, abs_tol=abs)

    return Approx()


def install():
    """Make ``import pytest`` give this stand-in."""
    pt = types.ModuleType("pytest")
    pt.mark, pt.raises, pt.approx = _Mark(), raises, approx
    sys.modules["pytest"] = pt


def calls(f):
    """Every keyword-argument combination of a test function's parametrize marks."""
    combos = [{}]
    for names, values in getattr(f, "_params", []):
        names = [n.strip() for n in names.split(",")]
        combos = [{**c, **dict(zip(names, v if len(names) > 1 else (v,)))} for c in combos for v in values]
    return combos


def run(files, root="/repo"):
    install()
    sys.path[:0] = [root]
    import numpy

    passed, failed = 0, []
    for path in files:
        name = path.rsplit("/", 1)[-1][:-3]
        spec = importlib.util.spec_from_file_location(name, f"{root}/{path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for test in sorted(n for n in dir(module) if n.startswith("test_")):
            f = getattr(module, test)
            if not callable(f):
                continue
            for kw in calls(f):
                try:
                    f(**kw)
                    passed += 1
                except Exception:
                    failed.append(f"{path}::{test}{kw}: " + traceback.format_exc(limit=2))
    return json.dumps(
        {"numpy": numpy.__version__, "python": sys.version.split()[0], "passed": passed, "failed": failed}
    )


if __name__ == "__main__":
    RESULT = run(list(TEST_FILES))  # noqa: F821 (set by the .mjs)
