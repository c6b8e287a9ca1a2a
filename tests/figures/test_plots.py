"""pyinit.plots and ``python -m pyinit report``: the figures carry the run's numbers.

Every check compares what a figure holds with ``pyinit.api.run`` / ``api.signal`` of the same
config (or with a hand-written forward pass), so a figure cannot silently show other data. The
report is parsed back from its HTML (each figure's JSON sits in a ``<script type="application/json"
class="pyinit-figure">``). Missing plotly is simulated with ``sys.modules`` (in a subprocess where a
whole interpreter is needed). The one browser test opens a report from ``file://`` in Chromium.
"""

import html.parser
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("plotly")

from pyinit import api                                        # noqa: E402
from pyinit.figures import plots, report                      # noqa: E402
from pyinit.web import lab, chapters as tour                  # noqa: E402
from pyinit.cli import main                                   # noqa: E402
from pyinit.training.config import RunConfig                           # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SMALL = {"dataset": "xor", "n_samples": 60, "hidden": "3,2", "activation": "tanh", "init": "xavier",
         "steps": 40, "seed": 3}


@pytest.fixture(scope="module")
def run_xavier():
    return api.run(SMALL)


@pytest.fixture(scope="module")
def run_zeros():
    return api.run({**SMALL, "init": "zeros"})


def segments(xs, ys):
    """Split a trace joined with None gaps into its lines: list of (x list, y list)."""
    out, cx, cy = [], [], []
    for x, y in zip(xs, ys):
        if x is None:
            out.append((cx, cy))
            cx, cy = [], []
        else:
            cx.append(x)
            cy.append(y)
    if cx:
        out.append((cx, cy))
    return out


# ------------------------------------------------------------------------- builders
@pytest.mark.parametrize("layer", [1, 2, 3])
def test_trajectories_carry_every_weight_and_bias_grouped_by_unit(run_xavier, layer):
    fig = plots.trajectories(run_xavier, layer)
    W = np.array(run_xavier["weights"][layer - 1])           # (R, fan_in, fan_out)
    b = np.array(run_xavier["biases"][layer - 1])            # (R, fan_out)
    R, fan_in, fan_out = W.shape
    output = layer == 3
    assert len(fig.data) == fan_out                          # one trace per unit fed
    for j, trace in enumerate(fig.data):
        assert trace.name == ("output" if output else f"unit {j + 1}")
        assert trace.line.color == (plots.INK if output else plots.OKABE_ITO[j])
        lines = segments(trace.x, trace.y)
        assert len(lines) == fan_in + 1                      # the weights into unit j, then its bias
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
    assert all(y == ys[0] for y in ys)                       # drawn exactly on top of each other
    assert len({v for v in ys[0] if v is not None}) > 4      # ... while the weights do move
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
    assert loss.line.dash in (None, "solid") and acc.line.dash == "dash"    # not told by color alone
    assert not fig.layout.shapes                                          # no divergence


def test_loss_marks_a_divergence_with_a_line_and_words():
    r = api.run({"hidden": "16,16", "activation": "linear", "init": "normal:3", "lr": 100, "steps": 50})
    assert r["diverged"] is not None
    fig = plots.loss(r)
    assert fig.layout.shapes[0].x0 == r["diverged"]
    assert f"diverged at step {r['diverged']}" in fig.layout.annotations[0].text


def test_log_axis_keeps_exact_zeros_like_the_page():
    floor, axis, sep = plots.log_with_zero([0.0, 3e-5, 2.0, None])
    assert floor == 1e-6                                     # one decade under 10**floor(log10(3e-5))
    assert axis["tickvals"][0] == floor and axis["ticktext"][0] == "0 (exactly)"
    assert axis["type"] == "log" and axis["range"] == [-6.3, 1.2]
    assert floor < sep["y0"] < 3e-5
    floor, axis, _ = plots.log_with_zero([0.0, 0.0])         # nothing positive: the page's 1e-3..1
    assert floor == 1e-4 and axis["ticktext"][0] == "0 (exactly)"


