// Network diagram (SVG): nodes in columns, one edge per weight. Edge width shows the size of the
// weight (or gradient), solid blue = positive, dashed vermillion = negative, dotted grey = exactly 0.
// The value of an edge is shown on hover and on keyboard focus (focus the diagram, then ← → ↑ ↓).
import { check, checkSeries, NEG, POS } from "./common.js";
import { t, formatNumber } from "../platform/i18n.js";

const SVGNS = "http://www.w3.org/2000/svg";
const el = (name, attrs = {}) => {
  const e = document.createElementNS(SVGNS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
};

/** data: {sizes: int[L+1], W: [number[fan_in*fan_out] row-major], b: [number[fan_out]], mode: "weight"|"gradient"} */
export function createNetworkDiagram(container) {
  container.classList.add("netdiagram");
  const svg = el("svg", { viewBox: "0 0 400 220", tabindex: "0", role: "group", preserveAspectRatio: "xMidYMid meet" });
  svg.setAttribute("aria-label", t("row.network") + ". " + t("net.hint"));
  const readout = document.createElement("p");
  readout.className = "readout";
  readout.setAttribute("aria-live", "polite");
  container.replaceChildren(svg, readout);
  let items = []; // [{text, line}]
  let focusIdx = -1;
  let shapeKey = "";

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
    if (["ArrowRight", "ArrowDown"].includes(ev.key)) { show(focusIdx + 1); ev.preventDefault(); ev.stopPropagation(); }
    else if (["ArrowLeft", "ArrowUp"].includes(ev.key)) { show(focusIdx - 1); ev.preventDefault(); ev.stopPropagation(); }
  });
  svg.addEventListener("focus", () => { if (focusIdx < 0) show(0); else show(focusIdx); });
  svg.addEventListener("blur", () => items.forEach((it) => it.node.classList.remove("focused")));

  function update(data) {
    check(data && Array.isArray(data.sizes) && data.sizes.length >= 2, "network needs sizes");
    const { sizes, W, b } = data;
    const L = sizes.length - 1;
    check(W.length === L && b.length === L, "W and b need one entry per layer");
    for (let l = 0; l < L; l++) { checkSeries(`W${l + 1}`, W[l], sizes[l] * sizes[l + 1]); checkSeries(`b${l + 1}`, b[l], sizes[l + 1]); }
    const what = t(data.mode === "gradient" ? "net.what.gradient" : "net.what.weight");
    const width = 400, height = 220, padX = 30, padY = 18;
    const colX = (l) => padX + (l * (width - 2 * padX)) / L;
    const nodeY = (l, j) => { const n = sizes[l]; return n === 1 ? height / 2 : padY + (j * (height - 2 * padY)) / (n - 1); };
    let vmax = 0;
    for (let l = 0; l < L; l++) { for (const v of W[l]) if (Number.isFinite(v)) vmax = Math.max(vmax, Math.abs(v)); for (const v of b[l]) if (Number.isFinite(v)) vmax = Math.max(vmax, Math.abs(v)); }
    const key = sizes.join(",");
    const rebuild = key !== shapeKey;
    if (rebuild) {
      svg.replaceChildren();
      items = [];
      const gE = el("g", { class: "edges" }), gN = el("g", { class: "nodes" });
      svg.append(gE, gN);
      for (let l = 0; l < L; l++) {
        for (let i = 0; i < sizes[l]; i++) for (let j = 0; j < sizes[l + 1]; j++) {
          const line = el("line", { x1: colX(l), y1: nodeY(l, i), x2: colX(l + 1), y2: nodeY(l + 1, j) });
          const title = el("title");
          line.append(title);
          gE.append(line);
          items.push({ node: line, title, l, i, j, bias: false });
        }
      }
      for (let l = 0; l <= L; l++) for (let j = 0; j < sizes[l]; j++) {
        const g = el("g");
        const r = Math.max(5, Math.min(11, 90 / Math.max(...sizes)));
        const c = el("circle", { cx: colX(l), cy: nodeY(l, j), r });
        const title = el("title");
        c.append(title);
        g.append(c);
        const name = nodeName(l, j, L);
        if (l === 0 || l === L) {
          const tx = el("text", { x: colX(l) + (l === 0 ? -r - 3 : r + 3), y: nodeY(l, j) + 4,
            "text-anchor": l === 0 ? "end" : "start", class: "nodelabel" });
          tx.textContent = name;
          g.append(tx);
        } else if (r >= 9) {
          const tx = el("text", { x: colX(l), y: nodeY(l, j) + 3.5, "text-anchor": "middle", class: "nodelabel small" });
          tx.textContent = String(j + 1);
          g.append(tx);
        }
        gN.append(g);
        if (l > 0) items.push({ node: c, title, l: l - 1, j, bias: true });
      }
      for (const it of items) it.node.addEventListener("mouseenter", () => show(items.indexOf(it)));
      shapeKey = key;
    }
    for (const it of items) {
      const v = it.bias ? b[it.l][it.j] : W[it.l][it.i * sizes[it.l + 1] + it.j];
      const to = nodeName(it.l + 1, it.j, L);
      const text = it.bias
        ? t("net.bias", { to, what, value: formatNumber(v, 6) })
        : t("net.edge", { from: nodeName(it.l, it.i, L), to, what, value: formatNumber(v, 6) });
      it.text = text;
      it.title.textContent = text;
      const rel = vmax > 0 && Number.isFinite(v) ? Math.abs(v) / vmax : 0;
      const cls = !Number.isFinite(v) ? "nan" : v > 0 ? "pos" : v < 0 ? "neg" : "zero";
      if (it.bias) {
        it.node.setAttribute("class", `node ${cls}`);
        it.node.style.strokeWidth = (1 + 3 * rel).toFixed(2);
      } else {
        it.node.setAttribute("class", `edge ${cls}`);
        it.node.style.strokeWidth = v === 0 ? "0.8" : (0.6 + 5.4 * rel).toFixed(2);
        it.node.style.stroke = v > 0 ? POS : v < 0 ? NEG : "";
      }
    }
    if (focusIdx >= 0 && items[focusIdx]) readout.textContent = items[focusIdx].text;
    else readout.textContent = t("net.hint");
  }
  function reset() { svg.replaceChildren(); items = []; shapeKey = ""; focusIdx = -1; }
  return { update, reset, element: container };
}
