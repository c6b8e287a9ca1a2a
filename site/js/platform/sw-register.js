// sw-register.js: registers the service worker (sw.js) for offline and repeat visits, unless the URL
// says sw=0 (in the query or the #hash), which also removes an existing registration.
// Once the page reports Python ready (<html data-status="ready">), it asks the service worker to cache
// the runtime files of this page's version ("warm"); <html data-sw> tells tests and curious readers
// what happened: "off" | "unsupported" | "registered" | "cached" | "failed" | "stale-deploy" (the
// server's newest build is incomplete -- its manifest names files the server serves other bytes for --
// so this page is the last complete version; data-sw-stale lists those files).
// When the service worker found a cached file that did not match its build (something wrote into this
// origin's caches; it served the server's bytes instead), the page says so in its language and
// <html data-sw-tampered> lists the files.
import { t, onLanguage } from "./i18n.js";

const root = document.documentElement;
const scope = new URL("../../", import.meta.url).href;
const off = (q) => new URLSearchParams(q).get("sw") === "0";
const disabled = off(location.search) || off(location.hash.slice(1));

function whenReady() {
  return new Promise((resolve) => {
    if (root.dataset.status === "ready") return resolve();
    const obs = new MutationObserver(() => {
      if (root.dataset.status === "ready") {
        obs.disconnect();
        resolve();
      }
    });
    obs.observe(root, { attributes: true, attributeFilter: ["data-status"] });
  });
}

/** Python is not loading (ready, failed, or never asked for, as in a lazy embed). */
function whenSettled() {
  return new Promise((resolve) => {
    if (root.dataset.status !== "loading") return resolve();
    const obs = new MutationObserver(() => {
      if (root.dataset.status !== "loading") {
        obs.disconnect();
        resolve();
      }
    });
    obs.observe(root, { attributes: true, attributeFilter: ["data-status"] });
  });
}

/** A ready page's runs are handed over to Python (data-phase leaves "precomputed"), or 5 s passed. */
function whenHandedOver() {
  return new Promise((resolve) => {
    const done = () =>
      root.dataset.status !== "ready" || !["loading", "precomputed"].includes(root.dataset.phase);
    if (done()) return resolve();
    const finish = () => {
      obs.disconnect();
      clearTimeout(timer);
      resolve();
    };
    const obs = new MutationObserver(() => {
      if (done()) finish();
    });
    const timer = setTimeout(finish, 5000);
    obs.observe(root, { attributes: true, attributeFilter: ["data-status", "data-phase"] });
  });
}

/** Ask the service worker `sw` something; its answer (a MessageChannel, so replies never mix). */
function ask(sw, message) {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = (ev) => resolve(ev.data);
    sw.postMessage(message, [ch.port2]);
  });
}

/** Name the cached files the service worker found changed (and replaced), once, on the page. */
function showTampered(sw, tampered) {
  if (!tampered || !tampered.length) return;
  const files = [...new Set(tampered.map((x) => x.file))];
  root.dataset.swTampered = [...new Set([...(root.dataset.swTampered || "").split(" "), ...files])]
    .filter(Boolean)
    .join(" ");
  let note = document.getElementById("sw-tampered");
  if (!note) {
    note = Object.assign(document.createElement("p"), { id: "sw-tampered", className: "notice sw-tampered" });
    note.setAttribute("role", "alert");
    document.body.prepend(note);
    // said again when the catalog arrives (it may not have yet) or the language changes
    const say = () =>
      (note.textContent = t("sw.tampered", { files: root.dataset.swTampered.split(" ").join(", ") }));
    onLanguage(say);
    note.say = say;
  }
  note.say();
  console.warn(`pyinit: cached files did not match this build and were replaced: ${files.join(", ")}`);
  sw.postMessage({ type: "pyinit-sw:tampered-seen", files });
}

async function main() {
  if (!("serviceWorker" in navigator) || location.protocol === "file:" || self.origin === "null") {
    root.dataset.sw = "unsupported";
    return;
  }
  if (disabled) {
    for (const reg of await navigator.serviceWorker.getRegistrations())
      if (reg.scope === scope) await reg.unregister();
    root.dataset.sw = "off";
    return;
  }
  // a page the service worker answered: did it have to replace a changed file on the way?
  const controller = navigator.serviceWorker.controller;
  if (controller)
    ask(controller, { type: "pyinit-sw:info" }).then((info) => showTampered(controller, info.tampered));
  // after the page's own loading, after Python's and after the runs are handed over to Python:
  // installing the service worker precaches the site's small files (hashing each), which would
  // compete with Pyodide's start and the handover for the CPU (it doubled the handover's time)
  if (document.readyState !== "complete")
    await new Promise((r) => window.addEventListener("load", r, { once: true }));
  await whenSettled();
  await whenHandedOver();
  const reg = await navigator.serviceWorker.register(new URL("../../sw.js", import.meta.url), { scope });
  root.dataset.sw = "registered";
  await whenReady();
  // after the page's first busy seconds with Python (the files come from the HTTP cache anyway)
  await new Promise((r) =>
    window.requestIdleCallback ? requestIdleCallback(r, { timeout: 3000 }) : setTimeout(r, 500),
  );
  const sw =
    navigator.serviceWorker.controller ||
    reg.active ||
    (await navigator.serviceWorker.ready.then((r) => r.active));
  const answer = new Promise((resolve) => {
    navigator.serviceWorker.addEventListener("message", (ev) => {
      if (ev.data && ev.data.type === "pyinit-sw:warmed") resolve(ev.data);
    });
  });
  navigator.serviceWorker.startMessages();
  sw.postMessage({ type: "pyinit-sw:warm" });
  const res = await answer;
  showTampered(sw, res.tampered);
  if (res.stale) {
    // The server has a newer build whose files do not all match its manifest (a deploy in progress,
    // or a broken one): this page is the last complete version, which also works offline.
    root.dataset.sw = "stale-deploy";
    root.dataset.swStale = res.stale.failed.join(" ");
    console.warn(
      `pyinit: the server's newest build is incomplete (${res.stale.failed.length} file(s) do not match ` +
        `its manifest, e.g. ${res.stale.failed[0]}); showing the last complete version until it is.`,
    );
  } else {
    root.dataset.sw = !res.version || res.failed.length ? "failed" : "cached";
  }
  root.dataset.swVersion = res.version || "";
}

main().catch((e) => {
  root.dataset.sw = "failed";
  console.warn(`pyinit: service worker not available (${e.message}); the page works without it.`);
});
