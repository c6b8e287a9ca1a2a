"""A fully connected classifier and its hand-written backpropagation, for K nets at once.

Notation (used in every module of pyinit; the layer index ``l`` runs 1..L as in the math, so list
index 0 of ``W, b, z, delta, dW, db`` is unused, and ``a[0]`` is the input):

    sizes     layer sizes, e.g. (2, 4, 4, 1): 2 inputs, two hidden layers of 4, one output unit;
              (64, 16, 10): 64 inputs, 16 hidden units, 10 output units (C = 10 classes)
    L         number of weight layers, len(sizes) - 1
    K         number of networks ("members") trained together; a single run is K = 1
    n         number of samples in the batch
    a[0]      the input X                                   (K, n, sizes[0])  (or (1, n, ...) shared)
    W[l]      weights of layer l                            (K, sizes[l-1], sizes[l])  = (fan_in, fan_out)
    b[l]      biases of layer l                             (K, 1, sizes[l])
    z[l]      pre-activations, z[l] = a[l-1] @ W[l] + b[l]  (K, n, sizes[l])
    a[l]      activations, a[l] = f(z[l]); with one output unit a[L] = sigmoid(z[L]) is the
              predicted P(y = 1), with C >= 2 units a[L] = softmax(z[L]) the predicted P(y = c)
    y         targets                                       (K or 1, n, sizes[L])
              0 or 1 (one output unit), one-hot rows (C units): ``targets``
    delta[l]  dloss_i/dz[l], per sample i                   (K, n, sizes[l])
              delta[L] = a[L] - y exactly, for both outputs (see losses);
              delta[l] = (delta[l+1] @ W[l+1].T) * f'(z[l])
    dW[l]     sum_i a[l-1]_i^T delta[l]_i = a[l-1].T @ delta[l]      (K, fan_in, fan_out)
    db[l]     sum_i delta[l]_i                                        (K, 1, fan_out)

The gradient of the *mean* loss is (dW, db) / n; ``backward`` returns the sums and callers divide
once (the trainer divides its whole flat gradient buffer in one operation).

Parameters of the K members live in one flat float64 array ``theta`` of shape (K, P); ``Layout``
gives the views ``W[l]`` and ``b[l]`` into it, so an optimizer updates every weight of every member
with one array operation. Inside theta, each W[l] block is stored transposed (fan_out, fan_in); the
views still have the logical shape (fan_in, fan_out). Activation buffers are likewise stored
feature-major, (K, width, n) in memory, viewed as (K, n, width). Both layouts were chosen by
measurement: they make ``matmul`` below about 1.8x faster than row-major buffers.

Why ``matmul`` is not ``a @ b``: pyinit proves claims like "units that start identical stay
bitwise identical". That needs every column of a product to be summed in the same order. With
OpenBLAS, ``@`` splits columns into tiles handled by different kernels, and for some widths (7, 9,
...) two identical weight columns give outputs that differ in the last bit. ``np.einsum`` (without
``optimize``) uses numpy's own sum-of-products loops, which compute every output element the same
way; the tests check bitwise column symmetry over widths 1..17 and batch sizes 1..1000. In Pyodide
(no BLAS) it is also faster than ``@`` (21 vs 47 us for a 200x16 @ 16x16 product). Natively each
product is ~4x slower than BLAS's, which makes the whole training step ~1.4x slower.
(Rejected: forcing numpy's own matmul loop with strided operands -- exact with numpy 2.0, but
numpy 2.4 copies such operands and calls BLAS anyway.)
``evaluate_many`` runs the forward pass alone for many parameter vectors at once (records, grid
points of a landscape), in chunks so that memory stays bounded.
Dropout (``core.dropout``): ``forward``/``backward`` take optional ``masks`` (indexed 1..L; 0 or
1/(1 - p) per sample and hidden unit). Then ``a[l] = f(z[l])`` stays unmasked (the derivatives read
it) and the next layer reads the kept activations ``a[l] * mask[l]`` (``ws.kept``); backward uses
them for ``dW[l+1]`` and ``delta[l] = (delta[l+1] @ W[l+1].T) * mask[l] * f'(z[l])``.
Left out: regression outputs, regularisation, batch norm.
"""

import numpy as np

from .activations import ACTIVATIONS, sigmoid
from . import losses


def matmul(a, b, out):
    """``out[...] = a @ b`` over stacks of matrices, with every output element summed in the same
    order, so that equal columns (rows) in give bitwise equal columns (rows) out. See the module
    docstring for why this is not ``np.matmul``."""
    return np.einsum("...ij,...jl->...il", a, b, out=out)  # optimize=False: one C loop, fixed order


