// motion.js: the lab page's motion only when seen. The first screen plays by itself once the figure
// is seen (never off-screen, never with reduced motion); after that only Play and the chapters'
// setups start it. Playback pauses when the figure scrolls away, unless "More panels" is in view; there
// the figure's transport floats at the bottom of the window.
//
//   const motion = watchMotion(app, {figure, rows, transport});   elements
//   motion.playOnChange()   may new runs play at once (the figure is seen, motion is welcome)?
//   motion.noAutoplay()     a link's step is shown, not played past
const REDUCED = "(prefers-reduced-motion: reduce)";

export function watchMotion(app, { figure, rows, transport }) {
  const { controller, session } = app;
  const reduced = () => window.matchMedia(REDUCED).matches;
  let seen = false,
    rowsSeen = false,
    autoplay = !reduced();
  const float = () => transport.classList.toggle("floating", rowsSeen && !seen);
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
    float();
  }).observe(rows);
  return {
    reduced,
    playOnChange: () => !reduced() && seen,
    maybeAutoplay,
    noAutoplay() {
      autoplay = false;
    },
  };
}
