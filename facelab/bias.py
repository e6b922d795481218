"""How bias emerges: train a matcher on a mix of groups, then measure its errors by group.

Chapter 4 asks where demographic differences in a face matcher's errors come
from. This module runs the experiment on synthetic people
(:mod:`facelab.synth`), where the two groups and everything else are known.

The experiment
--------------
1. **Train** (:func:`train_on_composition`). ``n_train`` synthetic people, a
   share ``share_b`` of them from group B and the rest from group A, with
   ``photos`` photos each, train the book's reference Fisherface pipeline:
   PCA to 100 dimensions, then linear discriminant analysis keeping every
   discriminant direction (:class:`facelab.embed.Fisherfaces` with
   ``n_pca=100, n_components=None``), cosine scores on the book's 0-100
   scale. This is the pipeline the synthetic faces were calibrated against
   (:data:`facelab.synth.CALIBRATION`) and with which the two default groups
   were made equally easy to tell apart. Training goes through
   :func:`facelab.replay.train_embedding`, so the trained matcher can be
   used in chapter 3's replay of the ACLU test (:func:`aclu_gallery`,
   :func:`aclu_group_shares`). Chapter 3's own default matcher keeps 300
   PCA and 16 discriminant dimensions instead; with it the gaps have the
   same direction and other sizes (chapter 4's exercise compares them).
2. **Hold people out** (:func:`held_out`). ``n_test_per_group`` other people
   of each group, ``test_photos`` photos each, numbered from
   :data:`EVAL_START` within their group: nobody trained the matcher (those
   are numbered from 0) and nobody is one of chapter 3's probes or gallery
   entries (numbered from 1,000,000 to 103,000,000).
3. **Evaluate** (:func:`evaluate_by_group`). The held-out people are split
   into blocks (600 people of each group by default) and every pair of
   photos within a block is scored with :func:`facelab.metrics.pair_scores`;
   blocks keep the number of pairs proportional to the number of people.
   Each group's FMR is measured on *same-group* non-mated pairs (two
   different people of that group), which is also what NIST reports:
   people of different groups look different and are seldom confused, so
   same-group pairs are where false matches happen. Each group's FNMR is
   measured on its mated pairs. One *global* threshold is set where the
   false match rate over the same-group non-mated pairs of both groups
   together is ``target_fmr`` (0.1 % by default), as an operator who tunes
   a system on a test set that is half A and half B would; so the
   ``overall`` FMR of :func:`facelab.metrics.by_group` is the target, and
   the groups' own FMRs fall either side of it.
4. **Uncertainty.** Pairs that share a person are not independent, so
   intervals come from a bootstrap over *people*, the scheme of
   :func:`facelab.metrics.bootstrap_by_identity`: a pair of two people drawn
   ``a`` and ``b`` times counts ``a * b`` times, a mated pair of a person
   drawn ``a`` times counts ``a`` times. People are resampled within their
   group (and within their seed when results are pooled), so every
   replicate has as many people of each group as the real test; the
   threshold is held fixed. With hundreds of thousands of pairs, repeating
   rows is slow, so the replicates are computed from per-person counts
   instead; ``tests/test_bias.py`` checks that they equal
   ``bootstrap_by_identity``'s replicates for the same seed.

Nothing in this module penalises either group: both groups' photos go
through the same renderer, the same nuisance and the same matcher. Whatever
difference the evaluation finds was learned.
"""

from __future__ import annotations

import math
import numbers
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Callable, Mapping, Sequence

import numpy as np

from . import metrics, replay, synth
from ._validation import check_int, check_seed

__all__ = [
    "GROUPS",
    "EVAL_START",
    "DEFAULT_SHARES",
    "check_share",
    "train_on_composition",
    "held_out",
    "GroupEvaluation",
    "evaluate_by_group",
    "Pooled",
    "pool",
    "composition_sweep",
    "Sweep",
    "CompositionCache",
    "per_group_thresholds",
    "gender_shades_gaps",
    "aclu_gallery",
    "aclu_group_shares",
    "GROUP_STYLE",
    "plot_rates_vs_share",
    "plot_ratio_vs_share",
    "plot_score_histograms",
    "plot_det",
    "plot_impostor_tails",
    "plot_compositions",
    "plot_gender_shades",
    "plot_fmr_bars",
    "explorer",
]

#: The two group names every function here expects (those of
#: :func:`facelab.synth.default_groups` and :func:`facelab.synth.control_groups`).
GROUPS = ("A", "B")

#: First identity index, within each group, of the held-out people.
EVAL_START = 500_000_000

#: Training shares of group B swept by default: B rare, balanced, A rare.
DEFAULT_SHARES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9)

# Reference Fisherface pipeline (synth.CALIBRATION): PCA to 100, LDA keeps all.
_N_PCA = 100


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------

def check_share(share_b, name: str = "share_b") -> float:
    """Return ``share_b`` as a float in [0, 1], or raise ``ValueError`` naming ``name``."""
    if isinstance(share_b, (bool, np.bool_)) or not isinstance(share_b, numbers.Real) \
            or not math.isfinite(share_b) or not 0 <= share_b <= 1:
        raise ValueError(f"{name}: must be a share of group B in [0, 1] "
                         f"(0.1 means 10 % B, 90 % A), got {share_b!r}.")
    return float(share_b)


_check_int = check_int


# the range facelab.replay accepts, so a seed that works here works there
_check_seed = check_seed


def _check_groups(groups) -> dict:
    if groups is None:
        return synth.default_groups()
    if not isinstance(groups, Mapping) or tuple(sorted(groups)) != GROUPS or not all(
            isinstance(g, synth.GroupSpec) and g.name == k for k, g in groups.items()):
        raise ValueError("groups: must be a dict {'A': GroupSpec, 'B': GroupSpec} such as "
                         "facelab.synth.default_groups() or control_groups().")
    return {k: groups[k] for k in GROUPS}


def _groups_key(groups: Mapping) -> tuple:
    """A hashable fingerprint of two group distributions (for caches)."""
    return tuple((k, g.mean.tobytes(), g.std.tobytes()) for k, g in groups.items())


def _groups_label(groups: Mapping) -> str:
    key = _groups_key(groups)
    if key == _groups_key(synth.default_groups()):
        return "default"
    if key == _groups_key(synth.control_groups()):
        return "control"
    return "custom"


