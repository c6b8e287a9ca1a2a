"""Copies of dist/ that differ as a rebuild after an edit would: for the service worker's tests.

    make_version(src, dst, mark, edits) -> {key: path of that file in the copy}

`edits` maps a file to `edit(text, mark) -> text`. A key is a path in dist/, or "entry:<source>" for
the bundle of a page's module script (e.g. "entry:js/pages/embed.js"): that bundle is renamed by its
new content, as esbuild would, and the pages that load it follow. build-manifest.json's sha256
entries (and its bundle lists) follow every edit; the manifest gets "testBuild": mark. The copy is
made of hard links; edited files are written anew, never through a link.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path


def _write(path: Path, text: str) -> None:
    path.unlink(missing_ok=True)  # not through a hard link into the source
    path.write_text(text)


def make_version(src: Path, dst: Path, mark: str, edits: dict) -> dict:
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, copy_function=os.link)
    manifest = json.loads((dst / "build-manifest.json").read_text())
    bundles = manifest.get("bundles") or {}
    where = {}
    for key, edit in edits.items():
        if not key.startswith("entry:"):
            continue
        source = key[len("entry:") :]
        old = bundles.get("entries", {}).get(source, source)  # unbundled: the module itself
        text = edit((dst / old).read_text(), mark)
        new = old
        if old != source:  # a bundle: named by its content
            stem = old.rsplit("/", 1)[-1].split(".")[0]
            digest = hashlib.sha256(text.encode()).hexdigest()[:8].upper()
            new = f"{old.rsplit('/', 1)[0]}/{stem}.{digest}.js"
            (dst / old).unlink()
            for page in dst.glob("*.html"):
                html = page.read_text()
                if old in html:
                    _write(page, html.replace(old, new))
                    data = page.read_bytes()
                    manifest["files"][page.name] = {
                        "bytes": len(data),
                        "sha256": hashlib.sha256(data).hexdigest(),
                    }
            del manifest["files"][old]
            manifest["immutable"] = sorted(new if f == old else f for f in manifest["immutable"])
            bundles["entries"][source] = new
            bundles["pages"] = {p: [new if f == old else f for f in fs] for p, fs in bundles["pages"].items()}
        _write(dst / new, text)
        where[key] = new
    for key, edit in edits.items():
        if key.startswith("entry:"):
            continue
        _write(dst / key, edit((dst / key).read_text(), mark))
        where[key] = key
    for rel in where.values():
        data = (dst / rel).read_bytes()
        manifest["files"][rel] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    manifest["testBuild"] = mark
    (dst / "build-manifest.json").unlink()
    (dst / "build-manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return where


def loaded_file(dist: Path, source: str) -> str:
    """The file the pages load for the module `source` (e.g. "js/platform/worker.js"): its bundle in a
    bundled build (an entry or the worker), else the module itself."""
    bundles = json.loads((Path(dist) / "build-manifest.json").read_text()).get("bundles") or {}
    return {**bundles.get("entries", {}), **bundles.get("workers", {})}.get(source, source)


def file_with(dist: Path, source: str) -> str:
    """The file the pages load that holds the module `source` (in a bundled build, the bundle or chunk
    it went into; else the module itself)."""
    bundles = json.loads((Path(dist) / "build-manifest.json").read_text()).get("bundles") or {}
    return next((f for f, srcs in bundles.get("contents", {}).items() if source in srcs), source)
