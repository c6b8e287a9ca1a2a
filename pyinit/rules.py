"""The rule book: every setting's type, range, default, choices and help, and the rules between
settings. The book is ``content/settings.json`` (its "about" says the format); this module reads it
for Python and ``site/js/app/rules.js`` for the page, the same way (``tests/content/
test_rule_parity.py`` feeds both the same hostile inputs and requires the same verdict and message).

    section(name)                   -> {setting: entry}: "run" (RunConfig's fields = the CLI's run
                                       flags), "signal", "bench" or "settings" (the page's state)
    parse(entry, value)             -> the typed value, or a ConfigError "<name>: <constraint>, got <value>"
    check(name, values, given)      -> the first rule between settings that ``values`` break, raised
    validate(given, keys)           -> the page's settings ``keys``: given (else default), parsed, checked
    constraint(entry)               -> what ``parse`` takes, as its error says it ("must be ...")
    help_text(name, key, **specs)   -> one setting's help for the CLI: help, range, default, rules
    parse_int / parse_float         -> the number parsers, for any parameter of any layer
    SIDES, CODE_KEY, INIT_PARAM     -> the lab's two sides, each side's code key, what an init's number is

A number given as text follows the book's ``number`` (ASCII digits, ',' may stand for '.'); an int
may be written as a float without a fraction ("1e3"); a bool is never a number. A choice is a string
(or an integer, taken as its decimal string). Text is trimmed of ASCII whitespace and measured in
UTF-16 code units, as the page measures it. This module is a foundation: it imports only ``content``
and ``errors``.
"""

import math
import numbers
import re

from . import content
from .errors import ConfigError

BOOK = content.load("settings.json")
NUMBER = re.compile(BOOK["number"])
SIDES = tuple(s["side"] for s in BOOK["sides"])
CODE_KEY = {s["side"]: s["code"] for s in BOOK["sides"]}
INIT_PARAM = dict(BOOK["init_param"])
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
SPACE = " \t\n\r\f\v"  # what is trimmed from a value given as text (ASCII whitespace only)


# ------------------------------------------------------------------------------------- the book
def fill(template, params):
    """``template`` with each {name} of ``params`` put in (others stay as they are)."""
    return _PLACEHOLDER.sub(
        lambda m: str(params[m.group(1)]) if m.group(1) in params else m.group(0), template
    )


def _per_side(items):
    """The book's list with every {"per_side": [...]} block repeated once per side."""
    out = []
    for item in items:
        if "per_side" not in item:
            out.append(dict(item))
            continue
        for side in BOOK["sides"]:
            for template in item["per_side"]:
                out.append(_for_side(template, side))
    return out


def _for_side(x, side):
    if isinstance(x, str):
        return fill(x, side)
    if isinstance(x, list):
        return [_for_side(v, side) for v in x]
    if isinstance(x, dict):
        if set(x) == set(SIDES):  # a default per side
            return x[side["side"]]
        return {_for_side(k, side): _for_side(v, side) for k, v in x.items()}
    return x


def _chapter_entry(entry):
    """Type "chapter": a choice of the chapter ids; a chapter's legacy number names it too."""
    chapters = content.chapters()
    ids = [c["id"] for c in chapters]
    legacy = {str(c["legacy"]): c["id"] for c in chapters if c.get("legacy")}
    return {**entry, "type": "choice", "choices": ids, "default": ids[0], "legacy": legacy}


def _resolve(name):
    raw = {s: {e["name"]: e for e in _per_side(BOOK[s])} for s in ("run", "signal", "bench", "settings")}
    out = {}
    for entry in raw[name].values():
        if "like" in entry:
            base_section, base_name = entry["like"].split(".")
            entry = {**raw[base_section][base_name], **{k: v for k, v in entry.items() if k != "like"}}
        if entry["type"] == "chapter":
            entry = _chapter_entry(entry)
        out[entry["name"]] = entry
    return out


SECTIONS = {name: _resolve(name) for name in ("run", "signal", "bench", "settings")}
RULES = _per_side(BOOK["rules"])


def section(name):
    """The entries of one section of the book, resolved ("like", "per_side", "chapter"): {name:
    entry}, in the book's order. Shared: read, do not change."""
    return SECTIONS[name]


def defaults(name):
    """Every default of a section: {name: default}."""
    return {k: e["default"] for k, e in SECTIONS[name].items()}


