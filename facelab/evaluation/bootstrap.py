"""Confidence intervals by resampling people, not comparisons: the book's one bootstrap.

Comparisons involving the same person are not independent: one person who
looks like many others contributes many false matches. Resampling
comparisons would pretend they are independent and give intervals that are
too narrow, so every interval in the book resamples *people*: each replicate
draws as many people as there are, with replacement, and a comparison of two
people drawn ``a`` and ``b`` times counts ``a * b`` times (a mated
comparison of a person drawn ``a`` times, ``a`` times).

Two ways in, with the same random numbers for the same seed:

:func:`bootstrap_by_identity`
    Any metric of per-row arrays (rows repeated as their people were drawn).
    General, and slow for hundreds of thousands of pairs.
:func:`person_errors` and :func:`pooled_replicates`
    The fast path for error rates over every pair of photos of a set of
    people: per-person counts of errors, so that a replicate is a few
    matrix products instead of a copy of every pair. Chapter 4 uses it;
    ``tests/test_metrics.py`` checks that it gives the same replicates.

Both can resample *within strata* (e.g. demographic groups), so that every
replicate has as many people of each group as the data: a ratio of two
groups' rates then never meets a replicate in which a small group is absent.
A replicate whose metric is undefined (0/0, or a group drawn without any
errors in a ratio's denominator) is never folded in silently: it is counted
in :attr:`BootstrapResult.n_invalid`, left out of the interval, and a
:class:`BootstrapWarning` says how many there were.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .._validation import (
    ArgumentError,
    check_array,
    check_callable,
    check_int,
    check_labels,
    check_real,
    check_seed,
)
from .groups import _as_labels, _check_aligned
from .rates import _out

__all__ = [
    "BootstrapWarning",
    "BootstrapResult",
    "percentile_interval",
    "draw_counts",
    "bootstrap_by_identity",
    "pair_layout",
    "PersonErrors",
    "person_errors",
    "pooled_replicates",
]


class BootstrapWarning(UserWarning):
    """Some bootstrap replicates were undefined (NaN or infinite) and were left out."""


@dataclass(frozen=True)
class BootstrapResult:
    """A metric with a bootstrap confidence interval.

    Attributes
    ----------
    estimate : float or ndarray
        The metric on the original data.
    low, high : float or ndarray
        Percentile interval bounds, over the valid replicates.
    confidence : float
        Nominal coverage, e.g. 0.95.
    replicates : ndarray of shape (n_boot, ...)
        The metric on each resample (undefined ones included, as NaN or inf).
    n_invalid : int
        Replicates that were NaN or infinite (in any element) and so were left
        out of the interval.
    """

    estimate: Any
    low: Any
    high: Any
    confidence: float
    replicates: np.ndarray
    n_invalid: int = 0


def _check_confidence(confidence) -> float:
    return check_real(confidence, "confidence", 0, 1, low_open=True, high_open=True,
                      what="(0.95 for a 95% interval)")


def percentile_interval(estimate, replicates, confidence: float = 0.95,
                        what: str = "the metric") -> BootstrapResult:
    """Percentile interval of bootstrap replicates, leaving undefined ones out.

    Parameters
    ----------
    estimate : float or array-like
        The metric on the original data.
    replicates : array-like of shape (n_boot, ...)
        The metric on each resample.
    confidence : float in (0, 1), default 0.95
    what : str
        What the metric is, for the warning.

    Returns
    -------
    BootstrapResult
        ``low`` and ``high`` are NaN if no replicate is valid. If some are
        not, a :class:`BootstrapWarning` says how many were left out.
    """
    confidence = _check_confidence(confidence)
    # NaN and infinite values are allowed: they mark undefined replicates (left out below).
    estimate = check_array(estimate, "estimate", finite=False, min_rows=0)
    reps = check_array(replicates, "replicates", finite=False, min_rows=0)
    if reps.ndim == 0 or reps.shape[0] == 0:
        raise ArgumentError("replicates: need at least one replicate, got none.")
    flat = reps.reshape(reps.shape[0], -1)
    valid = np.all(np.isfinite(flat), axis=1)
    n_invalid = int((~valid).sum())
    if n_invalid:
        warnings.warn(f"{n_invalid} of {reps.shape[0]} bootstrap replicates of {what} were "
                      "undefined (0/0, or a zero denominator) and were left out of the interval; "
                      "resample within groups (strata=) or use more people.",
                      BootstrapWarning, stacklevel=3)
    tail = (1 - confidence) / 2
    if valid.any():
        low, high = np.quantile(reps[valid], [tail, 1 - tail], axis=0)
    else:
        low = high = np.full(reps.shape[1:], np.nan)
    return BootstrapResult(estimate=_out(estimate), low=_out(low),
                           high=_out(high), confidence=confidence, replicates=reps,
                           n_invalid=n_invalid)


def draw_counts(n_people: int, n_boot: int, seed: int | None = 0) -> np.ndarray:
    """How often each person is drawn in each replicate: shape (n_boot, n_people).

    Each replicate draws ``n_people`` people with replacement. The random
    numbers are those :func:`bootstrap_by_identity` uses for the same seed,
    in the same order, when the people are numbered ``0 .. n_people - 1``.
    """
    n_people = check_int(n_people, "n_people", 1)
    n_boot = check_int(n_boot, "n_boot", 1)
    rng = np.random.default_rng(check_seed(seed, allow_none=True))
    w = np.empty((n_boot, n_people))
    for b in range(n_boot):  # one call per replicate: the stream is fixed by the seed
        w[b] = np.bincount(rng.integers(0, n_people, n_people), minlength=n_people)
    return w


def _stratified_counts(person_stratum: np.ndarray, n_boot: int, seed) -> np.ndarray:
    """Draw counts of every person, drawn within their stratum (strata in sorted order)."""
    n_people = person_stratum.size
    w = np.zeros((n_boot, n_people))
    strata = np.unique(person_stratum)
    children = np.random.SeedSequence(check_seed(seed, allow_none=True)).spawn(strata.size)
    for stratum, child in zip(strata, children, strict=True):
        members = np.flatnonzero(person_stratum == stratum)
        rng = np.random.default_rng(child)
        for b in range(n_boot):  # a loop over replicates; each one is vectorised
            w[b, members] = np.bincount(rng.integers(0, members.size, members.size),
                                        minlength=members.size)
    return w


def bootstrap_by_identity(metric_fn: Callable, *arrays, identities, strata=None,
                          n_boot: int = 1000, confidence: float = 0.95, seed: int | None = 0,
                          **kwargs) -> BootstrapResult:
    """Percentile bootstrap interval for a metric, resampling *people*.

    Each resample draws as many people as there are, with replacement, and
    keeps every row of each drawn person, as many times as that person was
    drawn (see the module docstring for pairs of people).

    Parameters
    ----------
    metric_fn : callable
        ``metric_fn(*arrays, **kwargs)`` returning a number or a fixed-shape
        array. It may itself be a :func:`facelab.evaluation.by_group`
        summary, e.g. ``lambda s, g: by_group(fmr, s, groups=g, threshold=t).ratio``;
        then pass ``strata`` so that every group keeps its size.
    *arrays : array-like, each with ``len(identities)`` rows
        Per-row inputs, resampled together.
    identities : array-like of shape (n,) or (n, 2)
        The person each row belongs to, or the two people of each pair (for
        pair scores, e.g. :attr:`facelab.evaluation.Pairs.identities`).
    strata : array-like of shape (n,), optional
        A stratum (e.g. a group) for each row; people are then resampled
        within their stratum, so each replicate has as many people of each
        stratum as the data. Every person must be in one stratum (for pairs,
        both people of a row in the row's stratum: same-group pairs).
    n_boot : int, default 1000
        Number of resamples, >= 1.
    confidence : float, default 0.95
        Interval coverage, in (0, 1).
    seed : int or None, default 0
        Seed; the same seed gives the same interval.
    **kwargs
        Passed unchanged to ``metric_fn``.

    Returns
    -------
    BootstrapResult
        Replicates where the metric is NaN or infinite are counted in
        ``n_invalid`` and left out of the interval, with a warning.
    """
    check_callable(metric_fn, "metric_fn")
    ident = _as_labels(identities, "identities")
    if (ident.ndim not in (1, 2) or ident.shape[0] == 0
            or (ident.ndim == 2 and ident.shape[1] != 2)):
        raise ArgumentError(
            f"identities: expected shape (n,) or (n, 2) with n >= 1, got {ident.shape}.")
    arrays = _check_aligned(arrays, ident.shape[0], labels="identities")
    n_boot = check_int(n_boot, "n_boot", 1)
    confidence = _check_confidence(confidence)
    seed = check_seed(seed, allow_none=True)

    people, person = np.unique(ident, return_inverse=True)
    person = person.reshape(ident.shape)
    if strata is None:
        weights = draw_counts(people.size, n_boot, seed)
    else:
        strata = check_labels(strata, "strata", n=ident.shape[0])
        cols = person if person.ndim == 2 else person[:, None]
        stratum_of = {}
        for k in range(cols.shape[1]):
            for p, s in zip(cols[:, k].tolist(), strata.tolist(), strict=True):
                if stratum_of.setdefault(p, s) != s:
                    raise ArgumentError(f"strata: person {people[p].item()!r} is in two strata "
                                        f"({stratum_of[p]!r} and {s!r}); each person needs one.")
        weights = _stratified_counts(np.array([stratum_of[p] for p in range(people.size)]),
                                     n_boot, seed)
    replicates = []
    for drawn in weights.astype(np.int64):  # a loop over resamples; each one is vectorised
        if ident.ndim == 1:
            times = drawn[person]
        else:
            a, b = drawn[person[:, 0]], drawn[person[:, 1]]
            times = np.where(person[:, 0] == person[:, 1], a, a * b)
        with np.errstate(divide="ignore", invalid="ignore"):
            replicates.append(np.asarray(
                metric_fn(*(np.repeat(x, times, axis=0) for x in arrays), **kwargs), dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = np.asarray(metric_fn(*arrays, **kwargs), dtype=float)
    return percentile_interval(estimate, np.stack(replicates), confidence,
                               what=getattr(metric_fn, "__name__", "the metric"))


# --------------------------------------------------------------------------
# The fast path: per-person error counts over every pair of photos
# --------------------------------------------------------------------------

def pair_layout(n_people: int, photos: int):
    """The people of every pair of photos of ``n_people`` people with ``photos`` photos each.

    Photos are numbered identity-major (person 0's photos first); pairs
    ``i < j`` in the order of ``numpy.triu_indices(n_people * photos, k=1)``,
    the order of :func:`facelab.evaluation.pair_scores`.

    Returns
    -------
    pi, pj : ndarray of shape (n_pairs,), int32
        Person of the first and of the second photo (read-only).
    mated : ndarray of shape (n_pairs,), bool
        ``pi == pj`` (read-only).
    """
    # Checked before the cache: it would hash a list, and answer True as if it were 1.
    return _pair_layout(check_int(n_people, "n_people", 1), check_int(photos, "photos", 1))


@lru_cache(maxsize=4)
def _pair_layout(n_people: int, photos: int):
    i, j = np.triu_indices(n_people * photos, k=1)
    pi, pj = (i // photos).astype(np.int32), (j // photos).astype(np.int32)
    mated = pi == pj
    for a in (pi, pj, mated):
        a.setflags(write=False)
    return pi, pj, mated


@dataclass(frozen=True)
class PersonErrors:
    """Errors at one threshold among the photos of a set of people, per person.

    Every pair of different people has ``photos**2`` photo pairs, every
    person ``photos * (photos - 1) / 2`` mated pairs.

    Attributes
    ----------
    n_people, photos : int
    imp_p, imp_q : ndarray of int
        The pairs of different people (p < q) with at least one false match.
    imp_e : ndarray of float
        How many of their photo pairs falsely matched.
    gen_e : ndarray of shape (n_people,), float
        False non-matches among each person's mated pairs.
    """

    n_people: int
    photos: int
    imp_p: np.ndarray
    imp_q: np.ndarray
    imp_e: np.ndarray
    gen_e: np.ndarray

    @property
    def fm(self) -> int:
        """False matches (non-mated photo pairs scoring >= the threshold)."""
        return int(self.imp_e.sum())

    @property
    def fnm(self) -> int:
        """False non-matches (mated photo pairs scoring below the threshold)."""
        return int(self.gen_e.sum())

    @property
    def n_impostor(self) -> int:
        """Non-mated photo pairs."""
        return self.photos ** 2 * self.n_people * (self.n_people - 1) // 2

    @property
    def n_genuine(self) -> int:
        """Mated photo pairs."""
        return self.n_people * self.photos * (self.photos - 1) // 2


def person_errors(scores, n_people: int, photos: int, threshold: float) -> PersonErrors:
    """Per-person false matches and false non-matches of every pair of photos.

    Parameters
    ----------
    scores : array-like of shape (n_pairs,)
        The score of every pair of photos, in the order of :func:`pair_layout`.
    n_people, photos : int
        ``n_people >= 1`` people with ``photos >= 1`` photos each.
    threshold : float
        A comparison matches if its score is >= ``threshold`` (any scale).

    Returns
    -------
    PersonErrors
    """
    pi, pj, mated = pair_layout(n_people, photos)
    scores = check_array(scores, "scores", ndim=1, min_rows=0, dtype=None, what="scores")
    if scores.shape != pi.shape:
        raise ArgumentError(f"scores: {n_people} people with {photos} photos each have "
                            f"{pi.size:,} pairs; got {scores.shape}.")
    threshold = check_real(threshold, "threshold", allow_inf=True)
    fm = ~mated & (scores >= threshold)
    codes = pi[fm].astype(np.int64) * n_people + pj[fm]
    u, e = np.unique(codes, return_counts=True)
    fnm = mated & (scores < threshold)
    return PersonErrors(n_people=n_people, photos=photos,
                        imp_p=(u // n_people).astype(np.int64),
                        imp_q=(u % n_people).astype(np.int64), imp_e=e.astype(np.float64),
                        gen_e=np.bincount(pi[fnm], minlength=n_people).astype(np.float64))


def pooled_replicates(counts: Sequence[PersonErrors], n_boot: int,
                      seeds: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap replicates of the pooled FMR and FNMR over several sets of people.

    Each set (e.g. one group of one evaluation) resamples its own people with
    its own seed: a stratified bootstrap. Errors and pairs are summed over
    the sets before dividing, so the result is the pooled rate of each
    replicate, as ``bootstrap_by_identity`` would compute it on the repeated
    pairs (``tests/test_metrics.py`` checks this).

    Parameters
    ----------
    counts : sequence of PersonErrors
    n_boot : int
        Replicates, >= 1.
    seeds : sequence of int
        One seed per set of people.

    Returns
    -------
    fmr, fnmr : ndarray of shape (n_boot,)
        Pooled rates of each replicate (NaN where a replicate has no pair).
    """
    counts = list(counts)
    seeds = list(seeds)
    if not counts or not all(isinstance(c, PersonErrors) for c in counts):
        raise ArgumentError("counts: give at least one PersonErrors (from person_errors()).")
    if len(seeds) != len(counts):
        raise ArgumentError(f"seeds: need one seed per set of people ({len(counts)}), "
                            f"got {len(seeds)}.")
    n_boot = check_int(n_boot, "n_boot", 1)
    e_imp, d_imp = np.zeros(n_boot), np.zeros(n_boot)
    e_gen, d_gen = np.zeros(n_boot), np.zeros(n_boot)
    for c, seed in zip(counts, seeds, strict=True):
        w = draw_counts(c.n_people, n_boot, seed)
        k = c.photos
        e_imp += (w[:, c.imp_p] * w[:, c.imp_q]) @ c.imp_e
        s = w.sum(axis=1)
        # pairs of different people, each drawn a and b times, count a * b times
        d_imp += k * k * (s * s - (w * w).sum(axis=1)) / 2
        e_gen += w @ c.gen_e
        d_gen += s * k * (k - 1) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return e_imp / d_imp, e_gen / d_gen
