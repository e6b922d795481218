"""Live explorers: threshold and watchlist controls that work without a kernel.

On the book's static website an ipywidgets slider is a dead snapshot: it moves,
but nothing recomputes. The explorers here do the arithmetic *in the browser*.
Python precomputes the data (scores, histogram counts, per-probe maxima), draws
the chart as inline SVG for the starting threshold, and emits **one**
self-contained ``text/html`` output: inline CSS, inline SVG and one inline
``<script>`` (an ES2017 IIFE, no libraries, no network, no external files).

The same call works in a live notebook (JupyterLab and classic Notebook run
inline scripts in trusted outputs) and on the built site (MyST-NB writes a
``text/html`` output into the page as it is). Without JavaScript (for example
an untrusted notebook) the output still shows the chart and the numbers at the
starting threshold, with the controls disabled and a note saying why.

:func:`threshold_explorer`
    Genuine and impostor score histograms, a threshold slider, and the
    false match rate (FMR) and false non-match rate (FNMR) it gives.
:func:`watchlist_explorer`
    One probe searched against a gallery of *N* people who are not the probe:
    how many probes get at least one false match, simulated and by formula.
:func:`explorer_numbers`, :func:`watchlist_numbers`
    The same numbers computed in Python, as the exact strings the page shows.
    Tests compare the page with these; a chapter can quote them.

Conventions (the book's)
------------------------
* Scores are on the book's 0..100 scale, ``score = 50 * (1 + cosine)``.
* A comparison is a MATCH iff ``score >= threshold``.
* ``FMR(t) = #(impostor >= t) / n_impostor`` and
  ``FNMR(t) = #(genuine < t) / n_genuine``.
* Watchlist: ``P(at least one false match) = 1 - (1 - FMR)**N``, computed as
  ``-expm1(N * log1p(-FMR))`` (Python ``math``, JavaScript ``Math``), and the
  expected number of probes with one is ``n_probes * P``.

Quantisation (what is embedded)
-------------------------------
Every score is rounded to the nearest 0.01 (:data:`SCORE_STEP`; ties to even,
as :func:`numpy.rint`) and stored as an integer number of hundredths,
0..10000. The page embeds each score set as its sorted distinct values
(delta-encoded) with a count for each, so its size grows with the number of
*distinct* hundredths (at most 10,001), not with the number of scores:
300,000 impostor scores take about 50 KB. Thresholds are on the same grid
(the slider's step is 0.01 or a multiple of it), so the counts compare two
integers and are exact for the quantised scores; the page finds them with a
lower-bound binary search, as :func:`numpy.searchsorted` with
``side="left"`` does in :func:`explorer_numbers`. Rounding moves a score by at
most 0.005, so a score within 0.005 of a threshold may count on the other
side than its unrounded value would: quote numbers from
:func:`explorer_numbers` (or an explorer's ``.numbers``) to match the page.

Percentages are rounded half up from the exact fraction with at least two
decimals and at least three significant digits (``4.56%``, ``0.0123%``);
``1 in N`` rounds ``n / k`` half up; counts use a comma as thousands
separator. Python and JavaScript use the same integer arithmetic for these,
so the strings agree digit for digit.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import numbers
import re
from typing import Mapping, Sequence

import numpy as np

__all__ = [
    "SCORE_STEP",
    "quantise_scores",
    "gallery_max_scores",
    "explorer_numbers",
    "watchlist_numbers",
    "threshold_explorer",
    "watchlist_explorer",
    "ThresholdExplorer",
    "WatchlistExplorer",
]

#: Grid of the embedded scores and of the thresholds, in score units.
SCORE_STEP = 0.01
_PER_UNIT = 100                    # hundredths per score unit
_QMAX = 100 * _PER_UNIT            # 100.00 as hundredths
_TOL = 1e-6                        # float slack at the ends of the 0..100 scale
_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")

# Colours: Okabe-Ito for marks, near-black and dark grey for text (contrast on
# white 17.4:1 and 8.5:1). Vermillion is never used for text (3.9:1 on white).
GENUINE = "#0072B2"
IMPOSTOR = "#D55E00"
TEXT = "#1a1a1a"
MUTED = "#4d4d4d"
AXIS = "#6b6b6b"
GRID = "#e3e3e3"
BACKGROUND = "#ffffff"
FOCUS = "#1a1a1a"


# --------------------------------------------------------------------------
# Validation and quantisation
# --------------------------------------------------------------------------

def _check_scores(x, name: str) -> np.ndarray:
    """Return ``x`` as a 1-D float64 array of finite scores in [0, 100], or raise."""
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected a 1-D array of numbers (scores on 0..100).") from None
    if a.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array of scores, got shape {a.shape}.")
    if a.size == 0:
        raise ValueError(f"{name}: expected at least one score, got an empty array.")
    bad = ~np.isfinite(a)
    if bad.any():
        raise ValueError(f"{name}: {int(bad.sum())} of {a.size} scores are NaN or infinite; "
                         "drop them before building the explorer.")
    lo, hi = float(a.min()), float(a.max())
    if lo < -_TOL or hi > 100 + _TOL:
        raise ValueError(f"{name}: scores must lie in [0, 100] (the book's scale, "
                         f"score = 50*(1 + cosine)); got min {lo:.6g}, max {hi:.6g}.")
    return a


def quantise_scores(scores, name: str = "scores") -> np.ndarray:
    """Round scores to the 0.01 grid the explorers embed.

    Parameters
    ----------
    scores : array-like of shape (n,)
        Finite scores in [0, 100] (a float error of up to 1e-6 beyond either
        end is clipped).
    name : str
        Argument name used in error messages.

    Returns
    -------
    ndarray of int32, shape (n,)
        ``rint(100 * score)``: hundredths, 0..10000, in the input order.
    """
    a = _check_scores(scores, name)
    return np.rint(np.clip(a, 0.0, 100.0) * _PER_UNIT).astype(np.int32)


def _check_threshold(threshold, name: str = "threshold") -> int:
    """Return the threshold as hundredths (rounded to the 0.01 grid), or raise."""
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise ValueError(f"{name}: expected a number in [0, 100], got {threshold!r}.")
    t = float(threshold)
    if not math.isfinite(t) or t < 0 or t > 100:
        raise ValueError(f"{name}: must be in [0, 100] (the book's score scale), got {threshold!r}.")
    return int(round(t * _PER_UNIT))


def _check_range(x_range, name: str = "x_range") -> tuple[int, int]:
    try:
        lo, hi = (float(v) for v in x_range)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected (low, high) within [0, 100], got {x_range!r}.") from None
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo < 0 or hi > 100 or hi <= lo:
        raise ValueError(f"{name}: expected 0 <= low < high <= 100, got {x_range!r}.")
    return int(round(lo * _PER_UNIT)), int(round(hi * _PER_UNIT))


def _check_step(step) -> int:
    if isinstance(step, bool) or not isinstance(step, numbers.Real) or not math.isfinite(step):
        raise ValueError(f"step: expected a positive multiple of 0.01, got {step!r}.")
    q = int(round(float(step) * _PER_UNIT))
    if q < 1 or abs(q - float(step) * _PER_UNIT) > 1e-6:
        raise ValueError(f"step: expected a positive multiple of 0.01, got {step!r}.")
    return q


def _snap(tq: int, lo: int, hi: int, step: int, name: str = "threshold") -> int:
    """Snap hundredths to the slider grid lo + k*step, inside [lo, hi]."""
    if tq < lo or tq > hi:
        raise ValueError(f"{name}: {tq / _PER_UNIT:.2f} is outside the slider's range "
                         f"[{lo / _PER_UNIT:.2f}, {hi / _PER_UNIT:.2f}] (x_range).")
    k = (tq - lo + step // 2) // step
    return min(lo + k * step, lo + ((hi - lo) // step) * step)


def _check_id(id, default: str) -> str:
    if id is None:
        return default
    if not isinstance(id, str) or not _ID_RE.match(id):
        raise ValueError("id: expected a letter followed by letters, digits, '-' or '_' "
                         f"(at most 64 characters), got {id!r}.")
    return id


_SEEN_IDS: dict[str, int] = {}


def _default_id(prefix: str, *parts) -> str:
    """A stable id from a hash of the data; repeats in one session get -2, -3, ..."""
    h = hashlib.sha1()
    for part in parts:
        h.update(part.tobytes() if isinstance(part, np.ndarray) else repr(part).encode())
        h.update(b"|")
    base = f"{prefix}-{h.hexdigest()[:10]}"
    _SEEN_IDS[base] = _SEEN_IDS.get(base, 0) + 1
    n = _SEEN_IDS[base]
    return base if n == 1 else f"{base}-{n}"


# --------------------------------------------------------------------------
# Number formatting, mirrored digit for digit by the page's JavaScript
# --------------------------------------------------------------------------

def _group(n: int) -> str:
    return f"{int(n):,}"


def _fixed(r: int, d: int) -> str:
    """The non-negative integer ``r`` scaled by 10**-d, as text with d decimals."""
    ip, fp = divmod(int(r), 10 ** d)
    return _group(ip) + ("." + str(fp).zfill(d) if d else "")


def _pct_ratio(k: int, n: int) -> str:
    """100*k/n as a percentage, rounded half up from the exact fraction."""
    if k == 0:
        return "0.00%"
    for d in range(2, 7):
        r = (2 * k * 100 * 10 ** d + n) // (2 * n)
        if r >= 100 or d == 6:
            return _fixed(r, d) + "%"
    raise AssertionError  # unreachable


def _pct_float(p: float) -> str:
    """100*p (a float probability) as a percentage, rounded half up."""
    x = p * 100.0
    if x <= 0:
        return "0.00%"
    for d in range(2, 7):
        r = math.floor(x * float(10 ** d) + 0.5)
        if r >= 100 or d == 6:
            return _fixed(r, d) + "%" if r > 0 else "<0.000001%"
    raise AssertionError  # unreachable


def _one_in(k: int, n: int) -> str:
    if k == 0:
        return f"none of {_group(n)}"
    return f"about 1 in {_group((2 * n + k) // (2 * k))}"


def _p_any(fmr: float, n: int) -> float:
    """P(at least one false match among n independent comparisons), stably."""
    if fmr >= 1.0:
        return 1.0  # log1p(-1) is -inf; JavaScript's Math gives 1 here too
    return -math.expm1(n * math.log1p(-fmr))


# --------------------------------------------------------------------------
# Reference numbers (what the page displays)
# --------------------------------------------------------------------------

def _rates(gen_sorted: np.ndarray, imp_sorted: np.ndarray, tq: int) -> dict:
    n_imp, n_gen = int(imp_sorted.size), int(gen_sorted.size)
    k_imp = n_imp - int(np.searchsorted(imp_sorted, tq, side="left"))
    k_gen = int(np.searchsorted(gen_sorted, tq, side="left"))
    return {
        "threshold": _fixed(tq, 2),
        "fmr": _pct_ratio(k_imp, n_imp),
        "fmr_one_in": _one_in(k_imp, n_imp),
        "fmr_count": f"{_group(k_imp)} of {_group(n_imp)}",
        "fnmr": _pct_ratio(k_gen, n_gen),
        "fnmr_count": f"{_group(k_gen)} of {_group(n_gen)}",
        # Raw numbers (not displayed as such; the page has them as data- attributes).
        "impostor_at_or_above": k_imp,
        "n_impostor": n_imp,
        "genuine_below": k_gen,
        "n_genuine": n_gen,
    }


def explorer_numbers(genuine, impostor, threshold: float) -> dict:
    """What :func:`threshold_explorer`'s readout shows at ``threshold``.

    Parameters
    ----------
    genuine, impostor : array-like of shape (n,)
        Mated and non-mated pair scores on the 0..100 scale.
    threshold : float in [0, 100]
        Rounded to the nearest 0.01 (the data grid) before use.

    Returns
    -------
    dict
        Display strings ``threshold`` ("80.00"), ``fmr`` ("0.123%"),
        ``fmr_one_in`` ("about 1 in 813"), ``fmr_count`` ("123 of 100,000"),
        ``fnmr``, ``fnmr_count``; and the integers ``impostor_at_or_above``,
        ``n_impostor``, ``genuine_below``, ``n_genuine``. Scores are quantised
        as the page quantises them (see the module docstring).
    """
    gen = np.sort(quantise_scores(genuine, "genuine"))
    imp = np.sort(quantise_scores(impostor, "impostor"))
    return _rates(gen, imp, _check_threshold(threshold))


def _watch(sorted_max: Mapping[int, np.ndarray], sizes: Sequence[int], gallery_size: int, tq: int,
           imp_sorted: np.ndarray | None, gen_sorted: np.ndarray | None,
           n_probes: int | None) -> dict:
    m = int(sorted_max[gallery_size].size)
    k_sim = m - int(np.searchsorted(sorted_max[gallery_size], tq, side="left"))
    out = {
        "threshold": _fixed(tq, 2),
        "gallery_size": _group(gallery_size),
        "sim_count": f"{_group(k_sim)} of {_group(m)}",
        "sim_share": _pct_ratio(k_sim, m),
        "sim_at_or_above": k_sim,
        "n_sim_probes": m,
    }
    if imp_sorted is not None:
        n_imp = int(imp_sorted.size)
        k_imp = n_imp - int(np.searchsorted(imp_sorted, tq, side="left"))
        fmr = k_imp / n_imp
        p = _p_any(fmr, gallery_size)
        n_p = m if n_probes is None else n_probes
        expected = n_p * p
        out.update({
            "fmr": _pct_ratio(k_imp, n_imp),
            "fmr_one_in": _one_in(k_imp, n_imp),
            "p_any": _pct_float(p),
            "expected": _fixed(math.floor(expected * 10.0 + 0.5), 1),
            "n_probes": _group(n_p),
            "impostor_at_or_above": k_imp,
            "n_impostor": n_imp,
            "p_any_value": p,
            "expected_value": expected,
        })
    if gen_sorted is not None:
        n_gen = int(gen_sorted.size)
        k_gen = int(np.searchsorted(gen_sorted, tq, side="left"))
        out.update({
            "fnmr": _pct_ratio(k_gen, n_gen),
            "fnmr_count": f"{_group(k_gen)} of {_group(n_gen)}",
            "genuine_below": k_gen,
            "n_genuine": n_gen,
        })
    return out


def _check_gallery(max_impostor_scores, gallery_sizes) -> tuple[list[int], dict[int, np.ndarray]]:
    if not isinstance(max_impostor_scores, Mapping) or not max_impostor_scores:
        raise ValueError("max_impostor_scores: expected a non-empty dict mapping gallery size N "
                         "to a 1-D array of each probe's maximum score against N people.")
    try:
        sizes = [int(n) for n in gallery_sizes]
    except (TypeError, ValueError):
        raise ValueError(f"gallery_sizes: expected positive integers, got {gallery_sizes!r}.") from None
    if not sizes or any(n < 1 for n in sizes) or any(n != s for n, s in zip(sizes, gallery_sizes)):
        raise ValueError(f"gallery_sizes: expected positive integers, got {gallery_sizes!r}.")
    if len(set(sizes)) != len(sizes):
        raise ValueError(f"gallery_sizes: sizes repeat: {sizes!r}.")
    keys = {int(k) for k in max_impostor_scores}
    if keys != set(sizes):
        raise ValueError(f"gallery_sizes: {sorted(sizes)} does not match the keys of "
                         f"max_impostor_scores {sorted(keys)}.")
    sizes = sorted(sizes)
    by_size = {int(k): v for k, v in max_impostor_scores.items()}
    q = {n: np.sort(quantise_scores(by_size[n], f"max_impostor_scores[{n}]")) for n in sizes}
    lengths = {n: a.size for n, a in q.items()}
    if len(set(lengths.values())) != 1:
        raise ValueError("max_impostor_scores: every gallery size needs one maximum per probe "
                         f"(the same probes); got lengths {lengths}.")
    return sizes, q


def _check_n_probes(n_probes) -> int | None:
    if n_probes is None:
        return None
    if isinstance(n_probes, bool) or not isinstance(n_probes, numbers.Integral) or n_probes < 1:
        raise ValueError(f"n_probes: expected a positive integer, got {n_probes!r}.")
    return int(n_probes)


def watchlist_numbers(max_impostor_scores, gallery_size: int, threshold: float, *,
                      impostor=None, n_probes: int | None = None,
                      fmr_genuine_pairs=None) -> dict:
    """What :func:`watchlist_explorer`'s readout shows for one gallery size.

    Parameters
    ----------
    max_impostor_scores : dict {int: array-like of shape (n_probes,)} or array-like
        Each probe's maximum score against a gallery of N people who are not
        the probe (a dict is indexed by ``gallery_size``).
    gallery_size : int
        N.
    threshold : float in [0, 100]
        Rounded to the nearest 0.01.
    impostor : array-like, optional
        Non-mated pair scores; gives the formula's prediction.
    n_probes : int, optional
        Probes the formula counts (default: the number of simulated probes).
    fmr_genuine_pairs : array-like, optional
        Mated pair scores; gives the FNMR line (a probe whose mate is in the
        gallery is missed).

    Returns
    -------
    dict
        Display strings ``threshold``, ``gallery_size`` ("25,000"),
        ``sim_count`` ("28 of 535"), ``sim_share``; with ``impostor`` also
        ``fmr``, ``fmr_one_in``, ``p_any`` (per-probe probability, "5.63%"),
        ``expected`` ("30.1"), ``n_probes``; with ``fmr_genuine_pairs`` also
        ``fnmr``, ``fnmr_count``. Integers and floats for the same
        (``sim_at_or_above``, ``p_any_value``, ``expected_value``, ...).
    """
    if isinstance(gallery_size, bool) or not isinstance(gallery_size, numbers.Integral) \
            or gallery_size < 1:
        raise ValueError(f"gallery_size: expected a positive integer, got {gallery_size!r}.")
    gallery_size = int(gallery_size)
    if isinstance(max_impostor_scores, Mapping):
        sizes, q = _check_gallery(max_impostor_scores, list(max_impostor_scores))
        if gallery_size not in q:
            raise ValueError(f"gallery_size: {gallery_size} is not one of {sizes}.")
    else:
        q = {gallery_size: np.sort(quantise_scores(max_impostor_scores, "max_impostor_scores"))}
    tq = _check_threshold(threshold)
    imp = None if impostor is None else np.sort(quantise_scores(impostor, "impostor"))
    gen = (None if fmr_genuine_pairs is None
           else np.sort(quantise_scores(fmr_genuine_pairs, "fmr_genuine_pairs")))
    return _watch(q, sorted(q), gallery_size, tq, imp, gen, _check_n_probes(n_probes))


def gallery_max_scores(scores, gallery_sizes: Sequence[int]) -> dict[int, np.ndarray]:
    """Each probe's maximum score against nested galleries (prefixes of one gallery).

    Parameters
    ----------
    scores : array-like of shape (n_probes, n_gallery)
        Scores of every probe against every gallery person, none of whom is
        the probe, in the order in which the gallery grows.
    gallery_sizes : sequence of int
        Each N in 1..n_gallery.

    Returns
    -------
    dict {N: ndarray of shape (n_probes,)}
        ``scores[:, :N].max(axis=1)`` for each N, ready for
        :func:`watchlist_explorer`.
    """
    s = np.asarray(scores, dtype=np.float64)
    if s.ndim != 2 or s.size == 0:
        raise ValueError(f"scores: expected a non-empty 2-D array (n_probes, n_gallery), "
                         f"got shape {s.shape}.")
    sizes = [int(n) for n in gallery_sizes]
    if not sizes or any(n < 1 or n > s.shape[1] for n in sizes):
        raise ValueError(f"gallery_sizes: each N must be in 1..{s.shape[1]}, got {list(gallery_sizes)}.")
    # A running maximum along the gallery gives every prefix's maximum in one pass.
    running = np.maximum.accumulate(s, axis=1)
    return {n: running[:, n - 1].copy() for n in sizes}


# --------------------------------------------------------------------------
# Embedding
# --------------------------------------------------------------------------

def _encode(sorted_q: np.ndarray) -> dict:
    """Sorted hundredths as distinct values (delta-encoded) and their counts."""
    vals, counts = np.unique(sorted_q, return_counts=True)
    return {"v": np.diff(vals, prepend=0).tolist(), "c": counts.tolist()}


def _js_literal(obj) -> str:
    # Safe inside <script>: JSON plus escaped "</" and line separators.
    s = json.dumps(obj, separators=(",", ":"), ensure_ascii=True)
    return s.replace("</", "<\\/")


def _nice_step(span: float, target: int) -> float:
    raw = span / max(target, 1)
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * mag >= raw - 1e-12:
            return m * mag
    return 10 * mag


def _num(v: float) -> str:
    """A tick label: no trailing zeros."""
    return f"{v:.6g}"


def _f(v: float) -> str:
    return f"{v:.2f}"


# --------------------------------------------------------------------------
# Shared CSS and JavaScript
# --------------------------------------------------------------------------

_CSS = """
#ID{box-sizing:border-box;width:100%;max-width:46rem;margin:.5rem 0 1rem;padding:.85rem 1rem 1rem;
border:1px solid #8a8a8a;border-radius:6px;background:BG;color:TEXT;font-size:15px;line-height:1.45;
text-align:left}
#ID *,#ID *::before,#ID *::after{box-sizing:inherit}
#ID .fv-title{font-weight:700;font-size:1.06em;margin:0 0 .2rem}
#ID .fv-note{color:MUTED;font-size:.9em;margin:0 0 .5rem}
#ID .fv-nojs{color:TEXT;background:#fff4d6;border:1px solid #b58100;border-radius:4px;padding:.3rem .5rem;
font-size:.9em;margin:.3rem 0}
#ID .fv-legend{display:flex;flex-wrap:wrap;gap:.2rem 1.4rem;list-style:none;margin:.3rem 0 .1rem;padding:0;
font-size:.92em}
#ID .fv-legend li{display:flex;align-items:center;gap:.45rem;margin:0;padding:0}
#ID .fv-legend svg{flex:none}
#ID svg.fv-chart{display:block;width:100%;max-width:100%;height:auto;margin:.1rem 0 0}
#ID svg.fv-chart text{font-family:inherit;fill:TEXT}
#ID .fv-controls{margin:.4rem 0 .2rem}
#ID .fv-control{display:flex;flex-wrap:wrap;align-items:center;gap:.35rem .8rem;margin:.35rem 0}
#ID .fv-control>label{font-weight:600;min-width:8.5rem}
#ID .fv-control .fv-value{font-variant-numeric:tabular-nums;min-width:7.5rem;font-weight:600}
#ID input[type=range]{flex:1 1 14rem;min-width:10rem;margin:0;height:1.8rem;accent-color:GENUINE;
background:transparent;cursor:pointer}
#ID input[type=number]{width:6.2rem;font:inherit;font-variant-numeric:tabular-nums;padding:.15rem .35rem;
border:1px solid #6b6b6b;border-radius:4px;background:#fff;color:TEXT}
#ID input:disabled{cursor:not-allowed;opacity:.6}
#ID input:focus{outline:none}
#ID input:focus-visible{outline:3px solid FOCUS;outline-offset:3px}
#ID summary:focus-visible{outline:3px solid FOCUS;outline-offset:2px}
#ID .fv-readouts{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:.6rem;
margin:.6rem 0 0}
#ID output.fv-card{display:block;border:1px solid #b9b9b9;border-left:6px solid var(--fv-c,#6b6b6b);
border-radius:4px;padding:.45rem .7rem .5rem;background:#fff}
#ID .fv-card-h{display:block;font-weight:600;font-size:.92em;color:MUTED}
#ID .fv-big{display:inline-block;font-size:1.5em;font-weight:700;font-variant-numeric:tabular-nums;
margin-right:.35rem}
#ID .fv-card-t{display:block;font-size:.92em;font-variant-numeric:tabular-nums}
#ID .fv-sr{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;
clip:rect(0,0,0,0);white-space:nowrap;border:0}
#ID details{margin:.6rem 0 0;font-size:.92em}
#ID summary{cursor:pointer;color:TEXT;font-weight:600}
#ID table{border-collapse:collapse;margin:.4rem 0 0;font-variant-numeric:tabular-nums}
#ID th,#ID td{border:1px solid #c8c8c8;padding:.2rem .5rem;text-align:right;color:TEXT;background:#fff}
#ID th{font-weight:600}
#ID tr.fv-sel td,#ID tr.fv-sel th{background:#eaf3fa}
@media (max-width:560px){#ID svg.fv-chart text{font-size:20px}#ID svg.fv-chart .fv-long{display:none}}
"""


def _css(id: str) -> str:
    css = _CSS
    for key, val in (("BG", BACKGROUND), ("TEXT", TEXT), ("MUTED", MUTED),
                     ("GENUINE", GENUINE), ("FOCUS", FOCUS)):
        css = re.sub(rf"\b{key}\b", val, css)
    return css.replace("#ID", "#" + id).strip()


# Helpers shared by both explorers; each mirrors a Python function above.
_JS_HELPERS = r"""
var POW10=[1,10,100,1000,10000,100000,1000000];
function idiv(a,b){var q=Math.floor(a/b);if(q*b>a){q-=1;}else if((q+1)*b<=a){q+=1;}return q;}
function group(n){var s=String(n),o="";while(s.length>3){o=","+s.slice(-3)+o;s=s.slice(0,-3);}return s+o;}
function fixed(r,d){var ip=idiv(r,POW10[d]),fp=r-ip*POW10[d],s=group(ip);
  if(d>0){var f=String(fp);while(f.length<d){f="0"+f;}s+="."+f;}return s;}
function pctRatio(k,n){if(k===0){return "0.00%";}for(var d=2;d<=6;d++){var r=idiv(2*k*100*POW10[d]+n,2*n);
  if(r>=100||d===6){return fixed(r,d)+"%";}}}
function pctFloat(p){var x=p*100;if(x<=0){return "0.00%";}
  for(var d=2;d<=6;d++){var r=Math.floor(x*POW10[d]+0.5);
  if(r>=100||d===6){return r>0?fixed(r,d)+"%":"<0.000001%";}}}
function oneIn(k,n){return k===0?"none of "+group(n):"about 1 in "+group(idiv(2*n+k,2*k));}
function pAny(fmr,n){return -Math.expm1(n*Math.log1p(-fmr));}
function lowerBound(a,x){var lo=0,hi=a.length;while(lo<hi){var mid=(lo+hi)>>>1;
  if(a[mid]<x){lo=mid+1;}else{hi=mid;}}return lo;}
function decode(e){var n=e.v.length,vals=new Int32Array(n),cum=new Float64Array(n+1),acc=0;
  for(var i=0;i<n;i++){acc+=e.v[i];vals[i]=acc;cum[i+1]=cum[i]+e.c[i];}return {vals:vals,cum:cum,n:cum[n]};}
function countBelow(d,tq){return d.cum[lowerBound(d.vals,tq)];}
var script=document.currentScript;
var root=(script&&script.parentNode&&script.parentNode.closest)?script.parentNode.closest(".fv-explorer"):null;
if(!root){root=document.getElementById(C.id);}
if(!root||root.getAttribute("data-fv-ready")){return;}
root.setAttribute("data-fv-ready","1");
function q(sel){return root.querySelector(sel);}
var keyed={};Array.prototype.forEach.call(root.querySelectorAll("[data-key]"),function(el){
  keyed[el.getAttribute("data-key")]=el;});
function show(k,text){var el=keyed[k];if(el&&el.textContent!==text){el.textContent=text;}}
function read(){var o={},box=q(".fv-tn");if(box){o.threshold=box.value;}for(var k in keyed){if(Object.prototype.hasOwnProperty.call(keyed,k)){
  o[k]=keyed[k].textContent;}}return o;}
var nojs=q(".fv-nojs");if(nojs){nojs.hidden=true;}
Array.prototype.forEach.call(root.querySelectorAll("input"),function(el){el.disabled=false;});
var timings=[];
function timed(fn){return function(){var t0=performance.now();var r=fn.apply(null,arguments);
  timings.push(performance.now()-t0);if(timings.length>10000){timings.shift();}return r;};}
function toQ(v){return Math.round(parseFloat(v)*100);}
function snapQ(tq){if(tq<C.lo){tq=C.lo;}if(tq>C.hi){tq=C.hi;}
  var k=idiv(tq-C.lo+(C.step>>1),C.step);return Math.min(C.lo+k*C.step,C.lo+idiv(C.hi-C.lo,C.step)*C.step);}
function bindThreshold(slider,box,onchange){
  slider.addEventListener("input",function(){onchange(toQ(slider.value));});
  box.addEventListener("change",function(){var v=parseFloat(box.value);
    if(!isFinite(v)){box.value=fixed(toQ(slider.value),2);return;}
    var tq=snapQ(Math.round(v*100));slider.value=fixed(tq,2);onchange(tq);box.value=fixed(tq,2);});
}
function register(api){api.read=read;api.timings=timings;api.root=root;api.id=C.id;
  var reg=window.FaceValueExplorers=window.FaceValueExplorers||{};reg[C.id]=api;}
function moveThresholdMark(x,tq){
  var line=q(".fv-tline"),lab=q(".fv-tlabel");
  if(line){line.setAttribute("x1",x);line.setAttribute("x2",x);}
  if(lab){lab.setAttribute("x",x);lab.textContent="threshold "+fixed(tq,2);
    lab.setAttribute("text-anchor",x>C.plot.L+C.plot.W-C.plot.edge?"end":(x<C.plot.L+C.plot.edge?"start":"middle"));}
}
function xpx(tq){return C.plot.L+(tq-C.lo)/(C.hi-C.lo)*C.plot.W;}
"""

_JS_THRESHOLD = r"""
var gen=decode(C.gen),imp=decode(C.imp);
var slider=q(".fv-t"),box=q(".fv-tn");
var clipG=q(".fv-clip-gen"),clipI=q(".fv-clip-imp");
var state={tq:C.t};
var update=timed(function(tq){
  state.tq=tq;
  var kI=imp.n-countBelow(imp,tq),kG=countBelow(gen,tq),t=fixed(tq,2);
  show("threshold",t);
  show("fmr",pctRatio(kI,imp.n));show("fmr_one_in",oneIn(kI,imp.n));
  show("fmr_count",group(kI)+" of "+group(imp.n));
  show("fnmr",pctRatio(kG,gen.n));show("fnmr_count",group(kG)+" of "+group(gen.n));
  slider.setAttribute("aria-valuetext",t+" out of 100");
  if(document.activeElement!==box){box.value=t;}
  root.setAttribute("data-threshold",t);
  root.setAttribute("data-impostor-at-or-above",kI);root.setAttribute("data-genuine-below",kG);
  var x=xpx(tq);moveThresholdMark(x,tq);
  clipG.setAttribute("width",Math.max(0,x-C.plot.L));
  clipI.setAttribute("x",x);clipI.setAttribute("width",Math.max(0,C.plot.L+C.plot.W-x));
});
bindThreshold(slider,box,update);
register({kind:"threshold",update:update,state:state,
  set:function(v){var tq=snapQ(toQ(v));slider.value=fixed(tq,2);update(tq);}});
update(snapQ(toQ(slider.value)));
"""

_JS_WATCHLIST = r"""
var sims=C.sims.map(decode),imp=C.imp?decode(C.imp):null,gen=C.gen?decode(C.gen):null;
var slider=q(".fv-t"),box=q(".fv-tn"),gslider=q(".fv-g");
var bars=root.querySelectorAll(".fv-bar"),marks=root.querySelectorAll(".fv-mark"),
    glabels=root.querySelectorAll(".fv-glabel"),rows=root.querySelectorAll("tr.fv-row"),
    ticks=root.querySelectorAll(".fv-ytick"),fline=q(".fv-fline");
var state={tq:C.t,gi:C.gi};
var NICE=[1,2,5,10,20,50,100];
function tickText(v){return String(Math.round(v*10)/10)+"%";}
var update=timed(function(tq,gi){
  if(gi===undefined){gi=state.gi;}
  state.tq=tq;state.gi=gi;
  var t=fixed(tq,2),N=C.sizes[gi],m=sims[gi].n,i;
  var kI=imp?imp.n-countBelow(imp,tq):0,fmr=imp?kI/imp.n:0;
  var simShare=[],formShare=[],top=0;
  for(i=0;i<C.sizes.length;i++){
    var k=sims[i].n-countBelow(sims[i],tq);simShare.push(k/sims[i].n);
    if(k/sims[i].n>top){top=k/sims[i].n;}
    if(imp){var pp=pAny(fmr,C.sizes[i]);formShare.push(pp);if(pp>top){top=pp;}}
    if(rows.length){var cells=rows[i].querySelectorAll("td");
      cells[0].textContent=group(k)+" of "+group(sims[i].n)+" ("+pctRatio(k,sims[i].n)+")";
      if(imp){cells[1].textContent=pctFloat(formShare[i]);}
      rows[i].className=i===gi?"fv-row fv-sel":"fv-row";}
  }
  var kS=m-countBelow(sims[gi],tq);
  show("threshold",t);show("gallery_size",group(N));
  show("sim_count",group(kS)+" of "+group(m));show("sim_share",pctRatio(kS,m));
  if(imp){var p=pAny(fmr,N),np=C.nProbes||m;
    show("fmr",pctRatio(kI,imp.n));show("fmr_one_in",oneIn(kI,imp.n));
    show("p_any",pctFloat(p));show("expected",fixed(Math.floor(np*p*10+0.5),1));
    root.setAttribute("data-impostor-at-or-above",kI);}
  if(gen){var kG=countBelow(gen,tq);show("fnmr",pctRatio(kG,gen.n));
    show("fnmr_count",group(kG)+" of "+group(gen.n));root.setAttribute("data-genuine-below",kG);}
  slider.setAttribute("aria-valuetext",t+" out of 100");
  if(gslider){gslider.setAttribute("aria-valuetext",group(N)+" people");}
  if(document.activeElement!==box){box.value=t;}
  root.setAttribute("data-threshold",t);root.setAttribute("data-gallery-size",N);
  root.setAttribute("data-sim-at-or-above",kS);
  // Chart: the y axis is the smallest of 1, 2, 5, 10, 20, 50, 100% that holds every value.
  var ymax=100;for(i=0;i<NICE.length;i++){if(NICE[i]>=top*100-1e-9){ymax=NICE[i];break;}}
  var P=C.plot,pts=[];
  for(i=0;i<ticks.length;i++){var v=ymax*i/(ticks.length-1);ticks[i].textContent=tickText(v);}
  for(i=0;i<C.sizes.length;i++){
    var h=simShare[i]*100/ymax*P.H;bars[i].setAttribute("y",P.T+P.H-h);bars[i].setAttribute("height",h);
    bars[i].setAttribute("class",i===gi?"fv-bar fv-on":"fv-bar");
    bars[i].setAttribute("fill-opacity",i===gi?"1":"0.75");
    bars[i].setAttribute("stroke-width",i===gi?"2.5":"0");
    glabels[i].setAttribute("font-weight",i===gi?"700":"400");
    if(imp){var y=P.T+P.H-formShare[i]*100/ymax*P.H,cx=P.L+P.slot*(i+0.5);
      marks[i].setAttribute("transform","translate("+cx.toFixed(2)+","+y.toFixed(2)+")");
      pts.push(cx.toFixed(2)+","+y.toFixed(2));}
  }
  if(fline){fline.setAttribute("points",pts.join(" "));}
});
bindThreshold(slider,box,function(tq){update(tq,state.gi);});
if(gslider){var g=function(){update(state.tq,parseInt(gslider.value,10));};
  gslider.addEventListener("input",g);}
register({kind:"watchlist",update:update,state:state,sizes:C.sizes,
  set:function(v,gi){var tq=snapQ(toQ(v));slider.value=fixed(tq,2);
    if(gi!==undefined&&gslider){gslider.value=String(gi);}update(tq,gi);}});
update(snapQ(toQ(slider.value)),state.gi);
"""


def _script(config: dict, body: str) -> str:
    return ("<script>(function(){\"use strict\";var C=" + _js_literal(config) + ";"
            + _JS_HELPERS + body + "})();</script>")


def _threshold_controls(id: str, tq: int, lo: int, hi: int, step: int, label: str) -> str:
    t = _fixed(tq, 2)
    rng = (f'min="{_fixed(lo, 2)}" max="{_fixed(hi, 2)}" step="{_fixed(step, 2)}" '
           f'value="{t}"')
    return (
        f'<div class="fv-control"><label for="{id}-t">{html.escape(label)}</label>'
        f'<input type="range" class="fv-t" id="{id}-t" {rng} '
        f'aria-valuetext="{t} out of 100" disabled>'
        f'<label class="fv-sr" for="{id}-tn">Threshold, typed (0 to 100)</label>'
        f'<input type="number" class="fv-tn" id="{id}-tn" {rng} inputmode="decimal" disabled>'
        f'</div>'
    )


def _legend_swatch(kind: str, id: str) -> str:
    if kind == "genuine":
        body = (f'<rect x="1" y="1" width="26" height="14" fill="{GENUINE}" fill-opacity="0.65" '
                f'stroke="{GENUINE}" stroke-width="2"/>')
    elif kind == "impostor":
        body = (f'<rect x="1" y="1" width="26" height="14" fill="url(#{id}-hatch-on)" '
                f'stroke="{IMPOSTOR}" stroke-width="2" stroke-dasharray="5 3"/>')
    elif kind == "bar":
        body = f'<rect x="5" y="1" width="18" height="14" fill="{GENUINE}"/>'
    elif kind == "mark":
        body = (f'<line x1="1" y1="8" x2="27" y2="8" stroke="{IMPOSTOR}" stroke-width="2" '
                f'stroke-dasharray="4 3"/><path d="M14 2 L20 8 L14 14 L8 8 Z" fill="{IMPOSTOR}" '
                f'stroke="{TEXT}" stroke-width="1"/>')
    else:  # threshold line
        body = f'<line x1="14" y1="0" x2="14" y2="16" stroke="{TEXT}" stroke-width="2.5"/>'
    return f'<svg width="28" height="16" viewBox="0 0 28 16" aria-hidden="true" focusable="false">{body}</svg>'


def _hatch_defs(id: str) -> str:
    def pattern(suffix, opacity, bg):
        return (f'<pattern id="{id}-hatch-{suffix}" patternUnits="userSpaceOnUse" width="6" height="6" '
                f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{IMPOSTOR}" '
                f'fill-opacity="{bg}"/><line x1="1" y1="0" x2="1" y2="6" stroke="{IMPOSTOR}" '
                f'stroke-width="2" stroke-opacity="{opacity}"/></pattern>')
    return pattern("off", 0.35, 0.04) + pattern("on", 1, 0.12)


# --------------------------------------------------------------------------
# Explorer objects
# --------------------------------------------------------------------------

class _Explorer:
    """A rendered explorer: one self-contained HTML block plus a text fallback."""

    def __init__(self, html_text: str, text: str, id: str):
        self._html = html_text
        self._text = text
        self.id = id

    @property
    def html(self) -> str:
        """The self-contained HTML (CSS, SVG and script inline)."""
        return self._html

    def _repr_html_(self) -> str:
        return self._html

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/html": self._html, "text/plain": self._text}

    def __repr__(self) -> str:
        return self._text

    def __str__(self) -> str:
        return self._text


class ThresholdExplorer(_Explorer):
    """Returned by :func:`threshold_explorer`; ``.numbers(t)`` gives its readout at ``t``."""

    def __init__(self, html_text, text, id, gen, imp, lo, hi, step):
        super().__init__(html_text, text, id)
        self._gen, self._imp = gen, imp
        self._lo, self._hi, self._step = lo, hi, step

    @property
    def slider_grid(self) -> np.ndarray:
        """Every threshold the slider can take (float, 2 decimals)."""
        return np.arange(self._lo, self._hi + 1, self._step) / _PER_UNIT

    def numbers(self, threshold: float) -> dict:
        """The readout at ``threshold`` (same keys as :func:`explorer_numbers`)."""
        return _rates(self._gen, self._imp, _check_threshold(threshold))


class WatchlistExplorer(_Explorer):
    """Returned by :func:`watchlist_explorer`; ``.numbers(t, N)`` gives its readout."""

    def __init__(self, html_text, text, id, sizes, q, imp, gen, n_probes, lo, hi, step):
        super().__init__(html_text, text, id)
        self.gallery_sizes = list(sizes)
        self._q, self._imp, self._gen, self._n_probes = q, imp, gen, n_probes
        self._lo, self._hi, self._step = lo, hi, step

    @property
    def slider_grid(self) -> np.ndarray:
        """Every threshold the slider can take (float, 2 decimals)."""
        return np.arange(self._lo, self._hi + 1, self._step) / _PER_UNIT

    def numbers(self, threshold: float, gallery_size: int) -> dict:
        """The readout at ``threshold`` for gallery size N (keys of :func:`watchlist_numbers`)."""
        if gallery_size not in self._q:
            raise ValueError(f"gallery_size: {gallery_size} is not one of {self.gallery_sizes}.")
        return _watch(self._q, self.gallery_sizes, gallery_size, _check_threshold(threshold),
                      self._imp, self._gen, self._n_probes)


# --------------------------------------------------------------------------
# Threshold explorer
# --------------------------------------------------------------------------

_VB_W = 640


def threshold_explorer(genuine, impostor, threshold: float = 80.0, *, bins: int = 50,
                       title: str = "Move the threshold: false matches against false non-matches",
                       x_range: tuple[float, float] = (0.0, 100.0), step: float = 0.01,
                       id: str | None = None) -> ThresholdExplorer:
    """A threshold slider over genuine and impostor score histograms, live in the browser.

    Parameters
    ----------
    genuine : array-like of shape (n_genuine,)
        Mated pair scores (same person) on the 0..100 scale.
    impostor : array-like of shape (n_impostor,)
        Non-mated pair scores (different people) on the 0..100 scale.
    threshold : float in [0, 100], default 80
        Starting threshold; snapped to the slider grid.
    bins : int, default 50
        Histogram bins across ``x_range`` (drawing only; the rates use every score).
    title : str
        Shown above the chart.
    x_range : (float, float), default (0, 100)
        Score range drawn and covered by the slider (ends rounded to 0.01).
    step : float, default 0.01
        Slider step; a multiple of 0.01.
    id : str, optional
        HTML id of the explorer (scopes its CSS); default ``fv-thr-<hash of data>``.

    Returns
    -------
    ThresholdExplorer
        Displays as one self-contained ``text/html`` output (make it the last
        expression of a cell, or pass it to ``IPython.display.display``).
        ``.numbers(t)`` returns what the readout shows at ``t``; ``.html`` is
        the HTML text.
    """
    gen = np.sort(quantise_scores(genuine, "genuine"))
    imp = np.sort(quantise_scores(impostor, "impostor"))
    if isinstance(bins, bool) or not isinstance(bins, numbers.Integral) or not 1 <= bins <= 500:
        raise ValueError(f"bins: expected an integer in 1..500, got {bins!r}.")
    lo, hi = _check_range(x_range)
    step_q = _check_step(step)
    tq = _snap(_check_threshold(threshold), lo, hi, step_q)
    id = _check_id(id, _default_id("fv-thr", gen, imp, tq, bins, title, lo, hi, step_q))
    nums = _rates(gen, imp, tq)
    n_out = int(np.sum((gen < lo) | (gen > hi)) + np.sum((imp < lo) | (imp > hi)))
    outside = (f" {_group(n_out)} scores outside {_fixed(lo, 2)} to {_fixed(hi, 2)} are counted "
               "but not drawn." if n_out else "")

    # Geometry (viewBox units).
    L, R, T, B = 58, 22, 30, 56
    H_ = 276
    W, H = _VB_W - L - R, H_ - T - B

    def xs(q):
        return L + (q - lo) / (hi - lo) * W

    edges_q = np.linspace(lo, hi, bins + 1)
    share_g = np.histogram(gen, bins=edges_q)[0] / gen.size * 100
    share_i = np.histogram(imp, bins=edges_q)[0] / imp.size * 100
    ytop = max(share_g.max(), share_i.max(), 1e-9)
    ystep = _nice_step(ytop, 4)
    ymax = math.ceil(ytop / ystep - 1e-9) * ystep

    def ys(v):
        return T + H - v / ymax * H

    def step_path(share):
        pts = [f"M{_f(xs(edges_q[0]))},{_f(ys(0))}"]
        for i, s in enumerate(share):
            pts.append(f"L{_f(xs(edges_q[i]))},{_f(ys(s))}L{_f(xs(edges_q[i + 1]))},{_f(ys(s))}")
        pts.append(f"L{_f(xs(edges_q[-1]))},{_f(ys(0))}Z")
        return "".join(pts)

    pg, pi = step_path(share_g), step_path(share_i)
    x_t = xs(tq)
    svg = []
    svg.append(f'<svg class="fv-chart" viewBox="0 0 {_VB_W} {H_}" role="img" '
               f'aria-labelledby="{id}-svgt {id}-svgd" focusable="false">')
    svg.append(f'<title id="{id}-svgt">Histograms of genuine and impostor similarity scores '
               f'with the threshold</title>')
    med_g, med_i = np.median(gen) / _PER_UNIT, np.median(imp) / _PER_UNIT
    svg.append(f'<desc id="{id}-svgd">Two overlaid histograms on the 0 to 100 score scale. '
               f'Genuine pairs (same person; blue, filled) have median score {med_g:.1f}; '
               f'impostor pairs (different people; vermillion, hatched, dashed outline) have '
               f'median score {med_i:.1f}. A vertical line marks the threshold, which moves '
               f'with the slider; the bars on the wrong side of it are shaded darker.</desc>')
    svg.append("<defs>" + _hatch_defs(id)
               + f'<clipPath id="{id}-cg"><rect class="fv-clip-gen" x="{L}" y="0" '
                 f'width="{_f(max(0.0, x_t - L))}" height="{H_}"/></clipPath>'
               + f'<clipPath id="{id}-ci"><rect class="fv-clip-imp" x="{_f(x_t)}" y="0" '
                 f'width="{_f(max(0.0, L + W - x_t))}" height="{H_}"/></clipPath></defs>')
    # Grid and y axis.
    v = 0.0
    while v <= ymax + 1e-9:
        y = ys(v)
        svg.append(f'<line x1="{L}" y1="{_f(y)}" x2="{L + W}" y2="{_f(y)}" stroke="{GRID}" stroke-width="1"/>')
        svg.append(f'<text x="{L - 6}" y="{_f(y + 4)}" text-anchor="end" font-size="12">{_num(v)}</text>')
        v += ystep
    svg.append(f'<text transform="translate(15,{_f(T + H / 2)}) rotate(-90)" text-anchor="middle" '
               f'font-size="12.5">Share of pairs<tspan class="fv-long"> per bin</tspan> (%)</text>')
    # Histograms: light everywhere, strong on the error side of the threshold.
    svg.append(f'<path d="{pg}" fill="{GENUINE}" fill-opacity="0.22" stroke="none"/>')
    svg.append(f'<path d="{pg}" fill="{GENUINE}" fill-opacity="0.6" stroke="none" '
               f'clip-path="url(#{id}-cg)"/>')
    svg.append(f'<path d="{pi}" fill="url(#{id}-hatch-off)" stroke="none"/>')
    svg.append(f'<path d="{pi}" fill="url(#{id}-hatch-on)" stroke="none" clip-path="url(#{id}-ci)"/>')
    svg.append(f'<path d="{pg}" fill="none" stroke="{GENUINE}" stroke-width="2" stroke-linejoin="round"/>')
    svg.append(f'<path d="{pi}" fill="none" stroke="{IMPOSTOR}" stroke-width="2" '
               f'stroke-dasharray="6 3" stroke-linejoin="round"/>')
    # x axis.
    svg.append(f'<line x1="{L}" y1="{T + H}" x2="{L + W}" y2="{T + H}" stroke="{AXIS}" stroke-width="1.2"/>')
    xstep = _nice_step((hi - lo) / _PER_UNIT, 10) * _PER_UNIT
    tick = math.ceil(lo / xstep - 1e-9) * xstep
    while tick <= hi + 1e-6:
        x = xs(tick)
        svg.append(f'<line x1="{_f(x)}" y1="{T + H}" x2="{_f(x)}" y2="{T + H + 5}" stroke="{AXIS}"/>')
        svg.append(f'<text x="{_f(x)}" y="{T + H + 19}" text-anchor="middle" font-size="12">'
                   f'{_num(tick / _PER_UNIT)}</text>')
        tick += xstep
    svg.append(f'<text x="{_f(L + W / 2)}" y="{H_ - 6}" text-anchor="middle" font-size="12.5">'
               f'Similarity score (0 to 100<tspan class="fv-long">; a match is a score at or '
               f'above the threshold</tspan>)</text>')
    # Threshold line (under the direct labels, whose white halo keeps them readable).
    svg.append(f'<line class="fv-tline" x1="{_f(x_t)}" y1="{T - 4}" x2="{_f(x_t)}" y2="{T + H}" '
               f'stroke="{TEXT}" stroke-width="2.5"/>')
    # Direct labels above each distribution's tallest bin.
    labels = []
    for share, name in ((share_g, "Genuine"), (share_i, "Impostor")):
        i = int(np.argmax(share))
        labels.append([xs((edges_q[i] + edges_q[i + 1]) / 2), ys(share[i]) - 7, name])
    # Keep the two labels apart when the peaks are close.
    if abs(labels[0][0] - labels[1][0]) < 70 and abs(labels[0][1] - labels[1][1]) < 16:
        upper = 0 if labels[0][1] <= labels[1][1] else 1
        labels[upper][1] = min(labels[0][1], labels[1][1]) - 16
    for x, y, name in labels:
        x = min(max(x, L + 32), L + W - 32)
        svg.append(f'<text x="{_f(x)}" y="{_f(max(y, T + 24))}" text-anchor="middle" font-size="12.5" '
                   f'font-weight="600" stroke="{BACKGROUND}" stroke-width="4" paint-order="stroke">'
                   f'{name}</text>')
    # The threshold's label.
    edge = 62
    anchor = "end" if x_t > L + W - edge else ("start" if x_t < L + edge else "middle")
    svg.append(f'<text class="fv-tlabel" x="{_f(x_t)}" y="{T - 10}" text-anchor="{anchor}" '
               f'font-size="13" font-weight="700">threshold {nums["threshold"]}</text>')
    svg.append("</svg>")

    n_i, n_g = nums["n_impostor"], nums["n_genuine"]
    legend = (
        '<ul class="fv-legend" aria-label="Legend">'
        f'<li>{_legend_swatch("genuine", id)}<span><b>Genuine pairs</b> (same person), '
        f'n = {_group(n_g)}: filled blue</span></li>'
        f'<li>{_legend_swatch("impostor", id)}<span><b>Impostor pairs</b> (different people), '
        f'n = {_group(n_i)}: hatched, dashed outline</span></li>'
        f'<li>{_legend_swatch("threshold", id)}<span>Threshold. Darker shading marks the errors: '
        'genuine pairs below it, impostor pairs at or above it</span></li>'
        '</ul>'
    )
    readouts = (
        '<div class="fv-readouts">'
        f'<output class="fv-card" style="--fv-c:{IMPOSTOR}" for="{id}-t" aria-live="polite" aria-atomic="true">'
        '<span class="fv-card-h">False match rate (FMR)</span>'
        f'<span class="fv-big" data-key="fmr">{nums["fmr"]}</span>'
        f'<span data-key="fmr_one_in">{nums["fmr_one_in"]}</span>'
        f'<span class="fv-card-t"><span data-key="fmr_count">{nums["fmr_count"]}</span> impostor pairs '
        'score at or above the threshold.</span></output>'
        f'<output class="fv-card" style="--fv-c:{GENUINE}" for="{id}-t" aria-live="polite" aria-atomic="true">'
        '<span class="fv-card-h">False non-match rate (FNMR)</span>'
        f'<span class="fv-big" data-key="fnmr">{nums["fnmr"]}</span>'
        f'<span class="fv-card-t"><span data-key="fnmr_count">{nums["fnmr_count"]}</span> genuine pairs '
        'score below the threshold.</span></output>'
        '</div>'
    )
    note = (f'<p class="fv-nojs">This copy is not interactive (it needs JavaScript; in Jupyter, trust '
            f'the notebook). It shows threshold {nums["threshold"]}.</p>')
    controls = ('<div class="fv-controls">'
                + _threshold_controls(id, tq, lo, hi, step_q, "Threshold") + "</div>")
    config = {"id": id, "t": tq, "lo": lo, "hi": hi, "step": step_q,
              "plot": {"L": L, "W": W, "edge": edge},
              "gen": _encode(gen), "imp": _encode(imp)}
    page = (
        f'<div class="fv-explorer fv-threshold-explorer mathjax_ignore tex2jax_ignore" id="{id}" '
        f'role="group" aria-labelledby="{id}-title" data-threshold="{nums["threshold"]}" '
        f'data-impostor-at-or-above="{nums["impostor_at_or_above"]}" '
        f'data-genuine-below="{nums["genuine_below"]}" data-n-impostor="{n_i}" data-n-genuine="{n_g}">'
        f'<style>{_css(id)}</style>'
        f'<p class="fv-title" id="{id}-title">{html.escape(title)}</p>'
        f'<p class="fv-note">Scores are on the 0 to 100 scale (50 × (1 + cosine)), rounded to '
        f'0.01. A pair is a match when its score is at or above the threshold.{outside}</p>'
        + note + legend + "".join(svg) + controls + readouts
        + _script(config, _JS_THRESHOLD) + "</div>"
    )
    text = (f"Threshold explorer (interactive in a browser): at threshold {nums['threshold']}, "
            f"FMR {nums['fmr']} ({nums['fmr_count']} impostor pairs at or above it, "
            f"{nums['fmr_one_in']}); FNMR {nums['fnmr']} ({nums['fnmr_count']} genuine pairs below it).")
    return ThresholdExplorer(page, text, id, gen, imp, lo, hi, step_q)


# --------------------------------------------------------------------------
# Watchlist explorer
# --------------------------------------------------------------------------

def watchlist_explorer(max_impostor_scores: Mapping[int, np.ndarray], gallery_sizes: Sequence[int],
                       fmr_genuine_pairs=None, threshold: float = 80.0, n_probes: int | None = None,
                       *, impostor=None, gallery_size: int | None = None,
                       title: str = "Search a watchlist: how many innocent probes get a false match?",
                       x_range: tuple[float, float] = (0.0, 100.0), step: float = 0.01,
                       id: str | None = None) -> WatchlistExplorer:
    """The watchlist (ACLU) explorer: false matches per probe as the gallery grows.

    Each probe is searched against a gallery of N people, none of whom is the
    probe, so any gallery score at or above the threshold is a false match.

    Parameters
    ----------
    max_impostor_scores : dict {int: array-like of shape (n_sim_probes,)}
        For each gallery size N, each probe's MAXIMUM score against the first
        N gallery people (nested galleries: prefixes of one big gallery; see
        :func:`gallery_max_scores`). Same probes, same length, for every N.
    gallery_sizes : sequence of int
        The gallery sizes offered by the control; must equal the dict's keys.
    fmr_genuine_pairs : array-like, optional
        Mated (genuine) pair scores. When given, a third readout shows the
        FNMR at the threshold: how often a probe whose own photo *is* in the
        gallery would score below it and be missed, the price of a stricter
        threshold.
    threshold : float in [0, 100], default 80
        Starting threshold; snapped to the slider grid.
    n_probes : int, optional
        Probes counted by the formula's expected number (default: the number
        of simulated probes).
    impostor : array-like, optional
        Non-mated pair scores; the formula's FMR(t) comes from them. Without
        them the explorer shows the simulation only.
    gallery_size : int, optional
        Starting gallery size (default: the largest).
    title, x_range, step, id
        As for :func:`threshold_explorer` (default id ``fv-watch-<hash>``).

    Returns
    -------
    WatchlistExplorer
        Displays as one self-contained ``text/html`` output; ``.numbers(t, N)``
        returns what the readout shows.
    """
    sizes, q = _check_gallery(max_impostor_scores, gallery_sizes)
    imp = None if impostor is None else np.sort(quantise_scores(impostor, "impostor"))
    gen = (None if fmr_genuine_pairs is None
           else np.sort(quantise_scores(fmr_genuine_pairs, "fmr_genuine_pairs")))
    n_probes = _check_n_probes(n_probes)
    lo, hi = _check_range(x_range)
    step_q = _check_step(step)
    tq = _snap(_check_threshold(threshold), lo, hi, step_q)
    if gallery_size is None:
        gallery_size = sizes[-1]
    if gallery_size not in q:
        raise ValueError(f"gallery_size: {gallery_size!r} is not one of gallery_sizes {sizes}.")
    gi = sizes.index(gallery_size)
    parts = [q[n] for n in sizes] + [imp, gen, n_probes, tq, gi, title, lo, hi, step_q]
    id = _check_id(id, _default_id("fv-watch", *parts))
    nums = _watch(q, sizes, gallery_size, tq, imp, gen, n_probes)
    m = nums["n_sim_probes"]

    # Chart: share of probes with at least one false match, by gallery size.
    L, R, T, B = 58, 16, 16, 56
    H_ = 236
    W, H = _VB_W - L - R, H_ - T - B
    k = len(sizes)
    slot = W / k
    bw = min(56.0, slot * 0.5)
    svg = [f'<svg class="fv-chart" viewBox="0 0 {_VB_W} {H_}" role="img" '
           f'aria-labelledby="{id}-svgt {id}-svgd" focusable="false">',
           f'<title id="{id}-svgt">Share of probes with at least one false match, by gallery size'
           f'</title>',
           f'<desc id="{id}-svgd">One bar per gallery size ({", ".join(_group(n) for n in sizes)} '
           f'people): the simulated share of probes with at least one false match at the current '
           f'threshold' + ('; diamonds joined by a dashed line give the formula 1 − (1 − FMR)^N'
                           if imp is not None else '')
           + '. The selected gallery size is outlined. The table below the chart lists the same '
             'numbers.</desc>']
    # Starting state of the chart (the script redraws it the same way on every move).
    sim_share = [(q[n].size - int(np.searchsorted(q[n], tq, side="left"))) / q[n].size
                 for n in sizes]
    form_share = []
    if imp is not None:
        fmr0 = nums["impostor_at_or_above"] / nums["n_impostor"]
        form_share = [_p_any(fmr0, n) for n in sizes]
    top = max(sim_share + form_share)
    ymax = next((c for c in (1, 2, 5, 10, 20, 50, 100) if c >= top * 100 - 1e-9), 100)
    n_ticks = 3
    for j in range(n_ticks):
        y = T + H - j / (n_ticks - 1) * H
        v = round(ymax * j / (n_ticks - 1) * 10) / 10
        label = (str(int(v)) if v == int(v) else str(v)) + "%"
        svg.append(f'<line x1="{L}" y1="{_f(y)}" x2="{L + W}" y2="{_f(y)}" stroke="{GRID}"/>')
        svg.append(f'<text class="fv-ytick" x="{L - 6}" y="{_f(y + 4)}" text-anchor="end" '
                   f'font-size="12">{label}</text>')
    svg.append(f'<text class="fv-long" transform="translate(15,{_f(T + H / 2)}) rotate(-90)" '
               f'text-anchor="middle" font-size="12.5">Probes hit (%)</text>')
    for i, n in enumerate(sizes):
        cx = L + slot * (i + 0.5)
        h = sim_share[i] * 100 / ymax * H
        on = i == gi
        svg.append(f'<rect class="fv-bar" x="{_f(cx - bw / 2)}" y="{_f(T + H - h)}" width="{_f(bw)}" '
                   f'height="{_f(h)}" fill="{GENUINE}" fill-opacity="{1 if on else 0.75}" '
                   f'stroke="{TEXT}" stroke-width="{2.5 if on else 0}"/>')
        svg.append(f'<text class="fv-glabel" x="{_f(cx)}" y="{T + H + 18}" text-anchor="middle" '
                   f'font-size="12" font-weight="{700 if on else 400}">{_group(n)}</text>')
    svg.append(f'<line x1="{L}" y1="{T + H}" x2="{L + W}" y2="{T + H}" stroke="{AXIS}" stroke-width="1.2"/>')
    if imp is not None:
        pts = [(L + slot * (i + 0.5), T + H - p * 100 / ymax * H) for i, p in enumerate(form_share)]
        svg.append(f'<polyline class="fv-fline" points="{" ".join(f"{_f(x)},{_f(y)}" for x, y in pts)}" '
                   f'fill="none" stroke="{IMPOSTOR}" stroke-width="2" stroke-dasharray="5 4"/>')
        for x, y in pts:
            svg.append(f'<path class="fv-mark" d="M0 -7 L7 0 L0 7 L-7 0 Z" fill="{IMPOSTOR}" '
                       f'stroke="{TEXT}" stroke-width="1.2" transform="translate({_f(x)},{_f(y)})"/>')
    svg.append(f'<text x="{_f(L + W / 2)}" y="{H_ - 6}" text-anchor="middle" font-size="12.5">'
               f'Gallery size N (people<tspan class="fv-long">, none of them the probe</tspan>)</text>')
    svg.append("</svg>")

    legend = ('<ul class="fv-legend" aria-label="Legend">'
              f'<li>{_legend_swatch("bar", id)}<span><b>Simulated</b>: share of the {_group(m)} '
              f'probes whose best gallery score reaches the threshold</span></li>')
    if imp is not None:
        legend += (f'<li>{_legend_swatch("mark", id)}<span><b>Formula</b> 1 − (1 − FMR)<sup>N</sup>, '
                   f'FMR from {_group(nums["n_impostor"])} impostor pairs</span></li>')
    legend += "</ul>"

    if k > 1:
        gcontrol = (f'<div class="fv-control"><label for="{id}-g">Gallery size</label>'
                    f'<input type="range" class="fv-g" id="{id}-g" min="0" max="{k - 1}" step="1" '
                    f'value="{gi}" aria-valuetext="{nums["gallery_size"]} people" disabled>'
                    f'<span class="fv-value" aria-hidden="true"><span data-key="gallery_size">'
                    f'{nums["gallery_size"]}</span> people</span></div>')
    else:
        gcontrol = (f'<p class="fv-control">Gallery size: <span data-key="gallery_size">'
                    f'{nums["gallery_size"]}</span> people</p>')
    controls = ('<div class="fv-controls">'
                + _threshold_controls(id, tq, lo, hi, step_q, "Threshold") + gcontrol + "</div>")

    both = f"{id}-t {id}-g" if k > 1 else f"{id}-t"
    cards = [
        f'<output class="fv-card" style="--fv-c:{GENUINE}" for="{both}" aria-live="polite" '
        'aria-atomic="true"><span class="fv-card-h">Simulated: probes with at least one false match</span>'
        f'<span class="fv-big" data-key="sim_count">{nums["sim_count"]}</span>'
        f'<span class="fv-card-t">That is <span data-key="sim_share">{nums["sim_share"]}</span> of the '
        'probes, each searched against the gallery at this threshold.</span></output>'
    ]
    if imp is not None:
        cards.append(
            f'<output class="fv-card" style="--fv-c:{IMPOSTOR}" for="{both}" aria-live="polite" '
            'aria-atomic="true"><span class="fv-card-h">Formula: expected number of probes hit</span>'
            f'<span class="fv-big" data-key="expected">{nums["expected"]}</span>'
            f'<span>of {nums["n_probes"]}</span>'
            f'<span class="fv-card-t">FMR <span data-key="fmr">{nums["fmr"]}</span> '
            f'(<span data-key="fmr_one_in">{nums["fmr_one_in"]}</span> impostor pairs), so '
            f'1 − (1 − FMR)<sup>N</sup> = <span data-key="p_any">{nums["p_any"]}</span> per probe.'
            '</span></output>')
    if gen is not None:
        cards.append(
            f'<output class="fv-card" style="--fv-c:{TEXT}" for="{id}-t" aria-live="polite" '
            'aria-atomic="true"><span class="fv-card-h">The price: a wanted person is missed (FNMR)</span>'
            f'<span class="fv-big" data-key="fnmr">{nums["fnmr"]}</span>'
            f'<span class="fv-card-t"><span data-key="fnmr_count">{nums["fnmr_count"]}</span> genuine '
            'pairs score below the threshold.</span></output>')
    readouts = '<div class="fv-readouts">' + "".join(cards) + "</div>"

    head = "<tr><th scope=\"col\">Gallery size N</th><th scope=\"col\">Simulated</th>"
    head += "<th scope=\"col\">Formula, per probe</th></tr>" if imp is not None else "</tr>"
    rows = []
    for n in sizes:
        r = _watch(q, sizes, n, tq, imp, None, n_probes)
        cells = f'<td>{r["sim_count"]} ({r["sim_share"]})</td>'
        if imp is not None:
            cells += f'<td>{r["p_any"]}</td>'
        sel = " fv-sel" if n == gallery_size else ""
        rows.append(f'<tr class="fv-row{sel}"><th scope="row">{_group(n)}</th>{cells}</tr>')
    table = ('<details><summary>Numbers for every gallery size</summary>'
             f'<table><caption class="fv-sr">Probes with at least one false match by gallery size'
             f'</caption>{head}{"".join(rows)}</table></details>')

    note = (f'<p class="fv-nojs">This copy is not interactive (it needs JavaScript; in Jupyter, trust '
            f'the notebook). It shows threshold {nums["threshold"]}.</p>')
    assumption = ('Each probe is searched against N people who are not the probe; any score at or '
                  'above the threshold is a false match. ')
    if imp is not None:
        assumption += ('The formula treats the N comparisons as independent, with the same '
                       'FMR; the simulation uses the actual maximum scores.')
    config = {"id": id, "t": tq, "lo": lo, "hi": hi, "step": step_q, "gi": gi, "sizes": sizes,
              "nProbes": n_probes, "plot": {"L": L, "W": W, "T": T, "H": H, "slot": slot, "edge": 0},
              "sims": [_encode(q[n]) for n in sizes],
              "imp": None if imp is None else _encode(imp),
              "gen": None if gen is None else _encode(gen)}
    data_attrs = (f'data-threshold="{nums["threshold"]}" data-gallery-size="{gallery_size}" '
                  f'data-sim-at-or-above="{nums["sim_at_or_above"]}"')
    if imp is not None:
        data_attrs += f' data-impostor-at-or-above="{nums["impostor_at_or_above"]}"'
    if gen is not None:
        data_attrs += f' data-genuine-below="{nums["genuine_below"]}"'
    page = (
        f'<div class="fv-explorer fv-watchlist-explorer mathjax_ignore tex2jax_ignore" id="{id}" '
        f'role="group" aria-labelledby="{id}-title" {data_attrs}>'
        f'<style>{_css(id)}</style>'
        f'<p class="fv-title" id="{id}-title">{html.escape(title)}</p>'
        f'<p class="fv-note">{assumption}</p>'
        + note + legend + "".join(svg) + controls + readouts + table
        + _script(config, _JS_WATCHLIST) + "</div>"
    )
    text = (f"Watchlist explorer (interactive in a browser): at threshold {nums['threshold']} with a "
            f"gallery of {nums['gallery_size']} people, {nums['sim_count']} simulated probes "
            f"({nums['sim_share']}) have at least one false match")
    if imp is not None:
        text += (f"; the formula 1 - (1 - FMR)^N with FMR {nums['fmr']} predicts {nums['expected']} "
                 f"of {nums['n_probes']} ({nums['p_any']} per probe)")
    if gen is not None:
        text += f"; FNMR {nums['fnmr']}"
    text += "."
    return WatchlistExplorer(page, text, id, sizes, q, imp, gen, n_probes, lo, hi, step_q)
