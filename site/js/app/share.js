// share.js: "Copy link" and "Copy embed code" for the lab page. Both are made from the one state
// object (schema.js serialize()), plus the step shown right now (for the embed code only when the
// reader ticks "include the current step"). A link is the page's address
// without its query (the state lives in the hash), so a query a link was opened with never outlives
// a change.
//
//   createShareButtons(container, {schema, getValues, getStep}) -> {linkURL(), embedCode()}
import { t, onLanguage } from "../platform/i18n.js";

// what an iframe needs to work inside a sandbox: scripts, its own origin (workers, caches, fetch),
// and popups for its "Open in the full lab" link (unsandboxed, so the lab opens normally)
export const SANDBOX = "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox";

const escapeAttr = (s) =>
  String(s).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The lab's values (embed-only keys dropped) with the current step. */
function shared(schema, values, step) {
  const v = {};
  for (const s of schema.entries) if (s.group !== "embed") v[s.name] = values[s.name];
  v.step = step;
  return v;
}

/** Absolute URL of the lab page that reproduces this state (settings, step, chapter, language). */
export function linkURL(schema, values, step, base = location.href) {
  const u = new URL(base);
  u.search = "";
  u.hash = schema.serialize(shared(schema, values, step));
  return u.href;
}

/** The <iframe> line (and the optional helper script) for embedding this state in another page. */
export function embedCode(schema, values, step, { base = location.href, panels = null } = {}) {
  const v = shared(schema, values, step);
  const query = schema.serialize(panels ? { ...v, panels } : v);
  const src = new URL(`embed.html${query ? `?${query}` : ""}`, new URL(base).origin + new URL(base).pathname)
    .href;
  const host = new URL("embed-host.js", base).href;
  const title = t("embed.frameTitle", {
    left: t(`choice.init.${values.left_init}`),
    right: t(`choice.init.${values.right_init}`),
  });
  return (
    `<iframe src="${escapeAttr(src)}" title="${escapeAttr(title)}" ` +
    `width="100%" height="640" loading="lazy" ` +
    `sandbox="${SANDBOX}" style="border:0;max-width:100%"></iframe>\n` +
    `<script src="${escapeAttr(host)}" defer></script>`
  );
}

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false; // no permission (or an insecure context): the text is shown for copying by hand
  }
}

/**
 * Two buttons and a status line in `container`. getValues() -> state values; getStep() -> shown step.
 * After a click the text is copied and also shown in a read-only box (selected), so it can be copied
 * by hand where the clipboard is not available.
 */
export function createShareButtons(container, { schema, getValues, getStep }) {
  const make = (id, key) => {
    const b = document.createElement("button");
    b.type = "button";
    b.id = id;
    b.dataset.i18n = key;
    b.textContent = t(key);
    return b;
  };
  const linkBtn = make("btn-copy-link", "share.copyLink");
  const embedBtn = make("btn-copy-embed", "share.copyEmbed");
  const status = document.createElement("span");
  status.className = "share-status";
  status.setAttribute("role", "status");
  const box = document.createElement("textarea");
  box.id = "share-text";
  box.className = "share-text";
  box.readOnly = true;
  box.rows = 3;
  box.hidden = true;
  box.dataset.i18nAttr = "aria-label:share.copyLink"; // applyStatic words it again in another language
  box.setAttribute("aria-label", t("share.copyLink"));
  // the embed code leaves the step out (an embed starts at the beginning) unless the reader asks for it
  const withStep = document.createElement("input");
  withStep.type = "checkbox";
  withStep.id = "share-include-step";
  const stepLabel = document.createElement("label");
  stepLabel.className = "share-step";
  const stepWords = document.createElement("span");
  stepWords.dataset.i18n = "share.includeStep";
  stepWords.textContent = t("share.includeStep");
  stepLabel.append(withStep, stepWords);
  container.append(linkBtn, embedBtn, stepLabel, status, box);

  let statusKey = null; // the status shown, worded again in another language
  onLanguage(() => {
    if (statusKey) status.textContent = t(statusKey);
  });
  async function show(text, key) {
    box.value = text;
    box.hidden = false;
    box.dataset.i18nAttr = `aria-label:${key}`;
    box.setAttribute("aria-label", t(key));
    const ok = await copy(text);
    statusKey = ok ? "share.copied" : "share.manual";
    status.textContent = t(statusKey);
    box.select();
  }
  const link = () => linkURL(schema, getValues(), getStep());
  const code = () =>
    embedCode(schema, getValues(), withStep.checked ? getStep() : 0, { panels: getValues().panels });
  linkBtn.addEventListener("click", () => show(link(), "share.copyLink"));
  embedBtn.addEventListener("click", () => show(code(), "share.copyEmbed"));
  return { linkURL: link, embedCode: code };
}
