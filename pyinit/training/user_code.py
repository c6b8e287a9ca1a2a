"""The reader's Python as an initializer: source text -> checked ``init`` (and ``bias``) callables.

    compile_init(source, param, filename="<your code>") -> (init, bias or None)
    initial_arrays(source, param, sizes, seed) -> {"W": [W per layer], "b": [b per layer] or None}

The source must define ``init(fan_in, fan_out, rng)`` returning the weights of one layer, shape
(fan_in, fan_out), and may define ``bias(fan_out, rng)`` returning (fan_out,) or one number. It runs
in a fresh namespace holding ``np`` (numpy) and ``math``; ``import`` allows numpy and math only. The
returned callables are what ``core.initializers`` expects of a callable init: the trainer calls them
layer by layer with the member's INIT (BIAS) generator while it is constructed. ``initial_arrays``
makes exactly those calls (``core.initializers.initial_params`` with the member's seed) and returns
what they made: the page runs it in its sandbox (``site/js/sandbox/``), the CLI's ``--init-code``
compiles the file here and lets the trainer call it, with the same numbers either way.

Every failure is a ``CodeError`` (a ``ConfigError``) carrying ``param`` (the setting or flag that held
the code), ``line`` and ``column`` (1-based, in the user's code, or None), ``kind`` and ``text``:

    "syntax"   the code does not compile                   "line 2: invalid syntax"
    "runtime"  an exception while the code or init ran      "line 3: NameError: name 'npp' is not defined"
    "result"   init missing, not a function, wrong arguments, or a result of the wrong shape, not
               finite or too large
                                   "init(2, 4, rng) returned an array of shape (4, 2); ..."

``raise SystemExit`` / ``sys.exit()`` and ``raise KeyboardInterrupt`` in the code are "runtime"
errors with a sentence saying what they do here (nothing stops but the code). ``str(error)`` is
``"<param>: line N: <text>"`` (``"<param>: <text>"`` without a line), one line; ``details`` is
{param, line, column, kind, text}. The callables are ``UserFunction``s: equal when compiled from
the same source, labelled "python", carrying their ``source``. Code longer than ``MAX_CODE_BYTES``
(UTF-8) is a plain ``ConfigError``.

Left out: any sandboxing. The import rule is guidance, not a security boundary (one line of Python
reaches ``os`` through numpy): the CLI runs the user's own file on the user's machine, and the page
runs the reader's code only in its sandbox, a separate Python in an opaque-origin iframe that gets
(sizes, seed) and gives back arrays (README, "Security model"). Stopping code that never returns
(``while True: pass``) is the caller's job too (the page terminates the sandbox).
"""

import builtins
import contextlib
import inspect
import math
import traceback
import warnings

import numpy as np

from ..core.initializers import ResultError, call_bias, call_init, initial_params
from ..errors import ConfigError

FILENAME = "<your code>"
MAX_CODE_BYTES = 4096
MAX_TEXT = 300  # characters of an error's text
ALLOWED_IMPORTS = ("numpy", "math")
CONSOLE_BUILTINS = ("input", "breakpoint", "help", "exit", "quit")  # no console in the worker
ARGS = {"init": ("fan_in", "fan_out", "rng"), "bias": ("fan_out", "rng")}


class CodeError(ConfigError):
    """User code that failed: where (``line``, ``column``), how (``kind``) and what (``text``)."""

    def __init__(self, param, text, line=None, column=None, kind="runtime"):
        text = " ".join(str(text).split())
        text = text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 3] + "..."
        self.param, self.constraint, self.value = param, text, None
        self.text, self.line, self.column, self.kind = text, line, column, kind
        ValueError.__init__(self, f"{param}: line {line}: {text}" if line else f"{param}: {text}")

    def __str__(self):
        return self.args[0]

    @property
    def details(self):
        """{param, line, column, kind, text}: what the page's editor shows (``text`` without the
        "param: line N:" that the message starts with)."""
        return {
            "param": self.param,
            "line": self.line,
            "column": self.column,
            "kind": self.kind,
            "text": self.text,
        }


