"""The shipped 8x8 digits (pyinit/data/digits.gz): scikit-learn's load_digits() as documented, a
fixed stratified split, pixels in [0, 1], and the RunConfig rules for real data.
``test_digits_sklearn_live.py`` compares every value with scikit-learn itself when it is installed."""

import hashlib
from importlib import resources

import numpy as np
import pytest

from pyinit.core import digits
from pyinit.core.datasets import DATASETS, INFO, PLANE
from pyinit.errors import ConfigError
from pyinit.training.config import RunConfig
from pyinit.training.trainer import make_data

SHA256 = "ab0ef0bef6cdf4546e765a8bebcef2e673260d6dc5f219e0525ad0cacae7969d"  # tools/make_digits.py
# scikit-learn's first image (a 0), as its documentation prints load_digits().images[0]
FIRST = [
    [0, 0, 5, 13, 9, 1, 0, 0],
    [0, 0, 13, 15, 10, 15, 5, 0],
    [0, 3, 15, 2, 0, 11, 8, 0],
    [0, 4, 12, 0, 0, 8, 8, 0],
    [0, 5, 8, 0, 0, 9, 8, 0],
    [0, 4, 11, 0, 1, 12, 7, 0],
    [0, 2, 14, 5, 10, 12, 0, 0],
    [0, 0, 6, 13, 10, 0, 0, 0],
]
PER_CLASS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]  # np.bincount(load_digits().target)


def test_the_shipped_file_is_the_one_make_digits_wrote():
    raw = resources.files("pyinit").joinpath("data/digits.gz").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SHA256 and len(raw) < 60_000
    assert resources.files("pyinit").joinpath("data/DIGITS-LICENSE.txt").read_text().count("CC BY 4.0") == 1


def test_raw_data_is_load_digits_as_documented():
    pixels, labels = digits.load_raw()
    assert pixels.shape == (1797, 64) and labels.shape == (1797,) and pixels.dtype == np.uint8
    assert pixels.max() == 16 and pixels.min() == 0 and set(np.unique(pixels)) == set(range(17))
    assert np.bincount(labels).tolist() == PER_CLASS
    assert pixels[0].reshape(8, 8).tolist() == FIRST and labels[:10].tolist() == list(range(10))
    assert not pixels.flags.writeable, "the cached copy cannot be changed by a caller"


def test_split_is_fixed_stratified_and_complete():
    train, test = digits.split_indices()
    assert len(train) == digits.N_TRAIN == 1437 and len(test) == digits.N_TEST == 360
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(1797))
    _, labels = digits.load_raw()
    assert np.bincount(labels[test]).tolist() == [36] * 10
    assert np.bincount(labels[train]).tolist() == [n - 36 for n in PER_CLASS]
    digits._cache.pop("split")  # made again from its own seed: the same split
    again = digits.split_indices()
    assert np.array_equal(again[0], train) and np.array_equal(again[1], test)
    assert not np.array_equal(train, np.sort(train)), "shuffled: any prefix is a random sample"


def test_make_digits_scales_pixels_to_unit_interval_and_takes_a_prefix():
    X, y = digits.make_digits(1437)
    assert X.shape == (1437, 64) and X.dtype == np.float64 and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0 and ((X * 16) == np.round(X * 16)).all()
    X5, y5 = digits.make_digits(5, rng=np.random.default_rng(99))
    assert np.array_equal(X5, X[:5]) and np.array_equal(y5, y[:5]), "rng is not used"
    Xt, yt = digits.make_digits(360, split="test")
    pixels, labels = digits.load_raw()
    train, test = digits.split_indices()
    assert np.array_equal(Xt * 16, pixels[test]) and np.array_equal(yt, labels[test])
    assert np.array_equal(X * 16, pixels[train])


def test_registry_and_shapes():
    assert DATASETS["digits"] is digits.make_digits and "digits" not in PLANE
    assert INFO["digits"].features == 64 and INFO["digits"].classes == 10
    assert INFO["digits"].split == (1437, 360)
    assert all(INFO[name].features == 2 and INFO[name].split is None for name in PLANE)


def test_run_config_for_digits():
    cfg = RunConfig(dataset="digits", hidden=16)
    assert (cfg.n_samples, cfg.n_test, cfg.noise, cfg.batch_size) == (1437, 360, 0.0, 1437)
    assert cfg.sizes == (64, 16, 10) and RunConfig(dataset="xor", hidden=16).sizes == (2, 16, 1)
    assert RunConfig().n_samples == 200 and RunConfig().noise == 0.1, "the 2-D defaults are unchanged"
    X, y = make_data(cfg)
    Xt, yt = make_data(cfg, test=True)
    assert X.shape == (1437, 64) and Xt.shape == (360, 64)
    other = make_data(cfg.replace(seed=7, n_samples=100))
    assert np.array_equal(other[0], X[:100]), "the seed does not change the images"
    moved = RunConfig(hidden=16).replace(dataset="digits")
    assert (moved.n_samples, moved.noise, moved.n_test) == (1437, 0.0, 360), "digits' own defaults"
    back = moved.replace(dataset="moons")
    assert (back.n_samples, back.noise, back.n_test) == (200, 0.1, 200)


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(n_samples=1438), "n_samples: must be an integer in 2..1437 (dataset digits has 1437 training "),
        (
            dict(n_test=361),
            "n_test: must be an integer in 2..360 (dataset digits has 360 test images), got 361",
        ),
        (dict(noise=0.1), "noise: must be 0 with dataset digits (real images), got 0.1"),
        (dict(batch_size=2000), "batch_size: must be an integer in 1..1437, got 2000"),
    ],
)
def test_bad_digits_settings_name_the_parameter(changes, message):
    with pytest.raises(ConfigError) as info:
        RunConfig(dataset="digits", **changes)
    assert str(info.value).startswith(message)
