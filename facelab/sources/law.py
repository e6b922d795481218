"""Rules about facial recognition, and the fines paid under them, as data.

Chapter 8 compares the rules that govern facial recognition: company pauses,
city bans, a state privacy law, court rulings and the EU AI Act. They live in
one cited data file, ``facelab/data/jurisdictions.csv`` (one row per rule,
with the ``references.bib`` key of its source), and this module reads,
checks and summarises it:

* :func:`read_rules` reads and validates the rows;
* :func:`rules_table` renders chosen columns as a Markdown table, each row
  with its citation, and each technical issue as a link to the chapter that
  explains it;
* :func:`scope_matrix` says which kinds of use each rule reaches.

Chapter 6 tabulates the fines that European regulators imposed on Clearview
AI, which are fact cards in ``facts.csv``: :func:`fines` collects them and
:func:`totals_by_currency` adds them up without converting currencies (an
exchange rate would be one more figure to source and date).
"""

from __future__ import annotations

import re
from collections import OrderedDict

import numpy as np

from .._validation import check_real, check_rows, check_text
from ..faces.datasets import read_csv
from .facts import all_facts

__all__ = ["SCOPES", "ISSUES", "KINDS", "read_rules", "scope_matrix", "fines",
           "totals_by_currency"]


#: What a rule can reach, in the order the book shows them.
SCOPES: OrderedDict[str, str] = OrderedDict([
    ("police-live", "live identification by police in public"),
    ("police-search", "police searches of photos after the fact"),
    ("government", "other government agencies"),
    ("private", "use by private businesses"),
    ("sales", "selling the technology or the data"),
    ("collection", "collecting face data (consent, scraping)"),
])


#: The technical issue a rule answers, and the label of the chapter that explains it.
ISSUES: OrderedDict[str, tuple[str, str]] = OrderedDict([
    ("matching", ("ch-matching", "one-to-many search of everyone who passes")),
    ("thresholds", ("ch-thresholds", "thresholds and watchlist arithmetic")),
    ("bias", ("ch-bias", "unequal error rates between groups")),
    ("provenance", ("ch-provenance", "where the faces came from, and consent")),
])


#: What kind of instrument a rule is.
KINDS = ("company", "city", "law", "court")


_COLUMNS = ("key", "label", "jurisdiction", "instrument", "kind", "date", "binds", "rule",
            "exceptions", "scope", "addresses", "source")


_ISO = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def _tags(text: str, allowed, what: str, key: str) -> tuple[str, ...]:
    tags = tuple(t.strip() for t in text.split(";") if t.strip())
    if not tags:
        raise ValueError(f"jurisdictions.csv: rule {key!r} has no {what}")
    unknown = [t for t in tags if t not in allowed]
    if unknown:
        raise ValueError(f"jurisdictions.csv: rule {key!r} has unknown {what} {unknown}; "
                         f"allowed: {list(allowed)}")
    return tags


def read_rules(name: str = "jurisdictions.csv") -> list[dict]:
    """Read and check the rules file.

    Parameters
    ----------
    name : str
        Data file in ``facelab/data`` (the default is the book's).

    Returns
    -------
    list of dict
        One dict per rule, in file order, with the columns of the file as
        strings, except ``scope`` and ``addresses``, which are tuples of tags
        from :data:`SCOPES` and :data:`ISSUES`.

    Raises
    ------
    ValueError
        If a column is missing, a key repeats, a date is not ISO, a kind or
        tag is unknown, or a row has no source.
    """
    rows = read_csv(name)
    if not rows:
        raise ValueError(f"name: {name!r} has no rows")
    missing = set(_COLUMNS) - set(rows[0])
    if missing:
        raise ValueError(f"name: {name!r} lacks columns {sorted(missing)}")
    out, seen = [], set()
    for row in rows:
        key = row["key"].strip()
        if key in seen:
            raise ValueError(f"jurisdictions.csv: duplicate key {key!r}")
        seen.add(key)
        if not _ISO.match(row["date"].strip()):
            raise ValueError(f"jurisdictions.csv: rule {key!r} has date {row['date']!r}, "
                             "expected YYYY-MM-DD or YYYY-MM")
        if row["kind"].strip() not in KINDS:
            raise ValueError(f"jurisdictions.csv: rule {key!r} has kind {row['kind']!r}; "
                             f"allowed: {list(KINDS)}")
        if not row["source"].strip():
            raise ValueError(f"jurisdictions.csv: rule {key!r} has no source")
        clean = {c: row[c].strip() for c in _COLUMNS}
        clean["scope"] = _tags(row["scope"], SCOPES, "scope", key)
        clean["addresses"] = _tags(row["addresses"], ISSUES, "issue", key)
        out.append(clean)
    return out


def scope_matrix(rows):
    """Which kinds of use each rule reaches.

    Parameters
    ----------
    rows : list of dict
        Rules from :func:`read_rules`.

    Returns
    -------
    keys : list of str
        The rules' keys, in the order given.
    scopes : list of str
        The tags of :data:`SCOPES`, in order.
    covered : ndarray of bool, shape (len(keys), len(scopes))
        ``covered[i, j]`` is True if rule ``i`` reaches use ``j``.
    """
    rows = check_rows(rows, "rows", ("key", "scope"), min_rows=0)
    scopes = list(SCOPES)
    covered = np.array([[s in r["scope"] for s in scopes] for r in rows], dtype=bool)
    return [r["key"] for r in rows], scopes, covered.reshape(len(rows), len(scopes))


def fines(prefix: str = "clearview_fine_") -> list[dict]:
    """Fines recorded as fact cards whose keys start with ``prefix``.

    A key is ``PREFIX<country>_<currency>``, for example
    ``clearview_fine_italy_eur``.

    Returns
    -------
    list of dict
        In date order, each with ``country`` (capitalised), ``amount``
        (float), ``currency`` (the fact's unit), ``display``, ``date``,
        ``source``, ``status`` and ``note``.
    """
    prefix = check_text(prefix, "prefix")
    out = []
    for key, card in all_facts().items():
        if not key.startswith(prefix):
            continue
        country = key[len(prefix):].rsplit("_", 1)[0].replace("_", " ")
        country = country.upper() if len(country) <= 2 else country.title()  # "uk" -> "UK"
        out.append(dict(key=key, country=country, amount=card.value,
                        currency=card.unit, display=card.display, date=card.date,
                        source=card.source, status=card.status, note=card.note))
    if not out:
        raise ValueError(f"prefix: no fact keys start with {prefix!r}")
    return sorted(out, key=lambda r: r["date"])


def totals_by_currency(rows) -> dict[str, float]:
    """Add up amounts per currency, without converting between currencies.

    Parameters
    ----------
    rows : list of dict
        Rows with ``amount`` and ``currency``, for example from :func:`fines`.

    Returns
    -------
    dict
        Currency -> total, currencies in order of first appearance.
    """
    rows = check_rows(rows, "rows", ("amount", "currency"), min_rows=0)
    totals: dict[str, float] = {}
    for i, r in enumerate(rows):
        currency = check_text(r["currency"], f"rows: row {i}'s currency")
        amount = check_real(r["amount"], f"rows: row {i}'s amount")
        totals[currency] = totals.get(currency, 0.0) + amount
    return totals
