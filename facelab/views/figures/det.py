"""The detection error trade-off (DET) plot: FNMR against FMR on normal-deviate axes."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ...evaluation import rates
from ...evaluation.rates import det_curve, probit
from ..format import pct_label
from ..style import LINESTYLES, MARKERS, OKABE_ITO
from .scores import _ax

__all__ = ["det_axes", "plot_det"]


def det_axes(ax, ticks=(0.0001, 0.001, 0.01, 0.1, 0.5), lim=(0.00003, 0.8)):
    """Put both axes of ``ax`` on the normal-deviate (probit) scale of a DET plot.

    Data must be plotted as ``facelab.probit(rate)``; the tick labels
    show the rates in percent (0.01%, 0.1%, 1%, 10%, 50%).

    Returns
    -------
    Axes
    """

    pos = [probit(p) for p in ticks]
    labels = [pct_label(p) for p in ticks]
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_ticks(pos, labels)
    ax.set_xlim(probit(lim[0]), probit(lim[1]))
    ax.set_ylim(probit(lim[0]), probit(lim[1]))
    ax.set_aspect("equal")
    ax.grid(color="#e6e6e6")
    ax.set_axisbelow(True)
    return ax


def plot_det(curves: Mapping[str, tuple], mark: float | None = 80.0, ax=None):
    """Detection error trade-off curves: FNMR against FMR, both on probit axes.

    Parameters
    ----------
    curves : dict name -> (genuine, impostor)
        Scores of each matcher; every distinct score is an operating point.
    mark : float, optional
        Marks each curve's operating point at this threshold.
    ax : Axes, optional

    Returns
    -------
    Axes
    """

    ax = _ax(ax, figsize=(6.2, 6.2))
    lo = 0.00003
    for k, (name, (genuine, impostor)) in enumerate(curves.items()):
        colour = list(OKABE_ITO.values())[[2, 3, 0, 1, 4][k % 5]]
        style = LINESTYLES[k % len(LINESTYLES)]
        fmr, fnmr, _ = det_curve(genuine, impostor)
        keep = (fmr > 0) & (fnmr > 0)
        # Clip zero rates to the edge of the plot rather than dropping the curve's ends.
        x = probit(np.clip(fmr, lo, 1), clip=1e-9)
        y = probit(np.clip(fnmr, lo, 1), clip=1e-9)
        ax.plot(x[keep | (fmr <= lo)], y[keep | (fmr <= lo)], color=colour, linestyle=style,
                linewidth=2.2, label=name)
        if mark is not None:
            f = max(rates.fmr(impostor, mark), lo)
            n = max(rates.fnmr(genuine, mark), lo)
            ax.plot(probit(f, clip=1e-9), probit(n, clip=1e-9),
                    marker=MARKERS[k % len(MARKERS)], color=colour,
                    markeredgecolor="black", markersize=10, linestyle="none", zorder=5)
    det_axes(ax)
    ax.set_xlabel("false match rate, FMR (normal-deviate scale)")
    ax.set_ylabel("false non-match rate, FNMR (normal-deviate scale)")
    ax.legend(loc="lower left", title=None if mark is None else f"markers: threshold {mark:g}")
    return ax
