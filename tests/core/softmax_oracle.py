"""PyTorch autograd (float64) trajectories of softmax nets: the recorded oracle of
``test_softmax_oracle.py``, and the code that makes it.

torch is not in the test extra (about 900 MB), so its answers are kept in ``softmax_oracle.npz``
(85 KB). Regenerate them with (the wheel lies in /opt/wheels on the team's machines):

    python3 -m venv /tmp/torch-venv
    /tmp/torch-venv/bin/pip install --find-links /opt/wheels torch==2.13.0 -e .
    /tmp/torch-venv/bin/python tests/core/softmax_oracle.py

Cases (``CASES``), 40 updates each, SGD (plain) and Adam (torch.optim.Adam's defaults):

- "small-*": a 5-4-3-4 net (two hidden layers, 4 classes) on 24 fixed random points, mini-batches
  of 8 taken in order; every parameter at every step is recorded (``theta``, (41, P)).
- "digits-*": the 64-16-10 net of the digits chapter, trained by pyinit's ``Trainer`` on the first
  128 training images in mini-batches of 32 (the trainer's own batch order, rebuilt here from its
  BATCHES stream); recorded: the loss on those 128 images at every step and every parameter at steps
  0, 1 and 40 (the file stays small).

In torch, a layer is ``z = a @ W + b`` with W of shape (fan_in, fan_out) as in pyinit, the loss is
``torch.nn.functional.cross_entropy`` (mean over the batch), and the gradient comes from autograd.
The initial parameters and the data come from pyinit (they are inputs here, not results).
"""

import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "softmax_oracle.npz"
STEPS = 40
COMMAND = (
    "python3 -m venv /tmp/torch-venv && /tmp/torch-venv/bin/pip install --find-links /opt/wheels "
    "torch==2.13.0 -e . && /tmp/torch-venv/bin/python tests/core/softmax_oracle.py"
)
SMALL_SIZES, SMALL_N, SMALL_BATCH = (5, 4, 3, 4), 24, 8
CASES = {
    "small-tanh-sgd": dict(source="small", activation="tanh", optimizer="sgd", lr=0.5),
    "small-relu-adam": dict(source="small", activation="relu", optimizer="adam", lr=0.05),
    "digits-tanh-sgd": dict(source="digits", activation="tanh", optimizer="sgd", lr=0.5),
    "digits-relu-adam": dict(source="digits", activation="relu", optimizer="adam", lr=0.01),
}
DIGITS_KEPT = (0, 1, STEPS)  # the steps whose parameters the digits cases record


def small_problem():
    """(X (24, 5), y (24,) in 0..3, theta0 (P,)): fixed points, labels and a normal(0.7) init."""
    from pyinit.core.initializers import initial_params
    from pyinit.core.network import Layout

    rng = np.random.default_rng(2024)
    X = rng.standard_normal((SMALL_N, SMALL_SIZES[0]))
    y = rng.integers(0, SMALL_SIZES[-1], SMALL_N)
    theta0 = Layout(SMALL_SIZES).pack(initial_params(SMALL_SIZES, "normal:0.7", "normal:0.3", seed=5))
    return X, y, theta0


def small_batches(steps=STEPS):
    """The sample indices of the batch of every step 0..steps: 0-7, 8-15, 16-23, 0-7, ..."""
    return [np.arange(SMALL_N)[(t % 3) * SMALL_BATCH : (t % 3 + 1) * SMALL_BATCH] for t in range(steps + 1)]


def digits_config(case):
    from pyinit.training.config import RunConfig

    c = CASES[case]
    return RunConfig(
        dataset="digits",
        n_samples=128,
        hidden=16,
        activation=c["activation"],
        init="he",
        bias_init="normal:0.1",
        optimizer=c["optimizer"],
        lr=c["lr"],
        batch_size=32,
        steps=STEPS,
        seed=3,
    )


def digits_batches(config, steps=STEPS):
    """The trainer's batch of every step 0..steps: a fresh permutation of the samples from the
    BATCHES stream at each epoch, cut into batches in order (``Trainer._batch``)."""
    from pyinit import seeding

    rng, order, out = seeding.generator(config.seed, seeding.BATCHES), None, []
    n, b = config.n_samples, config.batch_size
    assert n % b == 0, "(equal batches only)"
    for t in range(steps + 1):
        if t * b % n == 0:
            order = rng.permutation(n)
        start = t * b % n
        out.append(order[start : start + b])
    return out


def torch_trajectory(sizes, activation, optimizer, lr, X, y, theta0, batches):
    """PyTorch's trajectory: (theta (len(batches), P), full-data loss (len(batches),)); row t is
    the parameters after t updates, update t using the gradient on ``batches[t]``."""
    import torch
    import torch.nn.functional as F

    from pyinit.core.network import Layout

    layout = Layout(sizes)
    params = []
    for W, b in layout.unpack(theta0):
        params += [torch.tensor(W, dtype=torch.float64, requires_grad=True)]
        params += [torch.tensor(b, dtype=torch.float64, requires_grad=True)]
    f = {"tanh": torch.tanh, "relu": torch.relu}[activation]
    if optimizer == "sgd":
        opt = torch.optim.SGD(params, lr=lr)
    else:
        opt = torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-8)
    Xt, yt = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.int64)

    def logits(x):
        a = x
        for l in range(layout.L):
            z = a @ params[2 * l] + params[2 * l + 1]
            a = f(z) if l < layout.L - 1 else z
        return a

    def flat():
        return layout.pack(
            [(params[2 * l].detach().numpy(), params[2 * l + 1].detach().numpy()) for l in range(layout.L)]
        )

    thetas, losses = [], []
    for t, idx in enumerate(batches):
        thetas.append(flat())
        with torch.no_grad():
            losses.append(float(F.cross_entropy(logits(Xt), yt)))
        if t == len(batches) - 1:
            break
        opt.zero_grad()
        F.cross_entropy(logits(Xt[idx]), yt[idx]).backward()
        opt.step()
    return np.array(thetas), np.array(losses)


def case_inputs(case):
    """(sizes, X, y, theta0, batches) of a case, all from pyinit."""
    c = CASES[case]
    if c["source"] == "small":
        X, y, theta0 = small_problem()
        return SMALL_SIZES, X, y, theta0, small_batches()
    from pyinit.training.trainer import Trainer

    config = digits_config(case)
    tr = Trainer(config, record=False)
    return config.sizes, tr.X, tr.y, tr.theta[0].copy(), digits_batches(config)


def compute(case):
    """The torch answers of a case as stored: {"theta": (R, P), "loss": (STEPS + 1,)}."""
    c = CASES[case]
    sizes, X, y, theta0, batches = case_inputs(case)
    theta, loss = torch_trajectory(sizes, c["activation"], c["optimizer"], c["lr"], X, y, theta0, batches)
    if c["source"] == "digits":
        theta = theta[list(DIGITS_KEPT)]
    return {"theta": theta, "loss": loss}


def main():
    import torch

    arrays = {}
    for case in CASES:
        for key, value in compute(case).items():
            arrays[f"{case}/{key}"] = value
    meta = {"torch": torch.__version__, "numpy": np.__version__, "steps": STEPS, "command": COMMAND}
    np.savez_compressed(OUT, meta=np.array(json.dumps(meta)), **arrays)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes): torch {torch.__version__}, cases {', '.join(CASES)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1]))
    sys.exit(main())
