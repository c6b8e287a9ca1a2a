"""The pages' bundles (tools/bundle.py): each page loads esbuild bundles from js/bundle/ (one per
module script, the Python worker one file), every chunk an entry imports statically is preloaded by the
HTML the build wrote (no hand-kept list in site/), the chapters' experiments are a lazy chunk nobody
preloads, names carry a content hash, and build-manifest.json lists them all with their sha256."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from tools import bundle

SITE = Path(__file__).resolve().parents[2] / "site"
PAGES = ["index.html", "embed.html", "check.html"]
STATIC_IMPORT = re.compile(r'(?:^|[;}])\s*import\s*(?:[\w*{}\s,$]+from\s*)?"(\./[^"]+)"')
HASHED = re.compile(r"^js/bundle/[\w-]+\.[A-Z0-9]{8}\.js$")


@pytest.fixture(scope="module")
def manifest(dist_dir):
    return json.loads((dist_dir / "build-manifest.json").read_text())


def module_scripts(html: str) -> list[str]:
    return re.findall(r'<script type="module"[^>]*? src="([^"]+)"', html)


def static_imports(dist: Path, rel: str, seen=None) -> set[str]:
    """Every bundle file `rel` imports statically, transitively (its import statements, read from the
    file)."""
    seen = set() if seen is None else seen
    for m in STATIC_IMPORT.finditer((dist / rel).read_text()):
        dep = f"js/bundle/{m.group(1)[2:]}"
        if dep not in seen:
            seen.add(dep)
            static_imports(dist, dep, seen)
    return seen


def test_site_html_keeps_no_preload_list():
    for page in PAGES:
        assert 'rel="modulepreload"' not in (SITE / page).read_text(), page


@pytest.mark.parametrize("page", PAGES)
def test_pages_load_bundles_and_preload_every_static_chunk(page, dist_dir, manifest):
    html = (dist_dir / page).read_text()
    scripts = module_scripts(html)
    sources = module_scripts((SITE / page).read_text())
    assert scripts == [manifest["bundles"]["entries"][s] for s in sources]  # each module script, bundled
    preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)
    wanted = set().union(*(static_imports(dist_dir, s) for s in scripts)) - set(scripts)
    assert set(preloaded) == wanted, (page, sorted(set(preloaded) ^ wanted))
    assert len(preloaded) == len(set(preloaded))
    for f in scripts + preloaded:
        assert HASHED.match(f) and f in manifest["immutable"], f
    # no page loads a source module (they stay in dist/js/ for tests and readers only)
    assert not re.search(r'(src|href)="js/(app|pages|platform/(?!file-check)|charts|strings)', html)


def test_bundle_names_are_their_content_hash_and_listed_with_sha256(dist_dir, manifest, node_modules):
    b = manifest["bundles"]
    files = sorted(set(b["entries"].values()) | set(b["workers"].values()) | set(b["chunks"]))
    assert files == sorted(p.relative_to(dist_dir).as_posix() for p in (dist_dir / "js/bundle").iterdir())
    for f in files:
        data = (dist_dir / f).read_bytes()
        assert manifest["files"][f]["sha256"] == hashlib.sha256(data).hexdigest()
        assert HASHED.match(f) and f in manifest["immutable"]
    # same inputs, same names (esbuild names by content): rebuilding only the bundles gives the same files
    again = bundle.bundle_site(SITE, dist_dir.parent / "rebundle", node_modules)
    assert again["entries"] == b["entries"] and again["chunks"] == b["chunks"]


def test_the_chapters_experiments_are_a_lazy_chunk(dist_dir, manifest):
    b = manifest["bundles"]
    (lazy,) = b["lazy"]
    assert "view-recompute" in (dist_dir / lazy).read_text()  # chapter-views.js's Recompute button
    for page, loaded in b["pages"].items():
        assert lazy not in loaded, page
        assert "view-recompute" not in "".join((dist_dir / f).read_text() for f in loaded), page
    lab = (dist_dir / b["entries"]["js/pages/lab.js"]).read_text()
    assert f'import("./{lazy.split("/")[-1]}")' in lab  # loaded on demand by the lab's entry


def test_the_worker_is_one_file_that_names_its_loaders(dist_dir, manifest):
    (worker,) = manifest["bundles"]["workers"].values()
    text = (dist_dir / worker).read_text()
    assert not STATIC_IMPORT.search(text) and 'import("./' not in text  # worker-files/-load inlined
    assert "build-manifest.json" in text and "pyodide.mjs" in text
    # the page's code (js/platform/boot.js, in a chunk) starts the worker under its hashed name
    named = f'"./{worker.split("/")[-1]}"'
    assert any(named in (dist_dir / f).read_text() for f in manifest["bundles"]["chunks"])


def test_source_modules_ship_beside_the_bundles_but_no_page_loads_them(dist_dir, manifest):
    sources = manifest["bundles"]["sources"]
    assert "js/pages/lab.js" in sources and "js/platform/worker.js" in sources
    assert "js/platform/file-check.js" not in sources  # a classic script: copied, loaded as it is
    for rel in sources:
        assert (dist_dir / rel).read_bytes() == (SITE / rel).read_bytes()


def test_unbundled_build_keeps_the_source_pages(tmp_path, node_modules):
    """`build.py --no-bundle`: the pages as written in site/ (checked without building the data)."""
    entries = bundle.module_entries(SITE)
    assert entries["index.html"][-2:] == ["js/pages/lab.js", "js/platform/sw-register.js"]
    assert entries["embed.html"][0] == "js/pages/embed.js" and "js/pages/check.js" in entries["check.html"]
