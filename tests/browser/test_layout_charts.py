"""Issue 18.6: no blank areas and no squeezed charts. In every chapter, at desktop and phone sizes, each
chart the figure shows has a box of real size (at least MIN_W x MIN_H px), is not a tall narrow strip
(height at most MAX_TALL x its width: a loss chart squeezed beside a square boundary was 180 x 375 px),
and its text labels (SVG text, bounding boxes) do not overlap one another; the network diagrams'
labels (x1, x2, y-hat) are at least LABEL_PX tall on the screen (on a phone the diagram is drawn at
less than half its view box: they were 5 px). One page per size; the
story is scrolled chapter by chapter, as a reader does."""

from __future__ import annotations

import time

import pytest

from conftest import LOAD_TIMEOUT_MS, until

SIZES = [(1024, 768), (1280, 720), (1400, 900), (1920, 1080), (390, 844)]
MIN_W, MIN_H = 120, 100
MAX_TALL = 1.5
LABEL_PX = 11  # a label's box on the screen (an 11 px font is about 13 px tall)
LABEL_SETTLE_S = 3

LOOK = """() => {
  const boxes = [...document.querySelectorAll('#fig-panels .plot')].filter((p) => p.offsetParent !== null)
    .map((p) => { const r = p.getBoundingClientRect();
      return { id: p.id, w: Math.round(r.width), h: Math.round(r.height) }; });
  const overlaps = [];
  for (const svg of document.querySelectorAll('#fig-panels .plot svg')) {
    const texts = [...svg.querySelectorAll('text')].filter((t) => t.textContent.trim())
      .map((t) => ({ t: t.textContent.trim(), r: t.getBoundingClientRect() })).filter((x) => x.r.width > 0);
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i].r, b = texts[j].r;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 2 && h > 2) overlaps.push(`${svg.closest('.plot').id}: "${texts[i].t}" / "${texts[j].t}"`);
    }
  }
  const labels = [...document.querySelectorAll('#fig-panels .netdiagram .nodelabel')]
    .map((t) => ({ t: t.textContent, h: t.getBoundingClientRect().height }))
    .filter((x) => x.h > 0);
  return { boxes, overlaps, labels };
}"""


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_chapter_s_charts_have_room(browser, server_url, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    try:
        pg = context.new_page()
        pg.goto(server_url + "index.html", timeout=LOAD_TIMEOUT_MS)
        count = until(pg, "() => document.querySelectorAll('.chapter-step').length", what="the story")
        bad = []
        for n in range(1, count + 1):
            # scrolled to as a reader does: again if the page grew meanwhile and another chapter came
            # under the reading line (a scroll settles 140 ms after it ends: js/app/story.js)
            pg.evaluate(f"() => document.getElementById('chapter-{n}').scrollIntoView({{block: 'start'}})")
            until(
                pg,
                f"""() => {{ const sec = document.getElementById('chapter-{n}');
                    if (!sec.classList.contains('active')) {{
                        const now = performance.now();
                        if (now - (window.__lastScroll || 0) > 1500) {{
                            window.__lastScroll = now; sec.scrollIntoView({{block: 'start'}}); }}
                        return false; }}
                    return [...document.querySelectorAll('#fig-panels .plot')]
                        .every((p) => p.chartData || p.offsetParent === null); }}""",
                what=f"chapter {n} shown and drawn",
            )
            got = pg.evaluate(LOOK)
            for b in got["boxes"]:
                if b["w"] < MIN_W or b["h"] < MIN_H or b["h"] > MAX_TALL * b["w"]:
                    bad.append(f"chapter {n}: {b['id']} {b['w']}x{b['h']}")
            bad += [f"chapter {n}: {o}" for o in got["overlaps"]]
            # the diagrams fit their labels to their scale in the frames after a new layout (a chapter
            # with other panels resizes them): within LABEL_SETTLE_S
            deadline = time.time() + LABEL_SETTLE_S
            while any(x["h"] < LABEL_PX for x in got["labels"]) and time.time() < deadline:
                time.sleep(0.2)
                got = pg.evaluate(LOOK)
            bad += [
                f"chapter {n}: label {x['t']} {x['h']:.1f} px" for x in got["labels"] if x["h"] < LABEL_PX
            ]
        assert bad == [], f"{size}: " + "; ".join(bad)
    finally:
        context.close()
