"""Argument checks shared by every public function of the package (layer 0).

One checker per kind of argument, so that every function refuses a bad value
the same way: a ``TypeError`` when the *kind* is wrong (a string where a
number belongs, a bool where an integer belongs) and a ``ValueError`` when
the kind is right but the value is not (a NaN, a threshold of 200, an empty
array). Every message starts with the argument's name and a colon, then says
what is allowed and what was given::

    threshold: must be a number in [0, 100] on the book's score scale, got 200.

Each checker returns the value in the plain type the caller should use
(``float``, ``int``, a float64 array), so a function checks and converts in
one line and never meets NumPy's own error messages further down.

Booleans are refused wherever a number is asked for, although Python counts
``True`` as 1: a ``True`` passed as a threshold or a count is always a
mistake. Strings are refused wherever a number is asked for, even when they
look like one (``"80"``): a chapter that reads a number from a text box must
convert it itself.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

__all__ = [
    "ArgumentError",
    "ArgumentTypeError",
    "check_real",
    "check_int",
    "check_seed",
    "check_threshold",
    "check_thresholds",
    "check_rate",
    "check_rates",
    "check_share",
    "check_shares",
    "check_bool",
    "check_choice",
    "check_callable",
    "check_progress",
    "check_n_jobs",
    "check_array",
    "check_scores",
    "check_labels",
    "check_text",
    "check_rows",
    "SEED_BITS",
]

#: Seeds are integers in [0, 2**SEED_BITS) everywhere in the package.
SEED_BITS = 32


class ArgumentError(ValueError):
    """A bad value for an argument: the kind was right, the value was not."""


class ArgumentTypeError(TypeError, ValueError):
    """A bad kind of argument (a string for a number, a bool for a count).

    Also a ``ValueError``, so code written for version 0.1, which raised
    ``ValueError`` for every bad argument, still catches it.
    """


def _kind(value: Any) -> str:
    return type(value).__name__


def _is_bool(value) -> bool:
    return isinstance(value, (bool, np.bool_))


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not _is_bool(value)


def _fmt(x: float) -> str:
    return f"{x:,}" if isinstance(x, int) else f"{x:g}"


def _interval(low, high, low_open: bool, high_open: bool) -> str:
    if low is None and high is None:
        return "any number"
    if high is None:
        return f"a number {'>' if low_open else '>='} {_fmt(low)}"
    if low is None:
        return f"a number {'<' if high_open else '<='} {_fmt(high)}"
    return (f"a number in {'(' if low_open else '['}{_fmt(low)}, {_fmt(high)}"
            f"{')' if high_open else ']'}")


def check_real(value, name: str, low: float | None = None, high: float | None = None, *,
               low_open: bool = False, high_open: bool = False, allow_inf: bool = False,
               what: str = "") -> float:
    """Return ``value`` as a ``float`` in the given range, or raise.

    Parameters
    ----------
    value : real number
        Python or NumPy scalar; not a bool, a string or an array.
    name : str
        The argument's name, which starts the message.
    low, high : float, optional
        Bounds (inclusive unless ``low_open`` / ``high_open``).
    allow_inf : bool, default False
        Accept +-inf (still subject to the bounds).
    what : str, optional
        Words appended to the range in the message (e.g. "on the book's score scale").
    """
    allowed = _interval(low, high, low_open, high_open) + (f" {what}" if what else "")
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if not _is_real(value):
        raise ArgumentTypeError(f"{name}: must be {allowed}, got {_kind(value)} {value!r}.")
    x = float(value)
    if math.isnan(x) or (math.isinf(x) and not allow_inf):
        raise ArgumentError(f"{name}: must be {allowed}, got {x}.")
    if low is not None and (x < low or (low_open and x == low)):
        raise ArgumentError(f"{name}: must be {allowed}, got {_fmt(x)}.")
    if high is not None and (x > high or (high_open and x == high)):
        raise ArgumentError(f"{name}: must be {allowed}, got {_fmt(x)}.")
    return x


def check_int(value, name: str, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an ``int`` in [low, high] (no bound where None).

    Floats are refused even when whole (``2.0``): a count written as a float
    usually comes from a division that should not have happened.
    """
    if low is None and high is None:
        span = ""
    elif high is None:
        span = f">= {low:,}"
    elif low is None:
        span = f"<= {high:,}"
    else:
        span = f"in [{low:,}, {high:,}]"
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if _is_bool(value) or not isinstance(value, numbers.Integral):
        raise ArgumentTypeError(f"{name}: must be an integer{' ' + span if span else ''}, "
                                f"got {_kind(value)} {value!r}.")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ArgumentError(f"{name}: must be {span}, got {value:,}.")
    return value


