"""pyinit.web.chapters.view / export: a chapter's experiment as the small JSON data the build ships
and the page's "Recompute in your browser" gets (tests/build/test_chapter_views_data.py checks the
shipped files; tests/browser/test_chapter_views.py the page)."""

import json
import math

import numpy as np
import pytest

from pyinit.errors import ConfigError
from pyinit.web import chapters, symmetry_experiments


def test_view_ids_are_the_chapters_with_a_view():
    assert chapters.view_ids() == [c["id"] for c in chapters.presets()["chapters"] if c["view"]]
    assert set(chapters.KINDS) >= {c["view"]["kind"] for c in chapters.presets()["chapters"] if c["view"]}


def test_view_refuses_a_chapter_without_an_experiment_or_unknown():
    with pytest.raises(ConfigError, match="chapter with an experiment"):
        chapters.view("simple")
    with pytest.raises(ConfigError):
        chapters.view("no-such-chapter")


@pytest.mark.parametrize("cid", ["layers", "stuck", "optimizers", "restarts", "origins"])
def test_fast_views_are_plain_json_and_deterministic(cid):
    data = chapters.view(cid)
    text = json.dumps(data, allow_nan=False)  # lists, numbers, no NaN
    assert json.loads(text) == data
    assert chapters.view(cid) == data


def test_view_is_the_kind_function_on_the_chapter_view_exported():
    c = chapters.chapter("layers")
    raw = symmetry_experiments.layers(c["view"])
    data = chapters.view("layers")
    assert data == chapters.export("layers", raw)
    assert [r["final_accuracy"] for r in data["runs"]] == [
        chapters._number(r["final_accuracy"]) for r in raw["runs"]
    ]


def test_export_rounds_thins_and_keeps_row_major_order():
    assert chapters._number(0.123456789) == 0.123457
    assert chapters._number(600.0) == 600 and isinstance(chapters._number(600.0), int)
    assert chapters._number(float("nan")) is None and chapters._number(math.inf) is None
    R, K = 301, 3
    steps = np.arange(R, dtype=np.float64) * 50
    loss = np.arange(R * K, dtype=np.float64)  # loss[r * K + k] = r * K + k
    out = chapters.export(
        "reproduce",
        {
            "id": 7,
            "step": 15000,
            "inits": ["a", "b", "c"],
            "steps": steps,
            "loss": loss,
            "accuracy": loss,
            "test_loss": loss,
            "test_accuracy": loss,
        },
    )
    assert "id" not in out and out["step"] == 15000
    kept = out["steps"]
    assert len(kept) <= chapters.CURVE_POINTS and kept[0] == 0 and kept[-1] == 15000
    rows = [int(s // 50) for s in kept]
    assert out["loss"] == [r * K + k for r in rows for k in range(K)]


def test_export_thins_restarts_maps_to_about_21_points_per_axis():
    G, K = 41, 2
    xs = np.linspace(-1, 1, G)
    p = np.tile(np.linspace(0, 1, G * G), K)
    out = chapters.export(
        "restarts",
        {"seeds": [0, 1], "steps": np.arange(3.0), "loss": np.zeros(6), "grid": {"xs": xs, "ys": xs, "p": p}},
    )
    g = len(out["grid"]["xs"])
    assert g == chapters.GRID_POINTS and out["grid"]["xs"][0] == -1 and out["grid"]["xs"][-1] == 1
    assert len(out["grid"]["p"]) == K * g * g
    full = p.reshape(K, G, G)
    assert out["grid"]["p"][g * g - 1] == chapters._number(round(full[0, -1, -1], chapters.P_DECIMALS))
    assert out["grid"]["p"][1] == chapters._number(round(full[0, 0, 2], chapters.P_DECIMALS))
