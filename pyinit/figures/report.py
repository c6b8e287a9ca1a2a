"""``python -m pyinit report``: one standalone HTML file with the figures of a run (``plots``).

    python -m pyinit report --chapter clones --out report.html
    python -m pyinit report --chapter simple --side right --steps 300 --lang pl --out simple-xavier.html

``--chapter`` picks one of the tour's chapters. Its run flags are not written here: they are the
chapter's preset (``content/chapters.json``) turned into ``run`` flags by the page's own mapping
(``web.page_state``) -- the shared settings (optimizer, momentum, factor included) plus the init and
init seed of one of the lab's two runs, ``--side left`` (default: the init the chapter is about) or
``right``, so the report runs exactly the RunConfig the page builds for that side. Every ``run``
flag is accepted and overrides the preset (``--init-code FILE``: your own init, see ``cli``). The
run is exactly ``pyinit.api.run`` of the resolved config (printed in the file, so ``python -m pyinit
run`` with those flags gives the same numbers). The file holds plotly.js
itself and every figure's JSON (``<script type="application/json" class="pyinit-figure">``), so it
opens offline and loads nothing from the network; each figure has a short text saying what it shows
and what this run's numbers are. Every word comes from ``content/text/<lang>.json`` (``--lang``,
default en: the chapter's "report_*" texts and the "report" section); the page skeleton is
``templates/report.html``. This module imports plotly only when a report is written, so the CLI's
help works without it. A file that cannot be written is an ``OutputError`` (no partial file is
left). Left out: anything interactive beyond plotly's own hover and zoom.
"""

import html
import json
import os
from importlib import resources
from string import Template

from .. import __version__, api, content
from ..core.initializers import label
from ..errors import ConfigError
from ..training.config import RunConfig
from ..web import chapters, page_state

ALIASES = {alias: c["id"] for c in content.chapters() for alias in c.get("aliases", ())}
SIDES = page_state.SIDES
SHARED = (
    "dataset",
    "n_samples",
    "noise",
    "factor",
    "hidden",
    "activation",
    "lr",
    "momentum",
    "optimizer",
    "seed",
)
FLAGS = {
    "chapter": (
        "one of " + ", ".join(chapters.ids()) + " (the tour chapter's lab preset; explicit flags "
        "override; " + ", ".join(f"'{a}' = {n}" for a, n in ALIASES.items()) + ")"
    ),
    "side": "left or right: which of the chapter's two lab runs (default left, the init the chapter "
    "is about)",
    "lang": "the language of the report's texts: " + " or ".join(content.LANGS) + " (default en)",
    "out": "the HTML file to write (default report.html)",
}
TRAJECTORY_VALUES = 24_000  # values drawn per trajectory figure in a report, at most


class OutputError(OSError):
    """An output (``--out``, or stdout) could not be written: ``filename`` and ``strerror`` say which
    and why."""

    def __init__(self, filename, err):
        super().__init__(err.errno, err.strerror or str(err), filename)


def preset(chapter, side="left"):
    """The ``run`` flags of a tour chapter's preset, with the init of one side of its lab."""
    c = chapters.chapter(chapter)
    if side not in SIDES:
        raise ConfigError("side", "must be left or right", side)
    config, members = page_state.run_config(c["state"], run_code_here=True)  # the chapter's own code
    member = members[SIDES.index(side)]
    flags = {k: v for k, v in config.to_dict().items() if k in SHARED}
    if not config.full_batch:
        flags["batch_size"] = config.batch_size
    view = c["view"] or {}
    if "hidden" in view:  # chapter 8: the exercise's [10, 5] (the lab has one width)
        flags["hidden"] = list(view["hidden"])
    flags.update(init=member.init, bias_init=member.bias_init, perturb=member.perturb, steps=c["steps"])
    if member.seed is not None:  # the side's own init seed (a restart)
        flags["init_seed"] = member.seed
    return flags


def resolve(chapter=None, side=None, **flags):
    """The chapter's name and the validated ``RunConfig`` of its preset with ``flags`` overriding."""
    name = None
    preset_flags = {}
    if chapter is not None:
        key = str(chapter).strip()
        name = ALIASES.get(key, key)
        if name not in chapters.ids():
            raise ConfigError(
                "chapter", "must be one of " + ", ".join(chapters.ids() + list(ALIASES)), chapter
            )
        preset_flags = preset(name, "left" if side is None else str(side).strip())
    elif side is not None:
        raise ConfigError("side", "needs --chapter (it picks one of a chapter's two runs)", side)
    return name, RunConfig.from_dict({**preset_flags, **flags})


