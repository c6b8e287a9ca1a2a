"""``python -m pyinit report``: one standalone HTML file with the figures of a run (``pyinit.plots``).

    python -m pyinit report --chapter clones --out report.html
    python -m pyinit report --chapter simple --side right --steps 300 --out simple-xavier.html

``--chapter`` picks one of the tour's chapters. Its run flags are not written here: they are the
chapter's lab preset from ``pyinit.tour.CHAPTERS`` (the one place the presets live), turned into
``run`` flags the way the page turns its lab state into a run -- the shared settings plus the init of
one of the lab's two runs, ``--side left`` (default: the init the chapter is about) or ``right``.
Every ``run`` flag is accepted and overrides the preset. The run is exactly ``pyinit.api.run`` of the
resolved config (printed in the file, so ``python -m pyinit run`` with those flags gives the same
numbers). The file holds plotly.js itself and every figure's JSON (``<script
type="application/json" class="pyinit-figure">``), so it opens offline and loads nothing from the
network; each figure has a short text saying what it shows and what this run's numbers are.

This module imports plotly only when a report is written, so the CLI's help works without it.
"""

import html
import json
import os
from dataclasses import dataclass

from .. import __version__, api
from ..web import lab, chapters as tour
from ..training.config import RunConfig
from ..errors import ConfigError


@dataclass(frozen=True)
class Chapter:
    """What the report says about a chapter of the tour; its run flags come from ``pyinit.tour``."""

    title: str
    text: str                     # about the left run of the chapter's lab
    try_next: tuple = ()          # (flags, what they show)
    aliases: tuple = ()


CHAPTERS = {
    "simple": Chapter(
        "1. The simple example: a 2-4-1 tanh net on XOR, started from zeros",
        "Every weight and bias starts at 0. Then every hidden activation is tanh(0) = 0 and the output "
        "weights are 0, so every weight gradient (dW = aᵀ·delta) is exactly 0: nothing in the hidden "
        "layer ever moves. Both classes have as many points, so even the output bias gets a gradient of "
        "exactly 0: the loss stays at ln 2 ≈ 0.693 and the output is 0.5 everywhere.",
        try_next=("--side right", "the same net from Xavier weights learns XOR")),
    "additive": Chapter(
        "2. Updates add, they don't multiply: no hidden layer, started from zeros",
        "Logistic regression from zero weights learns fine. A zero weight is not stuck: the update "
        "W ← W − lr·dW adds, and dW = xᵀ·(p − y) is not zero because the inputs x are not zero. Zero "
        "init fails only where the activations or the deltas feeding a gradient are zero or identical.",
        try_next=("--hidden 4", "with a hidden layer, zeros stop working")),
    "clones": Chapter(
        "3. Clones: every weight starts at 0.5",
        "A constant init is not stuck, but it is symmetric: all hidden units compute the same function, "
        "receive the same gradient and make the same update, so they stay identical (bitwise) forever. "
        "The weights move and the loss falls a little, yet the layer is worth a single unit: its "
        "trajectories lie on top of each other and the symmetry measure stays exactly 0.",
        try_next=("--perturb 1e-3", "a little noise on the weights breaks the symmetry"),
        aliases=("symmetry",)),
    "stuck": Chapter(
        "4. Stuck or symmetric: sigmoid units started from zeros",
        "With sigmoid, f(0) = 0.5: the hidden activations are not zero, so the output weights get a "
        "gradient and move, and then the hidden weights too, but every unit gets the same update and "
        "the units stay identical (S = 0 exactly). With f(0) = 0 (tanh, ReLU) every weight gradient is "
        "exactly 0 instead: a saddle point where only the output bias can learn. (Mini-batches of 10: "
        "with all the balanced data in one batch, mean(a − y) = 0 and nothing would move at all.)",
        try_next=("--activation tanh", "f(0) = 0: every weight gradient is exactly 0")),
    "noise": Chapter(
        "5. A little noise is enough: zeros plus ε = 1e-4",
        "Adding tiny Gaussian noise (std ε) to the zero weights makes the units slightly different, and "
        "gradient descent amplifies the difference: the symmetry measure grows from about ε roughly "
        "exponentially until the units are clearly different and the net learns. The smaller ε, the "
        "later this happens (the delay grows like log(1/ε)).",
        try_next=("--side right", "ε = 1e-8: the symmetry breaks later")),
    "restarts": Chapter(
        "6. Different starts, different answers: two tanh units on XOR from Xavier",
        "With a random init every unit is different from the start, so nothing is symmetric. But two "
        "units are barely enough for XOR, and where training ends depends on where it starts: another "
        "random start on the same data often finds another boundary and another final loss.",
        try_next=("--side right", "another random start (uniform ±1) on the same data")),
    "scale": Chapter(
        "7. Scale matters too: a deep ReLU net from weights of std 0.01",
        "Random is not enough: the scale matters. In a deep net each layer multiplies the spread of the "
        "signal by a factor set by the init; too small (here std 0.01) and it vanishes, too large and it "
        "explodes. Xavier keeps the variance for tanh-like units; with ReLU (which zeroes half the "
        "inputs) it halves the variance per layer, and He (std √(2/fan_in)) keeps it (He et al. 2015).",
        try_next=("--side right", "He init")),
    "reproduce": Chapter(
        "8. A known result, reproduced: circles, [2, 10, 5, 1] ReLU from zeros",
        "The classic course exercise: 15,000 full-batch steps at learning rate 0.01. From zeros the "
        "net stays at 50 % accuracy: every gradient except the output bias's is exactly 0.",
        try_next=("--side right", "He init separates the circles")),
}
assert list(CHAPTERS) == tour.CHAPTER_IDS, "report chapters must follow the tour's"
ALIASES = {alias: name for name, ch in CHAPTERS.items() for alias in ch.aliases}
SIDES = ("left", "right")
FLAGS = {
    "chapter": ("one of " + ", ".join(CHAPTERS) + " (the tour chapter's lab preset; explicit flags "
                "override; " + ", ".join(f"'{a}' = {n}" for a, n in ALIASES.items()) + ")"),
    "side": "left or right: which of the chapter's two lab runs (default left, the init the chapter "
            "is about)",
    "out": "the HTML file to write (default report.html)",
}


