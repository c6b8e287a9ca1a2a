"""The recorder's provisional tail, and the record statistics on any number of records (even none)."""

import numpy as np
import pytest

from pyinit.core.network import Layout
from pyinit.training import stats
from pyinit.training.config import Member, RunConfig
from pyinit.training.recorder import Recorder
from pyinit.training.trainer import Trainer


def test_a_provisional_tail_is_replaced_by_the_next_record_and_never_kept():
    rec = Recorder(K=1, P=2, every=1, capacity=4)
    for t in range(4):
        rec.append(t, np.full((1, 2), t), np.zeros((1, 2)), np.zeros(1), np.zeros(1))
    rec.set_tail(5, np.full((1, 2), 5), np.zeros((1, 2)), np.ones(1), np.ones(1))
    assert rec.tail and rec.steps.tolist() == [0, 1, 2, 3, 5] and rec.theta[-1, 0, 0] == 5
    rec.set_tail(7, np.full((1, 2), 7), np.zeros((1, 2)), np.ones(1), np.ones(1))  # replaces the tail
    assert rec.steps.tolist() == [0, 1, 2, 3, 7]
    rec.append(8, np.full((1, 2), 8), np.zeros((1, 2)), np.zeros(1), np.zeros(1))  # full: halves
    assert not rec.tail and rec.steps.tolist() == [0, 2, 8] and rec.stride == 2
    assert rec.theta[:, 0, 0].tolist() == [0, 2, 8] and rec.size == rec.count == 3
    nbytes = rec.nbytes
    for t in range(10, 400, 2):
        rec.append(t, np.full((1, 2), t), np.zeros((1, 2)), np.zeros(1), np.zeros(1))
        rec.set_tail(t + 1, np.full((1, 2), t + 1), np.zeros((1, 2)), np.zeros(1), np.zeros(1))
    assert rec.nbytes == nbytes and rec.size <= rec.capacity + 1  # bounded


def test_record_tail_records_the_current_step_exactly_as_a_kept_record_would():
    cfg = RunConfig(hidden=(3,), batch_size=20, every=4, max_records=50)
    a, b = Trainer(cfg, [Member(), Member(seed=1)]), Trainer(cfg.replace(every=1), [Member(), Member(seed=1)])
    a.step(7)
    assert a.recorder.steps.tolist() == [0, 4] and a.record_tail()
    b.step(7)
    assert a.steps.tolist() == [0, 4, 7] and a.recorder.tail
    for name in ("theta_history", "grad_history", "loss_history", "accuracy_history"):
        np.testing.assert_array_equal(getattr(a, name)[-1], getattr(b, name)[-1])
    a.step(1)  # step 8 is kept: the tail is gone
    assert a.steps.tolist() == [0, 4, 8] and not a.recorder.tail and a.record_tail()
    assert a.steps.tolist() == [0, 4, 8]


def test_a_run_that_stopped_everywhere_gets_no_tail():
    tr = Trainer(RunConfig(hidden=(4,), activation="linear", lr=100, init="normal:3", every=1000))
    tr.step(200)
    assert tr.diverged[0] is not None and not tr.record_tail() and tr.steps.tolist() == [0]


@pytest.mark.parametrize("sizes", [(2, 1), (2, 4, 1), (2, 3, 5, 1)])
def test_statistics_of_zero_records(sizes):
    layout = Layout(sizes)
    H, L = layout.L - 1, layout.L
    empty = np.zeros((0, 2, layout.P))
    assert stats.weight_grad_norms(empty, layout).shape == (0, 2, L)
    assert stats.bias_grad_norms(empty, layout).shape == (0, 2, L)
    assert stats.symmetry(empty, layout).shape == (0, 2, H)
    assert stats.distinct_units(empty, layout).shape == (0, 2, H)
    act = stats.activation_stats(empty, layout, "relu", np.ones((5, 2)))
    assert act["mean"].shape == (0, 2, L) and act["dead"].shape == (0, 2, H)


def test_distinct_units_and_identical_columns_compare_bitwise():
    layout = Layout((2, 4, 3, 1))
    theta = np.random.default_rng(0).standard_normal((3, layout.P))
    theta[1] = 0.0  # all units equal
    W2, b2 = layout.W(theta, 2), layout.b(theta, 2)
    W2[2], b2[2] = 0.0, 0.0  # layer 2: three clones ...
    W2[2, 0, 1] = -0.0  # ... but unit 1's bits differ
    assert stats.distinct_units(theta, layout).tolist() == [[4, 3], [1, 1], [4, 2]]
    assert stats.distinct_units(theta[None], layout, chunk=1).shape == (1, 3, 2)
    W, b = layout.W(theta[2], 2), layout.b(theta[2], 2)[0]
    assert stats.identical_columns([W, b[None]]) == [[0, 2]]
    assert stats.identical_columns([np.zeros((2, 3)), np.array([[0.0, -0.0, 0.0]])]) == [[0, 2]]
