"""The decision boundary figure: P(class 1) over the input plane at a recorded step, with the data
(``boundary``), from a display-only forward pass of the recorded parameters on the page's grid
(``grid_for``, ``probabilities``)."""

import math

import numpy as np

from ..core.datasets import require_plane
from ..core.network import Layout, evaluate_many
from .style import (
    ENC,
    INK,
    DIVERGING_SCALE,
    GRID_POINTS,
    words,
    base_layout,
    finite_values,
    check_run,
    record_index,
    go,
)


def grid_for(X, n=GRID_POINTS):
    """The page's square grid over the data with a margin (``gridFor`` in lab/forward.js): (n,)."""
    X = np.asarray(X, dtype=np.float64)
    m = float(np.abs(X[np.isfinite(X)]).max()) if np.isfinite(X).any() else 0.0
    lim = math.ceil((m * 1.15 + 0.05) * 10) / 10
    return np.array([-lim + (2 * lim * i) / (n - 1) for i in range(n)])


def probabilities(result, step=None, n=GRID_POINTS):
    """Display-only forward pass on the grid: (xs (n,), ys (n,), p (n, n) with rows at ys, step).
    A ConfigError for data that has no input plane (digits: ``core.datasets.require_plane``)."""
    check_run(result)
    require_plane(result["config"]["dataset"], "the decision boundary")
    r = record_index(result, step)
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
    z = [finite_values(row) for row in p]
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
    layout = base_layout(
        w["boundary_title"].format(step=at),
        xaxis={"title": {"text": "x₁"}, "range": [xs[0], xs[-1]], "zeroline": False, "constrain": "domain"},
        yaxis={"title": {"text": "x₂"}, "range": [ys[0], ys[-1]], "zeroline": False, "scaleanchor": "x"},
        annotations=annotations,
        height=420,
        margin={"l": 52, "r": 8, "t": 56, "b": 44},
    )
    return go.Figure(data=traces, layout=layout)