def _check_counts(n_per_group) -> dict[str, int]:
    if isinstance(n_per_group, Mapping):
        if tuple(sorted(n_per_group)) != GROUPS:
            raise ValueError(f"n_test_per_group: needs a count for each of {list(GROUPS)}, "
                             f"got {list(n_per_group)}.")
        counts = {g: n_per_group[g] for g in GROUPS}
    else:
        counts = {g: n_per_group for g in GROUPS}
    for g, n in counts.items():
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral):
            raise ValueError(f"n_test_per_group: the count of group {g!r} must be an integer, "
                             f"got {n!r}.")
        if n < 2:
            raise ValueError(f"n_test_per_group: group {g!r} has {n} held-out people; it needs "
                             "at least 2 (an empty group has no error rate, and one person "
                             "has no impostor pairs).")
    return {g: int(n) for g, n in counts.items()}


def _check_rate(p, name: str) -> float:
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, numbers.Real) \
            or not math.isfinite(p) or not 0 < p < 1:
        raise ValueError(f"{name}: must be a rate in (0, 1), e.g. 0.001 for 0.1 %, got {p!r}.")
    return float(p)


def _check_threshold(threshold) -> float:
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, numbers.Real) \
            or not math.isfinite(threshold) or not 0 <= threshold <= 100:
        raise ValueError(f"threshold: must be a number in [0, 100] on the book's scale, "
                         f"got {threshold!r}.")
    return float(threshold)


# --------------------------------------------------------------------------
# Training and held-out people
# --------------------------------------------------------------------------

def train_on_composition(share_b: float, n_train: int = 200, photos: int = 5, seed: int = 0,
                         groups=None) -> replay.SyntheticEmbedding:
    """Train the reference Fisherface matcher on a given mix of groups A and B.

    Parameters
    ----------
    share_b : float in [0, 1]
        Share of group B among the training people (0.1: 10 % B, 90 % A).
    n_train : int, default 200
        Training people, >= 2, split by ``share_b`` (largest remainder).
    photos : int, default 5
        Photos of each training person, >= 2.
    seed : int, default 0
        Seed of the synthetic world (in [0, 2**32)).
    groups : dict, optional
        ``{"A": GroupSpec, "B": GroupSpec}``; default
        :func:`facelab.synth.default_groups`. :func:`facelab.synth.control_groups`
        is the control: one distribution for both.

    Returns
    -------
    facelab.replay.SyntheticEmbedding
        The fitted matcher: PCA to 100 dimensions, then LDA keeping every
        discriminant direction (at most ``n_train - 1``); ``.model`` is the
        :class:`facelab.embed.Fisherfaces`, ``.transform`` embeds photos.
        The training people are people ``0, 1, ...`` of each group, so the
        B people of a 10 % run are also in the 25 % run.
    """
    share_b = check_share(share_b)
    n_train = _check_int(n_train, "n_train", 2)
    photos = _check_int(photos, "photos", 2)
    groups = _check_groups(groups)
    return replay.train_embedding(seed=seed, n_people=n_train,
                                  shares={"A": 1.0 - share_b, "B": share_b},
                                  photos_per_person=photos, n_pca=_N_PCA, n_components=None,
                                  groups=groups)


@dataclass(frozen=True, eq=False)
class HeldOut:
    """Held-out people of both groups, photos identity-major, group A first.

    Attributes
    ----------
    pixels : ndarray of shape (n_photos, 64, 64), uint8
        The photos as the camera quantised them (8-bit levels); kept this
        way to take a quarter of the memory. :attr:`images` gives floats.
    person : ndarray of shape (n_photos,), int
        Person number, unique across groups (A's first).
    group : ndarray of shape (n_photos,), str
    n_people : dict of str -> int
    photos : int
        Photos of each person.
    """

    pixels: np.ndarray
    person: np.ndarray
    group: np.ndarray
    n_people: dict
    photos: int

    @property
    def images(self) -> np.ndarray:
        """The photos in [0, 1], float32, exactly as :mod:`facelab.synth` rendered them."""
        return self.pixels / np.float32(255)


@lru_cache(maxsize=3)
def _held_out(counts: tuple, photos: int, seed: int, key: tuple) -> HeldOut:
    groups = {k: synth.GroupSpec(k, np.frombuffer(m), np.frombuffer(s)) for k, m, s in key}
    pixels, person, group = [], [], []
    offset = 0
    for g, n in counts:
        for faces in synth.stream_faces(n, groups[g], seed=seed, photos_per_identity=photos,
                                        chunk_size=1000, start=EVAL_START):
            # synth quantises to 8 bits: level / 255 in float32, so this is exact
            pixels.append(np.rint(faces.images * 255).astype(np.uint8))
            person.append(offset + faces.target - EVAL_START)
            group.append(faces.group)
        offset += n
    out = HeldOut(pixels=np.concatenate(pixels), person=np.concatenate(person),
                  group=np.concatenate(group), n_people=dict(counts), photos=photos)
    for a in (out.pixels, out.person, out.group):
        a.setflags(write=False)
    return out


def held_out(n_per_group=2400, photos: int = 2, seed: int = 0, groups=None) -> HeldOut:
    """Photograph held-out people of both groups (cached: the last three sets).

    They are people ``EVAL_START, EVAL_START + 1, ...`` of each group: never
    a training person and never one of chapter 3's probes or galleries.

    Parameters
    ----------
    n_per_group : int or dict of str -> int, default 2400
        People of each group, >= 2 each.
    photos : int, default 2
        Photos of each person, >= 2 (so that everyone has a mated pair).
    seed : int, default 0
    groups : dict, optional
        As for :func:`train_on_composition`.

    Returns
    -------
    HeldOut
    """
    counts = _check_counts(n_per_group)
    photos = _check_int(photos, "photos", 2)
    seed = _check_seed(seed)
    groups = _check_groups(groups)
    return _held_out(tuple(counts.items()), photos, seed, _groups_key(groups))


