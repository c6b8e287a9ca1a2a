// python-start.js: when the Python worker may download its runtime (about 16 MB) and start it.
//   - at once: check.html, an embed the reader started, a restart;
//   - after the page's first screen is drawn, when the page says so (<html data-python-start=
//     "after-first-paint">, the lab: it sets data-first-paint-ms): the runtime's downloads and its
//     compiling then do not compete with the page's own files and layout; at most CAP_MS later;
//   - on a click when the browser asks to save data (navigator.connection.saveData): a button in the
//     loading status says what it costs; once clicked, later starts (a restart) do not ask again.
// The worker itself (one small file) is created at once either way: with ?hold in its URL it answers
// heartbeats and queues calls, and downloads nothing before {type: "pyinit:go"} (js/platform/worker.js).

const CAP_MS = 1500;
let consented = false; // the reader pressed "Start Python" (data saver)

/** The worker's URL asking it to wait for go(). */
export function holdURL(url) {
  const u = new URL(url);
  u.searchParams.set("hold", "1");
  return u;
}

const saveData = () => !!(navigator.connection && navigator.connection.saveData);

/** Resolves when the page's first screen is drawn, if the page asked to wait for it; at most CAP_MS. */
function firstScreen() {
  const html = document.documentElement;
  if (html.dataset.pythonStart !== "after-first-paint" || "firstPaintMs" in html.dataset)
    return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      obs.disconnect();
      clearTimeout(timer);
      resolve();
    };
    const obs = new MutationObserver(() => "firstPaintMs" in html.dataset && done());
    obs.observe(html, { attributes: true, attributeFilter: ["data-first-paint-ms"] });
    const timer = setTimeout(done, CAP_MS);
  });
}

/** A button in the loading status `root` that resolves when pressed (data saver). `say(key)` shows a
 * message of the loading screen (and shows it again in another language). */
function askFirst(root, text, say) {
  return new Promise((resolve) => {
    const message = root.querySelector("#boot-message");
    const button = Object.assign(document.createElement("button"), {
      type: "button",
      className: "boot-start",
    });
    button.textContent = text("start");
    message.removeAttribute("data-i18n"); // the page's static texts must not put "Loading…" back
    say("saveData");
    message.after(button);
    root.hidden = false;
    document.documentElement.dataset.pythonHeld = "save-data";
    button.addEventListener("click", () => {
      consented = true;
      button.remove();
      say("loading");
      delete document.documentElement.dataset.pythonHeld;
      resolve();
    });
  });
}

/** Let the worker client's worker go when the page's policy allows (see above). */
export async function releaseWhenAllowed(client, { root, text, say }) {
  // a start from a click (e.g. an embed's "Run in your browser") is the reader's consent already
  if (navigator.userActivation && navigator.userActivation.isActive) consented = true;
  if (saveData() && !consented) await askFirst(root, text, say);
  else await firstScreen();
  client.worker.postMessage({ type: "pyinit:go" });
}
