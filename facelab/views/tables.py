"""Markdown tables for the book's pages, each row with its citation where it has one."""

from __future__ import annotations

import numpy as np

from ..sources.facts import fact
from ..sources.law import _COLUMNS, ISSUES, SCOPES
from .format import interval

__all__ = ["markdown_table", "cite", "arrest_cards", "claims_table", "rules_table", "fines_table",
           "error_table"]


def cite(keys) -> str:
    """A MyST citation of one or more ``references.bib`` keys, for a table cell.

    ``keys`` is a key, a sequence of keys, or keys joined by ``;`` (as the
    book's data files store them): ``cite("a;b")`` gives ``{cite:p}`a,b```.
    """
    if isinstance(keys, str):
        keys = keys.split(";")
    elif not isinstance(keys, (list, tuple)):
        raise TypeError(f"keys: expected a bibliography key or a list of them, "
                        f"got {type(keys).__name__} {keys!r}.")
    if not all(isinstance(k, str) for k in keys):
        raise TypeError(f"keys: every key must be a string, got {keys!r}.")
    keys = [k.strip() for k in keys]
    if not keys or not all(k and k.replace("_", "").isalnum() for k in keys):
        raise ValueError(f"keys: expected bibliography keys (letters, digits, _), got {keys!r}.")
    return "{cite:p}" + "`" + ",".join(keys) + "`"


def arrest_cards(rows) -> IPython.display.Markdown:  # noqa: F821
    """Chapter 9's cases, one short block each (readable on a phone and in print).

    Parameters
    ----------
    rows : list of dict
        Rows of ``facelab/data/arrests.csv`` (``read_csv("arrests.csv")``).
    """
    from IPython.display import Markdown

    from ..sources.facts import fact

    rows = list(rows)
    if not rows:
        raise ValueError("rows: need at least one case (rows of arrests.csv).")
    blocks = []
    for r in rows:
        blocks.append(
            f"**{r['person']}**, {r['place']}: arrested {r['arrested']}, held "
            f"{fact(r['held']).display}.\n\n- *The probe:* {r['probe']}.\n"
            f"- *What the match became:* {r['lead']}.\n"
            f"- *What followed:* {r['outcome']} {cite(r['sources'])}.")
    return Markdown("\n\n".join(blocks))


def _sized(x) -> bool:
    try:
        len(x)
    except TypeError:
        return False
    return True


def markdown_table(header, rows) -> IPython.display.Markdown:  # noqa: F821
    """A plain Markdown table: one header row, then the rows, every cell as text.

    Cells may hold MyST roles (e.g. a ``{cite:p}`` citation), which the book
    renders; a ``|`` inside a cell is written as ``/`` so that it cannot end the cell.

    Parameters
    ----------
    header : sequence of str
        Column names; at least one.
    rows : iterable of sequences
        Each as long as ``header``; cells are converted with ``str``.

    Returns
    -------
    IPython.display.Markdown
    """
    from IPython.display import Markdown

    if isinstance(header, (str, bytes)) or not _sized(header) or len(header) == 0:
        raise ValueError(f"header: must be a non-empty sequence of column names, got {header!r}.")
    if isinstance(rows, (str, bytes)) or not hasattr(rows, "__iter__"):
        raise TypeError(f"rows: must be an iterable of rows (sequences of cells), "
                        f"got {type(rows).__name__} {rows!r}.")
    lines = ["| " + " | ".join(str(h).replace("|", "/") for h in header) + " |",
             "|" + "---|" * len(header)]
    for k, r in enumerate(rows):
        if isinstance(r, (str, bytes)) or not _sized(r) or len(r) != len(header):
            raise ValueError(f"rows: row {k} must have {len(header)} cells, got {r!r}.")
        lines.append("| " + " | ".join(str(c).replace("|", "/") for c in r) + " |")
    return Markdown("\n".join(lines))


def claims_table(rows):
    """Render claims about the world as a Markdown table, each with its citation.

    Parameters
    ----------
    rows : list of dict
        Rows with keys ``claim`` (what is claimed), ``fact`` (a key of
        ``facts.csv``, which supplies the figure, its date and its source) and
        ``caveat`` (what it counts), e.g. from ``read_csv("market.csv")``.

    Returns
    -------
    IPython.display.Markdown
        Rendered by the book as MyST, so the citations link to the references.
    """
    from IPython.display import Markdown

    if not rows:
        raise ValueError("rows: need at least one row")
    missing = {"claim", "fact", "caveat"} - set(rows[0])
    if missing:
        raise ValueError(f"rows: missing columns {sorted(missing)}")
    lines = ["| Claim | Figure | Date | What it counts, and caveats | Source |",
             "|---|---|---|---|---|"]
    for r in rows:
        card = fact(r["fact"])
        cells = [r["claim"], card.display.replace("$", "\\$"), card.date, r["caveat"]]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells)
                     + f" | {{cite:p}}`{card.source}` |")
    return Markdown("\n".join(lines))


