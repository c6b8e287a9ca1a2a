"""The one registry of the page's open sessions: objects that live in the worker between calls.

JavaScript never holds a Python object. A session (a lab of two runs, the reproduce runner) is
kept here under an int id; the page sends the id back with every call. The registry is bounded:
beyond ``MAX_SESSIONS`` open sessions the oldest is dropped (a page holds one or two), and a kind
may ask to keep at most ``per_kind`` of its own (the reproduce runner keeps one).

    create(obj, per_kind=None) -> id       get(id, kind, what) -> obj       dispose(id)

Left out: expiry by time, persistence (a reload starts over).
"""

from ..errors import ConfigError

MAX_SESSIONS = 8

_open = {}  # id -> object, oldest first (dicts keep insertion order)
_next_id = [1]


def create(obj, per_kind=None):
    """Register ``obj``; returns its new id. Drops the oldest sessions beyond the bounds."""
    sid = _next_id[0]
    _next_id[0] += 1
    _open[sid] = obj
    if per_kind is not None:
        same = [i for i, o in _open.items() if type(o) is type(obj)]
        for i in same[: max(0, len(same) - per_kind)]:
            del _open[i]
    while len(_open) > MAX_SESSIONS:
        del _open[next(iter(_open))]
    return sid


def get(id, kind, what):
    """The open session ``id`` of class ``kind``; a ConfigError naming ``id`` otherwise (``what``
    says what the id should be, e.g. "an open lab session")."""
    obj = _open.get(_int(id))
    if not isinstance(obj, kind):
        raise ConfigError("id", f"must be the id of {what}", id)
    return obj


def dispose(id):
    """Forget session ``id`` (unknown ids are ignored)."""
    _open.pop(_int(id), None)


def _int(id):
    """An id as the int key (JavaScript numbers may arrive as integral floats); None if it is not one."""
    if isinstance(id, float) and id.is_integer():
        return int(id)
    return id if isinstance(id, int) and not isinstance(id, bool) else None


def count():
    """Number of open sessions."""
    return len(_open)
