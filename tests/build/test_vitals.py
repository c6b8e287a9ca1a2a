"""`build.py bench --vitals` (tools/vitals.py): the figures read from Lighthouse reports and the
printout with the goals, from given reports (no browser); Lighthouse is pinned exactly."""

from __future__ import annotations

import json
from pathlib import Path

from tools import bench, vitals

ROOT = Path(__file__).resolve().parents[2]


def report(perf=0.91, a11y=1.0, seo=1.0, lcp=2400.0, cls=0.01, tbt=150.0, fcp=900.0, failing=()):
    audits = {
        "first-contentful-paint": {"numericValue": fcp},
        "largest-contentful-paint": {"numericValue": lcp},
        "total-blocking-time": {"numericValue": tbt},
        "cumulative-layout-shift": {"numericValue": cls},
        "speed-index": {"numericValue": 1500.0},
        "select-name": {
            "score": 0 if "select-name" in failing else 1,
            "title": "Select elements have labels",
        },
        "meta-description": {"score": 0 if "meta-description" in failing else 1, "title": "Meta description"},
    }
    return {
        "categories": {
            "performance": {"score": perf, "auditRefs": []},
            "accessibility": {"score": a11y, "auditRefs": [{"id": "select-name", "weight": 10}]},
            "seo": {"score": seo, "auditRefs": [{"id": "meta-description", "weight": 1}]},
            "best-practices": {"score": 1.0, "auditRefs": []},
        },
        "audits": audits,
    }


def test_figures_reads_scores_metrics_and_what_cost_points():
    f = vitals.figures(report(perf=0.57, a11y=0.93, failing=("select-name",)))
    assert f["performance"] == 57 and f["accessibility"] == 93 and f["seo"] == 100
    assert f["lcp"] == 2400.0 and f["cls"] == 0.01 and f["tbt"] == 150.0
    assert f["failing"] == ["accessibility: select-name (Select elements have labels)"]


def test_report_prints_medians_and_goals_for_mobile(capsys):
    runs = [
        vitals.figures(report(perf=p, lcp=lcp)) for p, lcp in [(0.95, 2000.0), (0.85, 3000.0), (0.92, 2600.0)]
    ]
    keys = [k for k in runs[0] if k != "failing"]
    med = {k: sorted(r[k] for r in runs)[1] for k in keys}
    med["runs"] = {k: [r[k] for r in runs] for k in keys}
    med["failing"] = []
    vitals.report({"mobile": {"index.html": med}, "desktop": {"index.html": med}}, 3)
    out = capsys.readouterr().out
    assert "index.html, mobile:" in out and "index.html, desktop:" in out
    assert "performance        92   [95 85 92]  (goal >= 90: met)" in out
    assert "LCP              2.60 s [2.00 3.00 2.60]  (goal <= 2.5 s: NOT met)" in out
    assert out.count("goal") == 5  # the goals are the mobile ones only


def test_lighthouse_is_pinned_exactly_in_package_json_and_the_lock():
    pkg = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert pkg["dependencies"]["lighthouse"] == "12.2.3"
    assert lock["packages"]["node_modules/lighthouse"]["version"] == "12.2.3"


def test_bench_names_the_bundle_the_lab_runs(tmp_path):
    (tmp_path / "index.html").write_text(
        '<script type="module" async src="js/bundle/early.AAAA1111.js"></script>'
        '<script type="module" src="js/bundle/lab.BBBB2222.js"></script>'
        '<script type="module" src="js/bundle/sw-register.CCCC3333.js"></script>'
    )
    bundles = {"entries": {"js/pages/lab.js": "js/bundle/lab.BBBB2222.js"}}
    (tmp_path / "build-manifest.json").write_text(json.dumps({"bundles": bundles}))
    assert bench.lab_script(tmp_path, "index.html") == "js/pages/lab.js (bundled: js/bundle/lab.BBBB2222.js)"
