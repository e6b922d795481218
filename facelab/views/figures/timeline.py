"""Dated events on a timeline, one row per kind of event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import matplotlib.pyplot as plt
import numpy as np

from ..style import MARKERS, OKABE_ITO

__all__ = ["timeline"]


def timeline(events: Sequence[dict], ax=None, kinds: Sequence[str] | None = None,
             start: date | None = None, end: date | None = None):
    """Draw dated events on a horizontal time axis, one row per kind.

    Parameters
    ----------
    events : sequence of dict
        Rows with keys ``date`` (ISO ``YYYY-MM-DD`` or ``YYYY-MM``), ``event``
        (short label) and ``kind`` (the row it goes in).
    ax : Axes, optional
    kinds : sequence of str, optional
        Row order, top to bottom. Defaults to first appearance.
    start, end : date, optional
        Limits of the time axis.

    Returns
    -------
    Axes
    """
    if len(events) == 0:
        raise ValueError("events: need at least one event")
    dates = [_parse_date(e["date"]) for e in events]
    kinds = list(kinds) if kinds is not None else list(dict.fromkeys(e["kind"] for e in events))
    unknown = {e["kind"] for e in events} - set(kinds)
    if unknown:
        raise ValueError(f"kinds: events have kinds {sorted(unknown)} not in {kinds}")
    if ax is None:
        # 9.4 in: at the site's smallest figure scale it still fits a desktop column.
        _, ax = plt.subplots(figsize=(9.4, 0.9 + 0.5 * len(kinds) + 0.26 * len(events)))
    colours = list(OKABE_ITO.values())
    order = np.argsort(dates, kind="stable")
    # Each event gets its own line so that labels never overlap: rows are
    # grouped by kind, events inside a kind are in date order.
    y = 0
    yticks, ylabels = [], []
    for k, kind in enumerate(kinds):
        idx = [i for i in order if events[i]["kind"] == kind]
        if not idx:
            continue
        top = y
        for i in idx:
            ax.plot(dates[i], y, marker=MARKERS[k % len(MARKERS)], color=colours[k % len(colours)],
                    markersize=8, linestyle="none")
            ax.annotate(events[i]["event"], (dates[i], y), xytext=(7, 0),
                        textcoords="offset points", va="center", fontsize=10)
            y -= 1
        yticks.append((top + y + 1) / 2)
        ylabels.append(kind)
        ax.axhline(y + 0.5, color="#cccccc", linewidth=0.6)
        y -= 0.4
    ax.set_yticks(yticks, ylabels)
    ax.set_ylim(y + 0.3, 0.7)
    lo = start or min(dates)
    hi = end or max(dates)
    span = hi - lo
    ax.set_xlim(lo - span * 0.02, hi + span * 0.45)  # room for the last labels
    # Year ticks only where there are events, not under the label margin.
    ax.set_xticks([date(y, 1, 1) for y in range(lo.year + 1, hi.year + 1)],
                  [str(y) for y in range(lo.year + 1, hi.year + 1)])
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    _keep_labels_inside(ax)
    return ax


def _keep_labels_inside(ax, rounds: int = 8) -> None:
    """Widen the time axis until every label ends inside the axes.

    A label that ran past the axes would widen the saved figure (the inline backend crops to
    what is drawn), and a wider figure is shown smaller, its text with it.
    """
    labels = [t for t in ax.texts if t.get_text()]
    for _ in range(rounds):
        renderer = ax.figure.canvas.get_renderer()
        box = ax.get_window_extent(renderer)
        right = max((t.get_window_extent(renderer).x1 for t in labels), default=box.x1)
        if right <= box.x1:
            return
        lo, hi = ax.get_xlim()
        # the axes keep their size, so the data range grows by the overflow's share
        ax.set_xlim(lo, hi + (hi - lo) * (right - box.x1 + 4) / box.width)


def _parse_date(text: str) -> date:
    parts = [int(p) for p in text.strip().split("-")]
    if len(parts) == 2:
        parts.append(15)  # a month-only date is drawn mid-month
    if len(parts) != 3:
        raise ValueError(f"date: expected YYYY-MM-DD or YYYY-MM, got {text!r}")
    return date(*parts)