# --------------------------------------------------------------------------
# Per-person error counts and the bootstrap over people
# --------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _pair_layout(n_people: int, photos: int):
    """Person of each photo of every pair (i < j) of one group's photos, and mated."""
    i, j = np.triu_indices(n_people * photos, k=1)
    pi, pj = (i // photos).astype(np.int32), (j // photos).astype(np.int32)
    mated = pi == pj
    for a in (pi, pj, mated):
        a.setflags(write=False)
    return pi, pj, mated


@dataclass(frozen=True)
class _Counts:
    """Errors of one group of one evaluation at one threshold, per person.

    ``imp_p, imp_q, imp_e``: the pairs of different people (p < q) with at
    least one false match, and how many of their photo pairs matched.
    ``gen_e``: false non-matches of each person's mated pairs. Every pair of
    different people has ``photos**2`` photo pairs, every person
    ``photos * (photos - 1) / 2`` mated pairs.
    """

    n_people: int
    photos: int
    imp_p: np.ndarray
    imp_q: np.ndarray
    imp_e: np.ndarray
    gen_e: np.ndarray

    @property
    def fm(self) -> int:
        return int(self.imp_e.sum())

    @property
    def fnm(self) -> int:
        return int(self.gen_e.sum())

    @property
    def n_impostor(self) -> int:
        return self.photos ** 2 * self.n_people * (self.n_people - 1) // 2

    @property
    def n_genuine(self) -> int:
        return self.n_people * self.photos * (self.photos - 1) // 2


def _counts(scores: np.ndarray, n_people: int, photos: int, threshold: float) -> _Counts:
    pi, pj, mated = _pair_layout(n_people, photos)
    fm = ~mated & (scores >= threshold)
    codes = pi[fm].astype(np.int64) * n_people + pj[fm]
    u, e = np.unique(codes, return_counts=True)
    fnm = mated & (scores < threshold)
    return _Counts(n_people=n_people, photos=photos, imp_p=(u // n_people).astype(np.int64),
                   imp_q=(u % n_people).astype(np.int64), imp_e=e.astype(np.float64),
                   gen_e=np.bincount(pi[fnm], minlength=n_people).astype(np.float64))


def _draws(n_people: int, n_boot: int, seed: int) -> np.ndarray:
    """How often each person is drawn in each replicate, (n_boot, n_people).

    The same random numbers, in the same order, as
    :func:`facelab.metrics.bootstrap_by_identity` with this ``seed`` when
    the people are numbered 0 .. n_people - 1.
    """
    rng = np.random.default_rng(seed)
    w = np.empty((n_boot, n_people))
    for b in range(n_boot):  # one call per replicate, as bootstrap_by_identity
        w[b] = np.bincount(rng.integers(0, n_people, n_people), minlength=n_people)
    return w


def _replicates(counts: Sequence[_Counts], n_boot: int, seeds: Sequence[int]):
    """Bootstrap replicates of pooled FMR and FNMR over several ``_Counts``.

    Each ``_Counts`` resamples its own people with its own seed (a
    stratified bootstrap); errors and pairs are summed before dividing.
    """
    e_imp, d_imp = np.zeros(n_boot), np.zeros(n_boot)
    e_gen, d_gen = np.zeros(n_boot), np.zeros(n_boot)
    for c, seed in zip(counts, seeds):
        w = _draws(c.n_people, n_boot, seed)
        k = c.photos
        e_imp += (w[:, c.imp_p] * w[:, c.imp_q]) @ c.imp_e
        s = w.sum(axis=1)
        # pairs of different people, each drawn a and b times, count a * b times
        d_imp += k * k * (s * s - (w * w).sum(axis=1)) / 2
        e_gen += w @ c.gen_e
        d_gen += s * k * (k - 1) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return e_imp / d_imp, e_gen / d_gen


def _interval(estimate: float, reps: np.ndarray, confidence: float) -> metrics.BootstrapResult:
    tail = (1 - confidence) / 2
    finite = reps[~np.isnan(reps)]
    low, high = np.quantile(finite, [tail, 1 - tail]) if finite.size else (np.nan, np.nan)
    return metrics.BootstrapResult(estimate=float(estimate), low=float(low), high=float(high),
                                   confidence=float(confidence), replicates=reps)


def _pooled_rate(errors, pairs):
    """Errors over pairs, summed over rows (the metric :func:`by_group` slices)."""
    return float(np.sum(errors) / np.sum(pairs))


class _Summary:
    """Per-group FMR and FNMR with intervals, from per-person error counts.

    Subclasses provide ``_group_counts`` (group -> list of ``_Counts``),
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
    def fmr(self) -> metrics.GroupMetric:
        """False match rate over same-group non-mated pairs: overall and by group."""
        labels, errors, pairs = self._rows("fmr")
        return metrics.by_group(_pooled_rate, errors, pairs, groups=labels)

    @cached_property
    def fnmr(self) -> metrics.GroupMetric:
        """False non-match rate over mated pairs: overall and by group."""
        labels, errors, pairs = self._rows("fnmr")
        return metrics.by_group(_pooled_rate, errors, pairs, groups=labels)

    @cached_property
    def _boot(self) -> dict:
        out = {}
        for gi, (g, cs) in enumerate(self._group_counts.items()):
            seeds = [self.boot_seed + 100 * gi + k for k in range(len(cs))]
            out[g] = _replicates(cs, self.n_boot, seeds)
        return out

    @cached_property
    def fmr_ci(self) -> dict[str, metrics.BootstrapResult]:
        """Each group's FMR with a bootstrap interval over people."""
        return {g: _interval(self.fmr.by_group[g], self._boot[g][0], self.confidence)
                for g in self._group_counts}

    @cached_property
    def fnmr_ci(self) -> dict[str, metrics.BootstrapResult]:
        """Each group's FNMR with a bootstrap interval over people."""
        return {g: _interval(self.fnmr.by_group[g], self._boot[g][1], self.confidence)
                for g in self._group_counts}

    @cached_property
    def fmr_ratio(self) -> metrics.BootstrapResult:
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


# --------------------------------------------------------------------------
# One evaluation
# --------------------------------------------------------------------------

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
        for s, n in zip(self.scores[g], self.blocks[g]):
            pi, pj, mated = _pair_layout(n, self.photos)
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
    def sorted(self) -> dict[str, metrics.SortedScores]:
        """Group -> :class:`facelab.metrics.SortedScores`, for instant queries."""
        return {g: metrics.SortedScores(self.genuine(g), self.impostor(g)) for g in GROUPS}

    # -- rates ---------------------------------------------------------------
    @cached_property
    def _group_counts(self) -> dict:
        return {g: [_counts(s, n, self.photos, self.threshold)
                    for s, n in zip(self.scores[g], self.blocks[g])] for g in GROUPS}

    def rates_at(self, threshold: float) -> dict[str, dict[str, float]]:
        """FMR and FNMR of each group at another threshold (microseconds).

        Returns
        -------
        dict
            ``{group: {"fmr": ..., "fnmr": ...}}``.
        """
        t = _check_threshold(threshold)
        return {g: {"fmr": s.fmr(t), "fnmr": s.fnmr(t)} for g, s in self.sorted.items()}

    def at_threshold(self, threshold: float) -> "GroupEvaluation":
        """The same scores judged at another global threshold."""
        t = _check_threshold(threshold)
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


def evaluate_by_group(model, n_test_per_group=2400, photos: int = 2, seed: int = 0,
                      groups=None, threshold: float | None = None, target_fmr: float = 0.001,
                      block: int = 600, n_boot: int = 1000, confidence: float = 0.95,
                      boot_seed: int = 0) -> GroupEvaluation:
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

    Returns
    -------
    GroupEvaluation
    """
    if not hasattr(model, "transform"):
        raise ValueError(f"model: must be a fitted embedding with a transform() method, "
                         f"got {type(model).__name__}.")
    groups = _check_groups(groups)
    counts = _check_counts(n_test_per_group)
    block = _check_int(block, "block", 2)
    blocks = _split_blocks(counts, block)
    target_fmr = _check_rate(target_fmr, "target_fmr")
    if threshold is not None:
        threshold = _check_threshold(threshold)
    n_boot = _check_int(n_boot, "n_boot", 1)
    if not 0 < confidence < 1:
        raise ValueError(f"confidence: must be in (0, 1), got {confidence!r}.")
    faces = held_out(counts, photos, seed, groups)
    images = faces.images
    emb = model.transform(images.reshape(len(images), -1))
    del images
    first = {"A": 0, "B": counts["A"]}  # first person of each group
    scores = {g: [] for g in GROUPS}
    done = {g: 0 for g in GROUPS}
    for k in range(len(blocks["A"])):
        rows = np.concatenate([
            np.arange((first[g] + done[g]) * photos, (first[g] + done[g] + blocks[g][k]) * photos)
            for g in GROUPS])
        pairs = metrics.pair_scores(emb[rows], faces.person[rows], groups=faces.group[rows],
                                    return_pairs=True)
        for g in GROUPS:
            s = pairs.score[pairs.same_group & (pairs.group_i == g)]
            s.setflags(write=False)
            scores[g].append(s)
            done[g] += blocks[g][k]
        del pairs
    if threshold is None:
        impostor = np.concatenate([s[~_pair_layout(n, photos)[2]] for g in GROUPS
                                   for s, n in zip(scores[g], blocks[g])])
        t, target = float(metrics.threshold_for_fmr(impostor, target_fmr)), target_fmr
        del impostor
    else:
        t, target = threshold, None
    shares = getattr(model, "training_shares", None)
    return GroupEvaluation(threshold=t, target_fmr=target, scores=scores, blocks=blocks,
                           photos=photos, training_shares=None if shares is None else dict(shares),
                           groups_label=_groups_label(groups), seed=int(seed), n_boot=n_boot,
                           confidence=float(confidence), boot_seed=int(boot_seed))


# --------------------------------------------------------------------------
# Several evaluations pooled, and the composition sweep
# --------------------------------------------------------------------------

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


def pool(evaluations: Sequence[GroupEvaluation], n_boot: int | None = None,
         confidence: float | None = None, boot_seed: int = 0) -> Pooled:
    """Pool evaluations of several matchers (seeds) of one setting.

    Parameters
    ----------
    evaluations : sequence of GroupEvaluation
        At least one.
    n_boot, confidence : optional
        Default: those of the first evaluation.
    boot_seed : int, default 0

    Returns
    -------
    Pooled
    """
    evaluations = list(evaluations)
    if not evaluations or not all(isinstance(e, GroupEvaluation) for e in evaluations):
        raise ValueError("evaluations: give at least one GroupEvaluation.")
    counts = {g: [c for e in evaluations for c in e._group_counts[g]] for g in GROUPS}
    per = [{"seed": e.seed, "threshold": e.threshold, "fmr": dict(e.fmr.by_group),
            "fnmr": dict(e.fnmr.by_group), "ratio": float(e.fmr_ratio.estimate)}
           for e in evaluations]
    return Pooled(_group_counts=counts, thresholds=[e.threshold for e in evaluations],
                  per_evaluation=per,
                  n_boot=(evaluations[0].n_boot if n_boot is None
                          else _check_int(n_boot, "n_boot", 1)),
                  confidence=evaluations[0].confidence if confidence is None else confidence,
                  boot_seed=boot_seed)


class CompositionCache:
    """Trained matchers and their evaluations, each computed once.

    Matchers are kept per (share of B, seed, groups, training size); the
    most recent ``max_evaluations`` evaluations are kept too (each holds
    about 50 MB of scores at the default test size). The explorer and
    :func:`composition_sweep` share one.

    Parameters
    ----------
    n_train, photos : int
        Training size (see :func:`train_on_composition`).
    n_test_per_group, test_photos : int
        Held-out size (see :func:`evaluate_by_group`).
    target_fmr : float
        Overall FMR of the global threshold.
    n_boot : int
        Bootstrap replicates.
    max_evaluations : int, default 4
    """

    def __init__(self, n_train: int = 200, photos: int = 5, n_test_per_group=2400,
                 test_photos: int = 2, target_fmr: float = 0.001, n_boot: int = 1000,
                 max_evaluations: int = 4):
        self.n_train = _check_int(n_train, "n_train", 2)
        self.photos = _check_int(photos, "photos", 2)
        self.n_test_per_group = _check_counts(n_test_per_group)
        self.test_photos = _check_int(test_photos, "test_photos", 2)
        self.target_fmr = _check_rate(target_fmr, "target_fmr")
        self.n_boot = _check_int(n_boot, "n_boot", 1)
        self.max_evaluations = _check_int(max_evaluations, "max_evaluations", 0)
        self._models: dict = {}
        self._evaluations: OrderedDict = OrderedDict()
        self.seconds = {"train": 0.0, "evaluate": 0.0}

    def _key(self, share_b, seed, groups):
        return (round(check_share(share_b), 9), int(seed), _groups_key(_check_groups(groups)))

    def __contains__(self, item) -> bool:
        share_b, seed, groups = item
        return self._key(share_b, seed, groups) in self._models

    def has_evaluation(self, share_b: float, seed: int = 0, groups=None) -> bool:
        """Whether the evaluation at this composition is kept (no work to show it)."""
        return self._key(share_b, seed, groups) in self._evaluations

    def model(self, share_b: float, seed: int = 0, groups=None) -> replay.SyntheticEmbedding:
        """The matcher trained at this composition (trained on first use)."""
        key = self._key(share_b, seed, groups)
        if key not in self._models:
            t0 = time.perf_counter()
            self._models[key] = train_on_composition(share_b, self.n_train, self.photos, seed,
                                                     groups)
            self.seconds["train"] += time.perf_counter() - t0
        return self._models[key]

    def evaluation(self, share_b: float, seed: int = 0, groups=None) -> GroupEvaluation:
        """The matcher's evaluation at the global threshold (computed on first use)."""
        key = self._key(share_b, seed, groups)
        if key in self._evaluations:
            self._evaluations.move_to_end(key)
            return self._evaluations[key]
        model = self.model(share_b, seed, groups)
        t0 = time.perf_counter()
        ev = evaluate_by_group(model, self.n_test_per_group, self.test_photos, seed, groups,
                               target_fmr=self.target_fmr, n_boot=self.n_boot)
        self.seconds["evaluate"] += time.perf_counter() - t0
        if self.max_evaluations:
            self._evaluations[key] = ev
            while len(self._evaluations) > self.max_evaluations:
                self._evaluations.popitem(last=False)
        return ev


@dataclass(frozen=True, eq=False)
class Sweep:
    """Result of :func:`composition_sweep`.

    Attributes
    ----------
    shares : tuple of float
        Training shares of group B.
    seeds : tuple of int
    groups_label : str
    results : dict of float -> Pooled
        Share -> errors pooled over seeds.
    seconds : float
    """

    shares: tuple
    seeds: tuple
    groups_label: str
    results: dict
    seconds: float

    def table(self) -> list[dict]:
        """One row per share: FMR and FNMR by group and FMR_B / FMR_A, with intervals."""
        rows = []
        for share, p in self.results.items():
            r = p.fmr_ratio
            rows.append({
                "groups": self.groups_label, "share_b": share,
                "fmr_a": p.fmr.by_group["A"], "fmr_b": p.fmr.by_group["B"],
                "ratio": r.estimate, "ratio_low": r.low, "ratio_high": r.high,
                "fnmr_a": p.fnmr.by_group["A"], "fnmr_b": p.fnmr.by_group["B"],
                "per_seed_ratio": [e["ratio"] for e in p.per_evaluation],
            })
        return rows


def composition_sweep(shares: Sequence[float] = DEFAULT_SHARES, groups=None,
                      seeds: Sequence[int] = (0, 1, 2), cache: CompositionCache | None = None,
                      progress: Callable[[int, int], None] | None = None) -> Sweep:
    """Train and evaluate at each training share of group B, for several seeds.

    Each seed is a different synthetic world: other training people, other
    held-out people, its own matcher and its own global threshold. Errors
    are pooled over seeds (:func:`pool`).

    Parameters
    ----------
    shares : sequence of float in [0, 1]
        Training shares of group B.
    groups : dict, optional
        Default :func:`facelab.synth.default_groups`; pass
        :func:`facelab.synth.control_groups` for the control.
    seeds : sequence of int, default (0, 1, 2)
    cache : CompositionCache, optional
        Where matchers are kept (a fresh default one if omitted).
    progress : callable(done, total), optional

    Returns
    -------
    Sweep
    """
    shares = tuple(check_share(s, "shares") for s in shares)
    if not shares:
        raise ValueError("shares: give at least one training share of group B.")
    seeds = tuple(int(s) for s in seeds)
    if not seeds:
        raise ValueError("seeds: give at least one seed.")
    groups = _check_groups(groups)
    cache = CompositionCache() if cache is None else cache
    t0 = time.perf_counter()
    found = {s: [] for s in shares}
    done, total = 0, len(shares) * len(seeds)
    for seed in seeds:  # seed outermost: each seed's held-out photos are made once
        for share in shares:
            ev = cache.evaluation(share, seed, groups)
            ev._group_counts  # noqa: B018 (computed now; the scores may then be dropped)
            found[share].append(ev)
            done += 1
            if progress is not None:
                progress(done, total)
    results = {s: pool(evs, n_boot=cache.n_boot) for s, evs in found.items()}
    return Sweep(shares=shares, seeds=seeds, groups_label=_groups_label(groups),
                 results=results, seconds=time.perf_counter() - t0)


# --------------------------------------------------------------------------
# One threshold per group
# --------------------------------------------------------------------------

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


# --------------------------------------------------------------------------
# Gender Shades: the published table, its gaps computed
# --------------------------------------------------------------------------

def gender_shades_gaps(rows=None) -> list[dict]:
    """Per vendor: error on darker-skinned women vs lighter-skinned men.

    Parameters
    ----------
    rows : list of dict, optional
        Rows ``vendor, subgroup, error_pct``; default
        ``read_csv("gender_shades.csv")``.

    Returns
    -------
    list of dict
        One row per vendor, in file order: ``vendor``, ``by_subgroup`` (the
        four error rates, %), ``darker_female``, ``lighter_male``,
        ``difference`` (percentage points), ``ratio`` (``inf`` where lighter
        men had no errors), ``worst`` and ``best`` subgroup.
    """
    from .datasets import read_csv

    rows = read_csv("gender_shades.csv") if rows is None else rows
    if not rows:
        raise ValueError("rows: the Gender Shades table is empty.")
    vendor = np.array([r["vendor"] for r in rows])
    subgroup = np.array([r["subgroup"] for r in rows])
    error = np.array([float(r["error_pct"]) for r in rows])
    out = []
    for v in dict.fromkeys(vendor.tolist()):
        sel = vendor == v
        m = metrics.by_group(np.mean, error[sel], groups=subgroup[sel])
        missing = {"darker_female", "lighter_male"} - set(m.by_group)
        if missing:
            raise ValueError(f"rows: vendor {v!r} has no row for {sorted(missing)}.")
        df, lm = float(m.by_group["darker_female"]), float(m.by_group["lighter_male"])
        out.append({"vendor": v, "by_subgroup": {k: float(x) for k, x in m.by_group.items()},
                    "darker_female": df, "lighter_male": lm, "difference": df - lm,
                    "ratio": df / lm if lm > 0 else math.inf,
                    "worst": max(m.by_group, key=m.by_group.get),
                    "best": min(m.by_group, key=m.by_group.get)})
    return out


# --------------------------------------------------------------------------
# Chapter 3's ACLU replay with a matcher trained on a given mix
# --------------------------------------------------------------------------

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
    rates : metrics.GroupMetric
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
    rates: metrics.GroupMetric

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
    n = _check_int(n_false_matches, "n_false_matches", 1)
    if n > result.n_probes:
        raise ValueError(f"n_false_matches: at most the {result.n_probes} probes, got {n}.")
    cols = np.zeros(result.gallery_size, dtype=bool)
    for g, c in counts.items():
        cols |= (result.gallery_group == g) & (rank < c)
    best = result.scores[:, cols].max(axis=1).astype(np.float64)
    t = float(np.sort(best)[-n])
    hit = best >= t
    group = result.probe_group
    rates = metrics.by_group(np.mean, hit.astype(float), groups=group)
    found = {g: int(rates.by_group[g] * rates.sizes[g] + 0.5) for g in GROUPS}
    total = sum(found.values())
    return AcluShares(gallery_counts=counts, n_false_matches=n, threshold=t, max_score=best,
                      probe_group=group, counts=found,
                      shares={g: c / total for g, c in found.items()},
                      probe_shares={g: rates.sizes[g] / group.size for g in GROUPS}, rates=rates)


# --------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------

#: How the two groups are drawn in every figure of chapter 4: colour (Okabe-Ito
#: green and orange, not the blue and vermillion of genuine and impostor
#: scores), marker and line style all differ.
GROUP_STYLE = {
    "A": dict(color="#009E73", marker="o", linestyle="-", label="group A"),
    "B": dict(color="#E69F00", marker="s", linestyle="--", label="group B"),
}


def _percent_axis(ax, axis: str = "y"):
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _: f"{v * 100:.3g}%")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def plot_rates_vs_share(sweep: Sweep, ax=None, rate: str = "fmr", label_groups: bool = True):
    """A rate of each group against the training share of B, with intervals.

    Parameters
    ----------
    sweep : Sweep
    ax : Axes, optional
    rate : {"fmr", "fnmr"}
    label_groups : bool
        Label each line at its right end (instead of a legend).

    Returns
    -------
    Axes
    """
    import matplotlib.pyplot as plt

    if rate not in ("fmr", "fnmr"):
        raise ValueError(f"rate: must be 'fmr' or 'fnmr', got {rate!r}.")
    if ax is None:
        _, ax = plt.subplots()
    x = np.array(sweep.shares) * 100
    for g in GROUPS:
        st = GROUP_STYLE[g]
        ci = [getattr(p, f"{rate}_ci")[g] for p in sweep.results.values()]
        y = np.array([c.estimate for c in ci])
        err = np.array([[c.estimate - c.low for c in ci], [c.high - c.estimate for c in ci]])
        ax.errorbar(x, y, yerr=err, color=st["color"], marker=st["marker"],
                    linestyle=st["linestyle"], capsize=3, linewidth=2, markersize=7)
        if label_groups:
            ax.annotate(st["label"], (x[-1], y[-1]), xytext=(8, 0), textcoords="offset points",
                        color="black", va="center", fontweight="bold", annotation_clip=False)
    ax.set_xlabel("share of group B among the training people (%)")
    ax.set_ylabel("false match rate" if rate == "fmr" else "false non-match rate")
    if rate == "fmr":
        from matplotlib.ticker import LogLocator, NullFormatter

        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1, 2, 5)))
        ax.yaxis.set_minor_formatter(NullFormatter())
    _percent_axis(ax)
    ax.set_xlim(0, 100)
    return ax