def check_seed(seed, name: str = "seed", allow_none: bool = False) -> int | None:
    """Return ``seed`` as an ``int`` in [0, 2**32) (or None if ``allow_none``)."""
    if seed is None and allow_none:
        return None
    if _is_bool(seed) or not isinstance(seed, numbers.Integral):
        extra = " or None" if allow_none else ""
        raise ArgumentTypeError(f"{name}: must be an integer in [0, 2**{SEED_BITS}){extra}, "
                        f"got {_kind(seed)} {seed!r}.")
    if not 0 <= int(seed) < 2 ** SEED_BITS:
        raise ArgumentError(f"{name}: must be an integer in [0, 2**{SEED_BITS}), "
                            f"got {int(seed):,}.")
    return int(seed)


_SCALE = "on the book's score scale (score = 50 * (1 + cosine))"


def check_threshold(threshold, name: str = "threshold") -> float:
    """One threshold on the book's 0-100 score scale, as a ``float``."""
    return check_real(threshold, name, 0, 100, what=_SCALE)


def _numeric_array(x, name: str, allowed: str) -> np.ndarray:
    if isinstance(x, (str, bytes)):
        raise ArgumentTypeError(f"{name}: must be {allowed}, got {_kind(x)} {x!r}.")
    try:
        a = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise ArgumentError(f"{name}: must be {allowed}; could not read it as an array ({exc}).") \
            from None
    if a.dtype == bool or not (np.issubdtype(a.dtype, np.floating)
                               or np.issubdtype(a.dtype, np.integer)):
        raise ArgumentTypeError(f"{name}: must be {allowed}, got an array of {a.dtype}.")
    return a


def check_thresholds(threshold, name: str = "threshold", low: float | None = 0,
                     high: float | None = 100, allow_inf: bool = False) -> np.ndarray:
    """Thresholds (a number or an array of any shape) as float64, refusing NaN.

    The default range is the book's 0-100 score scale; pass ``low=None,
    high=None, allow_inf=True`` for scores on any scale (as the error-rate
    functions of :mod:`facelab.evaluation.rates` accept).
    """
    allowed = _interval(low, high, False, False)
    if low == 0 and high == 100:
        allowed += " " + _SCALE
    elif low == 0 and high == 1:
        allowed = "a rate in [0, 1] (a probability: 0.001 is 0.1%)"
    elif allow_inf and low is None and high is None:
        allowed = "a number (+-inf allowed)"
    t = _numeric_array(threshold, name, allowed + " (or an array of them)").astype(np.float64)
    if np.any(np.isnan(t)):
        raise ArgumentError(f"{name}: is NaN; it must be {allowed}.")
    if allow_inf and low is None and high is None:
        return t
    bad = ~np.isfinite(t) if not allow_inf else np.zeros(t.shape, bool)
    if low is not None:
        bad |= t < low
    if high is not None:
        bad |= t > high
    if np.any(bad):
        raise ArgumentError(f"{name}: must be {allowed}, got {t[bad].ravel()[0]:g}.")
    return t


def check_rate(p, name: str, *, open_interval: bool = False) -> float:
    """A rate (probability) as a ``float`` in [0, 1], or in (0, 1) if ``open_interval``."""
    try:
        return check_real(p, name, 0, 1, low_open=open_interval, high_open=open_interval)
    except ArgumentTypeError:
        raise ArgumentTypeError(f"{name}: must be a rate in "
                                f"{'(0, 1)' if open_interval else '[0, 1]'}"
                                f" (0.001 is 0.1%), got {_kind(p)} {p!r}.") from None
    except ArgumentError:
        raise ArgumentError(f"{name}: must be a rate in {'(0, 1)' if open_interval else '[0, 1]'}"
                            f" (0.001 is 0.1%), got {p!r}.") from None


