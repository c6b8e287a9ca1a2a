"""The lecture hall (issue 21, app/present.js): clicker keys move exactly one chapter, presentation mode
fills the screen with every text of the figure >= 2.2 % of the screen's height (read from the computed
style, the SVG's scale and the canvases' own fillText calls) and nothing overflowing, and the text size
is kept in the link. One page for the whole file (the precomputed runs: no need to wait for Python)."""

from __future__ import annotations

import pytest

from tests.conftest import next_frames, poll, until

MIN_SHARE = 0.022  # of the screen's height: the "readable at 1024x768 from 10 m"

# every canvas's text as drawn: font px x the context's scale, in screen px (the canvas's own pixels per
# screen px taken out), newest last; reset by the test before a redraw
RECORD_CANVAS_TEXT = """
(() => {
  const P = CanvasRenderingContext2D.prototype, fill = P.fillText;
  window.__canvasText = [];
  P.fillText = function (text, ...rest) {
    const c = this.canvas, r = c.getBoundingClientRect();
    if (r.width > 0 && String(text).trim() && c.closest('#figure-wrap')) {
      const px = parseFloat(this.font.match(/([\\d.]+)px/)[1]);
      const m = this.getTransform(), screenPx = px * Math.hypot(m.a, m.b) * (r.width / c.width);
      window.__canvasText.push({ text: String(text), px: screenPx, id: c.parentElement.id });
    }
    return fill.call(this, text, ...rest);
  };
})();
"""

MEASURE = """
() => {
  const H = innerHeight, W = innerWidth, wrap = document.getElementById("figure-wrap");
  const texts = [], overflow = [];
  const walker = document.createTreeWalker(wrap, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    const e = n.parentElement, r = e.getBoundingClientRect();
    if (!e.checkVisibility() || r.width <= 1 || r.height <= 1) continue;
    const zoom = e.currentCSSZoom || 1;
    let px = parseFloat(getComputedStyle(e).fontSize) * zoom;
    const svg = e.closest("svg");
    if (svg) px = parseFloat(getComputedStyle(e).fontSize) * svg.getScreenCTM().a;
    texts.push({ text: n.textContent.trim().slice(0, 40), px, cls: e.className.baseVal ?? e.className });
  }
  for (const e of wrap.querySelectorAll("*")) {
    if (!e.checkVisibility()) continue;
    const r = e.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1 || getComputedStyle(e).position === "absolute") continue;
    const name = e.id || e.className.baseVal || e.className || e.tagName;
    if (r.right > W + 1 || r.bottom > H + 1 || r.left < -1 || r.top < -1)
      overflow.push({ name, rect: [r.left, r.top, r.right, r.bottom] });
    if (["cell-title", "run-head", "present-head", "transport"].some((c) => e.classList.contains(c)) &&
        (e.scrollWidth > e.clientWidth + 2 || e.scrollHeight > e.clientHeight + 2))
      overflow.push({ name, scroll: [e.scrollWidth, e.clientWidth, e.scrollHeight, e.clientHeight] });
  }
  const w = wrap.getBoundingClientRect();
  const canvas = window.__canvasText.slice();
  return { H, texts, overflow, canvas, wrap: [w.left, w.top, w.width, w.height] };
}
"""


@pytest.fixture(scope="module")
def lab(browser, server_url):
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(f"uncaught: {e}"))
    pg.add_init_script(RECORD_CANVAS_TEXT)
    pg.goto(server_url)
    until(pg, "() => window.pyinitLab && window.pyinitLab.snapshot()", what="the first runs shown")
    yield pg
    context.close()


def pause(pg):
    if pg.evaluate("() => window.pyinitLab.snapshot().playing"):
        pg.click("#btn-play")
    poll(lambda: not pg.evaluate("() => window.pyinitLab.snapshot().playing"))


def chapter_no(pg):
    return pg.evaluate(
        "() => [...document.querySelectorAll('.chapter-step')]"
        ".findIndex((s) => s.classList.contains('active'))"
        " + 1"
    )


def chapter_id(pg):
    return pg.evaluate("() => window.pyinitLab.state().chapter")


def ids(pg):
    return pg.evaluate("() => [...document.querySelectorAll('.chapter-step')].map((s) => s.dataset.id)")


def press_and_wait(pg, key, want_no):
    pg.keyboard.press(key)
    chapters = ids(pg)
    poll(lambda: chapter_id(pg) == chapters[want_no - 1] and chapter_no(pg) == want_no, what=f"{key}")
    # exactly one: no scroll settling later moves on
    next_frames(pg, 20)
    assert chapter_no(pg) == want_no and chapter_id(pg) == chapters[want_no - 1]


