"""The build's steps, one concept per module; ``build.py`` at the root is the one entry point.

    pins          versions, URLs and system paths: the one place that names them
    common        the repository's folders, BuildError, log, run, sha256_file, write_json
    bootstrap     .venv/ (and re-running inside it), apt-get, npm ci, Chromium
    numpy_wheel   numpy for Pyodide: cache, CDN or PyPI, always sha256-checked
    wheel         the pyinit wheel, reproducible
    site_data     dist/data/: content and every chapter's precomputed runs
    editor_bundle the CodeMirror bundle
    assemble      dist/ and build-manifest.json; `build()`, one build at a time
    server        the dev HTTP server (MIME types, gzip, CSP, base path, cache headers)
    testrun       `build.py test`: install what the tests need, then pytest
    bench         `build.py bench`: load times and training speed in headless Chromium
    screenshots   the first screen at three sizes in each language, for docs/screenshots/

Standard library only at import time: build.py imports these before it has a .venv/.
"""