def check_rates(p, name: str) -> np.ndarray:
    """Rates (a number or an array of any shape) in [0, 1], as float64."""
    return check_thresholds(p, name, low=0, high=1)


def check_share(share, name: str = "share") -> float:
    """A share of a group in [0, 1] (0.1 is 10 %), as a ``float``."""
    return check_real(share, name, 0, 1, what="(a share: 0.1 is 10%)")


def check_shares(shares, name: str, allowed_keys=None) -> dict[str, float]:
    """A dict of group name -> share in [0, 1] whose values add up to 1."""
    if not isinstance(shares, Mapping) or not shares:
        raise ArgumentTypeError(f"{name}: must be a non-empty dict of group name -> share, "
                        f"e.g. {{'A': 0.8, 'B': 0.2}}; got {_kind(shares)}.")
    out = {}
    for key, share in shares.items():
        if allowed_keys is not None and key not in allowed_keys:
            raise ArgumentError(f"{name}: unknown group {key!r}; the groups are "
                             f"{list(allowed_keys)}.")
        try:
            out[key] = check_share(share, name)
        except ArgumentError as exc:  # name the group too
            raise type(exc)(str(exc).replace(f"{name}: ", f"{name}: the share of {key!r} ", 1)) \
                from None
    total = sum(out.values())
    if abs(total - 1) > 1e-9:
        raise ArgumentError(f"{name}: shares must add up to 1, got {total:g}.")
    return out


def check_bool(value, name: str) -> bool:
    """``True`` or ``False`` (Python or NumPy), as a ``bool``; 0 and 1 are refused."""
    if not _is_bool(value):
        raise ArgumentTypeError(f"{name}: must be True or False, got {_kind(value)} {value!r}.")
    return bool(value)


def check_choice(value, name: str, options) -> Any:
    """``value`` if it is one of ``options`` (compared with ==), else raise."""
    options = tuple(options)
    if isinstance(value, Mapping) or isinstance(value, (list, np.ndarray)) \
            or value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ArgumentError(f"{name}: must be one of {listed}; got {value!r}.")
    return value


def check_callable(fn, name: str) -> Callable:
    """``fn`` if it can be called."""
    if not callable(fn):
        raise ArgumentTypeError(f"{name}: must be a function, got {_kind(fn)} {fn!r}.")
    return fn


def check_progress(progress, name: str = "progress"):
    """None, or a callable ``progress(done, total)``."""
    if progress is not None and not callable(progress):
        raise ArgumentTypeError(f"{name}: must be None or a function progress(done, total), "
                                f"for example facelab.progress.print_progress('Searching'); "
                                f"got {_kind(progress)}.")
    return progress


def check_n_jobs(n_jobs, name: str = "n_jobs") -> int:
    """Worker processes, as in scikit-learn: None or 1 is one, -1 one per core, -2 all but one."""
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
        else (os.cpu_count() or 1)
    if n_jobs is None:
        return 1
    n_jobs = check_int(n_jobs, name, -cores, 64)
    if n_jobs == 0:
        raise ArgumentError(f"{name}: must be 1 to 64, or -1 to -{cores} (counting back from "
                            "one per core), not 0.")
    return cores + 1 + n_jobs if n_jobs < 0 else n_jobs


