"""One rule book, two readers: Python (``pyinit.rules``, ``settings.page_state``) and the page
(``site/js/app/rules.js`` through ``schema.js``, run under Node) get the same hostile inputs and must
give the same verdict, the same typed value and, for a refusal, the same message naming the
parameter, the constraint and the value received."""

import pytest

from pyinit import content, rules
from pyinit.errors import ConfigError
from pyinit.settings import page_state

PAGE = rules.section("settings")

NUMBERS = [
    "",
    " ",
    "abc",
    "1e999",
    "-1e999",
    "NaN",
    "nan",
    "inf",
    "Infinity",
    "0x10",
    "1_000",
    "١٢",
    "𝟙",
    "½",
    "12.5",
    "1,5",
    "1.",
    ".5",
    ",5",
    "+3",
    "-0",
    "  7  ",
    "1e3",
    "1E-7",
    "0.1e1",
    "1e",
    "e5",
    "--1",
    "1.2.3",
    "5\u00a0",
    "5\n",
    "\t5",
    "9007199254740993",
    "4294967296",
    "2147483648",
    1e300,
    -5,
    3.5,
    7,
    0,
    1e-7,
    0.99,
    1000,
    1001,
    2**31,
    2**53,
    True,
    False,
    None,
    [],
    {},
    [1],
    {"a": 1},
]
CHOICES = [
    "xor",
    " xor ",
    "XOR",
    "xor\u0000",
    5,
    2,
    2.5,
    True,
    None,
    [],
    "",
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
    "5",
    "14",
    14,
    "0",
    "-1",
    "1e0",
    "noise",
    "it's",
    'say "hi"',
    "both ' and \"",
]
BOOLS = ["1", "0", "true", "TRUE", "yes", "on", "off", "", " on ", 1, 0, True, False, None]
LISTS = [
    "loss",
    "loss,loss",
    "none",
    "none,loss",
    ",,",
    "",
    " loss , boundary ",
    5,
    None,
    "LOSS",
    "traj,code",
]
TEXTS = [
    "",
    "abc",
    " abc ",
    "x" * 5462,
    "x" * 5463,
    "é" * 5463,
    "😀" * 2731,
    "😀" * 2732,
    12,
    None,
    True,
    ["a"],
    "tab\tnew\nline",
    "\x00\x1f\x7f",
    "\u00a0\u2028\ufeff",
    "\ud800",
    "日本語",
    "a" * 100,
    "'" * 90,
    "\n" * 50,
]
BY_TYPE = {"int": NUMBERS, "float": NUMBERS, "choice": CHOICES, "bool": BOOLS, "list": LISTS, "text": TEXTS}
SINGLE = [(name, value) for name, entry in PAGE.items() for value in BY_TYPE[entry["type"]]]

WHOLE = [
    {},
    None,
    [1, 2],
    "settings",
    5,
    {"depth": 3},
    {"__proto__": 1},
    {"constructor": "x"},
    {"lr": "abc"},
    {"lr": 0},
    {"batch_size": 300},
    {"batch_size": 300, "n_samples": 400},
    {"n_samples": 100, "batch_size": 150},
    {"n_samples": "100", "batch_size": "150"},
    {"n_samples": 100, "batch_size": 0},
    {"optimizer": "momentum"},
    {"optimizer": "momentum", "momentum": "0.5"},
    {"optimizer": "momentum", "momentum": 0},
    {"optimizer": "adam", "momentum": 0.9},
    {"optimizer": "adam", "momentum": "0,5"},
    {"optimizer": "adam"},
    {"left_init": "normal", "left_scale": 0},
    {"left_init": "normal", "left_scale": -0.5},
    {"right_init": "zeros_eps", "right_scale": "-1"},
    {"left_init": "uniform", "left_scale": "0"},
    {"left_init": "constant", "left_scale": 0},
    {"left_init": "normal", "left_scale": 11},
    {"right_init": "normal", "right_scale": 0, "batch_size": 500},
    {"speed": "7", "panels": "nonsense"},
    {"code": "x" * 6000},
    {"left_init": "python"},
    {"width": 17, "lr": "abc"},
    {"seed": "2147483648"},
    {"chapter": "noise", "lang": "de"},
    {"dataset": " moons ", "layers": "2", "width": "8", "lr": "0,25", "seed": "1e3"},
    rules.defaults("settings"),
]


