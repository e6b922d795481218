"""Plotting helpers shared by every chapter.

Each function takes a matplotlib ``Axes`` (or makes one) and returns it, so a
chapter cell stays one line and the figure it shows is made by the code just
above it. Colours come from the Okabe–Ito palette, which stays distinguishable
under the common forms of colour blindness; wherever colour carries meaning a
second encoding (marker, line style or a text label) carries it too.
"""

from __future__ import annotations

from datetime import date
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["OKABE_ITO", "MARKERS", "LINESTYLES", "GENUINE", "IMPOSTOR", "style", "show_faces",
           "draw_boxes", "score_histograms", "timeline"]

#: Okabe & Ito (2008) colour-blind-safe palette, in a fixed order.
OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "orange": "#E69F00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
#: How genuine (same-person) and impostor (different-person) scores are drawn
#: everywhere in the book: colour, line style and hatching all differ.
GENUINE = dict(color=OKABE_ITO["blue"], linestyle="-", hatch="//", label="genuine (same person)")
IMPOSTOR = dict(color=OKABE_ITO["vermillion"], linestyle="--", hatch="\\\\",
                label="impostor (different people)")
#: Second encodings paired with the palette's order.
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
LINESTYLES = ["-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1))]


def style() -> None:
    """Apply the book's matplotlib defaults (readable sizes, palette order)."""
    plt.rcParams.update({
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "figure.figsize": (7.5, 4.0),
        "font.size": 11,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": plt.cycler(color=list(OKABE_ITO.values())),
        "legend.frameon": False,
    })


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
                ax.set_title(titles[i], fontsize=9, fontweight="normal")
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


def score_histograms(genuine, impostor, threshold: float | None = None, ax=None,
                     bins=None, density: bool = True):
    """Genuine and impostor score distributions on one axis, with the threshold.

    Parameters
    ----------
    genuine, impostor : array-like
        Scores on the book's 0-100 scale (see :mod:`facelab.match`).
    threshold : float, optional
        Drawn as a vertical line with its value.
    ax : Axes, optional
    bins : int or sequence, optional
        Defaults to 1-point bins over the range of the scores.
    density : bool
        Plot each distribution as a share of its own pairs, so a small
        genuine set and a large impostor set can be compared.

    Returns
    -------
    Axes
    """
    genuine, impostor = np.asarray(genuine, float), np.asarray(impostor, float)
    if genuine.size == 0 or impostor.size == 0:
        raise ValueError("genuine, impostor: both need at least one score")
    if ax is None:
        _, ax = plt.subplots()
    if bins is None:
        lo = np.floor(min(genuine.min(), impostor.min()))
        hi = np.ceil(max(genuine.max(), impostor.max()))
        bins = np.arange(lo, hi + 1.0, 1.0)
    for scores, spec in ((impostor, IMPOSTOR), (genuine, GENUINE)):
        ax.hist(scores, bins=bins, density=density, histtype="stepfilled", alpha=0.25,
                color=spec["color"], hatch=spec["hatch"], edgecolor=spec["color"])
        ax.hist(scores, bins=bins, density=density, histtype="step", linewidth=1.8,
                color=spec["color"], linestyle=spec["linestyle"],
                label=f"{spec['label']}, n = {scores.size:,}")
    if threshold is not None:
        ax.axvline(threshold, color="black", linestyle=":", linewidth=2)
        ax.annotate(f"threshold {threshold:g}", (threshold, 1), xycoords=("data", "axes fraction"),
                    xytext=(4, -4), textcoords="offset points", va="top", fontsize=10)
    ax.set_xlabel("similarity score (book scale, 0 to 100)")
    ax.set_ylabel("share of pairs per score point" if density else "number of pairs")
    ax.legend(loc="upper left")
    return ax


def timeline(events: Sequence[dict], ax=None, kinds: Sequence[str] | None = None,
             start: date | None = None, end: date | None = None):
    """Draw dated events on a horizontal time axis, one row per kind.

    Parameters
    ----------
    events : sequence of dict
        Rows with keys ``date`` (ISO ``YYYY-MM-DD`` or ``YYYY-MM``), ``event``
        (short label) and ``kind`` (the row it goes in).
    ax : Axes, optional
    kinds : sequence of str, optional
        Row order, top to bottom. Defaults to first appearance.
    start, end : date, optional
        Limits of the time axis.

    Returns
    -------
    Axes
    """
    if len(events) == 0:
        raise ValueError("events: need at least one event")
    dates = [_parse_date(e["date"]) for e in events]
    kinds = list(kinds) if kinds is not None else list(dict.fromkeys(e["kind"] for e in events))
    unknown = {e["kind"] for e in events} - set(kinds)
    if unknown:
        raise ValueError(f"kinds: events have kinds {sorted(unknown)} not in {kinds}")
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 0.9 + 0.5 * len(kinds) + 0.26 * len(events)))
    colours = list(OKABE_ITO.values())
    order = np.argsort(dates, kind="stable")
    # Each event gets its own line so that labels never overlap: rows are
    # grouped by kind, events inside a kind are in date order.
    y = 0
    yticks, ylabels = [], []
    for k, kind in enumerate(kinds):
        idx = [i for i in order if events[i]["kind"] == kind]
        if not idx:
            continue
        top = y
        for i in idx:
            ax.plot(dates[i], y, marker=MARKERS[k % len(MARKERS)], color=colours[k % len(colours)],
                    markersize=8, linestyle="none")
            ax.annotate(events[i]["event"], (dates[i], y), xytext=(7, 0),
                        textcoords="offset points", va="center", fontsize=10)
            y -= 1
        yticks.append((top + y + 1) / 2)
        ylabels.append(kind)
        ax.axhline(y + 0.5, color="#cccccc", linewidth=0.6)
        y -= 0.4
    ax.set_yticks(yticks, ylabels)
    ax.set_ylim(y + 0.3, 0.7)
    lo = start or min(dates)
    hi = end or max(dates)
    span = hi - lo
    ax.set_xlim(lo - span * 0.02, hi + span * 0.45)  # room for the last labels
    # Year ticks only where there are events, not under the label margin.
    ax.set_xticks([date(y, 1, 1) for y in range(lo.year + 1, hi.year + 1)],
                  [str(y) for y in range(lo.year + 1, hi.year + 1)])
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    return ax


def _parse_date(text: str) -> date:
    parts = [int(p) for p in text.strip().split("-")]
    if len(parts) == 2:
        parts.append(15)  # a month-only date is drawn mid-month
    if len(parts) != 3:
        raise ValueError(f"date: expected YYYY-MM-DD or YYYY-MM, got {text!r}")
    return date(*parts)
