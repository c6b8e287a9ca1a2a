"""Issue 18.5: embeds never drop a requested panel. In the example course page (iframes ~800 px
wide) and in a phone-wide embed, every panel the embed's URL asks for is shown for both runs (a box
of real size, not display:none), the panels stack where the width is short, and the height the
embed reports (embed-host.js sizes the iframe) follows, so nothing is cut off."""

from __future__ import annotations

import pytest

from conftest import LOAD_TIMEOUT_MS, poll

MIN_PANEL_PX = 140

CELLS = """() => [...document.querySelectorAll('#fig-panels .run-panels .cell')].map((c) => {
  const r = c.getBoundingClientRect(), below = document.getElementById('edge-legend').getBoundingClientRect();
  return { panel: c.dataset.panel, shown: getComputedStyle(c).display !== 'none', w: r.width, h: r.height,
    over: r.bottom > below.top + 1 };
})"""


def requested(url):
    query = url.split("?", 1)[1]
    return dict(p.split("=", 1) for p in query.split("&"))["panels"].split(",")


def check_frame(frame, where):
    cells = poll(lambda: (c := frame.evaluate(CELLS)) and c, timeout=60, what=f"{where}: panels built")
    wanted = requested(frame.url)
    assert len(cells) == 2 * len(wanted), f"{where}: {cells}"
    small = [
        c for c in cells if not c["shown"] or c["h"] < MIN_PANEL_PX or c["w"] < MIN_PANEL_PX or c["over"]
    ]
    assert small == [], f"{where}: panels dropped, squeezed or over what follows: {small}"


@pytest.mark.parametrize("width", [1280, 700, 390])
def test_course_page_embeds_show_every_requested_panel(browser, server_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        pg = context.new_page()
        pg.goto(server_url + "examples/course.html", timeout=LOAD_TIMEOUT_MS)
        frames = pg.query_selector_all("iframe.pyinit")[:2]  # the two that replay precomputed runs
        for i, handle in enumerate(frames):
            handle.scroll_into_view_if_needed()
            check_frame(handle.content_frame(), f"embed {i + 1} at {width} px")
            # the iframe is as tall as its content (the reported height followed the stacked panels)
            poll(
                lambda h=handle: h.evaluate(
                    "(f) => f.offsetHeight + 2 >= f.contentDocument.documentElement.scrollHeight"
                ),
                timeout=30,
                what=f"embed {i + 1}: the iframe's height follows its content",
            )
    finally:
        context.close()


def test_phone_embed_stacks_every_panel(browser, server_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        pg = context.new_page()
        pg.goto(server_url + "embed.html?panels=trajectories,loss,network", timeout=LOAD_TIMEOUT_MS)
        check_frame(pg.main_frame, "phone embed")
    finally:
        context.close()
