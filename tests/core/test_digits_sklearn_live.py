"""The shipped digits equal scikit-learn's ``load_digits()`` value for value (skipped when
scikit-learn is not installed: it is not in the test extra; ``pip install -e '.[digits-source]'``)."""

import numpy as np
import pytest

from pyinit.core import digits

pytest.importorskip("sklearn")


def test_shipped_digits_equal_sklearn_load_digits():
    from sklearn.datasets import load_digits

    d = load_digits()
    pixels, labels = digits.load_raw()
    assert np.array_equal(pixels, d.data) and np.array_equal(labels, d.target)
    assert np.array_equal(pixels.reshape(-1, 8, 8), d.images)
