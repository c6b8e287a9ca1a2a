"""Helpers of the figure tests: a hand-written forward pass and a parser for the report's HTML."""

import html.parser
import json
from pathlib import Path

import numpy as np


def forward_by_hand(r, r_index, points):
    """The 3-2-... net by hand: p = sigmoid(tanh(tanh(x W1 + b1) W2 + b2) W3 + b3)."""
    a = points
    L = len(r["weights"])
    for l in range(L):
        z = a @ np.array(r["weights"][l][r_index]) + np.array(r["biases"][l][r_index])
        a = np.tanh(z) if l < L - 1 else 1 / (1 + np.exp(-z))
    return a[:, 0]


def segments(xs, ys):
    """Split a trace joined with None gaps into its lines: list of (x list, y list)."""
    out, cx, cy = [], [], []
    for x, y in zip(xs, ys):
        if x is None:
            out.append((cx, cy))
            cx, cy = [], []
        else:
            cx.append(x)
            cy.append(y)
    if cx:
        out.append((cx, cy))
    return out


class _Figures(html.parser.HTMLParser):
    """Collects the JSON of every <script type="application/json"> and every script's src/size."""

    def __init__(self):
        super().__init__()
        self.figures, self.meta, self.scripts, self._in = {}, None, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
            if attrs.get("type") == "application/json":
                self._in = attrs.get("data-key") or attrs.get("id")
                self._text = []

    def handle_data(self, data):
        if self._in is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in is not None:
            obj = json.loads("".join(self._text))
            if self._in == "pyinit-run":
                self.meta = obj
            else:
                self.figures[self._in] = obj
            self._in = None


def parse_report(path):
    text = Path(path).read_text(encoding="utf-8")
    parser = _Figures()
    parser.feed(text)
    return text, parser


def named_trace(fig, name):
    return next(t for t in fig["data"] if t.get("name") == name)
