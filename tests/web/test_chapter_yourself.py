"""Chapter "yourself" (issue 12): the reader's own init code. Its claims, on the real core through the
page's settings: the starter code (a constant) keeps the hidden units clones; making the units differ
without any randomness (np.linspace) learns XOR; the starter code is the one the chapter ships."""

import base64

import numpy as np
import pytest

from pyinit.content import chapters
from pyinit.training.trainer import Trainer
from pyinit.settings import page_state

STEPS = 600


def encode(code):
    return base64.urlsafe_b64encode(code.encode()).decode().rstrip("=")


def train(code):
    """The chapter's runs with `code` as the left run's init; returns the trainer after STEPS steps."""
    preset = next(c for c in chapters() if c["id"] == "yourself")["preset"]
    settings = {
        **page_state.defaults(),
        **{k: v for k, v in preset.items() if k != "speed"},
        "code": encode(code),
    }
    config, members = page_state.run_config(settings, run_code_here=True)
    trainer = Trainer(config, members)
    trainer.step(STEPS)
    return trainer


def starter_code():
    preset = next(c for c in chapters() if c["id"] == "yourself")["preset"]
    assert preset["left_init"] == "python"
    return base64.urlsafe_b64decode(preset["code"] + "=" * (-len(preset["code"]) % 4)).decode()


def test_the_starter_code_keeps_the_units_clones():
    code = starter_code()
    assert "np.full" in code and "rng." not in code.split("rng):", 1)[1].split('"""', 2)[-1]
    tr = train(code)
    assert (tr.symmetry()[:, 0, 0] == 0).all()  # S = 0 exactly, every step
    assert tr.accuracy_history[-1, 1] > 0.95  # the right run (Xavier) learns


@pytest.mark.slow
def test_units_that_differ_without_randomness_learn_xor():
    code = (
        "def init(fan_in, fan_out, rng):\n"
        "    return np.linspace(-1, 1, fan_in * fan_out).reshape(fan_in, fan_out)\n"
    )
    tr = train(code)
    assert tr.symmetry()[0, 0, 0] > 0  # distinct from step 0
    assert tr.accuracy_history[-1, 0] >= 0.9  # and the left run learns XOR
    assert np.isfinite(tr.loss_history[-1, 0])
