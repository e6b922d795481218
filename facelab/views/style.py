"""The book's palette and drawing defaults.

Colours come from the Okabe-Ito palette, which stays distinguishable under the
common forms of colour blindness; wherever colour carries meaning a second
encoding (marker, line style or a text label) carries it too.

No text in a figure is smaller than :data:`MIN_FONT_PT`. The site never shows a figure
below the scale at which that size is still 9 CSS pixels tall (``_ext/fv_page_fixes.py``;
on a phone the figure scrolls sideways instead), so the rule keeps every label legible at
390 px. :func:`apply` makes every figure check itself when it is drawn and warn
(:class:`FigureTextWarning`) about smaller text; the book's build turns that warning into an
error (``nb_output_stderr: warn`` with ``-W``), so a figure that breaks the rule cannot ship.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
from matplotlib.figure import FigureBase
from matplotlib.text import Text

from .._validation import check_real

__all__ = ["OKABE_ITO", "MARKERS", "LINESTYLES", "GENUINE", "IMPOSTOR", "GROUP_STYLE",
           "MIN_FONT_PT", "FigureTextWarning", "small_text", "apply"]

#: The smallest text, in points, that a figure of the book may carry.
MIN_FONT_PT = 10


class FigureTextWarning(UserWarning):
    """A figure carries text smaller than :data:`MIN_FONT_PT`."""


def small_text(fig, min_pt: float = MIN_FONT_PT) -> list[tuple[str, float]]:
    """The visible, non-empty texts of ``fig`` smaller than ``min_pt``: ``(text, size)``."""
    if not isinstance(fig, FigureBase):
        raise TypeError(f"fig: give a matplotlib Figure, got {type(fig).__name__}.")
    min_pt = check_real(min_pt, "min_pt", 0)
    found = []
    for t in fig.findobj(Text):
        if t.get_visible() and t.get_text().strip() and t.get_fontsize() < min_pt - 1e-9:
            found.append((t.get_text(), float(t.get_fontsize())))
    return found


def _warn_small_text(event) -> None:
    small = small_text(event.canvas.figure)
    if small:
        shown = ", ".join(f"{text[:30]!r} at {size:g} pt" for text, size in small[:5])
        warnings.warn(f"this figure has {len(small)} text(s) smaller than {MIN_FONT_PT} pt, "
                      f"illegible on a phone: {shown}", FigureTextWarning, stacklevel=1)


def _watch_text(fig) -> None:
    """``figure.hooks`` entry: check the figure's text each time it is drawn."""
    fig.canvas.mpl_connect("draw_event", _warn_small_text)


#: Okabe & Ito (2008) colour-blind-safe palette, in a fixed order.
OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "orange": "#E69F00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}


#: How genuine (same-person) and impostor (different-person) scores are drawn
#: everywhere in the book: colour, line style and hatching all differ.
GENUINE = dict(color=OKABE_ITO["blue"], linestyle="-", hatch="//", label="genuine (same person)")


IMPOSTOR = dict(color=OKABE_ITO["vermillion"], linestyle="--", hatch="\\\\",
                label="impostor (different people)")


#: Second encodings paired with the palette's order.
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


LINESTYLES = ["-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1))]


#: How the two groups are drawn in every figure of chapter 4: colour (Okabe-Ito
#: green and orange, not the blue and vermillion of genuine and impostor
#: scores), marker and line style all differ.
GROUP_STYLE = {
    "A": dict(color="#009E73", marker="o", linestyle="-", label="group A"),
    "B": dict(color="#E69F00", marker="s", linestyle="--", label="group B"),
}


def apply() -> None:
    """Apply the book's matplotlib defaults (readable sizes, palette order)."""
    plt.rcParams.update({
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "figure.figsize": (7.5, 4.0),
        "font.size": 11,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": plt.cycler(color=list(OKABE_ITO.values())),
        "legend.frameon": False,
        "figure.hooks": ["facelab.views.style:_watch_text"],
    })
