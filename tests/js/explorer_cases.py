"""Write tests/js/explorer-cases.json: the explorers' number cases, for both test suites.

Each case gives inputs and the exact result the page must show. The results
come from reference computations written here, independently of the code
under test where the standard library allows (``fractions.Fraction`` for the
percentages, ``decimal.Decimal`` for typed thresholds, ``bisect`` for the
searches), and from ``facelab.views.explorers`` itself for the whole readouts
and the floating-point probabilities. ``tests/js/explorer-core.test.js``
checks ``static/core.js`` against every case; ``tests/test_explorers.py``
checks the Python twins against them and that this file is current.

Usage::

    .venv/bin/python tests/js/explorer_cases.py      # rewrite the JSON
"""

from __future__ import annotations

import bisect
import json
import math
import re
import sys
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from facelab.evaluation import leads  # noqa: E402
from facelab.views.explorers import (  # noqa: E402
    groups_numbers,
    review_numbers,
    threshold_explorer,
    watchlist_numbers,
)
from facelab.views.explorers._common import _encode, _p_any, _pct_float  # noqa: E402
from facelab.views.explorers.groups import _Counted, _equal_fmr_b, _grid_encode, _times  # noqa: E402
from facelab.views.explorers.review import _amount  # noqa: E402

CASES = Path(__file__).with_name("explorer-cases.json")
REVIEW_CASES = Path(__file__).with_name("review-cases.json")
GROUPS_CASES = Path(__file__).with_name("groups-cases.json")
GRIDS = [[0, 10000, 1], [5000, 10000, 1], [0, 10000, 5], [0, 10000, 10], [0, 9995, 10]]


# --------------------------------------------------------------------------
# References
# --------------------------------------------------------------------------

def half_up(x: Fraction) -> int:
    return math.floor(x + Fraction(1, 2))


def ref_pct_ratio(k: int, n: int) -> str:
    if k == 0:
        return "0.00%"
    x = Fraction(100 * k, n)
    for d in range(2, 7):
        r = half_up(x * 10 ** d)
        if r >= 100 or d == 6:
            return f"{Decimal(r).scaleb(-d):,.{d}f}%"
    raise AssertionError


def ref_fixed(r: int, d: int) -> str:
    return f"{Decimal(r).scaleb(-d):,.{d}f}"


def ref_one_in(k: int, n: int) -> str:
    return f"none of {n:,}" if k == 0 else f"about 1 in {half_up(Fraction(n, k)):,}"


def ref_half_even(a: int, b: int) -> int:
    return round(Fraction(a, b))          # Fraction.__round__ rounds half to even