def T(x):
    """The transpose of the last two axes (a view)."""
    return x.swapaxes(-1, -2)


def feature_major(K, n, width):
    """An uninitialised buffer viewed as (K, n, width), stored as (K, width, n)."""
    return T(np.empty((K, width, n)))


class Layout:
    """Where each layer's W and b live inside a flat parameter vector of length P."""

    def __init__(self, sizes):
        self.sizes = tuple(int(s) for s in sizes)
        assert len(self.sizes) >= 2 and all(s >= 1 for s in self.sizes)
        self.L = len(self.sizes) - 1
        self.w_offsets, self.b_offsets = [None], [None]
        offset = 0
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:]):
            self.w_offsets.append(offset)
            offset += fan_in * fan_out
            self.b_offsets.append(offset)
            offset += fan_out
        self.P = offset

    def W(self, flat, l):
        """View of W[l] in ``flat`` (..., P): shape (..., fan_in, fan_out)."""
        fan_in, fan_out = self.sizes[l - 1], self.sizes[l]
        start = self.w_offsets[l]
        block = flat[..., start : start + fan_in * fan_out]
        return T(block.reshape(flat.shape[:-1] + (fan_out, fan_in)))

    def b(self, flat, l):
        """View of b[l] in ``flat`` (..., P): shape (..., 1, fan_out)."""
        fan_out = self.sizes[l]
        start = self.b_offsets[l]
        return flat[..., start : start + fan_out].reshape(flat.shape[:-1] + (1, fan_out))

    def views(self, flat):
        """Lists ``W, b`` of views into ``flat``, indexed 1..L (index 0 is None)."""
        W = [None] + [self.W(flat, l) for l in range(1, self.L + 1)]
        b = [None] + [self.b(flat, l) for l in range(1, self.L + 1)]
        return W, b

    def pack(self, params):
        """A flat (P,) vector from a list of (W (fan_in, fan_out), b (fan_out,)) per layer."""
        flat = np.empty(self.P)
        assert len(params) == self.L
        for l, (W, b) in enumerate(params, start=1):
            self.W(flat, l)[...] = W
            self.b(flat, l)[...] = np.reshape(b, (1, -1))
        return flat

    def unpack(self, flat):
        """The list of (W, b) per layer of one flat (P,) vector, as fresh arrays."""
        return [(self.W(flat, l).copy(), self.b(flat, l)[0].copy()) for l in range(1, self.L + 1)]


class Workspace:
    """Preallocated buffers ``z, a, delta`` (and scratch) for K members on batches of n samples."""

    def __init__(self, sizes, K, n):
        self.K, self.n = K, n
        widths = list(sizes[1:])
        self.z = [None] + [feature_major(K, n, w) for w in widths]
        self.a = [None] + [feature_major(K, n, w) for w in widths]
        self.delta = [None] + [feature_major(K, n, w) for w in widths]
        self.g = [None] + [feature_major(K, n, w) for w in widths]  # delta[l+1] @ W[l+1].T
        # row-major copies of W[l] for the backward product: einsum iterates much faster over them
        # than over the transposed blocks in theta when K > 1 (35 -> 9 us per member at K = 32)
        self.W_rows = [None] + [np.empty((K, i, o)) for i, o in zip(sizes[:-1], sizes[1:])]
        self.W_rows_T = [None] + [T(w) for w in self.W_rows[1:]]
        self.a_T = [None] + [T(a) for a in self.a[1:]]  # a[l].T views, made once
        self.scratch = feature_major(K, n, 1)
        self.scratch2 = feature_major(K, n, 1)
        self.scratch_out = feature_major(K, n, sizes[-1]) if sizes[-1] > 1 else None  # softmax loss
        self.kept = None  # dropout: a[l] * mask[l], made on first use (kept_buffers)

    def kept_buffers(self):
        """``kept[l]`` (the hidden activations after dropout) and their transposes ``kept_T[l]``."""
        if self.kept is None:
            self.kept = [None] + [feature_major(self.K, self.n, a.shape[-1]) for a in self.a[1:]]
            self.kept_T = [None] + [T(k) for k in self.kept[1:]]
        return self.kept, self.kept_T


