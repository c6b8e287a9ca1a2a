"""Write pyinit/data/digits.gz from scikit-learn's ``load_digits()`` (and check the copy).

    pip install scikit-learn==1.9.1        # (or: pip install -e '.[digits-source]')
    python tools/make_digits.py            # writes pyinit/data/digits.gz, prints its sha256
    python tools/make_digits.py --check    # only compares the shipped file with scikit-learn

The file is what ``pyinit.core.digits`` reads: gzip (level 9, mtime 0, so the same data always
gives the same bytes) of the 1,797 labels (one byte each) followed by the 1,797 x 64 pixels (one
byte each, 0..16, image by image, each row by row). scikit-learn is needed only here and by the
test that compares the two (tests/core/test_digits_data.py, when scikit-learn is importable);
pyinit itself never imports it. The data: the test set of the UCI "Optical Recognition of
Handwritten Digits" (E. Alpaydin, C. Kaynak, 1998; CC BY 4.0), see pyinit/data/DIGITS-LICENSE.txt.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "pyinit" / "data" / "digits.gz"
SKLEARN = "1.9.1"


def from_sklearn():
    """(labels (1797,) uint8, pixels (1797, 64) uint8) from scikit-learn, checked to be integers."""
    from sklearn.datasets import load_digits  # (only this script needs it)

    d = load_digits()
    pixels = d.data.astype(np.uint8)
    labels = d.target.astype(np.uint8)
    assert (pixels == d.data).all() and (labels == d.target).all(), "not integers in 0..255"
    assert pixels.shape == (1797, 64) and pixels.max() == 16 and labels.max() == 9
    return labels, pixels


def encode(labels, pixels) -> bytes:
    return gzip.compress(labels.tobytes() + pixels.tobytes(), compresslevel=9, mtime=0)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--check", action="store_true", help="compare the shipped file, write nothing")
    args = p.parse_args(argv)
    import sklearn

    if sklearn.__version__ != SKLEARN:
        print(f"note: scikit-learn {sklearn.__version__}, the file was made with {SKLEARN}", file=sys.stderr)
    data = encode(*from_sklearn())
    if args.check:
        same = OUT.read_bytes() == data
        print(f"{OUT.relative_to(ROOT)} {'equals' if same else 'DIFFERS FROM'} scikit-learn's load_digits()")
        return 0 if same else 1
    OUT.write_bytes(data)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
