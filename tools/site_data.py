"""The page's data, written into ``dist/data/`` by the build.

- ``data/content/``: ``pyinit/content/`` as it is (settings schema, chapter list, chapter texts per
  language, chart encodings): the page reads the same files ``pyinit`` does, so each exists once.
- ``data/chapters/<id>.json`` + ``.bin``: every chapter's two runs, trained here by ``pyinit`` on
  CPython (``pyinit.web.precompute.chapter_run``), so the page draws any chapter at once and Python
  takes over on demand; ``data/chapters/index.json`` lists them with their run settings.

Nothing here computes anything itself: it only writes what ``pyinit`` returns.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

CHAPTER_BUDGET_BYTES = 150_000


def write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n")


def copy_content(out: Path) -> list[str]:
    """``pyinit/content/**/*.json`` -> ``out`` (data/content/); returns the relative paths."""
    from pyinit import content  # noqa: PLC0415 (runs inside .venv)

    src = Path(content.__file__).parent
    written = []
    for f in sorted(src.rglob("*.json")):
        rel = f.relative_to(src)
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, out / rel)
        written.append(rel.as_posix())
    return written


def write_chapters(out: Path, budget_bytes: int = CHAPTER_BUDGET_BYTES) -> list[dict]:
    """Every chapter's precomputed runs -> ``out`` (data/chapters/); returns the index entries."""
    from pyinit.web import precompute  # noqa: PLC0415
    from pyinit.content import chapters  # noqa: PLC0415

    out.mkdir(parents=True, exist_ok=True)
    index = []
    for chapter in chapters():
        cid = chapter["id"]
        head, blob = precompute.chapter_run(cid, budget_bytes=budget_bytes)
        head = {**head, "binary": f"{cid}.bin"}
        (out / f"{cid}.bin").write_bytes(blob)
        write_json(out / f"{cid}.json", head)
        index.append({"id": cid, "settings": head["settings"], "steps": head["steps"], "bytes": len(blob)})
    write_json(out / "index.json", {"format": 2, "chapters": index})
    return index


def write_site_data(data_dir: Path) -> dict:
    """Everything under ``dist/data/``; returns a summary (chapter sizes) for the build log."""
    content = copy_content(data_dir / "content")
    index = write_chapters(data_dir / "chapters")
    return {"content": content, "chapters": {c["id"]: c["bytes"] for c in index}}
