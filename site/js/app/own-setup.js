// own-setup.js: the figure's title, and "Your setup". Runs whose settings are a chapter's setup are
// that chapter's experiment: the title names the chapter ("3/14 · Clones"). Any other settings (a
// link's, or the reader's own) are "Your setup": the title says so. A link that brings its own settings
// also opens with a block at the top of the story that says these are the link's settings, lists what
// differs from the default, names the step shown, and leads back to the chapters (whose list below it
// still works). The block goes away once the figure shows a chapter again.
//
//   createOwnSetup(app, {title, story, storyBox})   the figure's title element, app/story.js and its box
import { t, formatNumber } from "../platform/i18n.js";
import { el, setText } from "../platform/dom.js";
import { labelKey as labelKeyOf, choiceKey as choiceKeyOf } from "./controls.js";
import { SIDES } from "./panels.js";

/** The run settings that differ from the default, in words: general ones, then one line per side. */
export function describeSetup(app, values) {
  const codeKey = (side) => app.schema.codeKey[side];
  const labelKey = (name) => labelKeyOf(name, app.schema.sides);
  const choiceKey = (name, v) => choiceKeyOf(name, v, app.schema.sides);
  const diff = app.links.differences(values);
  const shown = (name, v) => {
    const spec = app.schema.spec(name);
    return spec.type === "choice" ? t(choiceKey(name, v)) : typeof v === "number" ? formatNumber(v, 4) : v;
  };
  const lines = [];
  for (const { name, value } of diff) {
    if (!SIDES.some((s) => name.startsWith(`${s}_`) || name === codeKey(s)))
      lines.push(`${t(labelKey(name))}: ${shown(name, value)}`);
  }
  for (const side of SIDES) {
    const mine = diff.filter((d) => d.name.startsWith(`${side}_`) || d.name === codeKey(side));
    if (!mine.length) continue;
    const init = values[`${side}_init`];
    const param = app.schema.initParam[init];
    let name = t(choiceKey(`${side}_init`, init));
    if (param) {
      // the init's number, also when it is the default one ("normal σ = 0.5")
      const symbol = t(`param.${param}`);
      const value = formatNumber(values[`${side}_scale`], 4);
      name = name.endsWith(symbol) ? `${name} = ${value}` : `${name}, ${symbol} = ${value}`;
    }
    const parts = [name];
    for (const { name: key, value } of mine) {
      if (key === `${side}_bias`) parts.push(`${t("ctl.bias")} ${formatNumber(value, 4)}`);
      else if (key === `${side}_init_seed`) parts.push(`${t("ctl.init_seed")} ${value}`);
      else if (key === codeKey(side)) parts.push(t("own.code"));
    }
    lines.push(`${t(`side.${side}`)}: ${parts.join(", ")}`);
  }
  return lines;
}

export function createOwnSetup(app, { title, story, storyBox }) {
  const { state } = app;
  const box = el("section", { class: "own-setup", id: "own-setup", "aria-labelledby": "own-setup-title" });
  box.hidden = true;
  storyBox.prepend(box);
  let fromLink = app.link0.own; // the block shows a link's own settings until a chapter is shown

  function renderTitle() {
    const id = state.get("chapter");
    const n = app.links.chapterNo(id);
    const text = app.isChapterRun
      ? t("figure.title", {
          n: String(n),
          total: String(app.chapters.length),
          title: app.content.text(id).title,
        })
      : t("figure.ownTitle");
    setText(title, text);
  }

  function renderBlock(step) {
    const own = fromLink && !app.isChapterRun;
    if (!own) {
      fromLink = false;
      box.hidden = true;
      return;
    }
    const lines = describeSetup(app, state.all());
    box.replaceChildren(
      el("h2", { id: "own-setup-title" }, t("own.title")),
      el("p", {}, t("own.lead", { step: String(step ?? 0) })),
      lines.length
        ? el(
            "ul",
            { class: "own-diff" },
            lines.map((line) => el("li", {}, line)),
          )
        : null,
      el(
        "p",
        { class: "own-actions" },
        el(
          "button",
          { type: "button", onclick: () => story.scrollTo(app.chapterNo, { focus: true }) },
          t("own.back", { title: app.content.text(state.get("chapter")).title }),
        ),
      ),
    );
    box.hidden = false;
  }

  app.on("transport", renderTitle);
  app.on("changed-state", () => {
    renderTitle();
    renderBlock(app.step);
  });
  app.on("language", () => renderBlock(app.step));
  app.on("link", (link) => {
    fromLink = link.own;
    renderBlock(link.step);
    // read in the story (not from the lab below it): the block that says what the figure shows comes into
    // view
    const r = storyBox.getBoundingClientRect();
    if (link.own && r.bottom > innerHeight / 2 && r.top < innerHeight / 2)
      box.scrollIntoView({ block: "start" });
  });
  renderTitle();
  renderBlock(app.link0.step);
  return { renderTitle };
}
