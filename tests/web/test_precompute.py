"""pyinit.web.precompute: each chapter's runs, packed at build time, equal the live lab's."""

import json

import numpy as np
import pytest

from pyinit.settings import page_state, presets
from pyinit.web import chapters, lab, precompute, sandbox, sessions

FLOAT32 = [
    name for name, dtype in precompute.DTYPE.items() if dtype == "<f4"
]  # the records, as frames.json says
SLOW = {"reproduce"}  # 15,000 steps: the slow suite checks it


def unpack(head, blob):
    out = {}
    for name, (dtype, offset, length) in head["arrays"].items():
        out[name] = np.frombuffer(blob, dtype=dtype, count=length, offset=offset)
    return out


@pytest.mark.parametrize(
    "cid", [pytest.param(c, marks=pytest.mark.slow) if c in SLOW else c for c in chapters.ids()]
)
def test_a_chapters_precomputed_records_are_the_live_sessions(cid):
    head, blob = precompute.chapter_run(cid)
    json.dumps(head)
    a = unpack(head, blob)
    c = chapters.chapter(cid)
    assert head["format"] == 2 and head["chapter"] == cid and head["steps"] == c["steps"]
    assert head["settings"] == page_state.run_settings(c["state"]) and head["provisional"] is False
    assert head["bytes"] == len(blob) and head["binary"] == f"{cid}.bin"
    assert sum(length * np.dtype(dtype).itemsize for dtype, _, length in head["arrays"].values()) == len(blob)
    steps, images = a["steps"], head["meta"]["images"] is not None
    fewest = precompute.MIN_IMAGE_RECORDS if images else precompute.MIN_RECORDS
    assert steps[0] == 0 and steps[-1] == c["steps"] and len(set(np.diff(steps))) == 1  # a uniform stride
    assert len(steps) >= fewest or head["stride"] == 1
    assert head["bytes"] <= head["budget"] or len(steps) == fewest
    only = ("grid_pred",) if images else ("X", "y")  # image data: the grid's answers; the plane: the data
    assert {name: dtype for name, (dtype, _, _) in head["arrays"].items()} == {
        n: d for n, d in precompute.DTYPE.items() if n not in ("X", "y", "grid_pred") or n in only
    }
    float32 = [n for n in FLOAT32 if n in a]
    assert len(FLOAT32) == 8 and len(float32) == (8 if images else 7)
    assert all(a[name].dtype == np.float32 for name in float32)
    # the live session, stepped as the page would, at the same steps
    # (a chapter whose init is the reader's code: the page runs it in its sandbox and passes the arrays)
    plan = lab.init_plan(c["state"])
    inits = {
        p: {
            k: v and [a.tolist() for a in v]
            for k, v in sandbox.run(
                page_state.decode_code(p, c["state"][p]), p, plan[p]["sizes"], plan[p]["seed"]
            ).items()
            if k in ("W", "b")
        }
        for p in plan
    }
    live = lab.create(settings=c["state"], inits=inits or None)
    assert precompute.json_meta(live["meta"]) == head["meta"]
    if images:  # image data: the 64-D inputs are not stored (never drawn), the grid's answers are
        assert "X" not in a and "y" not in a and "grid_pred" in a
    else:
        assert "grid_pred" not in a
        np.testing.assert_array_equal(a["X"], live["data"]["X"])
        np.testing.assert_array_equal(a["y"], live["data"]["y"])
    frames = [live["frame"]]
    while frames[-1]["step"] < c["steps"]:
        frames.append(lab.step(live["id"], min(lab.MAX_CHUNK, c["steps"] - frames[-1]["step"])))
    rec = sessions.get(live["id"], lab.Session, "a lab session").trainer.recorder
    common = np.intersect1d(steps, rec.steps)
    assert len(common) >= min(10, len(steps)) and common[-1] == c["steps"]
    mine = np.searchsorted(steps, common)
    session = sessions.get(live["id"], lab.Session, "")
    arrays = lab.record_arrays(session.trainer, np.searchsorted(rec.steps, common), session.grid)
    R = len(steps)
    for name in float32:
        want = arrays[name].reshape(len(common), -1).astype(np.float32)
        got = a[name].reshape(R, -1)[mine]
        np.testing.assert_array_equal(got, want, err_msg=name)  # float32 of the same float64
        assert np.array_equal(got == 0, arrays[name].reshape(len(common), -1) == 0), name  # exact zeros
    lab.dispose(live["id"])


def test_sizes_and_the_first_chapters_run():
    head, blob = precompute.chapter_run(presets.ids()[0])
    assert head["chapter"] == "simple" and head["bytes"] <= 150_000 and head["records"] >= 41
    small, _ = precompute.chapter_run("simple", budget_bytes=10_000)
    assert small["records"] == 41 and small["bytes"] > 10_000 and small["stride"] == 15  # honest: over budget
