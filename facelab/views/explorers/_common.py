"""The explorers' numbers: validation, quantisation, typed thresholds, formats, ids.

Everything here is pure Python. The functions the page also needs have a
JavaScript twin of the same name in ``static/core.js`` (``_pct_ratio`` and
``pctRatio``, ``_parse_threshold_text`` and ``parseThreshold``, ...) that gives
the same integers and strings; ``tests/js/explorer-cases.json`` holds the cases
both test suites check.
"""

from __future__ import annotations

import hashlib
import math
import numbers
import re

import numpy as np

#: Grid of the embedded scores and of the thresholds, in score units.
SCORE_STEP = 0.01
_PER_UNIT = 100                    # hundredths per score unit
_QMAX = 100 * _PER_UNIT            # 100.00 as hundredths
_TOL = 1e-6                        # float slack at the ends of the 0..100 scale
_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


# --------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------

def _check_scores(x, name: str) -> np.ndarray:
    """Return ``x`` as a 1-D float64 array of finite scores in [0, 100], or raise."""
    try:
        if np.asarray(x).dtype == bool:  # True is not a score of 1
            raise TypeError
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


def _count_below(sorted_q: np.ndarray, tq: int) -> int:
    """How many of the sorted hundredths are below ``tq`` (JavaScript: countBelow)."""
    return int(np.searchsorted(sorted_q, tq, side="left"))


def _encode(sorted_q: np.ndarray) -> dict:
    """Sorted hundredths as distinct values (delta-encoded) and their counts.

    JavaScript: ``decode`` unpacks it.
    """
    vals, counts = np.unique(sorted_q, return_counts=True)
    return {"v": np.diff(vals, prepend=0).tolist(), "c": counts.tolist()}


# --------------------------------------------------------------------------
# Thresholds: one rounding rule, on decimal digits
# --------------------------------------------------------------------------

# A decimal number as a reader may type it; the same expression is in core.js
# (DECIMAL_TEXT). ASCII digits and white space only, on both sides.
_DECIMAL_TEXT = re.compile(
    r"[ \t\n\r\f\v]*([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?[ \t\n\r\f\v]*")
# Hundredths with more digits than this read as +-inf (core.js: PARSE_LIMIT_DIGITS).
_PARSE_LIMIT_DIGITS = 15


def _round_half_even(a: int, b: int) -> int:
    """``a / b`` for integers ``a >= 0``, ``b > 0``, to the nearest integer, ties to even."""
    q, r = divmod(a, b)
    if 2 * r > b or (2 * r == b and q % 2 == 1):
        q += 1
    return q


def _parse_threshold_text(text: str) -> int | float | None:
    """A typed threshold as hundredths, rounded half to even on its decimal digits.

    The rule of both explorers (JavaScript: ``parseThreshold``): the text is
    read as the decimal number it spells, never through a binary float, and
    rounded to the nearest hundredth, a tie going to the even hundredth.
    ``"87.005"`` gives 8700, ``"87.015"`` 8702, ``"99.995"`` 10000.

    Returns
    -------
    int, float or None
        The hundredths (values off the 0..100 scale as they are, ``"-1"`` gives
        -100); ``inf`` or ``-inf`` when they would have more than 15 digits;
        None when the text is not a decimal number (``""``, ``"abc"``,
        ``"NaN"``, ``"1,5"``).
    """
    m = _DECIMAL_TEXT.fullmatch(str(text))
    if m is None or not (m[2] or m[3]):
        return None
    sign = -1 if m[1] == "-" else 1
    digits = (m[2] + (m[3] or "")).lstrip("0")
    if not digits:
        return 0
    exp = m[4] or "0"
    # An exponent too long for int() is off the scale either way.
    exp = int(exp) if len(exp) <= 20 else (-1 if exp[0] == "-" else 1) * 10 ** 20
    # value = int(digits) * 10**scale hundredths
    scale = exp - len(m[3] or "") + 2
    if len(digits) + scale > _PARSE_LIMIT_DIGITS:
        return sign * math.inf
    if scale >= 0:
        q = int(digits) * 10 ** scale
    elif -scale > len(digits):
        q = 0           # below half a hundredth
    else:
        q = _round_half_even(int(digits), 10 ** -scale)
    return sign * q if q else 0


def _float_hundredths(x: float) -> int:
    """A float as hundredths, by the same rule as a typed value.

    The float is read as its shortest decimal form (``repr``: the text a
    reader would type, and what JavaScript's ``String(x)`` gives), so
    ``87.005`` counts as the decimal 87.005 and rounds to 8700, although the
    nearest binary float is a little below it.
    """
    return _parse_threshold_text(repr(float(x)))


