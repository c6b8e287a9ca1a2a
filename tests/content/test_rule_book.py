"""The rule book (content/settings.json) is complete and agrees with the code it describes: every
entry is well formed and its default valid, the choices are the core's registries, every rule names
settings that exist and has the page's words in every language, and RunConfig, api.signal, the
bench and the CLI take exactly the book's fields."""

import dataclasses
import json
import re
from pathlib import Path

import pytest

from pyinit import api, cli, content, rules
from pyinit.core.activations import ACTIVATIONS
from pyinit.core.datasets import DATASETS
from pyinit.core.optimizers import OPTIMIZERS
from pyinit.training.config import RunConfig

ROOT = Path(__file__).resolve().parents[2]
TYPES = {"int", "float", "choice", "bool", "list", "text", "widths", "spec"}


@pytest.mark.parametrize("name", ["run", "signal", "bench", "settings"])
def test_every_entry_is_complete_and_its_default_valid(name):
    for key, e in rules.section(name).items():
        assert e["type"] in TYPES and e["help"], e
        if e["type"] in ("int", "float"):
            assert e["min"] < e["max"], e
        if e["default"] is None:
            assert e["null_means"] in rules.section(name), e  # None stands for another setting's value
        elif e["type"] != "spec":
            assert rules.parse(e, e["default"]) == (
                tuple(e["default"]) if e["type"] == "widths" else e["default"]
            ), e
        if name == "settings":
            assert e["group"] in ("run", "view", "cursor", "embed"), e


def test_choices_are_the_cores_registries():
    run = rules.section("run")
    assert sorted(run["dataset"]["choices"]) == sorted(DATASETS)
    assert sorted(run["activation"]["choices"]) == sorted(ACTIVATIONS)
    assert run["optimizer"]["choices"] == list(OPTIMIZERS)
    assert rules.section("settings")["lang"]["choices"] == list(content.LANGS)
    for side in rules.SIDES:
        inits = rules.section("settings")[f"{side}_init"]["choices"]
        assert set(rules.INIT_PARAM) < set(inits)


def page_words(lang):
    """Every message key of the page in ``lang`` (wherever the page keeps its words)."""
    keys = set()
    js = ROOT / "site" / "js" / "strings" / f"{lang}.js"
    if js.exists():
        keys |= set(re.findall(r'^\s*"([\w.]+)":', js.read_text(encoding="utf-8"), re.M))

    def walk(x, prefix=""):
        if isinstance(x, dict):
            for k, v in x.items():
                keys.add(prefix + k)
                walk(v, prefix + k + ".")

    text = content.text(lang)
    walk(text)
    keys |= set(text.get("ui", {}))  # the page's UI strings: flat keys ("error.batch")
    return keys


def test_every_rule_names_settings_that_exist_and_has_the_pages_words():
    assert len(rules.RULES) == 6  # the per-side rule counts once per side
    for rule in rules.RULES:
        sections = rule.get("in", ["run", "settings"])
        assert any(rules.rules(s) and rule in rules.rules(s) for s in sections), rule
        for lang in content.LANGS:
            assert f"error.{rule['id']}" in page_words(lang), (rule["id"], lang)


def test_runconfig_signal_bench_and_the_cli_take_the_books_fields():
    assert [f.name for f in dataclasses.fields(RunConfig)] == list(rules.section("run"))
    assert RunConfig() == RunConfig(**{k: e["default"] for k, e in rules.section("run").items()})
    assert list(api.SIGNAL_DEFAULTS) == list(rules.section("signal"))
    for flags, name in [(cli.RUN_FLAGS, "run"), (cli.SIGNAL_FLAGS, "signal"), (cli.BENCH_FLAGS, "bench")]:
        book = {k.replace("_", "-"): e for k, e in rules.section(name).items()}
        assert set(book) <= set(flags)
        for flag, e in book.items():
            assert e["help"].split("{")[0].strip() in flags[flag]
            if e["type"] == "int":
                assert f"{e['min']}..{e['max']}" in flags[flag], flag


def test_the_book_is_plain_json():
    json.dumps(content.load("settings.json"))
    assert "inits" not in content.load("settings.json")  # the inits are the {side}_init choices, once
