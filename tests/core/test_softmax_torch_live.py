"""The oracle, live: when torch is importable, PyTorch recomputes every case of
``softmax_oracle.py`` now and pyinit must match it (and the recorded file must still be torch's
answer). Skipped without torch (not in the test extra; ``softmax_oracle.py`` says how to get it)."""

import numpy as np
import pytest

from test_softmax_oracle import TOL, core_trajectory, oracle, recorded, trainer_trajectory, worst

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("case", list(oracle.CASES))
def test_torch_live_matches_pyinit_and_the_recorded_file(case):
    live = oracle.compute(case)
    rec = recorded()
    if case.startswith("small"):
        theta, loss = core_trajectory(case)
    else:
        theta, loss = trainer_trajectory(case)
        theta = theta[list(oracle.DIGITS_KEPT)]
    assert np.abs(theta - live["theta"]).max() <= TOL, worst(theta, live["theta"])
    assert np.abs(loss - live["loss"]).max() <= TOL, worst(loss, live["loss"])
    assert np.abs(rec[f"{case}/theta"] - live["theta"]).max() <= TOL, "the recorded file is stale"
