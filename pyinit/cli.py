"""The command line: ``python -m pyinit run | signal | report | bench``.

    python -m pyinit run --dataset xor --hidden 4 --activation tanh --init zeros --lr 0.5 --steps 200 --seed 0
    python -m pyinit run --dataset rings --factor 0.8 --optimizer adam --lr 0.01 --init he
    python -m pyinit signal --depth 30 --width 64 --activation relu --init he
    python -m pyinit report --chapter clones --lang pl --out report.html   (any run flag; needs plotly)
    python -m pyinit bench [--memory-steps N]

``run`` and ``signal`` print one JSON object (``api.run`` / ``api.signal``) on stdout; the same
arguments always print the same bytes. ``report`` writes one standalone HTML file with the
figures of a run (``pyinit.figures.report``; ``--chapter`` picks a preset of the run flags, which
explicit flags override). ``bench`` prints throughput and memory figures as text.
Every bad argument exits with status 2 after one line on stderr naming the flag, the allowed
values or range, and what was given. All values are validated by ``RunConfig`` (argparse only
splits the command line), so the CLI, the Python API and the browser reject the same inputs with
the same messages.
"""

import argparse
import json
import re
import sys

from . import api
from .errors import ConfigError, show
from .core.activations import ACTIVATIONS
from .core.datasets import DATASETS
from .core.initializers import SPEC_HELP, BIAS_SPEC_HELP
from .figures.report import FLAGS as REPORT_OWN_FLAGS  # (imports plotly only when writing)

RUN_FLAGS = {
    "dataset": "one of " + ", ".join(DATASETS) + " (default xor)",
    "n-samples": "an integer in 2..10000 (default 200)",
    "noise": "a number in [0, 5] (default 0.1)",
    "factor": "rings only: the inner ring's radius, in [0, 1) (default 0.8)",
    "n-test": "size of the held-out test set, 2..10000 (default: n-samples)",
    "hidden": "comma-separated widths in 1..256, '' for no hidden layer (default 4)",
    "activation": "one of " + ", ".join(ACTIVATIONS) + " (default tanh)",
    "init": SPEC_HELP + ", or one spec per layer, comma-separated (default xavier)",
    "bias-init": BIAS_SPEC_HELP + " (default zeros)",
    "perturb": "std of Gaussian noise added to the initial weights, in [0, 100] (default 0)",
    "lr": "learning rate in (0, 100] (default 0.5)",
    "momentum": "in [0, 1) (default 0); with optimizer sgd, > 0 means heavy-ball momentum",
    "optimizer": "one of sgd, momentum, adam (default sgd; momentum needs --momentum > 0, adam "
                 "needs --momentum 0; adam is PyTorch's, betas 0.9, 0.999, eps 1e-8)",
    "batch-size": "an integer in 1..n-samples (default: full batch)",
    "steps": "number of updates, 0..10000000 (default 200)",
    "every": "record every K-th step, K >= 1 (default 1)",
    "seed": "an integer in 0..4294967295 (default 0)",
    "init-seed": "seed of the initial weights only, 0..4294967295 (default: seed; data and batches "
                 "keep --seed: a restart)",
    "max-records": "records kept before halving the resolution, 2..100000 (default 1000)",
}
SIGNAL_FLAGS = {
    "depth": "number of layers, 1..200 (default 30)",
    "width": "units per layer, 1..512 (default 64)",
    "activation": "one of " + ", ".join(ACTIVATIONS) + " (default tanh)",
    "init": SPEC_HELP + " (default xavier)",
    "n-samples": "batch of standard-normal inputs, 2..4096 (default 256)",
    "seed": "an integer in 0..4294967295 (default 0)",
}
REPORT_FLAGS = {**REPORT_OWN_FLAGS, **RUN_FLAGS}
BENCH_FLAGS = {
    "memory-steps": "steps of the memory run, 1000..10000000 (default 1000000)",
    "repeats": "timing repeats, best is reported, 1..20 (default 3)",
}


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


def _add(parser, flags):
    parser.flags = flags
    for flag, help_text in flags.items():
        parser.add_argument("--" + flag, dest=flag.replace("-", "_"), metavar="VALUE", help=help_text)


def build_parser():
    parser = _Parser(prog="pyinit", description="A numpy MLP with hand-written backprop: "
                     "why zero initialization fails.")
    parser.flags = {}
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser,
                                metavar="{run,signal,report,bench}")
    _add(sub.add_parser("run", help="train one network, print everything recorded as JSON"), RUN_FLAGS)
    _add(sub.add_parser("signal", help="per-layer statistics of a deep net at init, as JSON"), SIGNAL_FLAGS)
    _add(sub.add_parser("report", help="write one standalone HTML file with the figures of a run "
                        "(needs plotly: pip install pyinit[plots])"), REPORT_FLAGS)
    _add(sub.add_parser("bench", help="print steps/s and memory figures"), BENCH_FLAGS)
    return parser


def main(argv=None):
    """Run the CLI; returns the exit status (0, or 2 for bad arguments)."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    flags = {"run": RUN_FLAGS, "signal": SIGNAL_FLAGS, "report": REPORT_FLAGS,
             "bench": BENCH_FLAGS}[args.command]
    if extra:
        _fail(f"pyinit {args.command}: error: unrecognized arguments: {' '.join(extra)}; "
              f"allowed flags: " + " ".join("--" + f for f in flags))
    given = {k: v for k, v in vars(args).items() if k != "command" and v is not None}
    try:
        if args.command == "run":
            result = api.run(given)
        elif args.command == "signal":
            result = api.signal(given)
        elif args.command == "report":
            from .figures.report import cli_report
            return cli_report(given)
        else:
            from .bench import run_bench
            for line in run_bench(**given):
                print(line, flush=True)
            return 0
    except ConfigError as err:
        name = err.param.replace("_", "-")
        where = "--" + name if name in flags else err.param
        _fail(f"pyinit {args.command}: error: {where}: {err.constraint}, got {show(err.value)}")
    sys.stdout.write(json.dumps(result, separators=(",", ":"), allow_nan=False) + "\n")
    return 0
