"""Error rates: how often a face matcher is wrong.

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
is 0-100, see :mod:`facelab.matching.compare`), so thresholds are not range-checked
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

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from .._validation import check_rates, check_real, check_scores, check_thresholds

__all__ = [
    "fmr",
    "fnmr",
    "ErrorCurve",
    "error_curve",
    "det_curve",
    "eer",
    "threshold_for_fmr",
    "probit",
    "SortedScores",
]


def _check_scores(scores, name: str) -> np.ndarray:
    """``scores`` as a non-empty, finite, 1-D float64 array, or raise."""
    return check_scores(scores, name)


def _check_thresholds(threshold, name: str = "threshold") -> np.ndarray:
    """Thresholds as float64 (any shape, any scale, +-inf allowed), refusing NaN."""
    return check_thresholds(threshold, name, low=None, high=None, allow_inf=True)


def _check_rate(p, name: str) -> np.ndarray:
    """Rates (any shape) in [0, 1], refusing NaN."""
    return check_rates(p, name)


def _out(x):
    """A 0-d result as a Python float, anything else unchanged."""
    x = np.asarray(x)
    return float(x) if x.ndim == 0 else x


def _frac_at_or_above(sorted_scores: np.ndarray, t: np.ndarray) -> np.ndarray:
    n = sorted_scores.size
    return (n - np.searchsorted(sorted_scores, t, side="left")) / n


def _frac_below(sorted_scores: np.ndarray, t: np.ndarray) -> np.ndarray:
    return np.searchsorted(sorted_scores, t, side="left") / sorted_scores.size


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
    clip = check_real(clip, "clip", 0, 0.5, low_open=True, high_open=True)
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
