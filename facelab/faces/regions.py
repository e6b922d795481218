"""Hiding part of a face: the regions a mask, sunglasses or a hand would cover.

A face mask, sunglasses or a hat hides part of the face from the camera.
This module hides parts of 64 x 64 Olivetti photos in a controlled way, so
that chapter 5 can ask how much a matcher's errors rise when a region is
gone (:mod:`facelab.experiments.occlusion`).

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

from .._validation import ArgumentError, check_seed

__all__ = ["IMAGE_SHAPE", "Region", "REGIONS", "FILLS", "region_mask", "coverage", "outline",
           "occlude"]


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
    try:
        arr = np.asarray(images)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise ArgumentError(f"images: could not read them as an array ({exc}).") from None
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
    seed = check_seed(seed, allow_none=True)
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
