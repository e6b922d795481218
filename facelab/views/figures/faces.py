"""Faces in a grid, and a detector's boxes on a photo."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from ..style import OKABE_ITO

__all__ = ["show_faces", "draw_boxes"]


def show_faces(images: np.ndarray, titles: Sequence[str] | None = None,
               ncols: int = 8, size: float = 1.3, axes=None, normalise: bool = False):
    """Show grey-scale faces in a grid.

    Parameters
    ----------
    images : ndarray of shape (n, h, w)
        Faces with values in [0, 1] (shown with a fixed grey scale, so
        brightness is comparable between panels).
    titles : sequence of str, optional
        One short title per face.
    ncols : int
        Faces per row.
    size : float
        Inches per face.
    axes : array of Axes, optional
        Draw into these instead of a new figure.
    normalise : bool
        Stretch each image to its own full grey range (for eigenfaces and
        other images that are not photos).

    Returns
    -------
    ndarray of Axes
    """
    images = np.asarray(images)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images: expected shape (n, h, w) with n >= 1, got {images.shape}")
    n = len(images)
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    if axes is None:
        _, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows * 1.15),
                               squeeze=False)
    axes = np.atleast_1d(axes).ravel()
    for i, ax in enumerate(axes):
        ax.set_axis_off()
        if i < n:
            img = images[i]
            if normalise:
                img = (img - img.min()) / max(float(img.max() - img.min()), 1e-12)
            ax.imshow(img, cmap="gray", vmin=0, vmax=1)
            if titles is not None:
                ax.set_title(titles[i], fontsize=10, fontweight="normal")
    return axes


def draw_boxes(image: np.ndarray, boxes, ax=None, label: str = "face"):
    """Show a photo with a rectangle around each detected face.

    Parameters
    ----------
    image : ndarray of shape (h, w) or (h, w, 3)
    boxes : sequence of facelab.detect.Box
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    from matplotlib.patches import Rectangle

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    ax.imshow(image, cmap=None if np.ndim(image) == 3 else "gray")
    for b in boxes:
        ax.add_patch(Rectangle((b.col, b.row), b.width, b.height, fill=False,
                               edgecolor=OKABE_ITO["yellow"], linewidth=3))
        ax.text(b.col, b.row - 6, label, color="black", fontsize=10,
                bbox=dict(facecolor=OKABE_ITO["yellow"], edgecolor="none", pad=2))
    ax.set_axis_off()
    return ax
