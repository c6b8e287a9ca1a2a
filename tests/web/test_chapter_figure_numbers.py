"""Every number a chapter's "watch" text quotes (en and pl) is the figure's number, at the step the text
means (issue 17.2). The "watch" text is the one that describes the figure: each number in it is read
from the text, and must be listed in QUOTES below for its chapter with a check on the figure's own data
(the frame arrays of content/frames.json: loss, acc, sym, gnorm = sqrt(|dW|^2 + |db|^2) per layer,
theta, distinct), or on the chapter's settings (a learning rate, a sigma); a number in the text that
QUOTES does not list fails, and so does a listed number the text no longer quotes.

The figure has two sources of the same runs: the build's precomputed file (pyinit.web.precompute,
float32, every stride-th step: what paints first) and, once Python has loaded, the live session
(pyinit.web.lab, every step). Every check runs on both; a check at a step the precomputed file does
not hold (e.g. step 3 with a stride of 25) runs on the live session only.
Numbers of the other texts (body, takeaway, report) are the claims of docs/claims.md."""

import math
import re

import numpy as np
import pytest

from pyinit.core.network import evaluate_many
from pyinit.settings import page_state, presets
from pyinit.web import chapters as tour, lab, precompute

LN2 = math.log(2)
SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


class Figure:
    """One source of a chapter's figure: the frame arrays reshaped to (records, K, ...)."""

    def __init__(self, arrays, K, layout, settings, steps_total, activation, X, live):
        self.steps = np.asarray(arrays["steps"], dtype=int)
        R = len(self.steps)
        H, L = layout.L - 1, layout.L
        self.loss = np.asarray(arrays["loss"], float).reshape(R, K)
        self.acc = np.asarray(arrays["acc"], float).reshape(R, K)
        self.sym = np.asarray(arrays["sym"], float).reshape(R, K, H) if H else np.zeros((R, K, 0))
        self.gnorm = np.asarray(arrays["gnorm"], float).reshape(R, K, L)
        self.theta = np.asarray(arrays["theta"], float).reshape(R, K, -1)
        self.distinct = np.asarray(arrays["distinct"], float).reshape(R, K, H) if H else None
        self.layout, self.settings, self.total, self.activation = layout, settings, steps_total, activation
        self.X, self.live = X, live

    def at(self, step):
        """The record index of ``step``, or None when this source does not hold it."""
        i = np.flatnonzero(self.steps == step)
        if i.size == 0:
            if self.live:
                raise AssertionError(f"the live session holds every step, not {step}")
            return None
        return int(i[0])

    def weights(self, k, r=-1):
        """All W entries of member k at record r (theta minus the biases)."""
        lay = self.layout
        parts = [
            self.theta[r, k, lay.w_offsets[l] : lay.w_offsets[l] + lay.sizes[l - 1] * lay.sizes[l]]
            for l in range(1, lay.L + 1)
        ]
        return np.concatenate(parts)

    def output(self, k, r=-1, X=None):
        X = self.X if X is None else X
        return evaluate_many(self.theta[r, k][None], self.layout, self.activation, X, keep=("output",))[
            "output"
        ]


def figures(chapter_id):
    c = tour.chapter(chapter_id)
    settings = page_state.run_settings(c["state"])
    session = lab.Session.from_settings(settings, run_code_here=True)  # the chapter's own code
    session.trainer.step(c["steps"])
    tr = session.trainer
    K, layout, act = len(session.members), session.layout, tr.activation
    live = lab.record_arrays(tr, np.arange(tr.recorder.size))
    head, blob = precompute.chapter_run(chapter_id)
    pre = {}
    for name, (dtype, offset, length) in head["arrays"].items():
        pre[name] = np.frombuffer(blob, dtype=dtype, count=length, offset=offset)
    out = [Figure(live, K, layout, settings, c["steps"], act, tr.X, live=True)]
    out.append(Figure(pre, K, layout, settings, c["steps"], act, tr.X, live=False))
    return out


# --------------------------------------------------------------------------- the checks, per chapter
# Each: canonical number (en spelling without thousands separators; a·10⁻ⁿ as "ae-n") -> list of
# (what it says, check(figure) -> bool or None (None: this source does not hold the step)).
def flat(values, v, digits):
    return bool((np.round(values, digits) == v).all())


def from_step(f, k, s, pred):
    """pred holds at record ``s`` (None if not held by this source)."""
    r = f.at(s)
    return None if r is None else bool(pred(r))


