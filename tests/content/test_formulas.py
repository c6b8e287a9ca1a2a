"""Typeset formulas: every chapter formula is TeX (text/<lang>.json), typeset by KaTeX at build time
into pyinit/content/formulas.json (tools/formulas.py), which must be current; the page and the
report show it typeset; no prose says θ_j with an underscore."""

import re
import shutil

import pytest

from pyinit import content
from pyinit.cli import main
from tools import formulas
from tools.common import NODE_MODULES

# a subscript written with an underscore outside TeX: θ_j, a_j, W_1, max_j (not code names like fan_in)
UNDERSCORE_SUBSCRIPT = re.compile(r"(?<![\w\\])([A-Za-zθδσεηλμβαπ]|max)_(\{|[0-9jk]\b)")


def prose(lang):
    """Every text of a language the page or the report shows as prose (not TeX): (where, text)."""
    text = content.text(lang)
    out = [(f"ui.{k}", v) for k, v in text["ui"].items()]
    for cid, ch in text["chapters"].items():
        out += [(f"{cid}.{k}", v) for k, v in ch.items() if isinstance(v, str)]
    for section in ("report", "plots"):
        stack = [(section, text[section])]
        while stack:
            where, v = stack.pop()
            if isinstance(v, dict):
                stack += [(f"{where}.{k}", x) for k, x in v.items()]
            elif isinstance(v, str):
                out.append((where, v))
    return out


@pytest.mark.skipif(
    not (NODE_MODULES / "katex").is_dir() or not shutil.which("node"), reason="needs npm ci (KaTeX) and node"
)
def test_formulas_json_is_what_katex_makes_of_the_texts():
    """Fails when a formula's TeX changed without `python3 -m tools.formulas` (the build checks too)."""
    assert formulas.FORMULAS.read_text(encoding="utf-8") == formulas.expected()


@pytest.mark.parametrize("lang", content.LANGS)
def test_every_formula_part_is_typeset(lang):
    typeset = content.load("formulas.json")["formulas"]
    for cid, ch in content.text(lang)["chapters"].items():
        for tex in ch["formula"]:
            assert tex in typeset, (lang, cid, tex)
            assert 'class="katex"' in typeset[tex]["html"] and "<math" in typeset[tex]["mathml"]
            assert "katex-error" not in typeset[tex]["html"], (lang, cid, tex)


@pytest.mark.parametrize("lang", content.LANGS)
def test_no_underscore_subscripts_in_prose(lang):
    bad = [(where, m.group(0)) for where, v in prose(lang) for m in UNDERSCORE_SUBSCRIPT.finditer(v)]
    assert not bad, bad


def test_the_pattern_finds_what_it_should():
    assert UNDERSCORE_SUBSCRIPT.search("S = max_j ‖θ_j − θ_1‖")
    assert not UNDERSCORE_SUBSCRIPT.search("init(fan_in, fan_out, rng) and zeros_first, θⱼ, W₁")


def test_the_report_shows_the_chapter_formula_as_mathml(tmp_path):
    out = tmp_path / "r.html"
    assert main(["report", "--chapter", "noise", "--steps", "2", "--lang", "pl", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    parts = content.text("pl")["chapters"]["noise"]["formula"]
    box = page[page.index('<div class="formula">') :]
    box = box[: box.index("</div></div>")]
    assert box.count("<math") == len(parts) and "Wzór" in box
    assert "<code>" not in box  # every part typeset, none shown as TeX
