// notices.js: the figure's notices — what a link could not set, and what stopped or went wrong — as
// plain text (never HTML), each with at most one action (e.g. "Restart Python").
//
//   renderNotices(box, [{text, action?: {label, run}}])   the box is hidden when the list is empty
//   linkNotices(link)                                      a link's refused settings in words (links.js)
import { t } from "../platform/i18n.js";
import { el } from "../platform/dom.js";

export function renderNotices(box, list) {
  const key = JSON.stringify(list.map((n) => [n.text, n.action && n.action.label]));
  if (box.dataset.key === key) return; // the same notices: keep the buttons (and the focus on them)
  box.dataset.key = key;
  box.replaceChildren(
    ...list.map((n) =>
      el(
        "p",
        {},
        n.text,
        n.action ? el("button", { type: "button", onclick: n.action.run }, n.action.label) : null,
      ),
    ),
  );
  box.hidden = list.length === 0;
}

export function linkNotices(link) {
  const list = link.notices.map((n) => ({ text: t(n.error.key, { ...n.error.params, name: n.name }) }));
  if (link.more) list.push({ text: t("error.moreNotices", { n: String(link.more) }) });
  return list;
}
