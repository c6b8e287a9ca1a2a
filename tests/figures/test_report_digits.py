"""``python -m pyinit report`` of a run on the digits: layer 1 as weight images and test digits with
the net's answers take the place of 1,040 trajectories and the decision boundary (64-D inputs have
no input plane), every number read back from the HTML and checked against ``api.run``."""

import numpy as np
import pytest

from by_hand import named_trace, parse_report
from pyinit import api
from pyinit.analysis import digit_panels
from pyinit.cli import main
from pyinit.errors import ConfigError

pytest.importorskip("plotly")
FLAGS = ["--dataset", "digits", "--n-samples", "300", "--hidden", "16", "--batch-size", "60", "--steps", "20"]


def config(init):
    return dict(dataset="digits", n_samples=300, hidden=[16], batch_size=60, steps=20, init=init)


def heatmaps(fig):
    return [t for t in fig["data"] if t["type"] == "heatmap"]


def answers_by_hand(result):
    """The grid digits' classes at the last record: tanh hidden layer, argmax of the logits."""
    X, _ = digit_panels.grid()
    (W1, W2), (b1, b2) = (
        [np.array(w[-1]) for w in result["weights"]],
        [np.array(b[-1]) for b in result["biases"]],
    )
    return (np.tanh(X @ W1 + b1) @ W2 + b2).argmax(axis=1)


@pytest.mark.parametrize("init, distinct", [("he", 16), ("constant:0.1", 1)])
def test_digits_report_draws_weight_images_and_test_digits(init, distinct, tmp_path):
    out = tmp_path / "digits.html"
    assert main(["report", *FLAGS, "--init", init, "--out", str(out)]) == 0
    text, parsed = parse_report(out)
    expected = api.run(config(init))
    figs = parsed.figures
    assert list(figs) == [
        "loss",
        "units",
        "trajectories-2",
        "test_digits",
        "symmetry",
        "gradient_norms",
        "signal",
    ]
    # loss: train loss and accuracy as for every run, plus the test accuracy of every record
    assert named_trace(figs["loss"], "loss")["y"] == expected["loss"]
    assert named_trace(figs["loss"], "test accuracy")["y"] == expected["test_accuracy"]
    # units: unit j's image at step 0 and at the last step is column j of W1, pixel (r, c) = row 8 r + c
    maps = heatmaps(figs["units"])
    assert len(maps) == 32
    for block, record in enumerate([0, -1]):
        W1 = np.array(expected["weights"][0][record])
        for j in range(16):
            assert np.array_equal(np.array(maps[16 * block + j]["z"], dtype=float), W1[:, j].reshape(8, 8))
    scale = max(np.abs(np.array(expected["weights"][0][r])).max() for r in (0, -1)) or 1.0
    assert {(m["zmin"], m["zmax"]) for m in maps} == {(-scale, scale)}, "one colour scale for every image"
    assert f"16 units: {distinct} distinct at step 0, {distinct} distinct at step 20" in text
    assert f"16 units, {distinct} distinct at step 20" in figs["units"]["layout"]["title"]["text"]
    # the output layer is 10 units (a softmax), not "1 unit"
    assert "10 units (softmax)" in figs["trajectories-2"]["layout"]["title"]["text"]
    # test digits: the grid's images and the answers of a forward pass written out here
    X, y = digit_panels.grid()
    maps = heatmaps(figs["test_digits"])
    assert [np.array(m["z"]).ravel().tolist() for m in maps] == X.tolist()
    pred = answers_by_hand(expected)
    titles = [a["text"] for a in figs["test_digits"]["layout"]["annotations"]]
    assert titles == [f"{p} ✓" if p == t else f"{p} ✗ (is {t})" for p, t in zip(pred, y)]
    acc = expected["test_accuracy"][-1]
    assert (
        f"{(pred == y).sum()} of 20 right at step 20; test accuracy on all 360 test images: {100 * acc:.1f} %"
        in text
    )
    assert "boundary" not in figs


def test_zeros_images_are_blank_and_the_facts_say_so(tmp_path):
    out = tmp_path / "z.html"
    assert main(["report", *FLAGS, "--init", "zeros", "--lang", "pl", "--out", str(out)]) == 0
    text, parsed = parse_report(out)
    assert all(not np.array(m["z"], dtype=float).any() for m in heatmaps(parsed.figures["units"]))
    assert "Każda waga wchodząca do warstwy 1 jest dokładnie 0: obrazy są puste." in text


def test_the_boundary_of_a_digits_run_is_refused_by_name():
    from pyinit.figures import plots

    result = api.run(config("he") | {"steps": 2})
    with pytest.raises(ConfigError) as info:
        plots.boundary(result)
    assert str(info.value).startswith(
        "dataset: the decision boundary is drawn over the input plane and needs a 2-D dataset"
    )
    assert "digits has 64 inputs, got 'digits'" in str(info.value)
