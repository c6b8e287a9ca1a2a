"""Plotly figures of a run on the 8 x 8 digits, in place of the input-plane figures of the 2-D toys.

Needs plotly, as ``plots`` does; takes the plain results of ``pyinit.api.run`` on ``dataset
digits``::

    r = api.run({"dataset": "digits", "hidden": [16], "init": "he", "batch_size": 64, "steps": 300})
    digit_plots.unit_images(r)          # each hidden unit's 64 weights as an 8x8 image, step 0 and last
    digit_plots.test_digits(r)          # a fixed grid of test digits with the net's answers
    digit_plots.add_test_accuracy(fig, r)   # the test accuracy as a dotted line on a loss figure

Weights are drawn on one symmetric colour scale for every image of the figure (the page's
diverging scale: orange negative, white 0, blue positive), so a blank image is a unit whose weights
are all 0 and identical images are clones. The only computation is the display-only forward pass of
``test_digits`` at the last record (``analysis.digit_panels.predict``).
"""

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..analysis import digit_panels
from ..core import digits
from ..core.network import Layout
from .style import (
    DIVERGING_SCALE,
    INK,
    NEG,
    OKABE_ITO,
    base_layout,
    check_run,
    distinct_units,
    finite_values,
    words,
)

COLUMNS = 8  # images per row
MAX_UNITS = 64  # units drawn per record, at most


def _square_cells(fig):
    """Every subplot an image: square pixels, row 0 at the top, no ticks or grid."""
    frame = {"showline": True, "mirror": True, "linecolor": "#cccccc", "linewidth": 1}
    fig.update_xaxes(
        showticklabels=False, ticks="", showgrid=False, zeroline=False, constrain="domain", **frame
    )
    fig.update_yaxes(
        showticklabels=False, ticks="", showgrid=False, zeroline=False, autorange="reversed", **frame
    )
    for name in [k for k in fig.layout.to_plotly_json() if k.startswith("yaxis")]:
        fig.layout[name].scaleanchor = "x" + name[len("yaxis") :]


def _images(result, record):
    """The 8 x 8 images of every unit of layer 1 at a record: (width, 8, 8)."""
    W = np.asarray(result["weights"][0][record], dtype=np.float64)  # (64, width)
    if W.shape[0] != digits.N_FEATURES or len(result["weights"]) < 2:
        raise ValueError("unit_images: needs a run on dataset digits with a hidden layer")
    return W.T.reshape((W.shape[1],) + digits.IMAGE_SHAPE)


def unit_images(result, records=(0, -1), lang="en"):
    """The incoming weights of every unit of hidden layer 1 as 8 x 8 images (rows of ``COLUMNS``),
    at each of ``records`` (default: step 0 and the last record), on one colour scale."""
    check_run(result)
    w = words(lang)
    blocks = [_images(result, r)[:MAX_UNITS] for r in records]
    units = blocks[0].shape[0]
    scale = digit_panels.color_scale(np.stack(blocks)) or 1.0
    rows_per = math.ceil(units / COLUMNS)
    fig = make_subplots(
        rows=rows_per * len(records), cols=COLUMNS, horizontal_spacing=0.01, vertical_spacing=0.04
    )
    for b, (record, images) in enumerate(zip(records, blocks)):
        step = result["steps"][record]
        for j, image in enumerate(images):
            row, col = b * rows_per + j // COLUMNS + 1, j % COLUMNS + 1
            fig.add_trace(
                go.Heatmap(
                    z=[finite_values(r) for r in image],
                    zmin=-scale,
                    zmax=scale,
                    colorscale=DIVERGING_SCALE,
                    showscale=b == 0 and j == 0,
                    colorbar={"thickness": 10, "len": 0.9, "outlinewidth": 0, "title": {"text": "w"}},
                    name=f"{w['unit'].format(j=j + 1)}, {w['step']} {step}",
                    hovertemplate="(%{y}, %{x}): %{z:.4g}<extra>%{fullData.name}</extra>",
                ),
                row=row,
                col=col,
            )
        fig.add_annotation(
            text=w["units_row"].format(step=step),
            xref="paper",
            yref="paper",
            x=0,
            xanchor="left",
            y=fig.get_subplot(b * rows_per + 1, 1).yaxis.domain[1],
            yanchor="bottom",
            showarrow=False,
            font={"size": 11, "color": INK},
        )
    _square_cells(fig)
    fig.update_layout(
        **base_layout(
            w["units_title"].format(
                units=units,
                distinct=distinct_units(result, 1, records[-1]),
                step=result["steps"][records[-1]],
            ),
            height=120 + 80 * rows_per * len(records),
            margin={"l": 20, "r": 48, "t": 84, "b": 16},
        )
    )
    return fig


