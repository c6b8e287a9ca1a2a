// sw.js: offline and repeat visits (README "Offline and repeat visits"). Registered by js/sw-register.js
// unless the URL has sw=0.
//
// Versions, not guesses. A *version* is one build: its build-manifest.json (every file with its sha256),
// named by the first 16 hex digits of the manifest's own sha256, with its own cache "pyinit-v-<id>".
//   - A navigation asks the network for build-manifest.json (3 s timeout). A new manifest becomes the
//     current version atomically *before* the page is answered, and only if the build is complete (all
//     its small files fetched with the right sha256); else (a deploy caught half-way) the last complete
//     version stays current, also offline.
//   - Every page (client) and its Web Worker are pinned to the version the page was loaded with: a page
//     never sees a mix of two builds. Old caches are deleted once no open page is pinned to them.
//   - A file is stored only if its bytes have its manifest's sha256 (else passed through, uncached);
//     bytes with the same hash are copied from older versions (the runtime survives a site update).
//   - Nothing is trusted because it is in a cache: page code of this origin can write into Cache
//     Storage. Every response served from a cache is hashed when read and must match its version's
//     manifest; a cached manifest must hash to its version id; bytes copied from another version are
//     hashed first. A mismatch is deleted, fetched again (and verified) and noted in the state's
//     "tampered" list, which js/platform/sw-register.js names on the page. Left open: offline, the
//     version comes from the state in Cache Storage, which page code could point at a forged version
//     of its own (online, the server's manifest decides).
//   - What it serves carries the build's Content-Security-Policy (manifest "csp") as a header, so the
//     Python worker's script keeps the policy the server would send, on any host.
// Install precaches the small files (not pyodide-*/, vendor/, nor the source modules a bundled build
// ships); the runtime, numpy, the wheel and plotly.js are cached when a page reports that Python is
// ready ("warm", from js/sw-register.js), after the page itself has downloaded them.
/* eslint-env serviceworker */

const PREFIX = "pyinit-v-";
const META = "pyinit-sw-meta";
const BIG = /^(pyodide-[^/]+|vendor)\//;
const MANIFEST = "build-manifest.json";
const NET_TIMEOUT_MS = 3000;
const scope = () => self.registration.scope;
const keyOf = (rel) => new URL(rel, scope()).href;
const cacheName = (vid) => PREFIX + vid;

// ---- persistent state: {current, pins: {clientId: vid}} -----------------------------------------
let statePromise = null;
const manifests = new Map(); // vid -> manifest (parsed)

function loadState() {
  if (!statePromise) {
    statePromise = (async () => {
      const r = await (await caches.open(META)).match("state");
      return r ? r.json() : { current: null, pins: {} };
    })().catch(() => ({ current: null, pins: {} }));
  }
  return statePromise;
}
async function saveState(st) {
  await (
    await caches.open(META)
  ).put("state", new Response(JSON.stringify(st), { headers: { "Content-Type": "application/json" } }));
}

// caches.open() would re-create a cache that cleanup() has just deleted: read through this instead
async function openExisting(name) {
  return (await caches.has(name)) ? caches.open(name) : null;
}

const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
const sha256 = async (buf) => hex(await crypto.subtle.digest("SHA-256", buf));

/** The manifest of version `vid`, if its cache holds one whose bytes hash to `vid` (else null). */
async function manifestOf(vid) {
  if (!vid) return null;
  if (!manifests.has(vid)) {
    const c = await openExisting(cacheName(vid));
    const r = c && (await c.match(keyOf(MANIFEST)));
    if (!r) return null;
    const buf = await r.arrayBuffer();
    if ((await sha256(buf)).slice(0, 16) !== vid) {
      await c.delete(keyOf(MANIFEST)); // not the manifest of this version: the version is incomplete again
      await noteTampered(vid, MANIFEST);
      return null;
    }
    try {
      manifests.set(vid, JSON.parse(new TextDecoder().decode(buf)));
    } catch {
      return null;
    }
  }
  return manifests.get(vid);
}

/** Remember that a cached file of `vid` did not match its manifest (pages read state.tampered). */
async function noteTampered(vid, rel) {
  console.warn(`pyinit sw: the cached ${rel} of build ${vid} did not match its manifest; fetching it again.`);
  const st = await loadState();
  const others = (st.tampered || []).filter((x) => x.file !== rel);
  st.tampered = [...others, { file: rel, version: vid }].slice(-20);
  await saveState(st);
}

