"""The reader's Python as an initializer (issue 12; moved below web/ and cli for issue 16):
``training.user_code`` -- compile_init's errors with line, column and kind; SystemExit and
KeyboardInterrupt from the code as sentences; ``initial_arrays``, what the page's sandbox runs,
equal bitwise to what the trainer makes from the same code (and, for the Xavier formula, to
``init="xavier"``)."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from pyinit.core.initializers import initial_params
from pyinit.errors import ConfigError
from pyinit.training import user_code
from pyinit.training.config import Member, RunConfig
from pyinit.training.trainer import Trainer
from pyinit.training.user_code import CodeError, compile_init, initial_arrays

XAVIER = """import math

def init(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * math.sqrt(2 / (fan_in + fan_out))
"""
CONSTANT = """def init(fan_in, fan_out, rng):
    \"\"\"Every weight 0.3: the units start as clones.\"\"\"
    return np.full((fan_in, fan_out), 0.3)
"""


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
        (
            "raise SystemExit(3)\n",
            1,
            1,
            "runtime",
            "SystemExit: sys.exit() and raise SystemExit end a program",
        ),
        ("raise KeyboardInterrupt\n", 1, 1, "runtime", "KeyboardInterrupt: your code was interrupted"),
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
    config = RunConfig(hidden=(4,))

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


# --------------------------------------------------------- SystemExit and KeyboardInterrupt
@pytest.mark.parametrize(
    "body, start",
    [
        ("raise SystemExit", "SystemExit: sys.exit() and raise SystemExit end a program, not an init"),
        ("raise SystemExit(2)", "SystemExit: sys.exit() and raise SystemExit end a program"),
        ("np.__builtins__['__import__']('sys').exit(1)", "SystemExit: sys.exit()"),
        ("raise KeyboardInterrupt", "KeyboardInterrupt: your code was interrupted"),
    ],
)
def test_exits_and_interrupts_raised_while_init_runs_are_sentences_not_tracebacks(body, start):
    """issue 16, item 5: they end nothing but the code, and say so in one line with the code's line."""
    init, _ = compile_init(f"def init(fan_in, fan_out, rng):\n    {body}\n", "code")
    with pytest.raises(CodeError) as e:
        Trainer(RunConfig(hidden=(3,)), [Member(init=init)])
    assert e.value.line == 2 and e.value.kind == "runtime" and e.value.text.startswith(start)
    assert "return the weights" in e.value.text or "must return the weights" in e.value.text
    assert "\n" not in str(e.value) and "Traceback" not in str(e.value)
    if "(2)" in body:
        assert e.value.text.endswith("(exit status 2)")


# ------------------------------------------------------------------------------ initial_arrays
XAVIER = """import math

def init(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * math.sqrt(2 / (fan_in + fan_out))
"""
# init and bias share state, so the order of the calls shows in the numbers
INTERLEAVED = """calls = []
def init(fan_in, fan_out, rng):
    calls.append("W")
    return rng.normal(size=(fan_in, fan_out)) + len(calls)
def bias(fan_out, rng):
    calls.append("b")
    return rng.uniform(-1, 1, size=fan_out) * len(calls)
"""


@pytest.mark.parametrize("sizes, seed", [((2, 4, 1), 0), ((2, 5, 5, 3, 1), 7), ((2, 1), 123)])
def test_initial_arrays_are_the_trainers_initial_parameters_bitwise(sizes, seed):
    """What the page's sandbox returns (issue 16) equals what the trainer makes from the same code
    with the same seed -- the CLI's --init-code path -- to the last bit, bias and call order included."""
    for source in (XAVIER, INTERLEAVED):
        arrays = initial_arrays(source, "code", sizes, seed)
        init, bias = compile_init(source, "code")  # a fresh compilation: its own state
        expected = initial_params(list(sizes), init, bias if bias is not None else "zeros", 0.0, seed)
        assert len(arrays["W"]) == len(sizes) - 1
        for l, (W, b) in enumerate(expected):
            assert arrays["W"][l].dtype == np.float64 and np.array_equal(arrays["W"][l], W)
            if bias is None:
                assert arrays["b"] is None
            else:
                assert np.array_equal(arrays["b"][l], b)
    builtin = initial_params(list(sizes), "xavier", "zeros", 0.0, seed)
    xavier = initial_arrays(XAVIER, "code", sizes, seed)
    assert all(np.array_equal(a, W) for a, (W, _) in zip(xavier["W"], builtin))


def test_initial_arrays_raise_the_codes_errors():
    with pytest.raises(CodeError) as e:
        initial_arrays(
            "def init(fan_in, fan_out, rng):\n    return np.zeros((fan_out, fan_in))\n",
            "code_right",
            (2, 3, 1),
            0,
        )
    assert e.value.param == "code_right" and e.value.kind == "result" and "shape (3, 2)" in e.value.text
