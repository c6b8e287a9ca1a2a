// transport.js: the buttons, scrubber and keys that drive the controller, and their labels — the
// same for the lab page and embed.html.
//
//   const transport = wireTransport({controller, onReset, onKeepTraining, keys: true, show});
//   show: the parts shown (reset, back, step, play, timeline, speed), or null: all (an embed's URL
//   names them)
//   transport.render()     labels, scrubber and readout for the shown step (cheap: call on every change)
// At the last step of a chapter's run (controller.atLastStep) Play reads "Keep training": going on
// past the chapter's experiment is the reader's choice (onKeepTraining), and a line above the
// transport says why the runs stopped.
import { t } from "../platform/i18n.js";
import { setText } from "../platform/dom.js";

export function wireTransport({
  controller,
  onReset,
  onKeepTraining = () => {},
  keys = false,
  show = null,
  $ = (id) => document.getElementById(id),
}) {
  const btn = { reset: $("btn-reset"), back: $("btn-back"), step: $("btn-step"), play: $("btn-play") };
  const scrubber = $("scrubber"),
    readout = $("readout");
  const bar = btn.play.closest(".transport");
  if (show) {
    for (const [name, b] of Object.entries(btn)) b.hidden = !show.includes(name);
    scrubber.closest(".timeline").hidden = !show.includes("timeline");
    bar.hidden = show.length === 0;
  }
  // the words at a chapter's end: a line just above the transport (over the figure: nothing moves)
  const endNote = document.createElement("p");
  endNote.className = "run-end";
  endNote.setAttribute("role", "status");
  endNote.hidden = true;
  bar.append(endNote);
  const playOrKeep = () => (controller.atLastStep ? onKeepTraining() : controller.toggle());
  btn.play.addEventListener("click", playOrKeep);
  btn.step.addEventListener("click", () => controller.step());
  btn.back.addEventListener("click", () => controller.back());
  btn.reset.addEventListener("click", () => onReset());
  scrubber.addEventListener("input", () => controller.seek(Number(scrubber.value)));
  if (keys) {
    document.addEventListener("keydown", (ev) => {
      if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey) return;
      const el = ev.target,
        tag = (el && el.tagName) || "";
      const typing =
        ["INPUT", "SELECT", "TEXTAREA"].includes(tag) && el.type !== "range" && el.type !== "checkbox";
      // Space activates these
      const onButton = ["BUTTON", "SUMMARY", "A"].includes(tag) || (el && el.type === "checkbox");
      if (typing || (el && el.closest && el.closest(".cm-editor"))) return;
      if (ev.key === " " && !onButton) {
        ev.preventDefault();
        playOrKeep();
      } else if (ev.key === "ArrowRight" && el !== scrubber) {
        ev.preventDefault();
        controller.step();
      } else if (ev.key === "ArrowLeft" && el !== scrubber) {
        ev.preventDefault();
        controller.back();
      }
    });
  }
  function render() {
    const keep = !controller.playing && controller.atLastStep;
    const label = controller.playing ? "transport.pause" : keep ? "transport.keepTraining" : "transport.play";
    setText(btn.play, t(label));
    btn.play.setAttribute("aria-pressed", controller.playing ? "true" : "false");
    btn.play.classList.toggle("keep-training", keep);
    const src = controller.source;
    if (!src || !src.history.length) return;
    const H = src.history,
      rec = controller.record;
    if (scrubber.max !== String(H.length - 1)) scrubber.max = String(H.length - 1);
    if (scrubber.value !== String(controller.cursor)) scrubber.value = String(controller.cursor);
    setText(endNote, keep ? t("status.chapterEnd", { step: String(rec.step) }) : "");
    if (endNote.hidden === keep) endNote.hidden = !keep;
    const text = t("transport.readoutOf", { step: String(rec.step), last: String(H.lastStep) });
    scrubber.setAttribute("aria-valuetext", text);
    setText(readout, text);
  }
  return { render, buttons: btn };
}
