// address.js: the lab page's address follows its state, and a changed address is read like a link.
// The hash holds the state (schema.serialize: non-default values) and, when paused, the shown step;
// the query a link came with is dropped at the first write. A hash set by someone else (a pasted
// link, back/forward, `location.hash = …`) is read by app.applyLink, as the first load was; an
// in-page anchor (#more, #story) is not settings and changes nothing.
//
//   followAddress(app)
const WRITE_DELAY_MS = 150;

export function followAddress(app) {
  const { schema, state, controller, session } = app;
  let timer = 0;
  let known = location.hash; // the hash we wrote or read last: any other one is a paste on its way
  function write() {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (location.hash !== known) return; // someone else just set the hash: its hashchange comes next
      const rec = controller.record;
      const step = rec && !controller.playing ? rec.step : 0;
      const hash = schema.serialize({ ...state.all(), step: session.pending ?? step });
      const url = `${location.pathname}${hash ? `#${hash}` : ""}`;
      if (url !== location.pathname + location.search + location.hash) history.replaceState(null, "", url);
      known = location.hash;
    }, WRITE_DELAY_MS);
  }
  app.on("changed-state", write);
  app.on("changed", (why) => {
    if (["stopped", "source", "pause", "seek", "step", "back"].includes(why)) write();
  });
  window.addEventListener("hashchange", () => {
    known = location.hash;
    if (!location.hash.includes("="))
      write(); // an in-page anchor (#more, #story), not settings
    else app.applyLink(app.links.read(location.hash));
  });
  return { write };
}
