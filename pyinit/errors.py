"""The one exception pyinit raises for bad input.

Every public entry point (``RunConfig``, the dataset/initializer/activation registries, the CLI and
``api``) validates its input and raises :class:`ConfigError` whose message names the parameter, the
constraint and the value received, in one line. Internal invariants use ``assert`` instead.
"""


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
    """A short, one-line rendering of the offending value."""
    text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."