@contextlib.contextmanager
def _quiet():
    """No warnings from the user's code on stderr (the worker's console): its errors are errors,
    and what it returns is checked anyway (a division by zero shows up as a value that is not finite)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def _import(name, globals=None, locals=None, fromlist=(), level=0):
    if level != 0 or name.partition(".")[0] not in ALLOWED_IMPORTS:
        raise ImportError(
            f"only numpy and math can be imported here (np and math are already there), not {name!r}"
        )
    return builtins.__import__(name, globals, locals, fromlist, level)


def _namespace():
    own = {k: v for k, v in vars(builtins).items() if k not in CONSOLE_BUILTINS}
    own["__import__"] = _import
    return {"__builtins__": own, "__name__": "__your_code__", "np": np, "math": math}


#: what an exception that ends programs means here, after its name
ENDS_PROGRAMS = {
    SystemExit: "sys.exit() and raise SystemExit end a program, not an init: they stopped only your "
    "code; return the weights instead",
    KeyboardInterrupt: "your code was interrupted (raise KeyboardInterrupt, or Ctrl+C): it stopped "
    "only your code; init must return the weights",
}


def _runtime(param, error, filename):
    """A CodeError for an exception raised by user code, at the innermost line of ``filename``."""
    line = column = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == filename:
            line = frame.lineno
            column = (frame.colno + 1) if getattr(frame, "colno", None) is not None else None
    try:
        message = str(error)
    except Exception:  # an exception class of the user's, broken
        message = ""
    for kind, sentence in ENDS_PROGRAMS.items():
        if isinstance(error, kind):
            message = f"{sentence} (exit status {message})" if message and kind is SystemExit else sentence
            break
    return CodeError(
        param,
        f"{type(error).__name__}: {message}" if message else type(error).__name__,
        line,
        column,
        "runtime",
    )


def _function(namespace, name, param, required):
    """The user's ``init``/``bias``: None when absent (if allowed), else a function of the right arity."""
    args = ARGS[name]
    wanted = f"{name}({', '.join(args)})"
    function = namespace.get(name)
    if function is None:
        if required:
            raise CodeError(
                param,
                f"define a function {wanted} that returns the weights of one layer, shape (fan_in, fan_out)",
                kind="result",
            )
        return None
    if not callable(function):
        raise CodeError(
            param, f"{name} must be a function {wanted}, not {type(function).__name__}", kind="result"
        )
    line = getattr(getattr(function, "__code__", None), "co_firstlineno", None)
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # some builtins have none: call and see
        return function
    try:
        signature.bind(*args)
    except TypeError:
        raise CodeError(
            param,
            f"{name} must take {len(args)} arguments ({', '.join(args)}); yours takes {signature}",
            line,
            kind="result",
        ) from None
    return function


class UserFunction:
    """The user's ``init`` or ``bias`` as the trainer calls it: through ``check`` (``call_init`` /
    ``call_bias``), with every failure a CodeError. Two compilations of the same source are equal
    (so are the RunConfigs holding them); ``label`` "python", ``path`` and ``source`` say where it
    came from."""

    label = "python"

    def __init__(self, function, name, param, filename, source, check):
        self.function, self.name, self.param, self.path, self.source = function, name, param, filename, source
        self._check = check
        self._line = getattr(getattr(function, "__code__", None), "co_firstlineno", None)

    def __call__(self, *args):
        try:
            with _quiet():
                return self._check(self.function, *args)
        except ResultError as e:
            raise CodeError(self.param, e.sentence, self._line, kind="result") from None
        except BaseException as e:  # SystemExit and KeyboardInterrupt too: they must not end the caller
            raise _runtime(self.param, e, self.path) from None

    def _key(self):
        return (self.name, self.param, self.path, self.source)

    def __eq__(self, other):
        return isinstance(other, UserFunction) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return f"<{self.name} of {self.path}>"


def compile_init(source, param="code", filename=FILENAME, max_bytes=MAX_CODE_BYTES):
    """(init, bias or None) from the user's source; see the module docstring. ``param`` names the
    setting (``code``, ``code_right``) or flag that holds it in every error; ``filename`` is the
    code's name in tracebacks (the CLI's file), ``max_bytes`` its largest size in UTF-8."""
    if not isinstance(source, str):
        raise ConfigError(param, "must be Python source text", type(source).__name__)
    try:
        size = len(source.encode("utf-8"))
    except UnicodeEncodeError:
        raise ConfigError(param, "must be text that UTF-8 can encode", "lone surrogates") from None
    if size > max_bytes:
        raise ConfigError(param, f"must be at most {max_bytes} bytes (UTF-8)", f"{size} bytes")
    try:
        with _quiet():
            code = compile(source, filename, "exec", dont_inherit=True)
    except SyntaxError as e:
        raise CodeError(param, e.msg, e.lineno, e.offset, "syntax") from None
    except (ValueError, MemoryError, RecursionError) as e:  # a null byte; nesting too deep
        raise CodeError(param, f"the code cannot be compiled: {e}", kind="syntax") from None
    namespace = _namespace()
    try:
        with _quiet():
            exec(code, namespace)
    except BaseException as e:  # SystemExit and KeyboardInterrupt too
        raise _runtime(param, e, filename) from None
    init = _function(namespace, "init", param, required=True)
    bias = _function(namespace, "bias", param, required=False)
    return (
        UserFunction(init, "init", param, filename, source, call_init),
        None if bias is None else UserFunction(bias, "bias", param, filename, source, call_bias),
    )


def initial_arrays(source, param, sizes, seed):
    """The initial arrays the code makes for a net of layer ``sizes`` whose init seed is ``seed``:
    {"W": [W of layer 1, ...] each (fan_in, fan_out), "b": [b of layer 1, ...] each (fan_out,), or
    None when the code defines no ``bias``} -- checked float64 arrays, made by the very calls the
    trainer makes (``initial_params``: init then bias, layer by layer, INIT and BIAS generators of
    ``seed``), so they equal the trainer's initial parameters for this code bitwise."""
    init, bias = compile_init(source, param)
    params = initial_params(list(sizes), init, "zeros" if bias is None else bias, 0.0, seed)
    return {"W": [W for W, _ in params], "b": None if bias is None else [b for _, b in params]}
