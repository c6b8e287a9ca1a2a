"""tools/editor_bundle.py: CodeMirror 6 bundled by the pinned esbuild -- reproducible, offline, named
by its hash, licenses beside it -- and shipped in dist/ under the manifest key "codemirror".

No browser needed; node_modules must match package-lock.json (the `node_modules` fixture in
tests/conftest.py runs `npm ci` when it does not; tests using it are marked `build` and `slow`).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import editor_bundle
from tools.common import ROOT

ENTRY = ROOT / "tools" / "editor" / "entry.js"
COMPONENT = ROOT / "site" / "js" / "app" / "code-editor.js"
HOST_RE = re.compile(r"""(?:https?:)?//([a-z0-9.-]+\.[a-z]{2,})""", re.I)
SVG_NS = "http://www.w3.org/2000/svg"  # an XML namespace name: nothing fetches it


@pytest.fixture(scope="module")
def bundle(node_modules, tmp_path_factory) -> Path:
    return editor_bundle.bundle_editor(node_modules, tmp_path_factory.mktemp("editor") / "out")


def entry_exports() -> set[str]:
    names = set()
    for block in re.findall(r"export\s*\{([^}]*)\}\s*from", ENTRY.read_text()):
        names |= {n.strip() for n in block.split(",") if n.strip()}
    return names


def bundle_exports(path: Path) -> set[str]:
    match = re.search(r"export\s*\{([^}]*)\}\s*;?\s*$", path.read_text())
    assert match, "the bundle ends with one export statement"
    return {part.split(" as ")[-1].strip() for part in match.group(1).split(",")}


def test_bundle_is_reproducible_and_named_by_its_hash(node_modules, bundle, tmp_path):
    data = bundle.read_bytes()
    assert bundle.name == f"codemirror.{hashlib.sha256(data).hexdigest()[:12]}.js"
    again = editor_bundle.bundle_editor(node_modules, tmp_path / "again")
    assert again.name == bundle.name and again.read_bytes() == data
    assert (again.parent / "LICENSES.txt").read_bytes() == (bundle.parent / "LICENSES.txt").read_bytes()
    assert sorted(p.name for p in again.parent.iterdir()) == ["LICENSES.txt", bundle.name]
    # rebuilding into the same folder leaves one bundle there
    editor_bundle.bundle_editor(node_modules, tmp_path / "again")
    assert len(list((tmp_path / "again").glob("codemirror.*.js"))) == 1


def test_bundle_is_one_minified_es_module_exporting_what_entry_js_names(bundle):
    text = bundle.read_text()
    assert text.isascii()
    assert bundle_exports(bundle) == entry_exports()
    assert not re.search(r"^\s*import\s", text, re.M) and "require(" not in text, "self-contained"
    assert text.count("\n") < 50, "minified (newlines only inside template strings)"
    assert "node_modules" not in text and str(ROOT) not in text, "no paths in the output"
    assert 200_000 < len(text) < 600_000, len(text)


def test_the_component_uses_only_names_the_bundle_exports():
    used = set(re.findall(r"\bcm\.([A-Za-z_]\w*)", COMPONENT.read_text()))
    # cm.tags.x / cm.EditorView.x are properties of exported names; only the first part counts
    assert used and used <= entry_exports(), used - entry_exports()


def test_bundle_names_no_host_and_ships_every_license(bundle, node_modules):
    text = bundle.read_text().replace(SVG_NS, "")
    assert set(HOST_RE.findall(text)) == set(), "no CDN or other URL inside"
    licenses = (bundle.parent / "LICENSES.txt").read_text()
    listed = dict(re.findall(r"^(@?[\w./-]+) (\d[\w.-]*) \(MIT\)$", licenses, re.M))
    for name in [
        "@codemirror/state",
        "@codemirror/view",
        "@codemirror/language",
        "@codemirror/lang-python",
        "@codemirror/commands",
        "@lezer/highlight",
        "@lezer/python",
        "@lezer/lr",
        "@lezer/common",
        "style-mod",
        "w3c-keyname",
    ]:
        assert (
            listed.get(name) == json.loads((node_modules / name / "package.json").read_text())["version"]
        ), name
    assert "esbuild" not in listed, "the bundler is a tool, not part of the bundle"
    assert licenses.count("Permission is hereby granted, free of charge") == len(listed)


