"""Occlusion: hiding part of a face, and measuring what the hidden part carried.

A face mask, sunglasses or a hat hides part of the face from the camera.
This module hides parts of 64 x 64 Olivetti photos in a controlled way, so
that a chapter can ask how much a matcher's errors rise when a region is
gone, and which pixels a fitted embedding relies on.

Every region lives in one table, :data:`REGIONS`. The rows and columns were
read off the mean Olivetti face (all 400 photos averaged): the eye centres
are at about row 16, the eyebrows at about row 10, the tip of the nose and
the nostrils at about rows 33-36, the mouth at about row 47 and the chin at
the bottom edge. Row 0 is the top of the photo; column 0 is its left edge,
which is the *person's right* side.

=========  ==========================  ================================  ========
name       rows (top, bottom)          columns at top -> at bottom       covers
=========  ==========================  ================================  ========
``lower``  32-63 (the lower half)      0-63 -> 0-63                      50 %
``upper``  0-31 (the upper half)       0-63 -> 0-63                      50 %
``left``   0-63                        0-31 -> 0-31                      50 %
``right``  0-63                        32-63 -> 32-63                    50 %
``eyes``   10-23 (a sunglasses band)   0-63 -> 0-63                      22 %
``mask``   27-63 (nose bridge down)    12-51 -> 4-59 (a trapezoid)       about 43 %
=========  ==========================  ================================  ========

The four halves cover the same area, so they can be compared with each other
fairly; ``eyes`` and ``mask`` are shaped like real things people wear.
``lower`` starts at row 32, the middle of the photo, which on the mean face
is just above the nose tip: it hides nostrils, mouth and chin, as a mask
does, but not the bridge of the nose, which a real mask also covers.
``mask`` is closer to a surgical mask: its top edge crosses the bridge of
the nose 11 rows below the eyes, and it widens towards the jaw.

All functions are pure and vectorised: they return new arrays and never
change their inputs.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from facelab import metrics
from facelab.match import similarity_scores

__all__ = [
    "IMAGE_SHAPE",
    "Region",
    "REGIONS",
    "FILLS",
    "region_mask",
    "coverage",
    "outline",
    "occlude",
    "pixel_weights",
    "weight_share",
    "mixed_pair_scores",
    "error_rates",
    "equal_error_rates",
    "interval",
    "error_table",
]

#: Shape of every image the regions are defined on (Olivetti: 64 x 64).
IMAGE_SHAPE = (64, 64)


@dataclass(frozen=True)
class Region:
    """A part of the face, as a trapezoid on the 64 x 64 grid.

    Rows ``top`` to ``bottom - 1`` are covered. On the top covered row the
    columns ``top_cols[0]`` to ``top_cols[1] - 1`` are covered, on the bottom
    row ``bottom_cols[0]`` to ``bottom_cols[1] - 1``, and the edges run in
    straight lines in between (a rectangle has equal spans).

    Attributes
    ----------
    top, bottom : int
        First covered row and one past the last, ``0 <= top < bottom <= 64``.
    top_cols, bottom_cols : tuple of int
        ``(first, one past last)`` covered column on the top and bottom rows.
    stands_for : str
        What the region imitates, in a few words (for titles and tables).
    """

    top: int
    bottom: int
    top_cols: tuple[int, int]
    bottom_cols: tuple[int, int]
    stands_for: str


#: Every region, by name (see the module docstring for the geometry).
REGIONS: dict[str, Region] = {
    "lower": Region(32, 64, (0, 64), (0, 64), "lower half (nose tip, mouth, chin)"),
    "upper": Region(0, 32, (0, 64), (0, 64), "upper half (forehead, eyes)"),
    "left": Region(0, 64, (0, 32), (0, 32), "left half of the photo"),
    "right": Region(0, 64, (32, 64), (32, 64), "right half of the photo"),
    "eyes": Region(10, 24, (0, 64), (0, 64), "sunglasses (eyebrows to below the eyes)"),
    "mask": Region(27, 64, (12, 52), (4, 60), "face mask (nose bridge to chin)"),
}

#: Named fills. A number in [0, 1] is also accepted: a uniform grey level.
FILLS = ("mean", "black", "white", "noise")


# --------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------

def _check_region(region) -> Region:
    if isinstance(region, Region):
        return region
    if not isinstance(region, str) or region not in REGIONS:
        raise ValueError(
            f"region: unknown region {region!r}; allowed: {', '.join(sorted(REGIONS))} "
            "(or a Region).")
    return REGIONS[region]


def _check_images(images) -> tuple[np.ndarray, tuple[int, ...]]:
    """Return ``images`` as a float (n, 64, 64) copy and the caller's shape."""
    arr = np.asarray(images)
    if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise ValueError(f"images: expected numbers, got dtype {arr.dtype}.")
    n_pixels = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]
    if arr.ndim == 3 and arr.shape[1:] == IMAGE_SHAPE:
        pass
    elif arr.ndim == 2 and arr.shape[1] == n_pixels:
        pass
    else:
        raise ValueError(
            f"images: expected shape (n, 64, 64) or (n, {n_pixels}), got {arr.shape}.")
    if arr.shape[0] == 0:
        raise ValueError("images: is empty; at least one image is needed.")
    if not np.all(np.isfinite(arr)):
        raise ValueError("images: contains NaN or infinite values.")
    dtype = arr.dtype if np.issubdtype(arr.dtype, np.floating) else np.float64
    return arr.astype(dtype, copy=True).reshape(-1, *IMAGE_SHAPE), arr.shape


