"""Build-time runs: each chapter's two lab runs, trained in CPython and packed small, so the page
draws every chapter at once, before Python has loaded in the browser (then a live ``web.lab``
session takes over and continues exactly these runs).

    chapter_run(chapter_id, budget_bytes=150_000) -> (head, blob)    one chapter's runs

The build writes them as ``data/chapters/<id>.json`` (head) and ``<id>.bin`` (blob), with an index.

A chapter's preset is trained for its ``steps`` with K = 2 members, recording every ``stride``-th
step (the smallest divisor of ``steps`` that keeps the blob within ``budget_bytes``, but never
fewer than ``MIN_RECORDS`` records; ``head["bytes"]`` says honestly when a chapter does not fit).
The blob holds little-endian arrays back to back: ``steps``, ``X``, ``y`` and the other frame
arrays, each in its "precomputed" dtype of the frame format (``content/frames.json``: float32 for
the records, exact zeros stay exact zeros; image data: no ``X``, ``y``, but ``grid_pred``, and as few as
``MIN_IMAGE_RECORDS`` records, since one is ~20 kB). ``head`` is JSON-friendly: {"format": 2, "chapter",
"settings" (the full run settings), "steps", "stride", "records", "meta" (as ``web.lab``'s),
"diverged", "provisional": false, "limit": null, "binary": "<id>.bin", "bytes", "budget", "arrays":
{name: [dtype, offset_bytes, length]}}. Everything here is pure: no file is read or written.
"""

import numpy as np

from ..training.trainer import Trainer
from ..settings import page_state, presets
from . import lab

FORMAT = 2
MIN_RECORDS = 41
MIN_IMAGE_RECORDS = 2  # image data: a record is ~20 kB (P = 1,210 per member), the budget decides
# what the .bin file stores: every frame array (images_only ones for image data), the data's arrays
# for data in the plane only (64-D images are not drawn: meta.images holds the grid of test digits)
DTYPE = {f["name"]: f["precomputed"] for f in lab.RECORDS + lab.DATA}


def _stride(steps, per_record, fixed, budget, min_records=MIN_RECORDS):
    """The smallest divisor d of ``steps`` whose steps // d + 1 records fit the budget, but at most
    the one that still gives ``min_records`` records."""
    divisors = [d for d in range(1, steps + 1) if steps % d == 0] or [1]
    most = [d for d in divisors if steps // d + 1 >= min_records] or [1]
    fits = [d for d in divisors if fixed + (steps // d + 1) * per_record <= budget]
    return min(fits[0], most[-1]) if fits else most[-1]


def json_meta(meta):
    """A session's meta as JSON (image data: the grid's arrays as lists)."""
    images = meta["images"] and {k: np.asarray(v).tolist() for k, v in meta["images"].items()}
    return {**meta, "images": images}


def chapter_run(chapter_id, budget_bytes=150_000):
    """One chapter's runs, thinned to fit ``budget_bytes`` where possible: (head, blob)."""
    c = presets.chapter(chapter_id)
    settings = page_state.run_settings(c["state"])
    # the live session's config and meta; a chapter's own code (chapters.json) runs here, at build time
    session = lab.Session.from_settings(settings, run_code_here=True)
    layout, K, steps = session.layout, len(session.members), c["steps"]
    n, images = session.config.n_samples, session.grid is not None
    sizes = lab.record_sizes(K, layout, images)
    per_record = sum(np.dtype(DTYPE[name]).itemsize * size for name, size in sizes.items())
    data = {} if images else session.data()
    fixed = sum(np.dtype(f["precomputed"]).itemsize * f["per_sample"] * n for f in lab.DATA if data)
    stride = _stride(steps, per_record, fixed, budget_bytes, MIN_IMAGE_RECORDS if images else MIN_RECORDS)
    trainer = Trainer(
        session.config.replace(every=stride, max_records=max(2, steps // stride + 1)),
        session.members,
        score=session.trainer.score,  # what the live session scores on (image data: the test set)
    )
    trainer.step(steps)
    assert trainer.recorder.stride == stride  # never halved: a uniform stride
    records = lab.record_arrays(trainer, np.arange(trainer.recorder.size), session.grid)
    arrays = {"steps": records.pop("steps"), **data, **records}
    index, parts, offset = {}, [], 0
    for name, values in arrays.items():
        dtype = DTYPE[name]
        part = np.ascontiguousarray(values, dtype=dtype).ravel()
        index[name] = [dtype, offset, int(part.size)]
        parts.append(part.tobytes())
        offset += part.nbytes
    blob = b"".join(parts)
    head = {
        "format": FORMAT,
        "chapter": c["id"],
        "settings": settings,
        "steps": steps,
        "stride": stride,
        "records": len(arrays["steps"]),
        "meta": json_meta(session.meta()),
        "diverged": lab.diverged(trainer),
        "provisional": False,
        "limit": None,
        "binary": f"{c['id']}.bin",
        "bytes": len(blob),
        "budget": budget_bytes,
        "arrays": index,
    }
    return head, blob
