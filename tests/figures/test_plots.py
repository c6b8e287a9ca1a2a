"""pyinit.figures.plots: the figures carry the run's numbers, and pyinit works without plotly.

Every check compares what a figure holds with ``pyinit.api.run`` / ``api.signal`` of the same
config (or with a hand-written forward pass), so a figure cannot silently show other data. Missing
plotly is simulated with ``sys.modules`` (in a subprocess where a whole interpreter is needed).
The report has its own tests (test_report.py; in a browser: tests/browser/test_report_offline.py).
"""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from by_hand import forward_by_hand, segments
from pyinit import api, content
from pyinit.figures import plots

ROOT = Path(__file__).resolve().parents[2]
SMALL = {
    "dataset": "xor",
    "n_samples": 60,
    "hidden": "3,2",
    "activation": "tanh",
    "init": "xavier",
    "steps": 40,
    "seed": 3,
}


@pytest.fixture(scope="module")
def run_xavier():
    return api.run(SMALL)


@pytest.fixture(scope="module")
def run_zeros():
    return api.run({**SMALL, "init": "zeros"})


# ------------------------------------------------------------------------- builders
@pytest.mark.parametrize("layer", [1, 2, 3])
def test_trajectories_carry_every_weight_and_bias_grouped_by_unit(run_xavier, layer):
    fig = plots.trajectories(run_xavier, layer)
    W = np.array(run_xavier["weights"][layer - 1])  # (R, fan_in, fan_out)
    b = np.array(run_xavier["biases"][layer - 1])  # (R, fan_out)
    R, fan_in, fan_out = W.shape
    output = layer == 3
    assert len(fig.data) == fan_out  # one trace per unit fed
    for j, trace in enumerate(fig.data):
        assert trace.name == ("output" if output else f"unit {j + 1}")
        assert trace.line.color == (plots.INK if output else plots.OKABE_ITO[j])
        lines = segments(trace.x, trace.y)
        assert len(lines) == fan_in + 1  # the weights into unit j, then its bias
        for i, (x, y) in enumerate(lines):
            assert x == run_xavier["steps"]
            expected = W[:, i, j] if i < fan_in else b[:, j]
            assert np.array_equal(np.array(y), expected)
        names = [t for t in trace.text if t]
        assert names[0] == f"w 1→{j + 1}" and names[-1] == f"b {j + 1}"


def test_trajectories_of_clones_coincide_and_the_title_counts_them():
    r = api.run({**SMALL, "hidden": "4", "init": "constant:0.5"})
    fig = plots.trajectories(r, 1)
    ys = [list(t.y) for t in fig.data]
    assert all(y == ys[0] for y in ys)  # drawn exactly on top of each other
    assert len({v for v in ys[0] if v is not None}) > 4  # ... while the weights do move
    assert "4 units, 1 distinct" in fig.layout.title.text
    assert [t.line.dash for t in fig.data] == ["solid"] * 4 and len({t.line.color for t in fig.data}) == 4


def test_trajectories_stride_like_the_page_and_keep_first_and_last():
    r = api.run({**SMALL, "steps": 1000})
    fig = plots.trajectories(r, 1, max_points=100)
    x, y = segments(fig.data[0].x, fig.data[0].y)[0]
    assert x[0] == 0 and x[-1] == r["steps"][-1] and len(x) <= 101
    at = {s: i for i, s in enumerate(r["steps"])}
    assert all(v == r["weights"][0][at[s]][0][0] for s, v in zip(x, y))
    full = plots.trajectories(r, 1, max_points=None)
    assert segments(full.data[0].x, full.data[0].y)[0][0] == r["steps"]


def test_loss_and_accuracy_traces(run_xavier):
    fig = plots.loss(run_xavier)
    loss, acc = fig.data
    assert list(loss.x) == run_xavier["steps"] and list(loss.y) == run_xavier["loss"]
    assert list(acc.y) == run_xavier["accuracy"] and acc.yaxis == "y2"
    assert loss.line.dash in (None, "solid") and acc.line.dash == "dash"  # not told by color alone
    assert not fig.layout.shapes  # no divergence


def test_loss_marks_a_divergence_with_a_line_and_words():
    r = api.run({"hidden": "16,16", "activation": "linear", "init": "normal:3", "lr": 100, "steps": 50})
    assert r["diverged"] is not None
    fig = plots.loss(r)
    assert fig.layout.shapes[0].x0 == r["diverged"]
    assert f"diverged at step {r['diverged']}" in fig.layout.annotations[0].text