def _check_threshold(threshold, name: str = "threshold") -> int:
    """Return the threshold as hundredths (rounded to the 0.01 grid), or raise."""
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise ValueError(f"{name}: expected a number in [0, 100], got {threshold!r}.")
    t = float(threshold)
    if not math.isfinite(t) or t < 0 or t > 100:
        raise ValueError(f"{name}: must be in [0, 100] (the book's score scale), "
                         f"got {threshold!r}.")
    return _float_hundredths(t)


def _check_range(x_range, name: str = "x_range") -> tuple[int, int]:
    try:
        lo, hi = (float(v) for v in x_range)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected (low, high) within [0, 100], "
                         f"got {x_range!r}.") from None
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo < 0 or hi > 100 or hi <= lo:
        raise ValueError(f"{name}: expected 0 <= low < high <= 100, got {x_range!r}.")
    lo_q, hi_q = _float_hundredths(lo), _float_hundredths(hi)
    if hi_q <= lo_q:
        raise ValueError(f"{name}: low and high round to the same 0.01, got {x_range!r}.")
    return lo_q, hi_q


def _check_step(step) -> int:
    if isinstance(step, bool) or not isinstance(step, numbers.Real) or not math.isfinite(step) \
            or not 0 < step <= 100:
        raise ValueError(f"step: expected a positive multiple of 0.01, got {step!r}.")
    q = int(round(float(step) * _PER_UNIT))
    if q < 1 or abs(q - float(step) * _PER_UNIT) > 1e-6:
        raise ValueError(f"step: expected a positive multiple of 0.01, got {step!r}.")
    return q


def _snap_to_grid(tq, lo: int, hi: int, step: int) -> int:
    """Hundredths moved into [lo, hi], then to the nearest lo + k*step, ties to even k.

    JavaScript: ``snap`` (what the page does with a typed value).
    """
    tq = min(max(tq, lo), hi)
    last = lo + ((hi - lo) // step) * step
    return min(lo + _round_half_even(int(tq) - lo, step) * step, last)


def _snap(tq: int, lo: int, hi: int, step: int, name: str = "threshold") -> int:
    """Snap hundredths to the slider grid lo + k*step, refusing values outside [lo, hi]."""
    if tq < lo or tq > hi:
        raise ValueError(f"{name}: {tq / _PER_UNIT:.2f} is outside the slider's range "
                         f"[{lo / _PER_UNIT:.2f}, {hi / _PER_UNIT:.2f}] (x_range).")
    return _snap_to_grid(tq, lo, hi, step)


def _check_n_probes(n_probes) -> int | None:
    if n_probes is None:
        return None
    if isinstance(n_probes, bool) or not isinstance(n_probes, numbers.Integral) or n_probes < 1:
        raise ValueError(f"n_probes: expected a positive integer, got {n_probes!r}.")
    return int(n_probes)


# --------------------------------------------------------------------------
# Ids
# --------------------------------------------------------------------------

def _check_title(title, name: str = "title") -> str:
    """The explorer's title: a string (it is escaped into the page)."""
    if not isinstance(title, str):
        raise TypeError(f"{name}: expected a string, got {type(title).__name__} {title!r}.")
    return title


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
# Number formatting, mirrored digit for digit by core.js
# --------------------------------------------------------------------------

def _group(n: int) -> str:
    """JavaScript: group."""
    return f"{int(n):,}"


def _fixed(r: int, d: int) -> str:
    """The non-negative integer ``r`` scaled by 10**-d, as text with d decimals (fixed)."""
    ip, fp = divmod(int(r), 10 ** d)
    return _group(ip) + ("." + str(fp).zfill(d) if d else "")


def _pct_ratio(k: int, n: int) -> str:
    """100*k/n as a percentage, rounded half up from the exact fraction (pctRatio)."""
    if k == 0:
        return "0.00%"
    for d in range(2, 7):
        r = (2 * k * 100 * 10 ** d + n) // (2 * n)
        if r >= 100 or d == 6:
            return _fixed(r, d) + "%"
    raise AssertionError  # unreachable


def _pct_float(p: float) -> str:
    """100*p (a float probability) as a percentage, rounded half up (pctFloat)."""
    x = p * 100.0
    if x <= 0:
        return "0.00%"
    for d in range(2, 7):
        r = math.floor(x * float(10 ** d) + 0.5)
        if r >= 100 or d == 6:
            return _fixed(r, d) + "%" if r > 0 else "<0.000001%"
    raise AssertionError  # unreachable


def _one_in(k: int, n: int) -> str:
    """JavaScript: oneIn."""
    if k == 0:
        return f"none of {_group(n)}"
    return f"about 1 in {_group((2 * n + k) // (2 * k))}"


def _p_any(fmr: float, n: int) -> float:
    """P(at least one false match among n independent comparisons), stably (pAny)."""
    if fmr >= 1.0:
        return 1.0  # log1p(-1) is -inf; JavaScript's Math gives 1 here too
    return -math.expm1(n * math.log1p(-fmr))


# --------------------------------------------------------------------------
# Chart helpers
# --------------------------------------------------------------------------

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
