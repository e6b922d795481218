"""Error rates: how often a face matcher is wrong, overall and by group.

The vocabulary is that of ISO/IEC 19795-1 (biometric performance testing):

*mated* (genuine) comparison
    Two photos of the same person.
*non-mated* (impostor) comparison
    Two photos of different people.
false match rate, FMR
    Share of non-mated comparisons that score at or above the threshold.
false non-match rate, FNMR
    Share of mated comparisons that score below the threshold.

As everywhere in :mod:`facelab`, a comparison **matches if and only if
score >= threshold**. The functions accept scores on any scale (the book's
is 0-100, see :mod:`facelab.match`), so thresholds are not range-checked
here; only NaN thresholds are refused.

Raising the threshold trades false matches for false non-matches; the
*error curve* (:func:`error_curve`, :func:`det_curve`) shows the whole
trade-off, the *equal error rate* (:func:`eer`) summarises it in one number,
and :func:`threshold_for_fmr` sets the threshold the way deployed systems do:
for a target false match rate. :class:`SortedScores` answers "FMR and FNMR
at this threshold?" in microseconds, for widgets.

:func:`by_group` computes any of these metrics overall and per demographic
group (in the spirit of Fairlearn's ``MetricFrame``), and
:func:`bootstrap_by_identity` puts confidence intervals on them by
resampling *people*, not comparisons.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from scipy.special import ndtri

from facelab.match import _check_embeddings, similarity_scores

__all__ = [
    "Pairs",
    "pair_scores",
    "fmr",
    "fnmr",
    "ErrorCurve",
    "error_curve",
    "det_curve",
    "eer",
    "threshold_for_fmr",
    "probit",
    "SortedScores",
    "GroupMetric",
    "by_group",
    "BootstrapResult",
    "bootstrap_by_identity",
]


# --------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------

def _check_scores(scores, name: str) -> np.ndarray:
    """Return ``scores`` as a non-empty, finite, 1-D float64 array, or raise."""
    s = np.asarray(scores)
    if s.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array of scores, got shape {s.shape}.")
    if s.size == 0:
        raise ValueError(f"{name}: is empty; at least one score is needed.")
    if not (np.issubdtype(s.dtype, np.floating) or np.issubdtype(s.dtype, np.integer)):
        raise ValueError(f"{name}: expected numbers, got dtype {s.dtype}.")
    s = s.astype(np.float64, copy=False)
    if not np.all(np.isfinite(s)):
        raise ValueError(f"{name}: contains NaN or infinite scores; every score must be finite.")
    return s


def _check_thresholds(threshold, name: str = "threshold") -> np.ndarray:
    """Thresholds as float64 (any shape, +-inf allowed), refusing NaN."""
    t = np.asarray(threshold)
    if not (np.issubdtype(t.dtype, np.floating) or np.issubdtype(t.dtype, np.integer)):
        raise ValueError(f"{name}: expected numbers, got {threshold!r}.")
    t = t.astype(np.float64, copy=False)
    if np.any(np.isnan(t)):
        raise ValueError(f"{name}: is NaN; a threshold must be a number (+-inf allowed).")
    return t


def _check_rate(p, name: str) -> np.ndarray:
    """A probability (any shape) in [0, 1], refusing NaN."""
    p = np.asarray(p)
    if not (np.issubdtype(p.dtype, np.floating) or np.issubdtype(p.dtype, np.integer)):
        raise ValueError(f"{name}: expected a number in [0, 1], got {p!r}.")
    p = p.astype(np.float64, copy=False)
    if np.any(np.isnan(p)) or np.any(p < 0) or np.any(p > 1):
        bad = p[np.isnan(p) | (p < 0) | (p > 1)].ravel()[0]
        raise ValueError(f"{name}: must be a rate in [0, 1], got {bad}.")
    return p


def _out(x):
    """A 0-d result as a Python float, anything else unchanged."""
    x = np.asarray(x)
    return float(x) if x.ndim == 0 else x


def _frac_at_or_above(sorted_scores: np.ndarray, t: np.ndarray) -> np.ndarray:
    n = sorted_scores.size
    return (n - np.searchsorted(sorted_scores, t, side="left")) / n


def _frac_below(sorted_scores: np.ndarray, t: np.ndarray) -> np.ndarray:
    return np.searchsorted(sorted_scores, t, side="left") / sorted_scores.size


# --------------------------------------------------------------------------
# Comparison scores for every pair
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Pairs:
    """Every unordered pair (i < j) of a set of embeddings, with its score.

    Attributes
    ----------
    score : ndarray of shape (n_pairs,), float64
        Book score (0-100) of each pair.
    mated : ndarray of shape (n_pairs,), bool
        True for a mated (same person) pair.
    i, j : ndarray of shape (n_pairs,), int
        Row numbers of the two embeddings, ``i < j``, in the order of
        ``numpy.triu_indices(n, k=1)``.
    identities : ndarray of shape (n_pairs, 2)
        ``ids`` of the two embeddings; pass to :func:`bootstrap_by_identity`.
    group_i, group_j : ndarray of shape (n_pairs,) or None
        ``groups`` of the two embeddings, if groups were given.
    """

    score: np.ndarray
    mated: np.ndarray
    i: np.ndarray
    j: np.ndarray
    identities: np.ndarray
    group_i: np.ndarray | None = None
    group_j: np.ndarray | None = None

    @property
    def genuine(self) -> np.ndarray:
        """Scores of the mated pairs."""
        return self.score[self.mated]

    @property
    def impostor(self) -> np.ndarray:
        """Scores of the non-mated pairs."""
        return self.score[~self.mated]

    @property
    def same_group(self) -> np.ndarray:
        """True where both photos are in the same group (needs ``groups``)."""
        if self.group_i is None:
            raise ValueError("groups: pair_scores was called without groups.")
        return self.group_i == self.group_j


def pair_scores(embeddings, ids, *, groups=None, return_pairs: bool = False):
    """Scores of all mated and non-mated pairs among a set of embeddings.

    Every unordered pair of rows (i < j) is compared once, from the upper
    triangle of the score matrix; a photo is never compared with itself.

    Parameters
    ----------
    embeddings : array-like of shape (n, dim)
        At least 2 finite embeddings, no zero rows.
    ids : array-like of shape (n,)
        Identity of each embedding.
    groups : array-like of shape (n,), optional
        A group label per embedding (for example a demographic group), kept
        on the returned :class:`Pairs` for :func:`by_group`. Needs
        ``return_pairs=True``.
    return_pairs : bool, default False
        Return a :class:`Pairs` record instead of two arrays.

    Returns
    -------
    genuine, impostor : ndarray
        Scores (0-100) of the mated and non-mated pairs, if ``return_pairs``
        is False. Their lengths add up to ``n * (n - 1) / 2``.
    Pairs
        If ``return_pairs`` is True.

    Notes
    -----
    The full (n, n) score matrix is built, so n should stay below a few
    thousand.

    Examples
    --------
    Same-group FMR by group, at threshold 80::

        pairs = pair_scores(emb, ids, groups=g, return_pairs=True)
        keep = ~pairs.mated & pairs.same_group
        by_group(fmr, pairs.score[keep], groups=pairs.group_i[keep], threshold=80)
    """
    emb = _check_embeddings(embeddings, "embeddings")
    n = emb.shape[0]
    if n < 2:
        raise ValueError(f"embeddings: need at least 2 rows to form a pair, got {n}.")
    ids = np.asarray(ids)
    if ids.shape != (n,):
        raise ValueError(f"ids: expected shape ({n},), one id per embedding, got {ids.shape}.")
    if groups is not None:
        if not return_pairs:
            raise ValueError("groups: only kept on a Pairs record; pass return_pairs=True.")
        groups = np.asarray(groups)
        if groups.shape != (n,):
            raise ValueError(f"groups: expected shape ({n},), one group per embedding, "
                             f"got {groups.shape}.")
    i, j = np.triu_indices(n, k=1)
    score = similarity_scores(emb, emb)[i, j]
    mated = ids[i] == ids[j]
    if not return_pairs:
        return score[mated], score[~mated]
    return Pairs(score=score, mated=mated, i=i, j=j,
                 identities=np.column_stack([ids[i], ids[j]]),
                 group_i=None if groups is None else groups[i],
                 group_j=None if groups is None else groups[j])


# --------------------------------------------------------------------------
# FMR, FNMR and the error curve
# --------------------------------------------------------------------------

def fmr(impostor, threshold):
    """False match rate: share of non-mated scores >= threshold.

    Parameters
    ----------
    impostor : array-like of shape (n_impostor,)
        Non-mated comparison scores, finite, at least one.
    threshold : float or array-like
        Threshold(s) on the scores' scale; +-inf allowed, NaN refused.

    Returns
    -------
    float or ndarray shaped like ``threshold``
        Rates in [0, 1], non-increasing in the threshold.
    """
    return SortedScores(impostor=impostor).fmr(threshold)


def fnmr(genuine, threshold):
    """False non-match rate: share of mated scores < threshold.

    Parameters
    ----------
    genuine : array-like of shape (n_genuine,)
        Mated comparison scores, finite, at least one.
    threshold : float or array-like
        Threshold(s) on the scores' scale; +-inf allowed, NaN refused.

    Returns
    -------
    float or ndarray shaped like ``threshold``
        Rates in [0, 1], non-decreasing in the threshold.
    """
    return SortedScores(genuine=genuine).fnmr(threshold)


@dataclass(frozen=True)
class ErrorCurve:
    """FMR and FNMR at a series of thresholds (ascending).

    Attributes
    ----------
    thresholds, fmr, fnmr : ndarray of shape (n_thresholds,)
    """

    thresholds: np.ndarray
    fmr: np.ndarray
    fnmr: np.ndarray


def error_curve(genuine, impostor, thresholds=None) -> ErrorCurve:
    """FMR and FNMR over a range of thresholds.

    Parameters
    ----------
    genuine, impostor : array-like of shape (n_genuine,), (n_impostor,)
        Mated and non-mated scores.
    thresholds : array-like of shape (n_thresholds,), optional
        Thresholds to evaluate (sorted ascending in the result). Default:
        every distinct score, plus one just above the highest, which are all
        the distinct operating points: FMR = 1 and FNMR = 0 at the lowest,
        FMR = 0 and FNMR = 1 at the last.

    Returns
    -------
    ErrorCurve
    """
    return SortedScores(genuine, impostor).error_curve(thresholds)


def det_curve(genuine, impostor):
    """Detection error trade-off (DET) curve: FMR against FNMR.

    The same operating points as :func:`error_curve` with default
    thresholds, in the order and layout of
    :func:`sklearn.metrics.det_curve`. Plot ``probit(fmr)`` against
    ``probit(fnmr)`` for the usual DET axes.

    Parameters
    ----------
    genuine, impostor : array-like
        Mated and non-mated scores.

    Returns
    -------
    fmr, fnmr, thresholds : ndarray of shape (n_points,)
        Thresholds ascending. Unlike scikit-learn, the end points where one
        rate is exactly 0 or 1 are kept.
    """
    curve = error_curve(genuine, impostor)
    return curve.fmr, curve.fnmr, curve.thresholds


def eer(genuine, impostor):
    """Equal error rate: the error rate where FMR equals FNMR.

    FMR falls and FNMR rises with the threshold, in steps; they seldom take
    exactly the same value. Between the two adjacent operating points of
    :func:`error_curve` (default thresholds) where ``FNMR - FMR`` changes
    sign, FMR, FNMR and the threshold are interpolated linearly, and the EER
    is the value where the two interpolated rates meet. It therefore lies
    between ``max over t of min(FMR, FNMR)`` and ``min over t of
    max(FMR, FNMR)``.

    Parameters
    ----------
    genuine, impostor : array-like
        Mated and non-mated scores.

    Returns
    -------
    eer : float
        In [0, 1]; 0 if some threshold separates the scores perfectly.
    threshold : float
        The interpolated threshold where the rates meet.
    """
    return SortedScores(genuine, impostor).eer()


def threshold_for_fmr(impostor, target_fmr):
    """The smallest threshold whose false match rate is at most ``target_fmr``.

    This is how deployed systems are tuned: pick the FMR you can tolerate,
    then accept every comparison scoring at or above the returned threshold.

    Parameters
    ----------
    impostor : array-like of shape (n_impostor,)
        Non-mated scores.
    target_fmr : float or array-like
        Tolerated FMR(s), in [0, 1].

    Returns
    -------
    float or ndarray shaped like ``target_fmr``
        With ``n`` impostor scores, at most ``m = floor(target_fmr * n)`` may
        match. Because a score *equal* to the threshold matches, the
        threshold must lie above the ``(m + 1)``-th highest impostor score;
        the smallest such float64 number is the next one up,
        ``numpy.nextafter(score, inf)``, which is returned. (It prints like
        the score itself.) Guaranteed: ``fmr(impostor, t) <= target_fmr`` and
        any smaller threshold exceeds the target. If ``m >= n`` (every
        threshold qualifies), ``-inf``.
    """
    return SortedScores(impostor=impostor).threshold_for_fmr(target_fmr)


def probit(p, clip: float = 1e-6):
    """Normal deviate (inverse standard normal CDF), the axis scale of DET plots.

    Parameters
    ----------
    p : float or array-like
        Probabilities in [0, 1].
    clip : float, default 1e-6
        ``p`` is clipped to ``[clip, 1 - clip]`` first, so rates of exactly 0
        or 1 map to about -4.75 and 4.75 instead of infinity. In (0, 0.5).

    Returns
    -------
    float or ndarray shaped like ``p``
    """
    p = _check_rate(p, "p")
    if isinstance(clip, bool) or not isinstance(clip, numbers.Real) or not 0 < clip < 0.5:
        raise ValueError(f"clip: must be a number in (0, 0.5), got {clip!r}.")
    return _out(ndtri(np.clip(p, clip, 1 - clip)))


class SortedScores:
    """Mated and non-mated scores sorted once, for fast repeated queries.

    After the one sort, FMR and FNMR at any threshold are a binary search
    (:func:`numpy.searchsorted`), a few microseconds, which is what an
    interactive slider needs. Either set may be omitted if only the other's
    rate is wanted.

    Parameters
    ----------
    genuine : array-like of shape (n_genuine,), optional
        Mated scores.
    impostor : array-like of shape (n_impostor,), optional
        Non-mated scores.

    Attributes
    ----------
    genuine, impostor : ndarray or None
        The scores, sorted ascending (read-only).
    """

    def __init__(self, genuine=None, impostor=None):
        if genuine is None and impostor is None:
            raise ValueError("genuine, impostor: give at least one set of scores.")
        self.genuine = None if genuine is None else np.sort(_check_scores(genuine, "genuine"))
        self.impostor = None if impostor is None else np.sort(_check_scores(impostor, "impostor"))
        for s in (self.genuine, self.impostor):
            if s is not None:
                s.setflags(write=False)

    def _need(self, name: str) -> np.ndarray:
        scores = getattr(self, name)
        if scores is None:
            raise ValueError(f"{name}: no {name} scores were given to SortedScores.")
        return scores

    def fmr(self, threshold):
        """False match rate at ``threshold`` (see :func:`fmr`)."""
        return _out(_frac_at_or_above(self._need("impostor"), _check_thresholds(threshold)))

    def fnmr(self, threshold):
        """False non-match rate at ``threshold`` (see :func:`fnmr`)."""
        return _out(_frac_below(self._need("genuine"), _check_thresholds(threshold)))

    def threshold_for_fmr(self, target_fmr):
        """Smallest threshold with FMR <= ``target_fmr`` (see :func:`threshold_for_fmr`)."""
        s = self._need("impostor")
        target = _check_rate(target_fmr, "target_fmr")
        n = s.size
        # m = the largest count with m / n <= target, computed the way fmr()
        # computes a rate, so that floor() rounding (0.29 * 100 = 28.999...)
        # cannot make the two disagree.
        m = np.floor(target * n).astype(np.int64)
        m = np.where((m + 1) / n <= target, m + 1, m)
        m = np.where(m / n > target, m - 1, m)
        # the (m + 1)-th highest score is s[n - 1 - m]; it must not match.
        highest_rejected = s[np.clip(n - 1 - m, 0, n - 1)]
        t = np.where(m >= n, -np.inf, np.nextafter(highest_rejected, np.inf))
        return _out(t)

    def error_curve(self, thresholds=None) -> ErrorCurve:
        """FMR and FNMR at ``thresholds`` (see :func:`error_curve`)."""
        g, i = self._need("genuine"), self._need("impostor")
        if thresholds is None:
            t = np.unique(np.concatenate([g, i]))
            t = np.append(t, np.nextafter(t[-1], np.inf))
        else:
            t = _check_thresholds(thresholds, "thresholds")
            if t.ndim != 1 or t.size == 0:
                raise ValueError(
                    f"thresholds: expected a non-empty 1-D array, got shape {t.shape}.")
            t = np.sort(t)
        return ErrorCurve(thresholds=t, fmr=_frac_at_or_above(i, t), fnmr=_frac_below(g, t))

    def eer(self):
        """Equal error rate and its threshold (see :func:`eer`)."""
        curve = self.error_curve()
        d = curve.fnmr - curve.fmr  # -1 at the lowest threshold, +1 at the highest
        k = int(np.argmax(d >= 0))  # first operating point with FNMR >= FMR; k >= 1
        w = -d[k - 1] / (d[k] - d[k - 1])  # where the interpolated difference is 0
        rate = curve.fmr[k - 1] + w * (curve.fmr[k] - curve.fmr[k - 1])
        t = curve.thresholds[k - 1] + w * (curve.thresholds[k] - curve.thresholds[k - 1])
        return float(rate), float(t)


# --------------------------------------------------------------------------
# Disaggregation by group
# --------------------------------------------------------------------------

def _check_aligned(arrays, n: int, name: str = "arrays") -> list[np.ndarray]:
    if not arrays:
        raise ValueError(f"{name}: give at least one array for the metric.")
    out = [np.asarray(a) for a in arrays]
    for k, a in enumerate(out):
        if a.ndim == 0 or a.shape[0] != n:
            raise ValueError(
                f"{name}: array {k} has shape {a.shape}; every array needs one row per "
                f"sample ({n}), aligned with the labels."
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
    groups = np.asarray(groups)
    if groups.ndim != 1 or groups.size == 0:
        raise ValueError(
            f"groups: expected a non-empty 1-D array of labels, got shape {groups.shape}.")
    arrays = _check_aligned(arrays, groups.size)
    labels, inverse = np.unique(groups, return_inverse=True)
    values, sizes = {}, {}
    for k, label in enumerate(labels):  # a loop over groups, not samples
        rows = inverse == k
        key = label.item() if hasattr(label, "item") else label
        values[key] = metric_fn(*(a[rows] for a in arrays), **kwargs)
        sizes[key] = int(rows.sum())
    return GroupMetric(overall=metric_fn(*arrays, **kwargs), by_group=values, sizes=sizes)


# --------------------------------------------------------------------------
# Confidence intervals by resampling people
# --------------------------------------------------------------------------

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
