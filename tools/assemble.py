"""dist/: the site, the self-hosted Python runtime, vendored JavaScript, the page's data, and
build-manifest.json listing every file with its size and sha256.

    build(out, cdn=False, offline=False, embed_origins=None) -> manifest

`build` assembles into `<out>.tmp` and renames it, so a failed build leaves no dist/ behind; one
build runs at a time in this tree (a lock file in .cache/). Same inputs -> same dist/ bytes.
It leaves out fetching (tools/numpy_wheel.py), the wheel (tools/wheel.py), the data
(tools/site_data.py), the CodeMirror bundle (tools/editor_bundle.py) and serving (tools/server.py).
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import tempfile
import time
import urllib.parse
from pathlib import Path

from tools import bundle, editor_bundle, formulas, site_data
from tools.bootstrap import ensure_node_modules
from tools.common import CACHE, NODE_MODULES, ROOT, SITE, BuildError, log, sha256_file, write_json
from tools.numpy_wheel import fetch_numpy, pyodide_lock
from tools.pins import (
    KATEX_PACKAGE,
    KATEX_PRELOAD,
    PLOTLY_FILE,
    PLOTLY_PACKAGE,
    PYODIDE_CDN,
    PYODIDE_DIR,
    PYODIDE_FILES,
    PYODIDE_VERSION,
)
from tools.server import csp_for
from tools.wheel import build_pyinit_wheel

EMBED_CONFIG = "embed-config.json"  # the embed command API's origin allow-list (--embed-origins)


def copy_site(dst: Path) -> None:
    """site/ -> dst, leaving out dot files."""
    for src in sorted(SITE.rglob("*")):
        rel = src.relative_to(SITE)
        if any(part.startswith(".") for part in rel.parts) or src.is_dir():
            continue
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst / rel)


def write_data(data_dir: Path) -> None:
    """The page's data, computed here with pyinit on CPython so every chapter draws before Python
    has loaded in the browser: data/content/ and data/chapters/ (tools/site_data.py)."""
    site_data.write_site_data(data_dir)


def parse_origins(text: str | None) -> list[str] | None:
    """--embed-origins "https://a.example,https://b.example" -> the list (None: any origin)."""
    if not text:
        return None
    origins = [o.strip() for o in text.split(",") if o.strip()]
    for o in origins:
        u = urllib.parse.urlsplit(o)
        if u.scheme not in ("http", "https") or not u.netloc or u.path or u.query or u.fragment:
            raise BuildError(
                f"--embed-origins: each entry must be an origin like https://a.example "
                f"(scheme://host[:port], no path), got {o!r}"
            )
    return origins


def write_embed_config(out: Path, origins: list[str] | None) -> None:
    """embed-config.json: which parent origins may send commands to embed.html?api=1 ("*" = any)."""
    write_json(out / EMBED_CONFIG, {"commandOrigins": origins if origins else "*"})


def npm_version(package: str) -> str:
    return json.loads((NODE_MODULES / package / "package.json").read_text())["version"]


def write_python(pdir: Path, *, cdn: bool, offline: bool) -> tuple[dict, Path, dict]:
    """pyodide-<version>/: the runtime (unless cdn), numpy, the pyinit wheel and a lock file naming
    just those two with their hashes. Returns (loading stages, the wheel, numpy's lock entry)."""
    npm_pyodide = NODE_MODULES / "pyodide"
    lock = pyodide_lock()
    if lock["info"]["version"] != PYODIDE_VERSION:
        raise BuildError(f"node_modules/pyodide/pyodide-lock.json is for {lock['info']['version']}")
    numpy = None if cdn else fetch_numpy(offline)  # first: a missing numpy fails before the slow steps
    pdir.mkdir()
    tmp = Path(tempfile.mkdtemp(dir=CACHE))
    try:
        built = build_pyinit_wheel(tmp)
        wheel = pdir / built.name
        shutil.copyfile(built, wheel)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    numpy_entry = lock["packages"]["numpy"]
    stages: dict[str, list] = {}
    if cdn:
        for stage, names in PYODIDE_FILES.items():
            stages[stage] = [
                {"url": PYODIDE_CDN + n, "bytes": (npm_pyodide / n).stat().st_size} for n in names
            ]
        stages["numpy"] = [{"url": PYODIDE_CDN + numpy_entry["file_name"], "bytes": None}]
    else:
        for stage, names in PYODIDE_FILES.items():
            for n in names:
                shutil.copyfile(npm_pyodide / n, pdir / n)
            stages[stage] = [{"url": f"{PYODIDE_DIR}/{n}", "bytes": (pdir / n).stat().st_size} for n in names]
        shutil.copyfile(numpy, pdir / numpy.name)
        stages["numpy"] = [{"url": f"{PYODIDE_DIR}/{numpy.name}", "bytes": numpy.stat().st_size}]
        pyinit_entry = {
            "name": "pyinit",
            "version": wheel.name.split("-")[1],
            "file_name": wheel.name,
            "install_dir": "site",
            "sha256": sha256_file(wheel),
            "package_type": "package",
            "imports": ["pyinit"],
            "depends": ["numpy"],
            "unvendored_tests": False,
        }
        # Our own lock file: just numpy and pyinit, each with its sha256, so Pyodide checks both.
        write_json(
            pdir / "pyodide-lock.json",
            {"info": lock["info"], "packages": {"numpy": numpy_entry, "pyinit": pyinit_entry}},
        )
    stages["pyinit"] = [{"url": f"{PYODIDE_DIR}/{wheel.name}", "bytes": wheel.stat().st_size}]
    return stages, wheel, numpy_entry


def write_katex(out: Path) -> Path:
    """vendor/katex-<version>/: KaTeX's stylesheet with only its woff2 fonts (every browser the page
    supports reads woff2; the woff and ttf fallbacks are dropped from the CSS), and its license. The
    pages link this folder by version (index.html also preloads the fonts the formulas use): a page
    that names another version is a BuildError."""
    version = npm_version(KATEX_PACKAGE)
    dist = NODE_MODULES / KATEX_PACKAGE / "dist"
    folder = out / "vendor" / f"katex-{version}"
    (folder / "fonts").mkdir(parents=True)
    css = (dist / "katex.min.css").read_text(encoding="utf-8")
    css = re.sub(r',url\(fonts/[\w-]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)', "", css)
    (folder / "katex.min.css").write_text(css, encoding="utf-8")
    for font in sorted((dist / "fonts").glob("*.woff2")):
        shutil.copyfile(font, folder / "fonts" / font.name)
    shutil.copyfile(NODE_MODULES / KATEX_PACKAGE / "LICENSE", folder / "LICENSE")
    for page, fonts in (("index.html", KATEX_PRELOAD), ("embed.html", [])):
        html = (out / page).read_text(encoding="utf-8")
        wanted = [f"vendor/katex-{version}/katex.min.css"] + [
            f"vendor/katex-{version}/fonts/{f}" for f in fonts
        ]
        missing = [href for href in wanted if f'href="{href}"' not in html]
        if missing:
            raise BuildError(f"site/{page} must link {', '.join(missing)} (KaTeX {version} is installed)")
    return folder


def write_vendor(out: Path) -> tuple[Path, Path]:
    """vendor/: plotly.js, the CodeMirror bundle and KaTeX's stylesheet and fonts, each with its
    license. Returns the paths of the first two."""
    write_katex(out)
    vendor = out / "vendor" / f"plotly-{npm_version(PLOTLY_PACKAGE)}"
    vendor.mkdir(parents=True)
    shutil.copyfile(NODE_MODULES / PLOTLY_PACKAGE / PLOTLY_FILE, vendor / PLOTLY_FILE)
    shutil.copyfile(NODE_MODULES / PLOTLY_PACKAGE / "LICENSE", vendor / "LICENSE")
    try:
        codemirror = editor_bundle.bundle_editor(
            NODE_MODULES, out / "vendor" / f"codemirror-{editor_bundle.codemirror_version(NODE_MODULES)}"
        )
    except editor_bundle.EditorBundleError as e:
        raise BuildError(str(e)) from None
    return vendor / PLOTLY_FILE, codemirror


# the figure's downloads (site/js/app/export-video.js, export-gif.js): ES modules, loaded on first use
ENCODERS = {"webm": ("webm-muxer", "build/webm-muxer.mjs"), "gif": ("gifenc", "dist/gifenc.esm.js")}


def write_encoders(out: Path) -> dict:
    """vendor/<package>-<version>/: the video and GIF encoders, each with its license. Returns
    {kind: path} for the manifest."""
    paths = {}
    for kind, (package, file) in ENCODERS.items():
        folder = out / "vendor" / f"{package}-{npm_version(package)}"
        folder.mkdir(parents=True)
        shutil.copyfile(NODE_MODULES / package / file, folder / f"{package}.js")
        for name in ("LICENSE", "LICENSE.md"):
            if (NODE_MODULES / package / name).exists():
                shutil.copyfile(NODE_MODULES / package / name, folder / name)
        paths[kind] = (folder / f"{package}.js").relative_to(out).as_posix()
    return paths


def assemble(
    out: Path,
    *,
    cdn: bool,
    offline: bool = False,
    embed_origins: list[str] | None = None,
    bundled: bool = True,
) -> dict:
    """Write a complete dist/ into `out` (which must not exist). Returns the manifest.
    `bundled=False`: the pages load the source modules as they are (for development)."""
    out.mkdir(parents=True)
    formulas.check()  # the typeset formulas the page and the report read are those of the texts
    stages, wheel, numpy_entry = write_python(out / PYODIDE_DIR, cdn=cdn, offline=offline)
    copy_site(out)
    bundles = bundle.bundle_site(SITE, out, NODE_MODULES) if bundled else None
    write_embed_config(out, embed_origins)
    write_data(out / "data")
    plotly, codemirror = write_vendor(out)
    encoders = write_encoders(out)
    files = {
        p.relative_to(out).as_posix(): {"bytes": p.stat().st_size, "sha256": sha256_file(p)}
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }
    # Files whose URL changes whenever their bytes do: a server may cache them forever.
    immutable = sorted(
        f
        for f in files
        if f.startswith(("vendor/", PYODIDE_DIR + "/"))
        and not f.endswith(("pyodide-lock.json", ".whl"))
        or f == stages["numpy"][0]["url"]
        or f.startswith(bundle.BUNDLE_DIR + "/")
    )
    manifest = {
        "variant": "cdn" if cdn else "self-hosted",
        "versions": {
            "pyodide": PYODIDE_VERSION,
            "pyinit": wheel.name.split("-")[1],
            "numpy": numpy_entry["version"],
            "plotly": npm_version(PLOTLY_PACKAGE),
            "katex": npm_version(KATEX_PACKAGE),
        },
        "indexURL": PYODIDE_CDN if cdn else f"{PYODIDE_DIR}/",
        "pyinitWheel": f"{PYODIDE_DIR}/{wheel.name}",
        "plotly": plotly.relative_to(out).as_posix(),
        "codemirror": codemirror.relative_to(out).as_posix(),
        "encoders": encoders,
        "stages": stages,
        "immutable": immutable,
        "csp": csp_for("cdn" if cdn else "self-hosted"),  # the service worker sends it with what it serves
        "bundles": bundles,
        "files": files,
    }
    write_json(out / "build-manifest.json", manifest)
    return manifest


@contextlib.contextmanager
def build_lock():
    """One build at a time in this tree (tests and people may start builds concurrently)."""
    (ROOT / ".cache").mkdir(exist_ok=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(ROOT / ".cache" / "build.lock", "w") as f:
        try:
            import fcntl

            fcntl.flock(f, fcntl.LOCK_EX)
        except ImportError:  # Windows: no locking
            pass
        yield


def build(
    out: Path,
    *,
    cdn: bool = False,
    offline: bool = False,
    embed_origins: list[str] | None = None,
    bundled: bool = True,
) -> dict:
    """npm ci if needed, then a complete dist/ at `out` (replacing it only on success)."""
    t0 = time.perf_counter()
    with build_lock():
        ensure_node_modules()
        if not SITE.is_dir():
            raise BuildError(f"{SITE} is missing")
        tmp = out.with_name(out.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            manifest = assemble(tmp, cdn=cdn, offline=offline, embed_origins=embed_origins, bundled=bundled)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        shutil.rmtree(out, ignore_errors=True)
        tmp.rename(out)
    total = sum(f["bytes"] for f in manifest["files"].values())
    log(
        f"built {out} ({manifest['variant']}, {len(manifest['files'])} files, {total / 1e6:.1f} MB) "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    return manifest