def _check_fill(fill):
    if isinstance(fill, str):
        if fill not in FILLS:
            raise ValueError(
                f"fill: unknown fill {fill!r}; allowed: {', '.join(FILLS)}, "
                "or a grey level in [0, 1].")
        return fill
    if isinstance(fill, bool) or not isinstance(fill, numbers.Real) \
            or not np.isfinite(fill) or not 0 <= fill <= 1:
        raise ValueError(
            f"fill: a grey level must be a number in [0, 1], got {fill!r}; "
            f"or use one of {', '.join(FILLS)}.")
    return float(fill)


# --------------------------------------------------------------------------
# Regions
# --------------------------------------------------------------------------

def region_mask(region) -> np.ndarray:
    """Boolean image, True on the pixels that ``region`` covers.

    Parameters
    ----------
    region : str or Region
        A key of :data:`REGIONS`, or a :class:`Region`.

    Returns
    -------
    ndarray of shape (64, 64), bool

    Examples
    --------
    >>> lower = region_mask("lower")
    >>> int(lower.sum()), bool(lower[31, 0]), bool(lower[32, 0])
    (2048, False, True)
    """
    r = _check_region(region)
    rows = np.arange(IMAGE_SHAPE[0])[:, None]
    centres = np.arange(IMAGE_SHAPE[1])[None, :] + 0.5
    # Fraction of the way from the top covered row to the bottom one.
    t = np.clip((rows - r.top) / max(r.bottom - 1 - r.top, 1), 0, 1)
    left = r.top_cols[0] + t * (r.bottom_cols[0] - r.top_cols[0])
    right = r.top_cols[1] + t * (r.bottom_cols[1] - r.top_cols[1])
    in_rows = (rows >= r.top) & (rows < r.bottom)
    return in_rows & (centres >= left) & (centres < right)


def coverage(region) -> float:
    """Share of the 64 x 64 photo that ``region`` covers, in [0, 1]."""
    return float(region_mask(region).mean())