def test_clicker_keys_move_exactly_one_chapter_and_leave_fields_alone(lab):
    pg = lab
    pg.evaluate("() => window.pyinitLab.chapter(window.pyinitLab.state().chapter)")  # chapter 1
    poll(lambda: chapter_no(pg) == 1)
    pg.locator("#story").focus()
    for n in (2, 3, 4, 5):
        press_and_wait(pg, "PageDown", n)
    press_and_wait(pg, "PageUp", 4)
    press_and_wait(pg, "n", 5)
    press_and_wait(pg, "p", 4)
    # the chapter's section is at the top of the window once the story's smooth scroll to it has ended
    top = "() => document.getElementById('chapter-4').getBoundingClientRect().top"
    poll(lambda: abs(pg.evaluate(top)) < 40, 5, "chapter 4 at the top of the window")
    next_frames(pg, 20)
    assert abs(pg.evaluate(top)) < 40, pg.evaluate(top)  # and it stays there
    # arrows keep stepping the training
    pause(pg)
    pg.evaluate("() => window.pyinitLab.goTo(0)")
    poll(lambda: pg.evaluate("() => window.pyinitLab.snapshot().cursor") == 0)
    pg.locator("#story").focus()
    pg.keyboard.press("ArrowRight")
    poll(lambda: pg.evaluate("() => window.pyinitLab.snapshot().cursor") == 1, what="a step")
    assert chapter_no(pg) == 4
    # a list keeps its keys
    pg.locator("#font_size").focus()
    pg.keyboard.press("n")
    pg.keyboard.press("PageDown")
    next_frames(pg, 10)
    assert chapter_no(pg) == 4
    pg.select_option("#font_size", "100")


def test_b_and_dot_blank_the_screen_and_any_key_brings_it_back(lab):
    pg = lab
    pg.locator("#story").focus()
    covered = (
        "() => document.elementFromPoint(innerWidth / 2, innerHeight / 2).classList.contains('present-blank')"
    )
    for key in ("b", "."):
        pg.keyboard.press(key)
        assert poll(lambda: pg.evaluate(covered)), key
        dark = "() => getComputedStyle(document.querySelector('.present-blank')).backgroundColor"
        assert pg.evaluate(dark) not in ("rgba(0, 0, 0, 0)", "transparent")
        pg.keyboard.press("Space")
        assert poll(lambda: not pg.evaluate(covered)), key


def measure(pg):
    pg.evaluate("() => { window.__canvasText.length = 0; }")
    pause(pg)
    # another step: every chart draws again
    pg.evaluate("() => window.pyinitLab.goTo(window.pyinitLab.snapshot().step > 0 ? 0 : 10)")
    until(pg, "() => window.pyinitLab.drawnAll()", what="drawn")
    next_frames(pg, 3)
    poll(lambda: pg.evaluate("() => window.__canvasText.length") > 10, what="the charts' text drawn")
    return pg.evaluate(MEASURE)


@pytest.mark.parametrize("size", [(1024, 768), (1920, 1080)])
def test_presentation_mode_every_text_is_large_and_nothing_overflows(lab, size):
    pg = lab
    pg.set_viewport_size({"width": size[0], "height": size[1]})
    pg.locator("#story").focus()
    pg.keyboard.press("f")
    until(pg, "() => document.documentElement.classList.contains('presenting')", what="presenting")
    poll(lambda: "present=1" in pg.evaluate("() => location.hash"), what="present=1 in the link")
    m = measure(pg)
    H = m["H"]
    least = MIN_SHARE * H
    assert m["wrap"] == [0, 0, size[0], size[1]], m["wrap"]  # the figure fills the screen
    head = pg.evaluate("() => document.querySelector('.present-title').textContent")
    assert head and head == pg.evaluate("() => document.querySelector('.chapter-step.active h2').textContent")
    assert pg.evaluate("() => document.querySelector('.present-watch').textContent.length") > 20
    small = [t for t in m["texts"] if t["px"] < least]
    assert not small, (least, small[:8])
    small_canvas = [t for t in m["canvas"] if t["px"] < least]
    assert not small_canvas, (least, small_canvas[:8])
    assert len(m["texts"]) > 15 and len(m["canvas"]) > 10
    assert not m["overflow"], m["overflow"][:8]
    # the canvases are drawn at their shown size (not a stretched bitmap)
    ratio = pg.evaluate(
        "() => [...document.querySelectorAll('#fig-panels canvas')].map((c) => c.width /"
        " c.getBoundingClientRect().width)"
    )
    assert ratio and all(r > 0.97 for r in ratio), ratio
    # Esc leaves
    pg.keyboard.press("Escape")
    until(pg, "() => !document.documentElement.classList.contains('presenting')", what="left")
    poll(lambda: "present=1" not in pg.evaluate("() => location.hash"), what="present=1 gone")
    pg.set_viewport_size({"width": 1024, "height": 768})


