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

from .decompose import ARMS, ArmResult, Decomposition, decompose
from .measure import (
    EvaluationCounts,
    GroupEvaluation,
    Pooled,
    evaluate_by_group,
    per_group_thresholds,
    pool,
)
from .sweep import CompositionCache, Sweep, composition_sweep
from .training import (
    DEFAULT_SHARES,
    EVAL_START,
    GROUPS,
    HeldOut,
    check_share,
    held_out,
    train_on_composition,
)

__all__ = [
    "GROUPS",
    "EVAL_START",
    "DEFAULT_SHARES",
    "check_share",
    "train_on_composition",
    "HeldOut",
    "held_out",
    "GroupEvaluation",
    "evaluate_by_group",
    "Pooled",
    "EvaluationCounts",
    "pool",
    "composition_sweep",
    "Sweep",
    "CompositionCache",
    "per_group_thresholds",
    "ARMS",
    "ArmResult",
    "Decomposition",
    "decompose",
]



