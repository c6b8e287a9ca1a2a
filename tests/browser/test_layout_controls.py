"""Issue 18.1: nothing covers a control. On the lab page with "More panels" in view, at five window
sizes, every visible control (button, select, input, link, slider, summary) scrolled into the middle
of the viewport is what `document.elementFromPoint` finds at its centre (or holds it); the
transport, wherever it sits, is a compact bar (at most 12 % of the viewport's height); and a few
controls clicked with the mouse (Playwright's click fails on a covered target) do what they say.
One page per size; all controls checked in one evaluate."""

from __future__ import annotations

import pytest

from conftest import LOAD_TIMEOUT_MS, next_frames, until

SIZES = [(1024, 768), (1280, 720), (1400, 900), (1920, 1080), (390, 844)]
BAR_SHARE = 0.12

# every visible control in the lab and the transport, scrolled to the middle one by one: what covers it?
COVERED = """() => {
  const sel = "button, select, input, textarea, a[href], summary, [role=slider], "
    + "[tabindex]:not([tabindex='-1'])";
  const bar = document.querySelector(".transport");
  const all = [...document.getElementById("more").querySelectorAll(sel), ...bar.querySelectorAll(sel)];
  const seen = (el) => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 2 && r.height > 2 && s.visibility !== "hidden"
      && !el.closest("[hidden], .visually-hidden"); };
  const covered = [];
  let checked = 0;
  for (const el of all.filter(seen)) {
    el.scrollIntoView({ block: "center", inline: "center", behavior: "instant" });
    const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + Math.min(r.height / 2, 12);
    const hit = document.elementFromPoint(x, y);
    checked += 1;
    const ok = hit && (el.contains(hit) || hit.contains(el) && hit.tagName === "LABEL" || hit.control === el
      || (hit.closest("label") && hit.closest("label").control === el));
    if (!ok) covered.push({ control: el.id || el.outerHTML.slice(0, 80),
      hit: hit ? (hit.id || hit.className || hit.tagName)
      : null, by: hit && hit.closest(".transport, .lab-dock, .figure-wrap") ? "transport/figure" : "" });
  }
  const b = bar.getBoundingClientRect();
  return { checked, covered, barHeight: b.height, viewport: innerHeight };
}"""


@pytest.fixture(scope="module", params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def lab_in_view(request, browser, server_url):
    w, h = request.param
    context = browser.new_context(viewport={"width": w, "height": h})
    pg = context.new_page()
    pg.goto(server_url + "index.html", timeout=LOAD_TIMEOUT_MS)
    until(
        pg,
        "() => document.querySelectorAll('#ctl-network input, #ctl-network select').length > 0 "
        "&& window.pyinitLab && window.pyinitLab.drawnAll()",
        what="the lab's settings and panels drawn",
    )
    pg.evaluate("() => document.querySelectorAll('#more details').forEach((d) => { d.open = true; })")
    pg.evaluate("() => { window.__panelsThere = 0; }")
    # scrolled as a reader does: again while the page still grows and moves the panels (the lab's
    # panels and the story's last experiments draw as they come near the screen)
    until(
        pg,
        """() => { const p = document.getElementById('panels');
            const bottom = scrollY >= document.documentElement.scrollHeight - innerHeight - 2;
            // (below the docked transport: the page's scroll-padding-top)
            const pad = parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop) || 0;
            const top = p.getBoundingClientRect().top;
            // there for a second (four polls in a row): the page has stopped growing
            if ((top >= -2 && top <= pad + 2) || bottom) return ++window.__panelsThere >= 4;
            window.__panelsThere = 0;
            p.scrollIntoView({block: 'start', behavior: 'instant'}); return false; }""",
        what="the panels at the top of the window (or the page's end)",
    )
    next_frames(pg, 3)
    yield pg, (w, h)
    context.close()


def test_no_control_is_covered_and_the_bar_is_compact(lab_in_view):
    pg, (w, h) = lab_in_view
    # the page has placed its transport for the lab in view (docked in the lab; before: floating)
    try:
        until(
            pg,
            "() => { const t = document.querySelector('.transport'); "
            "return !!t.closest('#more') || t.classList.contains('floating'); }",
            what="the transport placed",
        )
    except AssertionError as e:  # say where things were
        where = pg.evaluate("""() => ({ scrollY, height: document.documentElement.scrollHeight,
            figure: document.getElementById('figure').getBoundingClientRect().toJSON(),
            more: document.getElementById('more').getBoundingClientRect().top,
            panels: document.getElementById('panels').getBoundingClientRect().top,
            transport: document.querySelector('.transport').className })""")
        raise AssertionError(f"{e}: {where}") from None
    got = pg.evaluate(COVERED)
    assert got["checked"] > 30, got
    assert got["covered"] == [], f"{w}x{h}: covered controls {got['covered'][:6]} (of {len(got['covered'])})"
    assert got["barHeight"] <= BAR_SHARE * h, f"{w}x{h}: the transport is {got['barHeight']:.0f} px tall"


def test_mouse_clicks_reach_the_lab_controls(lab_in_view):
    pg, _size = lab_in_view
    # a field in the Network settings, in the middle of the window with the lab in view: click it (a
    # covered target makes Playwright's click fail)
    pg.evaluate(
        "() => document.getElementById('ctl-network').scrollIntoView({block: 'center', behavior: 'instant'})"
    )
    next_frames(pg, 3)
    field = pg.locator("#ctl-network input").first
    field.click(timeout=15000, no_wait_after=True)
    assert pg.evaluate(
        "() => document.activeElement && document.activeElement.closest('#ctl-network') !== null"
    )
    # a select among the panels' row tools, with the panels' top in the middle of the window (where the
    # floating bar used to sit)
    pg.evaluate("""() => { const r = document.getElementById('panels').getBoundingClientRect();
        window.scrollBy({top: r.top - innerHeight * 0.45, behavior: 'instant'}); }""")
    next_frames(pg, 3)
    tool = pg.locator("#panels .row-tools select").first
    tool.click(timeout=15000, no_wait_after=True)
    pg.keyboard.press("Escape")
    assert pg.evaluate(
        "() => document.activeElement && document.activeElement.closest('#panels .row-tools') !== null"
    )
    # the "numbers" table's summary toggles its details
    summary = pg.locator("#lab-numbers-box summary").first
    if summary.count():
        before = pg.evaluate("() => document.querySelector('#lab-numbers-box details').open")
        summary.click(timeout=15000, no_wait_after=True)
        assert pg.evaluate("() => document.querySelector('#lab-numbers-box details').open") != before
    # Back (or Step, at step 0), pressed by mouse on the bar wherever it sits, moves the shown step
    if pg.evaluate("() => window.pyinitLab.snapshot().playing"):
        pg.locator("#btn-play").click(timeout=15000, no_wait_after=True)
        until(pg, "() => !window.pyinitLab.snapshot().playing", what="paused")
    step0 = pg.evaluate("() => window.pyinitLab.snapshot().step")
    pg.locator("#btn-back" if step0 > 0 else "#btn-step").click(timeout=15000, no_wait_after=True)
    moved = f"() => window.pyinitLab.snapshot().step {'<' if step0 > 0 else '>'} {step0}"
    until(pg, moved, timeout=30, what="Back/Step moved the shown step")