def test_log_axis_keeps_exact_zeros_like_the_page():
    floor, axis, sep = plots.log_with_zero([0.0, 3e-5, 2.0, None])
    assert floor == 1e-6  # one decade under 10**floor(log10(3e-5))
    assert axis["tickvals"][0] == floor and axis["ticktext"][0] == "0 (exactly)"
    assert axis["type"] == "log" and axis["range"] == [-6.3, 1.2]
    assert floor < sep["y0"] < 3e-5
    floor, axis, _ = plots.log_with_zero([0.0, 0.0])  # nothing positive: the page's 1e-3..1
    assert floor == 1e-4 and axis["ticktext"][0] == "0 (exactly)"


def test_symmetry_of_a_zero_init_sits_on_the_exact_zero_row(run_zeros, run_xavier):
    fig = plots.symmetry(run_zeros)
    assert [t.name for t in fig.data] == ["layer 1", "layer 2"]
    floor = fig.layout.yaxis.tickvals[0]
    assert fig.layout.yaxis.ticktext[0] == "0 (exactly)"
    for l, trace in enumerate(fig.data):
        raw = [row[l] for row in run_zeros["symmetry"]]
        assert all(v == 0 for v in raw)
        assert list(trace.customdata) == raw  # the data, unchanged
        assert set(trace.y) == {floor} and set(trace.text) == {"0 (exactly)"}
    fig = plots.symmetry(run_xavier)
    for l, trace in enumerate(fig.data):
        raw = [row[l] for row in run_xavier["symmetry"]]
        assert list(trace.customdata) == raw and list(trace.y) == raw and min(raw) > 0


def test_gradient_norms_combine_weights_and_bias_per_layer(run_xavier, run_zeros):
    fig = plots.gradient_norms(run_xavier)
    expected = np.hypot(np.array(run_xavier["grad_norms"]), np.array(run_xavier["bias_grad_norms"]))
    assert [t.name for t in fig.data] == ["layer 1", "layer 2", "output"]
    assert fig.data[2].line.color == plots.INK
    for l, trace in enumerate(fig.data):
        assert np.array_equal(np.array(trace.customdata), expected[:, l])
    fig = plots.gradient_norms(run_zeros)  # tanh from zeros: hidden gradients are 0
    floor = fig.layout.yaxis.tickvals[0]
    for trace in fig.data[:2]:
        assert set(trace.customdata) == {0.0} and set(trace.y) == {floor}


def test_boundary_is_the_nets_output_on_the_grid_with_the_data(run_xavier):
    fig = plots.boundary(run_xavier, step=20)
    heat, contour, class0, class1 = fig.data
    xs, ys, z = np.array(heat.x), np.array(heat.y), np.array(heat.z, dtype=float)
    assert len(xs) == len(ys) == 41 and z.shape == (41, 41)
    gx, gy = np.meshgrid(xs, ys)
    expected = forward_by_hand(run_xavier, 20, np.column_stack([gx.ravel(), gy.ravel()])).reshape(41, 41)
    assert np.allclose(z, expected, rtol=0, atol=1e-12)
    assert "step 20" in fig.layout.title.text
    assert contour.contours.start == contour.contours.end == 0.5
    X, y = np.array(run_xavier["X"]), np.array(run_xavier["y"])
    assert np.array_equal(np.column_stack([class0.x, class0.y]), X[y == 0])
    assert np.array_equal(np.column_stack([class1.x, class1.y]), X[y == 1])
    assert class0.marker.symbol == "circle-open" and class1.marker.symbol == "x-thin-open"  # shapes
    lim = np.abs(X).max()
    assert xs[0] <= -lim and xs[-1] >= lim


def test_boundary_of_a_stuck_net_says_it_is_constant(run_zeros):
    fig = plots.boundary(run_zeros)
    assert "everywhere: the output does not depend on the input" in fig.layout.annotations[0].text


def test_signal_lines_carry_api_signal():
    results = [
        api.signal({"activation": "relu", "init": init, "depth": 12, "width": 16})
        for init in ("xavier", "he", "zeros")
    ]
    fig = plots.signal(results)
    names = ["relu, xavier", "relu, he", "relu, zeros"]
    act = [t for t in fig.data if t.xaxis in (None, "x")]
    grad = [t for t in fig.data if t.xaxis == "x2"]
    assert [t.name for t in act] == names and [t.name for t in grad] == names
    for res, a, g in zip(results, act, grad):
        assert list(a.customdata) == res["activation_std"] and list(g.customdata) == res["gradient_std"]
        assert list(a.x) == list(range(1, 13))
    assert len({t.marker.symbol for t in act}) == 3 and len({t.line.dash for t in act}) == 3
    assert set(act[2].text) == {"0 (exactly)"}  # zeros: every activation exactly 0
    assert fig.layout.yaxis.ticktext[0] == "0 (exactly)"
    fig = plots.signal(results[:2])  # nothing exactly 0: a plain log axis
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis.ticktext is None
    assert list(fig.data[0].y) == results[0]["activation_std"]


