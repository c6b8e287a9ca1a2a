"""Every claim the guided tour makes, checked natively on the exact presets the page loads.

The presets come from ``pyinit/content/chapters.json`` through ``pyinit.settings.presets`` (the page
gets the same ones). "Lab" tests run a chapter's two-sided lab preset with ``pyinit.web.lab``
exactly as the page would; "view" tests run the chapter views (``web.symmetry_experiments``,
``web.scale_experiments``). The numbers quoted in the tour's texts are either computed live on the
page or asserted here.
"""

import math

import numpy as np
import pytest

from pyinit import content
from pyinit.errors import ConfigError
from pyinit.settings import page_state
from pyinit.web import chapters as tour, lab, scale_experiments, symmetry_experiments

PANELS = {
    "network",
    "boundary",
    "loss",
    "traj",
    "symmetry",
    "gradnorm",
    "units",
    "inspector",
    "landscape",
    "weights",
    "digits",  # image data (the digits chapter)
}

LN2 = math.log(2)


def run_lab(chapter_id, steps=None, **changes):
    """The chapter's lab preset trained for its steps: a Trainer with members (left, right)."""
    c = tour.chapter(chapter_id)
    session = lab.Session.from_settings({**c["state"], **changes})
    session.trainer.step(c["steps"] if steps is None else steps)
    return session.trainer


def test_presets_are_complete_and_json_friendly():
    import json

    p = tour.presets()
    assert (
        [c["id"] for c in p["chapters"]]
        == [
            "simple",
            "additive",
            "clones",
            "stuck",
            "layers",
            "biases",
            "optimizers",
            "noise",
            "restarts",
            "yourself",
            "scale",
            "large",
            "origins",
            "reproduce",
            "modern",
            "digits",
        ]
        == tour.ids()
    )
    assert [c["number"] for c in p["chapters"]] == list(range(1, 17))
    legacy = {c["legacy"]: c["id"] for c in p["chapters"] if c["legacy"]}
    assert legacy == {
        1: "simple",
        2: "additive",
        3: "clones",
        4: "stuck",
        5: "noise",
        6: "restarts",
        7: "scale",
        8: "reproduce",
    }
    assert all(tour.chapter(n)["id"] == cid for n, cid in legacy.items())  # old links chapter=N
    chapter_key = page_state.SPEC["chapter"]  # the page's chapter setting: the ids, the legacy numbers
    assert chapter_key["choices"] == tour.ids() and chapter_key["default"] == "simple"
    assert chapter_key["legacy"] == {str(n): cid for n, cid in legacy.items()}
    assert p["defaults"] == page_state.defaults()
    for c in p["chapters"]:
        assert set(c["state"]) == set(page_state.RUN_KEYS)
        page_state.run_config(c["state"], run_code_here=True)  # valid page settings
        assert 2 <= len(c["panels"]) <= 4 and set(c["panels"]) <= PANELS
        if c["view"] is not None:
            assert c["view"]["lab"] == c["state"]
    json.dumps(p)
    assert tour.chapter(5)["id"] == "noise"
    with pytest.raises(ConfigError, match="chapter"):
        tour.chapter("nope")


def test_presets_list_only_what_they_change_and_nothing_is_changed_on_read():
    defaults = page_state.defaults()
    for c in content.chapters():
        assert c["preset"] and all(defaults[k] != v for k, v in c["preset"].items()) or c["id"] == "simple"
        assert c["view"] is None or "lab" not in c["view"]
    first = tour.presets()
    i = tour.ids().index("noise")
    first["chapters"][i]["view"]["eps"].append(1.0)
    first["chapters"][i]["state"]["lr"] = 9
    assert tour.presets() != first and "lab" not in content.chapters()[i]["view"]


def test_no_hidden_layer_chapter_does_not_show_symmetry():
    for c in tour.presets()["chapters"]:
        if c["state"]["layers"] == 0:
            assert not {"symmetry", "traj", "units"} & set(c["panels"]), c["id"]


def test_chapter1_zeros_frozen_exactly_xavier_learns():
    tr = run_lab("simple")
    theta = tr.theta_history[:, 0]
    assert not theta.any(), "every weight and bias of the zero run stays exactly 0"
    assert not tr.grad_history[:, 0].any(), "every gradient is exactly 0 at every step"
    assert np.all(tr.loss_history[:, 0] == tr.loss_history[0, 0])
    assert tr.loss_history[0, 0] == pytest.approx(LN2, abs=1e-15)  # "ln 2 ≈ 0.693"
    assert tr.y.mean() == 0.5  # balanced: even b_out stays 0
    assert tr.accuracy_history[-1, 1] >= 0.95 and tr.loss_history[-1, 1] < 0.1