def _signal_inits(config, chapter):
    """The inits compared in the signal figure: the run's own (first layer's spec) and, for a chapter
    whose tour view is the signal experiment, that view's inits."""
    own = config.init if callable(config.init) else config.init.split(",")[0]
    view = chapters.chapter(chapter)["view"] if chapter else None
    others = view["inits"] if view and view.get("kind") == "signal" else []
    return [own] + [i for i in others if i != own]


# ------------------------------------------------------------------------------ facts in words
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


def _loss_facts(r, w):
    steps, loss, acc = r["steps"], r["loss"], r["accuracy"]
    text = w.facts["loss"].format(
        loss0=w.num(loss[0]), loss1=w.num(loss[-1]), step=steps[-1], acc0=w.pct(acc[0]), acc1=w.pct(acc[-1])
    )
    if r["diverged"] is not None:
        text += w.facts["diverged"].format(step=r["diverged"], reason=r["diverged_reason"])
    return text


def _trajectory_facts(r, layer, plots, w):
    L = len(r["weights"])
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
    """The report's figures: a list of dicts with ``key``, ``title``, ``text``, ``facts``, ``figure``."""
    from . import plots

    w = Words(lang)
    titles, out = w.r["figures"], []

    def add(key, title, fig, facts):
        text = w.r["texts"][key.split("-")[0]].format(**signal_results[0]["config"], zero=w.zero)
        out.append({"key": key, "title": title, "text": text, "facts": facts, "figure": fig})

    add("loss", titles["loss"], plots.loss(result, lang=lang), _loss_facts(result, w))
    L = len(result["weights"])
    for l in range(1, L + 1):
        name = titles["output_layer"] if l == L else titles["layer"].format(l=l)
        lines = (len(result["weights"][l - 1][0]) + 1) * len(result["biases"][l - 1][0])
        points = max(50, min(400, TRAJECTORY_VALUES // lines))  # keeps the file small for wide layers
        add(
            f"trajectories-{l}",
            titles["trajectories"].format(name=name),
            plots.trajectories(result, l, points, lang=lang),
            _trajectory_facts(result, l, plots, w),
        )
    fig = plots.boundary(result, lang=lang)
    add("boundary", titles["boundary"], fig, _boundary_facts(fig, w))
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


# ------------------------------------------------------------------------------ HTML
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
        if callable(getattr(config, key)):  # your own init: the file it came from
            if key == "init":
                parts.append(f"--init-code {_code_file(config.init)}")
            continue
        if value == defaults[key] and key not in ("init", "hidden", "activation", "dataset", "steps"):
            continue
        if key == "hidden":
            value = ",".join(str(w) for w in value)
            value = value if value else "''"
        parts.append(
            f"--{key.replace('_', '-')} {value!r}"
            if isinstance(value, float)
            else f"--{key.replace('_', '-')} {value}"
        )
    return " ".join(parts)


def _code_file(init):
    """The file name of a code init in the report's command (the page's code: init.py)."""
    path = getattr(init, "path", None) or "FILE"
    return "init.py" if path.startswith("<") else path


def _sentence(template, **parts):
    """A sentence of the texts as HTML: its words escaped, ``parts`` (already HTML) filled in."""
    return html.escape(template, quote=False).format(**parts)


def render(result, chapter, side, config, figs, lang="en"):
    """The report as one HTML string (plotly.js inlined)."""
    from plotly.offline import get_plotlyjs

    esc, w = html.escape, Words(lang)
    r, ch = w.r, (w.chapters[chapter] if chapter else None)
    title = ch["report_title"] if ch else r["untitled"]
    body = [f"<h1>{esc(title)}</h1>"]
    if ch:
        body.append(f"<p>{esc(ch['report_text'])}</p>")
        noise = _sentence(r["noise"], eps=repr(config.perturb)) if config.perturb else ""
        body.append(
            "<p>"
            + _sentence(
                r["shows_side"],
                side=f"<strong>{esc(r['sides'][side])}</strong>",
                init=f"<code>{esc(label(config.init))}</code>",
                noise=noise,
                about_left=_sentence(r["about_left"]) if side == "right" else "",
            )
            + "</p>"
        )
    body.append(
        '<p class="muted">'
        + _sentence(r["reproduce"], pyinit="<code>pyinit</code>", version=esc(__version__))
        + "</p>"
    )
    body.append(f"<pre>python -m pyinit run {esc(_flags_line(config))}</pre>")
    if getattr(config.init, "source", None):  # your own init: the code itself
        body.append(f'<pre class="code"># {esc(_code_file(config.init))}\n{esc(config.init.source)}</pre>')
    for flags, what in ch["try_next"] if ch else []:
        command = f"python -m pyinit report --chapter {chapter} {flags}" + (
            "" if lang == "en" else f" --lang {lang}"
        )
        body.append(
            "<p>" + _sentence(r["try_next"], command=f"<code>{esc(command)}</code>", what=esc(what)) + "</p>"
        )
    final = result["final"]
    rows = [
        (r["final_step"], str(final["step"])),
        (r["loss"], esc(w.num(final["loss"]))),
        (r["accuracy"], esc(w.pct(final["accuracy"]))),
        (r["diverged"], esc(r["no"] if result["diverged"] is None else str(result["diverged"]))),
    ]
    body.append(
        "<table>" + "".join(f"<tr><th>{_sentence(k)}</th><td>{v}</td></tr>" for k, v in rows) + "</table>"
    )
    for f in figs:
        div = f"fig-{f['key']}"
        spec = f["figure"].to_plotly_json()
        body.append(
            f'<figure aria-labelledby="{div}-title"><h2 id="{div}-title">{esc(f["title"])}</h2>'
            f"<p>{esc(f['text'])}</p>"
            f'<div class="plot" id="{div}" role="img" aria-label="{esc(f["title"])}: '
            f'{esc(f["facts"])}"></div>'
            f'<figcaption class="facts">{esc(f["facts"])}</figcaption></figure>'
        )
        body.append(
            f'<script type="application/json" class="pyinit-figure" data-key="{esc(f["key"])}" '
            f'data-target="{div}">{_script_json({"data": spec["data"], "layout": spec["layout"]})}'
            "</script>"
        )
    meta = {"pyinit": __version__, "chapter": chapter, "side": side, "lang": lang, "config": config.to_dict()}
    page = Template(
        resources.files(__package__).joinpath("templates/report.html").read_text(encoding="utf-8")
    )
    return page.substitute(
        lang=lang,
        title=esc(r["page_title"].format(title=title)),
        body="\n".join(body),
        meta=_script_json(meta),
        plotly=get_plotlyjs(),
    )


def write_report(out="report.html", chapter=None, side=None, lang="en", **flags):
    """Run the chapter's preset (``side``: which of its two lab runs; ``flags`` override it) and
    write the report to ``out``, its texts in ``lang``.

    Returns a dict: ``path``, ``chapter``, ``side``, ``lang``, ``config`` (resolved), ``figures``
    (their keys), ``bytes``. Raises ``ConfigError`` for a bad chapter, flag, language or output
    path, ``ImportError`` without plotly.
    """
    name, config = resolve(chapter, side, **flags)
    lang = str(lang).strip()
    if lang not in content.LANGS:
        raise ConfigError("lang", "must be one of " + ", ".join(content.LANGS), lang)
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
        names.append(f"{config.activation}, {label(init)}")
    figs = figures(result, signal_results, names, lang)
    side = (side or "left").strip() if name else None
    text = render(result, name, side, config, figs, lang)
    _write(out, text)
    return {
        "path": out,
        "chapter": name,
        "side": side,
        "lang": lang,
        "config": config.to_dict(),
        "figures": [f["key"] for f in figs],
        "bytes": len(text.encode("utf-8")),
    }


def _write(out, text):
    """Write the report; OutputError (and no partial file) if the system refuses."""
    try:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as err:
        if os.path.isfile(out):
            try:
                os.remove(out)
            except OSError:
                pass
        raise OutputError(out, err) from None


def cli_report(given, emit=print):
    """``python -m pyinit report`` with the parsed flags (strings; ``init`` may be the callable of
    ``--init-code``); returns the exit status. ``emit`` writes the summary line.

    Bad flags raise ``ConfigError`` (the CLI prints it as one line, exit 2), an unwritable file
    ``OutputError`` (exit 1); missing plotly prints one line naming the extra and returns 1.
    """
    import sys

    given = dict(given)
    out = given.pop("out", None)
    out = "report.html" if out is None else out
    chapter = given.pop("chapter", None)
    side = given.pop("side", None)
    lang = given.pop("lang", "en")
    try:
        info = write_report(out, chapter, side, lang, **given)
    except ImportError as err:
        sys.stderr.write("pyinit report: error: " + " ".join(str(err).split()) + "\n")
        return 1
    size = info["bytes"] / 2**20
    emit(
        f"wrote {info['path']}: {len(info['figures'])} figures, {size:.1f} MB, plotly.js embedded "
        f"(chapter {info['chapter'] or '-'}{', ' + info['side'] + ' run' if info['side'] else ''}, "
        f"{info['config']['steps']} steps)"
    )
    return 0