# ---------------------------------------------------------------------------------- the messages
def fmt(x):
    """A number as the messages write it: an integer plainly, any other number as Python's "g"."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        return str(x)
    if isinstance(x, numbers.Integral) or (math.isfinite(x) and x == int(x) and abs(x) < 2**53):
        return str(int(x))
    return f"{x:g}"


def _message(kind, **params):
    return fill(BOOK["messages"][kind], params)


def _interval(low, high, low_open=False, high_open=False):
    return ("(" if low_open else "[") + f"{fmt(low)}, {fmt(high)}" + (")" if high_open else "]")


def constraint(entry):
    """What ``parse(entry, ...)`` takes, as its ConfigError says it ("must be an integer in 4..1000")."""
    kind = entry["type"]
    if kind == "int":
        return _message("int", min=fmt(entry["min"]), max=fmt(entry["max"]))
    if kind == "float":
        interval = _interval(entry["min"], entry["max"], entry.get("min_open"), entry.get("max_open"))
        return _message("float", interval=interval)
    if kind == "choice":
        return _message("choice", choices=", ".join(entry["choices"]))
    if kind == "list":
        return _message("list_none" if entry.get("none") else "list", choices=", ".join(entry["choices"]))
    if kind == "widths":
        each = _message("widths", min=entry["min"], max=entry["max"])
        return each + ", " + _message("widths_count", max_count=entry["max_count"])
    if kind in ("bool", "text"):
        return _message(kind, maxLength=entry.get("maxLength"))
    return ""  # spec: checked by core.initializers, which says what it takes


# ----------------------------------------------------------------------------------- the parsers
def _number(value):
    """``value`` as an int (exact) or a finite float; None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str) and NUMBER.fullmatch(value.strip(SPACE)):
        x = float(value.strip(SPACE).replace(",", ".", 1))
        return x if math.isfinite(x) else None
    return None


def parse_int(name, value, low, high):
    """An int in low..high from an int, a float without a fraction, or a number as text."""
    x = _number(value)
    if isinstance(x, float):
        x = int(x) if x.is_integer() else None
    if x is None or not low <= x <= high:
        raise ConfigError(name, _message("int", min=fmt(low), max=fmt(high)), value)
    return x


def parse_float(name, value, low, high, low_open=False, high_open=False):
    """A finite float in the interval low..high (ends open as requested)."""
    x = _number(value)
    try:
        x = None if x is None else float(x)
    except OverflowError:  # an int beyond float's range (10**400)
        x = None
    ok = x is not None and (low < x if low_open else low <= x) and (x < high if high_open else x <= high)
    if not ok:
        raise ConfigError(name, _message("float", interval=_interval(low, high, low_open, high_open)), value)
    return x


def _as_choice(value):
    """The text a choice is picked by: a string (trimmed), or an integer's decimal digits."""
    if isinstance(value, str):
        return value.strip(SPACE)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    if isinstance(value, numbers.Integral) or (math.isfinite(value) and float(value).is_integer()):
        return str(int(value))
    return None


def _utf16_length(text):
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def parse_widths(name, value, entry):
    """Widths from a list/tuple of ints, one int, or a comma string ("" = none): a tuple."""
    if isinstance(value, str):
        items = value.replace(" ", "").split(",") if value.strip(SPACE) else []
    elif isinstance(value, (list, tuple)):
        items = list(value)
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
        items = [value]
    else:
        raise ConfigError(name, constraint(entry), value)
    if len(items) > entry["max_count"]:
        raise ConfigError(name, _message("widths_count", max_count=entry["max_count"]), value)
    widths = []
    for item in items:
        try:
            widths.append(parse_int(name, item, entry["min"], entry["max"]))
        except ConfigError:
            raise ConfigError(name, _message("widths", min=entry["min"], max=entry["max"]), item) from None
    return tuple(widths)


