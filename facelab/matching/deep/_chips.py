"""The network's input chips, dlib's HOG face detector, and dlib's distance on the book's scale.

Private: the public names are in :mod:`facelab.matching.deep`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int
from . import _base
from ._base import (
    _ALIGN_PAD,
    CHIP_SIZE,
    DEFAULT_CHIP,
    _check_chip_method,
    _check_images,
    _check_numeric,
)

# --------------------------------------------------------------------------
# Chips
# --------------------------------------------------------------------------

def _bilinear(img: np.ndarray, size: int) -> np.ndarray:
    """Resize a 2-D float image to (size, size), pixel centres aligned, edges clamped."""
    h, w = img.shape
    r = np.clip((np.arange(size) + 0.5) * h / size - 0.5, 0, h - 1)
    c = np.clip((np.arange(size) + 0.5) * w / size - 0.5, 0, w - 1)
    r0, c0 = np.floor(r).astype(np.intp), np.floor(c).astype(np.intp)
    r1, c1 = np.minimum(r0 + 1, h - 1), np.minimum(c0 + 1, w - 1)
    fr, fc = (r - r0)[:, None], (c - c0)[None, :]
    top = img[r0][:, c0] * (1 - fc) + img[r0][:, c1] * fc
    bottom = img[r1][:, c0] * (1 - fc) + img[r1][:, c1] * fc
    return np.ascontiguousarray(top * (1 - fr) + bottom * fr)


def _rgb(grey: np.ndarray) -> np.ndarray:
    # dlib reads the buffer as C-ordered: a Fortran-ordered array is silently
    # misread (the HOG detector then finds no face), so always pass a C copy.
    return np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2), dtype=np.uint8)


def _chips_from_grey(grey: np.ndarray, method: str) -> np.ndarray:
    """(n, 64, 64) uint8 -> (n, 150, 150, 3) uint8 chips."""
    out = np.empty((grey.shape[0], CHIP_SIZE, CHIP_SIZE, 3), dtype=np.uint8)
    if method == "resized":
        for k, g in enumerate(grey):
            resized = _bilinear(g.astype(np.float64), CHIP_SIZE)
            out[k] = _rgb(np.clip(np.rint(resized), 0, 255).astype(np.uint8))
        return out
    dlib = _base._import_dlib()
    predictor = _base._loaded("shape", _base.model_files().shape_predictor)
    p, s = _ALIGN_PAD, grey.shape[1]
    rect = dlib.rectangle(p, p, p + s - 1, p + s - 1)
    for k, g in enumerate(grey):
        padded = _rgb(np.pad(g, p, mode="edge"))
        shape = predictor(padded, rect)
        out[k] = dlib.get_face_chip(padded, shape, size=CHIP_SIZE, padding=0.25)
    return out


def olivetti_chip(images, method: str = DEFAULT_CHIP) -> np.ndarray:
    """The 150x150 RGB chips the network is fed, made from grey 64x64 faces.

    These are exactly the network's inputs (so the browser version of the
    network can be given the same chips). Deterministic: a function of the
    8-bit faces ``round(255 * images)`` only.

    Parameters
    ----------
    images : array-like of shape (64, 64), (n, 64, 64) or (n, 4096)
        Grey faces, real numbers in [0, 1] (the Olivetti format).
    method : {"aligned", "resized"}, default "aligned"
        See :data:`CHIP_METHODS`. ``"aligned"`` needs dlib.

    Returns
    -------
    ndarray of uint8, shape (150, 150, 3) for one face or (n, 150, 150, 3)
        Grey chips stored as RGB (the three channels are equal), 0-255.

    Raises
    ------
    DeepModelUnavailable
        For ``"aligned"`` without dlib or its model files.
    """
    grey, single = _check_images(images)
    chips = _chips_from_grey(grey, _check_chip_method(method))
    return chips[0] if single else chips


# --------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class HogBox:
    """A face found by dlib's HOG detector, in pixels of the image given.

    Same fields, in the same order, as :class:`facelab.faces.detect.Box`:
    top-left corner (``row``, ``col``) and size; convert with
    ``Box(*dataclasses.astuple(hog_box))``. dlib's boxes are roughly
    square and may extend past the image edge (negative ``row``/``col``).
    """

    row: int
    col: int
    height: int
    width: int


def _check_photo(image, name: str = "image") -> np.ndarray:
    """Grey (h, w) or RGB (h, w, 3) photo -> C-ordered uint8."""
    if isinstance(image, (str, bytes)):
        raise TypeError(f"{name}: expected an image array, got a {type(image).__name__}.")
    arr = np.asarray(image)
    _check_numeric(arr, name, image)
    if not (arr.ndim == 2 or (arr.ndim == 3 and arr.shape[2] == 3)):
        raise ValueError(f"{name}: expected a grey (h, w) or RGB (h, w, 3) image, "
                         f"got shape {arr.shape}.")
    if min(arr.shape[:2]) < 1:
        raise ValueError(f"{name}: is empty (shape {arr.shape}).")
    if arr.dtype == np.uint8:
        return np.ascontiguousarray(arr)
    x = arr.astype(np.float64, copy=False)
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name}: contains NaN or infinite values.")
    lo, hi = float(x.min()), float(x.max())
    if np.issubdtype(arr.dtype, np.floating):
        if lo < 0 or hi > 1:
            raise ValueError(f"{name}: float pixels must be in [0, 1] (or pass uint8 0-255), "
                             f"got values in [{lo:g}, {hi:g}].")
        x = x * 255
    elif lo < 0 or hi > 255:
        raise ValueError(f"{name}: integer pixels must be in [0, 255], got values in "
                         f"[{lo:g}, {hi:g}].")
    return np.ascontiguousarray(np.rint(x), dtype=np.uint8)


def detect_faces_hog(image, upsample: int = 1) -> list[HogBox]:
    """Find frontal faces with dlib's HOG detector (``get_frontal_face_detector``).

    The detector slides an 80x80 window over the image and a pyramid of
    smaller copies, so it needs faces about 80 pixels wide or more; a small
    image is first doubled ``upsample`` times. On the 400 Olivetti faces
    (64x64) it finds 394 with ``upsample=3`` (8x, about 25 ms a face),
    375 with 2, 320 with 1, and 389 with 0, where every box is the detector's
    smallest (81x81, larger than the image); see ``scripts/bench_deep.py``.

    Parameters
    ----------
    image : array-like of shape (h, w) or (h, w, 3)
        A grey or RGB photo: uint8 0-255, other integers in [0, 255], or
        floats in [0, 1].
    upsample : int in [0, 4], default 1
        How many times dlib doubles the image before searching (its
        ``upsample_num_times``). The doubled image may have at most
        50 million pixels.

    Returns
    -------
    list of HogBox
        One per face found, in the coordinates of ``image``, largest first.
        Empty if none.

    Raises
    ------
    DeepModelUnavailable
        Without dlib.
    """
    img = _check_photo(image)
    upsample = check_int(upsample, "upsample", 0, 4)
    h, w = img.shape[:2]
    if h * w * 4 ** upsample > 50_000_000:
        raise ValueError(f"upsample: doubling a {h}x{w} image {upsample} times gives more than "
                         "50 million pixels; use a smaller upsample or a smaller image.")
    detector = _base._loaded("hog")
    found = detector(img, upsample)
    boxes = [HogBox(int(r.top()), int(r.left()), int(r.bottom() - r.top() + 1),
                    int(r.right() - r.left() + 1)) for r in found]
    return sorted(boxes, key=lambda b: (-b.height * b.width, b.row, b.col))


# --------------------------------------------------------------------------
# Distance <-> score
# --------------------------------------------------------------------------

def _check_real_array(x, name: str) -> np.ndarray:
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name}: expected a number or an array of numbers, got a "
                        f"{type(x).__name__}.")
    arr = np.asarray(x)
    _check_numeric(arr, name, x)
    arr = arr.astype(np.float64)
    if arr.size == 0:
        raise ValueError(f"{name}: expected at least one value, got an empty array.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: contains NaN or infinite values.")
    return arr


def _out(arr: np.ndarray):
    return float(arr) if arr.ndim == 0 else arr


def distance_to_score(d):
    """Book score (0-100) of a Euclidean distance between *unit* descriptors.

    ``score = 100 - 25 * d**2``, i.e. ``50 * (1 + cos)`` with
    ``cos = 1 - d**2 / 2``. Distance 0.6 is score 91. This is exact only
    for unit-length vectors (what :class:`DlibResNet` returns); dlib's own
    rule, raw distance < 0.6, is on raw descriptors of length about 1.4.

    Parameters
    ----------
    d : float or array-like
        Distances in [0, 2] (rounding up to 1e-9 beyond is clipped).

    Returns
    -------
    float or ndarray (same shape)
        Scores in [0, 100].
    """
    d = _check_real_array(d, "d")
    if np.any(d < 0) or np.any(d > 2 + 1e-9):
        raise ValueError(f"d: distances between unit-length descriptors lie in [0, 2], got "
                         f"values in [{d.min():g}, {d.max():g}] (normalise raw descriptors "
                         "first).")
    return _out(np.clip(100.0 - 25.0 * np.minimum(d, 2.0) ** 2, 0.0, 100.0))


def score_to_distance(score):
    """Euclidean distance between *unit* descriptors with this book score.

    The inverse of :func:`distance_to_score`: ``d = 2 * sqrt(1 - score / 100)``.
    Score 91 is distance 0.6; a match (``score >= t``) is ``d <= score_to_distance(t)``.

    Parameters
    ----------
    score : float or array-like
        Book scores in [0, 100] (rounding up to 1e-9 beyond is clipped).

    Returns
    -------
    float or ndarray (same shape)
        Distances in [0, 2].
    """
    s = _check_real_array(score, "score")
    if np.any(s < -1e-9) or np.any(s > 100 + 1e-9):
        raise ValueError(f"score: book scores lie in [0, 100], got values in "
                         f"[{s.min():g}, {s.max():g}].")
    return _out(2.0 * np.sqrt(np.clip(1.0 - s / 100.0, 0.0, 1.0)))

