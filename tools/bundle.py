"""The page's JavaScript bundled by the pinned esbuild: one entry per module script of each page, the
Python worker as one file, shared and lazy code in content-hashed chunks, and the pages' HTML
rewritten to load them (with a modulepreload for each chunk an entry imports statically).

    bundle_site(site, out, node_modules)
        -> {"entries", "workers", "chunks", "lazy", "pages", "contents", "sources"}

- Entries are the pages' own `<script type="module" src="...">` (read from site/*.html), so a new
  page or entry needs no list here. A classic `<script src>` (the guard js/platform/file-check.js,
  embed-host.js, anything under js/sandbox/) is never bundled: it stays a file, copied as it is.
- Workers (WORKERS) are bundled first, each into one file (their dynamic imports inlined); the page
  code learns the worker's hashed name through a define (`PYINIT_WORKER_FILE` in
  js/platform/boot.js; unbundled, that name is undefined and boot.js uses ./worker.js).
- Bundles go to js/bundle/, two folders below the site like the modules they come from, so
  `new URL("../../build-manifest.json", import.meta.url)` means the same in both.
- Dynamic `import()` in the source becomes a lazy chunk, loaded when the code asks for it.

The source modules stay in dist/js/ as they are (tests and readers use them; the pages do not
load them): "sources" lists them. Same inputs -> same bytes (esbuild names chunks by content).
Standard library only. It leaves out the CodeMirror bundle (tools/editor_bundle.py), which the
page loads by the name build-manifest.json gives.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from tools.common import BuildError

BUNDLE_DIR = "js/bundle"
WORKERS = {"js/platform/worker.js": "PYINIT_WORKER_FILE"}  # worker entry -> the define naming it
ESBUILD_ARGS = [
    "--bundle",
    "--format=esm",
    "--platform=browser",
    "--target=es2022",  # top-level await (the page entries use it)
    "--minify",
    "--legal-comments=none",
    "--charset=ascii",
    "--log-level=warning",
    "--entry-names=[name].[hash]",
    "--chunk-names=chunk.[hash]",
]
MODULE_SCRIPT = re.compile(
    r'<script type="module"(?P<attrs>[^>]*?) src="(?P<src>[^"]+)"(?P<rest>[^>]*)></script>'
)
TIMEOUT_S = 300


def module_entries(site: Path) -> dict[str, list[str]]:
    """{page.html: [its module scripts, in document order]} for every page of the site."""
    return {
        page.name: [m["src"] for m in MODULE_SCRIPT.finditer(page.read_text(encoding="utf-8"))]
        for page in sorted(site.glob("*.html"))
    }


def _esbuild(node_modules: Path, site: Path, entries: list[str], outdir: Path, extra: list[str]) -> dict:
    """Run esbuild on `entries` (paths relative to `site`); its metafile (paths relative to site)."""
    shim = node_modules / "esbuild" / "bin" / "esbuild"
    node = shutil.which("node") or shutil.which("nodejs")
    if not shim.is_file():
        raise BuildError(f"{shim} is missing: esbuild is pinned in package.json; run `npm ci`")
    if node is None:
        raise BuildError(
            "node not found: bundling the page needs Node.js 18+ (`apt-get install -y nodejs npm`)"
        )
    meta = outdir.parent / f"{outdir.name}.meta.json"
    env = {k: v for k, v in os.environ.items() if k not in ("NODE_PATH", "ESBUILD_BINARY_PATH")}
    proc = subprocess.run(  # noqa: PLW1510 (the exit code is checked below, with esbuild's own words)
        [node, str(shim), *entries, *ESBUILD_ARGS, *extra, f"--outdir={outdir}", f"--metafile={meta}"],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-20:])
        raise BuildError(f"esbuild failed (exit {proc.returncode}) bundling {', '.join(entries)}:\n{tail}")
    return json.loads(meta.read_text())


def _outputs(meta: dict, outdir: Path, site: Path) -> dict[str, dict]:
    """esbuild's outputs keyed by their file name in js/bundle/ (its paths are relative to `site`)."""
    found = {}
    for path, info in meta["outputs"].items():
        name = Path(os.path.normpath(site / path)).relative_to(outdir).as_posix()
        found[name] = info
    return found


