"""Issue 13, fault 12: the CLI and the API name every bad input in one line, never a traceback.

- budgets: ``signal``/``run``/``report`` refuse up front what would need more memory or time than
  the budgets stated in ``analysis.signal`` and ``training.trainer`` (the 66 s / 7 GB signal run);
- a full disk (stdout or ``--out`` on /dev/full): one line naming the file and the OS error, exit 1;
- hostile JSON-ish values (huge/nan/inf numbers, wrong types, nested lists, unicode, long strings)
  given to ``api.run``/``api.signal``/``api.signal_table``/``settings.page_state.run_config`` raise
  exactly ``ConfigError`` with a one-line message (a hypothesis fuzz test);
- the report of a chapter side runs exactly the RunConfig the page builds for that side.
"""

import base64
import resource
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pyinit import api
from pyinit.analysis import signal as signal_mod
from pyinit.errors import ConfigError
from pyinit.figures import report
from pyinit.training import trainer as trainer_mod
from pyinit.training.config import RunConfig
from pyinit.settings import page_state
from pyinit.web import chapters
from conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]


def one_line(message):
    """One non-empty line (a trailing newline allowed)."""
    message = message[:-1] if message.endswith("\n") else message
    return (
        bool(message.strip())
        and "\n" not in message
        and "\r" not in message
        and len(message.splitlines()) == 1
    )


def limited(mb):
    """preexec_fn: cap the child's address space, so a run that ignores the budget fails fast."""

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (mb * 2**20, mb * 2**20))

    return cap


def pyinit_cli(args, stdout=subprocess.PIPE, timeout=60, memory_mb=2048):
    return subprocess.run(
        [sys.executable, "-m", "pyinit", *args],
        cwd=ROOT,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
        preexec_fn=limited(memory_mb),
    )


# --------------------------------------------------------------------------------------- budgets
def test_signal_beyond_the_memory_budget_is_refused_up_front_naming_the_flags():
    start = time.perf_counter()
    proc = pyinit_cli(["signal", "--depth", "200", "--width", "512", "--n-samples", "4096"], timeout=30)
    took = time.perf_counter() - start
    assert proc.returncode == 2 and proc.stdout == "", proc.stderr[-800:]
    err = proc.stderr
    assert one_line(err) and err.startswith("pyinit signal: error: ")
    for flag in ("--depth", "--width", "--n-samples", "MB"):
        assert flag in err, err
    assert "Traceback" not in err and took < 10


def test_signal_budget_is_the_stated_estimate():
    """The estimate counts the weights and the per-layer activations the run keeps."""
    cost = signal_mod.signal_cost(200, 512, 4096)
    assert cost["bytes"] > 6e9 and cost["multiply_adds"] > 5e11  # what the run really took
    default = signal_mod.signal_cost(30, 64, 256)
    assert default["bytes"] < 16e6 and default["multiply_adds"] < 1e8
    assert signal_mod.MEMORY_BUDGET_BYTES == 512 * 2**20
    with pytest.raises(ConfigError) as e:
        api.signal({"depth": 200, "width": 512, "n_samples": 4096})
    assert e.value.param == "depth, width, n_samples" and one_line(str(e.value))
    # the whole table counts: 30 default-sized pairs fit, but not at depth 200 and width 256
    api.signal_table({"depth": 2, "width": 3})
    with pytest.raises(ConfigError) as e:
        api.signal_table({"depth": 200, "width": 256, "n_samples": 1024})
    assert "depth" in e.value.param and one_line(str(e.value))


def test_signal_table_of_many_pairs_counts_their_total_work():
    cost = signal_mod.signal_cost(30, 256, 1024)
    assert cost["bytes"] < signal_mod.MEMORY_BUDGET_BYTES  # one run alone fits in memory ...
    assert cost["multiply_adds"] < signal_mod.WORK_BUDGET
    with pytest.raises(ConfigError) as e:  # ... but 30 of them take too long
        api.signal_table({"depth": 30, "width": 256, "n_samples": 1024})
    assert "multiply-adds" in str(e.value) and one_line(str(e.value))


