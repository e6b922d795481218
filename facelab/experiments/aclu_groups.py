"""Who is falsely matched in a replay of the ACLU test, for a matcher trained on a given mix."""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .._validation import check_int
from ..evaluation.groups import GroupMetric, by_group
from . import replay
from .composition.training import GROUPS

__all__ = ["AcluShares", "aclu_gallery", "aclu_group_shares"]


@dataclass(frozen=True, eq=False)
class AcluShares:
    """Who is falsely matched in a replay of the ACLU test, by group.

    Attributes
    ----------
    gallery_counts : dict of str -> int
        Gallery entries of each group searched.
    n_false_matches : int
        False matches the threshold was set for.
    threshold : float
        The highest threshold with that many falsely matched probes.
    max_score : ndarray of shape (n_probes,)
        Each probe's best score over this gallery.
    probe_group : ndarray of shape (n_probes,), str
    counts : dict of str -> int
        Falsely matched probes of each group.
    shares : dict of str -> float
        Each group's share of the false matches.
    probe_shares : dict of str -> float
        Each group's share of the probes.
    rates : GroupMetric
        Share of each group's probes falsely matched (the per-group FPIR).
    """

    gallery_counts: dict
    n_false_matches: int
    threshold: float
    max_score: np.ndarray = field(repr=False)
    probe_group: np.ndarray = field(repr=False)
    counts: dict
    shares: dict
    probe_shares: dict
    rates: GroupMetric

    def share_curve(self, max_false_matches: int = 100) -> tuple[np.ndarray, np.ndarray]:
        """Group B's share of the false matches as the threshold is lowered.

        Returns
        -------
        n : ndarray of int
            Number of false matches, 1 .. ``max_false_matches``.
        share_b : ndarray of float
            B's share among the ``n`` highest-scoring probes.
        """
        order = np.argsort(-self.max_score, kind="stable")
        n = np.arange(1, min(max_false_matches, order.size) + 1)
        is_b = (self.probe_group[order] == "B")[: n[-1]]
        return n, np.cumsum(is_b) / n


def aclu_gallery(model: replay.SyntheticEmbedding, gallery_size: int = 40_000, seed: int = 0,
                 **replay_kwargs):
    """Replay the ACLU test with ``model`` against a gallery half A and half B.

    :func:`aclu_group_shares` then searches sub-galleries of any mix up to
    half the gallery per group, without rendering the faces again.

    Parameters
    ----------
    model : facelab.replay.SyntheticEmbedding
        E.g. from :func:`train_on_composition`.
    gallery_size : int, default 40,000
    seed : int, default 0
    **replay_kwargs
        Passed to :func:`facelab.replay.aclu_replay` (e.g. ``n_probes``,
        ``probe_shares``; default 535 probes, 80 % A and 20 % B).

    Returns
    -------
    facelab.replay.AcluReplay
    """
    if not isinstance(model, replay.SyntheticEmbedding):
        raise ValueError("model: must be a facelab.replay.SyntheticEmbedding, e.g. from "
                         "train_on_composition().")
    return replay.aclu_replay(embedding=model, gallery_size=gallery_size, seed=seed,
                              gallery_shares={"A": 0.5, "B": 0.5}, **replay_kwargs)


def aclu_group_shares(result, gallery_counts: Mapping[str, int] = None,
                      n_false_matches: int = 28) -> AcluShares:
    """Who the false matches are when the probes search a gallery of a given mix.

    The threshold is set where ``n_false_matches`` probes are falsely
    matched (the ACLU's count by default), so that matchers trained on
    different mixes are compared at the same number of false matches.

    Parameters
    ----------
    result : facelab.replay.AcluReplay
        From :func:`aclu_gallery` (or :func:`facelab.replay.aclu_replay`).
    gallery_counts : dict of str -> int, optional
        Entries of each group to search: the first ones of each group in
        the replay's gallery. Default: the whole gallery.
    n_false_matches : int, default 28
        In [1, number of probes].

    Returns
    -------
    AcluShares
    """
    if not isinstance(result, replay.AcluReplay):
        raise ValueError("result: must be a facelab.replay.AcluReplay, e.g. from aclu_gallery().")
    rank = result.gallery_index - replay.GALLERY_START
    available = {g: int((result.gallery_group == g).sum()) for g in GROUPS}
    counts = dict(available) if gallery_counts is None else dict(gallery_counts)
    if sorted(counts) != list(GROUPS):
        raise ValueError(f"gallery_counts: give a count for each of {list(GROUPS)}.")
    for g, n in counts.items():
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral) \
                or not 0 <= n <= available[g]:
            raise ValueError(f"gallery_counts: group {g!r} must have 0 to {available[g]:,} "
                             f"entries (the replay's), got {n!r}.")
    if sum(counts.values()) == 0:
        raise ValueError("gallery_counts: the gallery is empty.")
    n = check_int(n_false_matches, "n_false_matches", 1)
    if n > result.n_probes:
        raise ValueError(f"n_false_matches: at most the {result.n_probes} probes, got {n}.")
    cols = np.zeros(result.gallery_size, dtype=bool)
    for g, c in counts.items():
        cols |= (result.gallery_group == g) & (rank < c)
    best = result.scores[:, cols].max(axis=1).astype(np.float64)
    t = float(np.sort(best)[-n])
    hit = best >= t
    group = result.probe_group
    rates = by_group(np.mean, hit.astype(float), groups=group)
    found = {g: int(rates.by_group[g] * rates.sizes[g] + 0.5) for g in GROUPS}
    total = sum(found.values())
    return AcluShares(gallery_counts=counts, n_false_matches=n, threshold=t, max_score=best,
                      probe_group=group, counts=found,
                      shares={g: c / total for g, c in found.items()},
                      probe_shares={g: rates.sizes[g] / group.size for g in GROUPS}, rates=rates)
