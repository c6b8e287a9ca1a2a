// chapter-views-lazy.js: the chapters' experiments (./chapter-views.js and its experiments/, charts
// and tables: a quarter of the lab's code) behind a dynamic import(), so the bundled page loads them
// as a separate chunk after its first screen, which has none of them.
//
//   mountChapterViewLazily(box, options) -> {render(), loading}: mountChapterView(box, options) once
//   its module has loaded; render() before that does nothing (the view renders itself when mounted).
import { t } from "../platform/i18n.js";

export function mountChapterViewLazily(box, options) {
  let view = null;
  const loading = import("./chapter-views.js").then(
    ({ mountChapterView }) => (view = mountChapterView(box, options)),
    (e) => {
      // e.g. the chunk is missing on the server: say so where the experiment would be
      const p = document.createElement("p");
      p.className = "view-status";
      p.setAttribute("role", "status");
      p.textContent = t("tour.failed", { message: e.message });
      box.replaceChildren(p);
      console.error("pyinit: a chapter's experiment could not be loaded:", e);
      return null;
    },
  );
  return { render: () => view && view.render(), loading };
}
