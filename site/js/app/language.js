// language.js: which language the page starts in, and the language switch.
// The state key `lang` (URL) wins; otherwise the choice remembered in localStorage; otherwise
// English. Switching re-renders every text and chart from the data already on the page: the runs,
// the step and the settings are untouched.
import { setLanguage, languages, t } from "../platform/i18n.js";
import { el } from "../platform/dom.js";

const STORAGE_KEY = "pyinit.lang";

export function remembered() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
export function remember(code) {
  try {
    localStorage.setItem(STORAGE_KEY, code);
  } catch {
    /* private mode: not remembered */
  }
}

/** The language to start with, applied before anything is drawn: "en", "pl", … The URL's; else, on
 * the lab page, the one the reader chose last time (an embed follows its URL only). */
export function startLanguage(query, { remembered: useRemembered = true } = {}) {
  const p = new URLSearchParams(query.replace(/^[?#]/, ""));
  const fromUrl = p.getAll("lang").pop(); // the last one: a hash key comes after a query key
  const stored = useRemembered ? remembered() : null;
  const code =
    fromUrl && languages().includes(fromUrl)
      ? fromUrl
      : stored && languages().includes(stored)
        ? stored
        : "en";
  setLanguage(code);
  return code;
}

/** Language switch: one button per language, the current one pressed. */
export function createLanguageSwitch(container, { get, set }) {
  const group = el("div", { role: "group", class: "lang-switch", "aria-labelledby": "lang-label" });
  const label = el("span", { id: "lang-label", class: "lang-label" });
  container.replaceChildren(label, group);
  function render() {
    // the buttons are made anew: a keyboard user keeps the focus on the same language's button
    const focused = group.contains(document.activeElement) ? document.activeElement.dataset.lang : null;
    label.textContent = t("lang.label");
    group.replaceChildren(
      ...languages().map((code) =>
        el(
          "button",
          {
            type: "button",
            lang: code,
            "data-lang": code,
            "aria-pressed": String(get() === code),
            onclick: () => {
              if (get() !== code) set(code);
            },
          },
          t(`lang.${code}`),
        ),
      ),
    );
    if (focused) group.querySelector(`[data-lang="${focused}"]`).focus();
  }
  render();
  return { render };
}

/** A visually hidden polite live region for short announcements. */
export function liveRegion(id = "sr-announce") {
  let live = document.getElementById(id);
  if (!live) {
    live = el("div", { id, class: "sr-live", role: "status", "aria-live": "polite" });
    document.body.append(live);
  }
  return (text) => {
    live.textContent = "";
    requestAnimationFrame(() => {
      live.textContent = text;
    });
  };
}

/** The lab's language switch in `box`, for a figure app: the choice is remembered and announced. */
export function wireLanguageSwitch(app, box, { announce, onChange }) {
  const sw = createLanguageSwitch(box, {
    get: () => app.state.get("lang"),
    set: (code) => app.state.set({ lang: code }),
  });
  app.on("language", (code) => {
    remember(code);
    sw.render();
    onChange(code);
    announce(t("lang.changed"));
  });
  return sw;
}