def ref_snap(tq, lo: int, hi: int, step: int) -> int:
    t = Fraction(min(max(tq, lo), hi))
    grid = range(lo, hi + 1, step)
    # Nearest grid point; of two equally near, the one with even k.
    return min(grid, key=lambda g: (abs(t - g), (g - lo) // step % 2))


DECIMAL = re.compile(r"[ \t\n\r\f\v]*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
                     r"[ \t\n\r\f\v]*")


def ref_parse(text: str):
    """Hundredths by Decimal arithmetic (ties to even), or None, or +-inf beyond 15 digits."""
    if not DECIMAL.fullmatch(text):
        return None
    with localcontext() as ctx:
        ctx.prec, ctx.Emax, ctx.Emin = 1000, 10 ** 6, -10 ** 6
        x = Decimal(text.strip(" \t\n\r\f\v")) * 100
        if abs(x) >= Decimal(10) ** 15:
            return math.copysign(math.inf, x)
        q = int(x.to_integral_value(rounding=ROUND_HALF_EVEN))
    return q


def number(x):
    """A case value for JSON: infinities as strings."""
    if isinstance(x, float) and math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------

TEXTS = [
    # the rounding rule: ties to even on the decimal digits
    "87.005", "87.015", "87.025", "0.005", "0.015", "0.025", "99.995", "99.985", "100.005",
    "100.004", "87.0050000001", "87.00499999", "8.7005e1", "8700.5e-2", "-0.005", "-0.015",
    # forms a reader may type
    "80", " 80 ", "\t50\n", "80.", ".5", "+80", "-0", "-0.004", "-0.006", "1e2", "1E2", "1e-3",
    "0.0049", "-1", "101", "1e400", "-1e400", "1e-400", "999999999999.995", "9999999999999.99",
    "10000000000000", "1e12", "1e13",
    # not numbers
    "", " ", "abc", "NaN", "nan", "Infinity", "inf", "1,5", "1_000", "--1", "1e", "e5", ".", "+",
    "1.2.3", "0x10", "\u0661\u0662", "\u00a080", "80%",
]

FLOATS = [87.005, 87.015, 0.005, 99.995, 80.0, 80, 0.1 + 0.2, 1e-7, 5e-3, 12.345, 12.355,
          33.335, 100.0, 0.0, 2.675, 1.005]


def sample(n, mean, sd, seed):
    rng = np.random.default_rng(seed)
    q = np.rint(np.clip(rng.normal(mean, sd, n), 0, 100) * 100).astype(np.int64)
    return np.sort(q)


def readout_data():
    tiny_gen, tiny_imp = np.array([8000, 9000]), np.array([5000, 7999, 8000, 8000])
    gen, imp = sample(300, 82, 7, 1), sample(3000, 52, 10, 2)
    gen[-3:], imp[-3:] = [8000, 8000, 7999], [8000, 10000, 0]
    # large counts: thousands separators and a tiny FMR
    big_imp = np.repeat(np.array([3000, 5000, 7000, 9000, 9990]),
                        [400_000, 700_000, 99_000, 1_000, 3])
    big_gen = np.repeat(np.array([7000, 8500, 10000]), [7, 12_000, 3])
    return [("tiny", np.sort(tiny_gen), np.sort(tiny_imp)), ("normal", np.sort(gen), np.sort(imp)),
            ("large", big_gen, big_imp)]


def threshold_readouts():
    out = []
    for name, gen, imp in readout_data():
        thresholds = [0, 1, 5000, 7999, 8000, 8001, 8700, 8702, 9000, 9990, 9999, 10000]
        # The explorer's .numbers is explorer_numbers without quantising again.
        ex = threshold_explorer(gen / 100, imp / 100, id=f"cases-{name}")
        out.append({
            "name": name,
            "gen": _encode(gen), "imp": _encode(imp),
            "readouts": [[tq, ex.numbers(tq / 100)] for tq in thresholds],
        })
    return out


def watchlist_readouts():
    rng = np.random.default_rng(3)
    matrix = np.rint(np.clip(rng.normal(55, 9, (40, 400)), 0, 100) * 100) / 100
    running = np.maximum.accumulate(matrix, axis=1)
    sizes = [1, 10, 100, 400]
    sims = {n: np.sort(np.rint(running[:, n - 1] * 100).astype(np.int64)) for n in sizes}
    imp = np.sort(np.rint(matrix.ravel() * 100).astype(np.int64))
    gen = sample(200, 84, 6, 4)
    variants = []
    for n_probes in (None, 535):
        for with_imp, with_gen in ((True, True), (False, False), (True, False)):
            readouts = []
            for n in sizes:
                for tq in (5000, 7000, 8000, 8555, 9500, 10000):
                    got = watchlist_numbers(
                        sims[n] / 100, n, tq / 100,
                        impostor=imp / 100 if with_imp else None, n_probes=n_probes,
                        fmr_genuine_pairs=gen / 100 if with_gen else None)
                    readouts.append([n, tq, got])
            variants.append({"n_probes": n_probes, "imp": with_imp, "gen": with_gen,
                             "readouts": readouts})
    return {"sims": {str(n): _encode(sims[n]) for n in sizes}, "imp": _encode(imp),
            "gen": _encode(gen), "variants": variants}


def build_cases() -> dict:
    big = 2 ** 51
    idiv = [[a, b] for a, b in [(0, 1), (7, 2), (6, 3), (10 ** 15, 7), (3 * big - 1, 3),
                                (3 * big + 1, 3), (2 ** 53 - 1, 10), (99, 100), (100, 100),
                                (2 * 1 * 100 * 10 ** 6 + 3, 2 * 3)]]
    groups = [0, 7, 999, 1000, 12345, 999999, 1000000, 1234567, 13_375_000, 2 ** 53 - 1,
              -1234, -123, -1000]
    fixed = [[0, 2], [5, 2], [8000, 2], [10000, 2], [1234567, 1], [7, 0], [1234, 0],
             [100, 6], [99999999, 3], [3005, 1]]
    ratios = [(0, 10), (7, 7), (1, 3), (2, 3), (1, 8), (1, 16), (1, 32), (1, 1600), (1, 3200),
              (1, 2000), (5, 1000), (1, 300_000), (1, 10 ** 8), (1, 2 * 10 ** 8),
              (1, 3 * 10 ** 8), (123_456, 13_375_000), (13_400_000, 13_400_000),
              (13_399_999, 13_400_000), (999, 1000), (9995, 10000), (1, 1)]
    one_in = [(0, 300_000), (123, 100_000), (2, 3), (1, 1), (1, 13_400_000), (3, 7), (2, 5),
              (1, 10 ** 9), (7, 7), (400, 1_200_003)]
    probs = [0.0, 1.0, 0.5, 1e-12, 1e-9, 5e-9, 4.9e-9, 0.123456, 0.0000125, 0.999999,
             0.9999999, 1 - 1e-12, 0.00125, 0.001255, 0.000333, 1 / 3, 2 / 3, 0.99995]
    p_any = [(0.0, 10), (1.0, 10), (1e-12, 25_000), (1e-6, 1), (1e-6, 25_000), (0.5, 1),
             (0.5, 2), (0.001, 1000), (0.01, 25_000), (3 / 13_375_000, 25_000), (0.999, 2),
             (1 / 3, 3), (0.0001, 535), (2e-7, 1000)]
    arrays = [[], [5], [1, 1, 1], [1, 2, 2, 3, 5, 8, 13], list(range(0, 10001, 371))]
    searches = {"arrays": arrays,
                "cases": [[i, x, bisect.bisect_left(a, x)] for i, a in enumerate(arrays)
                          for x in (-1, 0, 1, 2, 3, 5, 7, 13, 14, 5000, 9999, 10000, 10001)]}
    counted = []
    for name, _gen, imp in readout_data()[:2]:
        counted.append({"name": name, "enc": _encode(imp), "n": int(imp.size),
                        "below": [[tq, int(np.sum(imp < tq))]
                                  for tq in (0, 1, 4999, 5000, 5001, 7999, 8000, 10000, 10001)]})
    half_even = [[a, b, ref_half_even(a, b)] for a, b in
                 [(0, 5), (5, 10), (15, 10), (25, 10), (24, 10), (26, 10), (7, 2), (9, 2),
                  (1, 3), (2, 3), (10 ** 14 + 5, 10)]]
    snaps = []
    for lo, hi, step in GRIDS:
        for tq in (-100, 0, 1, 2, 3, 4, 5, 7, 15, 25, 4999, 5000, 5003, 8700, 9995, 9996,
                   9999, 10000, 10100, math.inf, -math.inf):
            snaps.append([number(tq), lo, hi, step, ref_snap(tq, lo, hi, step)])
    parse = []
    for text in TEXTS:
        q = ref_parse(text)
        committed = [None if q is None else ref_snap(q, lo, hi, step) for lo, hi, step in GRIDS]
        parse.append({"text": text, "hundredths": number(q), "committed": committed})
    floats = [[x, ref_parse(repr(float(x)))] for x in FLOATS]
    return {
        "about": "Generated by tests/js/explorer_cases.py; do not edit by hand.",
        "idiv": [[a, b, a // b] for a, b in idiv],
        "group": [[n, f"{n:,}"] for n in groups],
        "fixed": [[r, d, ref_fixed(r, d)] for r, d in fixed],
        "pct_ratio": [[k, n, ref_pct_ratio(k, n)] for k, n in ratios],
        "one_in": [[k, n, ref_one_in(k, n)] for k, n in one_in],
        "pct_float": [[p, _pct_float(p)] for p in probs],
        "p_any": [[f, n, _p_any(f, n), _pct_float(_p_any(f, n))] for f, n in p_any],
        "lower_bound": searches,
        "count_below": counted,
        "round_half_even": half_even,
        "grids": GRIDS,
        "snap": snaps,
        "parse": parse,
        "float_thresholds": floats,
        "threshold_readouts": threshold_readouts(),
        "watchlist_readouts": watchlist_readouts(),
    }


def dumps(cases: dict) -> str:
    """JSON with one case a line (readable diffs, small file)."""
    def line(x):
        return json.dumps(x, ensure_ascii=True, allow_nan=False, separators=(",", ":"))

    parts = []
    for key, value in cases.items():
        if isinstance(value, list) and value:
            body = "[\n" + ",\n".join("  " + line(v) for v in value) + "\n ]"
        else:
            body = line(value)
        parts.append(f" {line(key)}: {body}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


# --------------------------------------------------------------------------
# The review explorer (tests/js/review-cases.json)
# --------------------------------------------------------------------------

# (n, p) pairs for the binomial arithmetic: tiny and huge galleries, tails far
# below 1e-16, p at and next to 0 and 1, lower sums on either side of 1/2.
BINOMIAL = [(1, 0.5), (2, 0.5), (5, 0.0), (5, 1.0), (39, 0.0287), (39, 0.99), (39, 1e-5),
            (1000, 0.001), (1000, 0.3), (25_000, 1e-9), (25_000, 2e-4), (1_000_000, 1e-6),
            (8_000_000, 3.84e-5), (3_000_000_000, 1e-9), (3_000_000_000, 1e-12),
            (3_000_000_000, 0.5), (10, 1 - 1e-12), (100, 0.5)]
REVIEWS = [(fmr, n, k, r, s) for fmr in (0.0, 1e-9, 1.282051282051282e-05, 0.0287, 0.5, 1.0)
           for n in (39, 25_000, 3_000_000_000) for k in (1, 10, 50)
           for r, s in ((0.1, 1000), (0.0, 1), (0.5, 10 ** 9), (1.0, 7))]
AMOUNTS = [0.0, -1.0, 1e-9, 4.9e-7, 5e-7, 0.000123456, 0.0005, 0.5, 0.99951, 1.0, 9.995, 12.345,
           99.94, 99.96, 100.0, 1234.5, 1235.5, 999_999_999.4]


def review_readout_data():
    """Impostor hundredths with ties at the test thresholds, the highest at 99.90, one at 0."""
    q = np.minimum(sample(5000, 55, 12, 11), 9900)
    q[-5:] = [9560, 9560, 9559, 9990, 0]
    return np.sort(q)


def review_readouts():
    imp = review_readout_data()
    readouts = []
    for tq in (0, 1, 5000, 8000, 9559, 9560, 9561, 9999, 10000):
        for n in (39, 25_000, 3_000_000_000):
            for k, r_pct, s in ((1, 10, 1000), (10, 0, 0), (50, 50, 1_000_000_000), (5, 7, 3)):
                got = review_numbers(imp / 100, tq / 100, n, k, r_pct / 100, s)
                readouts.append([tq, n, k, r_pct, s, got])
    return {"imp": _encode(imp), "fmr_upper": readouts[0][-1]["upper_fmr_value"],
            "readouts": readouts}


def build_review_cases() -> dict:
    pmfs = [[n, p, upto, leads.binomial_pmfs(n, p, upto)] for n, p in BINOMIAL[:10]
            for upto in (0, 3)]
    tails = [[n, p, j, leads.binomial_tail(n, p, j)] for n, p in BINOMIAL
             for j in (0, 1, 2, 5, 10, 50)]
    expected = [[p, n, k, leads.expected_listed(p, n, k)] for n, p in BINOMIAL[:-3]
                for k in (1, 10, 50)]
    reviews = []
    for fmr, n, k, r, s in REVIEWS:
        o = leads.review(fmr, n, k, r, s)
        reviews.append([fmr, n, k, r, s, o.__dict__])
    return {
        "about": "Generated by tests/js/explorer_cases.py; do not edit by hand.",
        "binomial_pmfs": pmfs,
        "binomial_tail": tails,
        "expected_listed": expected,
        "review": reviews,
        "amount": [[x, _amount(x)] for x in AMOUNTS],
        "review_readouts": review_readouts(),
    }


# --------------------------------------------------------------------------
# The two-group explorer (tests/js/groups-cases.json)
# --------------------------------------------------------------------------

# Slider grids (lo, hi, step in hundredths): the default, a narrower one with
# a step that does not divide its span, and the finest.
GROUP_GRIDS = [(0, 10000, 5), (5003, 9990, 7), (0, 10000, 1)]
GROUP_THRESHOLDS = [0, 5000, 7000, 8000, 8005, 8500, 9000, 9500, 9990, 10000]
TIMES = [1.0, 3.4149, 0.004999, 12.3449, 123.45, 0.34, 1e-9, 99.995, 0.995, 7.76]


def groups_data():
    """Two mixes x two arms of small score sets, with ties on the grids and empty tails."""
    data = {}
    for i, share in enumerate((0.1, 0.5)):
        data[share] = {}
        for j, arm in enumerate(("training", "deployment")):
            seed = 20 + 4 * i + 2 * j
            gen_a, imp_a = sample(300, 82, 7, seed), sample(4000, 52, 10, seed + 1)
            gen_b, imp_b = sample(250, 80, 8, seed + 2), sample(3000, 56, 11, seed + 3)
            imp_a[-4:] = [8000, 8000, 8005, 8004]       # on and next to grid points
            imp_b[-3:] = [9990, 9500, 8000]
            imp_a = np.minimum(imp_a, 9400)               # A has no pair above 94
            data[share][arm] = {"A": (gen_a / 100, np.sort(imp_a) / 100),
                                "B": (gen_b / 100, np.sort(imp_b) / 100)}
    return data


def build_groups_cases() -> dict:
    data = groups_data()
    variants = []
    for lo, hi, step in GROUP_GRIDS:
        grid = [t for t in GROUP_THRESHOLDS if lo <= t <= hi and (t - lo) % step == 0]
        grid += [lo, lo + step, lo + ((hi - lo) // step) * step]
        # Every mix and arm on the default grid; one of them on the others.
        pairs = [(sh, a) for sh in data for a in data[sh]]
        for share, arm in (pairs if step == 5 else pairs[:1]):
            groups = data[share][arm]
            counted = {g: (_Counted(groups[g][0], "genuine"), _Counted(groups[g][1], "impostor"))
                       for g in ("A", "B")}
            enc = {g: {"gen": _grid_encode(counted[g][0], lo, hi, step),
                       "imp": _grid_encode(counted[g][1], lo, hi, step)} for g in ("A", "B")}
            readouts = []
            for ta in grid:
                for tb in grid[::4]:
                    got = groups_numbers(data, share, arm, {"A": ta / 100, "B": tb / 100})
                    for label in ("mix", "arm", "mode"):
                        del got[label]
                    readouts.append([ta, tb, got])
            equal = [[ta, _equal_fmr_b(counted["A"], counted["B"], ta, lo, hi, step)]
                     for ta in grid]
            variants.append({"grid": [lo, hi, step], "share": share, "arm": arm,
                             "sets": enc, "readouts": readouts, "equal_fmr_b": equal})
    return {
        "about": "Generated by tests/js/explorer_cases.py; do not edit by hand.",
        "times": [[x, _times(x)] for x in TIMES],
        "variants": variants,
    }


if __name__ == "__main__":
    CASES.write_text(dumps(build_cases()), encoding="utf-8")
    print(f"wrote {CASES.relative_to(ROOT)} ({CASES.stat().st_size / 1024:.0f} KB)")
    REVIEW_CASES.write_text(dumps(build_review_cases()), encoding="utf-8")
    print(f"wrote {REVIEW_CASES.relative_to(ROOT)} ({REVIEW_CASES.stat().st_size / 1024:.0f} KB)")
    GROUPS_CASES.write_text(dumps(build_groups_cases()), encoding="utf-8")
    print(f"wrote {GROUPS_CASES.relative_to(ROOT)} ({GROUPS_CASES.stat().st_size / 1024:.0f} KB)")
