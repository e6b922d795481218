"""Argument checks shared by the package's public functions (private module).

Each check returns the value in its plain Python type or raises a
``ValueError`` that names the argument and the allowed range, so a bad input
is reported where it was passed rather than from deep inside NumPy.
"""

from __future__ import annotations

import numbers

import numpy as np


def check_int(value, name: str, low: int, high: int | None = None) -> int:
    """Return ``value`` as an ``int`` in [low, high] (no upper bound if ``high`` is None).

    Booleans are refused even though Python counts them as integers.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name}: expected an integer, got {value!r}.")
    value = int(value)
    if value < low or (high is not None and value > high):
        allowed = f">= {low:,}" if high is None else f"in [{low:,}, {high:,}]"
        raise ValueError(f"{name}: must be {allowed}, got {value:,}.")
    return value


def check_seed(seed, bits: int = 32) -> int:
    """Return ``seed`` as an ``int`` in [0, 2**bits)."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral) \
            or not 0 <= int(seed) < 2 ** bits:
        raise ValueError(f"seed: must be an integer in [0, 2**{bits}), got {seed!r}.")
    return int(seed)
