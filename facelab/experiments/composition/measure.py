"""Errors by group of one trained matcher on held-out people, with intervals over people."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..._validation import check_choice, check_int, check_threshold
from ...evaluation.bootstrap import BootstrapResult, pair_layout, person_errors, pooled_replicates
from ...evaluation.groups import GroupMetric, by_group
from ...evaluation.pairs import pair_scores
from ...evaluation.rates import SortedScores, threshold_for_fmr
from .training import GROUPS, _check_counts, _check_groups, _check_rate, _groups_label, held_out

__all__ = ["GroupEvaluation", "evaluate_by_group", "Pooled", "pool", "per_group_thresholds"]


def _interval(estimate: float, reps: np.ndarray, confidence: float) -> BootstrapResult:
    """Percentile interval over the replicates that are not NaN.

    Unlike :func:`facelab.evaluation.percentile_interval`, an infinite ratio
    (group A drawn without a false match) stays in: it is a real, extreme
    replicate of a ratio, and the pinned chapter 4 numbers include it.
    """
    tail = (1 - confidence) / 2
    finite = reps[~np.isnan(reps)]
    low, high = np.quantile(finite, [tail, 1 - tail]) if finite.size else (np.nan, np.nan)
    return BootstrapResult(estimate=float(estimate), low=float(low), high=float(high),
                                   confidence=float(confidence), replicates=reps)


def _pooled_rate(errors, pairs):
    """Errors over pairs, summed over rows (the metric :func:`by_group` slices)."""
    return float(np.sum(errors) / np.sum(pairs))


class _Summary:
    """Per-group FMR and FNMR with intervals, from per-person error counts.

    Subclasses provide ``_group_counts`` (group -> list of ``PersonErrors``),
    ``n_boot``, ``confidence`` and ``boot_seed``.
    """

    _group_counts: dict
    n_boot: int
    confidence: float
    boot_seed: int

    def _rows(self, kind: str):
        labels, errors, pairs = [], [], []
        for g, cs in self._group_counts.items():
            for c in cs:
                labels.append(g)
                errors.append(c.fm if kind == "fmr" else c.fnm)
                pairs.append(c.n_impostor if kind == "fmr" else c.n_genuine)
        return np.array(labels), np.array(errors, float), np.array(pairs, float)

    @cached_property
    def fmr(self) -> GroupMetric:
        """False match rate over same-group non-mated pairs: overall and by group."""
        labels, errors, pairs = self._rows("fmr")
        return by_group(_pooled_rate, errors, pairs, groups=labels)

    @cached_property
    def fnmr(self) -> GroupMetric:
        """False non-match rate over mated pairs: overall and by group."""
        labels, errors, pairs = self._rows("fnmr")
        return by_group(_pooled_rate, errors, pairs, groups=labels)

    @cached_property
    def _boot(self) -> dict:
        out = {}
        for gi, (g, cs) in enumerate(self._group_counts.items()):
            seeds = [self.boot_seed + 100 * gi + k for k in range(len(cs))]
            out[g] = pooled_replicates(cs, self.n_boot, seeds)
        return out

    @cached_property
    def fmr_ci(self) -> dict[str, BootstrapResult]:
        """Each group's FMR with a bootstrap interval over people."""
        return {g: _interval(self.fmr.by_group[g], self._boot[g][0], self.confidence)
                for g in self._group_counts}

    @cached_property
    def fnmr_ci(self) -> dict[str, BootstrapResult]:
        """Each group's FNMR with a bootstrap interval over people."""
        return {g: _interval(self.fnmr.by_group[g], self._boot[g][1], self.confidence)
                for g in self._group_counts}

    @cached_property
    def fmr_ratio(self) -> BootstrapResult:
        """FMR of group B over FMR of group A, with a bootstrap interval.

        Not :attr:`GroupMetric.ratio` (largest over smallest): here the
        direction is fixed, so a value below 1 means A has more false matches.
        """
        a, b = self.fmr.by_group["A"], self.fmr.by_group["B"]
        with np.errstate(divide="ignore", invalid="ignore"):
            reps = self._boot["B"][0] / self._boot["A"][0]
            estimate = b / a if a > 0 else (np.inf if b > 0 else np.nan)
        return _interval(estimate, reps, self.confidence)

    def fmr_ratio_excludes_one(self) -> bool:
        """True if the interval of FMR_B / FMR_A lies wholly above or below 1."""
        r = self.fmr_ratio
        return bool(r.low > 1 or r.high < 1)


