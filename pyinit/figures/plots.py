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

The boundary figure is in ``boundary``, what the figures share (encodings, words, the zero-keeping
log axis, result helpers) in ``style``; this module is the front of all of them. Encodings shared
with the page are in ``pyinit/content/encodings.json`` (the page reads it too);
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

import numpy as np

from .boundary import boundary, grid_for, probabilities  # noqa: F401  (the boundary figure)
from .style import (  # noqa: F401  (the shared encodings and helpers; plots is their front)
    DASHES,
    DIVERGING_SCALE,
    INK,
    LEGEND,
    NEG,
    OKABE_ITO,
    SERIES_COLORS,
    SYMBOLS,
    ZERO_LABEL,
    base_layout,
    check_run,
    distinct_units,
    finite_values,
    go,
    log_trace,
    log_with_zero,
    make_subplots,
    pick,
    stride_indices,
    unit_style,
    words,
)

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


# ----------------------------------------------------------------- figures
def trajectories(result, layer=1, max_points=400, lang="en"):
    """Every weight and bias into ``layer`` (1..L; L = the output layer) over the recorded steps.

    One trace per unit fed (its weights and bias joined with gaps), colored and dashed by that unit,
    so identical units draw exactly on top of each other. The title counts the distinct units.
    At most about ``max_points`` recorded steps are drawn (evenly strided, first and last kept, as
    on the page); ``max_points=None`` draws every record.
    """
    check_run(result)
    w = words(lang)
    L = len(result["weights"])
    if not (isinstance(layer, int) and 1 <= layer <= L):
        raise ValueError(f"layer: must be an integer in 1..{L}, got {layer!r}")
    idx = stride_indices(len(result["steps"]), max_points)
    steps = pick(result["steps"], idx)
    W = pick(result["weights"][layer - 1], idx)  # [R'][fan_in][fan_out]
    b = pick(result["biases"][layer - 1], idx)  # [R'][fan_out]
    fan_in, fan_out = len(W[0]), len(W[0][0])
    output = layer == L
    traces = []
    for j in range(fan_out):
        xs, ys, text = [], [], []
        series = [(w["weight"].format(i=i + 1, j=j + 1), [m[i][j] for m in W]) for i in range(fan_in)]
        series.append((w["bias"].format(j=j + 1), [bb[j] for bb in b]))
        for name, values in series:
            xs += steps + [None]
            ys += finite_values(values) + [None]
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
    if output and fan_out > 1:  # a softmax over the classes
        title = (w["traj_output_units"] if L > 1 else w["traj_softmax"]).format(units=fan_out)
    elif output:
        title = w["traj_output"] if L > 1 else w["traj_logistic"]
    else:
        title = w["traj_layer"].format(
            layer=layer, units=fan_out, distinct=distinct_units(result, layer), step=steps[-1]
        )
    layout = base_layout(
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
    check_run(result)
    w = words(lang)
    idx = stride_indices(len(result["steps"]), max_points)
    x = pick(result["steps"], idx)
    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": w["loss"],
            "x": x,
            "y": finite_values(pick(result["loss"], idx)),
            "line": {"color": INK, "width": 2},
            "hovertemplate": f"{w['step']} %{{x}}: {w['loss']} %{{y:.6g}}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": w["accuracy"],
            "x": x,
            "y": finite_values(pick(result["accuracy"], idx)),
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
    layout = base_layout(
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


def _log_lines(title, y_title, steps, series, w, max_points=600):
    """Lines on the zero-keeping log axis; series: (name, raw values, style index or -1, marker)."""
    floor, axis, separator = log_with_zero(
        [v for _, raw, _, _ in series for v in raw], w["zero"]
    )  # all records
    idx = stride_indices(len(steps), max_points)
    steps = pick(steps, idx)
    series = [(name, pick(raw, idx), style, marker) for name, raw, style, marker in series]
    traces = [
        log_trace(name, steps, raw, floor, unit_style(style), w["zero"], marker, w["step"])
        for name, raw, style, marker in series
    ]
    layout = base_layout(
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
    check_run(result)
    w = words(lang)
    sym = result["symmetry"]  # [R][L-1]
    H = len(result["weights"]) - 1
    series = [(w["layer"].format(l=l + 1), finite_values([row[l] for row in sym]), l, None) for l in range(H)]
    fig = _log_lines(w["symmetry_title"], w["symmetry_axis"], result["steps"], series, w, max_points)
    if H == 0:
        fig.add_annotation(xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False, text=w["no_hidden"])
    return fig


def gradient_norms(result, max_points=600, lang="en"):
    """The gradient norm of every layer, sqrt(||dW[l]||^2 + ||db[l]||^2) as on the page, on a log axis
    that keeps exact zeros ("0 (exactly)"). Hidden layers in the unit palette, the output in ink."""
    check_run(result)
    w = words(lang)
    g = np.hypot(
        np.asarray(result["grad_norms"], dtype=np.float64),
        np.asarray(result["bias_grad_norms"], dtype=np.float64),
    )  # (R, L)
    L = g.shape[1]
    series = [
        (
            w["output"] if l == L - 1 else w["layer"].format(l=l + 1),
            finite_values(g[:, l]),
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
        raws = [finite_values(r[key]) for r in results]
        values = [v for raw in raws for v in raw]
        if 0.0 in values:  # the "0 (exactly)" row only when there are zeros
            floor, axis, separator = log_with_zero(values, w["zero"])
        else:  # (as the tour's charts do)
            floor, axis, separator = None, {"type": "log", "exponentformat": "power"}, None
        yref = "y" if col == 1 else "y2"
        for k, (r, raw) in enumerate(zip(results, raws)):
            st = {"color": SERIES_COLORS[k % 8], "dash": DASHES[k % len(DASHES)]}
            trace = log_trace(
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
        **base_layout(
            w["signal_title"].format(depth=depth, width=width),
            showlegend=True,
            height=420 + 22 * rows,
            legend={**LEGEND, "y": -0.2, "yanchor": "top"},
            margin={"l": 74, "r": 20, "t": 72, "b": 110 + 22 * rows},
        )
    )
    return fig
