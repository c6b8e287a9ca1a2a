"""pyinit.web.lab: the page's lab sessions (pure Python; the page tests are in tests/browser)."""

import numpy as np
import pytest

from pyinit.core.network import Layout
from pyinit.errors import ConfigError
from pyinit.training import stats
from pyinit.training.config import Member, RunConfig
from pyinit.training.trainer import Trainer
from pyinit.web import lab, sessions


def records(frame, K, P):
    r = frame["records"]
    R = len(r["steps"])
    return r["steps"], r["theta"].reshape(R, K, P), r["grad"].reshape(R, K, P), r["loss"].reshape(R, K)


def session_of(sid):
    return sessions.get(sid, lab.Session, "an open lab session")


@pytest.fixture
def session():
    out = lab.create()
    yield out
    lab.dispose(out["id"])


def test_create_gives_meta_data_and_step_zero(session):
    meta = session["meta"]
    assert meta["K"] == 2 and meta["sizes"] == [2, 4, 1] and meta["P"] == 2 * 4 + 4 + 4 + 1
    assert session["data"]["X"].shape == (400,) and session["data"]["y"].shape == (200,)
    steps, theta, grad, loss = records(session["frame"], 2, meta["P"])
    assert list(steps) == [0.0]
    assert np.all(theta[0, 0] == 0.0)  # left: zeros
    assert np.all(theta[0, 1, :8] != 0.0)  # right: Xavier first-layer weights
    assert session["frame"]["provisional"] is False and session["frame"]["limit"] is None
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
    assert list(steps) == list(range(1, 301))  # only the new records
    assert np.all(theta[:, 0] == 0.0) and np.all(grad[:, 0] == 0.0)
    assert np.all(loss[:, 0] == loss[0, 0]) and loss[0, 0] == pytest.approx(np.log(2), rel=1e-15)  # p = 0.5
    sym = frame["records"]["sym"].reshape(300, 2, 1)
    gnorm = frame["records"]["gnorm"].reshape(300, 2, 2)
    distinct = frame["records"]["distinct"].reshape(300, 2, 1)
    assert np.all(sym[:, 0] == 0.0) and np.all(gnorm[:, 0] == 0.0) and np.all(distinct[:, 0] == 1.0)
    assert np.all(sym[:, 1] > 0.0) and np.all(gnorm[:, 1] > 0.0) and np.all(distinct[:, 1] == 4.0)
    assert loss[-1, 1] < 0.2  # Xavier learns XOR


def test_step_chunks_equal_single_steps():
    a, b = lab.create(), lab.create()
    fa = lab.step(a["id"], 25)
    for _ in range(25):
        fb = lab.step(b["id"], 1)
    assert fa["step"] == fb["step"] == 25
    np.testing.assert_array_equal(fa["records"]["theta"][-34:], fb["records"]["theta"])


def test_right_member_equals_a_single_xavier_run():
    """The page's right panel is exactly the run `--init xavier --seed 0` (K = 1)."""
    out = lab.create()
    frame = lab.step(out["id"], 200)
    _, theta, _, _ = records(frame, 2, out["meta"]["P"])
    cfg = RunConfig(
        dataset="xor",
        n_samples=200,
        noise=0.1,
        hidden=(4,),
        activation="tanh",
        lr=0.5,
        init="xavier",
        seed=0,
        steps=200,
    )
    single = Trainer(cfg, [Member()])
    single.step(200)
    assert np.max(np.abs(theta[-1, 1] - single.theta[0])) <= 1e-12


def test_divergence_is_per_member_and_the_other_goes_on():
    out = lab.create(settings={"activation": "linear", "lr": 10, "right_init": "he"})
    frame = lab.step(out["id"], 400)
    assert frame["diverged"][0] is None
    d = frame["diverged"][1]
    assert d["reason"] == "loss became inf" and 0 < d["step"] < 400
    assert frame["step"] == 400  # the zeros run kept going
    steps, theta, _, loss = records(frame, 2, out["meta"]["P"])
    assert np.all(np.isfinite(theta[:, 1]))  # last finite params are kept
    assert np.isnan(loss[-1, 1]) and np.isfinite(loss[-1, 0])


def test_a_frame_without_new_records_sends_the_current_step_again(monkeypatch):
    """(The page's copy of the records, history.js, is tested with real frames in
    test_history_js.py.)"""
    monkeypatch.setattr(lab, "MAX_RECORDS", 10)
    out = lab.create()
    lab.step(out["id"], 25)
    frame = lab.step(out["id"], 0)  # nothing new: the tail again
    assert frame["provisional"] and list(frame["records"]["steps"]) == [frame["step"]] == [25]


def test_the_session_stops_at_its_step_limit_and_says_so(monkeypatch):
    monkeypatch.setattr(lab, "MAX_STEPS", 30)
    out = lab.create()
    assert lab.step(out["id"], 20)["limit"] is None
    frame = lab.step(out["id"], 20)
    assert frame["step"] == 30 and frame["limit"] == "max_steps" and frame["records"]["steps"][-1] == 30
    assert lab.step(out["id"], 5)["step"] == 30


