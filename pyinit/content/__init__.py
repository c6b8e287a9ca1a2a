"""The page's and the report's content as data: settings schema, chapters, chart encodings, texts.

These JSON files are read by ``pyinit.web`` and ``pyinit.figures`` and shipped as-is to the site
(``dist/data/content/``), where the page reads the same files:

    settings.json        the rule book: every setting's type, range, default, choices, help and the
                         rules between settings (read by ``pyinit.rules``, and by the page)
    chapters.json        the tour's chapters: lab preset, steps, panels, chapter view
    encodings.json       chart encodings shared by the page and ``figures.plots``
    text/<lang>.json     per language: the page's UI strings ("ui"), the chapters' prose and
                         formulas (TeX), the report's wording
    formulas.json        every formula's TeX typeset by KaTeX (generated: tools/formulas.py)

Every loader returns a fresh object (callers may change it; nothing is cached in a mutable form).
``LANGS`` are the choices of the page's ``lang`` setting. Left out: any interpretation of the data
(``pyinit.rules``, ``settings`` and ``web.chapters`` do that).
"""

import json
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def _text(name):
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def load(name):
    """The parsed JSON file ``name`` of this package (e.g. "chapters.json", "text/pl.json")."""
    return json.loads(_text(name))


LANGS = tuple(next(e for e in load("settings.json")["settings"] if e.get("name") == "lang")["choices"])


def chapters():
    """The tour's chapters, in order: a list of {id, preset, steps, panels, view, ...}."""
    return load("chapters.json")["chapters"]


def encodings():
    """Chart encodings shared by the page and ``figures.plots``."""
    return load("encodings.json")


def formula_mathml(tex):
    """The MathML of one formula part (its TeX as in text/<lang>.json), or None when formulas.json
    lacks it (then show the TeX)."""
    entry = load("formulas.json")["formulas"].get(tex)
    return entry["mathml"] if entry else None


def text(lang="en"):
    """The texts of one language (``LANGS``)."""
    if lang not in LANGS:
        from ..errors import ConfigError

        raise ConfigError("lang", "must be one of " + ", ".join(LANGS), lang)
    return load(f"text/{lang}.json")
