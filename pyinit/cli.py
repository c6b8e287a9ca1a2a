"""The command line: ``python -m pyinit run | signal | report | bench``.

    python -m pyinit run --dataset xor --hidden 4 --activation tanh --init zeros --lr 0.5 --steps 200 --seed 0
    python -m pyinit run --dataset rings --factor 0.8 --optimizer adam --lr 0.01 --init he
    python -m pyinit run --dataset digits --hidden 16 --activation relu --init he --batch-size 64
    python -m pyinit signal --depth 30 --width 64 --activation relu --init he
    python -m pyinit report --chapter clones --lang pl --out report.html   (any run flag; needs plotly)
    python -m pyinit run --init-code my_init.py --hidden 4,4                (your own init in Python)
    python -m pyinit bench [--memory-steps N]

``run`` and ``signal`` print one JSON object (``api.run`` / ``api.signal``) on stdout; the same
arguments always print the same bytes. ``report`` writes one standalone HTML file with the
figures of a run (``pyinit.figures.report``; ``--chapter`` picks a preset of the run flags, which
explicit flags override). ``bench`` prints throughput and memory figures as text.
Every bad argument exits with status 2 after one line on stderr naming the flag, the allowed
values or range, and what was given. All values are validated by ``RunConfig`` (argparse only
splits the command line), so the CLI, the Python API and the browser reject the same inputs with
the same messages; every flag's range, default and help is the rule book's (``content/settings.json``,
``pyinit.rules``). A run beyond the stated budgets of memory and time (``training.trainer``,
``analysis.signal``) is such a bad argument too: refused up front, naming the flags that set it.
``--init-code FILE`` (run, report): a Python file defining ``init(fan_in, fan_out, rng)`` (and
optionally ``bias(fan_out, rng)``), with ``np`` and ``math`` available (``training.user_code``); it takes
the place of ``--init`` (and of ``--bias-init`` when it defines ``bias``). An error in the file,
when it is compiled or when init runs, is one line naming FILE, the line and the error (status 2).
An output that cannot be written (a full disk, a closed pipe, no permission: stdout, or report's
``--out``) is one line naming the file and the OS's reason, exit status 1.
"""

import argparse
import json
import os
import re
import sys

from . import api, rules
from .errors import ConfigError, show
from .core.initializers import SPEC_HELP, BIAS_SPEC_HELP
from .figures.report import FLAGS as REPORT_OWN_FLAGS, OutputError  # (imports plotly only when writing)
from .training.user_code import CodeError, compile_init

MAX_CODE_FILE_BYTES = 65536


def _flags(section):
    """The flags of a section of the rule book (``content/settings.json``) with their help."""
    specs = {"init_specs": SPEC_HELP, "bias_specs": BIAS_SPEC_HELP}
    return {
        name.replace("_", "-"): rules.help_text(section, name, **specs) for name in rules.section(section)
    }


RUN_FLAGS = {
    **_flags("run"),
    "init-code": "a Python file defining init(fan_in, fan_out, rng) -> W of shape (fan_in, fan_out) and "
    "optionally bias(fan_out, rng) -> b; np and math are available; replaces --init "
    "(and --bias-init when it defines bias)",
}
SIGNAL_FLAGS = _flags("signal")
BENCH_FLAGS = _flags("bench")
REPORT_FLAGS = {**REPORT_OWN_FLAGS, **RUN_FLAGS}


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors that name the flag and its allowed values, exit status 2."""

    flags = {}

    def error(self, message):
        match = re.search(r"argument (--[\w-]+)", message)
        if match and match.group(1)[2:] in self.flags:
            message += f" ({match.group(1)} takes {self.flags[match.group(1)[2:]]})"
        elif message.startswith("unrecognized arguments"):
            message += "; allowed flags: " + " ".join("--" + f for f in self.flags)
        _fail(f"{self.prog}: error: {message}")


def _fail(line):
    sys.stderr.write(" ".join(line.split("\n")) + "\n")
    raise SystemExit(2)


def _stdout_name():
    """ "stdout", with the file it goes to when the system says (Linux: /proc/self/fd/1)."""
    try:
        path = os.readlink(f"/proc/self/fd/{sys.stdout.fileno()}")
    except (OSError, ValueError, AttributeError):  # (io.UnsupportedOperation is both)
        return "stdout"
    return f"stdout ({path})" if path.startswith("/") else "stdout"


def _emit(text):
    """Write one line to stdout now; OutputError if it cannot be written."""
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except OSError as err:
        raise OutputError(_stdout_name(), err) from None


def _output_failed(command, err):
    """One line naming the file and the OS's reason; exit status 1. Python's own last flush of a
    stdout that failed would print a traceback at exit, so stdout goes to /dev/null from here."""
    sys.stderr.write(f"pyinit {command}: error: cannot write {err.filename}: {err.strerror}\n")
    if sys.stdout is sys.__stdout__:
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
    return 1


def _where(param, flags):
    """A ConfigError's parameter(s) as the flags the user typed ("depth, width" -> "--depth, --width")."""
    parts = [p.strip() for p in param.split(",")]
    return ", ".join("--" + p.replace("_", "-") if p.replace("_", "-") in flags else p for p in parts)


