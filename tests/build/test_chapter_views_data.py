"""The chapters' experiments shipped as data (tools/site_data.write_views): dist/data/chapters/<id>-view.json
for every chapter with a view is exactly what ``pyinit.web.chapters.view(id)`` returns (recomputed
here for the fast ones; the slow ones -- the noise chapter's escape, ~12 s natively, signal and
the reproduce chapter's 15,000 steps -- are checked for their shape against the kind's documented keys), and
small. The view cache (.cache/views/<key>/) gives the same bytes without computing again.

Tests that use ``dist_dir`` are marked ``build`` and ``slow`` (tests/conftest.py).
"""

from __future__ import annotations

import json

import pytest

from pyinit.web import chapters
from tools import site_data

FAST = ["layers", "stuck", "optimizers", "restarts", "origins", "large", "modern"]
SLOW = ["noise", "scale", "reproduce"]
BUDGET = 150_000  # bytes per shipped view, as for a chapter's runs (issue 9)

# the keys each kind returns (web.chapters' docstrings); the page draws from exactly these
KEYS = {
    "layers": {"activations", "cases", "steps", "runs"},
    "stuck": {"activations", "steps", "layers", "hidden", "runs"},
    "optimizers": {"optimizers", "inits", "steps", "runs"},
    "modern": {"steps", "cases", "runs"},
    "escape": {
        "depths",
        "eps",
        "delta",
        "threshold",
        "budget",
        "width",
        "escape",
        "grad_norm",
        "grad_order",
        "fit",
        "power",
        "curve_steps",
        "loss",
        "final_loss",
        "final_accuracy",
    },
    "restarts": {"seeds", "steps", "loss", "final_loss", "final_accuracy", "X", "y", "grid"},
    "signal": {"depth", "width", "activations", "inits", "runs"},
    "outcomes": {"activations", "inits", "steps", "runs"},
    "variance": {"depth", "width", "runs"},
    "reproduce": {
        "step",
        "inits",
        "steps",
        "loss",
        "accuracy",
        "test_loss",
        "test_accuracy",
        "final_loss",
        "final_accuracy",
        "final_test_loss",
        "final_test_accuracy",
        "n_samples",
        "n_test",
    },
}


def kind_of(cid):
    return chapters.chapter(cid)["view"]["kind"]


def shipped(dist_dir, cid):
    return json.loads((dist_dir / "data" / "chapters" / f"{cid}-view.json").read_text())


def plain_json(x, path="view"):
    """Only JSON values (no NaN/inf: those are null), every 1-D float array a list."""
    if isinstance(x, dict):
        for k, v in x.items():
            assert isinstance(k, str), path
            plain_json(v, f"{path}.{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            plain_json(v, f"{path}[{i}]")
    else:
        assert x is None or isinstance(x, (bool, int, float, str)), (path, type(x))
        assert not isinstance(x, float) or x == x and abs(x) != float("inf"), path


def test_every_chapter_with_a_view_has_its_data_and_nothing_else(dist_dir):
    files = {p.name for p in (dist_dir / "data" / "chapters").glob("*-view.json")}
    assert files == {f"{cid}-view.json" for cid in chapters.view_ids()}
    assert set(chapters.view_ids()) == set(FAST + SLOW)
    for cid in chapters.view_ids():
        size = (dist_dir / "data" / "chapters" / f"{cid}-view.json").stat().st_size
        assert size <= BUDGET, (cid, size)


@pytest.mark.parametrize("cid", FAST)
def test_shipped_view_is_what_chapters_view_returns(dist_dir, cid):
    data = shipped(dist_dir, cid)
    assert data == json.loads(json.dumps(chapters.view(cid)))
    plain_json(data)
    assert set(data) == KEYS[kind_of(cid)]


@pytest.mark.parametrize("cid", SLOW)
def test_slow_views_have_their_kinds_shape(dist_dir, cid):
    data = shipped(dist_dir, cid)
    plain_json(data)
    kind = kind_of(cid)
    assert set(data) == KEYS[kind]
    view = chapters.chapter(cid)["view"]
    if kind == "escape":
        D, E = len(view["depths"]), len(view["eps"])
        assert (
            data["depths"] == view["depths"]
            and data["eps"] == view["eps"]
            and data["budget"] == view["steps"]
        )
        assert len(data["escape"]) == D and all(len(row) == E for row in data["escape"])
        C = len(data["curve_steps"])
        assert 2 <= C <= chapters.CURVE_POINTS and data["curve_steps"][-1] == view["steps"]
        assert all(len(curve) == C for row in data["loss"] for curve in row)
        assert set(data["fit"]) == {"1"} and data["fit"]["1"]["r2"] > 0.99
        assert [round(g) for g in data["grad_order"]] == view["depths"]  # a saddle of order H
        assert all(isinstance(s, int) for s in data["escape"][0])  # 1 layer: every eps escapes
    elif kind == "signal":
        assert len(data["runs"]) == len(view["activations"]) * len(view["inits"])
        assert all(len(r["activation_std"]) == len(r["gradient_std"]) == view["depth"] for r in data["runs"])
    elif kind == "reproduce":
        K, R = len(view["inits"]), len(data["steps"])
        assert (
            data["inits"] == view["inits"]
            and data["step"] == view["steps"]
            and data["steps"][-1] == view["steps"]
        )
        assert R <= chapters.CURVE_POINTS
        for name in ("loss", "accuracy", "test_loss", "test_accuracy"):
            assert len(data[name]) == R * K, name
        assert data["n_test"] == view["n_test"]


@pytest.mark.slow
def test_the_view_cache_gives_the_same_bytes_without_computing(tmp_path, monkeypatch):
    monkeypatch.setattr(chapters, "view_ids", lambda: ["stuck", "origins"])
    cache = tmp_path / "cache"
    (cache / "stale-key").mkdir(parents=True)
    first = site_data.write_views(tmp_path / "a", cache=cache)
    assert not (cache / "stale-key").exists(), "other keys' results are dropped"
    assert (cache / site_data.views_key() / "stuck-view.json").is_file()

    def no_compute(cid):
        raise AssertionError(f"computed {cid} again")

    monkeypatch.setattr(chapters, "view", no_compute)
    second = site_data.write_views(tmp_path / "b", cache=cache)
    assert first == second
    for cid in ("stuck", "origins"):
        assert (tmp_path / "a" / f"{cid}-view.json").read_bytes() == (
            tmp_path / "b" / f"{cid}-view.json"
        ).read_bytes()
