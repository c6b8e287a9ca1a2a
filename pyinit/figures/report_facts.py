"""The report's figures, each with the facts of this run in words (``figures``): the loss, every
layer's trajectories, the decision boundary, the symmetry measure, the gradient norms and the
signal at init, in the words of ``content/text/<lang>.json`` (``Words``: the "report" section, the
chapters' texts, number formats). The figures are ``plots``'; this module imports it (and plotly)
only when the figures are made."""

from .. import content
from ..core.datasets import PLANE

TRAJECTORY_VALUES = 24_000  # values drawn per trajectory figure in a report, at most


class Words:
    """The report's texts in one language: ``chapters``, ``report`` (r), ``zero`` and number formats."""

    def __init__(self, lang):
        text = content.text(lang)
        self.lang, self.chapters, self.r = lang, text["chapters"], text["report"]
        self.facts, self.zero = self.r["facts"], text["labels"]["zero_exactly"]

    def num(self, v, digits=4):
        if v is None:
            return "–"
        return self.zero if v == 0 else f"{v:.{digits}g}".replace(".", self.r["decimal"])

    def pct(self, v):
        return "–" if v is None else f"{100 * v:.1f} %".replace(".", self.r["decimal"])


def _loss_facts(r, w, test=False):
    steps, loss, acc = r["steps"], r["loss"], r["accuracy"]
    text = w.facts["loss"].format(
        loss0=w.num(loss[0]), loss1=w.num(loss[-1]), step=steps[-1], acc0=w.pct(acc[0]), acc1=w.pct(acc[-1])
    )
    if test:
        text += w.facts["loss_test"].format(t0=w.pct(r["test_accuracy"][0]), t1=w.pct(r["test_accuracy"][-1]))
    if r["diverged"] is not None:
        text += w.facts["diverged"].format(step=r["diverged"], reason=r["diverged_reason"])
    return text


def _trajectory_facts(r, layer, plots, w):
    L = len(r["weights"])
    outputs = len(r["biases"][-1][0])
    if layer == L and outputs > 1:  # a softmax
        return w.facts["traj_output_units"].format(units=outputs) if L > 1 else w.facts["traj_softmax"]
    if layer == L:
        return w.facts["traj_output"] if L > 1 else w.facts["traj_logistic"]
    units = len(r["biases"][layer - 1][0])
    first, last = plots.distinct_units(r, layer, 0), plots.distinct_units(r, layer, -1)
    text = w.facts["traj_units"].format(units=units, first=first, last=last, step=r["steps"][-1])
    if last == 1 and units > 1:
        text += w.facts["traj_clones"]
    return text


def _series_facts(name, steps, values, w):
    finite = [v for v in values if v is not None]
    if finite and all(v == 0 for v in finite):
        return w.facts["series_all_zero"].format(name=name, step=steps[-1])
    zeros = sum(1 for v in finite if v == 0)
    first_pos = next((s for s, v in zip(steps, values) if v is not None and v > 0), None)
    text = w.facts["series"].format(name=name, first=w.num(values[0]), last=w.num(values[-1]), step=steps[-1])
    if values[0] == 0 and first_pos is not None:
        text += w.facts["series_first_positive"].format(step=first_pos)
    elif zeros:
        text += w.facts["series_zeros"].format(zeros=zeros, total=len(values))
    return text + w.facts["sentence_end"]


def _symmetry_facts(r, w):
    H = len(r["weights"]) - 1
    if H == 0:
        return w.facts["no_hidden"]
    return " ".join(
        _series_facts(w.facts["layer"].format(l=l + 1), r["steps"], [row[l] for row in r["symmetry"]], w)
        for l in range(H)
    )


def _grad_facts(fig, w):
    return " ".join(
        _series_facts(tr.name[0].upper() + tr.name[1:], list(tr.x), list(tr.customdata), w) for tr in fig.data
    )


def _boundary_facts(fig, w):
    z = [v for row in fig.data[0].z for v in row if v is not None]
    if not z:
        return w.facts["not_finite"]
    lo, hi = min(z), max(z)
    fmt = lambda v: f"{v:.3f}".replace(".", w.r["decimal"])  # noqa: E731
    if hi - lo < 1e-9:
        return w.facts["constant"].format(p=fmt(lo))
    return w.facts["range"].format(lo=fmt(lo), hi=fmt(hi))


