"""Plotly figures of a finished run, drawn like the page's charts (``site/js/charts/*.js``).

Needs plotly (``pip install pyinit[plots]``); the rest of pyinit never imports this module. Every
builder takes the plain results of ``pyinit.api`` and returns a ``plotly.graph_objects.Figure``::

    from pyinit import api
    from pyinit.figures import plots
    r = api.run({"init": "zeros", "steps": 300})
    plots.trajectories(r)       # every weight and bias into a layer, one color + dash per unit
    plots.loss(r)               # loss (solid, left axis) and accuracy (dashed, right axis)
    plots.boundary(r)           # P(class 1) over the input plane at a recorded step, with the data
    plots.symmetry(r)           # S_l per hidden layer, log scale, exact zeros kept
    plots.gradient_norms(r)     # sqrt(||dW[l]||^2 + ||db[l]||^2) per layer, log scale, exact zeros kept
    plots.signal(api.signal({"activation": "relu", "init": "he"}))   # std per layer at init

Encodings shared with the page are in ``pyinit/content/encodings.json`` (the page reads it too);
the words (titles, axes, trace names) in ``content/text/<lang>.json`` ("plots"; ``lang`` = "en"):

- Okabe-Ito palette (color-blind safe). Nothing is told by color alone: unit j of a layer gets color
  j % 8 *and* dash pattern j // 8 *and* a name (legend, hover); classes are open circles (class 0) and
  crosses (class 1); the accuracy line is dashed; a divergence is marked with a line *and* a text.
- Trajectories are grouped by the hidden unit the weight feeds, so the lines of identical units
  ("clones") lie exactly on top of each other, and the title says how many units are distinct.
- Log axes that keep exact zeros: a value that is exactly 0 is drawn on its own row one decade
  below the smallest positive value, on a tick labelled "0 (exactly)" under a dotted separator,
  instead of being dropped by the log scale. The raw values are kept in each trace's
  ``customdata`` (the plotted ``y`` holds the stand-in for the zeros), and hover shows "0 (exactly)".

All numbers come from the results as given (nothing is re-trained). The only computation here is
the display-only forward pass of ``boundary`` (``network.evaluate_many`` on a grid) and the
combined gradient norm (as the page's lab session does).
Left out: animation, the landscape and the step inspector (see the page).
"""

import math

import numpy as np

try:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots
except ImportError as err:  # the optional extra is missing
    raise ImportError(
        "pyinit.figures.plots needs plotly, an optional extra: pip install pyinit[plots]  "
        f"(import failed: {err})"
    ) from err

from .. import content
from ..core.network import Layout, evaluate_many
from ..training.stats import identical_columns

__all__ = [
    "trajectories",
    "loss",
    "boundary",
    "symmetry",
    "gradient_norms",
    "signal",
    "OKABE_ITO",
    "ZERO_LABEL",
]

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


def _layout(title, **extra):
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


def _values(seq):
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


def _log_trace(name, x, raw, floor, style, zero, marker=None, xlabel="step"):
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


def _pick(seq, idx):
    return [seq[i] for i in idx]


def _check_run(result):
    if not isinstance(result, dict) or "steps" not in result or "weights" not in result:
        raise TypeError("expected the dict returned by pyinit.api.run(config)")


def _record_index(result, step):
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


