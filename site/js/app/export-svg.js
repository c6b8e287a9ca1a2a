// export-svg.js: the figure as an SVG (vector): each chart draws once more into a context that writes
// SVG elements instead of pixels (its lines, marks, axes and text; a heat map stays an image), the
// network diagrams are copied with their look, the runs' heads are text.
//
//   const blob = await figureSVG(app, panels, {title});
import { diagramStyle, pictureStyle } from "./export.js";

const NS = "http://www.w3.org/2000/svg";
const esc = (s) =>
  String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const n = (x) => (Number.isFinite(x) ? +x.toFixed(2) : 0);
const ANCHOR = { left: "start", start: "start", center: "middle", right: "end", end: "end" };
const BASELINE = { top: "hanging", hanging: "hanging", middle: "central", bottom: "text-after-edge" };

/** A 2-D context (the part the charts use) that records SVG markup. */
export function svgContext(canvas) {
  const out = [];
  const measure = document.createElement("canvas").getContext("2d");
  let m = new DOMMatrix();
  let path = [];
  const style = {
    fillStyle: "#000",
    strokeStyle: "#000",
    lineWidth: 1,
    dash: [],
    font: "10px sans-serif",
    textAlign: "start",
    textBaseline: "alphabetic",
    globalAlpha: 1,
  };
  const stack = [];
  const pt = (x, y) => {
    const p = m.transformPoint(new DOMPoint(x, y));
    return `${n(p.x)} ${n(p.y)}`;
  };
  const scale = () => Math.hypot(m.a, m.b);
  const strokeAttrs = () =>
    `fill="none" stroke="${esc(style.strokeStyle)}" stroke-width="${n(style.lineWidth * scale())}"` +
    (style.dash.length ? ` stroke-dasharray="${style.dash.map((d) => n(d * scale())).join(" ")}"` : "") +
    (style.globalAlpha < 1 ? ` opacity="${style.globalAlpha}"` : "");
  const ctx = {
    canvas,
    imageSmoothingEnabled: true,
    setTransform(a, b, c, d, e, f) {
      m = new DOMMatrix([a, b, c, d, e, f]);
    },
    getTransform: () => DOMMatrix.fromMatrix(m),
    translate(x, y) {
      m = m.translate(x, y);
    },
    rotate(a) {
      m = m.rotate((a * 180) / Math.PI);
    },
    scale(x, y) {
      m = m.scale(x, y);
    },
    save() {
      stack.push({ m: DOMMatrix.fromMatrix(m), style: { ...style, dash: [...style.dash] } });
    },
    restore() {
      const s = stack.pop();
      if (s) {
        m = s.m;
        Object.assign(style, s.style);
      }
    },
    setLineDash(d) {
      style.dash = [...d];
    },
    getLineDash: () => [...style.dash],
    beginPath() {
      path = [];
    },
    moveTo(x, y) {
      path.push(`M${pt(x, y)}`);
    },
    lineTo(x, y) {
      path.push(`L${pt(x, y)}`);
    },
    closePath() {
      path.push("Z");
    },
    rect(x, y, w, h) {
      path.push(`M${pt(x, y)}`, `L${pt(x + w, y)}`, `L${pt(x + w, y + h)}`, `L${pt(x, y + h)}`, "Z");
    },
    arc(x, y, r, a0, a1) {
      const R = n(r * scale());
      if (Math.abs(a1 - a0) >= 2 * Math.PI - 1e-6) {
        path.push(`M${pt(x - r, y)}`, `A${R} ${R} 0 1 0 ${pt(x + r, y)}`, `A${R} ${R} 0 1 0 ${pt(x - r, y)}`);
      } else {
        const p0 = pt(x + r * Math.cos(a0), y + r * Math.sin(a0));
        const p1 = pt(x + r * Math.cos(a1), y + r * Math.sin(a1));
        path.push(`${path.length ? "L" : "M"}${p0}`, `A${R} ${R} 0 ${a1 - a0 > Math.PI ? 1 : 0} 1 ${p1}`);
      }
    },
    clip() {},
    stroke() {
      if (path.length) out.push(`<path d="${path.join("")}" ${strokeAttrs()}/>`);
    },
    fill() {
      if (path.length) out.push(`<path d="${path.join("")}" fill="${esc(style.fillStyle)}"/>`);
    },
    fillRect(x, y, w, h) {
      out.push(
        `<path d="M${pt(x, y)}L${pt(x + w, y)}L${pt(x + w, y + h)}L${pt(x, y + h)}Z" ` +
          `fill="${esc(style.fillStyle)}"/>`,
      );
    },
    strokeRect(x, y, w, h) {
      out.push(
        `<path d="M${pt(x, y)}L${pt(x + w, y)}L${pt(x + w, y + h)}L${pt(x, y + h)}Z" ${strokeAttrs()}/>`,
      );
    },
    clearRect() {},
    measureText(text) {
      measure.font = style.font;
      return measure.measureText(text);
    },
    fillText(text, x, y) {
      const px = parseFloat((style.font.match(/([\d.]+)px/) || [0, 10])[1]);
      const family = style.font.replace(/^.*?px\s*/, "");
      const weight = (style.font.match(/^(bold|\d{3})\s/) || [0, "normal"])[1];
      const t = m.translate(x, y);
      out.push(
        `<text transform="matrix(${[t.a, t.b, t.c, t.d, t.e, t.f].map(n).join(" ")})" font-size="${px}" ` +
          `font-family="${esc(family)}" font-weight="${weight}" fill="${esc(style.fillStyle)}" ` +
          `text-anchor="${ANCHOR[style.textAlign] || "start"}" ` +
          `dominant-baseline="${BASELINE[style.textBaseline] || "alphabetic"}">${esc(text)}</text>`,
      );
    },
    createImageData: (w, h) => new ImageData(w, h),
    putImageData(img, x, y) {
      const c = document.createElement("canvas");
      c.width = img.width;
      c.height = img.height;
      c.getContext("2d").putImageData(img, 0, 0);
      out.push(
        `<image x="${x}" y="${y}" width="${img.width}" height="${img.height}" href="${c.toDataURL()}"/>`,
      );
    },
    drawImage(img, ...a) {
      const [x, y, w, h] =
        a.length >= 8 ? a.slice(4) : a.length === 4 ? a : [a[0], a[1], img.width, img.height];
      const url = img.toDataURL ? img.toDataURL() : img.src;
      const t = m.translate(x, y);
      out.push(
        `<image transform="matrix(${[t.a, t.b, t.c, t.d, t.e, t.f].map(n).join(" ")})" width="${n(w)}" ` +
          `height="${n(h)}" preserveAspectRatio="none" href="${url}"/>`,
      );
    },
  };
  for (const k of Object.keys(style))
    Object.defineProperty(ctx, k, { get: () => style[k], set: (v) => (style[k] = v), enumerable: true });
  Object.defineProperty(ctx, "lineDashOffset", { get: () => 0, set: () => {} });
  return { ctx, markup: () => out.join("\n"), clear: () => (out.length = 0) };
}