@dataclass(frozen=True, eq=False)
class GroupEvaluation(_Summary):
    """A trained matcher's errors on held-out people, by group, at one threshold.

    The held-out people of each group are split into ``len(blocks)`` blocks
    of about ``block`` people; pairs are formed within a block (every pair
    of photos of the block's people of one group), never across blocks.
    That keeps the number of pairs, and the memory, in proportion to the
    number of people rather than its square, while every person still
    meets hundreds of others.

    Attributes
    ----------
    threshold : float
        The global threshold (book scale). Unless given, set where the false
        match rate over all the same-group non-mated pairs of both groups
        together is ``target_fmr`` (so ``fmr.overall`` is that rate).
    target_fmr : float or None
        The overall FMR the threshold was set for (None if it was given).
    scores : dict of str -> list of ndarray
        Group -> per block, the score of every pair of two photos of that
        group in the block, in the order of ``numpy.triu_indices`` over the
        block's photos (identity-major), float64, read-only.
    blocks : dict of str -> list of int
        Group -> people in each block.
    photos : int
    training_shares : dict of str -> float or None
        The matcher's training composition, if it records it.
    groups_label : str
        ``"default"``, ``"control"`` or ``"custom"``.
    seed : int
    n_boot, confidence, boot_seed
        Bootstrap settings for the intervals.

    Per-pair arrays for :func:`facelab.metrics.by_group` (group A's pairs
    first, block by block) are :attr:`score`, :attr:`mated`, :attr:`group`
    and :attr:`identities`.
    """

    threshold: float
    target_fmr: float | None
    scores: dict
    blocks: dict
    photos: int
    training_shares: dict | None
    groups_label: str
    seed: int
    n_boot: int = 1000
    confidence: float = 0.95
    boot_seed: int = 0

    @property
    def n_people(self) -> dict[str, int]:
        """Held-out people of each group."""
        return {g: sum(b) for g, b in self.blocks.items()}

    # -- per-pair arrays ---------------------------------------------------
    def _parts(self, g):
        """(scores, person i, person j, mated) of each block of group g."""
        start = {"A": 0, "B": self.n_people["A"]}[g]
        for s, n in zip(self.scores[g], self.blocks[g], strict=True):
            pi, pj, mated = pair_layout(n, self.photos)
            yield s, pi + start, pj + start, mated
            start += n

    @property
    def score(self) -> np.ndarray:
        """Score of every same-group pair, (n_pairs,)."""
        return np.concatenate([s for g in GROUPS for s in self.scores[g]])

    @property
    def mated(self) -> np.ndarray:
        """True for a mated pair (two photos of one person), (n_pairs,)."""
        return np.concatenate([p[3] for g in GROUPS for p in self._parts(g)])

    @property
    def group(self) -> np.ndarray:
        """Group of each pair (both photos are of it), (n_pairs,)."""
        return np.concatenate([np.full(s.size, g) for g in GROUPS for s in self.scores[g]])

    @property
    def identities(self) -> np.ndarray:
        """The two people of each pair (numbered across groups, A's first), (n_pairs, 2)."""
        return np.concatenate([np.column_stack([p[1], p[2]]) for g in GROUPS
                               for p in self._parts(g)])

    def genuine(self, group: str) -> np.ndarray:
        """Mated scores of one group."""
        return np.concatenate([s[m] for s, _, _, m in self._parts(group)])

    def impostor(self, group: str) -> np.ndarray:
        """Same-group non-mated scores of one group."""
        return np.concatenate([s[~m] for s, _, _, m in self._parts(group)])

    @cached_property
    def sorted(self) -> dict[str, SortedScores]:
        """Group -> :class:`facelab.metrics.SortedScores`, for instant queries."""
        return {g: SortedScores(self.genuine(g), self.impostor(g)) for g in GROUPS}

    # -- rates ---------------------------------------------------------------
    @cached_property
    def _group_counts(self) -> dict:
        return {g: [person_errors(s, n, self.photos, self.threshold)
                    for s, n in zip(self.scores[g], self.blocks[g], strict=True)] for g in GROUPS}

    def rates_at(self, threshold: float) -> dict[str, dict[str, float]]:
        """FMR and FNMR of each group at another threshold (microseconds).

        Returns
        -------
        dict
            ``{group: {"fmr": ..., "fnmr": ...}}``.
        """
        t = check_threshold(threshold)
        return {g: {"fmr": s.fmr(t), "fnmr": s.fnmr(t)} for g, s in self.sorted.items()}

    def counts_only(self) -> EvaluationCounts:
        """This evaluation's per-person error counts and rates, without its scores."""
        return EvaluationCounts(_group_counts=self._group_counts, seed=self.seed,
                                threshold=self.threshold, fmr=self.fmr, fnmr=self.fnmr,
                                n_boot=self.n_boot, confidence=self.confidence)

    def at_threshold(self, threshold: float) -> GroupEvaluation:
        """The same scores judged at another global threshold."""
        t = check_threshold(threshold)
        return GroupEvaluation(threshold=t, target_fmr=None, scores=self.scores,
                               blocks=self.blocks, photos=self.photos,
                               training_shares=self.training_shares,
                               groups_label=self.groups_label, seed=self.seed,
                               n_boot=self.n_boot, confidence=self.confidence,
                               boot_seed=self.boot_seed)

    def det(self, group: str, n_points: int = 400):
        """Points of a group's DET curve: (fmr, fnmr, thresholds), thresholds ascending.

        Thresholds are every mated score plus impostor-score quantiles spaced
        evenly in log FMR down to one false match, so the curve is smooth
        where DET plots look (FMR from 1e-5 up) without a point per pair.
        """
        s = self.sorted[group]
        imp = s.impostor
        ranks = np.unique(np.geomspace(1, imp.size, n_points).astype(int))
        t = np.unique(np.concatenate([s.genuine, imp[imp.size - ranks],
                                      [np.nextafter(imp[-1], np.inf)]]))
        curve = s.error_curve(t)
        return curve.fmr, curve.fnmr, curve.thresholds

    def describe(self) -> str:
        """A few lines: composition, threshold, FMR and FNMR by group, FMR ratio."""
        share = "" if not self.training_shares else (
            f", trained {self.training_shares.get('A', 0):.0%} A / "
            f"{self.training_shares.get('B', 0):.0%} B")
        fmr, fnmr = self.fmr.by_group, self.fnmr.by_group
        return (f"{self.groups_label} groups{share}\n"
                f"global threshold {self.threshold:.2f}\n"
                f"FMR   A {fmr['A']:.3%}   B {fmr['B']:.3%}   "
                f"(B / A {self.fmr_ratio.estimate:.2f})\n"
                f"FNMR  A {fnmr['A']:.1%}    B {fnmr['B']:.1%}")