def _load_init_code(given):
    """Replace ``init_code`` (a path) in ``given`` by the file's init (and bias) callables."""
    path = given.pop("init_code")
    if "init" in given:
        raise ConfigError("init_code", "replaces --init: give one of them", path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_CODE_FILE_BYTES + 1)
    except OSError as err:
        raise ConfigError("init_code", f"must be a readable Python file ({err.strerror})", path) from None
    if len(raw) > MAX_CODE_FILE_BYTES:
        raise ConfigError("init_code", f"must be a file of at most {MAX_CODE_FILE_BYTES} bytes", path)
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError("init_code", f"must be UTF-8 text (byte {err.start} is not)", path) from None
    init, bias = compile_init(source, "init_code", filename=path, max_bytes=MAX_CODE_FILE_BYTES)
    given["init"] = init
    if bias is not None:
        if "bias_init" in given:
            raise ConfigError(
                "init_code", "defines bias(fan_out, rng), which replaces --bias-init: give one of them", path
            )
        given["bias_init"] = bias


def _add(parser, flags):
    parser.flags = flags
    for flag, help_text in flags.items():
        parser.add_argument("--" + flag, dest=flag.replace("-", "_"), metavar="VALUE", help=help_text)


def build_parser():
    parser = _Parser(
        prog="pyinit", description="A numpy MLP with hand-written backprop: why zero initialization fails."
    )
    parser.flags = {}
    sub = parser.add_subparsers(
        dest="command", required=True, parser_class=_Parser, metavar="{run,signal,report,bench}"
    )
    _add(sub.add_parser("run", help="train one network, print everything recorded as JSON"), RUN_FLAGS)
    _add(sub.add_parser("signal", help="per-layer statistics of a deep net at init, as JSON"), SIGNAL_FLAGS)
    _add(
        sub.add_parser(
            "report",
            help="write one standalone HTML file with the figures of a run "
            "(needs plotly: pip install pyinit[plots])",
        ),
        REPORT_FLAGS,
    )
    _add(sub.add_parser("bench", help="print steps/s and memory figures"), BENCH_FLAGS)
    return parser


def main(argv=None):
    """Run the CLI; returns the exit status (0, or 2 for bad arguments)."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    flags = {"run": RUN_FLAGS, "signal": SIGNAL_FLAGS, "report": REPORT_FLAGS, "bench": BENCH_FLAGS}[
        args.command
    ]
    if extra:
        _fail(
            f"pyinit {args.command}: error: unrecognized arguments: {' '.join(extra)}; "
            f"allowed flags: " + " ".join("--" + f for f in flags)
        )
    given = {k: v for k, v in vars(args).items() if k != "command" and v is not None}
    code_file = given.get("init_code")
    try:
        if code_file is not None:
            _load_init_code(given)
        if args.command == "run":
            _emit(json.dumps(api.run(given), separators=(",", ":"), allow_nan=False))
        elif args.command == "signal":
            _emit(json.dumps(api.signal(given), separators=(",", ":"), allow_nan=False))
        elif args.command == "report":
            from .figures.report import cli_report

            return cli_report(given, emit=_emit)
        else:
            from .bench import run_bench

            for line in run_bench(**given):
                _emit(line)
        return 0
    except CodeError as err:  # the init file: FILE, line and error
        where = f"line {err.line}: " if err.line else ""
        _fail(f"pyinit {args.command}: error: --init-code {code_file}: {where}{err.text}")
    except ConfigError as err:
        where = _where(err.param, flags)
        _fail(f"pyinit {args.command}: error: {where}: {err.constraint}, got {show(err.value)}")
    except OutputError as err:
        return _output_failed(args.command, err)
