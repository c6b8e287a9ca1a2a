"""The one exception pyinit raises for bad input.

Every public entry point (``RunConfig``, the dataset/initializer/activation registries, the CLI and
``api``) validates its input and raises :class:`ConfigError` whose message names the parameter, the
constraint and the value received, in one line. Internal invariants use ``assert`` instead.
"""

import reprlib


class _Repr(reprlib.Repr):
    """``reprlib`` (cuts long and deep values) keeping a dict's own key order."""

    def repr_dict(self, x, level):
        if not x:
            return "{}"
        if level <= 0:
            return "{...}"
        items = [
            f"{self.repr1(k, level - 1)}: {self.repr1(x[k], level - 1)}" for k in list(x)[: self.maxdict]
        ]
        return "{" + ", ".join(items) + (", ..." if len(x) > self.maxdict else "") + "}"


_REPR = _Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother, _REPR.maxlong = 3, 80, 80, 80
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 6


class ConfigError(ValueError):
    """Invalid configuration: ``"<param>: <constraint>, got <value>"``.

    ``param`` is the parameter's name as in :class:`pyinit.training.config.RunConfig` (the CLI flag without
    its leading ``--`` and with ``_`` for ``-``); ``constraint`` says what was allowed.
    """

    def __init__(self, param, constraint, value):
        self.param = param
        self.constraint = constraint
        self.value = value
        super().__init__(f"{param}: {constraint}, got {show(value)}")


def show(value):
    """A short, one-line rendering of the offending value (any value: huge ints, deep or long
    containers and long strings are cut, never expanded in full)."""
    try:
        text = _REPR.repr(value)
    except Exception:  # e.g. an int too long for str(), or a broken __repr__
        digits = f" of about {int(value.bit_length() * 0.30103)} digits" if isinstance(value, int) else ""
        text = f"<{type(value).__name__}{digits}>"
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."
