"""The composition sweep: matchers trained at many mixes and seeds, each computed once."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..._validation import check_int
from .. import replay
from .measure import GroupEvaluation, evaluate_by_group, pool
from .training import (
    DEFAULT_SHARES,
    _check_counts,
    _check_groups,
    _check_rate,
    _groups_key,
    _groups_label,
    check_share,
    train_on_composition,
)

__all__ = ["CompositionCache", "Sweep", "composition_sweep"]


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
        self.n_train = check_int(n_train, "n_train", 2)
        self.photos = check_int(photos, "photos", 2)
        self.n_test_per_group = _check_counts(n_test_per_group)
        self.test_photos = check_int(test_photos, "test_photos", 2)
        self.target_fmr = _check_rate(target_fmr, "target_fmr")
        self.n_boot = check_int(n_boot, "n_boot", 1)
        self.max_evaluations = check_int(max_evaluations, "max_evaluations", 0)
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
            # Keep the counts, not the scores: 27 evaluations' scores took chapter 4's
            # kernel past 1.6 GiB.
            found[share].append(cache.evaluation(share, seed, groups).counts_only())
            done += 1
            if progress is not None:
                progress(done, total)
    results = {s: pool(evs, n_boot=cache.n_boot) for s, evs in found.items()}
    return Sweep(shares=shares, seeds=seeds, groups_label=_groups_label(groups),
                 results=results, seconds=time.perf_counter() - t0)
