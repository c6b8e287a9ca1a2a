// export.js: the figure as a picture for slides. compositeFigure() paints what the figure shows (the
// runs' heads, every chart: canvases drawn again at the picture's resolution, network diagrams as
// vectors) with the chapter's title above and a credit line with the link below, into one canvas;
// the PNG download is that canvas, the video records it frame by frame (export-video.js).
//
//   const canvas = await compositeFigure(app, panelsEl, {width, title});
//   downloadBlob(blob, name)         save a file
//   fileName(app, ext)               pyinit-<chapter>-<left init>-vs-<right init>-step<step>.<ext>
const CREDIT = "pyinit — why zero initialization fails";

/** A file name that carries the chapter and the settings. */
export function fileName(app, ext, extra = "") {
  const v = app.state.all();
  const safe = (s) => String(s).replace(/[^a-z0-9._-]+/gi, "-");
  const parts = ["pyinit", v.chapter || "setup", `${v.left_init}-vs-${v.right_init}`];
  if (!app.isChapterRun) parts.push(`${v.activation}-${v.dataset}`);
  parts.push(extra || `step${app.step ?? 0}`);
  return `${parts.map(safe).join("_")}.${ext}`;
}

export function downloadBlob(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r()));

/** Draw the figure's charts with `scale` more pixels (canvas.js reads data-export-scale), until drawn. */
export async function withScale(app, scale, fn) {
  const root = document.documentElement;
  root.dataset.exportScale = String(scale);
  app.figure.invalidate();
  for (let k = 0; k < 60 && !app.figure.drawnAll(); k++) await nextFrame();
  await nextFrame();
  try {
    return await fn();
  } finally {
    delete root.dataset.exportScale;
    app.figure.invalidate();
  }
}

/** The page's CSS for the network diagrams (its rules and the custom properties they read), once per
 * picture: an SVG drawn as an image takes no outside styles. */
export function diagramStyle() {
  const rules = [];
  for (const sheet of document.styleSheets) {
    let list = [];
    try {
      list = sheet.cssRules;
    } catch {
      continue;
    }
    for (const r of list) if (r.selectorText && r.selectorText.includes("netdiagram")) rules.push(r.cssText);
  }
  const root = getComputedStyle(document.documentElement);
  const vars = [...document.documentElement.style].filter((p) => p.startsWith("--"));
  const decl = vars.map((p) => `${p}: ${root.getPropertyValue(p)};`).join(" ");
  return `svg { ${decl} font-family: ${root.fontFamily}; } ${rules.join(" ")}`;
}

/** An SVG (with `css` written into it: the page's CSS does not travel) as an image. */
export function svgImage(svg, css = diagramStyle()) {
  const copy = svg.cloneNode(true);
  const r = svg.getBoundingClientRect();
  const labels = svg.style.getPropertyValue("--net-label-px");
  copy.setAttribute("width", String(r.width));
  copy.setAttribute("height", String(r.height));
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  copy.setAttribute("class", "netdiagram-export");
  // the rules name the diagram's container (.netdiagram ...): the copy is its own container
  const own = css.replaceAll(/\.netdiagram\s+/g, "").replaceAll(".net-fill ", "");
  const style = document.createElementNS("http://www.w3.org/2000/svg", "style");
  style.textContent = `${own} ${labels ? `svg { --net-label-px: ${labels}; }` : ""}`;
  copy.prepend(style);
  const text = new XMLSerializer().serializeToString(copy);
  const img = new Image();
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  img.src = url;
  return img.decode().then(
    () => (URL.revokeObjectURL(url), img),
    () => (URL.revokeObjectURL(url), null),
  );
}

const TEXTS = ".run-title, .run-stat, .caption, .diverged, .cell-title";

