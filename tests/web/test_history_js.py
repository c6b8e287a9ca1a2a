"""The page's copy of a lab session's records (``site/js/app/history.js``) under Node's test runner
(``tests/js/history.test.mjs``): frames recorded here from real ``web.lab`` sessions, with what the
session held after each one, are appended in Node; the page's copy must equal the session's
records after every frame (the frame format's thinning rule, ``content/frames.json``)."""

import json
import os
import subprocess
from pathlib import Path

import numpy as np

from pyinit.training.config import Member, RunConfig
from pyinit.web import lab, sessions

TESTS = Path(__file__).resolve().parents[1]


def as_lists(frame):
    out = dict(frame)
    out["records"] = {k: np.asarray(v).tolist() for k, v in frame["records"].items()}
    out["kept"] = None if frame["kept"] is None else np.asarray(frame["kept"]).tolist()
    return out


def scenario(name, calls, every=100):
    """Frames of a new session stepped ``calls`` (n per call), and the session's records after each
    (count and sum of the steps; all steps at every ``every``-th frame, on halving and at the end)."""
    out = lab.create()
    rec = sessions.get(out["id"], lab.Session, "an open lab session").trainer.recorder
    frames, held = [], []
    for i, n in enumerate([None, *calls]):
        frame = out["frame"] if n is None else lab.step(out["id"], n)
        assert frame["step"] == rec.steps[-1]  # the last record is the trained step
        assert frame["provisional"] == (frame["step"] % rec.stride != 0)
        steps = rec.steps.tolist()
        full = i % every == 0 or frame["kept"] is not None or i == len(calls)
        frames.append(as_lists(frame))
        held.append({"count": len(steps), "sum": sum(steps), "steps": steps if full else None})
    assert rec.size <= rec.capacity + 1  # memory stays bounded
    data = {
        "name": name,
        "meta": out["meta"],
        "frames": frames,
        "held": held,
        "theta": rec.theta.ravel().tolist(),
    }
    lab.dispose(out["id"])
    return data, rec


def test_history_js_keeps_what_the_session_holds(site_js, monkeypatch, tmp_path):
    # issue 9: after the recorder halved its resolution, a frame with no new kept record crashed the
    # page (`lab.step(id, 2 if i % 7 else 1)` failed at call 1,078)
    long, rec = scenario(
        "1,200 calls of 1 or 2 steps: thinned once", [2 if i % 7 else 1 for i in range(1200)]
    )
    assert rec.stride == 2
    monkeypatch.setattr(lab, "MAX_RECORDS", 10)
    calls = [50] * 6 + [1] * 40 + [0, 0, 3, 0] + [50] * 3 + [1, 2, 1] * 10 + [0]
    speeds, rec = scenario("speed changes and frames without new records, 10 records kept", calls, every=1)
    assert rec.capacity == 10 and rec.stride > 1
    halving, rec = scenario("halving sends the kept steps", [5] * 6, every=1)
    assert any(f["kept"] is not None for f in halving["frames"]) and rec.steps[-1] == 30
    frames = tmp_path / "frames.json"
    frames.write_text(json.dumps({"scenarios": [long, speeds, halving]}), encoding="utf-8")
    env = {**os.environ, "SITE_JS": str(site_js.root / "js"), "FRAMES": str(frames)}
    done = subprocess.run(
        ["node", "--test", str(TESTS / "js" / "history.test.mjs")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "# pass 6" in done.stdout and "# fail 0" in done.stdout, done.stdout[-2000:]


def test_the_frame_format_is_what_lab_sends():
    out = lab.create()
    names = [f["name"] for f in lab.RECORDS if not f.get("images_only")]  # toy data in the plane
    assert list(out["frame"]["records"]) == names
    assert [r["name"] for r in out["meta"]["records"]] == names
    for f, r in zip(lab.RECORDS, out["meta"]["records"]):
        assert out["frame"]["records"][f["name"]].dtype == np.dtype(f["live"])
        assert out["frame"]["records"][f["name"]].size == r["size"]  # one record
    assert {f["name"] for f in lab.DATA} == set(out["data"])
    lab.dispose(out["id"])


def test_image_data_frames_add_the_grids_answers():
    session = lab.Session(RunConfig(dataset="digits", hidden=(3,)), [Member(init="zeros"), Member(init="he")])
    meta, frame = session.meta(), session.frame()
    sizes = {r["name"]: r["size"] for r in meta["records"]}
    assert list(frame["records"]) == [f["name"] for f in lab.RECORDS] and sizes["grid_pred"] == 2 * 20
    assert frame["records"]["grid_pred"].size == sizes["grid_pred"]  # one record
    zeros = frame["records"]["grid_pred"][:20]
    assert set(zeros.tolist()) == {0.0}  # all-zero weights: equal outputs, argmax takes class 0