def test_frames_count_distinct_units_exactly():
    out = lab.create(settings={"left_init": "constant", "left_scale": 0.5, "width": 5, "layers": 2})
    frame = lab.step(out["id"], 20)
    R = len(frame["records"]["steps"])
    distinct = frame["records"]["distinct"].reshape(R, 2, 2)
    assert distinct.dtype == np.float64
    assert np.all(distinct[:, 0] == 1.0) and np.all(distinct[:, 1] == 5.0)  # clones vs Xavier
    layout = Layout(out["meta"]["sizes"])
    theta = frame["records"]["theta"].reshape(R, 2, -1)
    np.testing.assert_array_equal(distinct, stats.distinct_units(theta, layout))


def test_advance_then_step_continues_the_same_run():
    a, b = lab.create(), lab.create()
    fa = lab.advance(a["id"], 120)
    assert list(fa["records"]["steps"]) == [120.0] and fa["step"] == 120
    fa = lab.step(a["id"], 30)
    fb = lab.step(b["id"], 150)
    assert fa["records"]["steps"][0] == 121.0
    np.testing.assert_array_equal(fa["records"]["theta"][-34:], fb["records"]["theta"][-34:])


def test_advance_to_a_step_the_recorder_does_not_keep_shows_that_step(monkeypatch):
    monkeypatch.setattr(lab, "MAX_RECORDS", 10)
    a, b = lab.create(), lab.create()
    fa = lab.advance(a["id"], 333)
    assert list(fa["records"]["steps"]) == [333.0] and fa["provisional"]
    fb = lab.advance(b["id"], 333)
    np.testing.assert_array_equal(fa["records"]["theta"], fb["records"]["theta"])
    assert lab.inspect(a["id"], 333, 1)["step"] == 333  # the shown step is inspectable


def test_inspect_shows_why_the_gradient_is_zero(session):
    lab.step(session["id"], 10)
    left = lab.inspect(session["id"], 10, 0)
    l1, l2 = left["layers"]
    assert l1["identical"] == [[0, 1, 2, 3]]  # all four hidden units are clones
    assert np.all(l2["a_in"]["values"] == 0.0)  # tanh(0) = 0: the output layer sees zeros
    assert np.all(l1["dW"]["values"] == 0.0) and np.all(l2["dW"]["values"] == 0.0)
    right = lab.inspect(session["id"], 10, 1)
    r1 = right["layers"][0]
    assert r1["identical"] == []
    f = r1["formula"]
    assert f["n"] == 200 and len(f["terms"]) == 3
    assert f["value"] == pytest.approx(f["check"], rel=1e-12, abs=1e-15)  # dW = a^T delta / n
    assert r1["dW"]["rows"] == 2 and r1["dW"]["cols"] == 4 and r1["z"]["rows"] == 4


def test_landscape_contains_the_current_loss(session):
    lab.step(session["id"], 50)
    for member in (0, 1):
        out = lab.landscape(session["id"], 50, member, n=11)
        loss = out["loss"].reshape(11, 11)
        centre = loss[5, 5]
        assert out["now"] == [0.0, 0.0]
        rec = session_of(session["id"]).trainer.recorder
        assert centre == pytest.approx(rec.loss[-1, member], rel=1e-9)
        assert len(out["path"]["alpha"]) == 51
    zero = lab.landscape(session["id"], 50, 0, n=11)
    assert zero["how"] == "layers"  # the zero run has no path to follow
    z = zero["loss"].reshape(11, 11)
    # a critical point: with only first-layer weights (or only later ones) moved, the output is still
    # sigmoid(0) for every input, so the loss is exactly flat along both axes; off the axes it is not
    assert np.all(z[5, :] == z[5, 5]) and np.all(z[:, 5] == z[5, 5])
    assert np.ptp(z) > 1e-3


def test_bad_input_is_a_config_error_naming_the_parameter():
    with pytest.raises(ConfigError, match="^lr: "):
        lab.create(settings={"lr": -1})
    with pytest.raises(ConfigError, match="^left_init: "):
        lab.create(settings={"left_init": "bogus"})
    with pytest.raises(ConfigError, match="^left_scale: "):
        lab.create(settings={"left_init": "normal", "left_scale": 0})
    with pytest.raises(ConfigError, match="^settings: "):
        lab.create(settings={"members": [{"init": "zeros"}]})
    with pytest.raises(ConfigError, match="^id: "):
        lab.step(987654, 1)
    with pytest.raises(ConfigError, match="^step: "):
        s = lab.create()
        lab.inspect(s["id"], 5, 0)


def test_the_registry_is_bounded_and_ids_are_not_reused():
    ids = [lab.create()["id"] for _ in range(sessions.MAX_SESSIONS + 3)]
    assert len(set(ids)) == len(ids) and sessions.count() <= sessions.MAX_SESSIONS
    with pytest.raises(ConfigError, match="^id: "):
        lab.step(ids[0], 1)  # the oldest were dropped
    assert lab.step(ids[-1], 1)["step"] == 1
    lab.dispose(ids[-1])
    lab.dispose(ids[-1])  # unknown ids are ignored
    with pytest.raises(ConfigError, match="^id: "):
        lab.step(ids[-1], 1)
