"""The book's palette and drawing defaults.

Colours come from the Okabe-Ito palette, which stays distinguishable under the
common forms of colour blindness; wherever colour carries meaning a second
encoding (marker, line style or a text label) carries it too.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

__all__ = ["OKABE_ITO", "MARKERS", "LINESTYLES", "GENUINE", "IMPOSTOR", "GROUP_STYLE", "apply"]


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
    })