def preset(chapter, side="left"):
    """The ``run`` flags of a tour chapter's lab preset (``pyinit.tour``), with the init of one side."""
    c = tour.chapter(chapter)
    if side not in SIDES:
        raise ConfigError("side", "must be left or right", side)
    config = tour.lab_config(c["state"])
    member = lab.member_spec(config.pop("members")[SIDES.index(side)])
    flags = {k: v for k, v in config.items() if not (k == "batch_size" and v in (0, None))}
    view = c["view"] or {}
    if "hidden" in view:                   # chapter 8: the exercise's [10, 5] (the lab has one width)
        flags["hidden"] = list(view["hidden"])
    flags.update(init=member.init, bias_init=member.bias_init, perturb=member.perturb, steps=c["steps"])
    return flags


def resolve(chapter=None, side=None, **flags):
    """The chapter's name and the validated ``RunConfig`` of its preset with ``flags`` overriding."""
    name = None
    preset_flags = {}
    if chapter is not None:
        key = str(chapter).strip()
        name = ALIASES.get(key, key)
        if name not in CHAPTERS:
            raise ConfigError("chapter", "must be one of " + ", ".join(list(CHAPTERS) + list(ALIASES)),
                              chapter)
        preset_flags = preset(name, "left" if side is None else str(side).strip())
    elif side is not None:
        raise ConfigError("side", "needs --chapter (it picks one of a chapter's two runs)", side)
    return name, RunConfig.from_dict({**preset_flags, **flags})


def _signal_inits(config, chapter):
    """The inits compared in the signal figure: the run's own (first layer's spec) and, for a chapter
    whose tour view is the signal experiment, that view's inits."""
    own = config.init.split(",")[0]
    view = tour.chapter(chapter)["view"] if chapter else None
    others = view["inits"] if view and view.get("kind") == "signal" else []
    return [own] + [i for i in others if i != own]


# ------------------------------------------------------------------------------ facts in words
def _num(v, digits=4):
    if v is None:
        return "–"
    if v == 0:
        return "0 (exactly)"
    return f"{v:.{digits}g}"


def _pct(v):
    return "–" if v is None else f"{100 * v:.1f} %"


def _loss_facts(r):
    steps, loss, acc = r["steps"], r["loss"], r["accuracy"]
    text = (f"Loss {_num(loss[0])} at step 0, {_num(loss[-1])} at step {steps[-1]}; accuracy "
            f"{_pct(acc[0])} → {_pct(acc[-1])}.")
    if r["diverged"] is not None:
        text += f" The run diverged at step {r['diverged']} ({r['diverged_reason']})."
    return text


