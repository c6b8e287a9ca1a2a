"""pyinit/content: the texts of both languages have the same keys, every chapter has its prose, and
the report renders in each language with no English left in the Polish one."""

import html
import re

import pytest

from pyinit import content
from pyinit.cli import main
from pyinit.web import chapters


def keys(obj, prefix=""):
    """Every key path of a nested dict (lists of pairs are leaves)."""
    if not isinstance(obj, dict):
        return {prefix}
    return {k for key, v in obj.items() for k in keys(v, f"{prefix}.{key}" if prefix else key)}


def placeholders(obj):
    if isinstance(obj, dict):
        return {k: placeholders(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [placeholders(v) for v in obj]
    return sorted(set(re.findall(r"\{(\w*)\}", obj))) if isinstance(obj, str) else obj


def test_every_language_has_the_same_keys_and_placeholders():
    en = content.text("en")
    for lang in content.LANGS[1:]:
        other = content.text(lang)
        missing, extra = sorted(keys(en) - keys(other)), sorted(keys(other) - keys(en))
        assert not missing and not extra, f"{lang}: missing {missing}, extra {extra}"
        for cid in en["chapters"]:
            assert len(other["chapters"][cid]["try_next"]) == len(en["chapters"][cid]["try_next"]), cid
        for section in ("report", "plots", "labels"):
            assert placeholders(other[section]) == placeholders(en[section]), section
        assert other["lang"] == lang


@pytest.mark.parametrize("lang", content.LANGS)
def test_every_chapter_has_short_text_formula_and_takeaway(lang):
    text = content.text(lang)["chapters"]
    assert list(text) == chapters.ids()
    for cid in chapters.ids():
        for part in ("title", "body", "takeaway", "report_title", "report_text"):
            assert text[cid][part].strip(), f"{lang}: {cid}.{part} is empty"
        formula = text[cid]["formula"]  # TeX, one string per part (tests/content/test_formulas.py)
        assert isinstance(formula, list) and formula and all(p.strip() for p in formula), cid
        words = len(text[cid]["body"].split())
        assert words <= 155, f"{lang}: chapter {cid} has {words} words (at most ~150)"
        for flags, what in text[cid]["try_next"]:
            assert flags.startswith("--") and what


def test_the_zero_label_is_text_named_by_the_encodings():
    group, key = content.encodings()["zero_label"].split(".")
    assert (
        content.text("en")[group][key] == "0 (exactly)" and content.text("pl")[group][key] == "0 (dokładnie)"
    )


def visible_text(path):
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<script[^>]*>.*?</script>|<style>.*?</style>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page)), page


@pytest.mark.parametrize("lang", content.LANGS)
def test_the_report_renders_in_each_language(lang, tmp_path):
    out = tmp_path / f"{lang}.html"
    assert main(["report", "--chapter", "clones", "--steps", "3", "--lang", lang, "--out", str(out)]) == 0
    words, page = visible_text(out)
    text = content.text(lang)
    r, ch = text["report"], text["chapters"]["clones"]
    assert f'<html lang="{lang}">' in page and ch["report_title"] in words and ch["report_text"] in words
    for title in ("loss", "boundary", "symmetry", "gradient_norms", "signal"):
        assert r["figures"][title] in words, title
    assert r["sides"]["left"] in words and text["labels"]["zero_exactly"] in words
    if lang != "en":
        for english in ("Loss and accuracy", "Decision boundary", "exactly", "at step", "This report"):
            assert english not in words, english
        assert "--lang " + lang in words  # the "try next" command keeps the language
    with pytest.raises(SystemExit):
        main(["report", "--steps", "2", "--lang", "de", "--out", str(out)])