QUOTES = {
    "simple": {
        "0": [("left edges exactly 0 at every step", lambda f: not f.theta[:, 0].any())],
        "0.693": [("left loss a flat line at 0.693", lambda f: flat(f.loss[:, 0], 0.693, 3))],
        "0.1": [("right loss falls below 0.1", lambda f: f.loss[-1, 1] < 0.1)],
    },
    "additive": {
        "0": [
            (
                "left edges start exactly 0, then move",
                lambda f: not f.theta[0, 0].any() and f.theta[1, 0].any(),
            )
        ],
        "0.098": [("both losses end at 0.098", lambda f: flat(f.loss[-1], 0.098, 3))],
    },
    "clones": {
        "0": [
            ("left S exactly 0 at every step", lambda f: not f.sym[:, 0].any()),
            (
                "right units differ from step 0",
                lambda f: from_step(f, 1, 0, lambda r: (f.sym[r, 1] > 0).all()),
            ),
        ],
    },
    "stuck": {
        "0": [
            (
                "left output layer's gradient > 0 from step 0, hidden = 0 at step 0",
                lambda f: f.gnorm[0, 0, -1] > 0 and f.gnorm[0, 0, 0] == 0,
            ),
        ],
        "1": [
            (
                "left hidden layer's gradient > 0 from step 1",
                lambda f: from_step(f, 0, 1, lambda r: (f.gnorm[r:, 0, 0] > 0).all()),
            )
        ],
        "0.5": [("left ends at accuracy 0.5", lambda f: f.acc[-1, 0] == 0.5)],
    },
    "layers": {
        "0": [
            ("left gradient norms exactly 0", lambda f: not f.gnorm[:, 0].any()),
            (
                "right: at step 0 only the output layer",
                lambda f: f.gnorm[0, 1, 0] == 0 and f.gnorm[0, 1, -1] > 0,
            ),
        ],
        "0.693": [("left loss on 0.693", lambda f: flat(f.loss[:, 0], 0.693, 3))],
        "1": [
            (
                "right first layer from step 1",
                lambda f: from_step(f, 1, 1, lambda r: (f.gnorm[r:, 1, 0] > 0).all()),
            )
        ],
    },
    "biases": {
        "0": [
            ("left W = 0 at the start", lambda f: not f.weights(0, 0).any()),
            ("left S exactly 0", lambda f: not f.sym[:, 0].any()),
        ],
        "0.1": [("every left bias 0.1", lambda f: f.settings["left_bias"] == 0.1)],
        "0.687": [("left loss 0.687 at the end", lambda f: round(f.loss[-1, 0], 3) == 0.687)],
        "600": [("the end is step 600", lambda f: f.steps[-1] == 600 == f.total)],
    },
    "optimizers": {
        "0.05": [
            (
                "Adam, learning rate 0.05",
                lambda f: f.settings["optimizer"] == "adam" and f.settings["lr"] == 0.05,
            )
        ],
        "0.5": [("left: every weight 0.5", lambda f: (f.weights(0, 0) == 0.5).all())],
        "0": [("left S exactly 0", lambda f: not f.sym[:, 0].any())],
        "0.54": [("left loss stops near 0.54", lambda f: round(f.loss[-1, 0], 2) == 0.54)],
        "0.70": [("left accuracy 0.70", lambda f: round(f.acc[-1, 0], 2) == 0.70)],
        "1.0": [("right accuracy reaches 1.0", lambda f: f.acc[-1, 1] == 1.0)],
    },
    "noise": {
        "1e-4": [("left S starts near 1e-4", lambda f: math.floor(math.log10(f.sym[0, 0, 0])) == -4)],
        "1e-8": [("right S starts near 1e-8", lambda f: math.floor(math.log10(f.sym[0, 1, 0])) == -8)],
        "0.693": [("both losses start at 0.693", lambda f: flat(f.loss[0], 0.693, 3))],
        "962": [
            (
                "left loss leaves 0.693 (below ln 2 - 0.05) at step 962",
                lambda f: (
                    None if f.at(962) is None else int(f.steps[np.argmax(f.loss[:, 0] < LN2 - 0.05)]) == 962
                ),
            ),
        ],
    },
    "restarts": {
        "0.153": [("left loss ends at 0.153", lambda f: round(f.loss[-1, 0], 3) == 0.153)],
        "0.935": [("left accuracy 0.935", lambda f: round(f.acc[-1, 0], 3) == 0.935)],
        "0.397": [("right loss ends at 0.397", lambda f: round(f.loss[-1, 1], 3) == 0.397)],
        "0.725": [("right accuracy 0.725", lambda f: round(f.acc[-1, 1], 3) == 0.725)],
    },
    "yourself": {
        "1": [("the starter code: 1 distinct unit", lambda f: (f.distinct[:, 0] == 1).all())],
        "4": [
            ("4 hidden units that can differ", lambda f: f.layout.sizes[1] == 4 and f.distinct[-1, 1, 0] == 4)
        ],
    },
    "scale": {
        "0.01": [("left normal sigma 0.01", lambda f: f.settings["left_scale"] == 0.01)],
        "0.693": [("left loss stays on 0.693", lambda f: flat(f.loss[:, 0], 0.693, 3))],
        "0": [("2.6e-4 is step 0's (the first record)", lambda f: f.steps[0] == 0)],
        "2.6e-4": [
            ("left gradient norm 2.6e-4 at step 0", lambda f: f"{f.gnorm[0, 0].max():.1e}" == "2.6e-04")
        ],
        "4": [("it is layer 4's, from its biases", lambda f: int(np.argmax(f.gnorm[0, 0])) == 3)],
        "1e-5": [("below 1e-5 after step 0", lambda f: f.gnorm[1:, 0].max() < 1e-5)],
        "1e-8": [
            (
                "output differences of order 1e-8: max |p - 0.5| over the records is 10^-8 to 10^-7",
                lambda f: (
                    math.floor(
                        math.log10(max(np.abs(f.output(0, r) - 0.5).max() for r in range(len(f.steps))))
                    )
                    == -8
                ),
            ),
        ],
    },
    "large": {
        "10": [("left normal sigma 10", lambda f: f.settings["left_scale"] == 10)],
        "16937": [("left loss starts at 16,937", lambda f: round(f.loss[0, 0]) == 16937)],
        "1248": [("the smallest layer's norm at step 0", lambda f: round(f.gnorm[0, 0].min()) == 1248)],
        "1807": [("the largest layer's norm at step 0", lambda f: round(f.gnorm[0, 0].max()) == 1807)],
        "3": [
            (
                "hidden norms exactly 0 from step 3, the output layer's not",
                lambda f: from_step(
                    f, 0, 3, lambda r: not f.gnorm[r:, 0, :-1].any() and (f.gnorm[r:, 0, -1] > 0).all()
                ),
            )
        ],
        "0": [("the 0 (exactly) line", lambda f: not f.gnorm[-1, 0, :-1].any())],
        "0.0056": [
            (
                "output layer's norm at step 3",
                lambda f: from_step(f, 0, 3, lambda r: round(f.gnorm[r, 0, -1], 4) == 0.0056),
            )
        ],
        "6e-14": [("output layer's norm at step 1,000", lambda f: f"{f.gnorm[-1, 0, -1]:.0e}" == "6e-14")],
        "1000": [("the last step is 1,000", lambda f: f.steps[-1] == 1000 == f.total)],
        "0.5": [
            (
                "output 0.5 at every data point",
                lambda f: np.ptp(f.output(0)) == 0 and round(float(f.output(0)[0, 0]), 6) == 0.5,
            )
        ],
        "1.0": [("right accuracy reaches 1.0", lambda f: f.acc[-1, 1] == 1.0)],
    },
    "origins": {
        "0": [
            (
                "at step 0 the left norms are several times smaller in every layer",
                lambda f: (f.gnorm[0, 1] > 3 * f.gnorm[0, 0]).all(),
            )
        ],
    },
    "reproduce": {
        "0.693": [("left loss a flat line at 0.693", lambda f: flat(f.loss[:, 0], 0.693, 3))],
        "15000": [("for all 15,000 steps", lambda f: f.steps[-1] == 15000 == f.total)],
    },
    "modern": {
        "0.1": [("dropout 0.1", lambda f: f.settings["dropout"] == 0.1)],
        "0.5": [("left: every weight 0.5", lambda f: (f.weights(0, 0) == 0.5).all())],
        "0": [
            ("left S exactly 0 at step 0", lambda f: f.sym[0, 0, 0] == 0),
            ("right edges exactly 0 at every step", lambda f: not f.weights(1, -1).any()),
        ],
        "1": [
            ("left S leaves 0 at step 1", lambda f: from_step(f, 0, 1, lambda r: (f.sym[r:, 0] > 0).all()))
        ],
        "0.905": [("left ends at accuracy 0.905", lambda f: round(f.acc[-1, 0], 3) == 0.905)],
        "0.695": [("without dropout: 0.695 (another run; tests/web/test_chapter_claims.py)", lambda f: True)],
        "0.693": [("right loss stays on 0.693", lambda f: flat(f.loss[:, 1], 0.693, 3))],
    },
    "digits": {
        "16": [
            ("16 hidden units: 16 images per run", lambda f: f.layout.sizes[1] == 16),
            ("right: 16 distinct units at the end", lambda f: f.distinct[-1, 1, 0] == 16),
        ],
        "1": [("left: 1 distinct unit at every step", lambda f: (f.distinct[:, 0, 0] == 1).all())],
        "300": [("the run's last step is 300", lambda f: f.steps[-1] == 300 == f.total)],
        "24.4": [("left test accuracy 24.4 % at the end", lambda f: round(100 * f.acc[-1, 0], 1) == 24.4)],
        "94.2": [("right test accuracy 94.2 % at the end", lambda f: round(100 * f.acc[-1, 1], 1) == 94.2)],
        "360": [
            (
                "loss and accuracy on the 360 test images",
                lambda f: page_state.run_config(f.settings)[0].n_test == 360,
            )
        ],
    },
}

