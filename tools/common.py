"""What every build step shares: the repository's folders, the error a user can fix, logging,
running a command, hashing a file and writing JSON the same way every time.

It leaves out versions and URLs (tools/pins.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
CACHE = Path(os.environ.get("PYINIT_CACHE_DIR") or ROOT / ".cache").resolve()  # downloads
VENV = ROOT / ".venv"
NODE_MODULES = ROOT / "node_modules"


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


def run(
    cmd: list[str], *, env: dict | None = None, quiet: bool = False, what: str = "", cwd: Path = ROOT
) -> None:
    """Run a command; on failure raise BuildError with its output tail."""
    try:
        proc = subprocess.run(
            cmd,
            cwd=cwd,
            env=env,
            text=True,
            stdout=subprocess.PIPE if quiet else None,
            stderr=subprocess.STDOUT if quiet else None,
        )
    except FileNotFoundError as e:
        raise BuildError(f"{what or cmd[0]}: command not found ({e.filename})") from None
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout or "").splitlines()[-25:])
        raise BuildError(
            f"{what or ' '.join(cmd)} failed (exit {proc.returncode})" + (f":\n{tail}" if tail else "")
        )


def write_json(path: Path, data) -> None:
    """Indented, keys sorted, one trailing newline: the same data gives the same bytes."""
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