def test_symmetry_of_a_zero_init_sits_on_the_exact_zero_row(run_zeros, run_xavier):
    fig = plots.symmetry(run_zeros)
    assert [t.name for t in fig.data] == ["layer 1", "layer 2"]
    floor = fig.layout.yaxis.tickvals[0]
    assert fig.layout.yaxis.ticktext[0] == "0 (exactly)"
    for l, trace in enumerate(fig.data):
        raw = [row[l] for row in run_zeros["symmetry"]]
        assert all(v == 0 for v in raw)
        assert list(trace.customdata) == raw                  # the data, unchanged
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
    fig = plots.gradient_norms(run_zeros)                     # tanh from zeros: hidden gradients are 0
    floor = fig.layout.yaxis.tickvals[0]
    for trace in fig.data[:2]:
        assert set(trace.customdata) == {0.0} and set(trace.y) == {floor}


def _forward(r, r_index, points):
    """The 3-2-... net by hand: p = sigmoid(tanh(tanh(x W1 + b1) W2 + b2) W3 + b3)."""
    a = points
    L = len(r["weights"])
    for l in range(L):
        z = a @ np.array(r["weights"][l][r_index]) + np.array(r["biases"][l][r_index])
        a = np.tanh(z) if l < L - 1 else 1 / (1 + np.exp(-z))
    return a[:, 0]


def test_boundary_is_the_nets_output_on_the_grid_with_the_data(run_xavier):
    fig = plots.boundary(run_xavier, step=20)
    heat, contour, class0, class1 = fig.data
    xs, ys, z = np.array(heat.x), np.array(heat.y), np.array(heat.z, dtype=float)
    assert len(xs) == len(ys) == 41 and z.shape == (41, 41)
    gx, gy = np.meshgrid(xs, ys)
    expected = _forward(run_xavier, 20, np.column_stack([gx.ravel(), gy.ravel()])).reshape(41, 41)
    assert np.allclose(z, expected, rtol=0, atol=1e-12)
    assert "step 20" in fig.layout.title.text
    assert contour.contours.start == contour.contours.end == 0.5
    X, y = np.array(run_xavier["X"]), np.array(run_xavier["y"])
    assert np.array_equal(np.column_stack([class0.x, class0.y]), X[y == 0])
    assert np.array_equal(np.column_stack([class1.x, class1.y]), X[y == 1])
    assert class0.marker.symbol == "circle-open" and class1.marker.symbol == "x-thin-open"   # shapes
    lim = np.abs(X).max()
    assert xs[0] <= -lim and xs[-1] >= lim


def test_boundary_of_a_stuck_net_says_it_is_constant(run_zeros):
    fig = plots.boundary(run_zeros)
    assert "everywhere: the output does not depend on the input" in fig.layout.annotations[0].text


def test_signal_lines_carry_api_signal():
    results = [api.signal({"activation": "relu", "init": init, "depth": 12, "width": 16})
               for init in ("xavier", "he", "zeros")]
    fig = plots.signal(results)
    names = ["relu, xavier", "relu, he", "relu, zeros"]
    act = [t for t in fig.data if t.xaxis in (None, "x")]
    grad = [t for t in fig.data if t.xaxis == "x2"]
    assert [t.name for t in act] == names and [t.name for t in grad] == names
    for res, a, g in zip(results, act, grad):
        assert list(a.customdata) == res["activation_std"] and list(g.customdata) == res["gradient_std"]
        assert list(a.x) == list(range(1, 13))
    assert len({t.marker.symbol for t in act}) == 3 and len({t.line.dash for t in act}) == 3
    assert set(act[2].text) == {"0 (exactly)"}                 # zeros: every activation exactly 0
    assert fig.layout.yaxis.ticktext[0] == "0 (exactly)"
    fig = plots.signal(results[:2])                            # nothing exactly 0: a plain log axis
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis.ticktext is None
    assert list(fig.data[0].y) == results[0]["activation_std"]


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
    monkeypatch.delitem(sys.modules, "pyinit.figures.plots")
    import importlib
    with pytest.raises(ImportError, match=re.escape("pip install pyinit[plots]")):
        importlib.import_module("pyinit.figures.plots")


