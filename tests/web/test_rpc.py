"""pyinit.web.rpc: the worker's bridge, run in CPython (the browser tests cross the real boundary)."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from pyinit.web import chapters, rpc

ROOT = Path(__file__).resolve().parents[2]


def ok(name, **kwargs):
    reply = rpc.dispatch(name, kwargs)
    assert reply["ok"], reply.get("traceback")
    return reply["result"]


def arrays_and_json(x, path="result"):
    """Every value is JSON-like, except 1-D float64/float32 arrays, which are contiguous."""
    if isinstance(x, np.ndarray):
        assert x.ndim == 1 and x.dtype in (np.float64, np.float32) and x.flags.c_contiguous, path
    elif isinstance(x, dict):
        for k, v in x.items():
            assert isinstance(k, str), path
            arrays_and_json(v, f"{path}.{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            arrays_and_json(v, f"{path}[{i}]")
    else:
        assert x is None or isinstance(x, (bool, int, float, str)), (path, type(x))


def test_exports_are_exactly_what_the_page_calls():
    called = set()
    for path in (ROOT / "site").rglob("*.js"):
        called |= set(re.findall(r'\bcall\(\s*"([a-z]+\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    called -= {"nope.x"}
    assert called <= set(rpc.EXPORTS), called - set(rpc.EXPORTS)
    assert set(rpc.EXPORTS) - called <= {
        "api.run",
        "api.signal",
        "api.signal_table",
        "api.version",
        "lab.create",
        "lab.step",
        "lab.advance",
        "lab.inspect",
        "lab.landscape",
        "lab.dispose",
    }
    assert not any(name.startswith("tour.") for name in rpc.EXPORTS)


def test_every_export_round_trips_with_typical_arguments():
    assert set(ok("api.version")) == {"pyinit", "numpy", "python"} == set(rpc.versions())
    run = ok("api.run", config={"hidden": [3], "steps": 4})
    assert run["final"]["step"] == 4 and isinstance(run["loss"], list)
    assert len(ok("api.signal", config={"depth": 3, "width": 4})["activation_std"]) == 3
    assert set(ok("api.signal_table", config={"depth": 2, "width": 3, "activations": ["tanh"]})["table"]) == {
        "tanh"
    }
    for create in ({"settings": {"width": 3}}, {"settings": {"layers": 2, "width": 3, "right_init": "he"}}):
        lab = ok("lab.create", **create)
        sid = lab["id"]
        frame = ok("lab.step", id=sid, n=3)
        assert frame["step"] == 3 and frame["records"]["theta"].dtype == np.float64
        assert ok("lab.advance", id=sid, to_step=7)["step"] == 7
        assert ok("lab.inspect", id=sid, step=7, member=1)["step"] == 7
        assert ok("lab.landscape", id=sid, step=7, member=0)["loss"].shape == (21 * 21,)
        assert ok("lab.dispose", id=sid) is None
        arrays_and_json(lab)
        arrays_and_json(frame)
    stuck = ok("chapters.view", chapter_id="stuck")
    assert stuck == json.loads(json.dumps(chapters.view("stuck"))) and stuck["layers"] == 3
    first = ok("chapters.reproduce_start")  # no spec: the chapter's own view
    assert first["inits"] == ["zeros", "normal:10", "he"] and first["n_test"] == 100
    assert ok("chapters.reproduce_step", id=first["id"], n=10)["step"] == 10
    assert ok("chapters.reproduce_dispose", id=first["id"]) is None
    arrays_and_json(first)


def test_chapters_view_replies_are_plain_json_for_every_fast_chapter():
    for cid in ("layers", "stuck", "optimizers", "restarts", "origins"):
        result = ok("chapters.view", chapter_id=cid)
        assert json.loads(json.dumps(result)) == result, cid  # lists, not arrays: JSON as it is
    reply = rpc.dispatch("chapters.view", {"chapter_id": "simple"})
    assert (
        not reply["ok"]
        and reply["type"] == "ConfigError"
        and "chapter with an experiment" in reply["message"]
    )
    reply = rpc.dispatch("chapters.view", {"chapter_id": "nope"})
    assert not reply["ok"] and reply["type"] == "ConfigError"
    assert not rpc.dispatch("tour.stuck", {"view": {}})["ok"]  # no old names


@pytest.mark.parametrize(
    "name, kwargs, type_, message",
    [
        (
            "os.system",
            {"command": "true"},
            "ProtocolError",
            "module 'os' is not callable (allowed: api, chapters, lab)",
        ),
        ("api._secret", {}, "ProtocolError", "'api._secret' is private"),
        (
            "api.no_such_function",
            {},
            "LookupError",
            "'api.no_such_function' is not a function the page may call",
        ),
        ("lab.Session", {}, "LookupError", "is not a function the page may call"),
        ("api", {}, "ProtocolError", "module 'api' is not callable"),
        (7, {}, "ProtocolError", "fn must be a string"),
        ("api.run", [1, 2], "ProtocolError", "args must be an object of keyword arguments, got list"),
        ("api.run", {"confg": {}}, "TypeError", "unexpected keyword argument 'confg'"),
        (
            "api.run",
            {"config": {"hidden": [-3]}},
            "ConfigError",
            "hidden: each width must be an integer in 1..256, got -3",
        ),
        ("lab.create", {"settings": {"lr": 0}}, "ConfigError", "lr: must be a number in [1e-06, 100], got 0"),
        (
            "lab.step",
            {"id": 123456, "n": 1},
            "ConfigError",
            "id: must be the id of an open lab session, got 123456",
        ),
    ],
)
def test_refusals_and_errors_are_replies_with_a_clear_message(name, kwargs, type_, message):
    reply = rpc.dispatch(name, kwargs)
    assert reply["ok"] is False and reply["type"] == type_ and message in reply["message"]
    assert "\n" not in reply["message"] and isinstance(reply["traceback"], str)
    json.dumps(reply)


def test_plain_keeps_1d_float_arrays_and_makes_the_rest_json():
    f64, f32 = np.arange(3, dtype=np.float64), np.arange(4, dtype=np.float32)
    out = rpc.plain(
        {
            "a": f64[::2],
            "b": f32,
            "c": np.zeros((2, 2)),
            "d": np.arange(3),
            "e": (1, np.float32(2.5)),
            3: [np.int64(4), np.bool_(True), None, "x"],
            "f": np.array(2.0),
        }
    )
    assert out["a"].dtype == np.float64 and out["a"].flags.c_contiguous and out["a"].tolist() == [0.0, 2.0]
    assert out["b"].dtype == np.float32 and out["b"].tolist() == [0, 1, 2, 3]
    assert out["c"] == [[0.0, 0.0], [0.0, 0.0]] and out["d"] == [0, 1, 2] and out["e"] == [1, 2.5]
    assert out["3"] == [4, True, None, "x"] and out["f"] == 2.0
    assert type(out["3"][0]) is int and type(out["3"][1]) is bool and type(out["f"]) is float
