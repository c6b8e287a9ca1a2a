"""The string catalogs (site/js/strings/<lang>.js): the same keys in every language, every key used,
every key the code asks for present. Static (no browser): keys are read from the catalogs, uses from
the page's sources -- exact string literals, data-i18n attributes, and template literals such as
`tour.${id}.title` (read as the pattern tour.<something>.title). The browser tests add the runtime
check: after walking the whole tour in both languages, i18n's missingKeys() is empty.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
STRINGS = SITE / "js" / "strings"
LANGS = ["en", "pl"]
KEY = re.compile(r'^\s*"([^"]+)":\s*["\x27]', re.M)


def catalog(lang):
    text = (STRINGS / f"{lang}.js").read_text(encoding="utf-8")
    keys = KEY.findall(text)
    dupes = {k for k in keys if keys.count(k) > 1}
    assert not dupes, f"{lang}.js defines keys twice: {sorted(dupes)}"
    return set(keys)


def sources():
    files = [p for p in (SITE / "js").rglob("*.js") if STRINGS not in p.parents]
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
        assert not missing, f"{lang}.js misses {len(missing)} keys: {missing}"
        assert not extra, f"{lang}.js has keys en.js does not: {extra}"


def test_no_unused_keys():
    exact, patterns = uses()
    unused = sorted(k for k in catalog("en") if k not in exact and not any(p.match(k) for p in patterns))
    assert not unused, f"keys in en.js that no code uses: {unused}"


def test_no_missing_literal_keys():
    """Every literal t("...") key in the code exists in en.js."""
    keys = catalog("en")
    asked = set()
    for text in sources().values():
        asked.update(re.findall(r'\bt\(\s*"([^"]+)"', text))
    missing = sorted(asked - keys)
    assert not missing, f"t() asks for keys that en.js lacks: {missing}"


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_match_english(lang):
    """A translation uses exactly the {placeholders} of the English template."""

    def templates(l):
        text = (STRINGS / f"{l}.js").read_text(encoding="utf-8")
        return dict(re.findall(r'^\s*"([^"]+)":\s*"((?:[^"\\]|\\.)*)"', text, re.M))

    en, other = templates("en"), templates(lang)
    bad = [
        k
        for k in en
        if k in other and set(re.findall(r"\{(\w+)\}", en[k])) != set(re.findall(r"\{(\w+)\}", other[k]))
    ]
    assert not bad, f"{lang}.js placeholders differ from en.js in: {bad}"
