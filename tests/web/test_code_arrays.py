"""The reader's code on the page, Python side (issue 12; isolated for issue 16): the settings
``code``/``code_right`` and the init ``python`` (``page_state``), what the page's sandbox runs
(``web.sandbox.run``: arrays or an error with ``details``) and how the page's worker takes those
arrays (``lab.init_plan``, ``lab.create(settings, inits)``, ``settings.code_arrays``): checked again,
never trusted, and the code itself never compiled or run there. All in CPython."""

import base64
import json

import numpy as np
import pytest

from pyinit import content
from pyinit.errors import ConfigError
from pyinit.training import user_code
from pyinit.settings import code_arrays, page_state
from pyinit.web import lab, rpc, sandbox

XAVIER = """import math

def init(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * math.sqrt(2 / (fan_in + fan_out))
"""
CONSTANT = """def init(fan_in, fan_out, rng):
    \"\"\"Every weight 0.3: the units start as clones.\"\"\"
    return np.full((fan_in, fan_out), 0.3)
"""


def b64(source):
    return base64.urlsafe_b64encode(source.encode("utf-8")).decode("ascii").rstrip("=")


def as_page(arrays):
    """A sandbox reply's arrays as the page passes them on: lists of floats (JSON-like)."""
    listed = lambda layers: None if layers is None else [np.asarray(a).tolist() for a in layers]
    return {"W": listed(arrays["W"]), "b": listed(arrays["b"])}


def inits_for(settings):
    """What the page does: lab.init_plan, then the sandbox's run per python side (here in CPython)."""
    plan = rpc.dispatch("lab.init_plan", {"settings": settings})
    assert plan["ok"], plan
    out = {}
    for param, p in plan["result"].items():
        source = page_state.decode_code(param, settings.get(param, ""))
        reply = sandbox.run(source, param, p["sizes"], p["seed"])
        assert reply["ok"], reply
        out[param] = as_page(reply)
    return out


def create(inits="auto", **settings):
    inits = inits_for(settings) if inits == "auto" else inits
    return rpc.dispatch("lab.create", {"settings": settings, **({} if inits is None else {"inits": inits})})


def refused(reply):
    assert reply["ok"] is False and "\n" not in reply["message"], reply
    json.dumps(reply)  # plain data, as the worker sends it
    return reply


# ------------------------------------------------------------------------ the settings schema
def test_settings_json_has_the_python_init_and_the_two_code_settings():
    schema = content.load("settings.json")
    assert "python" in page_state.INITS and "python" not in schema["init_param"]
    assert (
        "python" in page_state.SPEC["left_init"]["choices"]
        and "python" in page_state.SPEC["right_init"]["choices"]
    )
    for name in ("code", "code_right"):
        spec = page_state.SPEC[name]
        assert {k: spec[k] for k in ("name", "type", "default", "maxLength", "group")} == {
            "name": name,
            "type": "text",
            "default": "",
            "maxLength": 5462,
            "group": "run",
        }
        assert name in page_state.RUN_KEYS
    assert len(b64("x" * user_code.MAX_CODE_BYTES)) == 5462 == len(b64("é" * 2048))


# ------------------------------------------------------------------------------- init_plan
def test_init_plan_names_sizes_and_seed_of_each_python_side_only():
    plan = lab.init_plan({"left_init": "python", "layers": 2, "width": 5, "seed": 4})
    assert plan == {"code": {"sizes": [2, 5, 5, 1], "seed": 4}}
    plan = lab.init_plan({"right_init": "python", "right_init_seed": 3, "seed": 4, "code": "!!"})
    assert plan == {"code_right": {"sizes": [2, 4, 1], "seed": 7}}  # the left code is not looked at
    assert lab.init_plan({}) == {}


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"right_init": "python", "code_right": "a+b/"}, "code_right: must be the code as base64url"),
        ({"right_init": "python", "code_right": "abcde"}, "code_right: must be the code as base64url"),
        ({"right_init": "python", "code_right": "YWJj="}, "code_right: must be the code as base64url"),
        ({"left_init": "python", "code": "_w"}, "code: must be base64url of UTF-8 text"),
        ({"left_init": "python", "code": "x" * 5463}, "code: must be a string of at most 5462 characters"),
        ({"left_init": "python", "code": 12}, "code: must be a string of at most 5462 characters, got 12"),
        (
            {"left_init": "python", "code": b64("#" * 4097)},
            "code: must be a string of at most 5462 characters, got '5463 characters'",
        ),
        ({"left_init": "python", "lr": 1000}, "lr: "),
    ],
)
def test_bad_code_settings_are_config_errors_naming_the_setting(settings, message):
    for call in (page_state.init_plan, page_state.run_config):
        with pytest.raises(ConfigError) as e:
            call(settings)
        assert str(e.value).startswith(message) and "\n" not in str(e.value)


