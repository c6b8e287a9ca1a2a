"""``python -m pyinit run|report --init-code FILE``: your own init in a Python file (issue 12, CLI).

The file's ``init`` returning the Xavier formula with the rng it gets prints exactly the numbers of
``--init xavier``; one returning a constant keeps the hidden units clones (S = 0 at every step).
Errors in the file are one line naming FILE, the line and the error, exit status 2.
"""

import json

import numpy as np
import pytest
from conftest import run_cli


XAVIER = """import math

def init(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * math.sqrt(2 / (fan_in + fan_out))
"""
CONSTANT = """def init(fan_in, fan_out, rng):
    return np.full((fan_in, fan_out), 0.3)
"""


@pytest.fixture
def write(tmp_path):
    def write(source, name="my_init.py"):
        path = tmp_path / name
        path.write_text(source, encoding="utf-8")
        return str(path)

    return write


def test_init_code_returning_the_xavier_formula_prints_the_numbers_of_init_xavier(write, capsys):
    flags = [
        "--hidden",
        "4,3",
        "--steps",
        "120",
        "--seed",
        "2",
        "--init-seed",
        "7",
        "--optimizer",
        "adam",
        "--lr",
        "0.05",
    ]
    code, out, err = run_cli(["run", "--init-code", write(XAVIER)] + flags, capsys)
    assert code == 0 and err == ""
    mine = json.loads(out)
    code, out, _ = run_cli(["run", "--init", "xavier"] + flags, capsys)
    builtin = json.loads(out)
    assert mine["config"].pop("init") == "python" and builtin["config"].pop("init") == "xavier"
    assert mine == builtin  # every recorded number, exactly (JSON floats)


def test_init_code_returning_a_constant_keeps_the_clones(write, capsys):
    code, out, _ = run_cli(
        ["run", "--init-code", write(CONSTANT), "--hidden", "4,4", "--steps", "400"], capsys
    )
    r = json.loads(out)
    assert code == 0 and len(r["symmetry"]) == 401 and all(s == [0.0, 0.0] for s in r["symmetry"])
    assert r["loss"][-1] < r["loss"][0]


def test_init_code_with_a_bias_function(write, capsys):
    source = CONSTANT + "\ndef bias(fan_out, rng):\n    return np.linspace(-1, 1, fan_out)\n"
    code, out, _ = run_cli(["run", "--init-code", write(source), "--steps", "0"], capsys)
    r = json.loads(out)
    assert (
        code == 0
        and r["biases"][0][0] == np.linspace(-1, 1, 4).tolist()
        and r["config"]["bias_init"] == "python"
    )


@pytest.mark.parametrize(
    "source, expected",
    [
        (
            "def init(fan_in, fan_out, rng):\n    return np.zeros((fan_in, fan_out)\n",
            ": line 2: '(' was never closed",
        ),
        (
            "def init(fan_in, fan_out, rng):\n    w = 1\n    return npp.zeros((fan_in, fan_out))\n",
            ": line 3: NameError: name 'npp' is not defined",
        ),
        (
            "def init(fan_in, fan_out, rng):\n    return np.zeros((fan_out, fan_in))\n",
            ": line 1: init(2, 4, rng) returned an array of shape (4, 2); "
            "expected (2, 4) = (fan_in, fan_out)",
        ),
        ("import os\n", ": line 1: ImportError: only numpy and math can be imported here"),
        ("x = 1\n", ": define a function init(fan_in, fan_out, rng)"),
        # issue 16: exits and interrupts from the file are sentences too (not status 130 and a traceback)
        (
            "def init(fan_in, fan_out, rng):\n    raise KeyboardInterrupt\n",
            ": line 2: KeyboardInterrupt: your code was interrupted (raise KeyboardInterrupt, or Ctrl+C)",
        ),
        ("raise KeyboardInterrupt\n", ": line 1: KeyboardInterrupt: your code was interrupted"),
        (
            "import math\ndef init(fan_in, fan_out, rng):\n    raise SystemExit(3)\n",
            ": line 3: SystemExit: sys.exit() and raise SystemExit end a program, not an init",
        ),
    ],
)
def test_errors_in_the_file_are_one_line_naming_file_line_and_error(write, capsys, source, expected):
    path = write(source)
    code, out, err = run_cli(["run", "--init-code", path, "--steps", "3"], capsys)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"pyinit run: error: --init-code {path}{expected}"), err


def test_a_file_that_cannot_be_read_or_is_combined_with_init(write, tmp_path, capsys):
    code, _, err = run_cli(["run", "--init-code", str(tmp_path / "missing.py")], capsys)
    assert (
        code == 2
        and err.count("\n") == 1
        and "--init-code: must be a readable Python file (No such file" in err
    )
    bad = tmp_path / "latin1.py"
    bad.write_bytes(b"# caf\xe9\n")
    code, _, err = run_cli(["run", "--init-code", str(bad)], capsys)
    assert code == 2 and "--init-code: must be UTF-8 text (byte 5 is not)" in err
    code, _, err = run_cli(["run", "--init-code", write(CONSTANT), "--init", "he"], capsys)
    assert code == 2 and "--init-code: replaces --init: give one of them" in err
    source = CONSTANT + "def bias(fan_out, rng):\n    return 0.0\n"
    code, _, err = run_cli(["run", "--init-code", write(source), "--bias-init", "zeros"], capsys)
    assert code == 2 and "replaces --bias-init" in err


def test_report_with_init_code(write, tmp_path, capsys):
    out = tmp_path / "mine.html"
    path = write(CONSTANT)
    code, stdout, err = run_cli(
        ["report", "--chapter", "clones", "--init-code", path, "--steps", "20", "--out", str(out)], capsys
    )
    assert code == 0 and err == "" and stdout.startswith(f"wrote {out}")
    text = out.read_text(encoding="utf-8")
    assert f"--init-code {path}" in text and "<code>python</code>" in text


def test_the_report_of_a_chapter_with_code_shows_the_code_and_reproduces(tmp_path, capsys, monkeypatch):
    """Chapter 'yourself' starts the left run from the reader's code: the report prints it as init.py
    and the command beside it, and that command with that file gives the report's numbers."""
    import html
    import re
    import shlex
    from pyinit import api
    from pyinit.figures import report

    out = tmp_path / "yourself.html"
    code, _, err = run_cli(["report", "--chapter", "yourself", "--steps", "12", "--out", str(out)], capsys)
    assert code == 0 and err == ""
    text = out.read_text(encoding="utf-8")
    command = html.unescape(re.search(r"<pre>python -m pyinit run (.*?)</pre>", text).group(1))
    source = html.unescape(re.search(r'<pre class="code"># init.py\n(.*?)</pre>', text, re.S).group(1))
    assert "--init-code init.py" in command and "def init(fan_in, fan_out, rng)" in source
    (tmp_path / "init.py").write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, stdout, _ = run_cli(["run"] + shlex.split(command), capsys)
    assert code == 0
    expected = api.run(report.resolve("yourself", "left")[1].replace(steps=12))
    assert json.loads(stdout)["weights"] == expected["weights"]