/** What to paint, read once from the page: boxes, texts, charts (positions relative to `panels`). */
export async function figureParts(panels, css = diagramStyle()) {
  const o = panels.getBoundingClientRect();
  const box = (e) => {
    const r = e.getBoundingClientRect();
    return { x: r.left - o.left, y: r.top - o.top, w: r.width, h: r.height };
  };
  const shown = (e) => e.checkVisibility() && e.getBoundingClientRect().width > 1;
  const parts = { width: o.width, height: o.height, boxes: [], texts: [], canvases: [], svgs: [] };
  for (const e of panels.querySelectorAll(".run, .cell")) {
    if (!shown(e)) continue;
    const cs = getComputedStyle(e);
    parts.boxes.push({
      ...box(e),
      fill: cs.backgroundColor,
      line: cs.borderTopColor,
      top: parseFloat(cs.borderTopWidth) * (e.currentCSSZoom || 1),
    });
  }
  for (const e of panels.querySelectorAll(TEXTS)) {
    if (!shown(e) || !e.textContent.trim()) continue;
    const cs = getComputedStyle(e);
    const px = parseFloat(cs.fontSize) * (e.currentCSSZoom || 1);
    parts.texts.push({ ...box(e), text: e.textContent.trim(), px, weight: cs.fontWeight, color: cs.color });
  }
  for (const c of panels.querySelectorAll("canvas")) if (shown(c)) parts.canvases.push({ ...box(c), c });
  for (const s of panels.querySelectorAll(".netdiagram svg"))
    if (shown(s)) parts.svgs.push({ ...box(s), img: await svgImage(s, css) });
  return parts;
}

/**
 * Paint the figure into `out` (a canvas; sized here on the first call): the title, the parts, the
 * credit line and the link. width: the picture's width in pixels.
 */
export function paintFigure(out, parts, { width, title, font, paper, ink, muted, link }) {
  const s = width / parts.width;
  const pad = Math.round(width * 0.02),
    titlePx = Math.round(width * 0.022),
    creditPx = Math.max(10, Math.round(width * 0.009));
  const top = pad + titlePx * 1.4,
    height = 2 * Math.round((top + parts.height * s + pad + creditPx * 2.6) / 2); // even: video codecs
  if (out.width !== width || out.height !== height) {
    out.width = width;
    out.height = height;
  }
  const c = out.getContext("2d");
  c.setTransform(1, 0, 0, 1, 0, 0);
  c.fillStyle = paper;
  c.fillRect(0, 0, width, height);
  c.fillStyle = ink;
  c.textBaseline = "top";
  c.font = `600 ${titlePx}px ${font}`;
  c.fillText(title, pad, pad * 0.6, width - 2 * pad);
  const inner = (width - 2 * pad) / width;
  c.save();
  c.translate(pad, top);
  c.scale(s * inner, s * inner);
  for (const b of parts.boxes) {
    c.fillStyle = b.fill;
    c.fillRect(b.x, b.y, b.w, b.h);
    if (b.top > 0) {
      c.fillStyle = b.line;
      c.fillRect(b.x, b.y, b.w, b.top);
    }
  }
  for (const t of parts.texts) {
    c.fillStyle = t.color;
    c.font = `${t.weight} ${t.px}px ${font}`;
    c.fillText(t.text, t.x, t.y, t.w);
  }
  for (const k of parts.canvases) c.drawImage(k.c, k.x, k.y, k.w, k.h);
  for (const g of parts.svgs) if (g.img) c.drawImage(g.img, g.x, g.y, g.w, g.h);
  c.restore();
  c.fillStyle = muted;
  c.font = `${creditPx}px ${font}`;
  c.textBaseline = "bottom";
  c.fillText(`${CREDIT} · ${link}`, pad, height - pad * 0.5, width - 2 * pad);
  return out;
}

/** The look of the picture: the charts' font and colours (encodings), the chapter's title. */
export function pictureStyle(app) {
  const enc = app.encodings;
  const n = app.chapterNo;
  const c = app.chapters[n - 1];
  const title = c && app.isChapterRun ? `${n}. ${app.content.text(c.id).title}` : document.title;
  return { font: enc.font, paper: enc.paper, ink: enc.ink, muted: enc.muted, title, link: location.href };
}

/** The figure as a PNG blob `width` pixels wide (default: twice its width on screen). */
export async function figurePNG(app, panels, width = 0) {
  const w = Math.round(width || 2 * panels.getBoundingClientRect().width);
  const scale = w / panels.getBoundingClientRect().width;
  return withScale(app, scale, async () => {
    const out = paintFigure(document.createElement("canvas"), await figureParts(panels), {
      ...pictureStyle(app),
      width: w,
    });
    return new Promise((resolve) => out.toBlob(resolve, "image/png"));
  });
}