const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r()));

/** Every chart canvas of `panels` draws once into an SVG context: {canvas: markup}. */
async function recordCharts(app, panels) {
  const canvases = [...panels.querySelectorAll("canvas")].filter((c) => c.checkVisibility());
  const recorders = new Map();
  for (const c of canvases) {
    const rec = svgContext(c);
    recorders.set(c, rec);
    c.getContext = () => (rec.clear(), rec.ctx); // each draw starts a new picture (its own instance only)
  }
  try {
    app.figure.invalidate();
    await nextFrame();
    for (let k = 0; k < 60 && !app.figure.drawnAll(); k++) await nextFrame();
  } finally {
    for (const c of canvases) delete c.getContext;
    app.figure.invalidate(); // the canvases draw their pixels again
  }
  return recorders;
}

/** The figure as an SVG file's text. */
export async function figureSVGText(app, panels) {
  const { title, font, paper, ink, muted, link } = pictureStyle(app);
  const o = panels.getBoundingClientRect();
  const pad = 16,
    top = 44;
  const W = Math.round(o.width + 2 * pad),
    H = Math.round(o.height + top + 36);
  const at = (e) => {
    const r = e.getBoundingClientRect();
    return { x: n(r.left - o.left + pad), y: n(r.top - o.top + top), w: n(r.width), h: n(r.height) };
  };
  const parts = [
    `<rect width="${W}" height="${H}" fill="${paper}"/>`,
    `<text x="${pad}" y="28" font-size="20" font-weight="600" font-family="${esc(font)}" ` +
      `fill="${ink}">${esc(title)}</text>`,
  ];
  for (const e of panels.querySelectorAll(".run, .cell")) {
    if (!e.checkVisibility()) continue;
    const b = at(e),
      cs = getComputedStyle(e);
    parts.push(
      `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" ` +
        `fill="${cs.backgroundColor}" stroke="${cs.borderTopColor}"/>`,
    );
  }
  for (const e of panels.querySelectorAll(".run-title, .run-stat, .caption, .diverged, .cell-title")) {
    if (!e.checkVisibility() || !e.textContent.trim()) continue;
    const b = at(e),
      cs = getComputedStyle(e);
    const px = n(parseFloat(cs.fontSize) * (e.currentCSSZoom || 1));
    parts.push(
      `<text x="${b.x}" y="${b.y}" dominant-baseline="hanging" font-size="${px}" ` +
        `font-weight="${cs.fontWeight}" ` +
        `font-family="${esc(font)}" fill="${cs.color}">${esc(e.textContent.trim())}</text>`,
    );
  }
  const recorders = await recordCharts(app, panels);
  for (const [c, rec] of recorders) {
    const b = at(c);
    parts.push(
      `<svg class="chart" x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" ` +
        `viewBox="0 0 ${c.width} ${c.height}">` +
        `${rec.markup()}</svg>`,
    );
  }
  const css = diagramStyle().replaceAll(/\.netdiagram\s+/g, ".net ");
  parts.push(`<style>${css}</style>`);
  for (const s of panels.querySelectorAll(".netdiagram svg")) {
    if (!s.checkVisibility()) continue;
    const b = at(s);
    const copy = s.cloneNode(true);
    for (const [k, v] of Object.entries({ x: b.x, y: b.y, width: b.w, height: b.h, class: "net" }))
      copy.setAttribute(k, String(v));
    parts.push(new XMLSerializer().serializeToString(copy));
  }
  parts.push(
    `<text x="${pad}" y="${H - 12}" font-size="11" font-family="${esc(font)}" fill="${muted}">` +
      `${esc(`pyinit — why zero initialization fails · ${link}`)}</text>`,
  );
  const head = `<svg xmlns="${NS}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`;
  return `${head}\n${parts.join("\n")}\n</svg>\n`;
}

export async function figureSVG(app, panels) {
  return new Blob([await figureSVGText(app, panels)], { type: "image/svg+xml" });
}