def occlude(images, region="lower", fill="mean", seed: int | None = 0) -> np.ndarray:
    """Hide one region of every image.

    Parameters
    ----------
    images : array-like of shape (n, 64, 64) or (n, 4096)
        Grey photos with values in [0, 1] (Olivetti's scale), finite.
    region : str or Region, default "lower"
        What to hide: a key of :data:`REGIONS` or a :class:`Region`.
    fill : {"mean", "black", "white", "noise"} or float in [0, 1], default "mean"
        What to put there. ``"mean"``: a uniform grey equal to the mean of
        that image's *visible* pixels, so nothing of the hidden pixels leaks
        into the fill and the patch has the photo's overall brightness.
        ``"black"``, ``"white"``: 0 and 1. ``"noise"``: independent uniform
        grey levels in [0, 1], drawn with ``seed``. A number: that grey level.
    seed : int or None, default 0
        Seed for ``"noise"`` (ignored otherwise); the same seed gives the
        same noise.

    Returns
    -------
    ndarray shaped like ``images``
        A new array (float, the input's dtype if it was floating); the input
        is not changed. Pixels outside the region are exactly as before.

    Raises
    ------
    ValueError
        If ``images`` has the wrong shape or non-finite values, ``region``
        is unknown (the message lists the allowed ones), or ``fill`` is
        neither a named fill nor a grey level in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> faces = np.full((2, 64, 64), 0.25)
    >>> out = occlude(faces, "eyes", fill="white")
    >>> float(out[:, 10:24].min()), float(out[:, :10].max())
    (1.0, 0.25)
    """
    mask = region_mask(region)
    fill = _check_fill(fill)
    out, shape = _check_images(images)
    if fill == "mean":
        # Mean of the visible pixels of each image: one number per image.
        value = out[:, ~mask].mean(axis=1)[:, None]
    elif fill == "noise":
        rng = np.random.default_rng(seed)
        value = rng.random((out.shape[0], int(mask.sum())))
    else:
        value = {"black": 0.0, "white": 1.0}.get(fill, fill)
    out[:, mask] = value
    return out.reshape(shape)


# --------------------------------------------------------------------------
# What a fitted embedding looks at
# --------------------------------------------------------------------------

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
    c = np.asarray(components)
    n_pixels = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]
    if c.ndim != 2 or c.shape[1] != n_pixels or c.shape[0] == 0:
        raise ValueError(
            f"components: expected shape (n_components, {n_pixels}), got {c.shape}.")
    if not (np.issubdtype(c.dtype, np.floating) or np.issubdtype(c.dtype, np.integer)) \
            or not np.all(np.isfinite(c)):
        raise ValueError("components: expected finite numbers.")
    return np.linalg.norm(c.astype(np.float64), axis=0).reshape(IMAGE_SHAPE)


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
    w = np.asarray(weights, dtype=float)
    if w.shape != IMAGE_SHAPE or not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError(
            f"weights: expected a finite, non-negative array of shape {IMAGE_SHAPE}, "
            f"got shape {w.shape}.")
    total = float((w ** 2).sum())
    if total == 0:
        raise ValueError("weights: are all zero; there is nothing to share.")
    return float((w[region_mask(region)] ** 2).sum() / total)


# --------------------------------------------------------------------------
# Comparing an unmasked gallery with masked probes
# --------------------------------------------------------------------------

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
    g = np.asarray(gallery)
    p = np.asarray(probes)
    if g.ndim != 2 or g.shape[0] < 2:
        raise ValueError(f"gallery: expected shape (n, dim) with n >= 2, got {g.shape}.")
    if p.shape != g.shape:
        raise ValueError(
            f"probes: expected the gallery's shape {g.shape} (the same photos, row for row), "
            f"got {p.shape}.")
    ids = np.asarray(ids)
    n = g.shape[0]
    if ids.shape != (n,):
        raise ValueError(f"ids: expected shape ({n},), one id per photo, got {ids.shape}.")
    i, j = np.triu_indices(n, k=1)
    score = similarity_scores(g, p)[i, j]
    mated = ids[i] == ids[j]
    if not return_pairs:
        return score[mated], score[~mated]
    return metrics.Pairs(score=score, mated=mated, i=i, j=j,
                         identities=np.column_stack([ids[i], ids[j]]))