@pytest.mark.parametrize(
    "config, names",
    [
        ({"hidden": [16] * 16, "n_samples": 10000}, "n_samples"),  # scoring buffers: 1 GB
        ({"hidden": [16, 16], "n_samples": 10000, "steps": 1000000}, "batch_size"),  # hours of work
        ({"hidden": [64, 64], "steps": 100000, "max_records": 100000}, "max_records"),  # 100k snapshots
    ],
)
def test_run_beyond_its_budgets_is_refused_up_front(config, names):
    start = time.perf_counter()
    with pytest.raises(ConfigError) as e:
        api.run(config)
    assert time.perf_counter() - start < 2
    assert names in e.value.param and one_line(str(e.value)), str(e.value)


def test_run_budget_lets_the_chapters_and_long_small_runs_through():
    for name in chapters.ids():
        for side in ("left", "right"):
            trainer_mod.check_budget(report.resolve(name, side)[1])
    trainer_mod.check_budget(RunConfig(steps=1_000_000))  # default net, 1M steps
    trainer_mod.check_budget(RunConfig(steps=100_000, max_records=100_000))


def test_inspect_and_landscape_are_budgeted_too():
    start = time.perf_counter()
    with pytest.raises(ConfigError) as e:
        api.landscape({"hidden": [256, 256], "steps": 1}, resolution=201)  # a 201^2 x 66817 grid
    assert e.value.param == "resolution, hidden" and one_line(str(e.value))
    with pytest.raises(ConfigError) as e:
        api.inspect({"hidden": [64, 64], "n_samples": 10000}, step=1_000_000)
    assert "steps" in e.value.param and time.perf_counter() - start < 2
    assert len(api.landscape({"steps": 3}, resolution=5)["loss"]) == 5


def test_cli_run_and_report_beyond_the_budget_exit_2_naming_the_flags(capsys, tmp_path):
    code, out, err = run_cli(
        ["run", "--hidden", "64,64", "--steps", "100000", "--max-records", "100000"], capsys
    )
    assert code == 2 and out == "" and one_line(err) and "--max-records" in err and "--steps" in err
    code, out, err = run_cli(
        [
            "report",
            "--hidden",
            "256,256",
            "--n-samples",
            "10000",
            "--steps",
            "100000",
            "--out",
            str(tmp_path / "r.html"),
        ],
        capsys,
    )
    assert code == 2 and one_line(err) and "--steps" in err and not (tmp_path / "r.html").exists()


# ------------------------------------------------------------------------------------ full disk
@pytest.mark.parametrize("args", [["run", "--steps", "2"], ["signal", "--depth", "3", "--width", "4"]])
def test_stdout_on_a_full_disk_is_one_line_exit_1(args):
    with open("/dev/full", "w") as full:
        proc = pyinit_cli(args, stdout=full)
    err = proc.stderr
    assert proc.returncode == 1, err
    assert one_line(err) and "Traceback" not in err and "Exception ignored" not in err
    assert err.startswith(f"pyinit {args[0]}: error: cannot write ") and "/dev/full" in err
    assert "No space left on device" in err


def test_report_out_on_a_full_disk_is_one_line_exit_1(tmp_path):
    proc = pyinit_cli(["report", "--steps", "2", "--out", "/dev/full"], timeout=120)
    err = proc.stderr
    assert proc.returncode == 1 and one_line(err) and "Traceback" not in err, err
    assert (
        err.startswith("pyinit report: error: cannot write /dev/full: ") and "No space left on device" in err
    )
    with open("/dev/full", "w") as full:  # the summary line on a full stdout
        proc = pyinit_cli(
            ["report", "--steps", "2", "--out", str(tmp_path / "r.html")], stdout=full, timeout=120
        )
    assert proc.returncode == 1 and one_line(proc.stderr) and "No space left" in proc.stderr, proc.stderr
    assert (tmp_path / "r.html").exists()  # the report itself was written


