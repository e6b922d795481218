"""Where chapter 4's gap comes from: the experiment taken apart, arm by arm.

The default groups differ in two ways (:func:`facelab.synth.default_groups`):
group B's average face is offset from A's, and the two groups vary on
different features. A matcher trained mostly on A can give B more false
matches through either difference, and through one choice its builder made:
the embedding's origin sits at the *training* people's mean, so when B is
rare every B face shares one offset from that origin, which inflates the
cosine between any two B faces.

Each *arm* changes one thing and keeps the rest:

``as built``
    The default world, the embedding as trained.
``re-centred``
    The same matchers, their embeddings re-centred on the people they are
    tested on (both groups), as an operator could do without knowing anyone's
    group.
``per-group centring``
    Each group re-centred on its own mean: removes every offset, but needs a
    group label for every face (a measurement, not a remedy).
``offset only`` / ``offset only, re-centred``
    A world whose groups differ only in their average face.
``spread only`` / ``spread only, re-centred``
    A world whose groups differ only in which features vary.
``control``
    One distribution for both groups.

Every arm is trained on the same mix (10% B by default) with the same seeds;
its errors are pooled over the seeds, each matcher at its own global
threshold (0.1% and 1% overall FMR), with intervals from a bootstrap over
people within each seed and group (:func:`pool`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_seed
from ...evaluation.rates import threshold_for_fmr
from ...faces import synth
from .measure import evaluate_by_group, pool
from .training import GROUPS, _check_rate, check_share, train_on_composition

__all__ = ["ARMS", "ArmResult", "Decomposition", "decompose"]

#: (name, world, centring) of every arm, in the order the chapter shows them.
ARMS = (
    ("as built", "default", "training"),
    ("re-centred", "default", "deployment"),
    ("per-group centring", "default", "group"),
    ("offset only", "offset", "training"),
    ("offset only, re-centred", "offset", "deployment"),
    ("spread only", "spread", "training"),
    ("spread only, re-centred", "spread", "deployment"),
    ("control", "control", "training"),
)

_WORLDS = {"default": synth.default_groups, "offset": synth.offset_only_groups,
           "spread": synth.spread_only_groups, "control": synth.control_groups}


@dataclass(frozen=True)
class ArmResult:
    """One arm's errors, pooled over seeds, at each operating point.

    Attributes
    ----------
    name, world, centring : str
    pooled : dict {target FMR: Pooled}
        Errors by group pooled over the seeds (``.fmr_ratio``, ``.fmr_ci``,
        ``.fnmr``, ``.fnmr_ci``, ``.per_evaluation``).
    impostor_mean : dict {group: float}
        Mean impostor score of each group, averaged over the seeds: where
        each group's impostor hump sits.
    """

    name: str
    world: str
    centring: str
    pooled: dict
    impostor_mean: dict

    def ratio(self, target_fmr: float = 0.001):
        """Pooled FMR of B over FMR of A, with its interval (a BootstrapResult)."""
        return self.pooled[target_fmr].fmr_ratio

    def seed_ratios(self, target_fmr: float = 0.001) -> list[float]:
        """Each seed's own FMR ratio B / A."""
        return [e["ratio"] for e in self.pooled[target_fmr].per_evaluation]

    def fnmr_gap(self, target_fmr: float = 0.001) -> float:
        """Pooled FNMR of B minus FNMR of A."""
        f = self.pooled[target_fmr].fnmr.by_group
        return float(f["B"] - f["A"])


