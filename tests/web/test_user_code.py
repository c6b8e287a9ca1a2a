"""The reader's Python as an initializer on the page (issue 12, Python side): ``web.user_code``,
the settings ``code``/``code_right`` (base64url of UTF-8) and the init ``python`` in
``page_state``, and the error reply of ``rpc.dispatch`` with ``details`` {param, line, column, kind,
text}, all in CPython. The user's code runs inside ``lab.create`` (compiled by ``run_config``, init
called while the session's trainer is built)."""

import base64
import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from pyinit import content
from pyinit.errors import ConfigError
from pyinit.training.trainer import Trainer
from pyinit.settings import page_state
from pyinit.web import lab, rpc, user_code
from pyinit.web.user_code import CodeError, compile_init

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


def create(**settings):
    return rpc.dispatch("lab.create", {"settings": settings})


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


# ------------------------------------------------------------------------------- compile_init
@pytest.mark.parametrize(
    "source, line, column, kind, text",
    [
        (
            "def init(fan_in, fan_out, rng):\n    return np.zeros((fan_in, fan_out)\n",
            2,
            20,
            "syntax",
            "was never closed",
        ),
        ("def init(fan_in, fan_out, rng)\n    return 0\n", 1, 31, "syntax", "expected ':'"),
        ("def init(fan_in, fan_out, rng):\nreturn 0\n", 2, 1, "syntax", "expected an indented block"),
        ("x = 1 +\n", 1, 8, "syntax", "invalid syntax"),
        ("import os\n", 1, 1, "runtime", "ImportError: only numpy and math can be imported here"),
        ("import js\n", 1, 1, "runtime", "not 'js'"),
        ("from pyodide import ffi\n", 1, 1, "runtime", "not 'pyodide'"),
        ("x = 1\ny = 1 / 0\n", 2, 5, "runtime", "ZeroDivisionError: division by zero"),
        ("input('?')\n", 1, 1, "runtime", "NameError: name 'input' is not defined"),
        ("x = 1\n", None, None, "result", "define a function init(fan_in, fan_out, rng)"),
        (
            "init = 0.5\n",
            None,
            None,
            "result",
            "init must be a function init(fan_in, fan_out, rng), not float",
        ),
        (
            "def init(fan_in):\n    return 1\n",
            1,
            None,
            "result",
            "init must take 3 arguments (fan_in, fan_out, rng); yours takes (fan_in)",
        ),
        (
            "def init(a, b, c):\n    return 0\nbias = 1\n",
            None,
            None,
            "result",
            "bias must be a function bias(fan_out, rng)",
        ),
        ("raise SystemExit(3)\n", 1, 1, "runtime", "SystemExit: 3"),
        (
            "class E(Exception):\n    def __str__(self):\n        return 1 / 0\nraise E()\n",
            4,
            1,
            "runtime",
            "E",
        ),
        ("x = '\x00'\n", None, None, "syntax", "null bytes"),
    ],
)
def test_compile_errors_are_code_errors_with_line_column_and_kind(source, line, column, kind, text):
    with pytest.raises(CodeError) as e:
        compile_init(source, "code_right")
    err = e.value
    assert isinstance(err, ConfigError) and (err.param, err.line, err.kind) == ("code_right", line, kind)
    if column is not None:
        assert err.column == column
    assert text in err.text and str(err).startswith("code_right: ") and "\n" not in str(err)
    assert str(err) == (f"code_right: line {line}: {err.text}" if line else f"code_right: {err.text}")
    assert err.details == {
        "param": "code_right",
        "line": line,
        "column": err.column,
        "kind": kind,
        "text": err.text,
    }


def test_numpy_and_math_can_be_imported_and_are_there_already():
    init, bias = compile_init(
        "import numpy\nfrom numpy import linalg\nimport numpy.random as r\nimport math as m\n"
        "def init(fan_in, fan_out, rng):\n    return np.eye(fan_in, fan_out) * m.pi\n"
        "def bias(fan_out, rng):\n    return numpy.zeros(fan_out) + linalg.norm([3, 4])\n"
    )
    rng = np.random.default_rng(0)
    assert np.array_equal(init(2, 3, rng), np.eye(2, 3) * np.pi) and np.array_equal(bias(2, rng), [5.0, 5.0])
    assert init.label == "python" and compile_init(CONSTANT)[1] is None


def test_errors_while_init_runs_carry_the_users_line():
    source = (
        "def helper(n):\n"
        "    return np.zeros(n)\n"
        "def init(fan_in, fan_out, rng):\n"
        "    if fan_out == 1:\n"
        "        return helper((fan_in, fan_out)) + undefined\n"
        "    return np.zeros((fan_in, fan_out))\n"
    )
    init, _ = compile_init(source, "code")
    config, _ = page_state.run_config({})
    from pyinit.training.config import Member

    with pytest.raises(CodeError) as e:
        Trainer(config, [Member(init=init)])
    assert (e.value.line, e.value.kind) == (5, "runtime") and e.value.column == 44
    assert e.value.text == "NameError: name 'undefined' is not defined"
    deep, _ = compile_init("def init(fan_in, fan_out, rng):\n    return np.zeros(-1)\n", "code")
    with pytest.raises(CodeError) as e:  # raised inside numpy: the user's line still
        Trainer(config, [Member(init=deep)])
    assert e.value.line == 2 and e.value.text.startswith("ValueError: ")
    loop, _ = compile_init("def init(fan_in, fan_out, rng):\n    return init(fan_in, fan_out, rng)\n", "code")
    with pytest.raises(CodeError) as e:
        Trainer(config, [Member(init=loop)])
    assert e.value.line == 2 and e.value.text.startswith("RecursionError: ")


