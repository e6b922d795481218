"""Any metric overall and by group, in the spirit of Fairlearn's ``MetricFrame``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import ArgumentError
from .rates import _out

__all__ = ["GroupMetric", "by_group"]


def _as_labels(x, name: str) -> np.ndarray:
    """Labels (ids, groups: any hashable kind) as an array; ragged lists and NaN refused."""
    try:
        a = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise ArgumentError(f"{name}: could not read it as an array of labels ({exc}).") from None
    if a.dtype.kind == "f" and np.isnan(a).any():
        raise ArgumentError(f"{name}: contains NaN; labels must be ids or names.")
    return a


def _check_aligned(arrays, n: int, name: str = "arrays",
                   labels: str = "the labels") -> list[np.ndarray]:
    if not arrays:
        raise ValueError(f"{name}: give at least one array for the metric.")
    out = []
    for k, a in enumerate(arrays):
        try:
            out.append(np.asarray(a))
        except (TypeError, ValueError) as exc:  # ragged nested lists
            raise ArgumentError(f"{name}: could not read array {k} ({exc}).") from None
    for k, a in enumerate(out):
        if a.ndim == 0 or a.shape[0] != n:
            raise ValueError(
                f"{name}: array {k} has shape {a.shape}; every array needs one row per "
                f"sample ({n}), aligned with {labels}."
            )
    return out


@dataclass(frozen=True)
class GroupMetric:
    """A metric computed overall and for each group (see :func:`by_group`).

    Attributes
    ----------
    overall : float or ndarray
        The metric on all rows.
    by_group : dict
        Group label -> the metric on that group's rows, groups in sorted order.
    sizes : dict
        Group label -> number of rows in the group.
    """

    overall: Any
    by_group: dict
    sizes: dict

    def _stack(self) -> np.ndarray:
        return np.stack([np.asarray(v, dtype=float) for v in self.by_group.values()])

    @property
    def group_max(self):
        """Largest group value (elementwise for array-valued metrics)."""
        return _out(self._stack().max(axis=0))

    @property
    def group_min(self):
        """Smallest group value (elementwise for array-valued metrics)."""
        return _out(self._stack().min(axis=0))

    @property
    def difference(self):
        """``group_max - group_min``: 0 when every group gets the same value."""
        return _out(np.asarray(self.group_max) - np.asarray(self.group_min))

    @property
    def ratio(self):
        """``group_max / group_min``, >= 1 for non-negative metrics.

        The way error rate gaps are usually quoted ("FMR ten times higher").
        Fairlearn's ``MetricFrame.ratio()`` is the reciprocal (min / max).
        ``inf`` if the smallest value is 0 and the largest is not; ``nan`` if
        both are 0.
        """
        with np.errstate(divide="ignore", invalid="ignore"):
            return _out(np.asarray(self.group_max) / np.asarray(self.group_min))


def by_group(metric_fn: Callable, *arrays, groups, **kwargs) -> GroupMetric:
    """Compute ``metric_fn`` overall and separately within each group.

    One function for every disaggregated number in the book, in the spirit
    of Fairlearn's ``MetricFrame``: the rows of ``arrays`` are split by
    ``groups`` and ``metric_fn(*rows_of_group, **kwargs)`` is called once per
    group and once on everything.

    Parameters
    ----------
    metric_fn : callable
        ``metric_fn(*arrays, **kwargs)`` returning a number (or an array of
        fixed shape, e.g. rates at several thresholds).
    *arrays : array-like, each with ``len(groups)`` rows
        Per-sample inputs, sliced together (e.g. impostor scores).
    groups : array-like of shape (n,)
        Group label of each row (any sortable type).
    **kwargs
        Passed unchanged to every call (e.g. ``threshold=80``).

    Returns
    -------
    GroupMetric
        ``overall``, ``by_group``, ``sizes`` and the summaries ``difference``
        (max - min) and ``ratio`` (max / min).

    Examples
    --------
    >>> scores = [90, 40, 85, 30, 20, 95]
    >>> group = ["a", "a", "a", "b", "b", "b"]
    >>> result = by_group(fmr, scores, groups=group, threshold=80)
    >>> result.by_group
    {'a': 0.6666666666666666, 'b': 0.3333333333333333}
    >>> round(result.ratio, 6)
    2.0
    """
    if not callable(metric_fn):
        raise ValueError(f"metric_fn: expected a function, got {metric_fn!r}.")
    groups = _as_labels(groups, "groups")
    if groups.ndim != 1 or groups.size == 0:
        raise ValueError(
            f"groups: expected a non-empty 1-D array of labels, got shape {groups.shape}.")
    arrays = _check_aligned(arrays, groups.size, labels="groups")
    labels, inverse = np.unique(groups, return_inverse=True)
    values, sizes = {}, {}
    for k, label in enumerate(labels):  # a loop over groups, not samples
        rows = inverse == k
        key = label.item() if hasattr(label, "item") else label
        values[key] = metric_fn(*(a[rows] for a in arrays), **kwargs)
        sizes[key] = int(rows.sum())
    return GroupMetric(overall=metric_fn(*arrays, **kwargs), by_group=values, sizes=sizes)
