"""Dated fact cards: every number about the world that the book quotes.

The numbers live in one cited data file, ``facelab/data/facts.csv`` (value,
unit, display form, date, and the ``references.bib`` key of the source). Prose
never types a figure: a chapter glues the facts it needs with
:func:`facelab.book.glue.glue_facts` and writes ``{glue:md}`fact_KEY``` where the number goes,
followed by a citation of the fact's source, so correcting one row corrects
the whole book (and ``tests/test_facts.py`` checks each citation).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

from ..faces.datasets import read_csv

__all__ = ["Fact", "all_facts", "fact", "value"]


_STATUSES = {"checked", "from-knowledge"}


@dataclass(frozen=True)
class Fact:
    """One figure about the world, with its source and date.

    Attributes
    ----------
    key : str
        Stable identifier, e.g. ``"aclu_false_matches"``.
    value : float
        The number itself, in ``unit``.
    unit : str
        What the number counts ("people", "percent", "USD", ...).
    display : str
        How prose shows it ("28", "25,000", "3 billion").
    date : str
        ISO date (``YYYY-MM-DD`` or ``YYYY-MM``) of publication.
    source : str
        Key of the source in ``references.bib``.
    status : str
        ``"checked"`` against the source, or ``"from-knowledge"``.
    note : str
        What exactly the figure counts, and its caveats.
    """

    key: str
    value: float
    unit: str
    display: str
    date: str
    source: str
    status: str
    note: str


@lru_cache(maxsize=1)
def all_facts() -> dict[str, Fact]:
    """All fact cards, keyed by ``key`` (read once from ``facts.csv``)."""
    out: dict[str, Fact] = {}
    for row in read_csv("facts.csv"):
        key = row["key"].strip()
        if key in out:
            raise ValueError(f"facts.csv: duplicate key {key!r}")
        out[key] = Fact(
            key=key,
            value=float(row["value"]),
            unit=row["unit"].strip(),
            display=row["display"].strip(),
            date=row["date"].strip(),
            source=row["source"].strip(),
            status=row["status"].strip(),
            note=row.get("note", "").strip(),
        )
    return out


def fact(key: str) -> Fact:
    """Return the fact card ``key``.

    Raises
    ------
    ValueError
        If there is no such key; the message suggests close matches.
    """
    if not isinstance(key, str):
        raise TypeError(f"key: must be a fact key (a string such as 'aclu_probes'), "
                        f"got {type(key).__name__} {key!r}.")
    facts = all_facts()
    try:
        return facts[key]
    except KeyError:
        close = difflib.get_close_matches(key, list(facts), n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise ValueError(f"key: no fact {key!r} in facts.csv.{hint}") from None


def value(key: str) -> float:
    """The numeric value of fact ``key`` (shorthand for ``fact(key).value``)."""
    return fact(key).value
