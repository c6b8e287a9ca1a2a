// transport-dock.js: where the lab page's transport sits. In the figure while the figure is seen; in
// the lab ("More panels") a compact bar docked at the lab's top (sticky inside the lab, never fixed
// over it), so it never covers a control or a chart. Both places keep their height while the bar is
// away (a holder in the figure, a reserved slot in the lab): nothing below them moves.
//
//   const dock = dockTransport(bar, slot);   the transport element and the lab's empty slot
//   dock.place(docked)                       true: into the lab's slot; false: back into the figure
export function dockTransport(bar, slot) {
  const holder = document.createElement("div");
  holder.className = "transport-holder";
  holder.hidden = true;
  bar.after(holder);
  let docked = false;
  function place(inLab) {
    if (inLab === docked) return;
    docked = inLab;
    if (inLab) {
      holder.style.height = `${bar.offsetHeight}px`;
      holder.hidden = false;
      slot.append(bar);
    } else {
      holder.replaceWith(bar);
      bar.after(holder);
      holder.hidden = true;
    }
    bar.classList.toggle("docked", inLab);
    slot.classList.toggle("has-transport", inLab);
  }
  return {
    place,
    get docked() {
      return docked;
    },
  };
}
