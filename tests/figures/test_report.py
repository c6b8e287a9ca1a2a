"""``python -m pyinit report``: one standalone HTML file whose figures carry the run's numbers.

The report is parsed back from its HTML (each figure's JSON sits in a ``<script
type="application/json" class="pyinit-figure">``) and compared with ``pyinit.api.run`` of the same
config. A chapter's run is the page's lab run of that chapter (``settings.page_state``); every text
comes from ``content/text/<lang>.json`` (tests/content/test_texts.py renders both languages).
"""

import re
import shlex

import numpy as np
import pytest

from by_hand import forward_by_hand, named_trace, parse_report, segments
from pyinit import api
from pyinit.cli import main
from pyinit.figures import report
from pyinit.training.config import RunConfig
from pyinit.settings import page_state
from pyinit.web import chapters as tour, lab


def test_report_embeds_the_runs_numbers_and_plotly_and_nothing_external(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", "--chapter", "clones", "--steps", "30", "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    text, parsed = parse_report(out)
    # self-contained: no script, stylesheet or image from anywhere; plotly.js inlined once
    assert not re.search(
        r"""<(script|link|img|iframe)[^>]*\s(src|href)\s*=\s*["']?(https?:)?//""", text, re.I
    )
    assert all("src" not in s for s in parsed.scripts)
    assert text.count("plotly.js v") == 1 and "Plotly.newPlot" in text
    expected = api.run({**report.preset("clones"), "steps": 30})
    assert parsed.meta["chapter"] == "clones" and parsed.meta["side"] == "left"
    assert parsed.meta["config"] == expected["config"]
    figs = parsed.figures
    assert list(figs) == [
        "loss",
        "trajectories-1",
        "trajectories-2",
        "boundary",
        "symmetry",
        "gradient_norms",
        "signal",
    ]
    assert named_trace(figs["loss"], "loss")["y"] == expected["loss"]
    assert named_trace(figs["loss"], "accuracy")["y"] == expected["accuracy"]
    for j in range(4):  # every weight into unit j of layer 1
        trace = named_trace(figs["trajectories-1"], f"unit {j + 1}")
        for i, (x, y) in enumerate(segments(trace["x"], trace["y"])):
            assert x == expected["steps"]
            assert y == (
                [w[i][j] for w in expected["weights"][0]] if i < 2 else [b[j] for b in expected["biases"][0]]
            )
    sym = named_trace(figs["symmetry"], "layer 1")
    assert sym["customdata"] == [row[0] for row in expected["symmetry"]] == [0.0] * 31
    assert figs["symmetry"]["layout"]["yaxis"]["ticktext"][0] == "0 (exactly)"
    g = np.hypot(expected["grad_norms"], expected["bias_grad_norms"])
    assert np.array_equal(named_trace(figs["gradient_norms"], "layer 1")["customdata"], g[:, 0])
    heat = figs["boundary"]["data"][0]
    xs = np.array(heat["x"])
    gx, gy = np.meshgrid(xs, xs)
    p = forward_by_hand(expected, -1, np.column_stack([gx.ravel(), gy.ravel()])).reshape(len(xs), -1)
    assert np.allclose(np.array(heat["z"], dtype=float), p, rtol=0, atol=1e-12)
    sig = api.signal({"activation": "tanh", "init": "constant:0.5"})
    assert named_trace(figs["signal"], "tanh, constant:0.5")["customdata"] == sig["activation_std"]
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
    assert named_trace(parsed.figures["loss"], "loss")["y"] == expected["loss"]
    assert "the <strong>right</strong> run" in text


def test_report_flags_override_the_chapter_and_aliases_work(tmp_path):
    out = tmp_path / "r.html"
    assert (
        main(
            [
                "report",
                "--chapter",
                "symmetry",
                "--init",
                "xavier",
                "--hidden",
                "2",
                "--steps",
                "5",
                "--n-samples",
                "40",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    _, parsed = parse_report(out)
    cfg = parsed.meta["config"]
    assert parsed.meta["chapter"] == "clones"
    assert cfg["init"] == "xavier" and cfg["hidden"] == [2] and cfg["steps"] == 5 and cfg["n_samples"] == 40
    assert cfg["dataset"] == report.preset("clones")["dataset"]
    expected = api.run(cfg)
    assert named_trace(parsed.figures["loss"], "loss")["y"] == expected["loss"]


def test_report_without_a_chapter_is_a_plain_run(tmp_path):
    out = tmp_path / "r.html"
    assert main(["report", "--steps", "4", "--out", str(out)]) == 0
    _, parsed = parse_report(out)
    assert parsed.meta["chapter"] is None and parsed.meta["config"] == api.run({"steps": 4})["config"]


@pytest.mark.parametrize(
    "argv, flag",
    [
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
    ],
)
def test_report_bad_flags_exit_2_with_one_line_naming_the_flag(argv, flag, capsys, tmp_path):
    argv = argv if "--out" in argv else argv + ["--out", str(tmp_path / "r.html")]
    with pytest.raises(SystemExit) as exc:
        main(["report", "--steps", "2"] + argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("pyinit report: ") and flag in err
    assert not (tmp_path / "r.html").exists()


def test_every_chapter_is_the_tours_preset():
    assert tour.ids() == [
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
    for name in tour.ids():
        for k, side in enumerate(("left", "right")):
            chapter, cfg = report.resolve(name, side)
            c = tour.chapter(name)
            page_cfg, members = page_state.run_config(c["state"], run_code_here=True)
            member = members[k]
            assert chapter == name and cfg.steps == c["steps"]
            if callable(member.init):  # the reader's code (chapter "yourself"): compiled anew each time
                assert callable(cfg.init) and (cfg.bias_init, cfg.perturb) == (
                    member.bias_init,
                    member.perturb,
                )
            else:
                assert (cfg.init, cfg.bias_init, cfg.perturb) == (
                    member.init,
                    member.bias_init,
                    member.perturb,
                )
            for key in ("dataset", "n_samples", "noise", "activation", "lr", "seed"):
                assert getattr(cfg, key) == getattr(page_cfg, key)
            assert list(cfg.hidden) == (c["view"] or {}).get("hidden", list(page_cfg.hidden))
            words = shlex.split(report._flags_line(cfg))  # the command printed in the report
            given = {w[2:].replace("-", "_"): v for w, v in zip(words[::2], words[1::2])}
            if callable(member.init):  # the code goes in a file: --init-code FILE
                assert "init_code" in given
                continue
            assert RunConfig.from_dict(given) == cfg
    assert report.resolve("symmetry")[0] == "clones"


def test_a_chapter_run_is_the_pages_lab_run():
    """The report of a chapter side has exactly the parameters of that side in the page's lab."""
    state = tour.chapter("noise")["state"]
    session = lab.Session.from_settings(state)
    session.trainer.step(25)
    for k, side in enumerate(("left", "right")):
        r = api.run({**report.preset("noise", side), "steps": 25})
        params = session.trainer.params(k)
        for l, (W, b) in enumerate(params):
            assert np.array_equal(np.array(r["weights"][l][-1]), W)
            assert np.array_equal(np.array(r["biases"][l][-1]), b)
