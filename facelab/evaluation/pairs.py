"""Scores of every pair: the mated and non-mated comparisons of a set of faces.

*mated* (genuine) comparison
    Two photos of the same person.
*non-mated* (impostor) comparison
    Two photos of different people.

:func:`pair_scores` compares every unordered pair of a set of embeddings once;
:func:`mixed_pair_scores` compares one version of each photo (as enrolled)
with another (as seen, e.g. masked).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import ArgumentError, check_array, check_bool
from ..matching.compare import _check_embeddings, similarity_scores

__all__ = ["Pairs", "pair_scores", "mixed_pair_scores"]


def _labels(x, name: str, n: int, per: str) -> np.ndarray:
    """One label per row (ids or groups, any hashable kind), as an array of shape (n,)."""
    try:
        a = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise ArgumentError(f"{name}: could not read it as an array of labels ({exc}).") from None
    if a.shape != (n,):
        raise ArgumentError(f"{name}: expected shape ({n},), one {per}, got {a.shape}.")
    if a.dtype.kind == "f" and np.isnan(a).any():
        raise ArgumentError(f"{name}: contains NaN; labels must be ids or names.")
    return a


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
    return_pairs = check_bool(return_pairs, "return_pairs")
    emb = _check_embeddings(embeddings, "embeddings")
    n = emb.shape[0]
    if n < 2:
        raise ValueError(f"embeddings: need at least 2 rows to form a pair, got {n}.")
    ids = _labels(ids, "ids", n, "id per embedding")
    if groups is not None:
        if not return_pairs:
            raise ValueError("groups: only kept on a Pairs record; pass return_pairs=True.")
        groups = _labels(groups, "groups", n, "group per embedding")
    i, j = np.triu_indices(n, k=1)
    score = similarity_scores(emb, emb)[i, j]
    mated = ids[i] == ids[j]
    if not return_pairs:
        return score[mated], score[~mated]
    return Pairs(score=score, mated=mated, i=i, j=j,
                 identities=np.column_stack([ids[i], ids[j]]),
                 group_i=None if groups is None else groups[i],
                 group_j=None if groups is None else groups[j])


def mixed_pair_scores(gallery, probes, ids, *, return_pairs: bool = False):
    """Scores of every pair of photos, one side as enrolled and one as seen.

    Like :func:`facelab.metrics.pair_scores`, every unordered pair of photos
    ``i < j`` is compared once, but photo ``i`` is taken from ``gallery``
    (e.g. the embedding of the unmasked photo, as enrolled in a passport)
    and photo ``j`` from ``probes`` (the embedding of the same photo with a
    mask, as the camera at the gate sees it). A photo is never compared with
    its own other version.

    Parameters
    ----------
    gallery, probes : array-like of shape (n, dim)
        Two embeddings of the same ``n`` photos, row for row.
    ids : array-like of shape (n,)
        Identity of each photo.
    return_pairs : bool, default False
        Return a :class:`facelab.metrics.Pairs` record (for
        :func:`facelab.metrics.bootstrap_by_identity`) instead of two arrays.

    Returns
    -------
    genuine, impostor : ndarray
        Book scores (0-100) of the mated and non-mated pairs, as many of
        each as :func:`facelab.metrics.pair_scores` gives for ``ids``.
    Pairs
        If ``return_pairs`` is True.
    """
    return_pairs = check_bool(return_pairs, "return_pairs")
    g = check_array(gallery, "gallery", ndim=2, min_rows=2, dtype=None,
                    what="embeddings, shape (n, dim) with n >= 2")
    p = check_array(probes, "probes", ndim=2, dtype=None, what="embeddings, shape (n, dim)")
    if p.shape != g.shape:
        raise ValueError(
            f"probes: expected the gallery's shape {g.shape} (the same photos, row for row), "
            f"got {p.shape}.")
    n = g.shape[0]
    ids = _labels(ids, "ids", n, "id per photo")
    i, j = np.triu_indices(n, k=1)
    score = similarity_scores(g, p)[i, j]
    mated = ids[i] == ids[j]
    if not return_pairs:
        return score[mated], score[~mated]
    return Pairs(score=score, mated=mated, i=i, j=j,
                         identities=np.column_stack([ids[i], ids[j]]))
