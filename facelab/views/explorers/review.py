"""The review explorer: candidate lists for people not in the gallery, and a fallible reviewer.

The arithmetic is :func:`facelab.evaluation.leads.review`; the page runs the
same algorithm, ported line for line to ``static/review.js``, on the FMR it
counts from the embedded impostor scores at the slider's threshold.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import numpy as np

from ..._validation import check_int, check_rate, check_scores, check_threshold
from ...evaluation.leads import review
from ._common import (
    _PER_UNIT,
    _check_id,
    _check_range,
    _check_step,
    _check_title,
    _count_below,
    _default_id,
    _encode,
    _fixed,
    _float_hundredths,
    _group,
    _one_in,
    _pct_float,
    _pct_ratio,
    _snap,
    quantise_scores,
)
from ._html import _css, _Explorer, _nojs_note, _script, _threshold_controls

__all__ = ["review_numbers", "review_explorer", "ReviewExplorer"]

#: Gallery sizes offered by default: the book's own gallery of 39 strangers, a
#: watchlist, a city's mugshots, a state's licence photos, a scraped web collection.
GALLERY_SIZES = (39, 25_000, 1_000_000, 8_000_000, 3_000_000_000)
#: Candidate-list lengths offered by default.
LIST_LENGTHS = (1, 5, 10, 20, 50)
_MAX_GALLERY = 10 ** 12      # exact as a JavaScript number, N * log1p(-p) finite
_MAX_LIST = 100              # the page sums k tails of up to k terms on every move
_MAX_SEARCHES = 10 ** 9
_MAX_ERROR_PCT = 50          # the reviewer slider: 0..50% in 1% steps


# --------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------

def _amount(x: float) -> str:
    """An expected count: three significant digits below 100, a whole number above.

    JavaScript: ``amount`` (the same floating-point operations in the same order).
    ``0.5`` gives "0.500", ``12.345`` "12.3", ``1234.5`` "1,235", ``0`` "0".
    """
    if x <= 0:
        return "0"
    if x >= 100:
        return _group(math.floor(x + 0.5))
    for d in range(1, 7):
        r = math.floor(x * float(10 ** d) + 0.5)
        if r >= 100 or d == 6:
            return _fixed(r, d) if r > 0 else "<0.000001"
    raise AssertionError  # unreachable


def _fmr_upper(n_impostor: int) -> float:
    """The 95% upper bound on an FMR measured as 0 of n (as ``strictest_measurable``)."""
    return float(1 - 0.05 ** (1 / n_impostor))


def _error_text(r: float) -> str:
    pct = round(r * 100)
    return f"{pct}%" if pct / 100 == r else _pct_float(r)


def _outcome(fmr, n, k, r, searches, prefix=""):
    o = review(fmr, n, k, r, searches)
    return {
        prefix + "p_list": _pct_float(o.p_any_candidate),
        prefix + "expected_listed": _amount(o.expected_candidates),
        prefix + "p_put": _pct_float(o.p_innocent_put_forward),
        prefix + "year_put": _amount(o.searches_with_innocent_total),
        prefix + "year_innocent": _amount(o.innocent_total),
        prefix + "p_list_value": o.p_any_candidate,
        prefix + "expected_listed_value": o.expected_candidates,
        prefix + "p_put_value": o.p_innocent_put_forward,
        prefix + "year_put_value": o.searches_with_innocent_total,
        prefix + "year_innocent_value": o.innocent_total,
    }


def _readout(imp_sorted: np.ndarray, tq: int, n: int, k: int, r: float, searches: int) -> dict:
    n_imp = int(imp_sorted.size)
    k_imp = n_imp - _count_below(imp_sorted, tq)
    fmr = k_imp / n_imp
    upper = _fmr_upper(n_imp)
    out = {
        "threshold": _fixed(tq, 2),
        "gallery_size": _group(n),
        "list_length": _group(k),
        "reviewer_error": _error_text(r),
        "searches": _group(searches),
        "fmr": _pct_ratio(k_imp, n_imp),
        "fmr_count": f"{_group(k_imp)} of {_group(n_imp)}",
        "fmr_one_in": _one_in(k_imp, n_imp),
        "upper_fmr": _pct_float(upper),
    }
    out.update(_outcome(fmr, n, k, r, searches))
    out.update(_outcome(upper, n, k, r, searches, "upper_"))
    out.update({
        # Raw numbers (the page has them as data- attributes).
        "impostor_at_or_above": k_imp,
        "n_impostor": n_imp,
        "fmr_value": fmr,
        "upper_fmr_value": upper,
        # What the page says about the threshold: "none" (FMR 1, no threshold),
        # "zero" (no impostor pair reaches it: the upper bound is shown) or "measured".
        "status": "none" if tq == 0 else ("zero" if k_imp == 0 else "measured"),
    })
    return out


def _check_impostor(impostor) -> np.ndarray:
    check_scores(impostor, "impostor")
    return np.sort(quantise_scores(impostor, "impostor"))


def _check_settings(threshold, gallery_size, list_length, reviewer_error, searches):
    check_threshold(threshold)
    tq = _float_hundredths(float(threshold))
    n = check_int(gallery_size, "gallery_size", low=1, high=_MAX_GALLERY)
    k = check_int(list_length, "list_length", low=1, high=_MAX_LIST)
    r = check_rate(reviewer_error, "reviewer_error")
    s = check_int(searches, "searches", low=0, high=_MAX_SEARCHES)
    return tq, n, k, r, s


def review_numbers(impostor, threshold: float, gallery_size: int, list_length: int = 10,
                   reviewer_error: float = 0.1, searches: int = 1000) -> dict:
    """What :func:`review_explorer`'s readout shows at one setting.

    Parameters
    ----------
    impostor : array-like of shape (n_impostor,)
        Non-mated pair scores on the 0..100 scale; the FMR at the threshold is
        the share of them at or above it, after rounding to 0.01 as the page
        does (see :mod:`facelab.views.explorers`).
    threshold : float in [0, 100]
        Rounded to the nearest 0.01, half to even on its decimal digits. At 0
        every score reaches it: FMR 1, a list shown whatever the scores.
    gallery_size : int in [1, 10**12]
        N, the entries searched, none of them the person in the probe.
    list_length : int in [1, 100], default 10
        k, the most candidates the list shows.
    reviewer_error : float in [0, 1], default 0.1
        Chance that the reviewer confirms a listed stranger.
    searches : int in [0, 10**9], default 1000
        Searches a year of people who are not in the gallery.

    Returns
    -------
    dict
        Display strings: ``threshold`` ("95.60"), ``gallery_size``
        ("25,000"), ``list_length``, ``reviewer_error`` ("10%"), ``searches``;
        ``fmr`` ("0.0128%"), ``fmr_count`` ("10 of 78,000"), ``fmr_one_in``;
        ``p_list`` (chance the list is not empty), ``expected_listed``
        (expected strangers on it), ``p_put`` (chance an innocent person is
        put forward in one search), ``year_put`` (searches a year in which
        one is), ``year_innocent`` (strangers wrongly confirmed a year); the
        same at the 95% upper bound on the FMR, ``1 - 0.05**(1/n_impostor)``,
        prefixed ``upper_`` (``upper_fmr``, ``upper_p_put``, ...), which the
        page shows when no impostor pair reaches the threshold. Each number
        also as a float (``p_put_value``, ``upper_p_put_value``, ...), and
        ``impostor_at_or_above``, ``n_impostor``, ``fmr_value`` and
        ``status``: ``"none"`` at threshold 0, ``"zero"`` when no impostor
        pair reaches the threshold, else ``"measured"``.

    The per-search numbers come from :func:`facelab.evaluation.leads.review`
    and share its assumptions: N independent comparisons with the same FMR,
    and a reviewer who errs independently on each listed stranger.
    """
    imp = _check_impostor(impostor)
    return _readout(imp, *_check_settings(threshold, gallery_size, list_length,
                                          reviewer_error, searches))


# --------------------------------------------------------------------------
# The explorer
# --------------------------------------------------------------------------

def _check_sizes(values, name: str, high: int) -> list[int]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
        raise ValueError(f"{name}: must be a non-empty sequence of integers in [1, {high:,}], "
                         f"got {values!r}.")
    out = [check_int(v, name, low=1, high=high) for v in values]
    if len(set(out)) != len(out):
        raise ValueError(f"{name}: values repeat: {out!r}.")
    return sorted(out)


def _pick(value, options: list[int], name: str, what: str) -> int:
    value = check_int(value, name, low=1)
    if value not in options:
        raise ValueError(f"{name}: {value:,} is not one of {what} {options}.")
    return value


class ReviewExplorer(_Explorer):
    """Returned by :func:`review_explorer`; ``.numbers(...)`` gives its readout."""

    def __init__(self, html_text, text, id, imp, sizes, lengths, start, lo, hi, step):
        super().__init__(html_text, text, id)
        self._imp = imp
        self.gallery_sizes = list(sizes)
        self.list_lengths = list(lengths)
        self._start = start
        self._lo, self._hi, self._step = lo, hi, step

    @property
    def slider_grid(self) -> np.ndarray:
        """Every threshold the slider can take (float, 2 decimals)."""
        return np.arange(self._lo, self._hi + 1, self._step) / _PER_UNIT

    def numbers(self, threshold: float | None = None, gallery_size: int | None = None,
                list_length: int | None = None, reviewer_error: float | None = None,
                searches: int | None = None) -> dict:
        """The readout (keys of :func:`review_numbers`); a setting left out is the starting one.

        Any valid setting is accepted, also one the page does not offer.
        """
        given = (threshold, gallery_size, list_length, reviewer_error, searches)
        args = [s if g is None else g for g, s in zip(given, self._start, strict=True)]
        return _readout(self._imp, *_check_settings(*args))


def _select(id: str, cls: str, label: str, options: list[int], chosen: int, unit: str) -> str:
    opts = "".join(f'<option value="{i}"{" selected" if v == chosen else ""}>{_group(v)}{unit}'
                   f'</option>' for i, v in enumerate(options))
    return (f'<div class="fv-control"><label for="{id}-{cls}">{label}</label>'
            f'<select class="fv-{cls}" id="{id}-{cls}" data-lm-suppress-shortcuts="true" disabled>'
            f'{opts}</select></div>')


def _span(key: str, nums: dict) -> str:
    return f'<span data-key="{key}">{nums[key]}</span>'


def review_explorer(impostor, *, threshold: float = 80.0,
                    gallery_sizes: Sequence[int] = GALLERY_SIZES, gallery_size: int | None = None,
                    list_lengths: Sequence[int] = LIST_LENGTHS, list_length: int = 10,
                    reviewer_error: float = 0.1, searches: int = 1000,
                    title: str = "Search for someone who is not in the gallery: who gets put "
                                 "forward?",
                    x_range: tuple[float, float] = (0.0, 100.0), step: float = 0.01,
                    id: str | None = None) -> ReviewExplorer:
    """The review explorer: candidate lists and a fallible reviewer, live in the browser.

    Each search is of a person who is not in the gallery, so every candidate
    on the list is an innocent stranger. The explorer counts the FMR at the
    threshold from the impostor scores and applies
    :func:`facelab.evaluation.leads.review`, in the browser.

    Parameters
    ----------
    impostor : array-like of shape (n_impostor,)
        Non-mated pair scores on the 0..100 scale (e.g. the 78,000 of
        ``facelab.experiments.olivetti.every_pair_scores("deep")``).
    threshold : float in [0, 100], default 80
        Starting threshold; snapped to the slider grid. 0 means no threshold.
    gallery_sizes : sequence of int, default (39, 25,000, 1,000,000, 8,000,000, 3,000,000,000)
        The gallery sizes N offered (each in [1, 10**12]).
    gallery_size : int, optional
        Starting N, one of ``gallery_sizes`` (default: the smallest).
    list_lengths : sequence of int, default (1, 5, 10, 20, 50)
        The list lengths k offered (each in [1, 100]).
    list_length : int, default 10
        Starting k, one of ``list_lengths``.
    reviewer_error : float, default 0.1
        Starting reviewer error rate: a whole percentage from 0 to 50%
        (0.0, 0.01, ..., 0.5), the slider's grid.
    searches : int in [0, 10**9], default 1000
        Starting number of searches a year of people not in the gallery.
    title, x_range, step, id
        As for :func:`threshold_explorer` (default id ``fv-rev-<hash>``).

    Returns
    -------
    ReviewExplorer
        Displays as one self-contained ``text/html`` output;
        ``.numbers(threshold, gallery_size, ...)`` returns what the readout
        shows (keys of :func:`review_numbers`).
    """
    imp = _check_impostor(impostor)
    sizes = _check_sizes(gallery_sizes, "gallery_sizes", _MAX_GALLERY)
    lengths = _check_sizes(list_lengths, "list_lengths", _MAX_LIST)
    n = sizes[0] if gallery_size is None else _pick(gallery_size, sizes, "gallery_size",
                                                     "gallery_sizes")
    k = _pick(list_length, lengths, "list_length", "list_lengths")
    r = check_rate(reviewer_error, "reviewer_error")
    r_pct = round(r * 100)
    if r_pct / 100 != r or r_pct > _MAX_ERROR_PCT:
        raise ValueError(f"reviewer_error: must be a whole percentage from 0 to {_MAX_ERROR_PCT}% "
                         f"(0.0, 0.01, ..., 0.5: the slider's steps), got {reviewer_error!r}.")
    s = check_int(searches, "searches", low=0, high=_MAX_SEARCHES)
    check_threshold(threshold)
    lo, hi = _check_range(x_range)
    step_q = _check_step(step)
    tq = _snap(_float_hundredths(float(threshold)), lo, hi, step_q)
    if not isinstance(title, str):
        raise TypeError(f"title: must be a string, got {type(title).__name__}.")
    title = _check_title(title)
    id = _check_id(id, _default_id("fv-rev", imp, sizes, lengths, tq, n, k, r_pct, s, title,
                                   lo, hi, step_q))
    nums = _readout(imp, tq, n, k, r, s)

    def card(cls, head, big_key, body):
        return (f'<output class="fv-card {cls}" for="{id}-t {id}-g {id}-k {id}-r {id}-s" '
                f'aria-live="polite" aria-atomic="true"><span class="fv-card-h">{head}</span>'
                f'<span class="fv-big" data-key="{big_key}">{nums[big_key]}</span>'
                f'<span class="fv-card-t">{body}</span></output>')

    cards = [
        card("fv-c-imp", "False match rate at the threshold", "fmr",
             f'{_span("fmr_count", nums)} impostor pairs score at or above it '
             f'({_span("fmr_one_in", nums)}).'),
        card("fv-c-imp", "Chance the list is not empty", "p_list",
             f'{_span("gallery_size", nums)} entries searched; expected strangers on the '
             f'list: {_span("expected_listed", nums)} (at most {_span("list_length", nums)}).'),
        card("fv-c-ink", "Chance an innocent person is put forward, per search", "p_put",
             f'The reviewer wrongly confirms each listed stranger with probability '
             f'{_span("reviewer_error", nums)}.'),
        card("fv-c-ink", "Searches a year that put an innocent person forward", "year_put",
             f'Of {_span("searches", nums)} searches of people not in the gallery; '
             f'{_span("year_innocent", nums)} strangers wrongly confirmed in all.'),
    ]
    readouts = '<div class="fv-readouts">' + "".join(cards) + "</div>"

    hidden_none = "" if nums["status"] == "none" else " hidden"
    hidden_zero = "" if nums["status"] == "zero" else " hidden"
    n_imp = _group(nums["n_impostor"])
    notes = (
        f'<p class="fv-note fv-status-none" role="status"{hidden_none}>Threshold 0 means no '
        'threshold: the list is shown whatever the scores, filled with the best-scoring strangers '
        '(FMR 1).</p>'
        f'<p class="fv-note fv-status-zero" role="status"{hidden_zero}><b>No impostor pair reaches '
        f'this threshold.</b> The measured FMR is 0 of {n_imp}, which does not mean zero: it is '
        f'too small for {n_imp} pairs to measure. At the 95% upper bound, FMR '
        f'{_span("upper_fmr", nums)} (1 − 0.05<sup>1/{n_imp}</sup>), the list would not be empty '
        f'in {_span("upper_p_list", nums)} of searches, with '
        f'{_span("upper_expected_listed", nums)} strangers on it on average; an innocent person '
        f'would be put forward in {_span("upper_p_put", nums)} of searches, '
        f'{_span("upper_year_put", nums)} of the {_span("searches", nums)} a year '
        f'({_span("upper_year_innocent", nums)} strangers wrongly confirmed).</p>')

    r_text = nums["reviewer_error"]
    controls = (
        '<div class="fv-controls">'
        + _threshold_controls(id, tq, lo, hi, step_q, "Threshold")
        + _select(id, "g", "Gallery size N", sizes, n, " entries")
        + _select(id, "k", "List length k", lengths, k, "")
        + f'<div class="fv-control"><label for="{id}-r">Reviewer error</label>'
          f'<input type="range" class="fv-r" id="{id}-r" min="0" max="{_MAX_ERROR_PCT}" step="1" '
          f'value="{r_pct}" aria-valuetext="{r_text} of listed strangers confirmed" '
          'data-lm-suppress-shortcuts="true" disabled>'
          f'<span class="fv-value" aria-hidden="true"><span class="fv-r-value">{r_text}</span>'
          '</span></div>'
        + f'<div class="fv-control"><label for="{id}-s">Searches a year</label>'
          f'<input type="number" class="fv-s" id="{id}-s" min="0" max="{_MAX_SEARCHES}" step="1" '
          f'value="{s}" inputmode="numeric" aria-describedby="{id}-sd" '
          'data-lm-suppress-shortcuts="true" disabled>'
          f'<span class="fv-note" id="{id}-sd">of people who are not in the gallery</span></div>'
        + "</div>")

    # Every gallery size at the current threshold, list length and reviewer.
    head = ('<tr><th scope="col">Gallery size N</th><th scope="col">List not empty</th>'
            '<th scope="col">Strangers listed</th><th scope="col">Innocent put forward</th>'
            '<th scope="col">Searches a year</th></tr>')
    rows = []
    for size in sizes:
        row = _readout(imp, tq, size, k, r, s)
        sel = " fv-sel" if size == n else ""
        rows.append(f'<tr class="fv-row{sel}"><th scope="row">{_group(size)}</th>'
                    f'<td>{row["p_list"]}</td><td>{row["expected_listed"]}</td>'
                    f'<td>{row["p_put"]}</td><td>{row["year_put"]}</td></tr>')
    table = ('<details><summary>Numbers for every gallery size</summary>'
             '<table><caption class="fv-sr">Candidate lists and innocent people put forward, by '
             f'gallery size</caption>{head}{"".join(rows)}</table></details>')

    assumption = ('Every search is of a person who is not in the gallery, so everyone on the list '
                  'is an innocent stranger. Assumed: the N comparisons are independent, each '
                  'reaching the threshold with the FMR measured here; the list shows the k '
                  'best-scoring entries at or above it; the reviewer confirms each listed stranger '
                  'independently with the reviewer error rate. Real look-alikes cluster and '
                  'reviewers defer to the list, so these are a baseline, not a forecast.')
    config = {"id": id, "t": tq, "lo": lo, "hi": hi, "step": step_q, "sizes": sizes,
              "lengths": lengths, "gi": sizes.index(n), "ki": lengths.index(k), "r": r_pct,
              "searches": s, "maxSearches": _MAX_SEARCHES,
              "fmrUpper": nums["upper_fmr_value"], "imp": _encode(imp)}
    data_attrs = (f'data-threshold="{nums["threshold"]}" data-gallery-size="{n}" '
                  f'data-list-length="{k}" data-reviewer-error="{r_pct}" data-searches="{s}" '
                  f'data-impostor-at-or-above="{nums["impostor_at_or_above"]}" '
                  f'data-n-impostor="{nums["n_impostor"]}" data-status="{nums["status"]}"')
    page = (
        f'<div class="fv-explorer fv-review-explorer mathjax_ignore tex2jax_ignore" id="{id}" '
        f'role="group" aria-labelledby="{id}-title" {data_attrs}>'
        f'<style>{_css(id)}</style>'
        f'<p class="fv-title" id="{id}-title">{html.escape(title)}</p>'
        f'<p class="fv-note">{assumption}</p>'
        + _nojs_note(nums["threshold"]) + controls + notes + readouts + table
        + _script(config, "review") + "</div>"
    )
    text = (f"Review explorer (interactive in a browser): at threshold {nums['threshold']} "
            f"(FMR {nums['fmr']}, {nums['fmr_count']} impostor pairs), a gallery of "
            f"{nums['gallery_size']} and lists of up to {nums['list_length']}, the list is not "
            f"empty in {nums['p_list']} of searches; with reviewer error {nums['reviewer_error']}, "
            f"an innocent person is put forward in {nums['p_put']} of searches, "
            f"{nums['year_put']} of {nums['searches']} a year")
    if nums["status"] == "zero":
        text += (f"; no impostor pair reaches the threshold, and at the 95% upper bound on the FMR "
                 f"({nums['upper_fmr']}) it would be {nums['upper_p_put']} per search, "
                 f"{nums['upper_year_put']} a year")
    text += "."
    start = (tq / _PER_UNIT, n, k, r, s)
    return ReviewExplorer(page, text, id, imp, sizes, lengths, start, lo, hi, step_q)
