"""1:N search figures: the chance of a false match against gallery size, and the ACLU replay."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from ...evaluation.gallery import p_any_false_match
from ..style import GENUINE, IMPOSTOR, LINESTYLES, OKABE_ITO
from .scores import _ax

if TYPE_CHECKING:
    from ...experiments.replay import AcluReplay

__all__ = ["plot_p_any", "plot_replay", "plot_pairs"]


def plot_p_any(fmrs: Mapping[str, float], sizes=None, ax=None, points=None):
    """Chance that a probe falsely matches someone, against the gallery size.

    Parameters
    ----------
    fmrs : dict label -> FMR
        One curve per false match rate, ``1 - (1 - FMR) ** N``.
    sizes : array-like, optional
        Gallery sizes (log scale); default 1 to 10 million.
    ax : Axes, optional
    points : dict label -> (N, share), optional
        Observed shares of probes falsely matched, drawn as large markers.

    Returns
    -------
    Axes
    """

    ax = _ax(ax)
    n = np.logspace(0, 7, 400) if sizes is None else np.asarray(sizes, float)
    colours = list(OKABE_ITO.values())
    for k, (label, f) in enumerate(fmrs.items()):
        p = 100 * p_any_false_match(f, n)
        ax.plot(n, p, color=colours[k], linestyle=LINESTYLES[k % 6], linewidth=2.2,
                label=label)
    # The curves crowd together on the right; the legend sits in the empty upper left.
    ax.legend(loc="upper left", title="false match rate per comparison")
    for label, (size, share) in (points or {}).items():
        ax.plot([size], [100 * share], marker="D", color="black", markersize=8, linestyle="none",
                zorder=5)
        ax.annotate(label, (size, 100 * share), xytext=(-8, 8), textcoords="offset points",
                    ha="right", fontsize=10)
    ax.set_xscale("log")
    ax.set_xlim(n[0], n[-1])
    ax.set_ylim(0, 100)
    ax.set_xlabel("gallery size N (people, log scale)")
    ax.set_ylabel("chance of at least one false match (%)")
    return ax


def plot_replay(result: AcluReplay, marks=(80.0, 95.0, 99.0), reference: int | None = None,
                ax=None, x_range: tuple[float, float] = (50.0, 100.0)):
    """False matches and missed true matches as the threshold moves.

    Parameters
    ----------
    result : AcluReplay or AmazonReply
    marks : sequence of float
        Thresholds at which the two counts are marked and written.
    reference : int, optional
        A count to draw as a horizontal grey line (the ACLU's 28).
    ax : Axes, optional
    x_range : (float, float)

    Returns
    -------
    Axes
    """

    ax = _ax(ax, figsize=(8, 4.6))
    t = np.linspace(*x_range, 2001)
    fm, ms = result.false_matches(t), result.missed(t)
    imp, gen = IMPOSTOR, GENUINE
    ax.plot(t, fm, color=imp["color"], linestyle=imp["linestyle"], linewidth=2.4)
    ax.plot(t, ms, color=gen["color"], linestyle=gen["linestyle"], linewidth=2.4)
    n = result.n_probes
    ax.annotate("probes falsely matched\n(not in the gallery)", (x_range[0] + 1, n * 0.93),
                color=imp["color"], fontsize=10, fontweight="bold", va="top")
    ax.annotate("true matches missed\n(if they were in the gallery)", (x_range[0] + 1, n * 0.12),
                color=gen["color"], fontsize=10, fontweight="bold", va="bottom")
    if reference is not None:
        ax.axhline(reference, color="#777777", linewidth=1.2, linestyle=(0, (1, 2)))
        ax.annotate(f"the ACLU's {reference}", (x_range[0] + 1, reference), xytext=(0, 3),
                    textcoords="offset points", color="#555555", fontsize=10)
    box = dict(facecolor="white", edgecolor="none", alpha=0.9, pad=1)
    for m in marks:
        ax.axvline(m, color="black", linestyle=":", linewidth=1.2)
        ax.annotate(f"{m:g}", (m, 1), xycoords=("data", "axes fraction"), xytext=(0, 3),
                    textcoords="offset points", ha="center", va="bottom", fontsize=10,
                    fontweight="bold")
        # Counts beside their markers: left of the line, or right of it near the end.
        right = m > x_range[1] - 0.1 * (x_range[1] - x_range[0])
        dx = 7 if right else -7
        for y, spec, marker in ((int(result.false_matches(m)), imp, "o"),
                                (int(result.missed(m)), gen, "s")):
            ax.plot([m], [y], marker, color=spec["color"], markeredgecolor="black",
                    markersize=7, zorder=5)
            dy = -10 if y > 0.93 * n else (9 if y < 0.07 * n else 0)
            ax.annotate(f"{y}", (m, y), xytext=(dx, dy), textcoords="offset points",
                        ha="left" if right else "right", va="center", fontsize=10,
                        fontweight="bold", color=spec["color"], bbox=box, zorder=6)
    ax.set_xlim(*x_range)
    ax.set_ylim(0, n * 1.02)
    ax.set_xlabel("threshold (book score, 0 to 100)")
    ax.set_ylabel(f"probes (of {n})")
    ax.set_title("", pad=18)  # room for the threshold labels above the plot
    return ax


def plot_pairs(result: AcluReplay, pairs, ncols: int = 3, size: float = 1.5):
    """Falsely matched probe and gallery faces side by side, with their scores.

    Parameters
    ----------
    result : AcluReplay
    pairs : sequence of (probe row, gallery position, score)
        For example from :meth:`AcluReplay.false_match_pairs`.
    ncols : int
        Pairs per row.
    size : float
        Inches per face.

    Returns
    -------
    ndarray of Axes
    """
    import matplotlib.pyplot as plt


    pairs = list(pairs)
    if not pairs:
        raise ValueError("pairs: need at least one (probe, gallery entry, score) triple.")
    rows = [p[0] for p in pairs]
    cols = [p[1] for p in pairs]
    probes, gallery = result.probe_faces(rows), result.gallery_faces(cols)
    nrows = int(np.ceil(len(pairs) / ncols))
    fig, axes = plt.subplots(nrows, 2 * ncols, figsize=(size * 2 * ncols + 0.3 * ncols,
                                                        size * nrows * 1.35), squeeze=False)
    fig.subplots_adjust(wspace=0.05)
    flat = axes.ravel()
    for ax in flat:
        ax.set_axis_off()
    for k, (r, c, score) in enumerate(pairs):
        a, b = flat[2 * k], flat[2 * k + 1]
        a.imshow(probes[k], cmap="gray", vmin=0, vmax=1)
        b.imshow(gallery[k], cmap="gray", vmin=0, vmax=1)
        a.set_title(f"probe {r} ({result.probe_group[r]})", fontsize=10, fontweight="normal")
        b.set_title(f"gallery {c} ({result.gallery_group[c]})", fontsize=10, fontweight="normal")
        b.annotate(f"score {score:.1f}", (0, -0.04), xycoords="axes fraction", ha="center",
                   va="top", fontsize=10, fontweight="bold",
                   color=OKABE_ITO["vermillion"])
    return axes
