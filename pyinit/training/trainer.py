"""Step-wise gradient-descent training of K networks of one architecture, with recording.

``Trainer(config, members)`` trains K = len(members) nets ("members") together: same data, same
batches, same hyper-parameters, each with its own initialisation (``config.Member``). A single run is
K = 1. All parameters live in one flat buffer ``theta`` (K, P) and all gradients in ``grad`` (K, P)
(see ``network.Layout``), so the forward pass, the backward pass and the update are each a few
array operations for all members at once, and a member's numbers do not depend on which other
members it is trained with.

One update (``step(1)``) has the three phases of every gradient method; they happen in this order
because the gradient of step t is computed right after step t is reached (``_evaluate``):

    # update    theta_{t+1} = theta_t - lr * grad_t        (optimizers: SGD, momentum or Adam)
    # forward   z, a at theta_{t+1} on batch t+1            (network.forward)
    # backward  grad_{t+1} = mean-loss gradient there       (network.backward)

Recording (``recorder``): step t stores theta_t, grad_t (gradient at theta_t, on batch t), and the
loss and accuracy at theta_t on the *whole* dataset -- or, with ``Trainer(..., score="test")``, on
the held-out test set instead (cheaper for large data: the digits' 360 test images cost about two
steps on batches of 64, their 1,437 training images about eight). Step 0 is the initialisation. Derived
statistics (symmetry, gradient norms, activation statistics) are computed on demand from records.

A viewer that must show the step it trained to (the page's lab) calls ``record_tail`` after
stepping: the current step becomes a provisional last record until the next record replaces it.

Dropout (``config.dropout`` > 0): every forward and backward pass of training (step t's gradient)
uses fresh masks drawn from the run's own stream (``seeding.DROPOUT``), shared by all members; the
recorded loss and accuracy are those of the net without dropout, on all the data.

Divergence is recorded, not raised: when a member's loss or parameters become non-finite at step t,
that member stops -- its parameters go back to their last finite values (step t - 1), its updates
are masked, ``diverged[k] = t`` and ``diverged_reason[k]`` says why. The others continue; when all
have stopped, ``step`` returns early. Floating-point warnings are silenced inside the trainer.
``evaluate_test`` scores parameters on a held-out test set (``make_data(config, test=True)``), which
never takes part in training.

Budgets (``run_cost``, ``check_budget``; ``api.run`` and the report check them before training): a run
may need at most ``config.MEMORY_BUDGET_BYTES`` (512 MB: the batch's buffers, 32 bytes per sample and
unit and member; the buffers that score records on all the data; the records; and 64 bytes per
recorded value for the JSON output), may record at most ``OUTPUT_BUDGET_VALUES`` values (records x
parameters x members, 2,000,000: about 40 MB of JSON), and may do at most ``WORK_BUDGET``
multiply-adds (3 x steps x batch_size x P per member for training, plus scoring the records on the
data and the test set): 2e11, about ten minutes at most natively. A ``ConfigError`` names the
settings that set the exceeded figure.
Left out: early stopping, learning-rate schedules, checkpoints, any I/O.
"""

import math

import numpy as np

from .config import RunConfig, Member, MAX_STEPS, MEMORY_BUDGET_BYTES
from ..rules import parse_int
from ..errors import ConfigError
from ..core.datasets import DATASETS, INFO
from ..core.initializers import initial_params
from ..core.network import Layout, Workspace, T, forward, backward, evaluate_many, inspect_step
from ..core import network
from .. import seeding
from . import stats
from ..core import optimizers
from ..core.dropout import draw_masks
from .recorder import Recorder

MAX_MEMBERS = 64
RECORD_BUDGET_BYTES = 64 * 2**20
OUTPUT_BUDGET_VALUES = 2_000_000
WORK_BUDGET = 2e11