def parse(entry, value):
    """One value against its entry: the typed value, or a ConfigError naming the entry's name."""
    name, kind = entry["name"], entry["type"]
    if kind == "int":
        return parse_int(name, value, entry["min"], entry["max"])
    if kind == "float":
        return parse_float(
            name,
            value,
            entry["min"],
            entry["max"],
            entry.get("min_open", False),
            entry.get("max_open", False),
        )
    if kind == "widths":
        return parse_widths(name, value, entry)
    if kind == "spec":
        return value
    if kind == "choice":
        key = _as_choice(value)
        key = entry.get("legacy", {}).get(key, key)
        if key in entry["choices"]:
            return key
    elif kind == "bool":
        text = value.strip(SPACE) if isinstance(value, str) else None
        if value is True or text in ("1", "true", "on"):
            return True
        if value is False or text in ("0", "false", "off", ""):
            return False
    elif kind == "list" and isinstance(value, str):
        items = [x.strip(SPACE) for x in value.strip(SPACE).split(",") if x.strip(SPACE)]
        if entry.get("none") and items == ["none"]:
            return ""
        if items and all(x in entry["choices"] for x in items):
            return ",".join(dict.fromkeys(items))
    elif kind == "text" and isinstance(value, str):
        text = value.strip(SPACE)
        if _utf16_length(text) <= entry["maxLength"]:
            return text
        raise ConfigError(name, constraint(entry), f"{_utf16_length(text)} characters")
    raise ConfigError(name, constraint(entry), value)


# --------------------------------------------------------------------- the rules between settings
def rules(name, keys=None):
    """The rules of section ``name`` whose keys are all among ``keys`` (default: the section's)."""
    keys = set(SECTIONS[name] if keys is None else keys)
    out = []
    for rule in RULES:
        needed = {rule["key"], *rule.get("when", {})}
        if isinstance(rule.get("at_most"), str):
            needed.add(rule["at_most"])
        if name in rule.get("in", [name]) and needed <= keys:
            out.append(rule)
    return out


def broken(rule, values):
    """None if ``values`` (typed) keep ``rule``; else the numbers its constraint names."""
    when = rule.get("when", {})
    if not all(values[k] in allowed for k, allowed in when.items()):
        return None
    value = values[rule["key"]]
    if "unless" in rule and value == rule["unless"]:
        return None
    limit = rule.get("at_most")
    limit = values[limit] if isinstance(limit, str) else limit
    if ("above" in rule and not value > rule["above"]) or (limit is not None and not value <= limit):
        chosen = values[next(iter(when))] if when else ""
        return {"limit": fmt(limit), "when": chosen, "init_param": INIT_PARAM.get(chosen, "")}
    return None


def check(name, values, given=None):
    """Raise a ConfigError for the first rule of section ``name`` that ``values`` (typed, one per
    key the rule names) break, showing the value as ``given`` (raw), or else the default."""
    given = {} if given is None else given
    for rule in rules(name, values):
        found = broken(rule, values)
        if found is not None:
            key = rule["key"]
            entry = SECTIONS[name][key]
            params = {"min": fmt(entry.get("min")), "max": fmt(entry.get("max")), **found}
            shown = given[key] if key in given else entry["default"]
            raise ConfigError(key, fill(rule["constraint"], params), shown)


def validate(given, keys):
    """The page's settings ``keys``, each given (or its default), parsed and checked by the rules:
    {key: value}. ``given`` (None: nothing given) may hold any of the page's settings; other keys
    are refused."""
    page = SECTIONS["settings"]
    given = {} if given is None else given
    if not isinstance(given, dict):
        raise ConfigError("settings", _message("object"), given)
    for key in given:
        if not isinstance(key, str) or key not in page:
            raise ConfigError("settings", _message("keys", keys=", ".join(keys)), key)
    values = {k: parse(page[k], given[k] if k in given else page[k]["default"]) for k in keys}
    check("settings", values, given)
    return values


# ------------------------------------------------------------------------------------ the CLI's help
def _default_text(entry):
    default = entry["default"]
    if default is None:
        return "default: " + entry.get("null_means", "none")
    if isinstance(default, list):
        return "default " + ",".join(fmt(x) for x in default)
    return "default " + (fmt(default) if isinstance(default, numbers.Real) else str(default))


def help_text(name, key, **specs):
    """The help of setting ``key`` of section ``name``: what it is (its "help", with ``specs`` put
    in), what it takes, its default and the rules that bind it."""
    entry = SECTIONS[name][key]
    parts = [fill(entry.get("help", ""), specs)]
    taken = constraint(entry)
    if taken:
        parts.append(": " + (taken[len("must be ") :] if taken.startswith("must be ") else taken))
    parts.append(f" ({_default_text(entry)})")
    for rule in rules(name):
        if rule["key"] == key:
            limit = rule.get("at_most")
            names = {"min": fmt(entry.get("min")), "max": fmt(entry.get("max")), "limit": limit}
            parts.append("; " + fill(rule["constraint"], names))
    return "".join(parts)
