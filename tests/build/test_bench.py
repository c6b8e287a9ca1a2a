"""`build.py bench`'s figures (tools/bench.py): the printout from given measurements, without a
browser; and the bare comparison page is real files naming no Pyodide version."""

from __future__ import annotations

import math

from tools import bench

NAN = float("nan")


def measurements(live=(5500.0, 6000.0, NAN)) -> dict:
    loads = {
        "bare Pyodide + numpy": {
            "cold": [5000.0, 5000.0, 4000.0],
            "ready": [5001.0] * 3,
            "bytes": [8.8e6] * 3,
            "warm": [4000.0],
        },
        "check.html (shell)": {"cold": [5200.0] * 3, "ready": [5300.0] * 3, "bytes": [8.9e6] * 3, "warm": []},
        "index.html (the lab)": {"cold": [NAN] * 3, "ready": [5400.0] * 3, "bytes": [9.4e6] * 3, "warm": []},
    }
    lab = [
        {"paint": p, "live": v, "bare": b}
        for p, v, b in zip([400.0, 450.0, 500.0], live, [5000.0, 5000.0, 4000.0])
    ]
    return {
        "loads": loads,
        "lab": lab,
        "animation": {},
        "worker_rate": 4500.0,
        "notes": ["a note"],
        "lab_script": "js/pages/lab.js",
    }


def test_report_prints_first_paint_live_and_the_ratio(monkeypatch, capsys):
    monkeypatch.setattr(bench, "native_steps_per_s", lambda config: 12000.0)
    bench.report(measurements(), {"versions": {"pyinit": "0.1.0", "numpy": "2.0.2"}}, 3)
    out = capsys.readouterr().out
    assert "index.html runs js/pages/lab.js" in out
    assert "first paint (charts drawn from the precomputed runs): 0.45 s" in out
    assert "live (Python took over): 5.75 s; bare Pyodide + numpy ready, same run: 5.00 s" in out
    # median of the loads with a live time (1.10, 1.20); the median live 5.75 s / bare 5.00 s
    assert (
        "ratio live/bare: 1.15" in out and "median of the loads: 1.10 1.20; ratio of the medians 1.15)" in out
    )
    assert "ratio browser/native: 0.38" in out and "note: a note" in out
    assert "index.html (the lab)                       —" in out  # no data-ready-ms: a dash, not "nan s"


def test_report_says_when_the_page_sets_no_live_time(monkeypatch, capsys):
    monkeypatch.setattr(bench, "native_steps_per_s", lambda config: 12000.0)
    bench.report(measurements(live=(NAN, NAN, NAN)), {"versions": {"pyinit": "0.1.0", "numpy": "2.0.2"}}, 3)
    assert "data-live-ms not set" in capsys.readouterr().out


def test_report_prints_the_digits_figures(monkeypatch, capsys):
    monkeypatch.setattr(bench, "native_steps_per_s", lambda config: 800.0 if "digits" in str(config) else 1.0)
    m = measurements() | {
        "worker_digits_rate": 200.0,
        "pyodide_digits_lab": ["lab pair (zeros, He), 1 step(s)/frame: 45 frames/s (45 steps/s)"],
        "native_digits_lab": ["lab pair (zeros, He), 1 step(s)/frame: 90 frames/s (90 steps/s)"],
    }
    bench.report(m, {"versions": {"pyinit": "0.1.0", "numpy": "2.0.2"}}, 3)
    out = capsys.readouterr().out
    assert "training the digits, 64-16-10 relu, batches of 64, 300 steps per run" in out
    assert "    worker (Pyodide):      200 steps/s\n    native CPython:        800 steps/s" in out
    assert "Pyodide under Node: lab pair (zeros, He), 1 step(s)/frame: 45 frames/s (45 steps/s)" in out
    assert "native            : lab pair (zeros, He), 1 step(s)/frame: 90 frames/s" in out


def test_bare_page_is_real_files_and_names_no_version():
    bare = bench.PAGES / "bare"
    assert sorted(p.name for p in bare.iterdir()) == ["bare-worker.js", "bare.js", "index.html"]
    for f in bare.iterdir():
        assert "0.27" not in f.read_text(), f"{f.name}: the Pyodide folder comes from ?indexURL="
    assert math.isnan(bench._med([NAN])) and bench._med([1.0, NAN, 3.0]) == 2.0