def _trajectory_facts(r, layer, plots):
    L = len(r["weights"])
    if layer == L:
        return ("The output unit's weights and bias, in ink." if L > 1 else
                "No hidden layer: these are the weights of a logistic regression.")
    units = len(r["biases"][layer - 1][0])
    first, last = plots.distinct_units(r, layer, 0), plots.distinct_units(r, layer, -1)
    text = f"{units} units: {first} distinct at step 0, {last} distinct at step {r['steps'][-1]}."
    if last == 1 and units > 1:
        text += " All units are identical, so their lines coincide and only one color is visible."
    return text


def _series_facts(name, steps, values):
    finite = [v for v in values if v is not None]
    if finite and all(v == 0 for v in finite):
        return f"{name}: exactly 0 at every recorded step (0..{steps[-1]})."
    zeros = sum(1 for v in finite if v == 0)
    first_pos = next((s for s, v in zip(steps, values) if v is not None and v > 0), None)
    text = f"{name}: {_num(values[0])} at step 0, {_num(values[-1])} at step {steps[-1]}"
    if values[0] == 0 and first_pos is not None:
        text += f"; first > 0 at step {first_pos}"
    elif zeros:
        text += f"; exactly 0 at {zeros} of {len(values)} recorded steps"
    return text + "."


def _symmetry_facts(r):
    H = len(r["weights"]) - 1
    if H == 0:
        return "No hidden layer, so there is nothing to be symmetric."
    return " ".join(_series_facts(f"Layer {l + 1}", r["steps"], [row[l] for row in r["symmetry"]])
                    for l in range(H))


def _grad_facts(fig):
    return " ".join(_series_facts(tr.name[0].upper() + tr.name[1:], list(tr.x), list(tr.customdata))
                    for tr in fig.data)


def _boundary_facts(fig):
    z = [v for row in fig.data[0].z for v in row if v is not None]
    if not z:
        return "The output is not finite anywhere on the grid."
    lo, hi = min(z), max(z)
    if hi - lo < 1e-9:
        return f"p = {lo:.3f} everywhere: the output does not depend on the input."
    return f"p ranges from {lo:.3f} to {hi:.3f} over the plane."


def _signal_facts(results, names):
    parts = []
    for name, s in zip(names, results):
        a, g = s["activation_std"], s["gradient_std"]
        parts.append(f"{name}: activation std {_num(a[0], 3)} in layer 1, {_num(a[-1], 3)} in layer "
                     f"{len(a)}; gradient std {_num(g[0], 3)} in layer 1, {_num(g[-1], 3)} in layer {len(g)}.")
    return " ".join(parts)


# ------------------------------------------------------------------------------ figures
TEXTS = {
    "loss": "Mean binary cross-entropy on all the data (solid, left axis) and accuracy (dashed, right "
            "axis) at every recorded step. A loss of ln 2 ≈ 0.693 with 50 % accuracy is a net that "
            "answers p = 0.5 for everything.",
    "trajectories": "Every weight and bias into this layer, one line each, over the steps. Lines are "
                    "colored by the unit they feed (and dashed from the 9th unit on; names in the legend "
                    "and on hover), so the lines of identical units lie exactly on top of each other.",
    "boundary": "The net's output p = P(class 1) over the input plane: blue where it says class 1, "
                "orange where it says class 0, white at p = 0.5 (the black line). Data on top: ○ class 0, "
                "✕ class 1.",
    "symmetry": "S = max over units j of ‖θⱼ − θ₁‖, where θⱼ is the incoming weights and bias of unit j. "
                "S = 0 exactly means all units of the layer are identical. Log scale; an exact 0 is "
                "drawn on its own row, “0 (exactly)”, instead of being dropped.",
    "gradient_norms": "The size of the gradient of each layer, √(‖dW‖² + ‖db‖²), at every recorded step. "
                      "Log scale; an exact 0 (no update at all) is drawn on its own row, “0 (exactly)”.",
    "signal": "A separate, deep plain net ({depth} layers of {width} units, same activation) at initialisation, fed "
              "standard-normal inputs: the spread (std) of the activations going forward and of the "
              "gradient dL/dz going backward, per layer. Flat lines mean the signal survives the depth; "
              "falling lines mean it vanishes, rising ones that it explodes.",
}


TRAJECTORY_VALUES = 24_000     # values drawn per trajectory figure in a report, at most