def test_versions_are_pinned_exactly():
    deps = json.loads((ROOT / "package.json").read_text())["dependencies"]
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    for name in [
        "@codemirror/state",
        "@codemirror/view",
        "@codemirror/language",
        "@codemirror/lang-python",
        "@codemirror/commands",
        "@lezer/highlight",
        "esbuild",
    ]:
        assert re.fullmatch(r"\d+\.\d+\.\d+", deps[name]), (name, deps[name])
        assert lock[f"node_modules/{name}"]["version"] == deps[name]
    # esbuild's binary for every platform is in the lock (npm ci picks the one it needs)
    assert {"@esbuild/linux-x64", "@esbuild/darwin-arm64", "@esbuild/win32-x64"} <= {
        k.removeprefix("node_modules/") for k in lock if k.startswith("node_modules/@esbuild/")
    }


def test_bundling_needs_no_network(node_modules, tmp_path):
    unshare = shutil.which("unshare")
    if not unshare or subprocess.run([unshare, "-n", "true"], capture_output=True).returncode != 0:
        pytest.skip("no network namespaces here")
    proc = subprocess.run(
        [unshare, "-n", sys.executable, str(ROOT / "tools" / "editor_bundle.py"), str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert Path(proc.stdout.strip()).is_file()


def test_missing_esbuild_says_what_to_do(tmp_path):
    fake = tmp_path / "node_modules"
    fake.mkdir()
    with pytest.raises(
        editor_bundle.EditorBundleError, match=r"esbuild.*pinned in package.json; run `npm ci`"
    ):
        editor_bundle.bundle_editor(fake, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_package_under_another_license_stops_the_bundle(node_modules, tmp_path):
    fake = tmp_path / "node_modules"
    fake.mkdir()
    for entry in node_modules.iterdir():  # everything linked, @lezer/python copied with another license
        if entry.name.startswith("@"):
            (fake / entry.name).mkdir()
            for sub in entry.iterdir():
                (fake / entry.name / sub.name).symlink_to(sub)
        elif entry.name != ".bin":
            (fake / entry.name).symlink_to(entry)
    (fake / "@lezer" / "python").unlink()
    shutil.copytree(node_modules / "@lezer" / "python", fake / "@lezer" / "python")
    pkg = fake / "@lezer" / "python" / "package.json"
    pkg.write_text(json.dumps({**json.loads(pkg.read_text()), "license": "GPL-3.0"}))
    with pytest.raises(editor_bundle.EditorBundleError, match=r"@lezer/python .* licensed 'GPL-3.0'"):
        editor_bundle.bundle_editor(fake, tmp_path / "out")


def test_dist_ships_the_bundle_listed_in_the_manifest(dist_dir):
    manifest = json.loads((dist_dir / "build-manifest.json").read_text())
    path = manifest["codemirror"]
    view = json.loads((ROOT / "node_modules/@codemirror/view/package.json").read_text())["version"]
    assert re.fullmatch(rf"vendor/codemirror-{re.escape(view)}/codemirror\.[0-9a-f]{{12}}\.js", path), path
    data = (dist_dir / path).read_bytes()
    entry = manifest["files"][path]
    assert entry == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert Path(path).name == f"codemirror.{entry['sha256'][:12]}.js"
    assert path in manifest["immutable"], "its URL changes with its bytes: cacheable forever"
    assert f"{Path(path).parent.as_posix()}/LICENSES.txt" in manifest["files"]
    # the component and its stylesheet are in dist/ too
    assert (dist_dir / "js/app/code-editor.js").is_file() and (dist_dir / "css/code-editor.css").is_file()