def _split_blocks(counts: dict, block: int) -> dict[str, list[int]]:
    n_blocks = max(math.ceil(n / block) for n in counts.values())
    out = {}
    for g, n in counts.items():
        sizes = [len(a) for a in np.array_split(np.arange(n), n_blocks)]
        if min(sizes) < 2:
            raise ValueError(f"n_test_per_group: group {g!r} has {n} people for {n_blocks} "
                             f"blocks of about {block}; every block needs at least 2 people "
                             "of each group.")
        out[g] = sizes
    return out


#: The origins :func:`evaluate_by_group` can centre embeddings on.
CENTRINGS = ("training", "deployment", "group")


def _recentre(emb: np.ndarray, group: np.ndarray, centring: str) -> np.ndarray:
    """Shift embeddings so that the chosen population's mean is the origin."""
    if centring == "training":
        return emb
    out = np.array(emb, dtype=np.float64)
    if centring == "deployment":
        out -= out.mean(axis=0)
    else:
        for g in np.unique(group):
            rows = group == g
            out[rows] -= out[rows].mean(axis=0)
    return out.astype(emb.dtype, copy=False)


def evaluate_by_group(model, n_test_per_group=2400, photos: int = 2, seed: int = 0,
                      groups=None, threshold: float | None = None, target_fmr: float = 0.001,
                      block: int = 600, n_boot: int = 1000, confidence: float = 0.95,
                      boot_seed: int = 0, centring: str = "training") -> GroupEvaluation:
    """Score held-out people of both groups and measure errors by group.

    Parameters
    ----------
    model : SyntheticEmbedding or fitted embedding
        Anything with ``transform(images)`` for images of shape (n, 4096),
        e.g. from :func:`train_on_composition`.
    n_test_per_group : int or dict, default 2400
        Held-out people of each group (see :func:`held_out`).
    photos : int, default 2
        Photos of each held-out person, >= 2.
    seed : int, default 0
        Seed of the synthetic world (use the training seed: the held-out
        people are other people of the same world).
    groups : dict, optional
        The groups the model's training people came from; default
        :func:`facelab.synth.default_groups`.
    threshold : float, optional
        A global threshold on the book's 0-100 scale. Default: set at
        ``target_fmr`` over the same-group non-mated pairs of both groups.
    target_fmr : float in (0, 1), default 0.001
    block : int, default 600
        People of each group per block (pairs are formed within blocks).
    n_boot : int, default 1000
        Bootstrap replicates for the intervals (computed when first asked for).
    confidence : float in (0, 1), default 0.95
    boot_seed : int, default 0
    centring : {"training", "deployment", "group"}, default "training"
        Where the embedding's origin sits before cosines are taken.
        ``"training"``: as the matcher was built, at its training people's
        mean (mostly A when B is rare). ``"deployment"``: re-centred on the
        mean embedding of the held-out people of both groups, the population
        the system meets. ``"group"``: each group re-centred on its own mean,
        which needs the group label of every photo (chapter 4 uses it only
        to measure how much of a gap centring carries, not as a remedy).

    Returns
    -------
    GroupEvaluation
    """
    centring = check_choice(centring, "centring", CENTRINGS)
    if not hasattr(model, "transform"):
        raise ValueError(f"model: must be a fitted embedding with a transform() method, "
                         f"got {type(model).__name__}.")
    groups = _check_groups(groups)
    counts = _check_counts(n_test_per_group)
    block = check_int(block, "block", 2)
    blocks = _split_blocks(counts, block)
    target_fmr = _check_rate(target_fmr, "target_fmr")
    if threshold is not None:
        threshold = check_threshold(threshold)
    n_boot = check_int(n_boot, "n_boot", 1)
    if not 0 < confidence < 1:
        raise ValueError(f"confidence: must be in (0, 1), got {confidence!r}.")
    faces = held_out(counts, photos, seed, groups)
    images = faces.images
    emb = model.transform(images.reshape(len(images), -1))
    del images
    emb = _recentre(emb, faces.group, centring)
    first = {"A": 0, "B": counts["A"]}  # first person of each group
    scores = {g: [] for g in GROUPS}
    done = {g: 0 for g in GROUPS}
    for k in range(len(blocks["A"])):
        rows = np.concatenate([
            np.arange((first[g] + done[g]) * photos, (first[g] + done[g] + blocks[g][k]) * photos)
            for g in GROUPS])
        pairs = pair_scores(emb[rows], faces.person[rows], groups=faces.group[rows],
                                    return_pairs=True)
        for g in GROUPS:
            s = pairs.score[pairs.same_group & (pairs.group_i == g)]
            s.setflags(write=False)
            scores[g].append(s)
            done[g] += blocks[g][k]
        del pairs
    if threshold is None:
        impostor = np.concatenate([s[~pair_layout(n, photos)[2]] for g in GROUPS
                                   for s, n in zip(scores[g], blocks[g], strict=True)])
        t, target = float(threshold_for_fmr(impostor, target_fmr)), target_fmr
        del impostor
    else:
        t, target = threshold, None
    shares = getattr(model, "training_shares", None)
    return GroupEvaluation(threshold=t, target_fmr=target, scores=scores, blocks=blocks,
                           photos=photos, training_shares=None if shares is None else dict(shares),
                           groups_label=_groups_label(groups), seed=int(seed), n_boot=n_boot,
                           confidence=float(confidence), boot_seed=int(boot_seed))


