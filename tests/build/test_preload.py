"""The pages preload every module they import (one list in the HTML, checked against the imports), so
the browser fetches the whole module graph at once instead of discovering it import by import."""

import os
import re
from pathlib import Path

import pytest

SITE = Path(__file__).resolve().parents[2] / "site"
IMPORT = re.compile(r'^import [^;]*? from "(\.[^"]+)";|^import "(\.[^"]+)";', re.M)


def static_imports(entry):
    """Every module reachable from `entry` (a path relative to site/) through static imports."""
    seen, todo = set(), [entry]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for m in IMPORT.finditer((SITE / path).read_text(encoding="utf-8")):
            todo.append(os.path.normpath(os.path.join(os.path.dirname(path), m.group(1) or m.group(2))))
    return seen - {entry}


@pytest.mark.parametrize(
    "page, entry", [("index.html", "js/pages/lab.js"), ("embed.html", "js/pages/embed.js")]
)
def test_every_imported_module_is_preloaded(page, entry):
    html = (SITE / page).read_text(encoding="utf-8")
    assert f'src="{entry}"' in html
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', html))
    wanted = static_imports(entry)
    assert not wanted - preloaded, f"{page} does not preload {sorted(wanted - preloaded)}"
    assert not preloaded - wanted, f"{page} preloads modules it does not import: {sorted(preloaded - wanted)}"
