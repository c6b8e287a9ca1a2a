/* pyinit embed host helper (optional, ~1 kB). Put it on the page that holds pyinit iframes:
 *
 *   <script src="https://YOUR-SITE/pyinit/embed-host.js" defer></script>
 *   <iframe src="https://YOUR-SITE/pyinit/embed.html?panels=loss" ...></iframe>
 *
 * It resizes every iframe that sends {type: "pyinit:height", height} to that height (only if the
 * message really comes from that iframe's window and origin), and offers
 *   pyinitEmbed.send(iframe, command, args, timeoutMs) -> Promise of the embed's reply
 * for the embed's command API (the embed URL needs api=1; commands: step {n: 1..1000}, play, pause,
 * reset, setState {state: {key: value}}). The embed runs commands one at a time, in order, and replies
 * to each ({ok, step, playing, error?}); the promise rejects if no reply comes within timeoutMs
 * (default 60 s: e.g. a command the embed ignored). Works from a file:// page too. Message formats:
 * README, "Embedding". No globals besides window.pyinitEmbed; no dependencies.
 */
(function () {
  "use strict";
  var pending = {};
  var nextId = 1;

  function frameOf(source, origin) {
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      var f = frames[i];
      if (f.contentWindow !== source) continue;
      try {
        if (new URL(f.src, location.href).origin !== origin) return null;
      } catch (e) {
        return null;
      }
      return f;
    }
    return null;
  }

  window.addEventListener("message", function (ev) {
    var d = ev.data;
    if (!d || typeof d !== "object" || typeof d.type !== "string" || d.type.indexOf("pyinit:") !== 0) return;
    var frame = frameOf(ev.source, ev.origin);
    if (!frame) return;
    if (d.type === "pyinit:height") {
      var h = Number(d.height);
      if (isFinite(h) && h > 0) frame.style.height = Math.min(Math.ceil(h), 20000) + "px";
    } else if (d.type === "pyinit:reply" && pending.hasOwnProperty(d.requestId)) {
      pending[d.requestId](d);
      delete pending[d.requestId];
    } else if (d.type === "pyinit:status") {
      frame.setAttribute("data-pyinit-phase", String(d.phase));
      frame.dispatchEvent(new CustomEvent("pyinit:status", { detail: { phase: d.phase, step: d.step } }));
    }
  });

  window.pyinitEmbed = {
    send: function (iframe, command, args, timeoutMs) {
      var id = "h" + nextId++;
      var origin = new URL(iframe.src, location.href).origin;
      var limit = timeoutMs > 0 ? timeoutMs : 60000;
      return new Promise(function (resolve, reject) {
        var timer = setTimeout(function () {
          delete pending[id];
          reject(
            new Error(
              'pyinit embed: no reply to "' +
                command +
                '" within ' +
                limit / 1000 +
                " s (the embed " +
                "URL needs api=1, and this page's origin must be in the build's allow-list)",
            ),
          );
        }, limit);
        pending[id] = function (reply) {
          clearTimeout(timer);
          resolve(reply);
        };
        iframe.contentWindow.postMessage(
          { type: "pyinit:command", command: command, args: args || {}, requestId: id },
          origin,
        );
      });
    },
  };
})();
