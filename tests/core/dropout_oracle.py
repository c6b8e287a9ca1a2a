"""PyTorch as the oracle for dropout's forward and backward pass (writes dropout_oracle.json).

torch is not a test dependency (about 900 MB and minutes to install), so its answers are recorded
once in ``dropout_oracle.json`` beside this file; ``test_dropout.py`` checks pyinit against that
file on every run, and re-checks the file against torch itself whenever torch is importable.
Regenerate it (from the repository root) with:

    python3 -m venv /tmp/pyinit-torch
    /tmp/pyinit-torch/bin/pip install --find-links /opt/wheels torch==2.13.0
    /tmp/pyinit-torch/bin/python tests/core/dropout_oracle.py

Each case is a small net (float64) with its input, labels, parameters and one dropout mask per
hidden layer, drawn by torch's own ``nn.Dropout`` in training mode (0 or 1/(1 - p) per sample and
unit: the mask is dropout applied to a tensor of ones, and the script asserts that dropout applied to
the activations equals activations * mask). torch's autograd then gives the mean binary
cross-entropy and the gradients of every W and b; pyinit's hand-written backward must match them.
W is stored as (fan_in, fan_out), pyinit's convention (torch's Linear.weight is its transpose).
"""

import json
import pathlib

HERE = pathlib.Path(__file__).parent
ORACLE = HERE / "dropout_oracle.json"
CASES = [  # (activation, hidden widths, samples, p, seed)
    ("tanh", [4, 3], 6, 0.5, 1),
    ("relu", [4, 3], 6, 0.25, 2),
    ("sigmoid", [5], 7, 0.5, 3),
    ("tanh", [3], 5, 0.8, 4),
]


def torch_forward_backward(case):
    """torch's loss and mean-loss gradients for one recorded case (the masks applied as given)."""
    import torch

    act = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}[case["activation"]]
    X = torch.tensor(case["X"], dtype=torch.float64)
    y = torch.tensor(case["y"], dtype=torch.float64)[:, None]
    Ws = [torch.tensor(W, dtype=torch.float64, requires_grad=True) for W in case["W"]]
    bs = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in case["b"]]
    a = X
    for l, (W, b) in enumerate(zip(Ws, bs)):
        z = a @ W + b
        if l < len(Ws) - 1:
            a = act(z) * torch.tensor(case["masks"][l], dtype=torch.float64)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    loss.backward()
    return {
        "loss": loss.item(),
        "dW": [W.grad.tolist() for W in Ws],
        "db": [b.grad.tolist() for b in bs],
    }


def make_case(activation, hidden, n, p, seed):
    """A case's inputs: data, parameters and masks drawn with torch (seeded), masks by nn.Dropout."""
    import torch

    g = torch.Generator().manual_seed(seed)
    sizes = [2] + hidden + [1]
    X = torch.randn(n, 2, generator=g, dtype=torch.float64)
    y = (torch.rand(n, generator=g) < 0.5).double()
    W = [torch.randn(i, o, generator=g, dtype=torch.float64) for i, o in zip(sizes[:-1], sizes[1:])]
    b = [0.1 * torch.randn(o, generator=g, dtype=torch.float64) for o in sizes[1:]]
    masks = []
    drop = torch.nn.Dropout(p).train()
    for width in hidden:
        torch.manual_seed(seed * 100 + width)
        mask = drop(torch.ones(n, width, dtype=torch.float64))
        values = torch.randn(n, width, dtype=torch.float64, generator=g)
        torch.manual_seed(seed * 100 + width)  # the same draws again
        assert torch.equal(drop(values), values * mask)  # what nn.Dropout does is "* mask"
        masks.append(mask.tolist())
    return {
        "activation": activation,
        "p": p,
        "X": X.tolist(),
        "y": y.tolist(),
        "W": [w.tolist() for w in W],
        "b": [v.tolist() for v in b],
        "masks": masks,
    }


def relu_slope_at_0():
    """torch's choice of ReLU'(0) (the subgradient at the kink is any value in [0, 1])."""
    import torch

    x = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    torch.relu(x).sum().backward()
    return x.grad.item()


def main():
    import torch

    cases = []
    for spec in CASES:
        case = make_case(*spec)
        case["torch"] = torch_forward_backward(case)
        cases.append(case)
    data = {
        "about": __doc__.split("\n\n")[0],
        "torch": torch.__version__,
        "relu_slope_at_0": relu_slope_at_0(),
        "cases": cases,
    }
    ORACLE.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {ORACLE} ({len(cases)} cases, torch {torch.__version__})")


if __name__ == "__main__":
    main()
