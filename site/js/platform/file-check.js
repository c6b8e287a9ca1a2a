// The page's guard. A classic script, loaded before the page's modules, because it must run when
// they cannot:
//   - opened from file://, where browsers refuse ES modules and Web Workers: say how to serve it;
//   - a module of the page that is missing, broken (a syntax error), from another build, or served
//     with a non-JavaScript MIME type stops the whole module graph without a word on the page. The
//     guard notices (window "error" in the capture phase, which also sees <script> load errors, and
//     "unhandledrejection") and, unless the page has started, checks the page's JS files against
//     build-manifest.json (HTTP status, Content-Type, sha256) and names the first bad one:
//     <html data-status="error"> and, in #boot-message, e.g. "js/lab/views.js: HTTP 404".
//
// The page's entry module says it started by setting, as its first statement,
//     window.pyinitStarted = true;
// (all its imports have loaded by then; js/platform/boot.js's boot() sets it too). Without any error
// and without that signal, the guard checks the files after START_TIMEOUT_MS too, but speaks only if
// it finds a bad file. Not covered: when *every* .js is served with a non-JavaScript type, this file
// is refused too (X-Content-Type-Options: nosniff) and the page's static text is all there is.
"use strict";
// scripts run: the static fallback (css/base.css .script-fallback, for when no script runs at all,
// e.g. every .js served with a non-JavaScript type) never shows
document.documentElement.classList.add("js-ran");
(function () {
  var ERROR_GRACE_MS = 1000; // after an error, time for the entry module to start anyway
  var START_TIMEOUT_MS = 10000; // after DOMContentLoaded, without an error
  var FETCH_TIMEOUT_MS = 8000;
  var REBUILD =
    "Rebuild with `python3 build.py` and serve the whole dist/ folder (`python3 build.py serve`).";
  var root = document.documentElement;

  function show(text) {
    root.dataset.status = "error";
    var put = function () {
      var box = document.getElementById("boot");
      var msg = document.getElementById("boot-message");
      if (!msg) {
        msg = document.createElement("p");
        msg.id = "boot-message";
        (box || document.body).prepend(msg);
      }
      if (box) box.hidden = false;
      msg.className = "boot-message boot-error";
      msg.setAttribute("role", "alert");
      msg.textContent = text;
    };
    if (document.body) put();
    else document.addEventListener("DOMContentLoaded", put);
  }

  if (location.protocol === "file:") {
    show(
      "This page was opened from file://, where browsers block the Web Worker and modules it needs. " +
        "Serve it over http instead: in the project folder run `python3 build.py serve` " +
        "and open the address it prints.",
    );
    return;
  }

  var me = document.currentScript && document.currentScript.src;
  var site = new URL("../../", me || location.href); // this file is js/platform/file-check.js
  var started = false;
  var judged = false;
  var timer = null;
  var errors = []; // {file, line, column, message}

  try {
    Object.defineProperty(window, "pyinitStarted", {
      configurable: true,
      get: function () {
        return started;
      },
      set: function (v) {
        if (v) started = true;
      },
    });
  } catch (e) {
    /* defined already: read it when judging */
  }
  var hasStarted = function () {
    return started || window.pyinitStarted === true || root.dataset.status === "ready";
  };

  function rel(url) {
    try {
      var u = new URL(url, location.href);
      if (u.origin !== site.origin || u.pathname.indexOf(site.pathname) !== 0) return null;
      return decodeURIComponent(u.pathname.slice(site.pathname.length));
    } catch (e) {
      return null;
    }
  }

  var deadline = Infinity;
  function schedule(ms) {
    // judge in `ms`, or earlier if already due earlier
    if (judged || hasStarted() || performance.now() + ms >= deadline) return;
    deadline = performance.now() + ms;
    clearTimeout(timer);
    timer = setTimeout(judge, ms);
  }

  window.addEventListener(
    "error",
    function (ev) {
      var t = ev.target;
      if (ev instanceof ErrorEvent || t === window) {
        errors.push({
          file: rel(ev.filename || ""),
          line: ev.lineno,
          column: ev.colno,
          message: String(ev.message || (ev.error && ev.error.message) || "error"),
        });
      } else if (t && (t.tagName === "SCRIPT" || (t.tagName === "LINK" && /modulepreload/i.test(t.rel)))) {
        errors.push({ file: rel(t.src || t.href), message: "could not be loaded" });
      } else {
        return; // an image or a stylesheet: not why a page would not start
      }
      schedule(ERROR_GRACE_MS);
    },
    true,
  );
  window.addEventListener("unhandledrejection", function (ev) {
    var r = ev.reason;
    errors.push({ file: null, message: String((r && r.message) || r) });
    schedule(ERROR_GRACE_MS);
  });
  document.addEventListener("DOMContentLoaded", function () {
    schedule(START_TIMEOUT_MS);
  });

  function fetchWithin(url) {
    var ctl = new AbortController();
    var t = setTimeout(function () {
      ctl.abort();
    }, FETCH_TIMEOUT_MS);
    return fetch(url, { cache: "no-cache", signal: ctl.signal }).finally(function () {
      clearTimeout(t);
    });
  }

  function hex(buf) {
    return Array.prototype.map
      .call(new Uint8Array(buf), function (b) {
        return (b < 16 ? "0" : "") + b.toString(16);
      })
      .join("");
  }

  /** What is wrong with the page file `file` (relative to the site), or null. */
  function check(file, manifest) {
    return fetchWithin(new URL(file, site).href).then(
      function (r) {
        if (!r.ok) return file + ": HTTP " + r.status;
        var type = (r.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
        if (/\.m?js$/.test(file) && !/^(text|application)\/(x-)?(java|ecma)script$/.test(type)) {
          return (
            file +
            " is served as " +
            (type || "no type") +
            ", but browsers run scripts only if they are " +
            "served as text/javascript: configure the web server, or use `python3 build.py serve`"
          );
        }
        var entry = manifest && manifest.files && manifest.files[file];
        if (!entry || !(window.crypto && crypto.subtle)) return null;
        return r
          .arrayBuffer()
          .then(function (buf) {
            return crypto.subtle.digest("SHA-256", buf);
          })
          .then(function (d) {
            var actual = hex(d);
            return actual === entry.sha256
              ? null
              : file +
                  " does not match this build (sha256 " +
                  actual.slice(0, 16) +
                  "…, expected " +
                  entry.sha256.slice(0, 16) +
                  "… in build-manifest.json)";
          });
      },
      function (e) {
        return (
          file +
          ": request failed (" +
          (e.name === "AbortError" ? "no answer within " + FETCH_TIMEOUT_MS / 1000 + " s" : e.message) +
          ")"
        );
      },
    );
  }

  /** The cause when a sandboxed frame (opaque origin) cannot read the site's files, in the URL's language. */
  function sandboxed() {
    var pl = /(^|[?&#])lang=pl(&|$)/.test(location.search + "&" + location.hash.slice(1));
    return pl
      ? "Ta osadzona strona potrzebuje allow-same-origin w atrybucie sandbox ramki iframe: bez niego " +
          "nie ma własnego pochodzenia, a ten serwer nie pozwala innym pochodzeniom czytać swoich plików " +
          "(nie wysyła Access-Control-Allow-Origin: *)."
      : "This embed needs allow-same-origin in the iframe's sandbox attribute: without it the frame has " +
          "no origin of its own, and this server does not let other origins read its files (it sends no " +
          "Access-Control-Allow-Origin: *).";
  }

  function judge() {
    if (judged || hasStarted()) return;
    judged = true;
    var manifestProblem = null;
    fetchWithin(new URL("build-manifest.json", site).href)
      .then(
        function (r) {
          if (!r.ok) {
            manifestProblem = "build-manifest.json: HTTP " + r.status;
            return null;
          }
          return r.json().catch(function () {
            manifestProblem = "build-manifest.json is damaged or truncated";
            return null;
          });
        },
        function () {
          return null;
        },
      )
      .then(function (manifest) {
        // the files the errors name first, then the page's own scripts, then every JS file of the build
        var files = [];
        var add = function (f) {
          if (f && /\.m?js$/.test(f) && files.indexOf(f) < 0) files.push(f);
        };
        errors.forEach(function (e) {
          add(e.file);
        });
        Array.prototype.forEach.call(
          document.querySelectorAll("script[src], link[rel=modulepreload][href]"),
          function (el) {
            add(rel(el.src || el.href));
          },
        );
        // a bundled build: its bundles (the source modules beside them are not loaded by pages)
        var b = manifest && manifest.bundles;
        if (b)
          Object.keys(b.entries || {})
            .map(function (k) {
              return b.entries[k];
            })
            .concat(b.chunks || [])
            .sort()
            .forEach(add);
        else if (manifest && manifest.files)
          Object.keys(manifest.files)
            .sort()
            .forEach(function (f) {
              if (/^js\//.test(f)) add(f);
            });
        return Promise.all(
          files.map(function (f) {
            return check(f, manifest);
          }),
        ).then(function (problems) {
          return { bad: problems.filter(Boolean)[0] || null, manifestProblem: manifestProblem };
        });
      })
      .then(function (found) {
        if (hasStarted()) return; // it did start after all
        if (self.origin === "null" && /request failed/.test(found.bad || "")) {
          // a sandboxed iframe without allow-same-origin, on a server that does not let an opaque
          // origin read its files (no Access-Control-Allow-Origin): that is the cause, not the build
          show(sandboxed());
          return;
        }
        var err =
          errors.filter(function (e) {
            return e.file && e.line;
          })[0] || errors[0];
        var said =
          err && err.line
            ? " The browser reports: " + err.message + " (" + err.file + ", line " + err.line + ")."
            : "";
        if (found.bad) {
          show(
            "This page could not start: " +
              found.bad +
              "." +
              said +
              (/build\.py serve`$/.test(found.bad) ? "" : " " + REBUILD),
          );
        } else if (err) {
          var where = err.file ? err.file + (err.line ? ":" + err.line : "") + ": " : "";
          show(
            "This page could not start: " +
              where +
              err.message +
              (found.manifestProblem ? " (and " + found.manifestProblem + ")" : "") +
              ". " +
              REBUILD,
          );
        } else {
          console.info(
            "pyinit: the page has not said it started after " +
              START_TIMEOUT_MS / 1000 +
              " s; its files look right" +
              (found.manifestProblem ? " (" + found.manifestProblem + ")" : "") +
              ".",
          );
        }
      })
      .catch(function (e) {
        show("This page could not start (" + e.message + "). " + REBUILD);
      });
  }
})();