const SCRIPT_OR_PAGE = /\.(m?js|html)$/;
const OWN_POLICY = new Set(["sandbox.html"]); // the code sandbox: its own policy (tools/server.py SANDBOX_CSP)
/** A response with `buf` as body for `rel` of `manifest`: its type, and the build's CSP for pages and scripts. */
function served(buf, type, rel, manifest) {
  const headers = { "Content-Type": type || "application/octet-stream", "X-Content-Type-Options": "nosniff" };
  if (manifest.csp && SCRIPT_OR_PAGE.test(rel) && !OWN_POLICY.has(rel))
    headers["Content-Security-Policy"] = manifest.csp;
  return new Response(buf, { status: 200, headers });
}

/** The bytes of `rel` in cache `name` if there and hashing to `sha`; a mismatch is deleted and noted. */
async function cachedBytes(name, rel, sha) {
  const cache = await openExisting(name);
  const hit = cache && (await cache.match(keyOf(rel)));
  if (!hit) return null;
  const type = hit.headers.get("Content-Type");
  const buf = await hit.arrayBuffer();
  if ((await sha256(buf)) === sha) return { buf, type };
  await cache.delete(keyOf(rel));
  await noteTampered(name.slice(PREFIX.length), rel);
  return null;
}

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error("timeout")), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The network's manifest as {vid, text, manifest}, or null (offline, error, not a manifest). */
async function networkManifest() {
  try {
    const r = await withTimeout(fetch(keyOf(MANIFEST), { cache: "no-store" }), NET_TIMEOUT_MS);
    if (!r.ok) return null;
    const buf = await r.arrayBuffer();
    const manifest = JSON.parse(new TextDecoder().decode(buf));
    if (!manifest || typeof manifest.files !== "object") return null;
    return { vid: (await sha256(buf)).slice(0, 16), buf, manifest };
  } catch {
    return null;
  }
}

/**
 * Make a network manifest the current version -- only once it is complete: every small file of it
 * fetched and verified (its sha256 as the manifest says). A deploy caught half-way (a new manifest
 * next to old files) or a server with other bytes is not adopted: the last complete version stays
 * current, and state.stale says which files did not match (pages show data-sw="stale-deploy"); the
 * next navigation tries again, fetching only what is still missing. Returns the version to use.
 */
async function adopt(net, st) {
  const cache = await caches.open(cacheName(net.vid));
  if (!(await cache.match(keyOf(MANIFEST)))) {
    manifests.set(net.vid, net.manifest);
    const small = servedFiles(net.manifest).filter((rel) => !BIG.test(rel));
    const failed = [];
    await Promise.all(
      small.map(async (rel) => {
        try {
          const r = await ensure(net.vid, rel);
          if (!r || !r.ok || r.headers.get("X-Pyinit-SW")) failed.push(rel);
        } catch {
          failed.push(rel);
        }
      }),
    );
    if (failed.length) {
      manifests.delete(net.vid); // not a version (yet): its verified files wait in its cache
      st.stale = {
        version: net.vid,
        failed: failed.sort(),
        since: st.stale?.version === net.vid ? st.stale.since : Date.now(),
      };
      await saveState(st);
      console.warn(
        `pyinit sw: the server's build ${net.vid} is incomplete (${failed.length} file(s) do not match ` +
          `its manifest: ${failed.slice(0, 5).join(", ")}${failed.length > 5 ? ", …" : ""}); staying on ${st.current || "the network"}.`,
      );
      return st.current;
    }
    // the manifest goes in last: a version whose manifest is cached has all its small files
    await cache.put(
      keyOf(MANIFEST),
      new Response(net.buf, { headers: { "Content-Type": "application/json" } }),
    );
  }
  if (st.current !== net.vid || st.stale) {
    st.current = net.vid;
    delete st.stale;
    await saveState(st);
  }
  return net.vid;
}

/** The files pages load: not the source modules a bundled build ships (cached only when asked for). */
function servedFiles(manifest) {
  const sources = new Set((manifest.bundles && manifest.bundles.sources) || []);
  return Object.keys(manifest.files).filter((rel) => !sources.has(rel));
}