def rewrite_page(html: str, by_entry: dict[str, str], imports: dict[str, list[str]]) -> tuple[str, list[str]]:
    """A page's HTML loading the bundles instead of its module scripts, each followed by a modulepreload
    of the chunks it imports statically (once per page). Returns (html, the files it loads at once)."""
    done: list[str] = []

    def rewrite(m: re.Match) -> str:
        name = by_entry[m["src"]]
        chunks = [c for c in imports[name] if c not in done]
        done.extend([name, *chunks])
        tag = f'<script type="module"{m["attrs"]} src="{BUNDLE_DIR}/{name}"{m["rest"]}></script>'
        return tag + "".join(f'\n  <link rel="modulepreload" href="{BUNDLE_DIR}/{c}">' for c in chunks)

    html = MODULE_SCRIPT.sub(rewrite, html)
    return html, [f"{BUNDLE_DIR}/{n}" for n in done]


def bundle_site(site: Path, out: Path, node_modules: Path) -> dict:
    """Bundle the pages of `site` into out/js/bundle/ and write their HTML into `out` (the other files
    of the site are copied by the caller). Returns what was made, for build-manifest.json."""
    site, out = Path(site).resolve(), Path(out).resolve()
    pages = module_entries(site)
    entries = sorted({src for srcs in pages.values() for src in srcs})
    for src in entries + list(WORKERS):
        if not (site / src).is_file():
            raise BuildError(f"site/{src} is missing (a page loads it as a module)")
    with tempfile.TemporaryDirectory(prefix="bundle-") as tmp:
        stage = Path(tmp) / "bundle"
        defines, workers, inputs, worker_inputs = [], {}, set(), {}
        for src, name in WORKERS.items():
            meta = _esbuild(node_modules, site, [src], stage, [])
            (file, info), *more = [(f, i) for f, i in _outputs(meta, stage, site).items()]
            if more:
                raise BuildError(f"esbuild made more than one file for the worker {src}")
            workers[src] = f"{BUNDLE_DIR}/{file}"
            defines.append(f"--define:{name}={json.dumps('./' + file)}")
            inputs |= set(info["inputs"])
            worker_inputs[workers[src]] = sorted(info["inputs"])
        meta = _esbuild(node_modules, site, entries, stage, ["--splitting", *defines])
        outputs = _outputs(meta, stage, site)
        contents = {f"{BUNDLE_DIR}/{n}": sorted(i["inputs"]) for n, i in outputs.items()}
        contents.update({out: sources for out, sources in worker_inputs.items()})
        by_entry = {info["entryPoint"]: name for name, info in outputs.items() if info.get("entryPoint")}
        for info in outputs.values():
            inputs |= set(info["inputs"])

        def static_chunks(name: str, seen: list[str]) -> list[str]:
            for imp in outputs[name].get("imports", []):
                if imp["kind"] == "import-statement":
                    dep = Path(os.path.normpath(site / imp["path"])).relative_to(stage).as_posix()
                    if dep not in seen:
                        seen.append(dep)
                        static_chunks(dep, seen)
            return seen

        imports = {name: static_chunks(name, []) for name in outputs}
        (out / BUNDLE_DIR).mkdir(parents=True, exist_ok=True)
        for f in sorted(stage.iterdir()):
            shutil.copyfile(f, out / BUNDLE_DIR / f.name)
    preloads = {}
    for page in pages:
        html, preloads[page] = rewrite_page((site / page).read_text(encoding="utf-8"), by_entry, imports)
        (out / page).write_text(html, encoding="utf-8")
    entry_files = {src: f"{BUNDLE_DIR}/{by_entry[src]}" for src in entries}
    lazy = sorted(f"{BUNDLE_DIR}/{n}" for src, n in by_entry.items() if src not in entry_files)
    chunks = sorted(f"{BUNDLE_DIR}/{n}" for n in outputs if f"{BUNDLE_DIR}/{n}" not in entry_files.values())
    return {
        "entries": entry_files,
        "workers": workers,
        "chunks": chunks,  # shared code and lazy parts (those loaded by import(): "lazy")
        "lazy": lazy,
        "pages": preloads,  # what each page loads at once: its entries and their static chunks
        "contents": contents,  # bundle file -> the source modules in it
        "sources": sorted(p for p in inputs if p.startswith("js/")),
    }