@dataclass(frozen=True)
class Decomposition:
    """Result of :func:`decompose`: every arm, and the set-up they share."""

    arms: dict
    share_b: float
    seeds: tuple
    targets: tuple
    n_test_per_group: int

    def __getitem__(self, name: str) -> ArmResult:
        return self.arms[name]

    def share_removed(self, by: str = "re-centred", target_fmr: float = 0.001) -> float:
        """Share of the as-built gap (on a log scale) that an arm removes.

        ``1 - log(ratio of the arm) / log(ratio as built)``: 0 if the arm
        leaves the gap as it was, 1 if it brings the ratio to 1.
        """
        built = float(self.arms["as built"].ratio(target_fmr).estimate)
        other = float(self.arms[by].ratio(target_fmr).estimate)
        return float(1 - np.log(other) / np.log(built))

    def table(self, target_fmr: float = 0.001) -> list[dict]:
        """One row per arm: ratio with interval, per-seed ratios, FNMR gap, impostor means."""
        rows = []
        for arm in self.arms.values():
            r = arm.ratio(target_fmr)
            rows.append({"arm": arm.name, "ratio": r.estimate, "low": r.low, "high": r.high,
                         "seed_ratios": arm.seed_ratios(target_fmr),
                         "fnmr_gap": arm.fnmr_gap(target_fmr),
                         "impostor_mean_A": arm.impostor_mean["A"],
                         "impostor_mean_B": arm.impostor_mean["B"]})
        return rows


def decompose(share_b: float = 0.1, seeds: Sequence[int] = (0, 1, 2, 3, 4),
              targets: Sequence[float] = (0.001, 0.01), n_test_per_group: int = 1200,
              n_train: int = 200, n_boot: int = 1000, arms=ARMS) -> Decomposition:
    """Run every arm of the decomposition on the same mix and seeds.

    Parameters
    ----------
    share_b : float in [0, 1], default 0.1
        Share of group B among the training people.
    seeds : sequence of int, default 0-4
        Training seeds (synthetic worlds); results are pooled over them.
    targets : sequence of float in (0, 1), default (0.001, 0.01)
        Overall FMRs at which each matcher's global threshold is set.
    n_test_per_group : int, default 1200
        Held-out people of each group per seed (two photos each).
    n_train : int, default 200
    n_boot : int, default 1000
    arms : sequence of (name, world, centring), default :data:`ARMS`

    Returns
    -------
    Decomposition

    Notes
    -----
    About 15 s per seed on a laptop core for the eight default arms; only
    per-person error counts are kept, so memory stays near one evaluation's.
    """
    share_b = check_share(share_b)
    seeds = tuple(check_seed(s) for s in seeds)
    if not seeds:
        raise ValueError("seeds: give at least one seed.")
    targets = tuple(_check_rate(t, "targets") for t in targets)
    if not targets:
        raise ValueError("targets: give at least one target FMR.")
    n_test = check_int(n_test_per_group, "n_test_per_group", 2)
    n_train = check_int(n_train, "n_train", 2)
    n_boot = check_int(n_boot, "n_boot", 1)
    arms = tuple(arms)
    for name, world, _centring in arms:
        if world not in _WORLDS:
            raise ValueError(f"arms: unknown world {world!r} in arm {name!r}; "
                             f"choose from {sorted(_WORLDS)}.")
    kept = {name: {t: [] for t in targets} for name, _, _ in arms}
    means = {name: {g: [] for g in GROUPS} for name, _, _ in arms}
    for seed in seeds:
        for world in dict.fromkeys(w for _, w, _ in arms):
            groups = _WORLDS[world]()
            model = train_on_composition(share_b, n_train, 5, seed, groups)
            for name, w, centring in arms:
                if w != world:
                    continue
                ev = evaluate_by_group(model, n_test, 2, seed, groups, target_fmr=targets[0],
                                       n_boot=n_boot, centring=centring)
                for g in GROUPS:
                    means[name][g].append(float(ev.impostor(g).mean()))
                impostor = np.concatenate([ev.impostor(g) for g in GROUPS])
                for t in targets:
                    at = ev if t == targets[0] else ev.at_threshold(
                        float(threshold_for_fmr(impostor, t)))
                    # keep only the per-person counts: the scores are dropped with `ev`
                    kept[name][t].append(at.counts_only())
                del ev, impostor
    results = {}
    for name, world, centring in arms:
        pooled = {t: pool(kept[name][t], n_boot=n_boot, confidence=0.95) for t in targets}
        results[name] = ArmResult(name=name, world=world, centring=centring, pooled=pooled,
                                  impostor_mean={g: float(np.mean(v))
                                                 for g, v in means[name].items()})
    return Decomposition(arms=results, share_b=share_b, seeds=seeds, targets=targets,
                         n_test_per_group=n_test)
