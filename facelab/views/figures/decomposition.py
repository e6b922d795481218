"""Chapter 4's decomposition figure: the FMR ratio of every arm, pooled over seeds."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ...experiments.composition import Decomposition
from ..style import MARKERS, OKABE_ITO

__all__ = ["plot_decomposition"]


def plot_decomposition(decomposition: Decomposition, targets=None, ax=None):
    """Each arm's FMR ratio B / A with its interval (log scale), one marker per operating point.

    Small grey dots are the single seeds; the dotted line at 1 is no gap.

    Parameters
    ----------
    decomposition : Decomposition
        From :func:`facelab.experiments.composition.decompose`.
    targets : sequence of float, optional
        Operating points (overall FMR) to show; default all of them.

    Returns
    -------
    Axes
    """
    if not isinstance(decomposition, Decomposition):
        raise ValueError("decomposition: must be a Decomposition (from composition.decompose).")
    targets = list(decomposition.targets if targets is None else targets)
    arms = list(decomposition.arms.values())
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.55 * len(arms) + 1.4))
    colours = [OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["green"]]
    offsets = np.linspace(-0.18, 0.18, len(targets)) if len(targets) > 1 else [0.0]
    for k, t in enumerate(targets):
        for i, arm in enumerate(arms):
            y = len(arms) - 1 - i + offsets[k]
            r = arm.ratio(t)
            ax.plot([r.low, r.high], [y, y], color=colours[k % 3], linewidth=2)
            ax.plot(r.estimate, y, marker=MARKERS[k % len(MARKERS)], color=colours[k % 3],
                    markersize=7, linestyle="none",
                    label=f"overall FMR {t:.1%}" if i == 0 else None)
            seeds = [s for s in arm.seed_ratios(t) if np.isfinite(s) and s > 0]
            ax.plot(seeds, [y] * len(seeds), marker=".", color="#777777", markersize=4,
                    linestyle="none", label="single seeds" if (i == 0 and k == 0) else None)
    ax.axvline(1, color=OKABE_ITO["black"], linestyle=":", linewidth=1)
    ax.set_xscale("log")
    ax.set_yticks(range(len(arms)), [a.name for a in reversed(arms)])
    ticks = [0.5, 1, 2, 4, 8, 16]
    ax.set_xticks(ticks, [f"{x:g}" for x in ticks])
    ax.set_xlabel("false match rate of group B / group A (log scale; 1 = no gap)")
    ax.legend(loc="lower right", fontsize=10, frameon=False)
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    return ax