def figures(result, signal_results, signal_names):
    """The report's figures: a list of dicts with ``key``, ``title``, ``text``, ``facts``, ``figure``."""
    from . import plots
    out = []

    def add(key, title, fig, facts):
        text = TEXTS[key.split("-")[0]].format(**signal_results[0]["config"])
        out.append({"key": key, "title": title, "text": text, "facts": facts, "figure": fig})

    add("loss", "Loss and accuracy", plots.loss(result), _loss_facts(result))
    L = len(result["weights"])
    for l in range(1, L + 1):
        name = "output layer" if l == L else f"layer {l}"
        lines = (len(result["weights"][l - 1][0]) + 1) * len(result["biases"][l - 1][0])
        points = max(50, min(400, TRAJECTORY_VALUES // lines))   # keeps the file small for wide layers
        add(f"trajectories-{l}", f"Weight trajectories, {name}", plots.trajectories(result, l, points),
            _trajectory_facts(result, l, plots))
    fig = plots.boundary(result)
    add("boundary", "Decision boundary at the last recorded step", fig, _boundary_facts(fig))
    if L > 1:                                     # no hidden layer: nothing can be symmetric
        add("symmetry", "Symmetry per hidden layer", plots.symmetry(result), _symmetry_facts(result))
    fig = plots.gradient_norms(result)
    add("gradient_norms", "Gradient norm per layer", fig, _grad_facts(fig))
    add("signal", "Signal propagation at initialisation", plots.signal(signal_results, signal_names),
        _signal_facts(signal_results, signal_names))
    return out


# ------------------------------------------------------------------------------ HTML
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;background:#fff;
  max-width:980px;margin:0 auto;padding:1rem 1.25rem 3rem;line-height:1.5}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin:2rem 0 .25rem}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