# ------------------------------------------------------------------- the sandbox's Python
@pytest.mark.parametrize(
    "source, line, kind, text",
    [
        (
            "def init(fan_in, fan_out, rng):\n    return np.zeros((fan_in, fan_out)\n",
            2,
            "syntax",
            "'(' was never closed",
        ),
        (
            "def init(fan_in, fan_out, rng):\n    w = 1\n    return npp.zeros((fan_in, fan_out))\n",
            3,
            "runtime",
            "NameError: name 'npp' is not defined",
        ),
        (
            "def init(fan_in, fan_out, rng):\n    return np.zeros((fan_out, fan_in))\n",
            1,
            "result",
            "init(2, 4, rng) returned an array of shape (4, 2); expected (2, 4) = (fan_in, fan_out)",
        ),
        (
            "def init(fan_in, fan_out, rng):\n    w = np.zeros((fan_in, fan_out))\n    if fan_out == 1:\n"
            "        w[:3] = np.nan\n    return w\n",
            1,
            "result",
            "init(4, 1, rng) returned 3 values that are not finite numbers (nan or inf)",
        ),
        (
            "import os\ndef init(fan_in, fan_out, rng):\n    return np.zeros((fan_in, fan_out))\n",
            1,
            "runtime",
            "ImportError: only numpy and math can be imported here",
        ),
        ("raise KeyboardInterrupt\n", 1, "runtime", "KeyboardInterrupt: your code was interrupted"),
        ("import math\nmath.sys = 0\nraise SystemExit(1)\n", 3, "runtime", "SystemExit: sys.exit()"),
        ("", None, "result", "define a function init(fan_in, fan_out, rng)"),
    ],
)
def test_the_sandbox_replies_with_the_code_errors_details(source, line, kind, text):
    reply = sandbox.run(source, "code_right", [2, 4, 1], 0)
    json.dumps(reply)
    assert reply["ok"] is False and reply["type"] == "CodeError"
    details = reply["details"]
    assert (details["param"], details["line"], details["kind"]) == ("code_right", line, kind)
    assert details["text"].startswith(text) and set(details) == {"param", "line", "column", "kind", "text"}
    where = f"line {line}: " if line else ""
    assert reply["message"] == f"code_right: {where}{details['text']}" and "Traceback" not in reply["message"]


def test_the_sandbox_replies_with_flat_float64_arrays_per_layer():
    reply = sandbox.run(CONSTANT + "def bias(fan_out, rng):\n    return 0.25\n", "code", [2, 3, 3, 1], 0)
    assert reply["ok"] and [a.shape for a in reply["W"]] == [(6,), (9,), (3,)]
    assert all(a.dtype == np.float64 and a.flags.c_contiguous for a in reply["W"] + reply["b"])
    assert [a.tolist() for a in reply["b"]] == [[0.25] * 3, [0.25] * 3, [0.25]]
    assert sandbox.run(XAVIER, "code", [2, 3, 1], 0)["b"] is None


# ---------------------------------------------------------------- lab.create with the arrays
def test_a_python_side_gets_the_arrays_as_its_init_and_a_non_python_side_ignores_its_code():
    settings = {
        "left_init": "python",
        "code": b64(CONSTANT),
        "left_bias": 0.5,
        "right_init": "xavier",
        "code_right": "not base64 at all!",
    }
    config, members = page_state.run_config(settings, inits_for(settings))
    weights = members[0].init
    assert isinstance(weights, tuple) and all(isinstance(w, code_arrays.GivenArray) for w in weights)
    assert [w.array.shape for w in weights] == [(2, 4), (4, 1)] and np.all(weights[0].array == 0.3)
    assert members[0].bias_init == "constant:0.5" and members[0].perturb == 0.0
    assert members[1].init == "xavier" and members[0].to_dict()["init"] == "python"
    settings = {"left_init": "python", "code": b64(CONSTANT + "def bias(n, rng):\n    return 0.25\n")}
    _, members = page_state.run_config(settings, inits_for(settings))
    assert isinstance(members[0].bias_init, tuple) and members[0].to_dict()["bias_init"] == "python"
    settings = {"left_init": "python", "code": b64(XAVIER), "left_init_seed": 4}
    _, members = page_state.run_config(settings, inits_for(settings))
    assert members[0].seed == 4


def test_an_empty_code_setting_is_the_example_the_page_ran_not_an_error():
    """issue 16, item 8: ``left_init=python`` without code starts from the editor's example (the
    page's sandbox runs it); here only the arrays count. Where this Python runs the code itself (the
    chapters' own code at build time), an empty code is still an error the editor can show."""
    example = (
        "def init(fan_in, fan_out, rng):\n"
        "    return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))\n"
    )
    arrays = as_page(sandbox.run(example, "code", [2, 4, 1], 0))
    reply = create(inits={"code": arrays}, left_init="python")
    assert reply["ok"], reply
    lab.dispose(reply["result"]["id"])
    with pytest.raises(user_code.CodeError) as e:
        page_state.run_config({"right_init": "python", "code_right": ""}, run_code_here=True)
    assert e.value.details["param"] == "code_right" and e.value.details["kind"] == "result"


GOOD = {"W": [[0.1] * 8, [0.2] * 4], "b": None}