def forward(W, b, activation, x, ws, masks=None):
    """Fill ``ws.z[l]``, ``ws.a[l]`` for l = 1..L from the input ``x`` (K or 1, n, sizes[0]).

    ``activation`` is a name in ``ACTIVATIONS`` (hidden layers); the output is one sigmoid unit, or
    a softmax over its units when there are several. ``masks``: dropout masks
    (``core.dropout.draw_masks``) or None. Returns ``ws.a[L]``.
    """
    f = ACTIVATIONS[activation].forward
    L = len(W) - 1
    z, a = ws.z, ws.a
    a[0] = x
    ws.a_T[0] = T(x)
    kept = ws.kept_buffers()[0] if masks is not None else None
    inputs = x  # what layer l reads: a[l-1], or a[l-1] * mask[l-1] with dropout
    for l in range(1, L + 1):
        matmul(inputs, W[l], out=z[l])
        np.add(z[l], b[l], out=z[l])
        if l < L:
            inputs = f(z[l], out=a[l])
            if kept is not None:
                inputs = np.multiply(a[l], masks[l], out=kept[l])
        elif z[l].shape[-1] == 1:
            sigmoid(z[l], out=a[l])
        else:
            losses.softmax(z[l], out=a[l], tmp=ws.scratch)
    return a[L]


def backward(W, activation, y, ws, dW, db, masks=None):
    """Fill ``ws.delta[l]`` and the *batch sums* ``dW[l]``, ``db[l]`` (arrays written in place)
    after ``forward`` (with the same ``masks``). ``y``: the targets, (K or 1, n, sizes[L])
    (``targets``)."""
    f_backprop = ACTIVATIONS[activation].backprop
    L = len(W) - 1
    z, a, a_T, delta, g = ws.z, ws.a, ws.a_T, ws.delta, ws.g
    if masks is not None:  # the layers read the kept activations (forward)
        a_T = [a_T[0]] + ws.kept_buffers()[1][1:]
    np.subtract(a[L], y, out=delta[L])  # delta[L] = a[L] - y, exactly (sigmoid + BCE, softmax + CE)
    for l in range(L, 0, -1):
        matmul(a_T[l - 1], delta[l], out=dW[l])  # dW[l] = a[l-1].T @ delta[l]
        np.add.reduce(delta[l], axis=-2, keepdims=True, out=db[l])
        if l > 1:  # delta[l-1] = (delta[l] @ W[l].T) f'(z[l-1])   (* mask[l-1] with dropout)
            np.copyto(ws.W_rows[l], W[l])
            matmul(delta[l], ws.W_rows_T[l], out=g[l - 1])
            if masks is not None:
                np.multiply(g[l - 1], masks[l - 1], out=g[l - 1])
            f_backprop(g[l - 1], z[l - 1], a[l - 1], out=delta[l - 1])


def targets(labels, width):
    """Labels (n,) as targets ``y`` for an output layer of ``width`` units: (1, n, width), stored
    feature-major as the activations are; the labels themselves (0/1) for one sigmoid unit, their
    one-hot rows for a softmax."""
    labels = np.asarray(labels)
    if width == 1:
        return T(labels.astype(np.float64).reshape(1, 1, -1))
    return T(np.ascontiguousarray(losses.one_hot(labels, width).T)[None])


def loss(ws, y):
    """Mean loss of each member after ``forward`` (BCE, or cross-entropy of the softmax): (K,)."""
    z = ws.z[-1]
    if z.shape[-1] == 1:
        return losses.bce_from_logits(z, y, out=ws.scratch, tmp=ws.scratch2)
    return losses.cross_entropy_from_logits(z, y, out=ws.scratch_out, tmp=ws.scratch, tmp2=ws.scratch2)


def accuracy(ws, y):
    """Accuracy of each member after ``forward``: shape (K,)."""
    z = ws.z[-1]
    if z.shape[-1] == 1:
        return losses.accuracy_from_logits(z, y)
    return losses.multiclass_accuracy_from_logits(z, y)


