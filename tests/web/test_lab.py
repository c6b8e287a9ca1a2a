"""pyinit.lab: the browser-facing lab sessions (pure Python; the page tests are in tests/browser)."""

import json

import numpy as np
import pytest

from pyinit.web import lab
from pyinit.training.config import Member, RunConfig
from pyinit.errors import ConfigError
from pyinit.core.network import Layout
from pyinit.training.trainer import Trainer

DEFAULT = lab.DEFAULT_CONFIG


def records(frame, K, P):
    r = frame["records"]
    R = len(r["steps"])
    return r["steps"], r["theta"].reshape(R, K, P), r["grad"].reshape(R, K, P), r["loss"].reshape(R, K)


@pytest.fixture
def session():
    out = lab.create(DEFAULT)
    yield out
    lab.dispose(out["id"])


def test_create_gives_meta_data_and_step_zero(session):
    meta = session["meta"]
    assert meta["K"] == 2 and meta["sizes"] == [2, 4, 1] and meta["P"] == 2 * 4 + 4 + 4 + 1
    assert session["data"]["X"].shape == (400,) and session["data"]["y"].shape == (200,)
    steps, theta, grad, loss = records(session["frame"], 2, meta["P"])
    assert list(steps) == [0.0]
    assert np.all(theta[0, 0] == 0.0)                       # left: zeros
    assert np.all(theta[0, 1, :8] != 0.0)                   # right: Xavier first-layer weights
    # the layout says where W[l][i, j] lives: check it against network.Layout
    layout = Layout(meta["sizes"])
    W1 = layout.W(theta[0, 1], 1)
    e = next(x for x in meta["layout"] if x["kind"] == "W" and x["layer"] == 1)
    for i in range(2):
        for j in range(4):
            assert theta[0, 1, e["offset"] + j * e["rows"] + i] == W1[i, j]


def test_zero_init_tanh_stays_exactly_at_zero(session):
    P = session["meta"]["P"]
    frame = lab.step(session["id"], 300)
    steps, theta, grad, loss = records(frame, 2, P)
    assert list(steps) == list(range(1, 301))             # only the new records
    assert np.all(theta[:, 0] == 0.0) and np.all(grad[:, 0] == 0.0)
    assert np.all(loss[:, 0] == loss[0, 0]) and loss[0, 0] == pytest.approx(np.log(2), rel=1e-15)  # p = 0.5
    sym = frame["records"]["sym"].reshape(300, 2, 1)
    gnorm = frame["records"]["gnorm"].reshape(300, 2, 2)
    assert np.all(sym[:, 0] == 0.0) and np.all(gnorm[:, 0] == 0.0)
    assert np.all(sym[:, 1] > 0.0) and np.all(gnorm[:, 1] > 0.0)
    assert loss[-1, 1] < 0.2                               # Xavier learns XOR


def test_step_chunks_equal_single_steps():
    a, b = lab.create(DEFAULT), lab.create(DEFAULT)
    fa = lab.step(a["id"], 25)
    for _ in range(25):
        fb = lab.step(b["id"], 1)
    assert fa["step"] == fb["step"] == 25
    np.testing.assert_array_equal(fa["records"]["theta"][-34:], fb["records"]["theta"])


def test_right_member_equals_a_single_xavier_run():
    """The page's right panel is exactly the run `--init xavier --seed 0` (K = 1)."""
    out = lab.create(DEFAULT)
    frame = lab.step(out["id"], 200)
    _, theta, _, _ = records(frame, 2, out["meta"]["P"])
    cfg = RunConfig(dataset="xor", n_samples=200, noise=0.1, hidden=(4,), activation="tanh", lr=0.5,
                    init="xavier", seed=0, steps=200)
    single = Trainer(cfg, [Member()])
    single.step(200)
    assert np.max(np.abs(theta[-1, 1] - single.theta[0])) <= 1e-12


def test_divergence_is_per_member_and_the_other_goes_on():
    cfg = {**DEFAULT, "activation": "linear", "lr": 10,
           "members": [{"init": "zeros"}, {"init": "he"}]}
    out = lab.create(cfg)
    frame = lab.step(out["id"], 400)
    assert frame["diverged"][0] is None
    d = frame["diverged"][1]
    assert d["reason"] == "loss became inf" and 0 < d["step"] < 400
    assert frame["step"] == 400                             # the zeros run kept going
    steps, theta, _, loss = records(frame, 2, out["meta"]["P"])
    assert np.all(np.isfinite(theta[:, 1]))                 # last finite params are kept
    assert np.isnan(loss[-1, 1]) and np.isfinite(loss[-1, 0])


def test_record_halving_sends_the_kept_steps(monkeypatch):
    monkeypatch.setattr(lab, "MAX_RECORDS", 10)
    out = lab.create(DEFAULT)
    seen = set(out["frame"]["records"]["steps"])
    for _ in range(6):
        frame = lab.step(out["id"], 5)
        if frame["kept"] is not None:
            seen &= set(frame["kept"])
        seen |= set(frame["records"]["steps"])
    assert frame["step"] == 30
    kept = set(lab._SESSIONS[out["id"]].trainer.recorder.steps.tolist())
    assert seen == kept and len(kept) <= 10