def test_chapter2_no_hidden_layer_zero_init_learns_like_random():
    tr = run_lab("additive")
    assert tr.layout.L == 1
    assert tr.theta_history[1, 0].any(), "one step from zeros already moves the weights"
    acc, loss = tr.accuracy_history[-1], tr.loss_history[-1]
    assert acc[0] >= 0.95 and acc[1] >= 0.95
    assert abs(loss[0] - loss[1]) < 0.01, loss


def test_chapter3_constant_init_clones_move_but_stay_identical():
    tr = run_lab("clones")
    sym = tr.symmetry()
    assert np.all(sym[:, 0] == 0.0), "the constant run's units stay bitwise identical"
    W1 = tr.weights(1)[:, 0]
    assert np.abs(W1[-1] - 0.5).max() > 0.1, "...while they move"
    assert np.all(W1[..., :, :1] == W1)  # every column equal, every step
    assert sym[-1, 1, 0] > 0.1
    # "4 units worth 1": the clones do no better than a net with one hidden unit of the same start
    one = run_lab("clones", width=1)
    assert tr.loss_history[-1, 0] >= one.loss_history[-1, 0] - 0.05
    assert tr.loss_history[-1, 0] > 0.3 and tr.loss_history[-1, 1] < 0.1


def test_chapter4_view_tanh_relu_frozen_sigmoid_layer_by_layer():
    c = tour.chapter("stuck")
    r = symmetry_experiments.stuck(c["view"])
    L = r["layers"]
    assert L == 3
    for run in r["runs"]:
        dW = run["dW"].reshape(-1, L)
        if run["activation"] in ("tanh", "relu"):
            assert not dW.any(), "f(0) = 0: every weight gradient is exactly 0"
            assert run["first_moving"] == [None, None, None]
            assert run["db_out"].any(), "only the output bias learns (on mini-batches)"
        else:
            # sigmoid: the output layer at step 0, then one layer per step towards the input
            assert run["first_moving"] == [2, 1, 0]
            assert not run["symmetry"].any(), "but every hidden layer stays exactly symmetric"


def test_chapter4_lab_sigmoid_from_zeros_moves_symmetrically():
    tr = run_lab("stuck")
    assert tr.config.activation == "sigmoid" and tr.config.batch_size == 10
    assert np.abs(tr.weights(1)[-1, 0]).max() > 1e-3, "the zero run's first-layer weights move"
    assert np.all(tr.symmetry()[:, 0] == 0.0), "and stay exactly symmetric"
    assert tr.accuracy_history[-1, 1] >= 0.9


def test_chapter4_balanced_full_batch_sigmoid_from_zeros_does_not_move():
    """The text's caveat: with mean(y) = 0.5 and all points, mean(a - y) = 0 and nothing moves."""
    tr = run_lab("stuck", steps=50, batch_size=0)
    assert tr.y.mean() == 0.5
    assert not tr.theta_history[:, 0].any()


EPS_SWEEP = {
    "kind": "eps_sweep",
    "eps": [0.1, 0.01, 0.001, 0.0001, 1e-05, 1e-06, 1e-07, 1e-08],
    "tau": 0.5,
    "steps": 2500,
}


def test_chapter5_break_step_grows_like_log_of_one_over_eps():
    c = tour.chapter("noise")
    r = symmetry_experiments.eps_sweep({**EPS_SWEEP, "lab": c["state"]})
    br = r["break_step"]
    assert r["eps"] == [10.0**-k for k in range(1, 9)]
    assert None not in br, br
    assert all(a < b for a, b in zip(br, br[1:])), br
    gaps = np.diff(br[1:])  # steps per decade of eps (eps <= 1e-2)
    assert gaps.max() - gaps.min() <= 0.1 * gaps.mean(), gaps
    assert r["fit"]["r2"] > 0.99 and r["fit"]["slope"] > 0
    assert min(r["final_accuracy"]) >= 0.95
    print("tau", r["tau"], "break steps", br, "fit", r["fit"])


def test_chapter5_lab_smaller_eps_breaks_later():
    tr = run_lab("noise")
    br = symmetry_experiments.break_steps(tr.steps, tr.symmetry()[:, :, 0], EPS_SWEEP["tau"])
    assert br[0] is not None and br[1] is not None and br[0] < br[1]
    assert tr.accuracy_history[-1].min() >= 0.95


def test_chapter6_restarts_end_in_different_solutions():
    c = tour.chapter("restarts")
    r = scale_experiments.restarts(c["view"])
    losses = np.array(r["final_loss"])
    assert len(losses) == 16
    distinct = np.unique(np.round(losses, 2))
    assert len(distinct) >= 3, losses
    assert losses.max() - losses.min() > 0.1
    G = len(r["grid"]["xs"])
    assert r["grid"]["p"].shape == (16 * G * G,)
    print("restart losses", np.round(losses, 3).tolist(), "accuracies", r["final_accuracy"])