pre{background:#f4f4f4;padding:.6rem .8rem;overflow-x:auto;white-space:pre-wrap}
figure{margin:0;border-top:1px solid #ddd}figcaption{margin:.25rem 0 0}
.facts{background:#f7f7f7;border-left:4px solid #0072B2;padding:.4rem .7rem}
.plot{width:100%;min-height:340px}.muted{color:#555}table{border-collapse:collapse}
td,th{padding:.1rem .6rem .1rem 0;text-align:left;vertical-align:top}
"""

RENDER = """
for (const el of document.querySelectorAll("script.pyinit-figure")) {
  const spec = JSON.parse(el.textContent);
  const div = document.getElementById(el.dataset.target);
  Plotly.newPlot(div, spec.data, spec.layout, {displaylogo: false, responsive: true});
}
"""


def _script_json(obj):
    """JSON that is safe inside a <script> element (no "</script>", no "<!--")."""
    from plotly.utils import PlotlyJSONEncoder
    text = json.dumps(obj, cls=PlotlyJSONEncoder, allow_nan=False, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _flags_line(config):
    defaults = RunConfig().to_dict()
    parts = []
    for key, value in config.to_dict().items():
        if key == "batch_size" and value == config.n_samples:
            continue
        if value == defaults[key] and key not in ("init", "hidden", "activation", "dataset", "steps"):
            continue
        if key == "hidden":
            value = ",".join(str(w) for w in value)
            value = value if value else "''"
        parts.append(f"--{key.replace('_', '-')} {value!r}" if isinstance(value, float)
                     else f"--{key.replace('_', '-')} {value}")
    return " ".join(parts)


def render(result, chapter, side, config, figs):
    """The report as one HTML string (plotly.js inlined)."""
    from plotly.offline import get_plotlyjs
    esc = html.escape
    ch = CHAPTERS[chapter] if chapter else None
    title = ch.title if ch else "A pyinit run"
    flags = _flags_line(config)
    body = [f"<h1>{esc(title)}</h1>"]
    if ch:
        body.append(f"<p>{esc(ch.text)}</p>")
        body.append(f"<p>This report shows the <strong>{esc(side)}</strong> run of the chapter's lab "
                    f"preset (init <code>{esc(config.init)}</code>"
                    + (f", noise ε = {config.perturb!r}" if config.perturb else "")
                    + (" — the text above is about the left run" if side == "right" else "") + ").</p>")
    body.append("<p class=\"muted\">Every number below comes from one run of <code>pyinit</code> "
                f"{esc(__version__)}; the same flags give the same numbers:</p>")
    body.append(f"<pre>python -m pyinit run {esc(flags)}</pre>")
    if ch and ch.try_next:
        body.append(f"<p>Try next: <code>python -m pyinit report --chapter {esc(chapter)} "
                    f"{esc(ch.try_next[0])}</code> ({esc(ch.try_next[1])}).</p>")
    final = result["final"]
    body.append("<table><tr><th>final recorded step</th><td>" + str(final["step"]) + "</td></tr>"
                f"<tr><th>loss</th><td>{esc(_num(final['loss']))}</td></tr>"
                f"<tr><th>accuracy</th><td>{esc(_pct(final['accuracy']))}</td></tr>"
                f"<tr><th>diverged</th><td>{esc('no' if result['diverged'] is None else str(result['diverged']))}"
                "</td></tr></table>")
    for i, f in enumerate(figs):
        div = f"fig-{f['key']}"
        spec = f["figure"].to_plotly_json()
        body.append(f"<figure aria-labelledby=\"{div}-title\"><h2 id=\"{div}-title\">{esc(f['title'])}</h2>"
                    f"<p>{esc(f['text'])}</p>"
                    f"<div class=\"plot\" id=\"{div}\" role=\"img\" aria-label=\"{esc(f['title'])}: "
                    f"{esc(f['facts'])}\"></div>"
                    f"<figcaption class=\"facts\">{esc(f['facts'])}</figcaption></figure>")
        body.append(f"<script type=\"application/json\" class=\"pyinit-figure\" data-key=\"{esc(f['key'])}\" "
                    f"data-target=\"{div}\">{_script_json({'data': spec['data'], 'layout': spec['layout']})}"
                    "</script>")
    meta = {"pyinit": __version__, "chapter": chapter, "side": side, "config": config.to_dict()}
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{esc(title)} — pyinit report</title><style>{CSS}</style></head><body>"
            + "\n".join(body)
            + f"\n<script type=\"application/json\" id=\"pyinit-run\">{_script_json(meta)}</script>"
            + f"\n<script>{get_plotlyjs()}</script>\n<script>{RENDER}</script>\n</body></html>\n")


def write_report(out="report.html", chapter=None, side=None, **flags):
    """Run the chapter's preset (``side``: which of its two lab runs; ``flags`` override it) and
    write the report to ``out``.

    Returns a dict: ``path``, ``chapter``, ``config`` (resolved), ``figures`` (their keys), ``bytes``.
    Raises ``ConfigError`` for a bad chapter, flag or output path, ``ImportError`` without plotly.
    """
    name, config = resolve(chapter, side, **flags)
    out = os.fspath(out)
    parent = os.path.dirname(os.path.abspath(out))
    if not out.strip() or os.path.isdir(out) or not os.path.isdir(parent) or not os.access(parent, os.W_OK):
        raise ConfigError("out", "must be a file path in an existing, writable directory", out)
    from . import plots  # noqa: F401  (raises the ImportError naming the extra before any work)
    result = api.run(config)
    signal_results = []
    names = []
    for init in _signal_inits(config, name):
        signal_results.append(api.signal({"activation": config.activation, "init": init}))
        names.append(f"{config.activation}, {init}")
    figs = figures(result, signal_results, names)
    side = (side or "left").strip() if name else None
    text = render(result, name, side, config, figs)
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(text)
    return {"path": out, "chapter": name, "side": side,
            "config": config.to_dict(), "figures": [f["key"] for f in figs],
            "bytes": len(text.encode("utf-8"))}


def cli_report(given):
    """``python -m pyinit report`` with the parsed flags (strings); returns the exit status.

    Bad flags raise ``ConfigError`` (the CLI prints it as one line, exit 2); missing plotly prints
    one line naming the extra and returns 1.
    """
    import sys
    given = dict(given)
    out = given.pop("out", None)
    out = "report.html" if out is None else out
    chapter = given.pop("chapter", None)
    side = given.pop("side", None)
    try:
        info = write_report(out, chapter, side, **given)
    except ImportError as err:
        sys.stderr.write("pyinit report: error: " + " ".join(str(err).split()) + "\n")
        return 1
    size = info["bytes"] / 2**20
    print(f"wrote {info['path']}: {len(info['figures'])} figures, {size:.1f} MB, plotly.js embedded "
          f"(chapter {info['chapter'] or '-'}{', ' + info['side'] + ' run' if info['side'] else ''}, "
          f"{info['config']['steps']} steps)")
    return 0