/**
 * The response of `rel` in version `vid`: from its cache if the bytes there hash as its manifest says,
 * else from another version's cache (same check), else from the network (checked, then stored).
 * A cached entry that does not match is deleted and noted (noteTampered). `present` (warming the
 * cache, nothing is served): a cached entry counts as it is; it is checked when it is served.
 */
async function ensure(vid, rel, { present = false } = {}) {
  const manifest = await manifestOf(vid);
  const entry = manifest && manifest.files[rel];
  if (!entry) return null;
  const cache = await caches.open(cacheName(vid));
  const key = keyOf(rel);
  if (present) {
    const hit = await cache.match(key);
    if (hit) return hit;
  }
  // this version's cache, else the same bytes in another version's (content-addressed reuse): checked
  const own = cacheName(vid);
  for (const name of [own, ...(await caches.keys()).filter((n) => n.startsWith(PREFIX) && n !== own)]) {
    const other = name === own ? manifest : await manifestOf(name.slice(PREFIX.length));
    if (!other || !other.files[rel] || other.files[rel].sha256 !== entry.sha256) continue;
    const found = await cachedBytes(name, rel, entry.sha256);
    if (!found) continue;
    if (name !== own) await cache.put(key, served(found.buf, found.type, rel, manifest));
    return served(found.buf, found.type, rel, manifest);
  }
  // immutable files (versioned paths) may come from the HTTP cache; others are revalidated
  const immutable = (manifest.immutable || []).includes(rel);
  const r = await fetch(key, { cache: immutable ? "default" : "no-cache" });
  if (!r.ok) return r; // passed through (not cached)
  const buf = await r.arrayBuffer();
  const fresh = served(buf, r.headers.get("Content-Type"), rel, manifest);
  if ((await sha256(buf)) !== entry.sha256) {
    fresh.headers.set("X-Pyinit-SW", "passthrough (not the bytes of this version)");
    return fresh; // the server has other bytes than this version: pass them on, never store them
  }
  await cache.put(key, fresh.clone());
  return fresh;
}

/** Delete the caches of versions no open page uses (and forget pins of closed pages). */
async function cleanup() {
  const st = await loadState();
  const alive = new Set(
    (await self.clients.matchAll({ includeUncontrolled: true, type: "all" })).map((c) => c.id),
  );
  // (a client pinned in the last 10 s may not be listed yet: a worker whose script is still loading)
  for (const id of Object.keys(st.pins))
    if (!alive.has(id) && !(Date.now() - (pinnedAt.get(id) || 0) < 10000)) delete st.pins[id];
  const used = new Set([st.current, st.stale && st.stale.version, ...Object.values(st.pins)]);
  for (const name of await caches.keys()) {
    if (name.startsWith(PREFIX) && !used.has(name.slice(PREFIX.length))) {
      manifests.delete(name.slice(PREFIX.length));
      await caches.delete(name);
    }
  }
  await saveState(st);
}

self.addEventListener("install", (ev) => {
  ev.waitUntil(
    (async () => {
      const net = await networkManifest();
      if (net) await adopt(net, await loadState());
      await self.skipWaiting();
    })(),
  );
});
self.addEventListener("activate", (ev) => {
  ev.waitUntil(cleanup());
});

// ---- requests ---------------------------------------------------------------------------------
const pinnedAt = new Map(); // clientId -> when it was pinned (this service worker's lifetime)
function pin(st, id, vid) {
  st.pins[id] = vid;
  pinnedAt.set(id, Date.now());
}

async function versionFor(ev, st) {
  if (ev.request.mode === "navigate") {
    const net = await networkManifest();
    const vid = net ? await adopt(net, st) : st.current;
    if (ev.resultingClientId && vid) {
      pin(st, ev.resultingClientId, vid);
      await saveState(st);
    }
    return vid;
  }
  const vid = st.pins[ev.clientId] || st.current;
  // a worker started by a pinned page is pinned to the page's version
  if (ev.resultingClientId && vid && ["worker", "sharedworker"].includes(ev.request.destination)) {
    pin(st, ev.resultingClientId, vid);
    await saveState(st);
  }
  return vid;
}

