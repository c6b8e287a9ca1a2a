"""The worker's bridge: the one table of what the page may call, and how a call crosses over.

The Web Worker (``site/js/platform/worker.js``) imports this module and, for every request
``{fn, args}``, calls ``dispatch(fn, args)``; nothing else of pyinit is reachable from the page.

    EXPORTS     {"lab.create": web.lab.create, ...}   the names the page (and check.html) calls
    dispatch(name, kwargs) -> {"ok": True, "result": plain data}
                            | {"ok": False, "type", "message", "traceback"}
    plain(x)    a result as JSON-like data for ``to_js``; 1-D float64 and float32 arrays stay
                contiguous numpy arrays (the worker sends them as Float64Array / Float32Array)
    versions()  {"pyinit", "numpy", "python"}

A refused call is an error reply like any other: a name that is not a string or is private
("_..."), kwargs that are not a dict, a module the page may not call ("ProtocolError"), or a
function not in ``EXPORTS`` ("LookupError"). A ``ConfigError``'s message is its one line, and its
reply has ``details`` {param, line, column, kind, text}: the setting it names, and for the reader's
code (``training.user_code.CodeError``, raised where the code runs: the page's sandbox) the 1-based
line and column, the kind ("syntax", "runtime", "result") and the text without the "param: line N: "
the message starts with; None where they do not apply. The
``chapters.*`` names are the chapter experiments (``web.chapters``): ``view(chapter_id)`` runs a
chapter's experiment as chapters.json gives it (the page passes no spec) and returns the same JSON
data the build ships; the reproduce chapter's long run goes in chunks (``reproduce_start/step/dispose``). Left
out: anything about transport (the worker does that).
"""

import traceback

import numpy as np

from .. import api
from ..errors import ConfigError
from . import chapters, lab

EXPORTS = {
    "api.run": api.run,
    "api.signal": api.signal,
    "api.signal_table": api.signal_table,
    "api.version": api.version,
    "lab.init_plan": lab.init_plan,
    "lab.create": lab.create,
    "lab.step": lab.step,
    "lab.advance": lab.advance,
    "lab.inspect": lab.inspect,
    "lab.landscape": lab.landscape,
    "lab.dispose": lab.dispose,
    "chapters.view": chapters.view,
    "chapters.reproduce_start": chapters.reproduce_start,
    "chapters.reproduce_step": chapters.reproduce_step,
    "chapters.reproduce_dispose": chapters.reproduce_dispose,
}
MODULES = sorted({name.split(".")[0] for name in EXPORTS})


class ProtocolError(Exception):
    """A request that is malformed or asks for something the page may not call."""


def plain(x):
    """``x`` as JSON-like data (dicts with str keys, lists, numbers, str, bool, None); 1-D float64
    and float32 arrays stay (contiguous) arrays."""
    if isinstance(x, np.ndarray):
        if x.ndim == 1 and x.dtype in (np.float64, np.float32):
            return np.ascontiguousarray(x)
        return plain(x.tolist())
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    return x


def _lookup(name):
    if not isinstance(name, str):
        raise ProtocolError(f"fn must be a string like 'api.run', got {type(name).__name__}")
    module, _, func = name.partition(".")
    if module not in MODULES or not func:
        raise ProtocolError(f"module {module!r} is not callable (allowed: {', '.join(MODULES)})")
    if func.startswith("_"):
        raise ProtocolError(f"{name!r} is private")
    if name not in EXPORTS:
        raise LookupError(
            f"{name!r} is not a function the page may call "
            f"({module}: {', '.join(n.split('.')[1] for n in EXPORTS if n.startswith(module + '.'))})"
        )
    return EXPORTS[name]


def dispatch(name, kwargs=None):
    """Call ``EXPORTS[name](**kwargs)``; the reply as plain data, never an exception."""
    try:
        func = _lookup(name)
        if hasattr(kwargs, "to_py"):  # a JsProxy, if the worker passes one
            kwargs = kwargs.to_py()
        kwargs = {} if kwargs is None else kwargs
        if not isinstance(kwargs, dict):
            raise ProtocolError(f"args must be an object of keyword arguments, got {type(kwargs).__name__}")
        return {"ok": True, "result": plain(func(**kwargs))}
    except Exception as e:  # every failure is a reply
        reply = {
            "ok": False,
            "type": type(e).__name__,
            "message": str(e) or type(e).__name__,
            "traceback": traceback.format_exc(),
        }
        if isinstance(e, ConfigError):  # which setting; for user code also where and how
            reply["details"] = {
                k: plain(getattr(e, k, None)) for k in ("param", "line", "column", "kind", "text")
            }
        return reply


def versions():
    """Versions of pyinit, numpy and Python (``api.version``)."""
    return api.version()
