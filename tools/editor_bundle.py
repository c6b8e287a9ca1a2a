"""Bundle CodeMirror 6 for the site: one minified ES module, built offline and reproducibly.

    bundle_editor(node_modules, out_dir) -> Path of out_dir/codemirror.<hash>.js

The pinned esbuild (an npm package in package-lock.json; its platform binary is an npm
optionalDependency, so `npm ci --ignore-scripts` installs it) bundles tools/editor/entry.js -- which
re-exports exactly what site/js/app/code-editor.js uses -- with the pinned CodeMirror packages from
`node_modules`. The file name carries the first 12 hex digits of the bundle's sha256, so a server
may cache it forever (its URL changes whenever its bytes do); the page learns the name from
build-manifest.json. Beside the bundle: LICENSES.txt, the license of every package in it.

Same node_modules and entry.js -> the same bytes (no paths, dates or comments in the output).
No network: esbuild only reads files. Standard library only; self-contained (build.py loads it by
path). Run it alone with `python3 tools/editor_bundle.py OUT_DIR` (uses ./node_modules).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ENTRY = Path(__file__).resolve().parent / "editor" / "entry.js"
VERSION_PACKAGE = "@codemirror/view"  # its version names the folder: vendor/codemirror-<version>/
BUNDLE_PREFIX = "codemirror."
LICENSES_FILE = "LICENSES.txt"
ALLOWED_LICENSES = {"MIT"}  # a bundled package under another license stops the build
ESBUILD_ARGS = [
    "--bundle",
    "--format=esm",
    "--platform=browser",
    "--target=es2020",
    "--minify",
    "--legal-comments=none",  # licenses go to LICENSES.txt instead
    "--charset=ascii",
    "--log-level=warning",
]
TIMEOUT_S = 300


class EditorBundleError(RuntimeError):
    """The bundle could not be built; the message says what is missing and what to do."""


def package_json(node_modules: Path, name: str) -> dict:
    path = node_modules / name / "package.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise EditorBundleError(
            f"{path} is missing or broken ({e}): run `npm ci` "
            "(build.py does) so node_modules matches package-lock.json"
        ) from None


def codemirror_version(node_modules: Path) -> str:
    """The version of @codemirror/view, which names the vendor folder."""
    return package_json(node_modules, VERSION_PACKAGE)["version"]


def _package_of(input_path: str) -> str | None:
    """'node_modules/@lezer/lr/dist/index.js' -> '@lezer/lr' (None for files outside node_modules)."""
    parts = input_path.replace("\\", "/").split("/")
    if "node_modules" not in parts:
        return None
    i = len(parts) - 1 - parts[::-1].index("node_modules")  # the innermost node_modules
    rest = parts[i + 1 :]
    return "/".join(rest[:2]) if rest and rest[0].startswith("@") else (rest[0] if rest else None)


def _license_text(node_modules: Path, name: str) -> str:
    folder = node_modules / name
    for candidate in sorted(folder.iterdir()):
        if candidate.is_file() and candidate.name.upper().startswith(("LICENSE", "LICENCE", "COPYING")):
            return candidate.read_text(encoding="utf-8").strip()
    raise EditorBundleError(f"{folder} has no LICENSE file: cannot ship {name} without its license")


def _esbuild_command(node_modules: Path) -> list[str]:
    shim = node_modules / "esbuild" / "bin" / "esbuild"
    if not shim.is_file():
        raise EditorBundleError(f"{shim} is missing: esbuild is pinned in package.json; run `npm ci`")
    # With --ignore-scripts the shim stays a small Node.js script that runs the platform binary
    # (the @esbuild/<os>-<cpu> package npm picked from esbuild's optionalDependencies).
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        raise EditorBundleError(
            "node not found: bundling the code editor needs Node.js 18+ "
            "(Debian: `apt-get install -y nodejs npm`)"
        )
    return [node, str(shim)]


def bundle_editor(node_modules: Path, out_dir: Path) -> Path:
    """Bundle tools/editor/entry.js into out_dir/codemirror.<hash12>.js (+ LICENSES.txt); return its path."""
    node_modules = Path(node_modules).resolve()
    out_dir = Path(out_dir)
    if node_modules.name != "node_modules" or not node_modules.is_dir():
        raise EditorBundleError(f"{node_modules} is not a node_modules folder")
    cmd = _esbuild_command(node_modules)
    # Only what esbuild needs from the environment: no NODE_PATH (packages come from node_modules
    # alone) and no ESBUILD_BINARY_PATH (the pinned binary only).
    env = {k: v for k, v in os.environ.items() if k not in ("NODE_PATH", "ESBUILD_BINARY_PATH")}
    with tempfile.TemporaryDirectory(prefix="editor-bundle-") as tmp:
        outfile, metafile = Path(tmp) / "bundle.js", Path(tmp) / "meta.json"
        # The entry comes on stdin and resolves from node_modules' parent folder, so packages come
        # from `node_modules` whatever folder it is, and no absolute path reaches the output.
        proc = subprocess.run(
            [
                *cmd,
                *ESBUILD_ARGS,
                "--sourcefile=tools/editor/entry.js",
                f"--outfile={outfile}",
                f"--metafile={metafile}",
            ],
            input=ENTRY.read_text(encoding="utf-8"),
            cwd=node_modules.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
        if proc.returncode != 0:
            tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-20:])
            raise EditorBundleError(f"esbuild failed (exit {proc.returncode}) bundling {ENTRY.name}:\n{tail}")
        data = outfile.read_bytes()
        # the files that put bytes into the bundle (not those tree-shaken away)
        (output,) = json.loads(metafile.read_text())["outputs"].values()
        inputs = [f for f, info in output["inputs"].items() if info["bytesInOutput"] > 0]
    packages = sorted({p for p in map(_package_of, inputs) if p})
    if not packages:
        raise EditorBundleError("esbuild bundled no package from node_modules")
    licenses = []
    for name in packages:
        meta = package_json(node_modules, name)
        if meta.get("license") not in ALLOWED_LICENSES:
            raise EditorBundleError(
                f"{name} {meta.get('version')} is licensed {meta.get('license')!r}, "
                f"not one of {sorted(ALLOWED_LICENSES)}: check it before shipping it"
            )
        licenses.append(
            f"{name} {meta['version']} ({meta['license']})\n\n{_license_text(node_modules, name)}\n"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob(BUNDLE_PREFIX + "*.js"):  # one bundle per folder
        old.unlink()
    bundle = out_dir / f"{BUNDLE_PREFIX}{hashlib.sha256(data).hexdigest()[:12]}.js"
    bundle.write_bytes(data)
    header = (
        f"{bundle.name} bundles these npm packages (pinned in package-lock.json) with esbuild "
        f"{package_json(node_modules, 'esbuild')['version']}:\n\n"
    )
    sep = "\n" + "-" * 78 + "\n\n"
    (out_dir / LICENSES_FILE).write_text(header + sep.join(licenses), encoding="utf-8")
    return bundle


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[0] + "\nusage: editor_bundle.py OUT_DIR", file=sys.stderr)
        return 2
    root = Path(__file__).resolve().parents[1]
    try:
        bundle = bundle_editor(root / "node_modules", Path(argv[0]))
    except EditorBundleError as e:
        print(f"editor_bundle.py: error: {e}", file=sys.stderr)
        return 1
    print(bundle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
