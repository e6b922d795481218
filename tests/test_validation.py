"""The package's shared argument checks (facelab._validation)."""

import numpy as np
import pytest

from facelab._validation import check_int, check_seed


def test_check_int_accepts_numpy_integers_and_returns_int():
    value = check_int(np.int64(7), "n", 1, 10)
    assert value == 7 and type(value) is int


@pytest.mark.parametrize("bad,message", [
    (True, r"n: must be an integer in \[1, 10\], got bool True"),
    (np.bool_(False), "n: must be an integer .*got bool"),
    (2.0, r"n: must be an integer in \[1, 10\], got float 2.0"),
    (float("nan"), "n: must be an integer .*got float nan"),
    ("3", "n: must be an integer .*got str '3'"),
    (0, r"n: must be in \[1, 10\], got 0"),
    (11, r"n: must be in \[1, 10\], got 11"),
])
def test_check_int_names_the_argument_and_range(bad, message):
    with pytest.raises(ValueError, match=message):
        check_int(bad, "n", 1, 10)


def test_check_int_without_upper_bound():
    assert check_int(10 ** 9, "n", 1) == 10 ** 9
    with pytest.raises(ValueError, match="n: must be >= 1, got 0"):
        check_int(0, "n", 1)


def test_check_seed_ranges():
    assert check_seed(2 ** 32 - 1) == 2 ** 32 - 1
    with pytest.raises(ValueError, match=r"\[0, 2\*\*32\)"):
        check_seed(2 ** 32)
    with pytest.raises(ValueError, match="seed"):
        check_seed(-1)
