// motion.js: the lab page's motion only when seen. The first screen plays by itself once the figure
// is seen (never off-screen, never with reduced motion); after that only Play and the chapters'
// setups start it. Playback pauses when the figure scrolls away, unless "More panels" is in view; while
// the lab is in view and the figure is not, the transport is docked at the lab's top (app/transport-dock.js).
//
//   const motion = watchMotion(app, {figure, rows, lab, transport, slot});   elements
//   motion.playOnChange()   may new runs play at once (the figure is seen, motion is welcome)?
//   motion.noAutoplay()     a link's step is shown, not played past
import { dockTransport } from "./transport-dock.js";

const REDUCED = "(prefers-reduced-motion: reduce)";

export function watchMotion(app, { figure, rows, lab, transport, slot }) {
  const { controller, session } = app;
  const reduced = () => window.matchMedia(REDUCED).matches;
  let seen = false,
    rowsSeen = false,
    labSeen = false,
    autoplay = !reduced();
  const dock = dockTransport(transport, slot);
  const float = () => dock.place(labSeen && !seen);
  function maybeAutoplay() {
    if (autoplay && seen && controller.record && session.pending === null) {
      autoplay = false;
      controller.play();
    }
  }
  new IntersectionObserver(
    (entries) => {
      seen = entries.some((e) => e.isIntersecting);
      float();
      if (seen) maybeAutoplay();
      else if (controller.playing && !rowsSeen) controller.pause();
    },
    { threshold: 0.25 },
  ).observe(figure);
  new IntersectionObserver((entries) => {
    rowsSeen = entries.some((e) => e.isIntersecting);
  }).observe(rows);
  new IntersectionObserver((entries) => {
    labSeen = entries.some((e) => e.isIntersecting);
    float();
  }).observe(lab);
  return {
    reduced,
    playOnChange: () => !reduced() && seen,
    maybeAutoplay,
    noAutoplay() {
      autoplay = false;
    },
  };
}