def test_advance_then_step_continues_the_same_run():
    a, b = lab.create(DEFAULT), lab.create(DEFAULT)
    fa = lab.advance(a["id"], 120)
    assert list(fa["records"]["steps"]) == [120.0]
    fa = lab.step(a["id"], 30)
    fb = lab.step(b["id"], 150)
    assert fa["records"]["steps"][0] == 121.0
    np.testing.assert_array_equal(fa["records"]["theta"][-34:], fb["records"]["theta"][-34:])


def test_inspect_shows_why_the_gradient_is_zero(session):
    lab.step(session["id"], 10)
    left = lab.inspect(session["id"], 10, 0)
    l1, l2 = left["layers"]
    assert l1["identical"] == [[0, 1, 2, 3]]                 # all four hidden units are clones
    assert np.all(l2["a_in"]["values"] == 0.0)               # tanh(0) = 0: the output layer sees zeros
    assert np.all(l1["dW"]["values"] == 0.0) and np.all(l2["dW"]["values"] == 0.0)
    right = lab.inspect(session["id"], 10, 1)
    r1 = right["layers"][0]
    assert r1["identical"] == []
    f = r1["formula"]
    assert f["n"] == 200 and len(f["terms"]) == 3
    assert f["value"] == pytest.approx(f["check"], rel=1e-12, abs=1e-15)   # dW = a^T delta / n
    assert r1["dW"]["rows"] == 2 and r1["dW"]["cols"] == 4 and r1["z"]["rows"] == 4


def test_landscape_contains_the_current_loss(session):
    lab.step(session["id"], 50)
    for member in (0, 1):
        out = lab.landscape(session["id"], 50, member, n=11)
        loss = out["loss"].reshape(11, 11)
        centre = loss[5, 5]
        assert out["now"] == [0.0, 0.0]
        rec = lab._SESSIONS[session["id"]].trainer.recorder
        assert centre == pytest.approx(rec.loss[-1, member], rel=1e-9)
        assert len(out["path"]["alpha"]) == 51
    zero = lab.landscape(session["id"], 50, 0, n=11)
    assert zero["how"] == "layers"                           # the zero run has no path to follow
    z = zero["loss"].reshape(11, 11)
    # a critical point: with only first-layer weights (or only later ones) moved, the output is still
    # sigmoid(0) for every input, so the loss is exactly flat along both axes; off the axes it is not
    assert np.all(z[5, :] == z[5, 5]) and np.all(z[:, 5] == z[5, 5])
    assert np.ptp(z) > 1e-3


def test_bad_input_is_a_config_error_naming_the_parameter():
    with pytest.raises(ConfigError, match="^lr: "):
        lab.create({**DEFAULT, "lr": -1})
    with pytest.raises(ConfigError, match="^init: "):
        lab.create({**DEFAULT, "members": [{"init": "bogus"}]})
    with pytest.raises(ConfigError, match="^scale: "):
        lab.create({**DEFAULT, "members": [{"init": "normal", "scale": 0}]})
    with pytest.raises(ConfigError, match="^id: "):
        lab.step(987654, 1)
    with pytest.raises(ConfigError, match="^step: "):
        s = lab.create(DEFAULT)
        lab.inspect(s["id"], 5, 0)


def test_precomputed_files_match_a_live_session(tmp_path):
    json_path, bin_path = lab.write_precomputed(tmp_path, steps=40)
    head = json.loads(json_path.read_text())
    blob = np.frombuffer(bin_path.read_bytes(), dtype="<f8")
    arr = lambda k: blob[head["arrays"][k][0]:head["arrays"][k][0] + head["arrays"][k][1]]  # noqa: E731
    assert head["config"] == DEFAULT and head["steps"] == 40
    live = lab.create(DEFAULT)
    frame = lab.step(live["id"], 40)
    both = np.concatenate([live["frame"]["records"]["theta"], frame["records"]["theta"]])
    np.testing.assert_array_equal(arr("theta"), both)
    np.testing.assert_array_equal(arr("X"), live["data"]["X"])


def test_default_config_is_the_pages_default_state():
    """build.py ships lab.DEFAULT_CONFIG precomputed; the page uses it only if its own defaults
    (site/js/state.js) give the same config. Keep the two in step."""
    import re
    from pathlib import Path
    text = (Path(__file__).resolve().parents[2] / "site" / "js" / "state.js").read_text()
    found = dict(re.findall(r'name: "(\w+)", type: "\w+",[^}]*?default: ("[^"]*"|[-\d.e]+)', text))
    page = {k: v.strip('"') if v.startswith('"') else float(v) for k, v in found.items()}
    for key in ("dataset", "n_samples", "noise", "activation", "lr", "momentum", "batch_size", "seed"):
        assert page[key] == DEFAULT[key], key
    assert [page["width"]] * int(page["layers"]) == DEFAULT["hidden"]
    bias = float(re.search(r'name: `\$\{s\}_bias`, [^}]*?default: ([-\d.]+)', text).group(1))
    members = []
    for side in ("left", "right"):
        init, scale = re.search(rf'side\("{side}", "(\w+)", ([-\d.]+)\)', text).groups()
        members.append({"init": init, "scale": float(scale), "bias": bias})
    assert DEFAULT["members"] == members
