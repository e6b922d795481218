"""Finding a face in a photo: the first step of every face-recognition system.

Uses scikit-image's bundled LBP frontal-face cascade (a Viola–Jones-style
detector on local binary patterns), which ships inside the scikit-image wheel
and needs no download.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import ArgumentError, ArgumentTypeError, check_int, check_real

__all__ = ["Box", "detect_faces", "crop_face"]


@dataclass(frozen=True)
class Box:
    """A detected face: top-left corner (``row``, ``col``) and size, in pixels."""

    row: int
    col: int
    height: int
    width: int


def _check_image(image) -> np.ndarray:
    try:
        image = np.asarray(image)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise ArgumentError(f"image: could not read it as an array ({exc}).") from None
    if not (np.issubdtype(image.dtype, np.floating) or np.issubdtype(image.dtype, np.integer)):
        raise ArgumentTypeError(f"image: must be an array of pixel values, got {image.dtype}.")
    if image.ndim not in (2, 3) or min(image.shape[:2]) < 24:
        raise ValueError(f"image: expected a grey (h, w) or colour (h, w, 3) photo at least "
                         f"24 pixels on a side, got shape {image.shape}")
    if image.ndim == 3 and image.shape[2] not in (3, 4):
        raise ValueError(f"image: colour photos need 3 or 4 channels, got {image.shape[2]}")
    if not np.isfinite(image.astype(float, copy=False)).all():
        raise ValueError("image: contains NaN or infinite values")
    return image


def detect_faces(image, min_size: int = 40, max_size: int | None = None,
                 scale_factor: float = 1.2) -> list[Box]:
    """Find frontal faces in a photo.

    Parameters
    ----------
    image : array of shape (h, w) or (h, w, 3)
        The photo (any numeric type).
    min_size, max_size : int
        Smallest and largest face side searched for, in pixels
        (``max_size`` defaults to the photo's shorter side).
    scale_factor : float, > 1
        Step between the window sizes tried: smaller is slower and finer.

    Returns
    -------
    list of Box
        One box per face found, largest first. Empty if none.
    """
    from skimage import data
    from skimage.color import rgb2gray, rgba2rgb
    from skimage.feature import Cascade

    image = _check_image(image)
    if image.ndim == 3:
        image = rgb2gray(rgba2rgb(image) if image.shape[2] == 4 else image)
    short = min(image.shape[:2])
    min_size = check_int(min_size, "min_size")
    max_size = short if max_size is None else check_int(max_size, "max_size")
    scale_factor = check_real(scale_factor, "scale_factor", 1, low_open=True)
    if not 24 <= min_size <= max_size <= short:
        raise ValueError(f"min_size, max_size: need 24 <= min_size <= max_size <= {short} "
                         f"(the photo's shorter side), got {min_size}, {max_size}")
    if not scale_factor > 1:
        raise ValueError(f"scale_factor: must be greater than 1, got {scale_factor}")
    cascade = Cascade(data.lbp_frontal_face_cascade_filename())
    found = cascade.detect_multi_scale(img=image, scale_factor=scale_factor, step_ratio=1,
                                       min_size=(min_size, min_size),
                                       max_size=(max_size, max_size))
    boxes = [Box(int(d["r"]), int(d["c"]), int(d["height"]), int(d["width"])) for d in found]
    return sorted(boxes, key=lambda b: -b.height * b.width)


def crop_face(image, box: Box, size: int = 64, margin: float = 0.15) -> np.ndarray:
    """Cut a face out of a photo and resize it to a grey ``size`` x ``size`` image.

    Parameters
    ----------
    image : array of shape (h, w) or (h, w, 3)
    box : Box
        From :func:`detect_faces`.
    size : int
        Side of the output in pixels (64 matches the Olivetti faces).
    margin : float
        Extra border around the box, as a fraction of its side.

    Returns
    -------
    ndarray of shape (size, size), float in [0, 1]
    """
    from skimage.color import rgb2gray
    from skimage.transform import resize
    from skimage.util import img_as_float

    if not isinstance(box, Box):
        raise TypeError(f"box: must be a Box (from detect_faces), "
                        f"got {type(box).__name__} {box!r}.")
    size = check_int(size, "size", low=8, high=1024)
    margin = check_real(margin, "margin", low=0, high=2)
    image = img_as_float(_check_image(image))
    if image.ndim == 3:
        image = rgb2gray(image[..., :3])
    pad_r, pad_c = int(box.height * margin), int(box.width * margin)
    r0, c0 = max(box.row - pad_r, 0), max(box.col - pad_c, 0)
    r1 = min(box.row + box.height + pad_r, image.shape[0])
    c1 = min(box.col + box.width + pad_c, image.shape[1])
    if r1 <= r0 or c1 <= c0:
        raise ValueError(f"box: {box} lies outside the image of shape {image.shape}")
    return resize(image[r0:r1, c0:c1], (size, size), anti_aliasing=True)
