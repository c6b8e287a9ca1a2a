"""``python -m pyinit report``: one standalone HTML file with the figures of a run (``plots``).

    python -m pyinit report --chapter clones --out report.html
    python -m pyinit report --chapter simple --side right --steps 300 --lang pl --out simple-xavier.html

``--chapter`` picks one of the tour's chapters. Its run flags are not written here: they are the
chapter's preset (``content/chapters.json``) turned into ``run`` flags by the page's own mapping
(``settings.page_state``) -- the shared settings (optimizer, momentum, factor included) plus the init and
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
from ..settings import page_state, presets
from .report_facts import Words, figures

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
    "dropout",
    "seed",
)
FLAGS = {
    "chapter": (
        "one of " + ", ".join(presets.ids()) + " (the tour chapter's lab preset; explicit flags "
        "override; " + ", ".join(f"'{a}' = {n}" for a, n in ALIASES.items()) + ")"
    ),
    "side": " or ".join(SIDES) + ": which of the chapter's two lab runs (default left, the init the "
    "chapter is about)",
    "lang": "the language of the report's texts: " + " or ".join(content.LANGS) + " (default en)",
    "out": "the HTML file to write (default report.html)",
}


class OutputError(OSError):
    """An output (``--out``, or stdout) could not be written: ``filename`` and ``strerror`` say which
    and why."""

    def __init__(self, filename, err):
        super().__init__(err.errno, err.strerror or str(err), filename)


def preset(chapter, side="left"):
    """The ``run`` flags of a tour chapter's preset, with the init of one side of its lab."""
    c = presets.chapter(chapter)
    if side not in SIDES:
        raise ConfigError("side", "must be " + " or ".join(SIDES), side)
    config, members = page_state.run_config(c["state"], run_code_here=True)  # the chapter's own code
    member = members[SIDES.index(side)]
    flags = {k: v for k, v in config.to_dict().items() if k in SHARED}
    if not config.full_batch:
        flags["batch_size"] = config.batch_size
    view = c["view"] or {}
    if "hidden" in view:  # reproduce: the exercise's [10, 5] (the lab has one width)
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
        if name not in presets.ids():
            raise ConfigError(
                "chapter", "must be one of " + ", ".join(presets.ids() + list(ALIASES)), chapter
            )
        preset_flags = preset(name, "left" if side is None else str(side).strip())
    elif side is not None:
        raise ConfigError("side", "needs --chapter (it picks one of a chapter's two runs)", side)
    return name, RunConfig.from_dict({**preset_flags, **flags})


def _signal_inits(config, chapter):
    """The inits compared in the signal figure: the run's own (first layer's spec) and, for a chapter
    whose tour view is the signal experiment, that view's inits."""
    own = config.init if callable(config.init) else config.init.split(",")[0]
    view = presets.chapter(chapter)["view"] if chapter else None
    others = view["inits"] if view and view.get("kind") == "signal" else []
    return [own] + [i for i in others if i != own]


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


def _formula(parts, label):
    """The chapter's formula: each TeX part as MathML (typeset by the browser, no fonts or CSS
    needed; made by KaTeX at build time, content/formulas.json), one part per line."""
    shown = []
    for tex in parts:
        mathml = content.formula_mathml(tex)
        shown.append(mathml if mathml else f"<code>{html.escape(tex)}</code>")
    return (
        f'<div class="formula"><strong>{html.escape(label)}</strong>'
        + "".join(f'<div class="formula-part">{part}</div>' for part in shown)
        + "</div>"
    )


def render(result, chapter, side, config, figs, lang="en"):
    """The report as one HTML string (plotly.js inlined)."""
    from plotly.offline import get_plotlyjs

    esc, w = html.escape, Words(lang)
    r, ch = w.r, (w.chapters[chapter] if chapter else None)
    title = ch["report_title"] if ch else r["untitled"]
    body = [f"<h1>{esc(title)}</h1>"]
    if ch:
        body.append(f"<p>{esc(ch['report_text'])}</p>")
        body.append(_formula(ch["formula"], r["formula"]))
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
        (r["test_accuracy"], esc(w.pct(final["test_accuracy"]))),
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