@dataclass(frozen=True, eq=False)
class Pooled(_Summary):
    """Errors pooled over several evaluations (e.g. seeds), each at its own threshold.

    Each evaluation keeps its own threshold and people; errors and pairs are
    added up per group, and the bootstrap resamples people within each
    evaluation and group.

    Attributes
    ----------
    thresholds : list of float
    per_evaluation : list of dict
        Per evaluation: ``{"seed", "threshold", "fmr": {g: ...}, "fnmr": {g: ...}, "ratio"}``.
    """

    _group_counts: dict
    thresholds: list
    per_evaluation: list
    n_boot: int = 1000
    confidence: float = 0.95
    boot_seed: int = 0


@dataclass(frozen=True)
class EvaluationCounts:
    """What :func:`pool` needs from a :class:`GroupEvaluation`, without its scores.

    An evaluation holds every score of its test people (tens of MB); its per-person error
    counts at its threshold are a few kB. Experiments that pool many evaluations keep these
    (:meth:`GroupEvaluation.counts_only`), so memory does not grow with the number of
    matchers.
    """

    _group_counts: dict
    seed: int
    threshold: float
    fmr: object
    fnmr: object
    n_boot: int
    confidence: float


def _ratio(fmr) -> float:
    """FMR_B / FMR_A as :attr:`_Summary.fmr_ratio` estimates it (no bootstrap)."""
    a, b = fmr.by_group["A"], fmr.by_group["B"]
    return float(b / a) if a > 0 else (float("inf") if b > 0 else float("nan"))


