"""Comparing embeddings: the book's score scale, and 1:1 verification.

A face matcher answers two kinds of question:

*Verification* (1:1), :func:`verify`
    "Is this the same person as that?" One comparison, one decision.
*Identification* (1:N), :func:`facelab.matching.identification.search`
    "Who in this gallery of N people looks like this probe?" The probe is
    compared with every gallery entry; the best candidates are returned, and
    every entry scoring at or above a threshold is an *alert*.

The book's score scale
----------------------
Embeddings are compared by the cosine of the angle between them, a number in
[-1, 1]. This book reports it on a 0-100 scale::

    score = 50 * (1 + cosine)

so 100 means "pointing in exactly the same direction", 50 means
"perpendicular" and 0 means "opposite". This scale is **the book's own**. It
is *not* the "similarity" or "confidence" that commercial systems such as
Amazon Rekognition report: those scales are proprietary and undocumented,
and each vendor's number is calibrated differently. The same number (say 80)
therefore means a *different false-match rate on every system*, and on the
same system after an update; only a measured error curve
(:mod:`facelab.evaluation.rates`) says what a threshold does.

The decision rule
-----------------
Everywhere in this package, a comparison is a **match if and only if
score >= threshold** (a score exactly at the threshold matches). The rule is
applied through a cosine cut-off computed once, so :func:`verify`,
:func:`facelab.matching.identification.search` and :func:`facelab.evaluation.rates.fmr`
agree exactly on which scores match.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validation import check_array, check_int, check_threshold, check_thresholds

__all__ = [
    "cosine_similarity",
    "to_score",
    "from_score",
    "similarity_scores",
    "Verification",
    "verify",
]


def _work_dtype(*arrays) -> np.dtype:
    """float32 if every input is float32 (fast path), otherwise float64."""
    return np.result_type(*(a.dtype for a in arrays), np.float32)


def _check_embeddings(x, name: str, dtype=None, allow_1d: bool = False) -> np.ndarray:
    """Return ``x`` as a finite 2-D float array (float32 kept if ``dtype`` is None)."""
    if allow_1d and not isinstance(x, (str, bytes)):
        try:
            one_row = np.ndim(x) == 1
        except (TypeError, ValueError):  # ragged nested lists: check_array says so
            one_row = False
        if one_row:
            x = np.asarray(x)[np.newaxis, :]
    x = check_array(x, name, ndim=2, dtype=dtype, what="embeddings, shape (n, dim)")
    return x if dtype is not None else x.astype(_work_dtype(x), copy=False)


def _unit_rows(x: np.ndarray, name: str) -> np.ndarray:
    """Scale every row to length 1; a zero row has no direction, so raise."""
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    if np.any(norms == 0):
        row = int(np.flatnonzero(norms[:, 0] == 0)[0])
        raise ValueError(
            f"{name}: row {row} has length zero, so its cosine similarity is undefined."
        )
    return x / norms


def _check_dim(b: np.ndarray, dim: int, name_b: str, name_a: str) -> None:
    if b.shape[1] != dim:
        raise ValueError(
            f"{name_b}: embeddings have dimension {b.shape[1]} but {name_a} "
            f"have dimension {dim}; they must match."
        )


def _check_threshold(threshold) -> float:
    return check_threshold(threshold)


def _check_positive_int(value, name: str) -> int:
    return check_int(value, name, 1)


def _to_score(cos):
    """Score from cosine, no validation; always float64.

    Rounding can push a computed cosine a hair past +-1, hence the clip.
    """
    return (1 + np.clip(np.asarray(cos, dtype=np.float64), -1, 1)) * 50


def _cosine_cutoff(threshold: float, dtype):
    """Smallest cosine ``c`` of ``dtype`` whose score is >= ``threshold``.

    Deciding on cosines avoids turning every comparison into a score, but
    ``cos >= from_score(threshold)`` could disagree with
    ``score >= threshold`` by one unit in the last place. Bisecting over the
    numbers of ``dtype`` to the exact boundary makes ``cos >= cutoff``
    equivalent to ``_to_score(cos) >= threshold`` for every cosine, because
    the score is a non-decreasing function of the cosine.
    """
    if threshold <= 0:
        return -np.inf
    lo, hi = np.dtype(dtype).type(-1), np.dtype(dtype).type(1)  # score(lo) < t <= score(hi)
    while True:
        mid = lo + (hi - lo) / 2
        if mid == lo or mid == hi:
            return hi
        if _to_score(mid) >= threshold:
            hi = mid
        else:
            lo = mid


def cosine_similarity(a, b):
    """Cosine of the angle between every row of ``a`` and every row of ``b``.

    Parameters
    ----------
    a : array-like of shape (n_a, dim)
    b : array-like of shape (n_b, dim)
        Finite embeddings, no row of length zero.

    Returns
    -------
    ndarray of shape (n_a, n_b)
        Values in [-1, 1] (up to rounding). float32 if both inputs are
        float32, float64 otherwise.
    """
    a = _check_embeddings(a, "a")
    b = _check_embeddings(b, "b")
    _check_dim(b, a.shape[1], "b", "a")
    dtype = _work_dtype(a, b)
    return _unit_rows(a.astype(dtype, copy=False), "a") @ _unit_rows(
        b.astype(dtype, copy=False), "b").T


def to_score(cos):
    """Convert cosine similarity to the book's 0-100 score.

    ``score = 50 * (1 + cos)``. This is the book's own scale, not any
    vendor's: see the module docstring.

    Parameters
    ----------
    cos : float or array-like
        Cosine similarities in [-1, 1].

    Returns
    -------
    float or ndarray
        Scores in [0, 100]; 100 = same direction, 50 = perpendicular.
    """
    c = check_thresholds(cos, "cos", low=-1, high=1)
    out = _to_score(c)
    return float(out) if out.ndim == 0 else out


def from_score(score):
    """Convert a book score (0-100) back to a cosine similarity.

    The inverse of :func:`to_score`: ``cos = score / 50 - 1``.

    Parameters
    ----------
    score : float or array-like
        Scores in [0, 100].

    Returns
    -------
    float or ndarray
        Cosine similarities in [-1, 1].
    """
    s = check_thresholds(score, "score", low=0, high=100)
    out = s / 50 - 1
    return float(out) if out.ndim == 0 else out


def similarity_scores(a, b):
    """Book scores (0-100) between every row of ``a`` and every row of ``b``.

    Parameters
    ----------
    a : array-like of shape (n_a, dim)
    b : array-like of shape (n_b, dim)

    Returns
    -------
    ndarray of shape (n_a, n_b), float64
        ``50 * (1 + cosine)``, in [0, 100]. Symmetric in the sense that
        ``similarity_scores(b, a)`` is the transpose.
    """
    return _to_score(cosine_similarity(a, b))


class Verification(NamedTuple):
    """Result of :func:`verify`: unpack as ``score, match = verify(...)``."""

    #: ndarray of shape (n_pairs,): book score of each pair, in [0, 100].
    score: np.ndarray
    #: ndarray of shape (n_pairs,), bool: ``score >= threshold``.
    match: np.ndarray


def verify(a, b, threshold: float) -> Verification:
    """1:1 verification: score pairs of embeddings and decide match or not.

    Row ``i`` of ``a`` is compared with row ``i`` of ``b`` (not every row
    with every row; for that use :func:`similarity_scores`).

    Parameters
    ----------
    a, b : array-like of shape (n_pairs, dim) or (dim,)
        Paired embeddings. A 1-D input is one pair.
    threshold : float
        Decision threshold on the book's scale, in [0, 100]. A pair matches
        if and only if its score is >= threshold.

    Returns
    -------
    Verification
        ``score`` (n_pairs,) in [0, 100] and ``match`` (n_pairs,) bool.
    """
    threshold = _check_threshold(threshold)
    a = _check_embeddings(a, "a", allow_1d=True)
    b = _check_embeddings(b, "b", allow_1d=True)
    _check_dim(b, a.shape[1], "b", "a")
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"b: has {b.shape[0]} rows but a has {a.shape[0]}; verify compares "
            "row i of a with row i of b."
        )
    dtype = _work_dtype(a, b)
    ua = _unit_rows(a.astype(dtype, copy=False), "a")
    ub = _unit_rows(b.astype(dtype, copy=False), "b")
    cos = np.einsum("ij,ij->i", ua, ub)
    return Verification(score=_to_score(cos), match=cos >= _cosine_cutoff(threshold, dtype))