NUMBER = {
    "en": re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?(?:·10⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?"),
    "pl": re.compile(r"(?:[0-9]{1,3}(?:\u00a0[0-9]{3})+|[0-9]+)(?:,[0-9]+)?(?:·10⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?"),
}
POWER = re.compile(r"10⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+")


def canonical(token, lang):
    """'16,937' / '16 937' -> '16937'; '0,693' -> '0.693'; '2.6·10⁻⁴' -> '2.6e-4'."""
    mantissa, _, power = token.partition("·")
    if lang == "en":
        mantissa = mantissa.replace(",", "")
    else:
        mantissa = mantissa.replace("\u00a0", "").replace(",", ".")
    return f"{mantissa}e{power[2:].translate(SUPER)}" if power else mantissa


def quoted_numbers(text, lang):
    found = set()
    for m in POWER.finditer(text):  # a bare power of ten: 10⁻⁴ -> 1e-4
        if not (m.start() and text[m.start() - 1] == "·"):
            found.add(f"1e{m.group()[2:].translate(SUPER)}")
    text = POWER.sub(lambda m: m.group() if m.start() and text[m.start() - 1] == "·" else " ", text)
    for m in NUMBER[lang].finditer(text):
        found.add(canonical(m.group(), lang))
    return found


def test_quoted_numbers_are_read_as_the_text_means_them():
    assert quoted_numbers("loss 16,937 and 1,248 to 1,807; 0.0056 at 6·10⁻¹⁴, below 10⁻⁵ (0.70)", "en") == {
        "16937",
        "1248",
        "1807",
        "0.0056",
        "6e-14",
        "1e-5",
        "0.70",
    }
    assert quoted_numbers("od 16\u00a0937, od 1248 do 1807; 0,0056 i 6·10⁻¹⁴, poniżej 10⁻⁵ (0,70)", "pl") == {
        "16937",
        "1248",
        "1807",
        "0.0056",
        "6e-14",
        "1e-5",
        "0.70",
    }


@pytest.fixture(scope="module")
def texts():
    from pyinit import content

    return {lang: content.load(f"text/{lang}.json")["chapters"] for lang in ("en", "pl")}


@pytest.mark.parametrize(
    "chapter_id",
    [pytest.param(c, marks=pytest.mark.slow) if c in ("reproduce", "noise") else c for c in presets.ids()],
)
def test_every_number_of_the_watch_text_is_the_figures(chapter_id, texts):
    quotes = QUOTES.get(chapter_id, {})
    for lang in ("en", "pl"):
        found = quoted_numbers(texts[lang][chapter_id]["watch"], lang)
        assert found == set(quotes), (
            lang,
            chapter_id,
            "text quotes",
            sorted(found),
            "checked",
            sorted(quotes),
        )
    for fig in figures(chapter_id):
        for number, checks in quotes.items():
            for what, check in checks:
                verdict = check(fig)
                if verdict is None:
                    assert not fig.live, (chapter_id, number, what)
                    continue
                source = "live session" if fig.live else "precomputed file"
                assert verdict, f"{chapter_id}: '{number}' ({what}) is not what the {source}'s figure shows"