def record_capacity(config, K, P):
    """Records a trainer keeps: ``max_records``, fewer when they would exceed RECORD_BUDGET_BYTES."""
    return max(2, min(config.max_records, RECORD_BUDGET_BYTES // (16 * K * P + 24 * K + 8)))


def run_cost(config, K=1):
    """Estimated cost of training ``config`` for ``config.steps`` steps with K members and recording
    it: {"bytes", "values" (recorded values), "multiply_adds", "records", "P"}."""
    sizes = config.sizes
    P = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
    units, widest = sum(sizes[1:]), max(sizes)
    n, n_test, batch, steps = config.n_samples, config.n_test, config.batch_size, config.steps
    capacity = record_capacity(config, K, P)
    R = min(capacity, steps // config.every + 1)
    appended = min(steps // config.every + 1, R * (1 + math.log2(max(1.0, (steps / config.every + 1) / R))))

    def scoring(rows):  # evaluate_many's buffers for R * K records
        return 32 * units * rows * min(R * K, max(1, network.CHUNK_ELEMENTS // (rows * widest)))

    memory = (
        32 * K * batch * units  # the batch's z, a, delta, g
        + scoring(n)
        + (scoring(n_test) if n_test != n else 0)  # records on data and test set
        + 8 * (capacity + 1) * (2 * K * P + 2 * K + 1)
        + 64 * R * K * P
    )  # the JSON output of every record
    work = (
        3 * steps * K * batch * P
        + R * K * (n + n_test) * P
        + (0 if config.full_batch else appended * K * n * P)
    )
    return {"bytes": memory, "values": R * K * P, "multiply_adds": work, "records": R, "P": P}


def check_budget(config, K=1):
    """ConfigError naming the settings behind the first budget ``config`` exceeds (see the module
    docstring); returns ``run_cost``."""
    cost = run_cost(config, K)
    members = f" x {K} members" if K > 1 else ""
    budgets = [
        (
            cost["values"] > OUTPUT_BUDGET_VALUES,
            "steps, every, max_records",
            f"together record min(max_records, steps // every + 1) "
            f"= {cost['records']} snapshots of P = {cost['P']} parameters{members} = "
            f"{cost['values']:,} values; at most {OUTPUT_BUDGET_VALUES:,} fit the output budget "
            f"(fewer records or a smaller net)",
            {"steps": config.steps, "every": config.every, "max_records": config.max_records},
        ),
        (
            cost["bytes"] > MEMORY_BUDGET_BYTES,
            "n_samples, batch_size, hidden",
            f"together must fit the memory budget of "
            f"{MEMORY_BUDGET_BYTES / 2**20:.0f} MB (batch buffers, record scoring, records and "
            f"output); this run would need {cost['bytes'] / 2**20:,.0f} MB",
            {"n_samples": config.n_samples, "batch_size": config.batch_size, "hidden": list(config.hidden)},
        ),
        (
            cost["multiply_adds"] > WORK_BUDGET,
            "steps, batch_size, hidden",
            f"together must fit the time budget of {WORK_BUDGET:.0e} "
            f"multiply-adds (3 x steps x batch_size x P{members}, P = {cost['P']} parameters, "
            f"plus scoring the records); this run would do {cost['multiply_adds']:.1e}",
            {"steps": config.steps, "batch_size": config.batch_size, "hidden": list(config.hidden)},
        ),
    ]
    for exceeded, params, constraint, given in budgets:  # the first budget exceeded is the error
        if exceeded:
            raise ConfigError(params, constraint, given)
    return cost


def make_data(config, test=False):
    """The dataset of a config: (X (n, d) float64, y (n,) int64), from the DATA stream of its seed;
    with ``test``, its held-out test set of ``n_test`` samples, from the TEST stream. Real data
    (digits) takes the first n images of its fixed training or test set instead."""
    make = DATASETS[config.dataset]
    extra = {"factor": config.factor} if config.dataset == "rings" else {}
    if INFO[config.dataset].split is not None:
        extra = {"split": "test" if test else "train"}
    n, stream = (config.n_test, seeding.TEST) if test else (config.n_samples, seeding.DATA)
    return make(n, noise=config.noise, rng=seeding.generator(config.seed, stream), **extra)


def member_params(config, member=None):
    """Initial (W, b) per layer of one member (default: the run's own init)."""
    init, bias_init, perturb, seed = (member or Member()).resolve(config)
    return initial_params(config.sizes, init, bias_init, perturb, seed)


def _as_input(X):
    """X (n, d) as a feature-major (1, n, d) view, the layout network.matmul is fastest with."""
    return T(np.ascontiguousarray(np.asarray(X, dtype=np.float64).T)[None])


def _recorded(field, doc):
    """A property: one of the recorder's arrays (a ConfigError when recording is off)."""
    return property(lambda self: getattr(self._rec(), field), doc=doc)


class Trainer:
    """Train K members of one architecture in lock-step; see the module docstring."""

    def __init__(self, config, members=None, *, record=True, score="data"):
        if isinstance(config, dict):
            config = RunConfig.from_dict(config)
        if not isinstance(config, RunConfig):
            raise ConfigError("config", "must be a RunConfig or a dict", type(config).__name__)
        members = [Member()] if members is None else list(members)
        if not 1 <= len(members) <= MAX_MEMBERS:
            raise ConfigError("members", f"must be a list of 1..{MAX_MEMBERS} members", len(members))
        members = [m if isinstance(m, Member) else Member.from_dict(m) for m in members]
        if score not in ("data", "test"):
            raise ConfigError("score", "must be data or test (where records are scored)", score)
        self.score = score
        self.config, self.members, self.K = config, members, len(members)
        self.activation = config.activation
        self.layout = layout = Layout(config.sizes)
        K, P = self.K, layout.P

        self.theta = np.empty((K, P))
        for k, member in enumerate(members):
            self.theta[k] = layout.pack(member_params(config, member))
        self.grad = np.zeros((K, P))
        self._previous = np.empty((K, P))
        self.W, self.b = layout.views(self.theta)
        self.dW, self.db = layout.views(self.grad)
        self.optimizer = optimizers.make(config.optimizer, (K, P), config.lr, config.momentum)

        self.X, self.y = make_data(config)
        n = config.n_samples
        self._x = _as_input(self.X)
        self._y = network.targets(self.y, layout.sizes[-1])  # (1, n, outputs)
        self._y_rows = T(self._y)  # (1, outputs, n), C-contiguous: batches gather along its last axis
        self._workspaces = {}
        self._eval_workspaces = {}  # evaluate(): buffers reused by shape
        self._batch_rng = seeding.generator(config.seed, seeding.BATCHES)
        self._dropout_rng = seeding.generator(config.seed, seeding.DROPOUT) if config.dropout else None
        self._order, self._position = None, n

        capacity = record_capacity(config, K, P)
        self.recorder = Recorder(K, P, config.every, capacity) if record else None
        self.t = 0
        self.loss = np.zeros(K)
        self.diverged = [None] * K
        self.diverged_reason = [None] * K
        self._any_stopped = False
        self._test = None  # (X, y) of the test set, made when asked
        self._full_batch = config.full_batch
        self._batch_scores = config.full_batch and score == "data"  # a record reuses the batch's loss
        self._stopped = np.zeros(K, dtype=bool)
        with np.errstate(all="ignore"):
            self._evaluate()

    # ---------------------------------------------------------------- training
    def step(self, n=1):
        """Advance ``n`` updates (fewer if every member has diverged). Returns the step count t."""
        n = parse_int("n", n, 0, MAX_STEPS)
        theta, grad, previous, update = self.theta, self.grad, self._previous, self.optimizer.update
        with np.errstate(all="ignore"):
            for _ in range(n):
                if self._any_stopped:
                    if self._stopped.all():
                        break
                    grad[self._stopped] = 0.0
                np.copyto(previous, theta)
                update(theta, grad)
                self.t += 1
                self._evaluate()
        return self.t

    def _workspace(self, n):
        ws = self._workspaces.get(n)
        if ws is None:
            ws = self._workspaces[n] = Workspace(self.layout.sizes, self.K, n)
        return ws

    def _batch(self):
        """Input, labels and workspace of the batch for the current step t."""
        cfg = self.config
        if self._full_batch:
            return self._x, self._y, self._workspace(cfg.n_samples)
        if self._position >= cfg.n_samples:  # new epoch: a fresh permutation
            self._order = self._batch_rng.permutation(cfg.n_samples)
            self._position = 0
        idx = self._order[self._position : self._position + cfg.batch_size]
        self._position += len(idx)
        return _as_input(self.X[idx]), T(self._y_rows[..., idx]), self._workspace(len(idx))

    def _evaluate(self):
        """Forward and backward at theta_t on batch t; divergence check; record step t."""
        x, y, ws = self._batch()
        masks = None
        if self._dropout_rng is not None:
            masks = draw_masks(self._dropout_rng, self.config.dropout, ws.n, self.config.hidden)
        forward(self.W, self.b, self.activation, x, ws, masks)
        loss = network.loss(ws, y)
        backward(self.W, self.activation, y, ws, self.dW, self.db, masks)
        np.divide(self.grad, ws.n, out=self.grad)
        # a finite sum implies finite terms; a non-finite one is checked member by member
        if not math.isfinite(float(np.add.reduce(loss)) + float(np.add.reduce(self.theta, axis=None))):
            self._stop_diverged(loss)
        self.loss = loss
        rec = self.recorder
        if rec is not None and rec.wants(self.t) and not (self._any_stopped and self._stopped.all()):
            if self._batch_scores and masks is None:  # (with dropout: the loss without masks)
                rec.append(self.t, self.theta, self.grad, *self._masked(loss, network.accuracy(ws, y)))
            else:
                rec.append(self.t, self.theta, self.grad, *self._masked(*self._score(self.theta)))

    def _masked(self, loss, acc):
        """Full-data loss and accuracy with NaN for the members that stopped."""
        if self._any_stopped:
            loss, acc = loss.copy(), acc.copy()
            loss[self._stopped] = np.nan
            acc[self._stopped] = np.nan
        return loss, acc

    def record_tail(self):
        """Record the current step t as the recorder's provisional last record (``Recorder.set_tail``)
        unless step t is a kept record already or every member has stopped. Returns whether the last
        record is now at step t."""
        rec = self._rec()
        last = rec.steps[-1] if rec.size else -1
        if last == self.t:
            return True
        if self._any_stopped and self._stopped.all():
            return False
        with np.errstate(all="ignore"):
            rec.set_tail(self.t, self.theta, self.grad, *self._masked(*self._score(self.theta)))
        return True

    def _stop_diverged(self, loss):
        finite_params = np.isfinite(self.theta).all(axis=1)
        for k in range(self.K):
            if self._stopped[k] or (np.isfinite(loss[k]) and finite_params[k]):
                continue
            self._stopped[k] = True
            self._any_stopped = True
            self.diverged[k] = self.t
            if not np.isfinite(loss[k]):
                self.diverged_reason[k] = f"loss became {'nan' if np.isnan(loss[k]) else 'inf'}"
            else:
                self.diverged_reason[k] = "parameters became non-finite"
            if self.t > 0:
                self.theta[k] = self._previous[k]
            self.grad[k] = 0.0
            self.optimizer.stop(k)

    # ---------------------------------------------------------------- evaluation
    def _score(self, theta):
        """Loss and accuracy of a record: on the whole dataset, or the test set (``score``)."""
        return self.evaluate_test(theta) if self.score == "test" else self.evaluate(theta)

    def evaluate(self, theta):
        """Loss and accuracy on the whole dataset for parameters ``theta`` (M, P): two (M,) arrays."""
        out = evaluate_many(
            theta, self.layout, self.activation, self._x[0], self.y, workspaces=self._eval_workspaces
        )
        return out["loss"], out["accuracy"]

    @property
    def test_data(self):
        """The held-out test set (X (n_test, d), y (n_test,)), made on first use (``make_data``)."""
        if self._test is None:
            self._test = make_data(self.config, test=True)
            self._test_x = _as_input(self._test[0])[0]  # feature-major, as evaluate_many wants it
        return self._test

    def evaluate_test(self, theta):
        """Loss and accuracy on the test set for parameters ``theta`` (M, P): two (M,) arrays."""
        y = self.test_data[1]
        out = evaluate_many(
            theta, self.layout, self.activation, self._test_x, y, workspaces=self._eval_workspaces
        )
        return out["loss"], out["accuracy"]

    def params(self, k=0):
        """Current (W (fan_in, fan_out), b (fan_out,)) per layer of member k, as copies."""
        return self.layout.unpack(self.theta[k])

    def inspect(self, k=0):
        """Every intermediate (z, a, delta, dW, db per layer) of one full-batch forward and
        backward pass at member k's current parameters; see ``network.inspect_step``."""
        return inspect_step(self.params(k), self.X, self.y, self.activation)

    # ---------------------------------------------------------------- records
    def _rec(self):
        if self.recorder is None:
            raise ConfigError(
                "record", "recording is off for this trainer; create it with record=True", False
            )
        return self.recorder

    steps = _recorded("steps", "Recorded step numbers, (R,) int64, starting at 0.")
    theta_history = _recorded("theta", "Recorded parameters, (R, K, P).")
    grad_history = _recorded("grad", "Recorded gradients (at the recorded parameters), (R, K, P).")
    loss_history = _recorded(
        "loss",
        'Recorded full-data (score="test": test-set) loss, (R, K); NaN for a member after it diverged.',
    )
    accuracy_history = _recorded(
        "accuracy",
        'Recorded full-data (score="test": test-set) accuracy, (R, K); NaN for a member after it diverged.',
    )

    def weights(self, l):
        """Recorded W[l] (l = 1..L): (R, K, fan_in, fan_out) view."""
        return self.layout.W(self._rec().theta, l)

    def biases(self, l):
        """Recorded b[l] (l = 1..L): (R, K, fan_out) view."""
        return self.layout.b(self._rec().theta, l)[..., 0, :]

    def grad_norms(self):
        """||dW[l]||_F per recorded step, member and layer: (R, K, L)."""
        return stats.weight_grad_norms(self._rec().grad, self.layout)

    def bias_grad_norms(self):
        """||db[l]|| per recorded step, member and layer: (R, K, L)."""
        return stats.bias_grad_norms(self._rec().grad, self.layout)

    def symmetry(self):
        """Symmetry measure S_l of every hidden layer (see ``stats``): (R, K, L - 1)."""
        return stats.symmetry(self._rec().theta, self.layout)

    def activation_stats(self):
        """Activation ``mean``/``std`` (R, K, L) and ReLU ``dead`` units (R, K, L - 1) or None."""
        return stats.activation_stats(self._rec().theta, self.layout, self.activation, self.X)
