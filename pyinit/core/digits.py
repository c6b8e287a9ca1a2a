"""The 8x8 handwritten digits (scikit-learn's ``load_digits()``), with a fixed train/test split.

1,797 grey-scale images of 8 x 8 pixels with integer values 0..16, labels 0..9: the test set of the
UCI "Optical Recognition of Handwritten Digits" (Alpaydin and Kaynak, 1998; CC BY 4.0), exactly as
scikit-learn ships it. pyinit carries its own copy, ``pyinit/data/digits.gz`` (44 KB; format and
licence in ``tools/make_digits.py`` and ``pyinit/data/DIGITS-LICENSE.txt``), so nothing needs
scikit-learn at run time: not the CLI, not the browser.

The split is fixed, the same for every run and seed: from each class, ``TEST_PER_CLASS`` = 36
images drawn with ``np.random.default_rng(SPLIT_SEED)`` form the test set (360 images, balanced),
the other 1,437 the training set; each set is then shuffled by the same generator, so any prefix
of it is a random sample. Pixels are scaled to [0, 1] (divided by 16, exactly). Reading the file is
the one piece of I/O in ``pyinit.core``; it happens once, on first use.
Left out: the 32 x 32 originals, augmentation, any other real data set.
"""

import gzip
from importlib import resources

import numpy as np

N_IMAGES, N_FEATURES, N_CLASSES = 1797, 64, 10
IMAGE_SHAPE = (8, 8)
MAX_PIXEL = 16
TEST_PER_CLASS = 36
N_TEST = N_CLASSES * TEST_PER_CLASS  # 360
N_TRAIN = N_IMAGES - N_TEST  # 1437
SPLIT_SEED = 0
_cache = {}


def load_raw():
    """(pixels (1797, 64) uint8 in 0..16, labels (1797,) uint8 in 0..9), in scikit-learn's order.
    Read-only arrays, read from the package once."""
    if "raw" not in _cache:
        raw = gzip.decompress(resources.files("pyinit").joinpath("data/digits.gz").read_bytes())
        flat = np.frombuffer(raw, dtype=np.uint8)
        assert flat.size == N_IMAGES * (1 + N_FEATURES), flat.size
        labels, pixels = flat[:N_IMAGES], flat[N_IMAGES:].reshape(N_IMAGES, N_FEATURES)
        _cache["raw"] = (pixels, labels)
    return _cache["raw"]


def split_indices():
    """(train (1437,), test (360,)) indices into ``load_raw()``'s images: the fixed split."""
    if "split" not in _cache:
        _, labels = load_raw()
        rng = np.random.default_rng(SPLIT_SEED)
        train, test = [], []
        for c in range(N_CLASSES):
            members = rng.permutation(np.flatnonzero(labels == c))
            test.append(members[:TEST_PER_CLASS])
            train.append(members[TEST_PER_CLASS:])
        _cache["split"] = (rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test)))
    return _cache["split"]


def make_digits(n_samples, *, noise=0.0, rng=None, split="train"):
    """The first ``n_samples`` images of the fixed training (``split="train"``) or test set.

    The dataset signature of ``datasets``: ``rng`` is not used (the split is fixed) and ``noise``
    must be 0. Returns X (n_samples, 64) float64 in [0, 1] (pixel / 16, row by row) and y
    (n_samples,) int64 in 0..9.
    """
    assert noise == 0, "digits are used as they are (no noise)"
    train, test = split_indices()
    idx = {"train": train, "test": test}[split]
    assert 1 <= n_samples <= len(idx), (n_samples, split)
    pixels, labels = load_raw()
    idx = idx[:n_samples]
    X = pixels[idx].astype(np.float64) / MAX_PIXEL
    return X, labels[idx].astype(np.int64)
