// transport.js: the buttons, scrubber and keys that drive the controller, and their labels — the
// same for the lab page and embed.html.
//
//   const transport = wireTransport({controller, onReset, keys: true});
//   transport.render()     labels, scrubber and readout for the shown step (cheap: call on every change)
import { t } from "../platform/i18n.js";

const setText = (el, text) => {
  if (el && el.textContent !== text) el.textContent = text;
};

export function wireTransport({
  controller,
  onReset,
  keys = false,
  $ = (id) => document.getElementById(id),
}) {
  const btn = { reset: $("btn-reset"), back: $("btn-back"), step: $("btn-step"), play: $("btn-play") };
  const scrubber = $("scrubber"),
    readout = $("readout");
  btn.play.addEventListener("click", () => controller.toggle());
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
      const onButton = ["BUTTON", "SUMMARY", "A"].includes(tag) || (el && el.type === "checkbox"); // Space activates these
      if (typing || (el && el.closest && el.closest(".cm-editor"))) return;
      if (ev.key === " " && !onButton) {
        ev.preventDefault();
        controller.toggle();
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
    setText(btn.play, controller.playing ? t("transport.pause") : t("transport.play"));
    btn.play.setAttribute("aria-pressed", controller.playing ? "true" : "false");
    const src = controller.source;
    if (!src || !src.history.length) return;
    const H = src.history,
      rec = controller.record;
    if (scrubber.max !== String(H.length - 1)) scrubber.max = String(H.length - 1);
    if (scrubber.value !== String(controller.cursor)) scrubber.value = String(controller.cursor);
    const text = t("transport.readoutOf", { step: String(rec.step), last: String(H.lastStep) });
    scrubber.setAttribute("aria-valuetext", text);
    setText(readout, text);
  }
  return { render, buttons: btn };
}
