"""Published results, recomputed from the tables their papers print."""

from __future__ import annotations

import math

import numpy as np

from .._validation import ArgumentError, check_rows
from ..evaluation.groups import by_group
from ..faces.datasets import read_csv

__all__ = ["gender_shades_gaps"]


def _percent(x, i: int) -> float:
    """An error rate in %, as a number or as the text of a CSV cell."""
    try:
        value = float(x) if isinstance(x, (str, int, float)) and not isinstance(x, bool) \
            else math.nan
    except ValueError:
        value = math.nan
    if not 0 <= value <= 100:
        raise ArgumentError(f"rows: row {i}'s error_pct must be a percentage in [0, 100], "
                            f"got {x!r}.")
    return value


def gender_shades_gaps(rows=None) -> list[dict]:
    """Per vendor: error on darker-skinned women vs lighter-skinned men.

    Parameters
    ----------
    rows : list of dict, optional
        Rows ``vendor, subgroup, error_pct``; default
        ``read_csv("gender_shades.csv")``.

    Returns
    -------
    list of dict
        One row per vendor, in file order: ``vendor``, ``by_subgroup`` (the
        four error rates, %), ``darker_female``, ``lighter_male``,
        ``difference`` (percentage points), ``ratio`` (``inf`` where lighter
        men had no errors), ``worst`` and ``best`` subgroup.
    """

    rows = read_csv("gender_shades.csv") if rows is None else rows
    rows = check_rows(rows, "rows", ("vendor", "subgroup", "error_pct"), min_rows=0)
    if not rows:
        raise ValueError("rows: the Gender Shades table is empty.")
    vendor = np.array([r["vendor"] for r in rows])
    subgroup = np.array([r["subgroup"] for r in rows])
    error = np.array([_percent(r["error_pct"], i) for i, r in enumerate(rows)])
    out = []
    for v in dict.fromkeys(vendor.tolist()):
        sel = vendor == v
        m = by_group(np.mean, error[sel], groups=subgroup[sel])
        missing = {"darker_female", "lighter_male"} - set(m.by_group)
        if missing:
            raise ValueError(f"rows: vendor {v!r} has no row for {sorted(missing)}.")
        df, lm = float(m.by_group["darker_female"]), float(m.by_group["lighter_male"])
        out.append({"vendor": v, "by_subgroup": {k: float(x) for k, x in m.by_group.items()},
                    "darker_female": df, "lighter_male": lm, "difference": df - lm,
                    "ratio": df / lm if lm > 0 else math.inf,
                    "worst": max(m.by_group, key=m.by_group.get),
                    "best": min(m.by_group, key=m.by_group.get)})
    return out
