"""What the page's code sandbox calls: the reader's code for one side, and only arrays back.

    run(source, param, sizes, seed) -> {"ok": True, "W": [W of layer 1 flat, ...], "b": [...] or None}
                                     | {"ok": False, "type", "message", "details"}

It runs in the sandbox's own Python (``site/js/sandbox/worker.js``: a fresh Pyodide in a Web
Worker of an opaque-origin iframe, used for one run), never in the page's worker. ``sizes`` and
``seed`` are what ``lab.init_plan`` named; the arrays are ``training.user_code.initial_arrays``,
each flattened in row-major order (float64), which the page checks and ``lab.create`` checks again
(``code_arrays``). A failure of the code is a reply, never an exception: ``details`` is the
``CodeError``'s {param, line, column, kind, text} (``SystemExit`` and ``KeyboardInterrupt`` raised by
the code included). Left out: anything the page's worker does.
"""

import traceback

import numpy as np

from ..errors import ConfigError
from ..training import user_code


def run(source, param, sizes, seed):
    """The arrays of the code ``source`` (setting ``param``) for layer ``sizes`` and init ``seed``."""
    try:
        arrays = user_code.initial_arrays(source, param, [int(n) for n in sizes], int(seed))
    except ConfigError as e:
        return {
            "ok": False,
            "type": type(e).__name__,
            "message": str(e),
            "details": {k: getattr(e, k, None) for k in ("param", "line", "column", "kind", "text")},
        }
    except BaseException as e:  # a bug here, not the code's (the code's errors are CodeErrors)
        return {"ok": False, "type": type(e).__name__, "message": traceback.format_exc(limit=-3)}
    flat = lambda layers: None if layers is None else [np.ascontiguousarray(a).ravel() for a in layers]
    return {"ok": True, "W": flat(arrays["W"]), "b": flat(arrays["b"])}