def pool(evaluations: Sequence[GroupEvaluation | EvaluationCounts], n_boot: int | None = None,
         confidence: float | None = None, boot_seed: int = 0) -> Pooled:
    """Pool evaluations of several matchers (seeds) of one setting.

    Parameters
    ----------
    evaluations : sequence of GroupEvaluation or EvaluationCounts
        At least one.
    n_boot, confidence : optional
        Default: those of the first evaluation.
    boot_seed : int, default 0

    Returns
    -------
    Pooled
    """
    evaluations = list(evaluations)
    if not evaluations or not all(isinstance(e, GroupEvaluation | EvaluationCounts)
                                  for e in evaluations):
        raise ValueError("evaluations: give at least one GroupEvaluation.")
    counts = {g: [c for e in evaluations for c in e._group_counts[g]] for g in GROUPS}
    per = [{"seed": e.seed, "threshold": e.threshold, "fmr": dict(e.fmr.by_group),
            "fnmr": dict(e.fnmr.by_group), "ratio": _ratio(e.fmr)}
           for e in evaluations]
    return Pooled(_group_counts=counts, thresholds=[e.threshold for e in evaluations],
                  per_evaluation=per,
                  n_boot=(evaluations[0].n_boot if n_boot is None
                          else check_int(n_boot, "n_boot", 1)),
                  confidence=evaluations[0].confidence if confidence is None else confidence,
                  boot_seed=boot_seed)


def per_group_thresholds(evaluation: GroupEvaluation,
                         target_fmr: float | None = None) -> list[dict]:
    """What one threshold per group, each set for the same FMR, costs each group.

    Parameters
    ----------
    evaluation : GroupEvaluation
    target_fmr : float, optional
        Each group's threshold is set where its own same-group FMR is at
        most this. Default: the evaluation's ``target_fmr``.

    Returns
    -------
    list of dict
        One row per group: ``group``, ``global_threshold``, ``global_fmr``,
        ``global_fnmr``, ``own_threshold``, ``own_fmr``, ``own_fnmr`` and
        ``fnmr_change`` (own minus global).
    """
    if not isinstance(evaluation, GroupEvaluation):
        raise ValueError("evaluation: must be a GroupEvaluation.")
    target = evaluation.target_fmr if target_fmr is None else target_fmr
    target = _check_rate(target if target is not None else 0.001, "target_fmr")
    rows = []
    for g, s in evaluation.sorted.items():
        own = float(s.threshold_for_fmr(target))
        t = evaluation.threshold
        rows.append({"group": g, "global_threshold": t, "global_fmr": s.fmr(t),
                     "global_fnmr": s.fnmr(t), "own_threshold": own, "own_fmr": s.fmr(own),
                     "own_fnmr": s.fnmr(own), "fnmr_change": s.fnmr(own) - s.fnmr(t)})
    return rows
