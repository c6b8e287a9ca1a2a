"""Lab sessions on the digits (the Python side of the page's digits lab): records scored on the
test set, weight images straight from ``theta``, the grid of test digits and the net's answers."""

import numpy as np
import pytest

from pyinit.analysis import digit_panels
from pyinit.errors import ConfigError
from pyinit.training import stats
from pyinit.training.config import Member, RunConfig
from pyinit.training.trainer import Trainer
from pyinit.web import lab, sessions

CONFIG = RunConfig(dataset="digits", hidden=16, activation="relu", batch_size=64, lr=0.1)
MEMBERS = [Member(init="zeros"), Member(init="he")]


@pytest.fixture
def digits_session():
    s = lab.Session(CONFIG, MEMBERS)
    sid = sessions.create(s)
    yield sid, s
    lab.dispose(sid)


def test_meta_and_frames_of_a_digits_session(digits_session):
    sid, s = digits_session
    meta = s.meta()
    assert meta["sizes"] == [64, 16, 10] and meta["scored_on"] == "test"
    images = meta["images"]
    X, y = digit_panels.grid()
    assert images["shape"] == [8, 8] and images["classes"] == 10
    assert np.array_equal(images["grid_X"], X.ravel()) and images["grid_y"].tolist() == y.tolist()
    s.frame()
    frame = lab.step(sid, 30)
    r = frame["records"]
    R, K, P = len(r["steps"]), 2, meta["P"]
    assert r["steps"].tolist() == list(range(1, 31))
    theta = r["theta"].reshape(R, K, P)
    # loss and accuracy: on the 360 test images, as evaluate_test scores those parameters
    loss, acc = s.trainer.evaluate_test(theta.reshape(-1, P))
    assert np.array_equal(r["loss"], loss) and np.array_equal(r["acc"], acc)
    # the answers on the grid, per record and member
    pred = digit_panels.predict(theta.reshape(-1, P), s.layout, "relu", X)
    assert np.array_equal(r["grid_pred"].reshape(R * K, 20), pred)
    # unit j's image is theta[W1 offset + 64 j : + 64], as meta.layout says
    w1 = next(b for b in meta["layout"] if b["kind"] == "W" and b["layer"] == 1)
    assert (w1["rows"], w1["cols"], w1["order"]) == (64, 16, "col")
    images_now = digit_panels.unit_images(theta[-1], s.layout)  # (K, 16, 8, 8)
    for j in (0, 7, 15):
        start = w1["offset"] + 64 * j
        assert np.array_equal(theta[-1, 1, start : start + 64], images_now[1, j].ravel())
    assert not images_now[0].any() and images_now[1].all(), "zeros: blank; He: every weight != 0"
    assert r["distinct"].reshape(R, K).tolist() == [[1.0, 16.0]] * R


def test_inspect_and_landscape_work_on_64_inputs(digits_session):
    sid, s = digits_session
    lab.step(sid, 5)
    out = lab.inspect(sid, 5, member=1)
    assert (
        out["n"] == 1437 and out["layers"][0]["a_in"]["cols"] == 64 and out["layers"][-1]["dW"]["cols"] == 10
    )
    assert out["layers"][0]["dW"]["rows"] == 64
    zero = lab.inspect(sid, 5, member=0)
    assert not zero["layers"][0]["dW"]["values"].any(), "zeros: every first-layer gradient exactly 0"
    land = lab.landscape(sid, 5, member=1, n=5)
    assert land["loss"].shape == (25,) and np.isfinite(land["loss"]).all()


def test_the_toys_sessions_are_unchanged():
    out = lab.create()
    try:
        assert out["meta"]["scored_on"] == "data" and out["meta"]["images"] is None
        assert "grid_pred" not in out["frame"]["records"]
    finally:
        lab.dispose(out["id"])


def test_score_test_records_test_metrics_and_trains_the_same():
    cfg = RunConfig(dataset="digits", n_samples=200, hidden=8, batch_size=50, steps=12)
    on_test = Trainer(cfg, MEMBERS, score="test")
    on_data = Trainer(cfg, MEMBERS)
    on_test.step(12), on_data.step(12)
    assert np.array_equal(on_test.theta_history, on_data.theta_history), "scoring never changes training"
    loss, acc = on_test.evaluate_test(on_test.theta_history.reshape(-1, on_test.layout.P))
    assert np.array_equal(on_test.loss_history.ravel(), loss) and np.array_equal(
        on_test.accuracy_history.ravel(), acc
    )
    assert not np.array_equal(on_test.loss_history, on_data.loss_history)
    full = Trainer(cfg.replace(batch_size=None), MEMBERS, score="test")  # full batch too
    full.step(3)
    assert np.array_equal(
        full.loss_history.ravel(), full.evaluate_test(full.theta_history.reshape(-1, full.layout.P))[0]
    )
    with pytest.raises(ConfigError, match="score: must be data or test"):
        Trainer(cfg, score="train")


def test_distinct_units_of_a_constant_init_session():
    s = lab.Session(CONFIG, [Member(init="constant:0.05"), Member(init="he")])
    s.train(20)
    r = s.frame()["records"]
    assert set(r["distinct"].reshape(-1, 2)[:, 0]) == {1.0} and set(r["distinct"].reshape(-1, 2)[:, 1]) == {
        16.0
    }
    theta = r["theta"].reshape(-1, 2, s.layout.P)
    assert (stats.symmetry(theta, s.layout)[:, 0] == 0).all()


def test_panels_give_images_scale_distinct_units_and_answers_per_record():
    from pyinit.bench import DIGITS, DIGITS_MEMBERS

    tr = Trainer(DIGITS.replace(steps=40, every=20), list(DIGITS_MEMBERS))
    tr.step(40)
    out = digit_panels.panels(tr)
    R, K = 3, 3
    assert out["steps"].tolist() == [0, 20, 40] and out["K"] == K
    images = out["images"].reshape(R, K, 16, 8, 8)
    W1 = tr.weights(1)  # (R, K, 64, 16)
    assert np.array_equal(images, np.moveaxis(W1, -1, -2).reshape(R, K, 16, 8, 8))
    assert out["scale"] == np.abs(W1).max() > 0
    assert not images[:, 0].any(), "zeros: blank at every record"
    assert (images[:, 1] == images[:, 1, :1]).all(), "the constant: 16 identical images"
    assert out["distinct"].reshape(R, K).tolist() == [[1, 1, 16]] * R
    loss, acc = tr.evaluate_test(tr.theta_history.reshape(-1, tr.layout.P))
    assert np.array_equal(out["test_acc"], acc) and np.array_equal(out["test_loss"], loss)
    X, y = digit_panels.grid()
    assert np.array_equal(out["grid_X"], X.ravel()) and out["grid_y"].tolist() == y.tolist()
    pred = out["grid_pred"].reshape(R, K, 20)
    assert (pred[:, 0] == pred[:, 0, :1]).all(), "zeros: one answer for every digit"
    assert (pred[-1, 2] == y).mean() >= 0.7