def test_a_failed_report_write_leaves_no_partial_file(tmp_path, monkeypatch):
    out = tmp_path / "r.html"
    real_open = open

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, text):
            self.fh.write(text[:100])
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(
        "builtins.open",
        lambda path, *a, **k: (
            Full(real_open(path, *a, **k)) if str(path) == str(out) else real_open(path, *a, **k)
        ),
    )
    with pytest.raises(OSError):
        report.write_report(out, steps=2)
    assert not out.exists()


# ---------------------------------------------------------------------------- exact bad inputs
@pytest.mark.parametrize(
    "call, config, param",
    [
        (api.run, {"lr": 10**400}, "lr"),
        (api.run, {"seed": 10**5000}, "seed"),
        (api.run, {"noise": -(10**400)}, "noise"),
        (api.signal, {"activation": []}, "activation"),
        (api.signal, {"activation": {"a": 1}}, "activation"),
        (api.signal, {"depth": 10**400}, "depth"),
        (api.signal_table, {"activations": [[1]]}, "activations"),
        (api.signal_table, {"inits": [[1]]}, "inits"),
        (api.signal_table, {"activations": ["tanh", "soft"]}, "activations"),
    ],
)
def test_reported_inputs_are_config_errors(call, config, param):
    with pytest.raises(ConfigError) as e:
        call(config)
    assert e.value.param == param and one_line(str(e.value)) and len(str(e.value)) < 400


