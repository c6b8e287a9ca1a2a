// Network diagram (SVG): nodes in columns, one edge per weight. Edge width shows the size of the
// weight (or gradient) on a scale given by the caller, so that two diagrams side by side can share one
// scale (a net of tiny weights then looks thin next to a net of large ones); solid blue = positive,
// dashed vermillion = negative, dotted grey = exactly 0. Each hidden unit (and the output) is a square
// showing that unit's output over the input plane, as TensorFlow Playground draws them: identical
// units show identical pictures. A unit's border color tells its bias's sign.
// The value of an edge or unit is shown on hover and on keyboard focus (focus the diagram, then ← → ↑ ↓).
import { check, checkSeries, encodingsOf } from "./common.js";
import { t, formatNumber } from "../platform/i18n.js";

const SVGNS = "http://www.w3.org/2000/svg";
const svgEl = (name, attrs = {}) => {
  const e = document.createElementNS(SVGNS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
};

/** The largest finite |value| of one net: the scale when no shared one is given. */
export function ownScale(W, b) {
  let m = 0;
  for (const arr of [...W, ...b]) for (const v of arr) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return m;
}

/**
 * createNetworkDiagram(container, {height, fill, enc}) -> {update(data), reset()}
 * fill: the diagram takes the container's shape (the page's CSS sizes the container), else it is
 * `height` tall in a 400-wide view box.
 * data: {sizes: int[L+1], W: [number[fan_in*fan_out] row-major], b: [number[fan_out]], mode:
 *   "weight"|"gradient",
 *        scale: the |value| drawn as the widest edge (shared by the diagrams shown together; 0 = all zero),
 *        maps?: [per layer 1..L: [per unit: number[n*n] row-major, row 0 = lowest x2]], mapN?: n,
 *        mapRange?: [per layer 1..L: [lo, hi]]}
 */
const LABEL_PX = 11; // the diagram's labels on the screen, in CSS pixels

export function createNetworkDiagram(container, opts = {}) {
  const { height: fixedHeight = 220, fill = false } = opts;
  const enc = encodingsOf(opts);
  container.classList.add("netdiagram");
  if (fill) container.classList.add("net-fill");
  const width = 400;
  let height = fixedHeight,
    last = null;
  const svg = svgEl("svg", {
    viewBox: `0 0 ${width} ${height}`,
    tabindex: "0",
    role: "group",
    preserveAspectRatio: "xMidYMid meet",
  });
  svg.setAttribute("aria-label", t("row.network") + ". " + t("net.hint"));
  const readout = document.createElement("p");
  readout.className = "readout";
  readout.setAttribute("aria-live", "polite");
  container.replaceChildren(svg, readout);
  // The view box follows the container's shape in the next frame, never inside the observer's callback
  // (a new view box can change the container's size: the "ResizeObserver loop" error, see canvas.js).
  if (fill && typeof ResizeObserver !== "undefined") {
    let frame = 0;
    const reshape = () => {
      frame = 0;
      const r = container.getBoundingClientRect();
      if (!r.width || !r.height) return;
      const h = Math.round(Math.max(120, Math.min(700, (width * r.height) / r.width)));
      if (h === height) return;
      height = h;
      svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
      shapeKey = "";
      if (last) update(last);
    };
    new ResizeObserver(() => {
      frame ||= requestAnimationFrame(reshape);
    }).observe(container);
  }
  // The labels (x₁, x₂, ŷ) are LABEL_PX tall on the screen whatever the view box's scale (a phone's
  // diagram is drawn at less than half its view box): their size in view-box units follows the scale
  // read from the screen (without a page zoom such as presenting mode's), and the margins follow them.
  // Measured in the frame after the diagram is built or resized (not yet laid out: the next frames).
  let labelUnits = LABEL_PX;
  let fitFrame = 0,
    fitTries = 0;
  const requestFit = () => {
    fitFrame ||= requestAnimationFrame(() => {
      fitFrame = 0;
      fitLabels();
    });
  };
  /** The label size the diagram's scale on the screen asks for (null: not on the screen). */
  function labelUnitsNow() {
    const ctm = svg.getScreenCTM();
    const shown = ctm && svg.getBoundingClientRect().width > 0 && ctm.a / (svg.currentCSSZoom || 1);
    return shown ? Math.round((LABEL_PX / shown) * 4) / 4 : null;
  }
  function setLabelUnits(units) {
    labelUnits = units;
    svg.style.setProperty("--net-label-px", `${units}px`);
  }
  function fitLabels() {
    const units = labelUnitsNow();
    if (units === null) {
      if (++fitTries < 30) requestFit(); // not on the screen yet (a hidden cell): a resize asks again
      return;
    }
    fitTries = 0;
    if (units === labelUnits) return;
    setLabelUnits(units);
    shapeKey = "";
    if (last) update(last);
  }
  if (typeof ResizeObserver !== "undefined") new ResizeObserver(requestFit).observe(container);
  let items = []; // [{node, title, l, i, j, bias, text}]
  let images = []; // per layer 1..L: [<image>] per unit
  let focusIdx = -1;
  let shapeKey = "";
  const mapCanvas = document.createElement("canvas");

  function nodeName(l, j, L) {
    if (l === 0) return t("net.input", { i: j + 1 });
    if (l === L) return t("net.output");
    return t("net.hidden", { l, j: j + 1 });
  }
  function show(i) {
    if (!items.length) return;
    focusIdx = (i + items.length) % items.length;
    items.forEach((it, k) => it.node.classList.toggle("focused", k === focusIdx));
    readout.textContent = items[focusIdx].text;
  }
  svg.addEventListener("keydown", (ev) => {
    if (["ArrowRight", "ArrowDown"].includes(ev.key)) {
      show(focusIdx + 1);
      ev.preventDefault();
      ev.stopPropagation();
    } else if (["ArrowLeft", "ArrowUp"].includes(ev.key)) {
      show(focusIdx - 1);
      ev.preventDefault();
      ev.stopPropagation();
    }
  });
  svg.addEventListener("focus", () => show(focusIdx < 0 ? 0 : focusIdx));
  svg.addEventListener("blur", () => items.forEach((it) => it.node.classList.remove("focused")));

  /** A unit's map as a data: URL (a tiny image; the SVG scales it up smoothly). */
  function mapURL(m, n, lo, hi) {
    mapCanvas.width = n;
    mapCanvas.height = n;
    const ctx = mapCanvas.getContext("2d");
    const img = ctx.createImageData(n, n);
    const span = hi - lo || 1;
    for (let r = 0; r < n; r++)
      for (let c = 0; c < n; c++) {
        const v = m[r * n + c];
        const [R, G, B] = enc.divergingRGB((v - lo) / span);
        const o = ((n - 1 - r) * n + c) * 4;
        img.data[o] = R;
        img.data[o + 1] = G;
        img.data[o + 2] = B;
        img.data[o + 3] = 255;
      }
    ctx.putImageData(img, 0, 0);
    return mapCanvas.toDataURL();
  }

  function build(sizes) {
    // labels sized for the scale now (a new shape is rare), and again once the new shape is laid out
    const units = labelUnitsNow();
    if (units !== null) setLabelUnits(units);
    requestFit();
    const L = sizes.length - 1;
    const padX = Math.max(34, 12 + 1.6 * labelUnits), // room for a label of two characters
      padY = 14;
    const colX = (l) => padX + (l * (width - 2 * padX)) / L;
    const maxN = Math.max(...sizes.slice(1));
    const box = Math.max(12, Math.min(40, ((height - 2 * padY) / maxN) * 0.78)); // unit square side
    const nodeY = (l, j) => {
      const n = sizes[l];
      return n === 1 ? height / 2 : padY + box / 2 + (j * (height - 2 * padY - box)) / (n - 1);
    };
    svg.replaceChildren();
    items = [];
    images = [null];
    const gE = svgEl("g", { class: "edges" }),
      gN = svgEl("g", { class: "nodes" });
    svg.append(gE, gN);
    for (let l = 0; l < L; l++) {
      for (let i = 0; i < sizes[l]; i++)
        for (let j = 0; j < sizes[l + 1]; j++) {
          const x1 = colX(l) + (l === 0 ? 6 : box / 2),
            x2 = colX(l + 1) - box / 2;
          const line = svgEl("line", { x1, y1: nodeY(l, i), x2, y2: nodeY(l + 1, j) });
          const title = svgEl("title");
          line.append(title);
          gE.append(line);
          items.push({ node: line, title, l, i, j, bias: false });
        }
    }
    for (let l = 0; l <= L; l++) {
      const row = [];
      for (let j = 0; j < sizes[l]; j++) {
        const g = svgEl("g");
        const cx = colX(l),
          cy = nodeY(l, j);
        const name = nodeName(l, j, L);
        if (l === 0) {
          g.append(svgEl("circle", { cx, cy, r: 6, class: "input" }));
          const tx = svgEl("text", {
            x: cx - 10,
            y: cy + labelUnits * 0.35,
            "text-anchor": "end",
            class: "nodelabel",
          });
          tx.textContent = name;
          g.append(tx);
        } else {
          const img = svgEl("image", {
            x: cx - box / 2,
            y: cy - box / 2,
            width: box,
            height: box,
            preserveAspectRatio: "none",
          });
          const frame = svgEl("rect", { x: cx - box / 2, y: cy - box / 2, width: box, height: box, rx: 2 });
          const title = svgEl("title");
          frame.append(title);
          // a unit whose output is one value over the whole plane gets a flat bar, so a constant
          // square (zeros, a dead unit) never looks unrendered (the figure's legend says what it is)
          const flat = svgEl("line", {
            x1: cx - box * 0.3,
            y1: cy,
            x2: cx + box * 0.3,
            y2: cy,
            class: "unit-flat",
          });
          flat.style.display = "none";
          g.append(img, flat, frame);
          img.flat = flat;
          row.push(img);
          items.push({ node: frame, title, l: l - 1, j, bias: true });
          if (l === L) {
            const tx = svgEl("text", {
              x: cx + box / 2 + 4,
              y: cy + labelUnits * 0.35,
              "text-anchor": "start",
              class: "nodelabel",
            });
            tx.textContent = name;
            g.append(tx);
          }
        }
        gN.append(g);
      }
      if (l > 0) images.push(row);
    }
    for (const it of items) it.node.addEventListener("mouseenter", () => show(items.indexOf(it)));
  }

  function update(data) {
    check(data && Array.isArray(data.sizes) && data.sizes.length >= 2, "network needs sizes");
    const { sizes, W, b } = data;
    const L = sizes.length - 1;
    check(W.length === L && b.length === L, "W and b need one entry per layer");
    for (let l = 0; l < L; l++) {
      checkSeries(`W${l + 1}`, W[l], sizes[l] * sizes[l + 1]);
      checkSeries(`b${l + 1}`, b[l], sizes[l + 1]);
    }
    const vmax = data.scale ?? ownScale(W, b);
    check(Number.isFinite(vmax) && vmax >= 0, "network needs a finite scale >= 0");
    container.chartData = data;
    last = data;
    const key = sizes.join(",");
    if (key !== shapeKey) {
      build(sizes);
      shapeKey = key;
    }
    const what = t(data.mode === "gradient" ? "net.what.gradient" : "net.what.weight");
    for (const it of items) {
      const v = it.bias ? b[it.l][it.j] : W[it.l][it.i * sizes[it.l + 1] + it.j];
      const to = nodeName(it.l + 1, it.j, L);
      const text = it.bias
        ? t("net.bias", { to, what, value: formatNumber(v, 6) })
        : t("net.edge", { from: nodeName(it.l, it.i, L), to, what, value: formatNumber(v, 6) });
      it.text = text;
      it.title.textContent = text;
      const rel = vmax > 0 && Number.isFinite(v) ? Math.min(1, Math.abs(v) / vmax) : 0;
      const cls = !Number.isFinite(v) ? "nan" : v > 0 ? "pos" : v < 0 ? "neg" : "zero";
      if (it.bias) {
        it.node.setAttribute("class", `node ${cls}`);
        it.node.style.strokeWidth = (1 + 2.5 * rel).toFixed(2);
      } else {
        it.node.setAttribute("class", `edge ${cls}`);
        it.node.style.strokeWidth = v === 0 ? "0.8" : (0.4 + 6.6 * rel).toFixed(2);
        it.node.style.stroke = v > 0 ? enc.pos : v < 0 ? enc.neg : "";
      }
    }
    for (let l = 1; l <= L; l++) {
      const maps = data.maps && data.maps[l - 1];
      images[l].forEach((img, j) => {
        let flat = false;
        if (maps && maps[j]) {
          const [lo, hi] = data.mapRange[l - 1];
          img.setAttribute("href", mapURL(maps[j], data.mapN, lo, hi));
          flat = maps[j].every((v) => v === maps[j][0]);
        } else img.removeAttribute("href");
        img.flat.style.display = flat ? "" : "none";
        img.flat.dataset.flat = flat ? "1" : "";
      });
    }
    readout.textContent = focusIdx >= 0 && items[focusIdx] ? items[focusIdx].text : "";
  }
  function reset() {
    svg.replaceChildren();
    items = [];
    images = [];
    shapeKey = "";
    focusIdx = -1;
    container.chartData = null;
  }
  return { update, reset, element: container };
}
