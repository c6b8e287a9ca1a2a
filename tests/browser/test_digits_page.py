"""Real data on the page (issue 22, items 3 and 5): the "Real data" chapter's weight images show 1
distinct image for the constant init and 16 for He, read from what the page's charts drew, at 1280x720
and 390x844, and they are on screen with ink; the lab with dataset=digits trains live without console
errors, with weight images and test digits instead of the input-plane views and the loss labelled as
the test set; embed.html with dataset=digits shows the weight images for panels=units."""

import pytest

from conftest import lab_load, next_frames, plot_data, until, wait_for_status

pytestmark = pytest.mark.browser

DIGITS = "dataset=digits&width=16&activation=relu&batch_size=64&right_init=he"


def distinct_images(data):
    return len({tuple(img) for img in data["images"]})


def visible_ink(pg, div_id):
    """Whether the chart's canvas is the element at its own centre, and how many of its pixels are
    not blank (the page's paper)."""
    return pg.evaluate(
        """(id) => { const cv = document.getElementById(id).querySelector('canvas');
        const r = cv.getBoundingClientRect();
        if (!(r.width > 20 && r.height > 20)) return {seen: false, ink: 0};
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
        let ink = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 240 || d[i + 2] < 240)) ink++;
        return {seen: hit === cv, ink, inView: r.top >= 0 && r.bottom <= innerHeight + 1}; }""",
        div_id,
    )


@pytest.mark.parametrize("viewport", [(1280, 720), (390, 844)], ids=["1280x720", "390x844"])
def test_the_chapter_shows_one_distinct_weight_image_for_the_constant_init_and_16_for_he(
    browser, server_url, viewport
):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    pg = context.new_page()
    errors = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    pg.goto(server_url + "?sw=0#chapter=digits")
    assert wait_for_status(pg) == "ready", pg.inner_text("#boot")
    until(pg, "() => window.pyinitLab && window.pyinitLab.snapshot().chapter === 'digits'", 60, "chapter")
    until(pg, "() => window.pyinitLab.snapshot().source === 'live'", 180, "Python takes the runs over")
    if pg.evaluate("() => window.pyinitLab.snapshot().playing"):
        pg.click("#btn-play")
    assert pg.evaluate("() => window.pyinitLab.goTo(300)"), "the chapter's last step"
    until(pg, "() => window.pyinitLab.drawnAll()", 60, "drawn")
    panels = pg.get_attribute("#fig-panels", "data-panels")
    assert panels.split(",")[:2] == ["weights", "digits"] and "boundary" not in panels
    left, right = plot_data(pg, "fig-weights-left"), plot_data(pg, "fig-weights-right")
    assert len(left["images"]) == len(right["images"]) == 16
    assert (distinct_images(left), distinct_images(right)) == (1, 16)
    assert left["scale"] == right["scale"] > 0  # one colour scale for both runs
    assert len({v for v in left["images"][0]}) > 1  # the clones learned something (not a flat image)
    for side in ("left", "right"):
        next_frames(pg)
        seen = visible_ink(pg, f"fig-weights-{side}")
        if viewport[0] > 600 or side == "left":  # the phone shows one run's first panel at a time
            assert seen["seen"] and seen["ink"] > 500, (side, seen)
    head = pg.inner_text("#figure .run[data-side='right'] .run-stat")
    assert head.startswith("test loss") and "test accuracy 94.2%" in head.replace("\u00a0", ""), head
    digits = plot_data(pg, "fig-digits-right")
    if digits:
        assert len(digits["y"]) == 20 and sum(p == y for p, y in zip(digits["pred"], digits["y"])) >= 16
    pg.screenshot(path=f"/tmp/digits-chapter-{viewport[0]}x{viewport[1]}.png")
    assert not errors, errors
    context.close()


@pytest.fixture(scope="module")
def lab(browser, server_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = context.new_page()
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(f"uncaught: {e}"))
    pg.goto(server_url + "?sw=0")
    assert wait_for_status(pg) == "ready", pg.inner_text("#boot")
    until(pg, "() => window.pyinitLab && window.pyinitLab.snapshot().source === 'live'", 180, "live")
    yield pg
    context.close()


def test_the_lab_with_digits_trains_live_without_errors(lab):
    s = lab_load(lab, DIGITS + "&left_init=zeros&speed=2")
    assert s["step"] == 0
    assert lab.is_disabled("#noise") and lab.is_disabled("#n_samples") and lab.is_disabled("#factor")
    assert "digits" in lab.inner_text("#noise-msg")
    lab.evaluate("() => window.pyinitLab.resetTiming()")
    lab.click("#btn-play")
    until(lab, "() => window.pyinitLab.snapshot().step >= 120", 90, "trains live")
    lab.click("#btn-play")
    until(lab, "() => window.pyinitLab.drawnAll()", 60, "drawn")
    frames = lab.evaluate("() => window.pyinitLab.snapshot().timing.frames")
    if len(frames) > 10:
        gaps = sorted(frames)
        print(f"digits lab at 2 steps/frame: median frame {gaps[len(gaps) // 2]:.1f} ms over {len(frames)}")
    panels = lab.get_attribute("#fig-panels", "data-panels").split(",")
    assert "weights" in panels and "boundary" not in panels and "network" not in panels
    left = plot_data(lab, "fig-weights-left")
    assert left["scale"] > 0 and all(v == 0 for img in left["images"] for v in img)  # zeros: blank
    assert left["blank"] and not plot_data(lab, "fig-weights-right")["blank"]
    assert distinct_images(left) == 1 and distinct_images(plot_data(lab, "fig-weights-right")) == 16
    loss = plot_data(lab, "fig-loss-left")
    assert loss and loss["series"][0]["name"] == "test loss"
    rows = lab.get_attribute("#panels", "data-panels").split(",")
    assert "weights" in rows and "digits" in rows and not {"boundary", "units", "network"} & set(rows)
    assert not lab.errors, lab.errors


def test_an_embed_with_digits_draws_weight_images_for_panels_units(browser, server_url):
    context = browser.new_context(viewport={"width": 800, "height": 600})
    pg = context.new_page()
    errors = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    pg.goto(server_url + f"embed.html?{DIGITS}&panels=units,boundary,loss&lazy=0&sw=0")
    until(
        pg,
        "() => { const e = document.getElementById('weights-right'); return e && e.chartData; }",
        180,
        "weight images drawn",
    )
    panels = pg.get_attribute("#fig-panels", "data-panels")
    assert panels == "weights,digits,loss", panels
    assert distinct_images(plot_data(pg, "weights-right")) == 16
    assert not errors, errors
    context.close()