@pytest.mark.parametrize(
    "inits, message",
    [
        (None, "code: needs the arrays its code made in the page's sandbox (inits), got 'no arrays'"),
        ({}, "code: needs the arrays its code made in the page's sandbox"),
        ({"code": [1, 2]}, "code: must come with the arrays your code made in the sandbox"),
        ({"code": {"W": GOOD["W"]}}, "code: must come with the arrays"),
        ({"code": {"W": GOOD["W"][:1], "b": None}}, "code: W must be a list of 2 layers, got '1 items'"),
        ({"code": {"W": None, "b": None}}, "code: W must be a list of 2 layers"),
        (
            {"code": {"W": [[0.1] * 7, [0.2] * 4], "b": None}},
            "code: W of layer 1 must be a list of 8 numbers",
        ),
        (
            {"code": {"W": [["0.1"] * 8, [0.2] * 4], "b": None}},
            "code: W of layer 1 must be a list of 8 numbers",
        ),
        ({"code": {"W": [[[0.1] * 4] * 2, [0.2] * 4], "b": None}}, "code: W of layer 1 must be a list"),
        ({"code": {"W": GOOD["W"], "b": [[0.0] * 4]}}, "code: b must be a list of 2 layers"),
        ({"code": {"W": GOOD["W"], "b": [[0.0] * 4, [0.0] * 2]}}, "code: b of layer 2 must be a list of 1"),
        (
            {"code": {"W": [[0.1] * 7 + [float("nan")], [0.2] * 4], "b": None}},
            "code: W of layer 1 must hold finite numbers only, got '1 not finite (nan or inf)'",
        ),
        (
            {"code": {"W": [[0.1] * 8, [2e6] * 4], "b": None}},
            "code: W of layer 2 must hold numbers of size at most 1e+06, got 2000000.0",
        ),
        (
            {"code": {"W": GOOD["W"], "b": [[0.0] * 4, [float("inf")]]}},
            "code: b of layer 2 must hold finite numbers only",
        ),
        ("nope", "inits: must be an object"),
    ],
)
def test_lab_create_checks_the_sandboxs_arrays_again(inits, message):
    """Never trust the sandbox: what comes back is checked in the page's worker, naming the setting."""
    reply = refused(create(inits=inits, left_init="python", layers=1, width=4))
    assert reply["type"] == "ConfigError" and reply["message"].startswith(message), reply
    assert reply["details"]["param"] in ("code", "inits")
    assert create(inits={"code": GOOD}, left_init="python", layers=1, width=4)["ok"]


def test_lab_create_never_compiles_or_runs_the_code(monkeypatch):
    """The page's worker builds the runs from the arrays alone: code that would fail (or do anything)
    is not even compiled there."""

    def forbidden(*args, **kwargs):
        raise AssertionError("the reader's code must not run in the page's worker")

    monkeypatch.setattr(user_code, "compile_init", forbidden)
    monkeypatch.setattr(user_code, "initial_arrays", forbidden)
    broken = "def init(fan_in, fan_out, rng):\n    raise SystemExit(1)\n  this is not Python\n"
    reply = create(inits={"code": GOOD}, left_init="python", code=b64(broken), layers=1, width=4)
    assert reply["ok"], reply
    sid = reply["result"]["id"]
    for call, args in (
        ("lab.step", {"id": sid, "n": 50}),
        ("lab.advance", {"id": sid, "to_step": 80}),
        ("lab.inspect", {"id": sid, "step": 80}),
        ("lab.landscape", {"id": sid, "step": 80}),
    ):
        assert rpc.dispatch(call, args)["ok"], call
    lab.dispose(sid)


def test_the_arrays_build_the_runs_and_the_clones_stay_clones():
    reply = create(
        left_init="python", code=b64(CONSTANT), right_init="python", code_right=b64(XAVIER), layers=2, width=4
    )
    assert reply["ok"], reply
    result = reply["result"]
    assert result["meta"]["members"] == [{"init": "python", "bias_init": "zeros", "perturb": 0.0}] * 2
    sid = result["id"]
    frame = lab.step(sid, 300)
    H, K = 2, 2
    distinct = frame["records"]["distinct"].reshape(-1, K, H)
    assert np.all(distinct[:, 0] == 1) and np.all(distinct[:, 1] == 4)
    assert np.all(frame["records"]["sym"].reshape(-1, K, H)[:, 0] == 0.0)
    lab.dispose(sid)


@pytest.mark.parametrize("seed, offset", [(4, 0), (0, 9)])
def test_the_code_side_equals_the_builtin_side_bitwise_in_the_lab(seed, offset):
    """Xavier written as code, run as the sandbox runs it and passed on as the page passes it, trains
    exactly as init=xavier (as with --init-code on the CLI)."""
    reply = create(
        left_init="python",
        code=b64(XAVIER),
        left_init_seed=offset,
        right_init="xavier",
        right_init_seed=offset,
        layers=2,
        width=5,
        seed=seed,
    )
    assert reply["ok"], reply
    sid = reply["result"]["id"]
    frame = lab.step(sid, 200)
    P = reply["result"]["meta"]["P"]
    theta = frame["records"]["theta"].reshape(-1, 2, P)
    assert theta.shape[0] == 200 and np.array_equal(theta[:, 0], theta[:, 1])
    lab.dispose(sid)