def inspect_step(params, X, y, activation):
    """One forward and backward pass of a single net, with every intermediate.

    params : list of (W (fan_in, fan_out), b (fan_out,)) per layer; X : (n, d); y : (n,) labels
    (0/1 for one output unit, 0..C-1 for C units).
    Returns a dict with ``loss`` (float), ``accuracy`` (float) and ``layers``: a list over l = 1..L of
    dicts with ``W`` (fan_in, fan_out), ``b`` (fan_out,), ``z``, ``a``, ``delta`` (n, fan_out) and
    the mean-loss gradients ``dW`` (fan_in, fan_out), ``db`` (fan_out,). ``delta`` is per sample
    (``delta[L] = a[L] - y``, y the targets), so ``dW = a[l-1].T @ delta[l] / n``.
    """
    X = np.asarray(X, dtype=np.float64)
    sizes = [X.shape[1]] + [W.shape[1] for W, _ in params]
    layout = Layout(sizes)
    theta = layout.pack(params)[None, :]
    grad = np.zeros_like(theta)
    W, b = layout.views(theta)
    dW, db = layout.views(grad)
    n = X.shape[0]
    ws = Workspace(sizes, 1, n)
    yk = targets(y, sizes[-1])
    with np.errstate(all="ignore"):
        forward(W, b, activation, X[None], ws)
        backward(W, activation, yk, ws, dW, db)
        grad /= n
        out = {"loss": float(loss(ws, yk)[0]), "accuracy": float(accuracy(ws, yk)[0]), "layers": []}
    for l in range(1, layout.L + 1):
        out["layers"].append(
            {
                "W": W[l][0].copy(),
                "b": b[l][0, 0].copy(),
                "z": ws.z[l][0].copy(),
                "a": ws.a[l][0].copy(),
                "delta": ws.delta[l][0].copy(),
                "dW": dW[l][0].copy(),
                "db": db[l][0, 0].copy(),
            }
        )
    return out


CHUNK_ELEMENTS = 2_000_000  # evaluate_many: at most about this many floats per activation buffer


def evaluate_many(
    theta, layout, activation, X, y=None, *, keep=(), chunk_elements=CHUNK_ELEMENTS, workspaces=None
):
    """The forward pass of every parameter vector in ``theta`` (M, P) on all of X (n, d).

    Members are evaluated ``chunk`` at a time (a chunk's buffers hold about ``chunk_elements``
    floats), so M may be large (a landscape grid). ``workspaces``: an optional dict the caller keeps
    between calls; buffers are reused from it by shape (the trainer's record-sized calls).
    Returns a dict of fresh arrays:

    - with ``y`` (n,) labels: ``loss`` (M,) mean BCE (cross-entropy for C outputs), ``accuracy`` (M,);
    - ``keep`` containing "output": ``output`` (M, n), a[L] = P(y = 1) per sample, or (M, n, C),
      the softmax's P(y = c), for C outputs;
    - ``keep`` containing "activations": ``mean`` and ``std`` (M, L) of a[l] over all samples and
      units of layer l, and ``dead`` (M, L - 1) int64 -- for relu, the hidden units whose z <= 0 on
      every sample (their gradient is exactly 0) -- or None for other activations.
    """
    assert set(keep) <= {"output", "activations"}, keep
    theta = np.asarray(theta, dtype=np.float64).reshape(-1, layout.P)
    X = np.asarray(X, dtype=np.float64)
    M, n, L = theta.shape[0], X.shape[0], layout.L
    x = T(np.ascontiguousarray(X.T))[None]  # feature-major (1, n, d), as the trainer's
    width = layout.sizes[-1]
    yk = None if y is None else targets(y, width)
    out = {}
    if yk is not None:
        out["loss"], out["accuracy"] = np.empty(M), np.empty(M)
    if "output" in keep:
        out["output"] = np.empty((M, n) if width == 1 else (M, n, width))
    if "activations" in keep:
        out["mean"], out["std"] = np.zeros((M, L)), np.zeros((M, L))
        out["dead"] = np.zeros((M, L - 1), dtype=np.int64) if activation == "relu" else None
    workspaces = {} if workspaces is None else workspaces
    chunk = max(1, chunk_elements // (n * max(layout.sizes)))
    with np.errstate(all="ignore"):
        for start in range(0, M, chunk):
            part = theta[start : start + chunk]
            m, rows = part.shape[0], slice(start, start + chunk)
            if not part.flags.c_contiguous:
                part = np.ascontiguousarray(part)
            ws = workspaces.get((m, n))
            if ws is None:
                ws = workspaces[(m, n)] = Workspace(layout.sizes, m, n)
            W, b = layout.views(part)
            forward(W, b, activation, x, ws)
            if yk is not None:
                out["loss"][rows] = loss(ws, yk)
                out["accuracy"][rows] = accuracy(ws, yk)
            if "output" in keep:
                out["output"][rows] = ws.a[L][..., 0] if width == 1 else ws.a[L]
            if "activations" in keep:
                for l in range(1, L + 1):
                    out["mean"][rows, l - 1] = ws.a[l].mean(axis=(-2, -1))
                    out["std"][rows, l - 1] = ws.a[l].std(axis=(-2, -1))
                    if out["dead"] is not None and l < L:
                        out["dead"][rows, l - 1] = (ws.z[l] <= 0).all(axis=-2).sum(axis=-1)
    return out