def _cell(text: str) -> str:
    # A "|" would end the cell; "$" would start maths in MyST.
    return str(text).replace("|", "/").replace("$", "\\$")


def rules_table(rows, columns=("jurisdiction", "date", "rule", "exceptions"),
                headers=None) -> IPython.display.Markdown:  # noqa: F821
    """Render rules as a Markdown table with a citation for every row.

    Parameters
    ----------
    rows : list of dict
        Rules from :func:`read_rules`.
    columns : sequence of str
        Columns to show, in order. ``"addresses"`` becomes links to the
        chapters that explain each issue, ``"scope"`` a list of the kinds of
        use the rule reaches. A last column always cites the row's source.
    headers : sequence of str, optional
        Column headings; defaults to the column names, capitalised.

    Returns
    -------
    IPython.display.Markdown
        Rendered by the book as MyST, so citations and links resolve.
    """
    from IPython.display import Markdown

    if not rows:
        raise ValueError("rows: need at least one rule")
    bad = [c for c in columns if c not in _COLUMNS]
    if bad:
        raise ValueError(f"columns: unknown {bad}; allowed: {list(_COLUMNS)}")
    if headers is None:
        headers = [c.capitalize() for c in columns]
    if len(headers) != len(columns):
        raise ValueError("headers: need one heading per column")
    lines = ["| " + " | ".join(headers) + " | Source |",
             "|" + "---|" * (len(columns) + 1)]
    for r in rows:
        cells = []
        for c in columns:
            if c == "addresses":
                cells.append("; ".join(f"{ISSUES[t][1]} ({{ref}}`{ISSUES[t][0]}`)"
                                       for t in r["addresses"]))
            elif c == "scope":
                cells.append("; ".join(SCOPES[t] for t in r["scope"]))
            else:
                cells.append(_cell(r[c]))
        lines.append("| " + " | ".join(cells) + f" | {{cite:p}}`{r['source']}` |")
    return Markdown("\n".join(lines))


def fines_table(rows) -> IPython.display.Markdown:  # noqa: F821
    """Render fines from :func:`fines` as a Markdown table, each row with its citation.

    The date is the decision's, as recorded in ``facts.csv``; the last
    column but one is the fact card's note (announcement dates, appeals).
    """
    from IPython.display import Markdown

    if not rows:
        raise ValueError("rows: need at least one fine")
    lines = ["| Country | Fine | Decision | Notes | Source |", "|---|---|---|---|---|"]
    for r in rows:
        cells = [r["country"], r["display"], r["date"], r["note"]]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + f" | {{cite:p}}`{r['source']}` |")
    return Markdown("\n".join(lines))


def error_table(header, conditions, result) -> IPython.display.Markdown:  # noqa: F821
    """A Markdown table of EER, FNMR and FMR with intervals, one row per condition.

    Parameters
    ----------
    header : sequence of str
        Names of the leading columns that describe a condition.
    conditions : sequence of sequence of str
        One row of leading cells per condition (e.g. what the model was
        trained on, the gallery photo, the probe photo), each as long as
        ``header``.
    result : facelab.BootstrapResult
        From ``bootstrap_by_identity(error_rates, ...)``: estimates and
        bounds of shape (n_conditions, 3).

    Returns
    -------
    IPython.display.Markdown
        The ``header`` columns, then "EER", "FNMR" and "FMR" (the last two
        at each condition's threshold), each cell written by
        :func:`interval` (estimate, then the interval bounds in per cent).
    """
    from IPython.display import Markdown

    est, low, high = (np.asarray(x, dtype=float) for x in (result.estimate, result.low,
                                                            result.high))
    rows = [[str(c) for c in row] for row in conditions]
    if est.shape != (len(rows), 3) or low.shape != est.shape or high.shape != est.shape:
        raise ValueError(
            f"result: expected estimates of shape ({len(rows)}, 3), one row per condition, "
            f"got {est.shape}.")
    header = [str(h) for h in header]
    if any(len(r) != len(header) for r in rows):
        raise ValueError(f"conditions: every row needs {len(header)} cells, one per header.")
    names = header + ["EER", "FNMR", "FMR"]
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    lines += ["| " + " | ".join(r + [interval(*v)
                                     for v in zip(est[k], low[k], high[k], strict=True)]) + " |"
              for k, r in enumerate(rows)]
    return Markdown("\n".join(lines))