# ----------------------------------------------------------------- figures
def trajectories(result, layer=1, max_points=400, lang="en"):
    """Every weight and bias into ``layer`` (1..L; L = the output layer) over the recorded steps.

    One trace per unit fed (its weights and bias joined with gaps), colored and dashed by that unit,
    so identical units draw exactly on top of each other. The title counts the distinct units.
    At most about ``max_points`` recorded steps are drawn (evenly strided, first and last kept, as
    on the page); ``max_points=None`` draws every record.
    """
    _check_run(result)
    w = words(lang)
    L = len(result["weights"])
    if not (isinstance(layer, int) and 1 <= layer <= L):
        raise ValueError(f"layer: must be an integer in 1..{L}, got {layer!r}")
    idx = stride_indices(len(result["steps"]), max_points)
    steps = _pick(result["steps"], idx)
    W = _pick(result["weights"][layer - 1], idx)  # [R'][fan_in][fan_out]
    b = _pick(result["biases"][layer - 1], idx)  # [R'][fan_out]
    fan_in, fan_out = len(W[0]), len(W[0][0])
    output = layer == L
    traces = []
    for j in range(fan_out):
        xs, ys, text = [], [], []
        series = [(w["weight"].format(i=i + 1, j=j + 1), [m[i][j] for m in W]) for i in range(fan_in)]
        series.append((w["bias"].format(j=j + 1), [bb[j] for bb in b]))
        for name, values in series:
            xs += steps + [None]
            ys += _values(values) + [None]
            text += [name] * len(steps) + [""]
        st = unit_style(-1 if output else j)
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": xs,
                "y": ys,
                "text": text,
                "name": w["output"] if output else w["unit"].format(j=j + 1),
                "line": {"color": st["color"], "dash": st["dash"], "width": 1.6},
                "connectgaps": False,
                "hovertemplate": "%{text}<br>" + w["step"] + " %{x}: %{y:.6g}<extra>%{fullData.name}</extra>",
            }
        )
    if output:
        title = w["traj_output"] if L > 1 else w["traj_logistic"]
    else:
        title = w["traj_layer"].format(
            layer=layer, units=fan_out, distinct=distinct_units(result, layer), step=steps[-1]
        )
    layout = _layout(
        title,
        xaxis={"title": {"text": w["step"]}, "zeroline": False},
        yaxis={"title": {"text": w["value"]}, "zeroline": True, "zerolinecolor": "#cccccc"},
        showlegend=1 < len(traces) <= 8,
        legend={**LEGEND, "y": 1.0},
    )
    return go.Figure(data=traces, layout=layout)


def loss(result, max_points=600, lang="en"):
    """Loss (left axis, solid ink) and accuracy (right axis, dashed green) over the recorded steps
    (at most about ``max_points``, see ``trajectories``); a divergence is marked with a vermillion
    line and a text."""
    _check_run(result)
    w = words(lang)
    idx = stride_indices(len(result["steps"]), max_points)
    x = _pick(result["steps"], idx)
    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": w["loss"],
            "x": x,
            "y": _values(_pick(result["loss"], idx)),
            "line": {"color": INK, "width": 2},
            "hovertemplate": f"{w['step']} %{{x}}: {w['loss']} %{{y:.6g}}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": w["accuracy"],
            "x": x,
            "y": _values(_pick(result["accuracy"], idx)),
            "yaxis": "y2",
            "line": {"color": OKABE_ITO[2], "width": 2, "dash": "dash"},
            "hovertemplate": f"{w['step']} %{{x}}: {w['accuracy']} %{{y:.3f}}<extra></extra>",
        },
    ]
    shapes, annotations = [], []
    if result.get("diverged") is not None:
        d = result["diverged"]
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": d,
                "x1": d,
                "y0": 0,
                "y1": 1,
                "line": {"color": NEG, "width": 2},
            }
        )
        annotations.append(
            {
                "xref": "x",
                "yref": "paper",
                "x": d,
                "y": 1,
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 11, "color": INK},
                "text": w["diverged"].format(step=d, reason=result.get("diverged_reason") or w["non_finite"]),
            }
        )
    layout = _layout(
        w["loss_title"],
        xaxis={"title": {"text": w["step"]}, "zeroline": False},
        yaxis={"title": {"text": w["loss"]}, "rangemode": "tozero", "zeroline": False},
        yaxis2={
            "title": {"text": w["accuracy"]},
            "overlaying": "y",
            "side": "right",
            "range": [0, 1.02],
            "showgrid": False,
            "tickformat": ".0%",
            "tickvals": [0, 0.25, 0.5, 0.75, 1],
        },
        showlegend=True,
        legend={**LEGEND, "y": 1.0},
        shapes=shapes,
        annotations=annotations,
    )
    return go.Figure(data=traces, layout=layout)


def grid_for(X, n=GRID_POINTS):
    """The page's square grid over the data with a margin (``gridFor`` in lab/forward.js): (n,)."""
    X = np.asarray(X, dtype=np.float64)
    m = float(np.abs(X[np.isfinite(X)]).max()) if np.isfinite(X).any() else 0.0
    lim = math.ceil((m * 1.15 + 0.05) * 10) / 10
    return np.array([-lim + (2 * lim * i) / (n - 1) for i in range(n)])


