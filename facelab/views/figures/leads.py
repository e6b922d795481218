"""Chapter 9's figures: candidate lists of people who are not in the gallery."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from ...experiments.candidates import CandidateLists
from ..style import GENUINE, IMPOSTOR, OKABE_ITO

__all__ = ["plot_candidate_lists", "plot_top_scores"]


def plot_candidate_lists(lists: CandidateLists, images: np.ndarray, rows: Sequence[int],
                         k: int = 3, threshold: float | None = None, size: float = 1.25):
    """Each chosen probe beside its top ``k`` candidates, with their scores.

    Parameters
    ----------
    lists : CandidateLists
        From :func:`facelab.experiments.candidates.candidate_lists`.
    images : ndarray of shape (400, h, w)
        The Olivetti images (``load_olivetti().images``).
    rows : sequence of int
        Which probes (rows of ``lists``) to show, one figure row each.
    k : int
        Candidates per probe, at most 10.
    threshold : float, optional
        Candidates at or above it are marked "listed" (bold, vermillion
        frame); the others are drawn without a frame.

    Returns
    -------
    ndarray of Axes of shape (len(rows), k + 1)
    """
    rows = [int(r) for r in rows]
    if not rows:
        raise ValueError("rows: need at least one probe to show.")
    if not 1 <= k <= lists.scores.shape[1]:
        raise ValueError(f"k: must be in [1, {lists.scores.shape[1]}], got {k!r}.")
    fig, axes = plt.subplots(len(rows), k + 1,
                             figsize=(size * (k + 1) + 0.4, size * 1.45 * len(rows)),
                             squeeze=False)
    fig.subplots_adjust(wspace=0.08, hspace=0.55)
    for i, r in enumerate(rows):
        ax = axes[i, 0]
        ax.imshow(images[lists.probe_image[r]], cmap="gray", vmin=0, vmax=1)
        ax.set_title(f"probe: person {lists.probe_person[r]}", fontsize=10, fontweight="bold")
        for j in range(k):
            ax = axes[i, j + 1]
            ax.imshow(images[lists.candidate_image[r, j]], cmap="gray", vmin=0, vmax=1)
            score = float(lists.scores[r, j])
            listed = threshold is not None and score >= threshold
            ax.set_title(f"#{j + 1}: person {lists.candidate_person[r, j]}", fontsize=10,
                         fontweight="normal")
            ax.set_xlabel(f"score {score:.1f}" + (" listed" if listed else ""), fontsize=10,
                          fontweight="bold" if listed else "normal",
                          color=OKABE_ITO["vermillion"] if listed else OKABE_ITO["black"])
        for ax in axes[i]:
            ax.set_xticks([])
            ax.set_yticks([])
            for side in ax.spines.values():
                side.set_visible(False)
        for j in range(k):
            if threshold is not None and lists.scores[r, j] >= threshold:
                for side in axes[i, j + 1].spines.values():
                    side.set_visible(True)
                    side.set_color(OKABE_ITO["vermillion"])
                    side.set_linewidth(3)
    return axes


def plot_top_scores(absent: CandidateLists, present: CandidateLists, threshold: float | None = None,
                    ax=None, bins=None):
    """Histograms of the top candidate's score: person present (their own photo) vs absent.

    For present probes only those whose top candidate is their own person are
    drawn as "right person"; an absent probe's top candidate is always a
    stranger. The two overlap: a list does not say whether it holds the person.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.6))
    own = present.candidate_person[:, 0] == present.probe_person
    top_present = present.scores[own, 0]
    top_absent = absent.scores[:, 0]
    if bins is None:
        lo = float(min(top_present.min(), top_absent.min()))
        bins = np.linspace(np.floor(lo), 100, 41)
    ax.hist(top_present, bins=bins, density=True, histtype="step", linewidth=2,
            color=GENUINE["color"], linestyle=GENUINE["linestyle"],
            label=f"person enrolled: top candidate is them ({own.sum()} probes)")
    ax.hist(top_absent, bins=bins, density=True, histtype="stepfilled", alpha=0.35,
            color=IMPOSTOR["color"], hatch=IMPOSTOR["hatch"], edgecolor=IMPOSTOR["color"],
            label=f"person not enrolled: top candidate is a stranger ({top_absent.size} probes)")
    if threshold is not None:
        ax.axvline(threshold, color=OKABE_ITO["black"], linestyle=":", linewidth=1.5)
        ax.annotate(f"threshold {threshold:g}", (threshold, ax.get_ylim()[1] * 0.95),
                    ha="right", va="top", fontsize=10, xytext=(-4, 0), textcoords="offset points")
    ax.set_xlabel("score of the top candidate (book scale, 0-100)")
    ax.set_ylabel("share of probes (density)")
    ax.legend(loc="upper left", fontsize=10, frameon=False)
    return ax
