// embed/messages.js: the embed <-> host page messages (window.postMessage). Documented in README
// ("Embedding"); site/embed-host.js is the optional host-side helper.
//
// embed -> parent (targetOrigin "*": they carry no secrets, only layout and progress)
//   {type: "pyinit:height", version: 1, height}            content height in CSS px, on every change
//   {type: "pyinit:status", version: 1, phase, step}       phase: "loading" | "precomputed" | "waiting" |
// "live" | "error"
//   {type: "pyinit:reply",  version: 1, requestId, ok, step, playing, error?}   one per accepted command,
//                                                          in the order the commands arrived, sent to the
//                                                          commanding origin only -- except an opaque one
//                                                          ("null": a file:// page, a sandboxed frame), which
//                                                          cannot be named: it gets targetOrigin "*", and
//                                                          only if the allow-list admits it ("*" or "null")
//
// parent -> embed (accepted only if the embed URL has api=1, the message comes from the parent
// window, and the parent's origin is in the build's allow-list, embed-config.json):
//   {type: "pyinit:command", command: "step" | "play" | "pause" | "reset" | "setState",
//    args?: {n?: int (step, 1..1000, default 1), state?: {key: value, ...} (setState)},
//    requestId?: any JSON value}
// Commands run one at a time, in arrival order. Invalid args get a reply with ok: false and an error
// naming the argument, its range and the value. Anything else is ignored without a reply.
//
// Who may command: the allow-list is "*" unless the build names origins (--embed-origins), so any
// page that frames an embed with api=1 may. That is safe because a command can do only what the
// reader's controls do, and never run code: init code a command brings (setState {code: …}) waits
// for the reader's own click on "Run this code" inside the embed, as a link's does (the one code
// gate, app/code-gate.js, holds it whatever the origin). A command cannot click or approve.

export const PROTOCOL_VERSION = 1;
export const COMMANDS = ["step", "play", "pause", "reset", "setState"];
export const MAX_STEP_N = 1000; // steps one "step" command may ask for

function post(msg, targetOrigin = "*") {
  if (window.parent === window) return; // not in a frame: nobody to tell
  window.parent.postMessage({ version: PROTOCOL_VERSION, ...msg }, targetOrigin);
}

/** Report the document height now and on every change (ResizeObserver, rounded up, deduplicated). */
export function startHeightReports(el = document.body) {
  let last = -1;
  const send = () => {
    // the body's own height (the document's is at least the iframe's, so it could never shrink)
    const cs = getComputedStyle(el);
    const h = Math.ceil(
      el.getBoundingClientRect().height + parseFloat(cs.marginTop) + parseFloat(cs.marginBottom),
    );
    if (h === last) return;
    last = h;
    post({ type: "pyinit:height", height: h });
  };
  new ResizeObserver(send).observe(el);
  send();
  return send;
}

export function reportStatus(phase, step) {
  post({ type: "pyinit:status", phase, step });
}

/**
 * The build's allow-list: embed-config.json {"commandOrigins": "*" | ["https://a.example", ...]}.
 * A missing or unreadable file means "*" (any origin, still only with api=1).
 */
export async function loadAllowList(url = new URL("../../embed-config.json", import.meta.url)) {
  try {
    const r = await fetch(url, { cache: "no-cache" });
    if (!r.ok) return "*";
    const cfg = await r.json();
    const o = cfg && cfg.commandOrigins;
    return Array.isArray(o) ? o.filter((x) => typeof x === "string") : "*";
  } catch {
    return "*";
  }
}

export function originAllowed(origin, allow) {
  return allow === "*" || (Array.isArray(allow) && allow.includes(origin));
}

/** Check a command's arguments before its handler sees them; returns an error text or null. */
export function argsError(command, args) {
  if (command === "step" && "n" in args) {
    const n = args.n;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_STEP_N) {
      const got = typeof n === "number" ? String(n) : (JSON.stringify(n) ?? String(n));
      return `args.n must be an integer from 1 to ${MAX_STEP_N}, got ${got.slice(0, 60)}`;
    }
  }
  return null;
}

/** Where a reply to `origin` goes: the origin itself, or "*" for an opaque origin ("null": a file://
 *  page or a sandboxed frame), which has no name to address it by. */
export function replyTarget(origin) {
  return origin === "null" ? "*" : origin;
}

/**
 * Listen for commands. handlers: {step({n}), play(), pause(), reset(), setState({state}) -> {errors}}
 * each may return a promise. Commands run strictly one at a time, in arrival order: a handler starts
 * only after the previous command's handler has settled and its reply was sent; each reply carries
 * the step after *its* command. Returns {accepted, ignored} counters (read by tests).
 */
export function listenForCommands({ enabled, allow, handlers, current }) {
  const counts = { accepted: 0, ignored: 0 };
  let queue = Promise.resolve();
  window.addEventListener("message", (ev) => {
    const d = ev.data;
    if (!d || typeof d !== "object" || d.type !== "pyinit:command") return;
    const fromParent = ev.source === window.parent && window.parent !== window;
    if (!enabled || !fromParent || !originAllowed(ev.origin, allow) || !COMMANDS.includes(d.command)) {
      counts.ignored++;
      console.warn(
        `pyinit embed: ignored a command from ${ev.origin} (${
          !enabled
            ? "api=1 not set"
            : !fromParent
              ? "not the parent window"
              : !COMMANDS.includes(d.command)
                ? "unknown command"
                : "origin not allowed"
        })`,
      );
      return;
    }
    counts.accepted++;
    const args = d.args && typeof d.args === "object" && !Array.isArray(d.args) ? d.args : {};
    const origin = ev.origin;
    queue = queue
      .then(async () => {
        let error = argsError(d.command, args);
        if (!error) {
          try {
            const r = await handlers[d.command](args);
            if (r && r.errors && Object.keys(r.errors).length)
              error = `refused: ${Object.keys(r.errors).join(", ")}`;
          } catch (e) {
            error = String((e && e.message) || e);
          }
        }
        let state = {};
        try {
          state = current();
        } catch {
          /* the reply still goes out */
        }
        post(
          {
            type: "pyinit:reply",
            requestId: d.requestId ?? null,
            ok: !error,
            ...(error ? { error } : {}),
            ...state,
          },
          replyTarget(origin),
        );
      })
      .catch((e) => console.error("pyinit embed: a command reply failed", e));
  });
  return counts;
}
