"""Bootstrap: everything the build needs that is not in the repository, installed once.

- `.venv/` with pyinit and the build (or test) tools, and re-running the command inside it;
- Debian packages (`apt-get install`, only as root on Debian, never with PYINIT_NO_APT=1);
- `npm ci` for Pyodide, plotly.js, CodeMirror and axe-core (skipped while node_modules/ matches
  package-lock.json, so a second build makes no network request);
- Debian's Chromium for the browser tests and the benchmark; Firefox ESR, WebKitGTK and Xvfb for
  tests/engines/.

A missing tool that cannot be installed stops with a BuildError naming what to install.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tools.common import NODE_MODULES, ROOT, VENV, BuildError, log, run
from tools.pins import CHROMIUM, DEBIAN_PACKAGES, ENGINE_FILES, PYODIDE_VERSION, VENV_REQUIREMENTS


# --- system tools -------------------------------------------------------------------------------
def may_apt() -> bool:
    return (
        os.environ.get("PYINIT_NO_APT", "") in ("", "0")
        and hasattr(os, "geteuid")
        and os.geteuid() == 0
        and shutil.which("apt-get") is not None
    )


def apt_install(packages: str) -> None:
    log(f"installing Debian packages: {packages}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update"], env=env, quiet=True, what="apt-get update")
    run(
        ["apt-get", "install", "-y", "--no-install-recommends", *packages.split()],
        env=env,
        quiet=True,
        what=f"apt-get install {packages}",
    )


def require_npm() -> str:
    npm = shutil.which("npm")
    if npm is None and may_apt():
        apt_install(DEBIAN_PACKAGES["npm"])
        npm = shutil.which("npm")
    if npm is None:
        raise BuildError(
            "npm not found: the build installs Pyodide and plotly.js with `npm ci`. "
            "Install Node.js 18+ with npm (Debian: `apt-get install -y nodejs npm`, "
            "or https://nodejs.org/) and run again."
        )
    return npm


def require_chromium() -> str:
    if not Path(CHROMIUM).exists() and may_apt():
        apt_install(DEBIAN_PACKAGES["chromium"])
    if not Path(CHROMIUM).exists():
        raise BuildError(
            f"{CHROMIUM} not found: the browser tests drive Debian's Chromium. "
            "Install it with `apt-get install -y chromium` (as root)."
        )
    return CHROMIUM


def require_engines() -> None:
    """Firefox ESR, WebKitGTK's driver and browser, and Xvfb for tests/engines/."""
    if any(not Path(f).exists() for f in ENGINE_FILES) and may_apt():
        apt_install(DEBIAN_PACKAGES["engines"])
    missing = [f for f in ENGINE_FILES if not Path(f).exists()]
    if missing:
        raise BuildError(
            f"{', '.join(missing)} not found: tests/engines/ drive Firefox ESR and WebKitGTK. Install them "
            f"with `apt-get install -y {DEBIAN_PACKAGES['engines']}` (as root), or leave those tests out "
            '(-m "not engines").'
        )


# --- the virtual environment --------------------------------------------------------------------
def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def _make_venv() -> None:
    log(f"creating {VENV.name}/")
    proc = subprocess.run([sys.executable, "-m", "venv", str(VENV)], capture_output=True, text=True)
    if proc.returncode != 0 and may_apt():
        apt_install(DEBIAN_PACKAGES["venv"])
        shutil.rmtree(VENV, ignore_errors=True)
        proc = subprocess.run([sys.executable, "-m", "venv", str(VENV)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise BuildError(
            f"could not create {VENV}: {proc.stderr.strip().splitlines()[-1:]}. "
            "Install the venv module (Debian: `apt-get install -y python3-venv`)."
        )


def install_inputs() -> str:
    """sha256 of pyproject.toml without its [tool.pytest.*] tables (they change no installed package)."""
    kept, skip = [], False
    for line in (ROOT / "pyproject.toml").read_text().splitlines():
        if line.startswith("["):
            skip = line.startswith("[tool.pytest")
        if not skip:
            kept.append(line)
    return hashlib.sha256("\n".join(kept).encode()).hexdigest()


def ensure_venv(level: str) -> None:
    """Create `.venv/` and install requirements of `level` unless its stamp says they are there."""
    stamp_path = VENV / "pyinit-stamp.json"
    pyproject = install_inputs()
    try:
        stamp = json.loads(stamp_path.read_text())
    except (OSError, ValueError):
        stamp = {}
    have = stamp.get("levels", []) if stamp.get("pyproject") == pyproject else []
    if level in have or (level == "build" and "test" in have):
        return
    if not venv_python().exists():
        _make_venv()
    log(f"installing Python packages into {VENV.name}/ ({level})")
    py = str(venv_python())
    run([py, "-m", "pip", "install", "-q", "--upgrade", "pip"], quiet=True, what="pip install --upgrade pip")
    run(
        [py, "-m", "pip", "install", "-q", *VENV_REQUIREMENTS[level]],
        quiet=True,
        what=f"pip install {' '.join(VENV_REQUIREMENTS[level])}",
    )
    stamp_path.write_text(json.dumps({"pyproject": pyproject, "levels": sorted(set(have) | {level})}))


def reexec_in_venv(level: str, script: Path) -> None:
    """Continue this very command (`script` with sys.argv[1:]) inside `.venv/`, which has numpy,
    build, and for level "test" also pytest and playwright."""
    ensure_venv(level)
    if in_venv():
        return
    py = str(venv_python())
    args = [py, str(Path(script).resolve()), *sys.argv[1:]]
    sys.stdout.flush()
    if os.name == "nt":  # no exec on Windows
        sys.exit(subprocess.call(args))
    os.execv(py, args)


# --- npm packages -------------------------------------------------------------------------------
def ensure_node_modules() -> None:
    """`npm ci` unless node_modules/ already matches package-lock.json (then: no network)."""
    lock = ROOT / "package-lock.json"
    if not lock.exists():
        raise BuildError(
            "package-lock.json is missing: restore it from git (`git checkout package-lock.json`)."
        )
    want = hashlib.sha256(lock.read_bytes() + (ROOT / "package.json").read_bytes()).hexdigest()
    stamp = NODE_MODULES / ".pyinit-stamp"
    if (
        stamp.exists()
        and stamp.read_text() == want
        and (NODE_MODULES / "pyodide" / "pyodide-lock.json").exists()
    ):
        return
    npm = require_npm()
    log("npm ci (Pyodide, plotly.js, CodeMirror, axe-core, puppeteer-core)")
    run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline"],
        env=dict(os.environ, PUPPETEER_SKIP_DOWNLOAD="1"),  # puppeteer-core drives Debian's firefox-esr
        quiet=True,
        what="npm ci",
    )
    version = json.loads((NODE_MODULES / "pyodide" / "package.json").read_text())["version"]
    if version != PYODIDE_VERSION:
        raise BuildError(
            f"node_modules/pyodide is {version}, tools/pins.py pins {PYODIDE_VERSION}: "
            "fix package.json/package-lock.json"
        )
    stamp.write_text(want)
