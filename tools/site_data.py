"""The page's data, written into ``dist/data/`` by the build.

- ``data/content/``: ``pyinit/content/`` as it is (settings schema, chapter list, chapter texts per
  language, chart encodings): the page reads the same files ``pyinit`` does, so each exists once.
- ``data/chapters/<id>.json`` + ``.bin``: every chapter's two runs, trained here by ``pyinit`` on
  CPython (``pyinit.web.precompute.chapter_run``), so the page draws any chapter at once and Python
  takes over on demand; ``data/chapters/index.json`` lists them with their run settings.
- ``data/chapters/<id>-view.json``: the result of every chapter's experiment (its ``view`` in
  chapters.json; ``pyinit.web.chapters.view``), so the page draws it at once and the reader never
  waits for Python (the noise chapter's takes ~12 s natively); the reproduce chapter's is its final, thinned
  frame. Results are cached in ``.cache/views/<key>/`` (key: the pyinit sources and the numpy
  version), since a few take seconds; same inputs, same bytes.

Nothing here computes anything itself: it only writes what ``pyinit`` returns.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from tools.common import CACHE, log

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


def dumps(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n"


def views_key() -> str:
    """What a view's result depends on: every source and data file of pyinit, and numpy's version."""
    import numpy  # noqa: PLC0415
    import pyinit  # noqa: PLC0415

    root = Path(pyinit.__file__).parent
    h = hashlib.sha256(f"numpy {numpy.__version__}\n".encode())
    for f in sorted(root.rglob("*")):
        if f.is_file() and f.suffix in (".py", ".json") and "__pycache__" not in f.parts:
            h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def write_views(out: Path, cache: Path | None = CACHE / "views") -> dict[str, int]:
    """Every chapter's experiment -> ``out/<id>-view.json`` (``pyinit.web.chapters.view``, taken
    from ``cache/<views_key()>/`` when there; other keys' results are dropped); returns the sizes."""
    from pyinit.web import chapters  # noqa: PLC0415

    out.mkdir(parents=True, exist_ok=True)
    here = None
    if cache is not None:
        here = cache / views_key()
        here.mkdir(parents=True, exist_ok=True)
        for old in cache.iterdir():
            if old.is_dir() and old != here:
                shutil.rmtree(old, ignore_errors=True)
    sizes = {}
    for cid in chapters.view_ids():
        name = f"{cid}-view.json"
        if here is not None and (here / name).is_file():
            text = (here / name).read_text()
        else:
            log(f"computing chapter {cid}'s experiment ...")
            text = dumps(chapters.view(cid))
            if here is not None:
                (here / f"{name}.tmp").write_text(text)
                (here / f"{name}.tmp").replace(here / name)
        (out / name).write_text(text)
        sizes[cid] = len(text.encode())
    return sizes


def write_site_data(data_dir: Path) -> dict:
    """Everything under ``dist/data/``; returns a summary (chapter sizes) for the build log."""
    content = copy_content(data_dir / "content")
    index = write_chapters(data_dir / "chapters")
    views = write_views(data_dir / "chapters")
    return {"content": content, "chapters": {c["id"]: c["bytes"] for c in index}, "views": views}
