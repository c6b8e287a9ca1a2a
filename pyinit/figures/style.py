"""What the figures share: the encodings of ``content/encodings.json`` (palette, dashes, fonts), the
words of ``content/text/<lang>.json``, the log axis that keeps exact zeros, and the small helpers
that read a run's result (record index, strided records, distinct units). Importing it imports
plotly (``go``, ``make_subplots``), or says which extra is missing."""

import math

import numpy as np

try:
    import plotly.graph_objects as go  # noqa: F401  (for the figure modules)
    from plotly.subplots import make_subplots  # noqa: F401
except ImportError as err:  # the optional extra is missing
    raise ImportError(
        "pyinit.figures.plots needs plotly, an optional extra: pip install pyinit[plots]  "
        f"(import failed: {err})"
    ) from err

from .. import content
from ..training.stats import identical_columns

# ----------------------------------------------------------------- encodings (content/encodings.json)
ENC = content.encodings()
OKABE_ITO, DASHES, SYMBOLS = ENC["palette"], ENC["dashes"], ENC["symbols"]
NEG, POS, INK, MUTED = ENC["neg"], ENC["pos"], ENC["ink"], ENC["muted"]
SERIES_COLORS = ENC["series_colors"]
DIVERGING_SCALE = ENC["diverging_scale"]
FONT = {"family": ENC["font"], "size": 12, "color": INK}
LEGEND = {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "font": {"size": 11}}
GRID_POINTS = 41


def words(lang="en"):
    """The words of the figures in ``lang``: the "plots" section of its texts, plus ``zero``, the
    label of the exact-zero row (the key named by encodings.json)."""
    text = content.text(lang)
    group, key = ENC["zero_label"].split(".")
    return {**text["plots"], "zero": text[group][key]}


ZERO_LABEL = words("en")["zero"]


def unit_style(j):
    """Line style of unit j (0-based): color j % 8, dash j // 8; the output unit (-1) is solid ink."""
    return (
        {"color": INK, "dash": "solid"}
        if j < 0
        else {"color": OKABE_ITO[j % 8], "dash": DASHES[(j // 8) % len(DASHES)]}
    )


def base_layout(title, **extra):
    layout = {
        "template": "none",
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 14}},
        "font": FONT,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hovermode": "closest",
        "showlegend": False,
        "margin": {"l": 74, "r": 48, "t": 64, "b": 44},
        "height": 340,
    }
    layout.update(extra)
    return layout


def finite_values(seq):
    """A list of floats with None for missing/non-finite values."""
    return [float(v) if v is not None and math.isfinite(v) else None for v in seq]


def log_with_zero(values, zero=ZERO_LABEL):
    """The page's log axis with exact zeros (``logWithZero`` in common.js).

    Returns (floor, axis, separator): zeros are plotted at ``floor``, one decade below the smallest
    positive value; ``axis`` is the partial y-axis layout (ticks incl. ``zero``), ``separator``
    a dotted line shape between the zero row and the rest.
    """
    pos = [v for v in values if v is not None and v > 0 and math.isfinite(v)]
    lo_v, hi_v = (min(pos), max(pos)) if pos else (1e-3, 1.0)
    lo = math.floor(math.log10(lo_v))
    hi = max(math.ceil(math.log10(hi_v)), lo + 1)
    floor_exp = lo - 1
    floor = 10.0**floor_exp
    tickvals, ticktext = [floor], [zero]
    step = max(1, math.ceil((hi - lo) / 5))
    for e in range(hi, lo - 1, -step):
        tickvals.append(10.0**e)
        ticktext.append(f"1e{e}")
    axis = {
        "type": "log",
        "range": [floor_exp - 0.3, hi + 0.2],
        "tickvals": tickvals,
        "ticktext": ticktext,
        "zeroline": False,
    }
    y_sep = 10.0 ** (floor_exp + 0.5)
    separator = {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "yref": "y",
        "y0": y_sep,
        "y1": y_sep,
        "line": {"color": ENC["zero_row_line"], "width": 1, "dash": "dot"},
    }
    return floor, axis, separator


def log_trace(name, x, raw, floor, style, zero, marker=None, xlabel="step"):
    """A line on a zero-keeping log axis: y = raw with zeros at ``floor``; raw values in customdata."""
    y = [None if v is None else (floor if v == 0 else (v if v > 0 else None)) for v in raw]
    trace = {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "x": list(x),
        "y": y,
        "customdata": raw,
        "text": ["–" if v is None else zero if v == 0 else f"{v:.4g}" for v in raw],
        "line": {"color": style["color"], "dash": style["dash"], "width": 2},
        "hovertemplate": f"%{{fullData.name}}, {xlabel} %{{x}}: %{{text}}<extra></extra>",
    }
    if marker is not None:
        trace["mode"] = "lines+markers"
        trace["marker"] = {"symbol": marker, "size": 6, "color": style["color"]}
    return trace


def stride_indices(n, max_points):
    """Indices of at most about ``max_points`` of n records, evenly strided, first and last always
    kept (the page's ``strideIndices``); all of them when ``max_points`` is None or n is small."""
    if max_points is None or n <= max_points:
        return list(range(n))
    stride = math.ceil(n / max_points)
    idx = list(range(0, n, stride))
    if idx[-1] != n - 1:
        idx.append(n - 1)
    return idx


def pick(seq, idx):
    return [seq[i] for i in idx]


def check_run(result):
    if not isinstance(result, dict) or "steps" not in result or "weights" not in result:
        raise TypeError("expected the dict returned by pyinit.api.run(config)")


def record_index(result, step):
    """Index of the last record at or before ``step`` (None = the last record)."""
    steps = result["steps"]
    if step is None:
        return len(steps) - 1
    idx = int(np.searchsorted(np.asarray(steps), step, side="right")) - 1
    if idx < 0:
        raise ValueError(f"step: must be >= {steps[0]}, got {step!r}")
    return idx


def distinct_units(result, layer, record=-1):
    """Number of distinct units in layer ``layer`` (1..L) at a record: units with bitwise equal
    incoming weights and bias count once (as the page's ``identicalGroups``)."""
    W = np.asarray(result["weights"][layer - 1][record], dtype=np.float64)
    b = np.asarray(result["biases"][layer - 1][record], dtype=np.float64)
    return W.shape[1] - sum(len(group) - 1 for group in identical_columns([W, b[None, :]]))
