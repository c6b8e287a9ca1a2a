"""The tour's chapters as settings: each chapter is a *preset* of the page's settings (only what it
changes from the defaults, ``content/chapters.json``), how many steps its runs are played, the
panels its claim rests on, and optionally a chapter view (an experiment, by ``kind``; run by
``web.chapters``).

    ids()                 -> the chapter ids, in order
    presets()             -> {"defaults", "chapters": [...]}   every chapter, defaults filled in
    chapter(id_or_number) -> one chapter of presets(), by id or by its legacy number (``LEGACY``)
"""

from .. import content, rules
from ..errors import ConfigError
from . import page_state

CHAPTER = rules.section("settings")["chapter"]  # the page's chapter key: its ids and legacy numbers
LEGACY = {int(number): cid for number, cid in CHAPTER["legacy"].items()}


def ids():
    """The chapter ids, in order."""
    return list(CHAPTER["choices"])


def presets():
    """Every chapter's id, number (its position, 1-based), legacy number (the number links carry
    that name the chapter by number, or None), full run settings (``state``: defaults filled in),
    steps to play, panels, and view (or None; with ``lab``: the chapter's full run settings)."""
    defaults = page_state.defaults()
    out = []
    for i, c in enumerate(content.chapters()):
        state = {**defaults, **c["preset"]}
        view = None if c["view"] is None else {**c["view"], "lab": dict(state)}
        out.append(
            {
                "id": c["id"],
                "number": i + 1,
                "legacy": c.get("legacy"),
                "state": state,
                "steps": c["steps"],
                "panels": list(c["panels"]),
                "view": view,
            }
        )
    return {"defaults": defaults, "chapters": out}


def chapter(id_or_number):
    """One chapter of ``presets()`` by id ("noise") or by its legacy number (5), which never
    changes when chapters are inserted."""
    key = LEGACY.get(id_or_number, id_or_number) if isinstance(id_or_number, int) else id_or_number
    for c in presets()["chapters"]:
        if key == c["id"]:
            return c
    raise ConfigError(
        "chapter",
        "must be one of " + ", ".join(ids()) + f" or a legacy chapter number {min(LEGACY)}..{max(LEGACY)}",
        id_or_number,
    )