def test_code_size_is_limited_to_4096_bytes_of_utf8():
    source = "#" * (4096 - len(CONSTANT.encode()) - 1) + "\n" + CONSTANT
    assert len(source.encode()) == 4096
    compile_init(source)
    for longer in (source + " ", "# " + "é" * 2048 + "\n" + CONSTANT):
        with pytest.raises(ConfigError) as e:
            compile_init(longer, "code")
        assert not isinstance(e.value, CodeError) and e.value.param == "code"
        assert "at most 4096 bytes" in str(e.value)


PYTHONISH = st.lists(
    st.sampled_from(
        [
            "def init(fan_in, fan_out, rng):",
            "def bias(fan_out, rng):",
            "    return",
            " np.zeros((fan_in, fan_out))",
            " 0.3",
            " rng.normal(size=(fan_out,))",
            " fan_in",
            "import os",
            "import numpy",
            "x = 1 / 0",
            "(",
            ")",
            ":",
            "\n",
            "    ",
            "init = 3",
            "np.nan",
            " + ",
            "[[1], [2, 3]]",
            "'é'",
            "\t",
        ]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.one_of(PYTHONISH, st.text(max_size=60)))
def test_fuzz_any_source_compiles_or_raises_config_errors_only(source):
    """Whatever the source, compiling it and calling what it defines on a small net ends in a result
    or a ConfigError (CodeError) with a one-line message -- never another exception."""
    try:
        init, bias = compile_init(source, "code")
        rng = np.random.default_rng(0)
        for fan_in, fan_out in ((2, 3), (3, 1)):
            assert init(fan_in, fan_out, rng).shape == (fan_in, fan_out)
            if bias is not None:
                assert bias(fan_out, rng).shape == (fan_out,)
    except ConfigError as e:
        assert "\n" not in str(e) and str(e).startswith("code: ")


# ------------------------------------------------------------------------------- page_state
def test_a_python_side_gets_the_codes_init_and_a_non_python_side_ignores_its_code():
    config, members = page_state.run_config(
        {
            "left_init": "python",
            "code": b64(CONSTANT),
            "left_bias": 0.5,
            "right_init": "xavier",
            "code_right": "not base64 at all!",
        }
    )
    assert callable(members[0].init) and members[0].bias_init == "constant:0.5" and members[0].perturb == 0.0
    assert members[1].init == "xavier"
    _, members = page_state.run_config(
        {"left_init": "python", "code": b64(CONSTANT + "def bias(n, rng):\n    return 0.25\n")}
    )
    assert callable(members[0].bias_init)
    _, members = page_state.run_config({"left_init": "python", "code": b64(XAVIER), "left_init_seed": 4})
    assert members[0].seed == 4


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"left_init": "python"}, "code: write a function init(fan_in, fan_out, rng)"),
        ({"left_init": "python", "code": b64("  \n\n")}, "code: write a function init"),
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
    ],
)
def test_bad_code_settings_are_config_errors_naming_the_setting(settings, message):
    with pytest.raises(ConfigError) as e:
        page_state.run_config(settings)
    assert str(e.value).startswith(message) and "\n" not in str(e.value)


def test_empty_code_with_python_is_a_code_error_the_editor_can_show():
    with pytest.raises(CodeError) as e:
        page_state.run_config({"right_init": "python", "code_right": ""})
    assert e.value.details == {
        "param": "code_right",
        "line": None,
        "column": None,
        "kind": "result",
        "text": e.value.text,
    }


# ------------------------------------------------------------------- lab.create through rpc
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
    ],
)
def test_lab_create_replies_with_the_code_errors_details(source, line, kind, text):
    reply = refused(create(layers=1, width=4, right_init="python", code_right=b64(source)))
    assert reply["type"] == "CodeError"
    details = reply["details"]
    assert (details["param"], details["line"], details["kind"]) == ("code_right", line, kind)
    assert details["text"].startswith(text) and set(details) == {"param", "line", "column", "kind", "text"}
    assert reply["message"] == f"code_right: line {line}: {details['text']}"


def test_other_config_errors_carry_the_setting_in_details():
    reply = refused(create(lr=1000))
    assert reply["type"] == "ConfigError" and reply["details"] == {
        "param": "lr",
        "line": None,
        "column": None,
        "kind": None,
        "text": None,
    }
    reply = refused(create(left_init="python", code="x" * 6000))
    assert reply["details"]["param"] == "code" and reply["details"]["kind"] is None
    assert "details" not in refused(rpc.dispatch("lab.nothing", {}))


def test_lab_create_runs_the_code_and_the_clones_stay_clones():
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


def test_the_code_side_equals_the_builtin_side_bitwise_in_the_lab():
    reply = create(left_init="python", code=b64(XAVIER), right_init="xavier", layers=2, width=5, seed=4)
    assert reply["ok"], reply
    sid = reply["result"]["id"]
    frame = lab.step(sid, 200)
    P = reply["result"]["meta"]["P"]
    theta = frame["records"]["theta"].reshape(-1, 2, P)
    assert theta.shape[0] == 200 and np.array_equal(theta[:, 0], theta[:, 1])
    lab.dispose(sid)


def test_user_code_runs_only_inside_lab_create():
    """Module-level code runs when run_config compiles it and init runs while the trainer is built
    (both inside lab.create); stepping never calls it again."""
    counting = (
        "calls = []\n"
        "def init(fan_in, fan_out, rng):\n"
        "    calls.append((fan_in, fan_out))\n"
        "    if len(calls) > 2:\n"
        "        raise RuntimeError('init ran again')\n"
        "    return np.full((fan_in, fan_out), 0.1)\n"
    )
    reply = create(left_init="python", code=b64(counting), layers=1, width=3)
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
