"""The "Real data" chapter (digits): the numbers its texts quote are the shipped runs' own, the runs
show what the chapter says (1 distinct unit on the left, 16 on the right), and it fits the budget."""

import numpy as np
import pytest

from pyinit import content
from pyinit.web import precompute

CHAPTER = "digits"


@pytest.fixture(scope="module")
def shipped():
    """The chapter's precomputed runs, exactly as the build ships them: {name: array (records, ...)}."""
    head, blob = precompute.chapter_run(CHAPTER)
    out = {}
    for name, (dtype, offset, length) in head["arrays"].items():
        out[name] = np.frombuffer(blob, dtype=dtype, count=length, offset=offset)
    R, K = head["records"], head["meta"]["K"]
    return head, {
        name: a.reshape(R, -1) if name == "steps" else a.reshape(R, K, -1) for name, a in out.items()
    }


def percent(x, lang):
    """A test accuracy as the texts write it: one decimal, a space, %; Polish with a decimal comma."""
    text = f"{100 * float(x):.1f} %"
    return text.replace(".", ",") if lang == "pl" else text


def test_the_runs_end_where_the_chapter_says(shipped):
    head, a = shipped
    assert a["steps"][-1, 0] == head["steps"] == 300
    distinct = a["distinct"][-1, :, 0]
    assert distinct.tolist() == [1, 16], "left: clones (every weight 0.05), right: He"
    assert (a["distinct"][:, 0, 0] == 1).all(), "the clones never separate"
    acc = a["acc"][-1, :, 0]
    assert acc[1] >= 0.9 > acc[0], "He learns the digits, the clones do not"
    assert head["meta"]["scored_on"] == "test" and head["bytes"] <= head["budget"] == 150_000


@pytest.mark.parametrize("lang", content.LANGS)
def test_the_quoted_numbers_are_the_runs(shipped, lang):
    _, a = shipped
    text = content.text(lang)["chapters"][CHAPTER]
    left, right = (percent(v, lang) for v in a["acc"][-1, :, 0])
    distinct = [int(v) for v in a["distinct"][-1, :, 0]]
    assert (left, right) == (("24.4 %", "94.2 %") if lang == "en" else ("24,4 %", "94,2 %"))
    for part in ("watch", "takeaway"):
        assert left in text[part] and right in text[part], f"{lang} {part}"
    units = "1 distinct unit" if lang == "en" else "1 różny neuron"
    many = "16 distinct units" if lang == "en" else "16 różnych neuronów"
    assert distinct == [1, 16] and units in text["watch"] and many in text["watch"]
    assert "CC BY 4.0" in text["body"] and "Optical Recognition of Handwritten Digits" in text["body"]