# --------------------------------------------------------------------------
# Error rates of several conditions at once, and their table
# --------------------------------------------------------------------------

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
    s = np.asarray(scores, dtype=float)
    m = np.asarray(mated)
    if s.ndim != 2 or s.shape[0] == 0 or s.shape[1] == 0:
        raise ValueError(
            f"scores: expected shape (n_pairs, n_conditions), got {s.shape}.")
    if m.shape != (s.shape[0],) or m.dtype != bool:
        raise ValueError(
            f"mated: expected a boolean array of shape ({s.shape[0]},), got "
            f"{m.dtype} of shape {m.shape}.")
    if m.all() or not m.any():
        raise ValueError("mated: needs at least one mated and one non-mated pair.")
    t = np.asarray(thresholds, dtype=float)
    if t.shape != (s.shape[1],) or np.any(np.isnan(t)):
        raise ValueError(
            f"thresholds: expected {s.shape[1]} numbers, one per column of scores, "
            f"got shape {t.shape}.")
    out = np.empty((s.shape[1], 3))
    for k in range(s.shape[1]):  # a loop over a handful of conditions, not over pairs
        genuine, impostor = s[m, k], s[~m, k]
        out[k] = (metrics.eer(genuine, impostor)[0], metrics.fnmr(genuine, t[k]),
                  metrics.fmr(impostor, t[k]))
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
    s = np.asarray(scores, dtype=float)
    return error_rates(s, mated, np.zeros(s.shape[1] if s.ndim == 2 else 0))[:, 0]


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def interval(estimate: float, low: float, high: float) -> str:
    """A rate with its interval as text, e.g. ``"30.5% (24.1–36.8)"``.

    Parameters
    ----------
    estimate, low, high : float
        Rates in [0, 1].
    """
    return f"{_pct(estimate)} ({100 * low:.1f}–{100 * high:.1f})"


def error_table(header, conditions, result) -> "IPython.display.Markdown":  # noqa: F821
    """A Markdown table of EER, FNMR and FMR with intervals, one row per condition.

    Parameters
    ----------
    header : sequence of str
        Names of the leading columns that describe a condition.
    conditions : sequence of sequence of str
        One row of leading cells per condition (e.g. what the model was
        trained on, the gallery photo, the probe photo), each as long as
        ``header``.
    result : facelab.metrics.BootstrapResult
        From ``bootstrap_by_identity(error_rates, ...)``: estimates and
        bounds of shape (n_conditions, 3).

    Returns
    -------
    IPython.display.Markdown
        The ``header`` columns, then "EER", "FNMR" and "FMR" (the last two
        at each condition's threshold), each cell written by
        :func:`interval` (estimate, then the interval bounds in per cent).
    """
    from IPython.display import Markdown

    est, low, high = (np.asarray(x, dtype=float) for x in (result.estimate, result.low,
                                                            result.high))
    rows = [[str(c) for c in row] for row in conditions]
    if est.shape != (len(rows), 3) or low.shape != est.shape or high.shape != est.shape:
        raise ValueError(
            f"result: expected estimates of shape ({len(rows)}, 3), one row per condition, "
            f"got {est.shape}.")
    header = [str(h) for h in header]
    if any(len(r) != len(header) for r in rows):
        raise ValueError(f"conditions: every row needs {len(header)} cells, one per header.")
    names = header + ["EER", "FNMR", "FMR"]
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    lines += ["| " + " | ".join(r + [interval(*v) for v in zip(est[k], low[k], high[k])]) + " |"
              for k, r in enumerate(rows)]
    return Markdown("\n".join(lines))


def outline(region) -> tuple[np.ndarray, np.ndarray]:
    """Corners of ``region``'s outline in image coordinates, for ``ax.plot``.

    Pixel ``(row, col)`` is drawn by ``imshow`` centred on ``(x=col, y=row)``,
    so edges lie half a pixel out. The outline is closed (first corner last).

    Returns
    -------
    x, y : ndarray of shape (5,)
    """
    r = _check_region(region)
    x = np.array([r.top_cols[0], r.top_cols[1], r.bottom_cols[1], r.bottom_cols[0],
                  r.top_cols[0]], dtype=float) - 0.5
    y = np.array([r.top, r.top, r.bottom, r.bottom, r.top], dtype=float) - 0.5
    return x, y
