// export-menu.js: "Download" under the figure: the figure as a PNG (at twice its size on screen or a
// chosen width) and the chapter's animation as a video (export-video.js), with a progress bar while it
// records. Nothing here blocks the page: every picture is made between animation frames.
//
//   createDownloads(app, {tools, panels})   tools: where the menu goes; panels: the figure's panels
import { t } from "../platform/i18n.js";
import { el } from "../platform/dom.js";
import { figurePNG, fileName, downloadBlob } from "./export.js";
import { recordVideo, videoType } from "./export-video.js";
import { recordGIF } from "./export-gif.js";
import { figureSVG } from "./export-svg.js";

const WIDTHS = ["2x", "1280", "1920", "3840"];

export function createDownloads(app, { tools, panels }) {
  const menu = el("details", { class: "downloads" });
  const summary = el("summary", {});
  const width = el("select", { id: "export-width", class: "export-width" });
  const widthLabel = el("label", { for: "export-width" });
  const png = el("button", { type: "button", "data-format": "png" });
  const video = el("button", { type: "button", "data-format": "webm" });
  const gif = el("button", { type: "button", "data-format": "gif" });
  const svg = el("button", { type: "button", "data-format": "svg" });
  const progress = el("progress", { class: "export-progress", max: "1", value: "0", hidden: "" });
  const note = el("span", { class: "export-note", role: "status" });
  menu.append(
    summary,
    el("div", { class: "downloads-body" }, widthLabel, width, png, svg, video, gif, progress, note),
  );
  tools.append(menu);

  function render() {
    setLabel(summary, t("export.download"));
    widthLabel.textContent = t("export.width");
    const keep = width.value || "2x";
    width.replaceChildren(
      ...WIDTHS.map((w) => el("option", { value: w }, w === "2x" ? t("export.double") : `${w} px`)),
    );
    width.value = keep;
    png.textContent = t("export.png");
    video.textContent = t("export.video");
    gif.textContent = t("export.gif");
    svg.textContent = t("export.svg");
    gif.disabled = busy;
    video.disabled = busy || !(videoType() || typeof VideoEncoder !== "undefined");
  }
  const setLabel = (e, text) => (e.textContent = text);
  const chosenWidth = () => (width.value === "2x" ? 0 : Number(width.value));

  let busy = false;
  async function run(job) {
    if (busy) return;
    busy = true;
    png.disabled = svg.disabled = video.disabled = gif.disabled = true;
    note.textContent = "";
    try {
      await job();
    } catch (e) {
      note.textContent = t("export.failed", { message: e.message });
    } finally {
      busy = false;
      progress.hidden = true;
      png.disabled = svg.disabled = false;
      render();
    }
  }
  png.addEventListener("click", () =>
    run(async () => {
      const blob = await figurePNG(app, panels, chosenWidth());
      downloadBlob(blob, fileName(app, "png"));
    }),
  );
  svg.addEventListener("click", () =>
    run(async () => downloadBlob(await figureSVG(app, panels), fileName(app, "svg"))),
  );
  const animation = (record) =>
    run(async () => {
      progress.hidden = false;
      progress.value = 0;
      const {
        blob,
        ext = "gif",
        frames,
        fps,
        seconds,
      } = await record(app, panels, {
        width: chosenWidth(),
        maxFrames: Number(menu.dataset.maxFrames) || undefined, // a shorter clip (the tests' knob)
        onProgress: (p) => (progress.value = p),
      });
      downloadBlob(blob, fileName(app, ext, "animation"));
      const secs = seconds ?? frames / fps;
      note.textContent = t("export.recorded", { frames: String(frames), seconds: secs.toFixed(2) });
      note.dataset.frames = String(frames);
      note.dataset.seconds = secs.toFixed(3);
    });
  video.addEventListener("click", () => animation(recordVideo));
  gif.addEventListener("click", () => animation(recordGIF));
  app.on("language", render);
  render();
  return { render };
}