def probabilities(result, step=None, n=GRID_POINTS):
    """Display-only forward pass on the grid: (xs (n,), ys (n,), p (n, n) with rows at ys, step)."""
    _check_run(result)
    r = _record_index(result, step)
    params = [
        (np.asarray(W[r], dtype=np.float64), np.asarray(b[r], dtype=np.float64))
        for W, b in zip(result["weights"], result["biases"])
    ]
    layout = Layout([2] + [W.shape[1] for W, _ in params])
    xs = grid_for(result["X"], n)
    gx, gy = np.meshgrid(xs, xs)  # rows = ys
    points = np.column_stack([gx.ravel(), gy.ravel()])
    out = evaluate_many(layout.pack(params), layout, result["config"]["activation"], points, keep=("output",))
    return xs, xs.copy(), out["output"][0].reshape(n, n), int(result["steps"][r])


def boundary(result, step=None, resolution=GRID_POINTS, lang="en"):
    """P(class 1) over the input plane at the last recorded step at or before ``step`` (default: the
    last), the p = 0.5 contour, and the data: class 0 as open circles, class 1 as crosses."""
    w = words(lang)
    xs, ys, p, at = probabilities(result, step, resolution)
    z = [_values(row) for row in p]
    X, y = result["X"], result["y"]
    classes = [[i for i, c in enumerate(y) if c <= 0.5], [i for i, c in enumerate(y) if c > 0.5]]
    markers = [
        {"symbol": m["symbol"], "size": 7, "color": m["color"], "line": {"width": lw, "color": m["color"]}}
        for m, lw in zip(ENC["classes"], (1.6, 1.8))
    ]
    traces = [
        {
            "type": "heatmap",
            "x": xs.tolist(),
            "y": ys.tolist(),
            "z": z,
            "zmin": 0,
            "zmax": 1,
            "colorscale": DIVERGING_SCALE,
            "showscale": True,
            "zsmooth": "best",
            "colorbar": {
                "thickness": 10,
                "len": 0.9,
                "tickvals": [0, 0.5, 1],
                "tickfont": {"size": 10},
                "outlinewidth": 0,
                "title": {"text": "p"},
            },
            "hovertemplate": "(%{x:.2f}, %{y:.2f}) p = %{z:.3f}<extra></extra>",
            "name": w["p_class1"],
        },
        {
            "type": "contour",
            "x": xs.tolist(),
            "y": ys.tolist(),
            "z": z,
            "showscale": False,
            "hoverinfo": "skip",
            "contours": {"start": 0.5, "end": 0.5, "size": 1, "coloring": "none"},
            "line": {"color": INK, "width": 1.5},
            "name": "p = 0.5",
        },
    ]
    for cls, idx in enumerate(classes):
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": w["class"].format(c=cls),
                "x": [X[i][0] for i in idx],
                "y": [X[i][1] for i in idx],
                "marker": markers[cls],
                "hovertemplate": "(%{x:.2f}, %{y:.2f})<extra>%{fullData.name}</extra>",
            }
        )
    annotations = []
    finite = p[np.isfinite(p)]
    if finite.size and finite.max() - finite.min() < 1e-9:
        annotations.append(
            {
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 1,
                "yanchor": "top",
                "showarrow": False,
                "bgcolor": "rgba(255,255,255,0.9)",
                "font": {"size": 11},
                "text": w["constant"].format(p=f"{finite.min():.3f}"),
            }
        )
    layout = _layout(
        w["boundary_title"].format(step=at),
        xaxis={"title": {"text": "x₁"}, "range": [xs[0], xs[-1]], "zeroline": False, "constrain": "domain"},
        yaxis={"title": {"text": "x₂"}, "range": [ys[0], ys[-1]], "zeroline": False, "scaleanchor": "x"},
        annotations=annotations,
        height=420,
        margin={"l": 52, "r": 8, "t": 56, "b": 44},
    )
    return go.Figure(data=traces, layout=layout)


def _log_lines(title, y_title, steps, series, w, max_points=600):
    """Lines on the zero-keeping log axis; series: (name, raw values, style index or -1, marker)."""
    floor, axis, separator = log_with_zero(
        [v for _, raw, _, _ in series for v in raw], w["zero"]
    )  # all records
    idx = stride_indices(len(steps), max_points)
    steps = _pick(steps, idx)
    series = [(name, _pick(raw, idx), style, marker) for name, raw, style, marker in series]
    traces = [
        _log_trace(name, steps, raw, floor, unit_style(style), w["zero"], marker, w["step"])
        for name, raw, style, marker in series
    ]
    layout = _layout(
        title,
        xaxis={"title": {"text": w["step"]}, "zeroline": False},
        yaxis={"title": {"text": y_title}, **axis},
        shapes=[separator],
        showlegend=True,
        legend={**LEGEND, "y": 1.0},
    )
    return go.Figure(data=traces, layout=layout)


