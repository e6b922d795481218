"""Score histograms, and the two error rates against the threshold."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ...evaluation import rates
from ...evaluation.rates import eer, error_curve
from ..style import GENUINE, IMPOSTOR

__all__ = ["score_histograms", "plot_error_rates"]


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


def _ax(ax, figsize=None):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_error_rates(genuine, impostor, threshold: float | None = None, ax=None,
                     x_range: tuple[float, float] = (40.0, 100.0)):
    """FMR and FNMR (in %) against the threshold, with the equal error rate.

    Colour, line style and a label at the end of each line tell the two apart:
    FMR is drawn like impostor scores (vermillion, dashed), FNMR like genuine
    scores (blue, solid), as in :func:`facelab.plotting.score_histograms`.

    Parameters
    ----------
    genuine, impostor : array-like
        Mated and non-mated scores on the book's scale.
    threshold : float, optional
        Drawn as a dotted vertical line with the two rates there.
    ax : Axes, optional
    x_range : (float, float)
        Thresholds shown.

    Returns
    -------
    Axes
    """

    ax = _ax(ax)
    t = np.linspace(*x_range, 1201)
    curve = error_curve(genuine, impostor, thresholds=t)
    rate, at = eer(genuine, impostor)
    for y, spec, name in ((curve.fmr, IMPOSTOR, "FMR: different people matched"),
                          (curve.fnmr, GENUINE, "FNMR: same person not matched")):
        ax.plot(t, 100 * y, color=spec["color"], linestyle=spec["linestyle"], linewidth=2.2)
        # Label each line where it is clear of the other.
        k = int(np.argmax(y > 0.55)) if name.startswith("FNMR") else int(np.argmax(y < 0.45))
        ax.annotate(name, (t[k], 100 * y[k]), xytext=(8, 0), textcoords="offset points",
                    color=spec["color"], fontsize=10, va="center",
                    fontweight="bold")
    ax.plot([at], [100 * rate], "o", color="black", markersize=7, zorder=5)
    # The label sits in the empty lower-left corner, with an arrow to the point.
    ax.annotate(f"equal error rate\n{rate:.1%} at {at:.1f}", (at, 100 * rate),
                xytext=(x_range[0] + 0.04 * (x_range[1] - x_range[0]), 100 * rate + 14),
                ha="left", va="bottom", fontsize=10,
                arrowprops=dict(arrowstyle="->", color="black", linewidth=1))
    if threshold is not None:
        f, n = rates.fmr(impostor, threshold), rates.fnmr(genuine, threshold)
        ax.axvline(threshold, color="black", linestyle=":", linewidth=1.6)
        ax.annotate(f"threshold {threshold:g}\nFMR {f:.2%}\nFNMR {n:.1%}", (threshold, 98),
                    xytext=(6, 0), textcoords="offset points", va="top", fontsize=10)
    ax.set_xlim(*x_range)
    ax.set_ylim(0, 100)
    ax.set_xlabel("threshold (book score, 0 to 100)")
    ax.set_ylabel("error rate (%)")
    return ax
