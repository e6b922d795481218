"""How the book writes numbers: percentages and intervals."""

from __future__ import annotations

import numpy as np

from .._validation import check_rate

__all__ = ["pct_label", "interval"]


def pct_label(p: float) -> str:
    """0.0001 -> '0.01%', 0.5 -> '50%'."""
    x = 100 * check_rate(p, "p")
    if x == 0:
        return "0%"
    return f"{x:.{max(0, -int(np.floor(np.log10(x))))}f}%" if x < 1 else f"{x:g}%"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def interval(estimate: float, low: float, high: float) -> str:
    """A rate with its interval as text, e.g. ``"30.5% (24.1–36.8)"``.

    Parameters
    ----------
    estimate, low, high : float
        Rates in [0, 1], ``low <= high`` (a percentile interval need not contain the estimate).
    """
    estimate, low, high = (check_rate(estimate, "estimate"), check_rate(low, "low"),
                           check_rate(high, "high"))
    if low > high:
        raise ValueError(f"low, high: low must not exceed high, got {low!r} and {high!r}.")
    return f"{_pct(estimate)} ({100 * low:.1f}–{100 * high:.1f})"