def _units_facts(r, plots, w):
    units = len(r["biases"][0][0])
    scale = max((abs(v) for row in r["weights"][0][-1] for v in row if v is not None), default=0.0)
    first, last = plots.distinct_units(r, 1, 0), plots.distinct_units(r, 1, -1)
    text = w.facts["units"].format(
        units=units, first=first, last=last, step=r["steps"][-1], scale=w.num(scale)
    )
    if all(v == 0 for rec in (r["weights"][0][0], r["weights"][0][-1]) for row in rec for v in row):
        text += w.facts["units_blank"]
    return text


def _test_digits_facts(r, digit_plots, w):
    _, y, pred = digit_plots.grid_answers(r)
    return w.facts["test_digits"].format(
        right=int((pred == y).sum()),
        n=len(y),
        step=r["steps"][-1],
        n_test=r["config"]["n_test"],
        acc=w.pct(r["test_accuracy"][-1]),
    )


def _signal_facts(results, names, w):
    return " ".join(
        w.facts["signal"].format(
            name=name,
            a0=w.num(s["activation_std"][0], 3),
            a1=w.num(s["activation_std"][-1], 3),
            g0=w.num(s["gradient_std"][0], 3),
            g1=w.num(s["gradient_std"][-1], 3),
            depth=len(s["activation_std"]),
        )
        for name, s in zip(names, results)
    )


# ------------------------------------------------------------------------------ figures
def figures(result, signal_results, signal_names, lang="en"):
    """The report's figures: a list of dicts with ``key``, ``title``, ``text``, ``facts``, ``figure``.
    A run on the digits shows layer 1 as weight images (``digit_plots.unit_images``) instead of
    64 x width trajectories, and test digits with the net's answers instead of the decision boundary
    (64-D inputs have no input plane)."""
    from . import plots

    w = Words(lang)
    titles, out = w.r["figures"], []
    plane = result["config"]["dataset"] in PLANE

    def add(key, title, fig, facts, text_key=None):
        text = w.r["texts"][text_key or key.split("-")[0]].format(**signal_results[0]["config"], zero=w.zero)
        out.append({"key": key, "title": title, "text": text, "facts": facts, "figure": fig})

    L = len(result["weights"])
    if plane:
        add("loss", titles["loss"], plots.loss(result, lang=lang), _loss_facts(result, w))
    else:
        from . import digit_plots

        fig = digit_plots.add_test_accuracy(plots.loss(result, lang=lang), result, lang)
        add("loss", titles["loss"], fig, _loss_facts(result, w, test=True), "loss_softmax")
        if L > 1:
            fig = digit_plots.unit_images(result, lang=lang)
            add("units", titles["units"], fig, _units_facts(result, plots, w))
    for l in range(1 if plane or L == 1 else 2, L + 1):
        name = titles["output_layer"] if l == L else titles["layer"].format(l=l)
        lines = (len(result["weights"][l - 1][0]) + 1) * len(result["biases"][l - 1][0])
        points = max(50, min(400, TRAJECTORY_VALUES // lines))  # keeps the file small for wide layers
        add(
            f"trajectories-{l}",
            titles["trajectories"].format(name=name),
            plots.trajectories(result, l, points, lang=lang),
            _trajectory_facts(result, l, plots, w),
        )
    if plane:
        fig = plots.boundary(result, lang=lang)
        add("boundary", titles["boundary"], fig, _boundary_facts(fig, w))
    else:
        fig = digit_plots.test_digits(result, lang=lang)
        add("test_digits", titles["test_digits"], fig, _test_digits_facts(result, digit_plots, w))
    if L > 1:  # no hidden layer: nothing can be symmetric
        add("symmetry", titles["symmetry"], plots.symmetry(result, lang=lang), _symmetry_facts(result, w))
    fig = plots.gradient_norms(result, lang=lang)
    add("gradient_norms", titles["gradient_norms"], fig, _grad_facts(fig, w))
    add(
        "signal",
        titles["signal"],
        plots.signal(signal_results, signal_names, lang=lang),
        _signal_facts(signal_results, signal_names, w),
    )
    return out
