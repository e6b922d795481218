"""Candidate lists and human review: how a search of absent people still yields leads.

A 1:N search used by investigators does not answer "is this person in the
gallery?". It returns a *candidate list*: the k gallery entries that score
highest, often only those at or above a threshold, for a person to review.
When the person in the probe photo is not in the gallery at all, every
candidate on that list is an innocent stranger, and the list is empty only if
no stranger reaches the threshold.

The model, used by every function here (the assumptions of
:mod:`facelab.evaluation.gallery`, plus one for the reviewer):

* the probe's person is **not** in the gallery of N entries, and each of the
  N comparisons is an independent non-mated comparison that reaches the
  threshold with probability FMR; so the number X of strangers at or above
  the threshold is Binomial(N, FMR), and the list holds ``min(k, X)`` of them;
* a reviewer looks at each listed stranger and wrongly confirms them as the
  person in the probe with probability ``reviewer_error``, independently of
  the other candidates and of the score.

Real systems violate both: look-alikes cluster (some faces resemble many
others, and FMR differs between groups), and a reviewer is not independent of
the list (the top candidate is the one most like the probe, and the list
itself suggests that someone on it is the person: automation bias). The
numbers are a baseline for reasoning, not a forecast.

The same arithmetic, line for line, runs in the site's review explorer
(``facelab/views/explorers/static/review.js``), so that both give the same
numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .._validation import check_int, check_rate, check_real

__all__ = ["binomial_pmfs", "binomial_tail", "expected_listed", "ReviewOutcome", "review"]

#: Upper-tail terms summed at most (far more than a tail below 1e-300 needs).
_MAX_TAIL_TERMS = 100_000


def _log_pmf_step(p: float):
    """log(p / (1 - p)), the p-dependent part of one step of the pmf recursion."""
    return math.log(p) - math.log1p(-p)


def binomial_pmfs(n: int, p: float, upto: int) -> list[float]:
    """``P(X = i)`` for ``i = 0 .. upto``, X ~ Binomial(n, p), without overflow.

    Computed by the recursion ``P(i+1) = P(i) (n - i) / (i + 1) p / (1 - p)`` in
    logarithms, which needs only ``log``, ``log1p`` and ``exp`` (so the
    browser's JavaScript computes the same numbers). Terms with ``i > n`` are 0.

    Parameters
    ----------
    n : int >= 0
        Trials (gallery entries).
    p : float in [0, 1]
        Success probability of one trial (the FMR).
    upto : int >= 0
        Largest count wanted.
    """
    n = check_int(n, "n", low=0)
    p = check_rate(p, "p")
    upto = check_int(upto, "upto", low=0)
    out = [0.0] * (upto + 1)
    if p == 0.0:
        out[0] = 1.0
        return out
    if p == 1.0:
        if n <= upto:
            out[n] = 1.0
        return out
    log_term = n * math.log1p(-p)
    step = _log_pmf_step(p)
    for i in range(min(upto, n) + 1):
        out[i] = math.exp(log_term)
        log_term += math.log((n - i) / (i + 1)) + step if i < n else 0.0
    return out


def binomial_tail(n: int, p: float, j: int) -> float:
    """``P(X >= j)`` for X ~ Binomial(n, p), accurate when it is tiny.

    When the lower sum ``P(X < j)`` is at least one half, the tail is
    summed term by term from ``j`` upwards instead of taken as ``1 - P(X < j)``,
    which would lose every digit of a tail below about 1e-16.

    Examples
    --------
    >>> binomial_tail(2, 0.5, 1)
    0.75
    >>> f"{binomial_tail(25_000, 1e-9, 2):.3e}"   # two strangers above a strict threshold
    '3.125e-10'
    """
    n = check_int(n, "n", low=0)
    p = check_rate(p, "p")
    j = check_int(j, "j", low=0)
    if j == 0:
        return 1.0
    if j > n or p == 0.0:
        return 0.0
    if p == 1.0:
        return 1.0
    lower = sum(binomial_pmfs(n, p, j - 1))
    if lower < 0.5:
        return max(0.0, 1.0 - lower)
    # Sum the upper tail directly, starting from log P(X = j).
    step = _log_pmf_step(p)
    log_term = n * math.log1p(-p)
    for i in range(j):
        log_term += math.log((n - i) / (i + 1)) + step
    total, i = 0.0, j
    while i <= n and i < j + _MAX_TAIL_TERMS:
        term = math.exp(log_term)
        total += term
        if term <= total * 1e-17:
            break
        if i < n:
            log_term += math.log((n - i) / (i + 1)) + step
        i += 1
    return min(1.0, total)


def expected_listed(fmr: float, gallery_size: int, list_length: int) -> float:
    """Expected strangers on a candidate list of length k for a person not in the gallery.

    ``E[min(k, X)] = sum_{j=1..k} P(X >= j)`` with X ~ Binomial(N, FMR): the
    list shows the k best-scoring entries that reach the threshold. At a
    threshold of 0 (FMR = 1) the list is always full, ``min(k, N)``.

    Parameters
    ----------
    fmr : float in [0, 1]
        False match rate of one comparison at the threshold.
    gallery_size : int >= 1
        N, the entries searched.
    list_length : int >= 1
        k, the most candidates the list shows.

    Examples
    --------
    >>> expected_listed(1.0, 25_000, 10)      # no threshold: never an empty list
    10.0
    >>> round(expected_listed(0.0287, 39, 5), 3)
    1.118
    """
    fmr = check_rate(fmr, "fmr")
    n = check_int(gallery_size, "gallery_size", low=1)
    k = check_int(list_length, "list_length", low=1)
    return float(sum(binomial_tail(n, fmr, j) for j in range(1, k + 1)))


@dataclass(frozen=True)
class ReviewOutcome:
    """What searches for people who are not in the gallery put in front of reviewers.

    All per search of a person who is not in the gallery, except the ``*_total``
    fields, which multiply by ``searches``.

    Attributes
    ----------
    p_any_candidate : float
        Chance that the list is not empty: ``P(X >= 1)``, the FPIR.
    expected_candidates : float
        Expected strangers on the list, ``E[min(k, X)]``.
    p_innocent_put_forward : float
        Chance that the reviewer wrongly confirms at least one listed stranger:
        ``1 - E[(1 - r) ** min(k, X)]``.
    expected_innocent : float
        Expected strangers wrongly confirmed, ``r * E[min(k, X)]``.
    searches_with_innocent_total : float
        ``searches * p_innocent_put_forward``: searches in which an innocent
        person is put forward as the lead.
    innocent_total : float
        ``searches * expected_innocent``.
    """

    p_any_candidate: float
    expected_candidates: float
    p_innocent_put_forward: float
    expected_innocent: float
    searches_with_innocent_total: float
    innocent_total: float


def review(fmr: float, gallery_size: int, list_length: int, reviewer_error: float,
           searches: float = 1) -> ReviewOutcome:
    """Candidate lists and a fallible reviewer, for searches of people not in the gallery.

    Parameters
    ----------
    fmr : float in [0, 1]
        False match rate of one comparison at the threshold in use (1 for a
        list shown whatever the scores).
    gallery_size : int >= 1
        N, the entries searched (mugshots, licence photos, scraped photos).
    list_length : int >= 1
        k, the most candidates the list shows.
    reviewer_error : float in [0, 1]
        Chance that the reviewer confirms a listed stranger as the person in
        the probe photo.
    searches : float >= 0, default 1
        Searches a year of people who are not in the gallery.

    Returns
    -------
    ReviewOutcome

    Examples
    --------
    >>> r = review(fmr=1.0, gallery_size=1_000, list_length=5, reviewer_error=0.1)
    >>> round(r.p_innocent_put_forward, 4), round(r.expected_innocent, 2)
    (0.4095, 0.5)
    """
    fmr = check_rate(fmr, "fmr")
    n = check_int(gallery_size, "gallery_size", low=1)
    k = check_int(list_length, "list_length", low=1)
    r = check_rate(reviewer_error, "reviewer_error")
    searches = check_real(searches, "searches", low=0)
    tails = [binomial_tail(n, fmr, j) for j in range(1, k + 1)]
    expected = float(sum(tails))
    # 1 - E[(1-r)^M] with M = min(k, X), summed as E[1 - (1-r)^M] so that a tiny
    # chance keeps its digits: sum_{i<k} P(X=i)(1 - (1-r)^i) + P(X>=k)(1 - (1-r)^k),
    # with P(X = i) = P(X >= i) - P(X >= i+1).
    def confirm_any(i: int) -> float:   # 1 - (1 - r)**i
        return 1.0 if r == 1.0 else -math.expm1(i * math.log1p(-r))

    upper = [1.0, *tails]
    p_put = sum((upper[i] - upper[i + 1]) * confirm_any(i) for i in range(1, k))
    p_put = min(1.0, max(0.0, p_put + upper[k] * confirm_any(k)))
    return ReviewOutcome(p_any_candidate=tails[0], expected_candidates=expected,
                         p_innocent_put_forward=p_put, expected_innocent=r * expected,
                         searches_with_innocent_total=searches * p_put,
                         innocent_total=searches * r * expected)