def plot_ratio_vs_share(sweeps: Sequence[Sweep], ax=None):
    """FMR_B / FMR_A against the training share of B (log scale), with intervals.

    One line per sweep (e.g. the default groups and the control), each
    seed's own ratio as a small dot behind the pooled estimate.

    Returns
    -------
    Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    styles = {"default": dict(color="#000000", marker="o", linestyle="-"),
              "control": dict(color="#56B4E9", marker="^", linestyle=":"),
              "custom": dict(color="#CC79A7", marker="D", linestyle="-.")}
    for k, sw in enumerate(sweeps):
        st = styles.get(sw.groups_label, styles["custom"])
        x = np.array(sw.shares) * 100 + (k - (len(sweeps) - 1) / 2) * 1.2  # dodge
        r = [p.fmr_ratio for p in sw.results.values()]
        y = np.array([c.estimate for c in r])
        err = np.array([[c.estimate - c.low for c in r], [c.high - c.estimate for c in r]])
        for xi, p in zip(x, sw.results.values()):
            ax.scatter(np.full(len(p.per_evaluation), xi), [e["ratio"] for e in p.per_evaluation],
                       s=14, color=st["color"], alpha=0.45, marker=st["marker"], zorder=1)
        ax.errorbar(x, y, yerr=err, capsize=3, linewidth=2, markersize=7, zorder=2, **st)
        name = "default groups" if sw.groups_label == "default" else \
            "control (one distribution)" if sw.groups_label == "control" else sw.groups_label
        ax.annotate(name, (x[-1], y[-1]), xytext=(8, 0), textcoords="offset points",
                    color="black", va="center", fontweight="bold", annotation_clip=False)
    ax.axhline(1, color="#777777", linewidth=1)
    ax.set_yscale("log")
    from matplotlib.ticker import FuncFormatter, LogLocator

    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1, 2, 5)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    ax.set_xlabel("share of group B among the training people (%)")
    ax.set_ylabel("FMR of B / FMR of A (log scale)")
    ax.set_xlim(0, 100)
    return ax


def plot_score_histograms(evaluation: GroupEvaluation, axes=None, threshold: float | None = None,
                          bins=None, log: bool = False):
    """Each group's genuine and impostor scores, one panel per group.

    Parameters
    ----------
    evaluation : GroupEvaluation
    axes : two Axes, optional
    threshold : float, optional
        Default: the evaluation's global threshold.
    bins : sequence, optional
        Default: 1-point bins from 0 to 100.
    log : bool, default False
        Log-scaled share axis (to see the impostor tail; see also
        :func:`plot_impostor_tails`).

    Returns
    -------
    array of two Axes
        Each titled with the group's FMR and FNMR at the threshold.
    """
    import matplotlib.pyplot as plt

    from .plotting import GENUINE, IMPOSTOR

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9.5, 3.8), sharey=True)
    t = evaluation.threshold if threshold is None else _check_threshold(threshold)
    bins = np.arange(0, 101, 1.0) if bins is None else bins
    top = 0.0
    for ax, g in zip(np.ravel(axes), GROUPS):
        for scores, spec in ((evaluation.impostor(g), IMPOSTOR), (evaluation.genuine(g), GENUINE)):
            h, edges = np.histogram(scores, bins=bins)
            share = h / scores.size
            top = max(top, float(share.max()))
            ax.stairs(share, edges, fill=True, alpha=0.25, color=spec["color"], hatch=spec["hatch"])
            ax.stairs(share, edges, color=spec["color"], linestyle=spec["linestyle"], linewidth=1.6,
                      label=f"{spec['label'].split(' (')[0]}, n = {scores.size:,}")
        r = evaluation.rates_at(t)[g]
        ax.axvline(t, color="black", linestyle=":", linewidth=2)
        ax.annotate(f"threshold\n{t:.1f}", (t, 1), xycoords=("data", "axes fraction"),
                    xytext=(-4, -4), textcoords="offset points", ha="right", va="top", fontsize=9)
        ax.set_title(f"group {g}: FMR {r['fmr']:.2%}, FNMR {r['fnmr']:.0%}")
        ax.set_xlabel("similarity score (book scale, 0 to 100)")
        ax.set_xlim(bins[0], bins[-1])
        if log:
            ax.set_yscale("log")
            ax.set_ylim(1e-6, 0.2)
    first = np.ravel(axes)[0]
    if not log:  # headroom above the humps for the threshold's label
        for ax in np.ravel(axes):
            ax.set_ylim(0, top * 1.3)
    first.set_ylabel("share of pairs per score point")
    first.legend(loc="upper left", fontsize=9)
    return axes


def plot_det(evaluation: GroupEvaluation, ax=None, mark_threshold: bool = True,
             title: str | None = None, fmr_ticks=(1e-5, 1e-4, 1e-3, 1e-2, 0.1, 0.5)):
    """Each group's DET curve on normal-deviate axes, the global threshold marked.

    Parameters
    ----------
    evaluation : GroupEvaluation
    ax : Axes, optional
    mark_threshold : bool, default True
        Mark each group's operating point at the global threshold.
    title : str, optional
    fmr_ticks : sequence of float
        Where to label the false match rate axis.

    Returns
    -------
    Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(4.8, 4.4))
    for g in GROUPS:
        st = GROUP_STYLE[g]
        fm, fnm, _ = evaluation.det(g)
        keep = (fm > 0) & (fnm > 0) & (fm < 1) & (fnm < 1)
        ax.plot(metrics.probit(fm[keep]), metrics.probit(fnm[keep]), color=st["color"],
                linestyle=st["linestyle"], linewidth=2, label=st["label"])
        if mark_threshold:
            r = evaluation.rates_at(evaluation.threshold)[g]
            ax.plot(metrics.probit(max(r["fmr"], 1e-6)), metrics.probit(r["fnmr"]),
                    marker=st["marker"], color=st["color"], markersize=9, linestyle="none",
                    markeredgecolor="black")
    ticks = np.asarray(fmr_ticks, dtype=float)
    ax.set_xticks(metrics.probit(ticks), [f"{v * 100:g}%" for v in ticks], fontsize=9)
    yt = np.array([0.05, 0.1, 0.2, 0.5, 0.8, 0.95, 0.99])
    ax.set_yticks(metrics.probit(yt), [f"{v:.0%}" for v in yt], fontsize=9)
    ax.set_xlim(metrics.probit(5e-6), metrics.probit(0.5))
    ax.set_ylim(metrics.probit(0.03), metrics.probit(0.995))
    ax.set_xlabel("false match rate (normal-deviate scale)")
    ax.set_ylabel("false non-match rate (normal-deviate scale)")
    ax.grid(color="#eeeeee")
    ax.legend(loc="lower left", fontsize=9)
    if title:
        ax.set_title(title)
    return ax