def test_chapter6_lab_two_random_starts_differ():
    tr = run_lab("restarts")
    loss = tr.loss_history[-1]
    assert abs(loss[0] - loss[1]) > 0.05, loss


def test_chapter6_zero_restarts_are_all_the_same_run():
    c = tour.chapter("restarts")
    view = {**c["view"], "init": "zeros", "seeds": [0, 1, 2], "steps": 50}
    r = scale_experiments.restarts(view)
    assert len(set(r["final_loss"])) == 1


def test_chapter7_signal_propagation_matches_he_et_al():
    c = tour.chapter("scale")
    r = scale_experiments.signal(c["view"])
    runs = {(x["activation"], x["init"]): x for x in r["runs"]}
    act = lambda a, i: np.array(runs[(a, i)]["activation_std"])
    grad = lambda a, i: np.array(runs[(a, i)]["gradient_std"])
    depth = r["depth"]
    assert depth == 30 and r["width"] == 64
    # ReLU + Xavier: the variance halves per layer (std * 1/sqrt(2)), He keeps it
    per_layer = (act("relu", "xavier")[-1] / act("relu", "xavier")[0]) ** (1 / (depth - 1))
    assert 0.62 < per_layer < 0.78, per_layer
    assert act("relu", "xavier")[-1] < 1e-4
    assert act("relu", "he")[-1] > 0.1 and act("relu", "he")[-1] / act("relu", "he")[0] > 0.1
    # too small: vanishes (both activations); too large with ReLU: explodes
    for a in ("tanh", "relu"):
        assert act(a, "normal:0.01")[-1] < 1e-20
        assert grad(a, "normal:0.01")[0] < 1e-20
    assert act("relu", "normal:1")[-1] > 1e15
    # too large with tanh: saturated units, and gradients that grow towards the input
    assert act("tanh", "normal:1").min() > 0.9
    assert grad("tanh", "normal:1")[0] > 1e3 * grad("tanh", "normal:1")[-1]
    # Xavier keeps tanh's signal alive
    assert act("tanh", "xavier")[-1] > 0.05 and grad("tanh", "xavier")[0] > 0.05


def test_chapter7_lab_too_small_stays_stuck_he_learns():
    tr = run_lab("scale")
    assert tr.loss_history[-1, 0] > 0.69, "sigma = 0.01 through 4 ReLU layers: still at ln 2"
    assert tr.accuracy_history[-1, 1] >= 0.95


@pytest.mark.slow
def test_reproduce_view_reproduces_the_course_result():
    c = tour.chapter("reproduce")
    assert c["view"]["hidden"] == [10, 5] and c["state"]["lr"] == 0.01 and c["view"]["steps"] == 15000
    assert c["state"]["dataset"] == "rings" and c["state"]["activation"] == "relu"
    r = tour.reproduce(c["view"])
    assert r["step"] == 15000
    zero_acc, big_acc, he_acc = r["final_accuracy"]
    assert zero_acc == 0.5 and r["final_loss"][0] == pytest.approx(LN2, abs=1e-3)
    assert he_acc >= 0.95 and big_acc < he_acc
    print("reproduce accuracies (zeros, x10, he):", r["final_accuracy"], "losses", r["final_loss"])


@pytest.mark.slow
def test_reproduce_lab_preset_same_result():
    tr = run_lab("reproduce")
    assert tr.accuracy_history[-1, 0] == 0.5
    assert tr.accuracy_history[-1, 1] >= 0.95


def test_reproduce_chunks_equal_one_call():
    view = {**tour.chapter("reproduce")["view"], "steps": 120}
    whole = tour.reproduce(view)
    first = tour.reproduce_start(view)
    for _ in range(3):
        last = tour.reproduce_step(first["id"], 40)
    tour.reproduce_dispose(first["id"])
    assert np.array_equal(whole["loss"], last["loss"])
    with pytest.raises(ConfigError, match="id"):
        tour.reproduce_step(first["id"], 1)
    # one at a time: a new experiment drops the previous one; lab sessions are not touched
    session = lab.create()
    a = tour.reproduce_start(view)
    b = tour.reproduce_start(view)
    with pytest.raises(ConfigError, match="reproduce experiment"):
        tour.reproduce_step(a["id"], 1)
    with pytest.raises(ConfigError, match="reproduce experiment"):
        tour.reproduce_step(session["id"], 1)  # a lab session is not a reproduce run
    assert tour.reproduce_step(b["id"], 1)["step"] == 1 and lab.step(session["id"], 1)["step"] == 1
