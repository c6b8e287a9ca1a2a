"""The dev HTTP server for dist/: the MIME types a static host must send (`.wasm` as
application/wasm), gzip when the browser asks, the site's Content-Security-Policy header on pages
and scripts (sandbox.html gets the code sandbox's own), `Access-Control-Allow-Origin: *` on every
file (sandboxed embeds, the code sandbox), a URL prefix (`--base /courses/ml/pyinit/`), and cache
headers: files named in the manifest's "immutable" list are cached forever, everything else
revalidates with an ETag.

    make_server(root, host, port, base) -> Server     background_server(root) -> url (a context)
    serve_forever(root, host, port, base)             `build.py serve`: print the URL, stop on Ctrl-C

It leaves out building (tools/assemble.py); tests use `mime=` to mimic a misconfigured server.
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import json
import socketserver
import sys
import threading
import urllib.parse
from pathlib import Path

from tools.common import BuildError
from tools.pins import CDN_ORIGIN

MIME = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".whl": "application/zip",
    ".zip": "application/zip",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
    ".map": "application/json",
}
COMPRESSIBLE = {".wasm", ".mjs", ".js", ".json", ".html", ".css", ".svg", ".txt", ".map"}
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'none'"
)

# sandbox.html: the reader's code runs there, in an opaque origin (js/sandbox/frame.js) -- the header
# makes it one even where a page frames it without the sandbox attribute. {origin}: this server's
# (WebKit does not match 'self' in an opaque origin).
SANDBOX_PAGE = "sandbox.html"
SANDBOX_CSP = (
    "default-src 'none'; script-src {origin} blob: 'wasm-unsafe-eval'; worker-src blob:; "
    "connect-src {origin}; base-uri 'none'; form-action 'none'; sandbox allow-scripts"
)


def csp_for(variant: str) -> str:
    """The policy for a build variant: the cdn variant also loads Pyodide and numpy from CDN_ORIGIN."""
    if variant != "cdn":
        return CSP
    return CSP.replace("script-src 'self'", f"script-src 'self' {CDN_ORIGIN}").replace(
        "connect-src 'self'", f"connect-src 'self' {CDN_ORIGIN}"
    )


def make_handler(root: Path, base: str, quiet: bool, mime: dict | None = None):
    """A request handler serving `root` under URL prefix `base` ("/" or "/a/b/").
    `mime` overrides content types by suffix (tests use it to mimic a misconfigured server)."""
    types = {**MIME, **(mime or {})}
    gz_cache: dict[tuple, bytes] = {}
    gz_lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm and the
        # browser's delayed ACK hold each keep-alive response ~40 ms (measured: 50 small files took
        # 0.7 s on localhost, 0.1 s with this)
        disable_nagle_algorithm = True
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
            rel = path[len(base) :]
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
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("ETag", etag)
                self.send_header("Cache-Control", self.cache_control(rel_posix))
                self.end_headers()
                return
            data = None
            gz = not head and suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", "")
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
                csp = self.server.csp
                if rel_posix == SANDBOX_PAGE:
                    origin = "http://" + self.headers.get("Host", "%s:%s" % self.server.server_address[:2])
                    csp = self.server.sandbox_csp.format(origin=origin)
                self.send_header("Content-Security-Policy", csp)
            self.send_header("X-Content-Type-Options", "nosniff")
            # Public static files, readable from any origin: an embed in an iframe sandboxed without
            # allow-same-origin has an opaque origin, and every module, data file and runtime file it
            # loads is a CORS request (as is the code sandbox's, which has an opaque origin too).
            self.send_header("Access-Control-Allow-Origin", "*")
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


def make_server(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    base: str = "/",
    quiet: bool = False,
    mime: dict | None = None,
) -> Server:
    """A server for `root` (not started); its manifest decides the immutable files and the CSP."""
    root = root.resolve()
    base = normalize_base(base)
    httpd = Server((host, port), make_handler(root, base, quiet, mime))
    try:
        manifest = json.loads((root / "build-manifest.json").read_text())
    except (OSError, ValueError):
        manifest = {}
    httpd.immutable = set(manifest.get("immutable", []))
    variant = manifest.get("variant", "self-hosted")
    httpd.csp = csp_for(variant)
    httpd.sandbox_csp = SANDBOX_CSP
    if variant == "cdn":
        httpd.sandbox_csp = SANDBOX_CSP.replace("{origin}", "{origin} " + CDN_ORIGIN)
    httpd.base = base
    return httpd


def server_url(httpd: Server) -> str:
    host, port = httpd.server_address[:2]
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    return f"http://{host}:{port}{httpd.base}"


def serve_forever(root: Path, host: str = "127.0.0.1", port: int = 8000, base: str = "/") -> int:
    """Serve `root` in the foreground, printing its URL; Ctrl-C stops it cleanly."""
    try:
        httpd = make_server(root, host, port, base)
    except OSError as e:
        raise BuildError(
            f"cannot listen on {host}:{port}: {e.strerror}. Choose another port with --port N."
        ) from None
    print(f"Serving {root} at {server_url(httpd)}  (Ctrl-C stops)", flush=True)
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