def check_array(x, name: str, *, ndim: int | tuple[int, ...] | None = None,
                shape: tuple | None = None, min_rows: int = 1, finite: bool = True,
                low: float | None = None, high: float | None = None,
                dtype=np.float64, what: str = "numbers") -> np.ndarray:
    """A numeric array (not bool, not strings) of the given dimensions, as ``dtype``.

    Parameters
    ----------
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.
    shape : tuple, optional
        Required shape; None entries match any length.
    min_rows : int, default 1
        Smallest length along the first axis (0 allows empty arrays).
    finite : bool, default True
        Refuse NaN and infinities.
    low, high : float, optional
        Inclusive bounds on every value.
    dtype : numpy dtype or None, default float64
        The result's dtype; None keeps float32 input as float32 (fast paths)
        and makes anything else float64.
    what : str
        What the array holds, for the message ("scores", "images", ...).
    """
    a = _numeric_array(x, name, f"an array of {what}")
    if dtype is None:  # keep float32 (fast paths), anything else becomes float64
        dtype = np.float32 if a.dtype == np.float32 else np.float64
    dims = (ndim,) if isinstance(ndim, int) else ndim
    if dims is not None and a.ndim not in dims:
        want = " or ".join(f"{d}-D" for d in dims)
        raise ArgumentError(f"{name}: must be a {want} array of {what}, got shape {a.shape}.")
    if shape is not None:
        if a.ndim != len(shape) or any(s is not None and s != n
                                       for s, n in zip(shape, a.shape, strict=True)):
            want = "(" + ", ".join("n" if s is None else str(s) for s in shape) + ")"
            raise ArgumentError(f"{name}: must have shape {want}, got {a.shape}.")
    if a.ndim >= 1 and a.shape[0] < min_rows:
        raise ArgumentError(f"{name}: is empty; at least {min_rows} "
                         f"{'row is' if min_rows == 1 else 'rows are'} needed."
                         if a.shape[0] == 0 else
                         f"{name}: needs at least {min_rows} rows, got {a.shape[0]}.")
    if a.ndim >= 2 and 0 in a.shape[1:]:
        raise ArgumentError(f"{name}: has a dimension of length 0 (shape {a.shape}).")
    if finite and not np.all(np.isfinite(a)):
        raise ArgumentError(f"{name}: contains NaN or infinite values; every value must be finite.")
    if low is not None or high is not None:
        lo = -np.inf if low is None else low
        hi = np.inf if high is None else high
        bad = (a < lo) | (a > hi)
        if np.any(bad):
            raise ArgumentError(f"{name}: every value must be in [{_fmt(lo)}, {_fmt(hi)}], got "
                             f"{a[bad].ravel()[0]:g}.")
    return a.astype(dtype, copy=False)


def check_scores(scores, name: str, low: float | None = None,
                 high: float | None = None) -> np.ndarray:
    """A non-empty 1-D array of finite scores, as float64."""
    return check_array(scores, name, ndim=1, low=low, high=high, what="scores")


def check_labels(labels, name: str, n: int | None = None, min_size: int = 1) -> np.ndarray:
    """A 1-D array of labels (ids or groups; any hashable type), of length ``n`` if given."""
    if isinstance(labels, (str, bytes)):
        raise ArgumentTypeError(f"{name}: must be an array of labels, one per row, got a string.")
    try:
        a = np.asarray(labels)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise ArgumentError(f"{name}: must be a 1-D array of labels; could not read it as an "
                            f"array ({exc}).") from None
    if a.ndim != 1:
        raise ArgumentError(f"{name}: must be a 1-D array of labels, got shape {a.shape}.")
    if n is not None and a.shape[0] != n:
        raise ArgumentError(f"{name}: must have one label per row ({n:,}), got {a.shape[0]:,}.")
    if a.shape[0] < min_size:
        raise ArgumentError(f"{name}: is empty; at least {min_size} label is needed.")
    if a.dtype.kind == "f" and np.any(np.isnan(a)):
        raise ArgumentError(f"{name}: contains NaN; labels must be ids or names.")
    return a


def check_text(value, name: str, *, allow_empty: bool = False) -> str:
    """``value`` if it is a ``str`` (a name, a key, a title); non-empty unless ``allow_empty``."""
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{name}: must be a string, got {_kind(value)} {value!r}.")
    if not value and not allow_empty:
        raise ArgumentError(f"{name}: must not be empty.")
    return value


def check_rows(rows, name: str, columns=(), min_rows: int = 1) -> list[Mapping]:
    """Table rows: a list (or tuple) of dicts, each with every key in ``columns``.

    Returned as a list; the values are not checked here (the caller knows their kinds).
    """
    if isinstance(rows, (str, bytes, Mapping)) or not isinstance(rows, (list, tuple)):
        raise ArgumentTypeError(f"{name}: must be a list of dicts (one per row), "
                                f"got {_kind(rows)}.")
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise ArgumentTypeError(f"{name}: row {i} must be a dict, got {_kind(row)} {row!r}.")
        missing = [c for c in columns if c not in row]
        if missing:
            raise ArgumentError(f"{name}: row {i} lacks {', '.join(map(repr, missing))}; every "
                                f"row needs {', '.join(map(repr, columns))}.")
    if len(rows) < min_rows:
        raise ArgumentError(f"{name}: is empty; at least {min_rows} row is needed.")
    return list(rows)
