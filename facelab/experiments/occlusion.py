"""Chapter 5's experiment: what a hidden region costs a matcher, and what it relied on.

The regions themselves are in :mod:`facelab.faces.regions`.
"""

from __future__ import annotations

import numpy as np

from .._validation import ArgumentError, check_array
from ..evaluation import rates
from ..evaluation.pairs import mixed_pair_scores, pair_scores
from ..evaluation.rates import eer
from ..faces.regions import IMAGE_SHAPE, region_mask

__all__ = ["pixel_weights", "weight_share", "three_ways", "error_rates", "equal_error_rates"]


def pixel_weights(components) -> np.ndarray:
    """How strongly each pixel moves a linear embedding, as an image.

    For a linear embedding ``E(x) = (x - mean) @ components.T`` (Eigenfaces
    and Fisherfaces in :mod:`facelab.embed`), brightening pixel ``p`` by one
    grey level moves the embedding by the vector ``components[:, p]``. Its
    length is the pixel's weight: 0 for a pixel the embedding ignores.

    Parameters
    ----------
    components : array-like of shape (n_components, 4096)
        The fitted directions, e.g. ``Fisherfaces.components_``.

    Returns
    -------
    ndarray of shape (64, 64), float64, >= 0
        Euclidean length of each column of ``components``.
    """
    n_pixels = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]
    c = check_array(components, "components", ndim=2, shape=(None, n_pixels),
                    what=f"fitted directions, shape (n_components, {n_pixels})")
    return np.linalg.norm(c, axis=0).reshape(IMAGE_SHAPE)


def weight_share(weights, region) -> float:
    """Share of the total squared pixel weight that falls inside ``region``.

    Squared, because the squared lengths add up: the share is how much of
    the embedding's total sensitivity to the whole photo comes from the
    pixels in the region.

    Parameters
    ----------
    weights : array-like of shape (64, 64)
        Non-negative weights, e.g. from :func:`pixel_weights`.
    region : str or Region

    Returns
    -------
    float in [0, 1]
    """
    w = check_array(weights, "weights", shape=IMAGE_SHAPE, low=0,
                    what="non-negative pixel weights")
    total = float((w ** 2).sum())
    if total == 0:
        raise ValueError("weights: are all zero; there is nothing to share.")
    return float((w[region_mask(region)] ** 2).sum() / total)


def three_ways(model, clean, masked, identities) -> list:
    """Every pair of the faces scored with neither, one or both photos masked.

    Chapter 5's three ways to meet a mask: no masks; the first photo of each
    pair unmasked and the second masked (a passport photo against a masked
    traveller at a gate); both photos masked (a masked badge photo against a
    masked wearer).

    Parameters
    ----------
    model : fitted transformer
        Anything with ``transform(images) -> embeddings``, e.g. a fitted
        ``Fisherfaces`` or ``DlibResNet``.
    clean, masked : arrays of shape (n, 4096)
        The same photos, unmasked and masked (row ``k`` is one photo).
    identities : array of shape (n,)
        The person in each photo.

    Returns
    -------
    list of three PairScores
        From :func:`facelab.evaluation.pair_scores` (with ``return_pairs``),
        the same pairs in the same order in all three: only what the model
        sees of them changes.
    """
    if not hasattr(model, "transform"):
        raise TypeError(f"model: must be a fitted matcher with a transform method, got "
                        f"{type(model).__name__}.")
    c, m = np.asarray(clean), np.asarray(masked)
    if c.shape != m.shape:
        raise ValueError(f"masked: must have the shape of clean, {c.shape}, got {m.shape}.")
    e_clean, e_masked = model.transform(c), model.transform(m)
    return [pair_scores(e_clean, identities, return_pairs=True),
            mixed_pair_scores(e_clean, e_masked, identities, return_pairs=True),
            pair_scores(e_masked, identities, return_pairs=True)]


def error_rates(scores, mated, thresholds) -> np.ndarray:
    """EER, FNMR and FMR of several conditions scored on the same pairs.

    Made to be passed to :func:`facelab.metrics.bootstrap_by_identity`, so
    that every condition is resampled with the *same* people and the
    differences between conditions get honest (paired) intervals.

    Parameters
    ----------
    scores : array-like of shape (n_pairs, n_conditions)
        Column ``k``: the score of every pair under condition ``k``. Row
        ``r`` must be the same pair of photos in every column.
    mated : array-like of shape (n_pairs,), bool
        True for a mated (same person) pair; at least one of each kind.
    thresholds : array-like of shape (n_conditions,)
        The fixed decision threshold of each condition (book scale).

    Returns
    -------
    ndarray of shape (n_conditions, 3)
        Per condition: equal error rate, FNMR and FMR at its threshold, all
        in [0, 1].
    """
    s = check_array(scores, "scores", ndim=2, what="scores, shape (n_pairs, n_conditions)")
    try:
        m = np.asarray(mated)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise ArgumentError(f"mated: could not read it as an array ({exc}).") from None
    if m.shape != (s.shape[0],) or m.dtype != bool:
        raise ValueError(
            f"mated: expected a boolean array of shape ({s.shape[0]},), got "
            f"{m.dtype} of shape {m.shape}.")
    if m.all() or not m.any():
        raise ValueError("mated: needs at least one mated and one non-mated pair.")
    t = check_array(thresholds, "thresholds", shape=(s.shape[1],), low=0, high=100,
                    what=f"{s.shape[1]} thresholds on the book's scale, one per column of scores")
    out = np.empty((s.shape[1], 3))
    for k in range(s.shape[1]):  # a loop over a handful of conditions, not over pairs
        genuine, impostor = s[m, k], s[~m, k]
        out[k] = (eer(genuine, impostor)[0], rates.fnmr(genuine, t[k]),
                  rates.fmr(impostor, t[k]))
    return out


def equal_error_rates(scores, mated) -> np.ndarray:
    """Equal error rate of each of several conditions scored on the same pairs.

    Like :func:`error_rates` without a threshold, for conditions that have
    no fixed operating point (e.g. models retrained for each region).

    Parameters
    ----------
    scores : array-like of shape (n_pairs, n_conditions)
    mated : array-like of shape (n_pairs,), bool

    Returns
    -------
    ndarray of shape (n_conditions,), in [0, 1]
    """
    s = check_array(scores, "scores", ndim=2, what="scores, shape (n_pairs, n_conditions)")
    return error_rates(s, mated, np.zeros(s.shape[1] if s.ndim == 2 else 0))[:, 0]
