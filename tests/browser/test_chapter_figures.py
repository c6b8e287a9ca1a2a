"""Every chapter's figure, as the reader sees it (issue 17.9), at 1280x720 and on a 390x844 phone (en):
one page load per size, the chapters opened in turn (the lab hook's chapter(id), as a reader scrolls
to them) and each shown paused at its run's last step. For each chapter:

- the runs stop at the chapter's length (the controller's end and the last step held = chapters.json's
  ``steps``) and the figure shows that step;
- the left and right copy of every paired line chart (loss, gradient norms, S) have one scale type,
  one y range and the same tick labels (lines.js's chartAxes), and a log axis labels at most 6 ticks;
- no run title and no panel title is cut (scrollWidth <= clientWidth), and a run title names the
  whole setup the chapter's preset sets (the init's parameter, biases, activation, optimizer, dropout);
- the panels the chapter's text talks about (chapters.json "panels"; on the phone its "phone") are on
  screen: displayed, inside the viewport, and the element at their centre is the panel's own;
- the watch text shown is the one tests/web/test_chapter_figure_numbers.py checks number by number
  against the figure's data, and the page holds exactly that data at the end (each run's loss and
  accuracy = the precomputed file's last record)."""

import json
import math
from pathlib import Path

import pytest

from tools.chapter_screenshots import open_page, show_chapter_end

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = json.loads((ROOT / "pyinit/content/chapters.json").read_text(encoding="utf-8"))["chapters"]
WATCH = {
    k: v["watch"]
    for k, v in json.loads((ROOT / "pyinit/content/text/en.json").read_text())["chapters"].items()
}
PAIRED = ("loss", "gradnorm", "symmetry")
PARAMETER = {"normal": "σ\u00a0=\u00a0", "zeros_eps": "ε\u00a0=\u00a0", "constant": "c\u00a0=\u00a0"}
NAMES = {"relu": "ReLU", "sigmoid": "sigmoid", "adam": "Adam", "momentum": "momentum"}


def setup_words(preset, side):
    """What the run title of ``side`` must say of the chapter's preset."""
    words = []
    init = preset.get(f"{side}_init")
    if init in PARAMETER:
        words.append(PARAMETER[init])
    if preset.get(f"{side}_bias"):
        words.append(f"biases {preset[f'{side}_bias']}")
    for key in ("activation", "optimizer"):
        if preset.get(key) in NAMES:
            words.append(NAMES[preset[key]])
    if preset.get("dropout"):
        words.append(f"dropout {preset['dropout']}")
    return words


LOOK = """(args) => {
  const [panels, paired] = args;
  const s = window.pyinitLab.snapshot();
  const vw = innerWidth, vh = innerHeight;
  const cut = [...document.querySelectorAll('#fig-panels .run-title, #fig-panels .cell-title')]
    .filter((e) => e.offsetParent && e.scrollWidth > e.clientWidth + 1)
    .map((e) => e.textContent);
  const onScreen = {};
  for (const id of panels)
    for (const side of ['left', 'right']) {
      const plot = document.getElementById(`fig-${id}-${side}`);
      const cell = plot && plot.closest('.cell');
      let ok = false;
      if (cell && cell.offsetParent) {
        const r = plot.getBoundingClientRect();
        const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
        const hit = document.elementFromPoint(cx, cy);
        ok = r.width > 40 && r.height > 40 && r.top >= 0 && r.bottom <= vh + 1 && r.left >= 0 &&
          r.right <= vw + 1 && !!hit && cell.contains(hit);
      }
      onScreen[`${id}/${side}`] = ok;
    }
  const axes = {};
  for (const id of paired)
    for (const side of ['left', 'right']) {
      const plot = document.getElementById(`fig-${id}-${side}`);
      if (plot) axes[`${id}/${side}`] = plot.chartAxes || null;
    }
  const titles = ['left', 'right'].map((side) =>
    document.querySelector(`#fig-panels .run[data-side=${side}] .run-title`).textContent);
  return { titles, end: s.end, step: s.step, lastStep: s.lastStep, cut, onScreen, axes,
           runs: s.runs.map((r) => [r.loss, r.acc]),
           watch: [...document.querySelectorAll('.chapter-step .watch')].map((e) => e.textContent) };
}"""


def precomputed_end(dist_dir, cid):
    head = json.loads((dist_dir / "data" / "chapters" / f"{cid}.json").read_text())
    blob = (dist_dir / "data" / "chapters" / f"{cid}.bin").read_bytes()
    import numpy as np

    def arr(name):
        dtype, offset, length = head["arrays"][name]
        return np.frombuffer(blob, dtype=dtype, count=length, offset=offset)

    K = 2
    return arr("loss").reshape(-1, K)[-1], arr("acc").reshape(-1, K)[-1]


@pytest.mark.parametrize("size", [(1280, 720), (390, 844)], ids=["1280x720", "390x844"])
def test_every_chapter_figure_shows_what_its_text_says(browser, server_url, dist_dir, size):
    context, page = open_page(browser, server_url, size)
    problems = []
    try:
        for chapter in CHAPTERS:
            cid = chapter["id"]
            show_chapter_end(page, chapter)
            phone = size[0] < 600
            named = (chapter.get("phone") or chapter["panels"][:1]) if phone else chapter["panels"]
            seen = page.evaluate(LOOK, [named, [p for p in PAIRED if p in chapter["panels"]]])
            if not (seen["end"] == seen["step"] == seen["lastStep"] == chapter["steps"]):
                problems.append(
                    f"{cid}: stops at {seen['end']}, shows {seen['step']}, not {chapter['steps']}"
                )
            for key, ok in seen["onScreen"].items():
                if not ok:
                    problems.append(f"{cid}: panel {key} is not on screen")
            if seen["cut"]:
                problems.append(f"{cid}: titles cut: {seen['cut']}")
            for side, title in zip(("left", "right"), seen["titles"]):
                missing = [w for w in setup_words(chapter["preset"], side) if w not in title]
                if missing:
                    problems.append(f"{cid}: the {side} title {title!r} does not say {missing}")
            for pid in PAIRED:
                if pid not in chapter["panels"]:
                    continue
                left, right = seen["axes"].get(f"{pid}/left"), seen["axes"].get(f"{pid}/right")
                if not left or left != right:
                    problems.append(f"{cid}: {pid} axes differ: {left} vs {right}")
                elif left["yMode"] == "logzero" and len(left["yTicks"]) > 6:
                    problems.append(f"{cid}: {pid} labels {len(left['yTicks'])} ticks")
            if not any(w.endswith(WATCH[cid]) for w in seen["watch"]):
                problems.append(f"{cid}: its watch text is not on the page")
            loss, acc = precomputed_end(dist_dir, cid)
            for k, (shown_loss, shown_acc) in enumerate(seen["runs"]):
                if not (
                    math.isclose(shown_loss, loss[k], rel_tol=1e-6)
                    and math.isclose(shown_acc, acc[k], rel_tol=1e-6)
                ):
                    problems.append(
                        f"{cid}: run {k} shows {shown_loss}, {shown_acc}, the file {loss[k]}, {acc[k]}"
                    )
        assert not page.errors, page.errors
    finally:
        context.close()
    assert not problems, "\n".join(problems)