BLOCK_PLOTLY = "import sys; sys.modules['plotly'] = None; "


def _python(code):
    return subprocess.run([sys.executable, "-c", BLOCK_PLOTLY + code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_pyinit_works_without_plotly():
    p = _python("import pyinit, pyinit.api, pyinit.cli, pyinit.web.lab, pyinit.figures.report; "
                "print(pyinit.api.run({'steps': 3})['final']['step'], sorted(pyinit.figures.report.CHAPTERS)[0])")
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["3", "additive"]


def test_report_without_plotly_says_which_extra_to_install(tmp_path):
    out = tmp_path / "r.html"
    p = _python(f"from pyinit.cli import main; sys.exit(main(['report', '--steps', '3', '--out', {str(out)!r}]))")
    assert p.returncode == 1 and not out.exists()
    assert p.stderr.count("\n") == 1 and "pip install pyinit[plots]" in p.stderr
    # bad flags are still bad flags (exit 2) without plotly
    p = _python("from pyinit.cli import main; sys.exit(main(['report', '--chapter', 'nope']))")
    assert p.returncode == 2 and p.stderr.startswith("pyinit report: error: --chapter:")


# ------------------------------------------------------------------------- the report
class _Figures(html.parser.HTMLParser):
    """Collects the JSON of every <script type="application/json"> and every script's src/size."""

    def __init__(self):
        super().__init__()
        self.figures, self.meta, self.scripts, self._in = {}, None, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
            if attrs.get("type") == "application/json":
                self._in = attrs.get("data-key") or attrs.get("id")
                self._text = []

    def handle_data(self, data):
        if self._in is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in is not None:
            obj = json.loads("".join(self._text))
            if self._in == "pyinit-run":
                self.meta = obj
            else:
                self.figures[self._in] = obj
            self._in = None


def parse_report(path):
    text = Path(path).read_text(encoding="utf-8")
    parser = _Figures()
    parser.feed(text)
    return text, parser


def _trace(fig, name):
    return next(t for t in fig["data"] if t.get("name") == name)


def test_report_embeds_the_runs_numbers_and_plotly_and_nothing_external(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", "--chapter", "clones", "--steps", "30", "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    text, parsed = parse_report(out)
    # self-contained: no script, stylesheet or image from anywhere; plotly.js inlined once
    assert not re.search(r"""<(script|link|img|iframe)[^>]*\s(src|href)\s*=\s*["']?(https?:)?//""", text, re.I)
    assert all("src" not in s for s in parsed.scripts)
    assert text.count("plotly.js v") == 1 and "Plotly.newPlot" in text
    expected = api.run({**report.preset("clones"), "steps": 30})
    assert parsed.meta["chapter"] == "clones" and parsed.meta["side"] == "left"
    assert parsed.meta["config"] == expected["config"]
    figs = parsed.figures
    assert list(figs) == ["loss", "trajectories-1", "trajectories-2", "boundary", "symmetry",
                          "gradient_norms", "signal"]
    assert _trace(figs["loss"], "loss")["y"] == expected["loss"]
    assert _trace(figs["loss"], "accuracy")["y"] == expected["accuracy"]
    for j in range(4):                                       # every weight into unit j of layer 1
        trace = _trace(figs["trajectories-1"], f"unit {j + 1}")
        for i, (x, y) in enumerate(segments(trace["x"], trace["y"])):
            assert x == expected["steps"]
            assert y == ([w[i][j] for w in expected["weights"][0]] if i < 2
                         else [b[j] for b in expected["biases"][0]])
    sym = _trace(figs["symmetry"], "layer 1")
    assert sym["customdata"] == [row[0] for row in expected["symmetry"]] == [0.0] * 31
    assert figs["symmetry"]["layout"]["yaxis"]["ticktext"][0] == "0 (exactly)"
    g = np.hypot(expected["grad_norms"], expected["bias_grad_norms"])
    assert np.array_equal(_trace(figs["gradient_norms"], "layer 1")["customdata"], g[:, 0])
    heat = figs["boundary"]["data"][0]
    xs = np.array(heat["x"])
    gx, gy = np.meshgrid(xs, xs)
    p = _forward(expected, -1, np.column_stack([gx.ravel(), gy.ravel()])).reshape(len(xs), -1)
    assert np.allclose(np.array(heat["z"], dtype=float), p, rtol=0, atol=1e-12)
    sig = api.signal({"activation": "tanh", "init": "constant:0.5"})
    assert _trace(figs["signal"], "tanh, constant:0.5")["customdata"] == sig["activation_std"]
    # a short text per figure, with this run's numbers
    assert text.count("<figcaption") == len(figs)
    assert "Layer 1: exactly 0 at every recorded step (0..30)." in text
    assert "4 units: 1 distinct at step 0, 1 distinct at step 30." in text


def test_report_side_right_is_the_other_lab_run(tmp_path):
    out = tmp_path / "r.html"
    assert main(["report", "--chapter", "simple", "--side", "right", "--steps", "6", "--out", str(out)]) == 0
    text, parsed = parse_report(out)
    assert parsed.meta["side"] == "right" and parsed.meta["config"]["init"] == "xavier"
    expected = api.run({**report.preset("simple", "right"), "steps": 6})
    assert _trace(parsed.figures["loss"], "loss")["y"] == expected["loss"]
    assert "the <strong>right</strong> run" in text


def test_report_flags_override_the_chapter_and_aliases_work(tmp_path):
    out = tmp_path / "r.html"
    assert main(["report", "--chapter", "symmetry", "--init", "xavier", "--hidden", "2",
                 "--steps", "5", "--n-samples", "40", "--out", str(out)]) == 0
    _, parsed = parse_report(out)
    cfg = parsed.meta["config"]
    assert parsed.meta["chapter"] == "clones"
    assert cfg["init"] == "xavier" and cfg["hidden"] == [2] and cfg["steps"] == 5 and cfg["n_samples"] == 40
    assert cfg["dataset"] == report.preset("clones")["dataset"]
    expected = api.run(cfg)
    assert _trace(parsed.figures["loss"], "loss")["y"] == expected["loss"]


def test_report_without_a_chapter_is_a_plain_run(tmp_path):
    out = tmp_path / "r.html"
    assert main(["report", "--steps", "4", "--out", str(out)]) == 0
    _, parsed = parse_report(out)
    assert parsed.meta["chapter"] is None and parsed.meta["config"] == api.run({"steps": 4})["config"]


@pytest.mark.parametrize("argv, flag", [
    (["--chapter", "nope"], "--chapter"),
    (["--hidden", "-3"], "--hidden"),
    (["--lr", "abc"], "--lr"),
    (["--n-samples", "1"], "--n-samples"),
    (["--bogus", "1"], "--bogus"),
    (["--out", "/nonexistent-dir/r.html"], "--out"),
    (["--out", ""], "--out"),
    (["--chapter", "clones", "--init", "zeros,zeros,zeros"], "--init"),
    (["--chapter", "clones", "--side", "middle"], "--side"),
    (["--side", "right"], "--side"),
])
def test_report_bad_flags_exit_2_with_one_line_naming_the_flag(argv, flag, capsys, tmp_path):
    argv = argv if "--out" in argv else argv + ["--out", str(tmp_path / "r.html")]
    with pytest.raises(SystemExit) as exc:
        main(["report", "--steps", "2"] + argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("pyinit report: ") and flag in err
    assert not (tmp_path / "r.html").exists()


def test_every_chapter_is_the_tours_preset():
    assert list(report.CHAPTERS) == ["simple", "additive", "clones", "stuck", "noise", "restarts",
                                     "scale", "reproduce"] == tour.CHAPTER_IDS
    for name, ch in report.CHAPTERS.items():
        assert ch.title and ch.text and ch.try_next
        for k, side in enumerate(("left", "right")):
            chapter, cfg = report.resolve(name, side)
            c = tour.chapter(name)
            lab_cfg = tour.lab_config(c["state"])
            member = lab.member_spec(lab_cfg["members"][k])
            assert chapter == name and cfg.steps == c["steps"]
            assert (cfg.init, cfg.bias_init, cfg.perturb) == (member.init, member.bias_init, member.perturb)
            for key in ("dataset", "n_samples", "noise", "activation", "lr", "seed"):
                assert getattr(cfg, key) == lab_cfg[key]
            assert list(cfg.hidden) == (c["view"] or {}).get("hidden", lab_cfg["hidden"])
            words = shlex.split(report._flags_line(cfg))       # the command printed in the report
            given = {w[2:].replace("-", "_"): v for w, v in zip(words[::2], words[1::2])}
            assert RunConfig.from_dict(given) == cfg
    assert report.resolve("symmetry")[0] == "clones"


def test_a_chapter_run_is_the_pages_lab_run():
    """The report of a chapter side has exactly the parameters of that side in the page's lab."""
    state = tour.chapter("noise")["state"]
    session = lab.Session(tour.lab_config(state))
    session.trainer.step(25)
    for k, side in enumerate(("left", "right")):
        r = api.run({**report.preset("noise", side), "steps": 25})
        params = session.trainer.params(k)
        for l, (W, b) in enumerate(params):
            assert np.array_equal(np.array(r["weights"][l][-1]), W)
            assert np.array_equal(np.array(r["biases"][l][-1]), b)


@pytest.mark.browser
def test_report_opens_offline_in_chromium(browser, tmp_path):
    out = tmp_path / "r.html"
    n = len(report.write_report(out, "stuck", steps=20)["figures"])
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    errors, requests = [], []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    def guard(route):
        requests.append(route.request.url)
        route.continue_() if route.request.url.startswith("file:") else route.abort()

    context.route("**/*", guard)
    page.goto(out.as_uri())
    page.wait_for_function("(n) => document.querySelectorAll('.plot.js-plotly-plot').length === n", arg=n)
    assert page.evaluate("() => [...document.querySelectorAll('.plot')].every("
                         "(d) => d.querySelector('.main-svg .scatterlayer, .main-svg .heatmaplayer'))")
    assert errors == [] and [u for u in requests if not u.startswith("file:")] == []
    context.close()


def test_the_readme_example_prints_what_the_readme_says():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Figures from Python"):]
    r = api.run({"dataset": "xor", "hidden": [4], "activation": "tanh", "init": "constant:0.5", "steps": 600})
    title = plots.trajectories(r, layer=1).layout.title.text
    assert title == "Weight trajectories, layer 1: 4 units, 1 distinct at step 600" and repr(title) in section
    s = plots.symmetry(r)
    assert s.data[0].customdata[:3] == (0.0, 0.0, 0.0) and s.data[0].text[:3] == ("0 (exactly)",) * 3
    assert r["symmetry"][-1] == [0.0]
    sig = {i: api.signal({"activation": "relu", "init": i})["activation_std"] for i in ("xavier", "he")}
    claim = (f"xavier {sig['xavier'][0]:.3g} -> {sig['xavier'][-1]:.3g} (the variance halves per layer), "
             f"he {sig['he'][0]:.3g} -> {sig['he'][-1]:.3g}")
    assert claim in section