# ------------------------------------------------------------------------------------ fuzzing
NUMBERS = st.one_of(
    st.integers(min_value=-(10**500), max_value=10**500),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, -1, 2**31, 2**63, 10**400, -0.0, 1e308, 5e-324, True, False]),
)
TEXT = st.one_of(
    st.text(max_size=30),
    st.text(min_size=2000, max_size=5000),
    st.sampled_from(
        [
            "",
            " ",
            "1e400",
            "nan",
            "-inf",
            "4,4",
            "tanh",
            "xavier",
            "he:2",
            "normal:1e400",
            "\u2028",
            "zeros,zeros",
            "constant:-0",
            "１２",
            "٣",
            "0x10",
            "1_000",
            "python",
            "ZGVmIGluaXQ",
            "_w",
            "YWJj=",
        ]
    ),
)
LEAF = st.one_of(st.none(), NUMBERS, TEXT)
JSONISH = st.recursive(
    LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
FAST = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

RUN_KEYS = [
    "dataset",
    "n_samples",
    "noise",
    "factor",
    "n_test",
    "hidden",
    "activation",
    "init",
    "bias_init",
    "perturb",
    "lr",
    "momentum",
    "optimizer",
    "batch_size",
    "seed",
    "init_seed",
    "every",
    "max_records",
    "members",
    "bogus",
]
SIGNAL_KEYS = ["depth", "width", "activation", "init", "n_samples", "seed", "bogus"]
TABLE_KEYS = ["depth", "width", "n_samples", "seed", "activations", "inits"]
PAGE_KEYS = list(page_state.RUN_KEYS) + ["speed", "bogus"]
SMALL = {
    "run": {"steps": 2, "n_samples": 8, "hidden": [2], "max_records": 4},
    "signal": {"depth": 2, "width": 3, "n_samples": 4},
    "table": {"depth": 2, "width": 2, "n_samples": 2, "activations": ["tanh"], "inits": ["zeros"]},
    "page": {},
}


CODE = st.text(max_size=80).map(
    lambda t: base64.urlsafe_b64encode(t.encode("utf-8", "replace")).decode().rstrip("=")
)


def configs(keys, small):
    """A small valid config with a few keys replaced by hostile values (or a hostile non-dict)."""
    hostile = st.dictionaries(st.sampled_from(keys), JSONISH, min_size=1, max_size=3)
    if "activations" in keys:  # lists whose items are hostile (a list in the list: [[1]])
        items = st.lists(
            st.one_of(JSONISH, st.sampled_from(["tanh", "relu", "xavier", "he"])), min_size=1, max_size=3
        )
        lists = st.dictionaries(st.sampled_from(["activations", "inits"]), items, min_size=1)
        hostile = st.one_of(hostile, lists)
    if "code" in keys:  # the page's code settings: base64url of random text, python inits
        code = st.fixed_dictionaries({"left_init": st.just("python"), "code": CODE})
        hostile = st.one_of(hostile, st.tuples(code, hostile).map(lambda p: {**p[0], **p[1]}))
    return st.one_of(hostile.map(lambda d: {**small, **d}), JSONISH)


def only_config_errors(call, config):
    """``call(config)`` returns or raises ConfigError with a one-line message. (Small time budgets
    keep the valid but large configs the fuzzer finds quick: they are refused like any other.)"""
    try:
        with (
            mock.patch.object(signal_mod, "WORK_BUDGET", 1e7),
            mock.patch.object(trainer_mod, "WORK_BUDGET", 1e7),
        ):
            call(config)
    except ConfigError as e:
        message = str(e)
        assert one_line(message) and len(message) < 600, message
        assert message.split(":")[0].strip(), message
    # anything else (TypeError, OverflowError, ValueError, RecursionError...) fails the test


def page_run_config(settings):
    page_state.run_config(settings)


@FAST
@given(configs(RUN_KEYS, SMALL["run"]))
def test_fuzz_api_run(config):
    only_config_errors(api.run, config)


@FAST
@given(configs(SIGNAL_KEYS, SMALL["signal"]))
def test_fuzz_api_signal(config):
    only_config_errors(api.signal, config)


@FAST
@given(configs(TABLE_KEYS, SMALL["table"]))
def test_fuzz_api_signal_table(config):
    only_config_errors(api.signal_table, config)


@FAST
@given(configs(PAGE_KEYS, SMALL["page"]))
def test_fuzz_page_state_run_config(settings_):
    only_config_errors(page_run_config, settings_)


def test_config_error_shows_any_value_in_one_short_line():
    nested = []
    for _ in range(5000):
        nested = [nested]
    for value in (10**5000, nested, "x" * 10**6, {"\n": "\u2028"}, float("nan")):
        message = str(ConfigError("p", "must be fine", value))
        assert one_line(message) and len(message) < 120, message


# ----------------------------------------------------------------------------- report presets
@pytest.mark.parametrize("name", chapters.ids())
@pytest.mark.parametrize("k, side", [(0, "left"), (1, "right")])
def test_report_runs_the_config_the_page_builds_for_that_side(name, k, side):
    c = chapters.chapter(name)
    config, members = page_state.run_config(c["state"], run_code_here=True)
    m = members[k]
    changes = {"steps": c["steps"], "init": m.init, "bias_init": m.bias_init, "perturb": m.perturb}
    if m.seed is not None:
        changes["init_seed"] = m.seed
    if "hidden" in (c["view"] or {}):
        changes["hidden"] = tuple(c["view"]["hidden"])
    expected = config.replace(**changes)
    assert report.resolve(name, side)[1] == expected


def test_report_of_the_optimizers_and_restarts_chapters():
    assert (
        report.resolve("optimizers")[1].optimizer
        == page_state.run_config(chapters.chapter("optimizers")["state"])[0].optimizer
        == "adam"
    )
    seeds = [report.resolve("restarts", side)[1].init_seed for side in ("left", "right")]
    assert seeds == [m.seed for m in page_state.run_config(chapters.chapter("restarts")["state"])[1]]
    assert seeds[0] != seeds[1]