async function respond(ev, rel) {
  const st = await loadState();
  const vid = await versionFor(ev, st);
  const manifest = await manifestOf(vid);
  if (!manifest) return fetch(ev.request);
  if (rel === MANIFEST)
    return new Response(JSON.stringify(manifest), { headers: { "Content-Type": "application/json" } });
  if (!manifest.files[rel]) return fetch(ev.request); // not a file of this build
  let r;
  try {
    r = await ensure(vid, rel);
  } catch (e) {
    return Response.error();
  }
  if (!r) return fetch(ev.request);
  if (ev.request.method === "HEAD") return new Response(null, { status: r.status, headers: r.headers });
  return r;
}

const bypass = new Set(); // pages opened with sw=0 (and their workers): not served by us at all

self.addEventListener("fetch", (ev) => {
  const req = ev.request;
  if (req.method !== "GET" && req.method !== "HEAD") return;
  const url = new URL(req.url);
  if (!url.href.startsWith(scope())) return;
  if (bypass.has(ev.clientId)) {
    if (ev.resultingClientId) bypass.add(ev.resultingClientId);
    return;
  }
  if (url.searchParams.get("sw") === "0") {
    // opt-out: this page and everything it loads go to the network
    if (ev.resultingClientId) {
      bypass.add(ev.resultingClientId);
      ev.waitUntil(
        loadState().then((st) => {
          st.pins[ev.resultingClientId] = "off";
          return saveState(st);
        }),
      );
    }
    return;
  }
  let rel = decodeURIComponent(url.pathname.slice(new URL(scope()).pathname.length));
  if (rel === "" || rel.endsWith("/")) rel += "index.html";
  if (rel === "sw.js") return;
  ev.respondWith(respond(ev, rel));
  if (req.mode === "navigate") ev.waitUntil(new Promise((r) => setTimeout(r, 1000)).then(cleanup));
});

// ---- messages from pages ------------------------------------------------------------------------
// {type: "pyinit-sw:warm"}  cache every file of the sender's version (runtime included); replies
//   {type: "pyinit-sw:warmed", version, files, failed, stale, tampered}
// {type: "pyinit-sw:info"}  replies {type: "pyinit-sw:info", version, current, caches, pinned: {window: n,
//   worker: n}, stale, tampered}
// {type: "pyinit-sw:tampered-seen", files}  a page has shown these tampered files: forget them
// stale: null, or {version, failed: [files]}: the server's newest build was not adopted, those files did
// not match its manifest (a deploy in progress, or a broken one). tampered: [{file, version}]: cached
// files that did not match their manifest when read (replaced by the server's), not yet shown.
self.addEventListener("message", (ev) => {
  const d = ev.data || {};
  // answer on the MessagePort the page sent, if any, else to the page itself
  const reply = (msg) =>
    ev.ports && ev.ports[0] ? ev.ports[0].postMessage(msg) : ev.source && ev.source.postMessage(msg);
  ev.waitUntil(
    (async () => {
      const st = await loadState();
      const vid = (ev.source && st.pins[ev.source.id]) || st.current;
      const stale = st.stale ? { version: st.stale.version, failed: st.stale.failed } : null;
      const tampered = Array.isArray(st.tampered) ? st.tampered : [];
      if (d.type === "pyinit-sw:warm") {
        const manifest = await manifestOf(vid);
        if (!manifest)
          return reply({ type: "pyinit-sw:warmed", version: null, files: 0, failed: [], stale, tampered });
        const failed = [];
        const rels = servedFiles(manifest);
        for (const rel of rels) {
          try {
            const r = await ensure(vid, rel, { present: true });
            if (!r || !r.ok || r.headers.get("X-Pyinit-SW")) failed.push(rel);
          } catch {
            failed.push(rel);
          }
        }
        const files = rels.length - failed.length;
        reply({ type: "pyinit-sw:warmed", version: vid, files, failed, stale, tampered: st.tampered || [] });
      } else if (d.type === "pyinit-sw:info") {
        const kinds = {};
        for (const c of await self.clients.matchAll({ type: "all" }))
          if (st.pins[c.id]) kinds[c.type] = (kinds[c.type] || 0) + 1;
        reply({
          type: "pyinit-sw:info",
          version: vid,
          current: st.current,
          pinned: kinds,
          stale,
          tampered,
          caches: (await caches.keys()).filter((n) => n.startsWith(PREFIX)),
        });
      } else if (d.type === "pyinit-sw:tampered-seen" && Array.isArray(d.files)) {
        st.tampered = tampered.filter((x) => !d.files.includes(x.file));
        await saveState(st);
      }
    })(),
  );
});
