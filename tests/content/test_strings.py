"""The UI string catalogs (the "ui" object of pyinit/content/text/<lang>.json, beside the chapter
texts): the same keys in every language, every key used, every key the code asks for present.
Static (no browser): keys are read from the catalogs, uses from
the page's sources -- exact string literals, data-i18n attributes, and template literals such as
`tour.${id}.title` (read as the pattern tour.<something>.title). The browser tests add the runtime
check: after walking the whole tour in both languages, i18n's missingKeys() is empty.
"""

import json
import re
from pathlib import Path

import pytest

from pyinit import rules

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
TEXT = ROOT / "pyinit" / "content" / "text"
LANGS = ["en", "pl"]


def templates(lang):
    """The UI catalog of ``lang``: key -> template; a key defined twice is an error."""

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        assert not dupes, f"text/{lang}.json defines keys twice: {dupes}"
        return dict(pairs)

    text = (TEXT / f"{lang}.json").read_text(encoding="utf-8")
    return json.loads(text, object_pairs_hook=no_duplicates)["ui"]


def catalog(lang):
    return set(templates(lang))


def test_the_page_speaks_the_languages_that_have_texts():
    """i18n.js's LANGUAGES = settings.json's lang choices = the text/<lang>.json files."""
    i18n = (SITE / "js" / "platform" / "i18n.js").read_text(encoding="utf-8")
    declared = json.loads(re.search(r"const LANGUAGES = (\[[^\]]*\]);", i18n)[1])
    lang = rules.section("settings")["lang"]
    assert declared == lang["choices"] == LANGS == sorted(p.stem for p in TEXT.glob("*.json"))


def sources():
    files = list((SITE / "js").rglob("*.js"))
    files += list(SITE.glob("*.html"))
    return {p: p.read_text(encoding="utf-8") for p in files}


def uses():
    """(exact keys, template patterns) referenced by the page's code."""
    exact, patterns = set(), []
    for path, text in sources().items():
        exact.update(re.findall(r'"([A-Za-z][\w.:-]*\.[\w.:-]+)"', text))
        exact.update(re.findall(r"'([A-Za-z][\w.:-]*\.[\w.:-]+)'", text))
        exact.update(re.findall(r'data-i18n="([^"]+)"', text))
        for attr in re.findall(r'data-i18n-attr="([^"]+)"', text):
            exact.update(pair.split(":", 1)[1].strip() for pair in attr.split(";") if ":" in pair)
        for tpl in re.findall(r"`([^`]*\$\{[^`]*)`", text):
            literal = re.split(r"\$\{[^}]*\}?", tpl)
            if not any("." in part for part in literal):
                continue
            patterns.append(re.compile("^" + ".+".join(re.escape(part) for part in literal) + "$"))
    return exact, patterns


def test_every_language_has_the_same_keys():
    keys = {lang: catalog(lang) for lang in LANGS}
    for lang in LANGS[1:]:
        missing = sorted(keys["en"] - keys[lang])
        extra = sorted(keys[lang] - keys["en"])
        assert not missing, f"{lang}.json's ui misses {len(missing)} keys: {missing}"
        assert not extra, f"{lang}.json's ui has keys en.json's does not: {extra}"


def test_no_unused_keys():
    exact, patterns = uses()
    unused = sorted(k for k in catalog("en") if k not in exact and not any(p.match(k) for p in patterns))
    assert not unused, f"keys in en.json's ui that no code uses: {unused}"


def test_no_missing_literal_keys():
    """Every literal t("...") key in the code exists in en.json's ui."""
    keys = catalog("en")
    asked = set()
    for text in sources().values():
        asked.update(re.findall(r'\bt\(\s*"([^"]+)"', text))
    missing = sorted(asked - keys)
    assert not missing, f"t() asks for keys that en.json's ui lacks: {missing}"


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_match_english(lang):
    """A translation uses exactly the {placeholders} of the English template."""

    en, other = templates("en"), templates(lang)
    bad = [
        k
        for k in en
        if k in other and set(re.findall(r"\{(\w+)\}", en[k])) != set(re.findall(r"\{(\w+)\}", other[k]))
    ]
    assert not bad, f"{lang}.json's ui placeholders differ from en.json's in: {bad}"