def symmetry(result, max_points=600, lang="en"):
    """The symmetry measure S_l of every hidden layer (``pyinit.training.stats``) on a log axis where
    S = 0 exactly, "all units identical", has its own row labelled "0 (exactly)"."""
    _check_run(result)
    w = words(lang)
    sym = result["symmetry"]  # [R][L-1]
    H = len(result["weights"]) - 1
    series = [(w["layer"].format(l=l + 1), _values([row[l] for row in sym]), l, None) for l in range(H)]
    fig = _log_lines(w["symmetry_title"], w["symmetry_axis"], result["steps"], series, w, max_points)
    if H == 0:
        fig.add_annotation(xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False, text=w["no_hidden"])
    return fig


def gradient_norms(result, max_points=600, lang="en"):
    """The gradient norm of every layer, sqrt(||dW[l]||^2 + ||db[l]||^2) as on the page, on a log axis
    that keeps exact zeros ("0 (exactly)"). Hidden layers in the unit palette, the output in ink."""
    _check_run(result)
    w = words(lang)
    g = np.hypot(
        np.asarray(result["grad_norms"], dtype=np.float64),
        np.asarray(result["bias_grad_norms"], dtype=np.float64),
    )  # (R, L)
    L = g.shape[1]
    series = [
        (
            w["output"] if l == L - 1 else w["layer"].format(l=l + 1),
            _values(g[:, l]),
            -1 if l == L - 1 else l,
            None,
        )
        for l in range(L)
    ]
    return _log_lines(w["gradnorm_title"], w["gradnorm_axis"], result["steps"], series, w, max_points)


def signal(results, names=None, lang="en"):
    """Signal propagation at initialisation (``pyinit.api.signal``): per layer, the std of the
    activations (left) and of the back-propagated gradient dL/dz (right), on log axes that keep
    exact zeros (the "0 (exactly)" row appears only when there is one, as in the tour's charts).
    ``results``: one ``api.signal`` result or a list of them (one line each, each with its own
    color, dash and marker symbol); ``names`` default to "<activation>, <init>"."""
    if isinstance(results, dict):
        results = [results]
    if not results or not all(isinstance(r, dict) and "activation_std" in r for r in results):
        raise TypeError("expected the dict (or a list of dicts) returned by pyinit.api.signal(config)")
    w = words(lang)
    if names is None:
        names = [f"{r['config']['activation']}, {r['config']['init']}" for r in results]
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.14,
        subplot_titles=(w["signal_act_title"], w["signal_grad_title"]),
    )
    for col, key, y_title in (
        (1, "activation_std", w["signal_act_axis"]),
        (2, "gradient_std", w["signal_grad_axis"]),
    ):
        raws = [_values(r[key]) for r in results]
        values = [v for raw in raws for v in raw]
        if 0.0 in values:  # the "0 (exactly)" row only when there are zeros
            floor, axis, separator = log_with_zero(values, w["zero"])
        else:  # (as the tour's charts do)
            floor, axis, separator = None, {"type": "log", "exponentformat": "power"}, None
        yref = "y" if col == 1 else "y2"
        for k, (r, raw) in enumerate(zip(results, raws)):
            st = {"color": SERIES_COLORS[k % 8], "dash": DASHES[k % len(DASHES)]}
            trace = _log_trace(
                names[k],
                range(1, len(raw) + 1),
                raw,
                floor,
                st,
                w["zero"],
                SYMBOLS[k % len(SYMBOLS)],
                xlabel=w["layer_axis"],
            )
            trace["legendgroup"] = names[k]
            trace["showlegend"] = col == 1
            fig.add_trace(go.Scatter(**trace), row=1, col=col)
        fig.update_yaxes(title_text=y_title, **axis, row=1, col=col)
        fig.update_xaxes(title_text=w["layer_axis"], zeroline=False, row=1, col=col)
        if separator:
            fig.add_shape(**{**separator, "xref": f"x{'' if col == 1 else 2} domain", "yref": yref})
    depth = max(len(r["activation_std"]) for r in results)
    width = results[0]["config"].get("width")
    rows = (len(results) - 1) // 3
    fig.update_layout(
        **_layout(
            w["signal_title"].format(depth=depth, width=width),
            showlegend=True,
            height=420 + 22 * rows,
            legend={**LEGEND, "y": -0.2, "yanchor": "top"},
            margin={"l": 74, "r": 20, "t": 72, "b": 110 + 22 * rows},
        )
    )
    return fig