def plot_impostor_tails(evaluation: GroupEvaluation, ax=None, bins=None, title: str | None = None):
    """Both groups' same-group impostor scores on one log-scaled axis, with the threshold.

    Where the false matches are: everything right of the threshold line.

    Returns
    -------
    Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.6))
    bins = np.arange(0, 100.5, 0.5) if bins is None else bins
    t = evaluation.threshold
    for g in GROUPS:
        st = GROUP_STYLE[g]
        scores = evaluation.impostor(g)
        h, edges = np.histogram(scores, bins=bins)
        ax.stairs(h / scores.size, edges, color=st["color"], linestyle=st["linestyle"],
                  linewidth=2, label=f"{st['label']}: FMR {np.mean(scores >= t):.2%}")
    ax.axvline(t, color="black", linestyle=":", linewidth=2)
    ax.annotate(f"threshold {t:.1f}", (t, 1), xycoords=("data", "axes fraction"),
                xytext=(-4, -4), textcoords="offset points", ha="right", va="top", fontsize=9)
    ax.set_yscale("log")
    ax.set_ylim(1e-7, 0.2)
    ax.set_xlim(bins[0], bins[-1])
    ax.set_xlabel("impostor score (book scale)")
    ax.set_ylabel("share of impostor pairs per half point")
    ax.legend(loc="upper left", fontsize=9)
    if title:
        ax.set_title(title)
    return ax


def plot_compositions(panels: Mapping[str, GroupEvaluation], figsize=(11, 7.6)):
    """Impostor tails (top row) and DET curves (bottom row), one column per matcher.

    Parameters
    ----------
    panels : dict of title -> GroupEvaluation
        Two or three evaluations, e.g. different training mixes and a control.

    Returns
    -------
    Figure
    """
    import matplotlib.pyplot as plt

    if not 1 <= len(panels) <= 4:
        raise ValueError(f"panels: give one to four evaluations, got {len(panels)}.")
    # A wide figure is shrunk to the page's width: larger type keeps it legible.
    with plt.rc_context({"font.size": 13, "axes.titlesize": 14, "xtick.labelsize": 11,
                         "ytick.labelsize": 11, "legend.fontsize": 11}):
        fig, axes = plt.subplots(2, len(panels), figsize=figsize, squeeze=False)
        for k, (title, e) in enumerate(panels.items()):
            plot_impostor_tails(e, ax=axes[0, k], title=title)
            plot_det(e, ax=axes[1, k], fmr_ticks=(1e-5, 1e-3, 0.1))
            axes[0, k].legend(loc="lower center", fontsize=11, handlelength=1.8)
            axes[1, k].legend(loc="upper right", fontsize=11, handlelength=1.8)
            for ax in axes[:, k]:
                if k:
                    ax.set_ylabel("")
            axes[0, k].set_yticks([1e-6, 1e-4, 1e-2])
            axes[1, k].set_xlabel("false match rate")
            axes[1, k].tick_params(axis="both", labelsize=10)
        axes[0, 0].set_ylabel("share of impostor pairs\nper half point (log scale)")
        axes[1, 0].set_ylabel("false non-match rate\n(normal-deviate scale)")
        fig.tight_layout()
    return fig


def plot_gender_shades(gaps: Sequence[dict], ax=None):
    """The Gender Shades error table: one group of bars per vendor.

    Parameters
    ----------
    gaps : list of dict
        From :func:`gender_shades_gaps`.

    Returns
    -------
    Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    subgroups = [("darker_female", "darker-skinned women", "#D55E00", "//"),
                 ("darker_male", "darker-skinned men", "#CC79A7", "\\\\"),
                 ("lighter_female", "lighter-skinned women", "#56B4E9", ".."),
                 ("lighter_male", "lighter-skinned men", "#0072B2", "")]
    width = 0.2
    x = np.arange(len(gaps))
    for k, (key, label, colour, hatch) in enumerate(subgroups):
        values = [row["by_subgroup"][key] for row in gaps]
        bars = ax.bar(x + (k - 1.5) * width, values, width, color=colour, hatch=hatch,
                      edgecolor="white", label=label)
        ax.bar_label(bars, [f"{v:.1f}" for v in values], fontsize=8, padding=2)
    ax.set_xticks(x, [row["vendor"] for row in gaps])
    ax.set_ylabel("gender classification error (%)")
    ax.legend(loc="upper left", fontsize=9)
    ax.set_ylim(0, max(max(r["by_subgroup"].values()) for r in gaps) * 1.15)
    return ax