def test_a_chapter_entered_in_presentation_mode_starts_at_step_0(lab):
    pg = lab
    pg.locator("#story").focus()
    pg.keyboard.press("f")
    until(pg, "() => document.documentElement.classList.contains('presenting')")
    pause(pg)
    pg.evaluate("() => window.pyinitLab.goTo(40)")
    poll(lambda: pg.evaluate("() => window.pyinitLab.snapshot().step") >= 40)
    before = chapter_no(pg)
    serial = pg.evaluate("() => window.pyinitLab.snapshot().serial")
    pg.keyboard.press("PageDown")
    poll(lambda: chapter_no(pg) == before + 1)
    snap = poll(
        lambda: (s := pg.evaluate("() => window.pyinitLab.snapshot()")) and s["serial"] != serial and s,
        what="new runs",
    )
    assert snap["step"] < 40, snap["step"]  # from step 0 (and playing on, motion permitting)
    title = pg.evaluate("() => document.querySelector('.present-title').textContent")
    assert title == pg.evaluate("() => document.querySelector('.chapter-step.active h2').textContent")
    pg.keyboard.press("Escape")
    until(pg, "() => !document.documentElement.classList.contains('presenting')")


def test_text_size_is_a_control_and_kept_in_the_link(lab):
    pg = lab
    pg.select_option("#font_size", "150")
    poll(lambda: "font_size=150" in pg.evaluate("() => location.hash"), what="font_size=150 in the link")
    m = measure(pg)
    ticks = [t["px"] for t in m["canvas"]]
    assert min(ticks) >= 15 - 0.01, min(ticks)  # the charts' 10 px ticks at 150 %
    story_px = pg.evaluate(
        "() => { const p = document.querySelector('.chapter-body');"
        " return parseFloat(getComputedStyle(p).fontSize) * p.currentCSSZoom; }"
    )
    assert story_px >= 1.5 * 15, story_px
    pg.select_option("#font_size", "100")
    poll(lambda: "font_size" not in pg.evaluate("() => location.hash"))
    assert not pg.errors, pg.errors


def open_downloads(pg):
    if not pg.evaluate("() => document.querySelector('.downloads').open"):
        pg.click(".downloads summary")


def test_png_download_is_the_figure_at_the_stated_width_with_drawn_charts(lab, tmp_path):
    from PIL import Image

    pg = lab
    pause(pg)
    open_downloads(pg)
    pg.select_option("#export-width", "1920")
    with pg.expect_download(timeout=60_000) as d:
        pg.click("button[data-format=png]")
    name = d.value.suggested_filename
    chapter = pg.evaluate("() => window.pyinitLab.state().chapter")
    assert name.endswith(".png") and chapter in name and "-vs-" in name, name
    path = tmp_path / name
    d.value.save_as(path)
    img = Image.open(path).convert("RGB")
    assert img.width == 1920 and img.height > 900, img.size
    # each chart's area (where its canvas or diagram sits on screen, scaled) holds ink: not blank
    boxes = pg.evaluate(
        """() => { const o = document.getElementById('fig-panels').getBoundingClientRect();
        return [...document.querySelectorAll('#fig-panels canvas, #fig-panels .netdiagram svg')].map((e) => {
          const r = e.getBoundingClientRect();
          return [(r.left - o.left) / o.width, (r.top - o.top) / o.height,
                  r.width / o.width, r.height / o.height];
        }); }"""
    )
    assert len(boxes) >= 4, boxes
    pad = round(1920 * 0.02)
    inner = 1920 - 2 * pad
    top = pad + round(1920 * 0.022) * 1.4
    panels_h = img.height - top - pad - max(10, round(1920 * 0.009)) * 2.6
    for x, y, w, h in boxes:
        crop = img.crop(
            (
                int(pad + x * inner),
                int(top + y * panels_h),
                int(pad + (x + w) * inner),
                int(top + (y + h) * panels_h),
            )
        )
        colours = crop.getcolors(maxcolors=1_000_000)
        ink = sum(n for n, c in colours if sum(c) < 600)  # darker than the paper
        assert len(colours) > 20 and ink > 0.002 * crop.width * crop.height, (x, y, len(colours), ink)


DURATION = """async (b64) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const v = document.createElement('video');
  v.muted = true;
  v.src = URL.createObjectURL(new Blob([bytes], { type: 'video/webm' }));
  await new Promise((ok, fail) => {
    v.onloadedmetadata = ok;
    v.onerror = () => fail(new Error('not a video'));
  });
  if (!Number.isFinite(v.duration)) {  // MediaRecorder writes no duration: read to the end
    v.currentTime = 1e7;
    await new Promise((ok) => (v.ondurationchange = ok));
  }
  return { duration: v.duration, width: v.videoWidth, height: v.videoHeight };
}"""