def python_ok(fn):
    try:
        fn()
        return True
    except ConfigError:
        return False


def python_verdict(fn):
    try:
        return {"ok": True, "value": fn()}
    except ConfigError as err:
        return {"ok": False, "param": err.param, "message": str(err)}


def typed_state(given):
    """The page's whole state with ``given`` (single values already valid) as the controls hold it."""
    return {k: rules.parse(e, given.get(k, e["default"])) for k, e in PAGE.items()}


STATES = [
    typed_state(g)
    for g in WHOLE
    if isinstance(g, dict) and set(g) <= set(PAGE) and python_ok(lambda g=g: typed_state(g))
]

SCRIPT = """
import { readFileSync } from "node:fs";
import { createSchema } from "./js/app/schema.js";
const { book, chapters, single, whole, states } = JSON.parse(readFileSync(process.argv[2], "utf8"));
const schema = createSchema(book, { chapters });
const verdict = (r) =>
  r.ok
    ? { ok: true, value: r.value ?? r.values }
    : { ok: false, param: r.error.param, message: r.error.message };
console.log(JSON.stringify({
  entries: schema.entries,
  single: single.map(([name, value]) => verdict(schema.parse(name, value))),
  whole: whole.map((given) => verdict(schema.validate(given))),
  checked: states.map((values) => schema.check(values)),
}));
"""


@pytest.fixture(scope="module")
def page(site_js):
    data = {
        "book": content.load("settings.json"),
        "chapters": content.chapters(),
        "single": SINGLE,
        "whole": WHOLE,
        "states": STATES,
    }
    return site_js.node(SCRIPT, data)


def test_both_read_the_same_settings(page):
    assert page["entries"] == list(PAGE.values())


def test_one_value_same_verdict_and_message(page):
    differ = []
    for (name, value), got in zip(SINGLE, page["single"]):
        want = python_verdict(lambda: rules.parse(PAGE[name], value))
        if got != want:
            differ.append(f"{name}={value!r}: page {got} != python {want}")
    assert len(page["single"]) == len(SINGLE) > 1000 and not differ, "\n".join(differ)


def test_run_settings_same_verdict_and_message(page):
    differ = []
    for given, got in zip(WHOLE, page["whole"]):
        want = python_verdict(lambda: page_state.run_settings(given))
        if got != want:
            differ.append(f"{given!r}: page {got} != python {want}")
    assert len(page["whole"]) == len(WHOLE) and not differ, "\n".join(differ)


def test_the_controls_rules_same_as_pythons(page):
    """The page's controls check a whole typed state (schema.check: every rule broken, first per key);
    the first of them is Python's, with the same constraint (a typed number shows as JavaScript
    writes it: 0, where Python's float is 0.0)."""
    broken = 0
    for values, got in zip(STATES, page["checked"]):
        want = python_verdict(lambda: rules.check("settings", values, values))
        if want["ok"]:
            assert got == {}, values
        else:
            broken += 1
            first = next(iter(got.values()))
            constraint = want["message"].rpartition(", got ")[0]
            assert first["param"] == want["param"] and first["message"].startswith(constraint + ", got "), (
                values
            )
    assert broken >= 6


def test_refusals_name_the_parameter_the_constraint_and_the_value(page):
    refused = [v for v in page["single"] + page["whole"] if not v["ok"]]
    assert len(refused) > 300
    for v in refused:
        assert v["message"].startswith(v["param"] + ": ") and " must " in v["message"], v
        assert ", got " in v["message"], v
