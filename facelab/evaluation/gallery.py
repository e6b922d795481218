"""Watchlist arithmetic: what a tiny false match rate becomes at gallery scale.

A 1:N search compares each probe with every one of N gallery entries. A
false match rate (FMR) that sounds negligible for one comparison is paid N
times per probe, and the few people really on a watchlist are far
outnumbered by the many who are not. This module turns an FMR, an FNMR, a
gallery size, a number of probes and a base rate into expected alerts.

The model, used by every function here, assumes:

* every probe is compared with all N gallery entries;
* the comparisons are **independent**, each non-mated one matching with the
  same probability FMR. Real systems violate this: some faces resemble many
  others, and FMR differs between demographic groups (NIST, 2019), so false
  matches cluster on some people. The numbers are a baseline, not a forecast;
* a probe of someone on the list finds their own entry with probability
  1 - FNMR, whatever the gallery size (rank is ignored; only the threshold
  decides).

Alerts are counted per probe: a probe "alerts" if at least one entry scores
at or above the threshold, and the alert is *true* if the person is on the
list and their own entry is among those matches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_rates, check_thresholds

__all__ = [
    "p_any_false_match",
    "implied_fmr",
    "WatchlistOutcome",
    "watchlist",
]


def _check_probability(p, name: str) -> np.ndarray:
    return check_rates(p, name)


def _check_size(n, name: str, minimum: float) -> np.ndarray:
    return check_thresholds(n, name, low=minimum, high=None)


def _out(x):
    x = np.asarray(x)
    return float(x) if x.ndim == 0 else x


def _p_any(fmr: np.ndarray, n: np.ndarray) -> np.ndarray:
    """1 - (1 - fmr)**n without cancellation; 0 for an empty gallery."""
    with np.errstate(divide="ignore", invalid="ignore"):
        # (1 - fmr)**n = exp(n * log1p(-fmr)); expm1 keeps tiny results exact.
        p = -np.expm1(n * np.log1p(-fmr))
    return np.where(n == 0, 0.0, p)


def p_any_false_match(fmr, gallery_size):
    """Probability that a probe of someone *not* in the gallery matches anyone.

    ``1 - (1 - fmr) ** gallery_size``, computed as
    ``-expm1(gallery_size * log1p(-fmr))`` so that tiny FMRs keep full
    precision (the naive formula loses most digits below about 1e-10). This
    is the false positive identification rate (FPIR) of a gallery of that
    size, under the module's independence assumption.

    Parameters
    ----------
    fmr : float or array-like
        False match rate of one comparison, in [0, 1].
    gallery_size : float or array-like
        Number of gallery entries, >= 0 (0 gives 0). Broadcast with ``fmr``.

    Returns
    -------
    float or ndarray
        Probabilities in [0, 1].

    Examples
    --------
    >>> round(p_any_false_match(1e-6, 25_000), 4)
    0.0247
    """
    return _out(_p_any(_check_probability(fmr, "fmr"),
                       _check_size(gallery_size, "gallery_size", 0)))


def implied_fmr(n_false, n_probes, gallery_size):
    """The per-comparison FMR implied by an observed count of falsely matched probes.

    Solves ``1 - (1 - p) ** gallery_size = n_false / n_probes`` for ``p``:
    ``p = 1 - (1 - n_false / n_probes) ** (1 / gallery_size)``, computed
    with ``log1p``/``expm1``. The inverse of :func:`p_any_false_match`.

    Parameters
    ----------
    n_false : float or array-like
        Number of probes (none of them in the gallery) that matched at least
        one gallery entry, in [0, n_probes].
    n_probes : float or array-like
        Number of probes searched, >= 1.
    gallery_size : float or array-like
        Gallery entries each probe was compared with, >= 1.

    Returns
    -------
    float or ndarray
        The implied FMR, in [0, 1].

    Examples
    --------
    The ACLU's 2018 test: 28 of 535 members of Congress falsely matched
    against 25,000 arrest photos.

    >>> f"{implied_fmr(28, 535, 25_000):.3g}"
    '2.15e-06'
    """
    n_probes = _check_size(n_probes, "n_probes", 1)
    n_false = _check_size(n_false, "n_false", 0)
    gallery_size = _check_size(gallery_size, "gallery_size", 1)
    if np.any(n_false > n_probes):
        raise ValueError("n_false: cannot exceed n_probes (a probe is counted once).")
    with np.errstate(divide="ignore"):
        return _out(-np.expm1(np.log1p(-n_false / n_probes) / gallery_size))


@dataclass(frozen=True)
class WatchlistOutcome:
    """Expected result of searching ``n_probes`` probes against a watchlist.

    Attributes
    ----------
    fpir : float or ndarray
        False positive identification rate: probability that a probe of
        someone not on the list alerts, ``p_any_false_match(fmr, gallery_size)``.
    fnir : float or ndarray
        False negative identification rate: probability that a probe of
        someone on the list misses their own entry (= FNMR here).
    expected_true_alerts : float or ndarray
        Probes on the list whose own entry matches.
    expected_false_alerts : float or ndarray
        Probes that alert without a correct match: people not on the list
        who match someone, plus people on the list who miss their own entry
        but match someone else.
    precision : float or ndarray
        Share of alerts that are true, in [0, 1]; NaN if no alerts are
        expected.
    probes_per_false_alert : float or ndarray
        ``n_probes / expected_false_alerts``: on average one false alert per
        this many probes; ``inf`` if none are expected.
    """

    fpir: float | np.ndarray
    fnir: float | np.ndarray
    expected_true_alerts: float | np.ndarray
    expected_false_alerts: float | np.ndarray
    precision: float | np.ndarray
    probes_per_false_alert: float | np.ndarray


def watchlist(fmr, fnmr, gallery_size, n_probes, base_rate) -> WatchlistOutcome:
    """Expected true and false alerts when probes are searched against a watchlist.

    Of ``n_probes`` probes, a share ``base_rate`` are people on the list
    ("mated" probes), the rest are not. Under the module's assumptions
    (independent comparisons, one alert per probe):

    * a non-mated probe alerts with probability
      ``FPIR = 1 - (1 - fmr) ** gallery_size``;
    * a mated probe gives a true alert with probability ``1 - fnmr``; if it
      misses its own entry it may still match one of the other
      ``gallery_size - 1`` entries, a false alert.

    Parameters
    ----------
    fmr : float or array-like
        False match rate of one comparison at the chosen threshold, in [0, 1].
    fnmr : float or array-like
        False non-match rate at that threshold, in [0, 1].
    gallery_size : float or array-like
        Number of people on the watchlist, >= 1.
    n_probes : float or array-like
        Number of probes searched, >= 1.
    base_rate : float or array-like
        Share of probes who really are on the list, in [0, 1].

    Returns
    -------
    WatchlistOutcome
        Arguments broadcast together, so any of them may be an array (for
        example FMR and FNMR along an error curve).

    Examples
    --------
    >>> w = watchlist(fmr=0.5, fnmr=0.25, gallery_size=2, n_probes=100, base_rate=0.2)
    >>> w.expected_true_alerts, w.expected_false_alerts
    (15.0, 62.5)
    """
    fmr = _check_probability(fmr, "fmr")
    fnmr = _check_probability(fnmr, "fnmr")
    base_rate = _check_probability(base_rate, "base_rate")
    gallery_size = _check_size(gallery_size, "gallery_size", 1)
    n_probes = _check_size(n_probes, "n_probes", 1)

    fpir = _p_any(fmr, gallery_size)
    mated = n_probes * base_rate
    true_alerts = mated * (1 - fnmr)
    false_alerts = (n_probes - mated) * fpir + mated * fnmr * _p_any(fmr, gallery_size - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = true_alerts / (true_alerts + false_alerts)
        per_false = n_probes / false_alerts
    fnir = np.broadcast_to(fnmr, np.broadcast(fmr, fnmr, base_rate, gallery_size, n_probes).shape)
    return WatchlistOutcome(
        fpir=_out(fpir), fnir=_out(fnir), expected_true_alerts=_out(true_alerts),
        expected_false_alerts=_out(false_alerts), precision=_out(precision),
        probes_per_false_alert=_out(per_false))