def test_webm_download_lasts_as_long_as_its_frames(lab, tmp_path, browser):
    import base64

    pg = lab
    pause(pg)
    open_downloads(pg)
    pg.select_option("#export-width", "1280")
    pg.evaluate("() => { document.querySelector('.downloads').dataset.maxFrames = '12'; }")
    with pg.expect_download(timeout=180_000) as d:
        pg.click("button[data-format=webm]")
        poll(lambda: pg.evaluate("() => !document.querySelector('.export-progress').hidden"), what="progress")
        # the page stays usable while it records: the language switch still answers
        assert pg.evaluate("() => document.querySelectorAll('#lang-switch button').length") >= 2
    name = d.value.suggested_filename
    assert name.endswith(".webm") and "animation" in name, name
    data = (tmp_path / name).read_bytes() if d.value.save_as(tmp_path / name) is None else b""
    assert data[:4] == b"\x1a\x45\xdf\xa3", data[:4]  # EBML: a Matroska/WebM file
    frames = int(pg.get_attribute(".export-note", "data-frames"))
    seconds = float(pg.get_attribute(".export-note", "data-seconds"))
    assert frames == 12
    fps = 10
    assert abs(seconds - frames / fps) < 1e-3, seconds  # every frame stamped k / fps (WebCodecs)
    # decoded in a page of its own (the lab's CSP has no media-src for blob: videos)
    other = browser.new_page()
    try:
        info = other.evaluate(DURATION, base64.b64encode(data).decode())
    finally:
        other.close()
    assert info["width"] == 1280, info
    # the file lasts frames / fps (within one frame: containers differ on the last frame's length)
    assert abs(info["duration"] - frames / fps) <= 1 / fps + 0.01, (info, frames)
    assert not pg.errors, pg.errors


def test_gif_download_decodes_with_the_frames_recorded(lab, tmp_path):
    from PIL import Image

    pg = lab
    pause(pg)
    open_downloads(pg)
    pg.select_option("#export-width", "1280")
    pg.evaluate("() => { document.querySelector('.downloads').dataset.maxFrames = '8'; }")
    with pg.expect_download(timeout=180_000) as d:
        pg.click("button[data-format=gif]")
    name = d.value.suggested_filename
    assert name.endswith(".gif") and "animation" in name, name
    d.value.save_as(tmp_path / name)
    img = Image.open(tmp_path / name)
    assert img.format == "GIF" and img.width == 1280, (img.format, img.size)
    assert img.n_frames == 8 == int(pg.get_attribute(".export-note", "data-frames")), img.n_frames
    assert img.info.get("duration") == 100  # 1 / 10 s a frame
    # the frames differ: the runs move (the first and the last are not the same picture)
    img.seek(0)
    first = img.convert("RGB").tobytes()
    img.seek(7)
    assert img.convert("RGB").tobytes() != first
    assert not pg.errors, pg.errors


def test_svg_download_parses_and_holds_the_charts_marks(lab, tmp_path):
    import xml.etree.ElementTree as ET

    pg = lab
    pause(pg)
    pg.evaluate("() => window.pyinitLab.goTo(30)")
    poll(lambda: pg.evaluate("() => window.pyinitLab.snapshot().step") >= 30)
    open_downloads(pg)
    with pg.expect_download(timeout=60_000) as d:
        pg.click("button[data-format=svg]")
    name = d.value.suggested_filename
    assert name.endswith(".svg"), name
    d.value.save_as(tmp_path / name)
    root = ET.parse(tmp_path / name).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    charts = [e for e in root.iter(f"{ns}svg") if e.get("class") == "chart"]
    shown = pg.evaluate("() => [...document.querySelectorAll('#fig-panels canvas')].length")
    assert len(charts) == shown >= 2, (len(charts), shown)
    for chart in charts:
        paths = list(chart.iter(f"{ns}path"))
        texts = [t.text for t in chart.iter(f"{ns}text") if t.text]
        data = [p for p in paths if "A" in p.get("d", "") or p.get("d", "").count("L") >= 5]
        marks = list(chart.iter(f"{ns}image")) + data  # a line of several steps, a dot, a heat map
        # axes (a frame, gridlines), tick labels, and the data: a long line or a heat map
        assert len(paths) >= 4 and len(texts) >= 3 and marks, (len(paths), texts[:5], len(marks))
    nets = [e for e in root.iter(f"{ns}svg") if e.get("class") == "net"]
    assert len(nets) == 2 and all(
        len(list(n.iter(f"{ns}line")) + list(n.iter(f"{ns}path"))) > 4 for n in nets
    )
    words = " ".join(t.text or "" for t in root.iter(f"{ns}text"))
    title = pg.evaluate("() => document.querySelector('.chapter-step.active h2').textContent")
    assert title in words and "pyinit" in words