def plot_fmr_bars(settings: Mapping[str, _Summary], ax=None):
    """FMR of A and B side by side for a few settings, with intervals.

    Parameters
    ----------
    settings : dict of label -> GroupEvaluation or Pooled

    Returns
    -------
    Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 3.8))
    x = np.arange(len(settings))
    width = 0.36
    hatches = {"A": "", "B": "//"}
    for k, g in enumerate(GROUPS):
        st = GROUP_STYLE[g]
        ci = [s.fmr_ci[g] for s in settings.values()]
        y = np.array([c.estimate for c in ci])
        err = np.array([[c.estimate - c.low for c in ci], [c.high - c.estimate for c in ci]])
        ax.bar(x + (k - 0.5) * width, y, width, yerr=err, capsize=4, color=st["color"],
                      hatch=hatches[g], edgecolor="white", label=st["label"],
                      error_kw=dict(ecolor="black", linewidth=1.2))
        for xi, c in zip(x + (k - 0.5) * width, ci):
            ax.annotate(f"{c.estimate:.2%}", (xi, c.high), xytext=(0, 4),
                        textcoords="offset points", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, list(settings))
    ax.set_ylabel("false match rate")
    _percent_axis(ax)
    ax.legend(loc="upper right")
    return ax


# --------------------------------------------------------------------------
# The explorer
# --------------------------------------------------------------------------

def _explorer_html(ev: GroupEvaluation, threshold: float) -> str:
    r = ev.rates_at(threshold)
    a, b = r["A"]["fmr"], r["B"]["fmr"]
    ratio = "undefined (no false matches in A)" if a == 0 else f"{b / a:.2f}"
    cell = "padding:2px 14px;text-align:right"
    rows = "".join(
        f"<tr><th style='{cell};text-align:left'>group {g}</th>"
        f"<td style='{cell}'>{r[g]['fmr']:.3%}</td><td style='{cell}'>{r[g]['fnmr']:.1%}</td></tr>"
        for g in GROUPS)
    shares = ev.training_shares or {}
    target = f"{ev.target_fmr:.1%}" if ev.target_fmr else "the target"
    return (f"<p>Trained on {shares.get('A', 0):.0%} A and {shares.get('B', 0):.0%} B "
            f"({ev.groups_label} groups); threshold <strong>{threshold:.1f}</strong> "
            f"(the global threshold for an overall FMR of {target} is {ev.threshold:.1f}).</p>"
            f"<table style='border-collapse:collapse;margin:0 0 0.5em 0'><tr><th></th>"
            f"<th style='{cell}'>false match rate</th><th style='{cell}'>false non-match rate</th>"
            f"</tr>{rows}</table><p>FMR of B / FMR of A: <strong>{ratio}</strong></p>")


def _explorer_figure(ev: GroupEvaluation, threshold: float):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9.5, 3.6), sharey=True)
    plot_score_histograms(ev, axes=axes, threshold=threshold)
    shares = ev.training_shares or {}
    fig.suptitle(f"Scores of held-out people, matcher trained on {shares.get('B', 0):.0%} B",
                 fontweight="bold")
    fig.tight_layout()
    return fig


def explorer(cache: CompositionCache | None = None, share_b: float = 0.1, seed: int = 0,
             groups=None, shares: Sequence[float] = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7,
                                                     0.8, 0.9, 0.95)):
    """Composition and threshold sliders; per-group FMR and FNMR, and histograms.

    Moving the composition slider trains a matcher for that share of B (a
    few seconds the first time, with a progress bar; cached after). Moving
    the threshold slider re-reads the rates from sorted scores (instant) and
    redraws the histograms.

    Parameters
    ----------
    cache : CompositionCache, optional
        Reuse the chapter's matchers (a smaller default one otherwise).
    share_b : float, default 0.1
        Starting share of B; must be one of ``shares``.
    seed : int, default 0
    groups : dict, optional
    shares : sequence of float
        The composition slider's stops.

    Returns
    -------
    facelab.widgets.KernelOnly
        Live in Jupyter; on the static site, a picture of the starting state.
    """
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    from .widgets import KernelOnly, figure_html

    groups = _check_groups(groups)
    shares = [check_share(s, "shares") for s in shares]
    share_b = check_share(share_b)
    if not any(abs(share_b - s) < 1e-9 for s in shares):
        raise ValueError(f"share_b: must be one of the slider's stops {shares}, got {share_b}.")
    cache = CompositionCache() if cache is None else cache
    ev = cache.evaluation(share_b, seed, groups)
    style = {"description_width": "initial"}
    comp = w.SelectionSlider(options=[(f"{s:.0%} B", s) for s in shares], value=share_b,
                             description="training mix (share of group B)", style=style,
                             continuous_update=False, layout=w.Layout(width="520px"))
    thr = w.FloatSlider(value=round(ev.threshold, 1), min=80, max=100, step=0.1,
                        description="threshold", style=style, continuous_update=False,
                        layout=w.Layout(width="520px"))
    bar = w.IntProgress(value=0, min=0, max=2, description="", layout=w.Layout(visibility="hidden"))
    status = w.Label("")
    numbers = w.HTML()
    plot = w.Output()
    state = {"ev": ev}

    def redraw(_=None):
        numbers.value = _explorer_html(state["ev"], thr.value)
        with plot:
            plot.clear_output(wait=True)
            fig = _explorer_figure(state["ev"], thr.value)
            display(fig)
            plt.close(fig)

    def retrain(change):
        s = change["new"]
        if not cache.has_evaluation(s, seed, groups):
            bar.layout.visibility, bar.value = "visible", 0
            if (s, seed, groups) not in cache:
                status.value = f"training a matcher on {s:.0%} B ..."
                cache.model(s, seed, groups)
            bar.value = 1
            status.value = "scoring held-out people ..."
        state["ev"] = cache.evaluation(s, seed, groups)
        bar.value, bar.layout.visibility, status.value = 2, "hidden", ""
        t = round(state["ev"].threshold, 1)
        if thr.value != t:
            thr.value = t  # triggers redraw
        else:
            redraw()

    comp.observe(retrain, names="value")
    thr.observe(redraw, names="value")
    redraw()
    box = w.VBox([comp, w.HBox([bar, status]), thr, numbers, plot])
    box.redraw = redraw  # for benchmarks
    fig = _explorer_figure(ev, ev.threshold)
    r = ev.rates_at(ev.threshold)
    alt = (f"Two histograms of similarity scores of held-out people for a matcher trained on "
           f"{share_b:.0%} group B. At the global threshold {ev.threshold:.1f}, group A's false "
           f"match rate is {r['A']['fmr']:.3%} and group B's {r['B']['fmr']:.3%}; false non-match "
           f"rates {r['A']['fnmr']:.0%} and {r['B']['fnmr']:.0%}.")
    static = _explorer_html(ev, ev.threshold) + figure_html(fig, alt)
    plt.close(fig)
    return KernelOnly(box, static)