def last_params(result):
    """The (W, b) of every layer at the last record, as arrays."""
    return [
        (np.asarray(W[-1], dtype=np.float64), np.asarray(b[-1], dtype=np.float64))
        for W, b in zip(result["weights"], result["biases"])
    ]


def grid_answers(result):
    """(X (G, 64), y (G,), predicted (G,)) of the fixed grid of test digits at the last record."""
    params = last_params(result)
    layout = Layout([params[0][0].shape[0]] + [W.shape[1] for W, _ in params])
    X, y = digit_panels.grid()
    pred = digit_panels.predict(layout.pack(params), layout, result["config"]["activation"], X)[0]
    return X, y, pred


def test_digits(result, lang="en"):
    """The grid of test digits (``analysis.digit_panels.grid``: 2 per class) in grey, each titled
    with the class the net gives it at the last record: "3 ✓" or "7 ✗ (is 1)"."""
    check_run(result)
    w = words(lang)
    X, y, pred = grid_answers(result)
    cols = 10
    titles = [
        w["right"].format(label=p) if p == t else w["wrong"].format(label=p, true=t) for p, t in zip(pred, y)
    ]
    fig = make_subplots(
        rows=math.ceil(len(y) / cols),
        cols=cols,
        subplot_titles=titles,
        horizontal_spacing=0.01,
        vertical_spacing=0.12,
    )
    for i, image in enumerate(X):
        fig.add_trace(
            go.Heatmap(
                z=image.reshape(digits.IMAGE_SHAPE).tolist(),
                zmin=0,
                zmax=1,
                colorscale=[[0, "#ffffff"], [1, INK]],
                showscale=False,
                name=titles[i],
                hovertemplate="(%{y}, %{x}): %{z:.3g}<extra>%{fullData.name}</extra>",
            ),
            row=i // cols + 1,
            col=i % cols + 1,
        )
    for ann, p, t in zip(fig.layout.annotations, pred, y):
        ann.font = {"size": 11, "color": INK if p == t else NEG}
    _square_cells(fig)
    right = int((pred == y).sum())
    step = result["steps"][-1]
    fig.update_layout(
        **base_layout(
            w["test_digits_title"].format(step=step, right=right, n=len(y)),
            height=260,
            margin={"l": 20, "r": 20, "t": 84, "b": 16},
        )
    )
    return fig


def add_test_accuracy(fig, result, lang="en"):
    """Add ``result["test_accuracy"]`` as a dotted line on the right axis of a ``plots.loss`` figure
    (same recorded steps, all of them)."""
    w = words(lang)
    fig.add_trace(
        go.Scatter(
            mode="lines",
            name=w["test_accuracy"],
            x=result["steps"],
            y=finite_values(result["test_accuracy"]),
            yaxis="y2",
            line={"color": OKABE_ITO[4], "width": 2, "dash": "dot"},
            hovertemplate=f"{w['step']} %{{x}}: {w['test_accuracy']} %{{y:.3f}}<extra></extra>",
        )
    )
    fig.update_layout(showlegend=True)
    return fig
