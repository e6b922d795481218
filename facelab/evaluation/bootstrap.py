"""Confidence intervals by resampling people, not comparisons.

Comparisons involving the same person are not independent: one person who
looks like many others contributes many false matches. Resampling
comparisons would pretend they are independent and give intervals that are
too narrow, so every interval in the book resamples *people*.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .groups import _check_aligned
from .rates import _out

__all__ = ["BootstrapResult", "bootstrap_by_identity"]


@dataclass(frozen=True)
class BootstrapResult:
    """A metric with a bootstrap confidence interval.

    Attributes
    ----------
    estimate : float or ndarray
        The metric on the original data.
    low, high : float or ndarray
        Percentile interval bounds.
    confidence : float
        Nominal coverage, e.g. 0.95.
    replicates : ndarray of shape (n_boot, ...)
        The metric on each resample.
    """

    estimate: Any
    low: Any
    high: Any
    confidence: float
    replicates: np.ndarray


def bootstrap_by_identity(metric_fn: Callable, *arrays, identities, n_boot: int = 1000,
                          confidence: float = 0.95, seed: int | None = 0,
                          **kwargs) -> BootstrapResult:
    """Percentile bootstrap interval for a metric, resampling *people*.

    Comparisons involving the same person are not independent: one person
    who looks like many others contributes many false matches. Resampling
    comparisons would pretend they are independent and give intervals that
    are too narrow. Here each resample draws as many people as there are,
    with replacement, and keeps every row of each drawn person, as many
    times as that person was drawn.

    Parameters
    ----------
    metric_fn : callable
        ``metric_fn(*arrays, **kwargs)`` returning a number or a fixed-shape
        array. It may itself be a :func:`by_group` summary, e.g.
        ``lambda s, g: by_group(fmr, s, groups=g, threshold=t).ratio``.
    *arrays : array-like, each with ``len(identities)`` rows
        Per-row inputs, resampled together.
    identities : array-like of shape (n,) or (n, 2)
        The person each row belongs to, or the two people of each pair (for
        pair scores, e.g. :attr:`Pairs.identities`). A pair of two different
        people drawn ``a`` and ``b`` times is repeated ``a * b`` times; a pair
        of one person (a mated pair) drawn ``a`` times, ``a`` times.
    n_boot : int, default 1000
        Number of resamples, >= 1.
    confidence : float, default 0.95
        Interval coverage, in (0, 1).
    seed : int or None, default 0
        Seed for :func:`numpy.random.default_rng`; the same seed gives the
        same interval.
    **kwargs
        Passed unchanged to ``metric_fn``.

    Returns
    -------
    BootstrapResult
    """
    if not callable(metric_fn):
        raise ValueError(f"metric_fn: expected a function, got {metric_fn!r}.")
    ident = np.asarray(identities)
    if (ident.ndim not in (1, 2) or ident.shape[0] == 0
            or (ident.ndim == 2 and ident.shape[1] != 2)):
        raise ValueError(
            f"identities: expected shape (n,) or (n, 2) with n >= 1, got {ident.shape}.")
    arrays = _check_aligned(arrays, ident.shape[0])
    if isinstance(n_boot, bool) or not isinstance(n_boot, numbers.Integral) or n_boot < 1:
        raise ValueError(f"n_boot: must be an integer >= 1, got {n_boot!r}.")
    if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real) \
            or not 0 < confidence < 1:
        raise ValueError(f"confidence: must be in (0, 1), got {confidence!r}.")

    people, person = np.unique(ident, return_inverse=True)
    person = person.reshape(ident.shape)
    rng = np.random.default_rng(seed)
    replicates = []
    for _ in range(n_boot):  # a loop over resamples; each one is vectorised
        drawn = np.bincount(rng.integers(0, people.size, people.size), minlength=people.size)
        if ident.ndim == 1:
            times = drawn[person]
        else:
            a, b = drawn[person[:, 0]], drawn[person[:, 1]]
            times = np.where(person[:, 0] == person[:, 1], a, a * b)
        replicates.append(np.asarray(
            metric_fn(*(np.repeat(x, times, axis=0) for x in arrays), **kwargs), dtype=float))
    replicates = np.stack(replicates)
    tail = (1 - confidence) / 2
    low, high = np.quantile(replicates, [tail, 1 - tail], axis=0)
    return BootstrapResult(estimate=_out(np.asarray(metric_fn(*arrays, **kwargs), dtype=float)),
                           low=_out(low), high=_out(high), confidence=float(confidence),
                           replicates=replicates)