def test_encodings_are_the_shared_ones_and_words_follow_the_language(run_zeros):
    enc = content.encodings()
    assert plots.OKABE_ITO == enc["palette"] and plots.DASHES == enc["dashes"] and plots.INK == enc["ink"]
    assert plots.DIVERGING_SCALE == enc["diverging_scale"] and plots.ZERO_LABEL == "0 (exactly)"
    fig = plots.symmetry(run_zeros, lang="pl")
    assert fig.layout.yaxis.ticktext[0] == "0 (dokładnie)" and [t.name for t in fig.data] == [
        "warstwa 1",
        "warstwa 2",
    ]
    assert (
        plots.boundary(run_zeros, lang="pl")
        .layout.annotations[0]
        .text.endswith("wyjście nie zależy od wejścia")
    )
    for lang in content.LANGS:
        assert set(plots.words(lang)) == set(plots.words("en"))


def test_builders_reject_other_input():
    with pytest.raises(TypeError, match="api.run"):
        plots.loss({"loss": [1.0]})
    with pytest.raises(TypeError, match="api.signal"):
        plots.signal([{"x": 1}])
    with pytest.raises(ValueError, match="layer: must be an integer in 1..3"):
        plots.trajectories(api.run(SMALL), 4)


# ------------------------------------------------------------------------- without plotly
def test_plots_without_plotly_raise_a_clear_import_error(monkeypatch):
    for name in [m for m in sys.modules if m == "plotly" or m.startswith("plotly.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "plotly", None)
    for name in ("pyinit.figures.plots", "pyinit.figures.boundary", "pyinit.figures.style"):
        monkeypatch.delitem(sys.modules, name, raising=False)  # imported afresh, without plotly
    import importlib

    with pytest.raises(ImportError, match=re.escape("pip install pyinit[plots]")):
        importlib.import_module("pyinit.figures.plots")


BLOCK_PLOTLY = "import sys; sys.modules['plotly'] = None; "


def _python(code):
    return subprocess.run(
        [sys.executable, "-c", BLOCK_PLOTLY + code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_pyinit_works_without_plotly():
    p = _python(
        "import pyinit, pyinit.api, pyinit.cli, pyinit.web.rpc, pyinit.figures.report; "
        "print(pyinit.api.run({'steps': 3})['final']['step'], sorted(pyinit.figures.report.preset('clones')))"
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.split()[0] == "3" and "'init'," in p.stdout


def test_report_without_plotly_says_which_extra_to_install(tmp_path):
    out = tmp_path / "r.html"
    p = _python(
        f"from pyinit.cli import main; sys.exit(main(['report', '--steps', '3', '--out', {str(out)!r}]))"
    )
    assert p.returncode == 1 and not out.exists()
    assert p.stderr.count("\n") == 1 and "pip install pyinit[plots]" in p.stderr
    # bad flags are still bad flags (exit 2) without plotly
    p = _python("from pyinit.cli import main; sys.exit(main(['report', '--chapter', 'nope']))")
    assert p.returncode == 2 and p.stderr.startswith("pyinit report: error: --chapter:")


def test_the_readme_example_prints_what_the_readme_says():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Figures from Python") :]
    r = api.run({"dataset": "xor", "hidden": [4], "activation": "tanh", "init": "constant:0.5", "steps": 600})
    title = plots.trajectories(r, layer=1).layout.title.text
    assert title == "Weight trajectories, layer 1: 4 units, 1 distinct at step 600" and repr(title) in section
    s = plots.symmetry(r)
    assert s.data[0].customdata[:3] == (0.0, 0.0, 0.0) and s.data[0].text[:3] == ("0 (exactly)",) * 3
    assert r["symmetry"][-1] == [0.0]
    sig = {i: api.signal({"activation": "relu", "init": i})["activation_std"] for i in ("xavier", "he")}
    claim = (
        f"xavier {sig['xavier'][0]:.3g} -> {sig['xavier'][-1]:.3g} (the variance halves per layer), "
        f"he {sig['he'][0]:.3g} -> {sig['he'][-1]:.3g}"
    )
    assert claim in section
