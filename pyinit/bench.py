"""``python -m pyinit bench``: throughput and memory of the training step, printed as text lines.

Reference config: a 2-16-16-1 tanh net on 200 points of ``xor``, full batch, plain SGD.
Figures (best of ``repeats`` timings; the machine may be shared, so compare ratios):

1. single run, recording on (every step) and off: steps/s;
2. K = 32 members in one batched Trainer vs 32 Trainers run one after another: network-steps/s;
3. peak RSS (``resource.getrusage``) during a ``memory_steps``-step recorded run, sampled at
   10^4, 10^5 and 10^6 steps (as far as the run goes) to show it stays flat;
4. the digits (``DIGITS``: 64-16-10 ReLU, mini-batches of 64, SGD 0.5): one net without records,
   and the lab's pair (zeros and He in lock-step, every step recorded and scored on the 360 test
   images, one ``web.lab`` frame per animation frame) at 1, 2 and 4 steps per frame: frames/s.

Nothing here is asserted; this module is for people, not for the test suite. It is the only part
of pyinit that reads the clock or the process's memory.
"""

import platform
import time

import numpy as np

from . import __version__
from . import rules
from .training.config import RunConfig, Member
from .training.trainer import Trainer

BENCH = rules.section("bench")
REFERENCE = RunConfig(dataset="xor", n_samples=200, hidden=(16, 16), activation="tanh", init="xavier", lr=0.5)
# the digits setup measured here, whose end numbers tests/training/test_digits_end_numbers.py checks
DIGITS = RunConfig(
    dataset="digits", hidden=(16,), activation="relu", init="he", lr=0.5, batch_size=64, steps=300, seed=0
)
DIGITS_MEMBERS = (Member(init="zeros"), Member(init="constant:0.05"), Member(init="he"))


def _best_rates(runs, repeats):
    """Best rate of each ``(callable, work)`` pair; the pairs are timed in turn, ``repeats`` rounds,
    so that a noisy neighbour slows all of them alike."""
    best = [0.0] * len(runs)
    for _ in range(repeats):
        for i, (fn, work) in enumerate(runs):
            start = time.perf_counter()
            fn()
            best[i] = max(best[i], work / (time.perf_counter() - start))
    return best


def _peak_rss_mb():
    import resource  # not available in Pyodide; bench is CLI-only

    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024.0 if platform.system() != "Darwin" else kb / 2**20


def run_bench(memory_steps=BENCH["memory_steps"]["default"], repeats=BENCH["repeats"]["default"]):
    """Yield the report's lines one by one (so a slow part shows progress)."""
    memory_steps = rules.parse(BENCH["memory_steps"], memory_steps)
    repeats = rules.parse(BENCH["repeats"], repeats)
    yield (
        f"pyinit {__version__}, numpy {np.__version__}, Python {platform.python_version()}; "
        f"reference: 2-16-16-1 tanh, 200 points, full batch, SGD"
    )

    run = Trainer(REFERENCE)
    marks = [m for m in (10_000, 100_000, 1_000_000, 10_000_000) if m < memory_steps] + [memory_steps]
    rss = []
    start = time.perf_counter()
    for mark in marks:
        while run.t < mark:
            run.step(min(10_000, mark - run.t))
        rss.append(f"{run.t}: {_peak_rss_mb():.1f} MB")
    elapsed = time.perf_counter() - start
    rec = run.recorder
    yield (f"peak RSS during a {run.t}-step recorded run ({run.t / elapsed:.0f} steps/s): " + ", ".join(rss))
    yield (
        f"  recorder: {rec.count} of {rec.capacity} records, every {rec.stride} steps, "
        f"{rec.nbytes / 2**20:.1f} MB preallocated"
    )
    del run

    on = Trainer(REFERENCE)
    off = Trainer(REFERENCE, record=False)
    on.step(200), off.step(200)
    rate_on, rate_off = _best_rates([(lambda: on.step(2000), 2000), (lambda: off.step(2000), 2000)], repeats)
    yield f"single run, recording on : {rate_on:9.0f} steps/s"
    yield (
        f"single run, recording off: {rate_off:9.0f} steps/s  "
        f"(recording costs {100 * (1 - rate_on / rate_off):.0f} %)"
    )

    K, steps = 32, 300
    batched = Trainer(REFERENCE, [Member(seed=s) for s in range(K)])
    singles = [Trainer(REFERENCE, [Member(seed=s)]) for s in range(K)]
    batched.step(20)
    for tr in singles:
        tr.step(20)

    def sequential():
        for tr in singles:
            tr.step(steps)

    rate_batched, rate_seq = _best_rates(
        [(lambda: batched.step(steps), K * steps), (sequential, K * steps)], repeats
    )
    yield f"K=32 batched             : {rate_batched:9.0f} network-steps/s"
    yield (
        f"32 sequential runs       : {rate_seq:9.0f} network-steps/s  "
        f"(batched/sequential = {rate_batched / rate_seq:.2f})"
    )
    yield from digits_lines(repeats)


def digits_rates(repeats=3, steps=200, frames=40):
    """{"single": steps/s of one DIGITS net without records, "frames": {steps per frame: frames/s of
    the lab's zeros/He pair}} (``web.lab.Session``: train, then one frame, as the page asks)."""
    from .web.lab import Session  # noqa: PLC0415 (the web layer, only for this figure)

    single = Trainer(DIGITS, record=False)
    single.step(20)
    (rate,) = _best_rates([(lambda: single.step(steps), steps)], repeats)
    out = {"single": rate, "frames": {}}
    for per_frame in (1, 2, 4):
        session = Session(DIGITS, [Member(init="zeros"), Member(init="he")])
        session.frame()

        def play():
            for _ in range(frames):
                session.train(per_frame)
                session.frame()

        (out["frames"][per_frame],) = _best_rates([(play, frames)], repeats)
    return out


def digits_lines(repeats=3):
    """The digits figures as text lines."""
    r = digits_rates(repeats)
    lines = [
        "digits 64-16-10 relu, batches of 64, SGD (pyinit.bench.DIGITS):",
        f"  one net, no records       : {r['single']:9.0f} steps/s",
    ]
    for per_frame, fps in r["frames"].items():
        lines.append(
            f"  lab pair (zeros, He), {per_frame} step(s)/frame, every step recorded on the test set: "
            f"{fps:6.0f} frames/s ({fps * per_frame:.0f} steps/s)"
        )
    return lines
