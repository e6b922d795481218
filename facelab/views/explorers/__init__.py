"""Live explorers: threshold, watchlist and review controls that work without a kernel.

On the book's static website an ipywidgets slider is a dead snapshot: it moves,
but nothing recomputes. The explorers here do the arithmetic *in the browser*.
Python precomputes the data (scores, histogram counts, per-probe maxima), draws
the chart as inline SVG for the starting threshold, and emits **one**
self-contained ``text/html`` output: inline CSS, inline SVG and one inline
``<script>`` (one IIFE of plain ``var``-and-``function`` JavaScript, no
libraries, no network, no external files).

The same call works in a live notebook (JupyterLab and classic Notebook run
inline scripts in trusted outputs) and on the built site (MyST-NB writes a
``text/html`` output into the page as it is). Without JavaScript (for example
an untrusted notebook) the output still shows the chart and the numbers at the
starting threshold, with the controls disabled and a note saying why.

:func:`threshold_explorer`
    Genuine and impostor score histograms, a threshold slider, and the
    false match rate (FMR) and false non-match rate (FNMR) it gives.
:func:`watchlist_explorer`
    One probe searched against a gallery of *N* people who are not the probe:
    how many probes get at least one false match, simulated and by formula.
:func:`review_explorer`
    Searches of people who are *not* in the gallery: a threshold, a gallery
    of N, a candidate list of up to k and a fallible reviewer, and how often
    an innocent stranger is put forward (the arithmetic of
    :func:`facelab.evaluation.leads.review`, ported to ``static/review.js``).
:func:`groups_explorer`
    Chapter 4's two groups: a training mix, the matcher as built or
    re-centred, one threshold for everyone or one per group, and each
    group's FMR and FNMR with the FMR ratio B/A
    (:func:`groups_explorer_from_experiment` runs the experiment first).
The ``*_numbers`` functions
    :func:`explorer_numbers`, :func:`watchlist_numbers`, :func:`review_numbers` and
    :func:`groups_numbers`: the same numbers computed in Python, as the exact strings the
    page shows.
    Tests compare the page with these; a chapter can quote them.

Conventions (the book's)
------------------------
* Scores are on the book's 0..100 scale, ``score = 50 * (1 + cosine)``.
* A comparison is a MATCH iff ``score >= threshold``.
* ``FMR(t) = #(impostor >= t) / n_impostor`` and
  ``FNMR(t) = #(genuine < t) / n_genuine``.
* Watchlist: ``P(at least one false match) = 1 - (1 - FMR)**N``, computed as
  ``-expm1(N * log1p(-FMR))`` (Python ``math``, JavaScript ``Math``), and the
  expected number of probes with one is ``n_probes * P``.
* Review: the FMR at the threshold is counted as above; the candidate list and
  the reviewer follow :func:`facelab.evaluation.leads.review`. When no
  impostor pair reaches the threshold the page says so and also shows the
  numbers at the 95% upper bound ``1 - 0.05**(1/n_impostor)``.

Quantisation (what is embedded)
-------------------------------
Every score is rounded to the nearest 0.01 (:data:`SCORE_STEP`; ties to even,
as :func:`numpy.rint` does on the score's float value) and stored as an
integer number of hundredths, 0..10000. The page embeds each score set as its
sorted distinct values (delta-encoded) with a count for each, so its size
grows with the number of *distinct* hundredths (at most 10,001), not with the
number of scores: 300,000 impostor scores take about 50 KB. Thresholds are on the same grid
(the slider's step is 0.01 or a multiple of it), so the counts compare two
integers and are exact for the quantised scores; the page finds them with a
lower-bound binary search, as :func:`numpy.searchsorted` with
``side="left"`` does in :func:`explorer_numbers`. Rounding moves a score by at
most 0.005, so a score within 0.005 of a threshold may count on the other
side than its unrounded value would: quote numbers from
:func:`explorer_numbers` (or an explorer's ``.numbers``) to match the page.

Thresholds: one rounding rule on both sides
-------------------------------------------
A threshold, typed into the page's number box or passed to Python, is read as
the decimal number it spells and rounded to the nearest hundredth, **a tie
going to the even hundredth**, on its decimal digits, never through a binary
float: ``87.005`` gives 87.00, ``87.015`` gives 87.02, ``0.005`` gives 0.00 and
``99.995`` gives 100.00. A Python float counts as its shortest decimal form
(``repr``, which is also what JavaScript's ``String`` gives), so
``explorer_numbers(..., threshold=87.005)`` and a reader typing ``87.005``
agree, although the float nearest 87.005 is a little below it. The page
accepts ``"80"``, ``" 80 "``, ``".5"``, ``"1e2"`` and ``"-1"`` (clamped to the
slider's range, as is ``"101"``); text that is not a decimal number (``""``,
``"abc"``, ``"NaN"``) puts the slider's value back. A slider with a step above
0.01 snaps to its nearest grid point, ties again to even. Python:
``_common._parse_threshold_text``; JavaScript: ``parseThreshold`` in
``static/core.js``; both are tested on the same cases
(``tests/js/explorer-cases.json``).

Percentages are rounded half up from the exact fraction with at least two
decimals and at least three significant digits (``4.56%``, ``0.0123%``);
``1 in N`` rounds ``n / k`` half up; counts use a comma as thousands
separator. Python and JavaScript use the same integer arithmetic for these,
so the strings agree digit for digit.

Colour modes
------------
The stylesheet's colours are CSS custom properties: a light palette, and a dark
one under the book site's dark theme (pydata-sphinx-theme's
``html[data-theme="dark"]``), JupyterLab's dark themes
(``body[data-jp-theme-light="false"]``) and VS Code's. A page with no theme of
its own follows ``prefers-color-scheme``; a light theme that says so, a Sphinx
page (``html[data-content_root]``, light until its theme's script runs) and the
classic Notebook (always light) stay light. Every SVG mark takes its colour from
the palette. Genuine pairs are Okabe-Ito blue (solid), impostor pairs
vermillion (dashed, hatched), each in a variant with at least 3:1 contrast on
the explorer's background in its mode; text has at least 4.5:1, and
vermillion is never a text colour. :func:`palettes` reads the colours from the
stylesheet.

Files
-----
``_common.py`` (validation, quantisation, typed thresholds, number formats,
ids), ``_html.py`` (the static files, palettes, shared HTML), ``threshold.py``,
``watchlist.py``, ``review.py``, ``groups.py``; ``static/explorer.css``,
``static/core.js`` (pure helpers, each with its Python twin), ``static/page.js``
(DOM glue), ``static/threshold.js``, ``static/watchlist.js``,
``static/review.js`` (the review arithmetic of :mod:`facelab.evaluation.leads`,
line for line, and its DOM glue), ``static/groups.js`` and ``static/groups.css``
(the two-group explorer: its readout, its chart and DOM glue, and its few CSS
rules of its own). The files are inlined into each output, so the output stays
one self-contained block. ``static/widget-keys.js`` belongs to no explorer:
:mod:`facelab.views.widgets` inlines it beside each kernel widget, to keep the
widget's keys from JupyterLab's notebook shortcuts.

Inside Jupyter, every input carries ``data-lm-suppress-shortcuts="true"`` and
keeps its key presses from the notebook's shortcuts; Enter in the number box
commits the typed value.
"""

from ._common import SCORE_STEP, quantise_scores
from ._html import palettes
from .groups import (
    GroupsExplorer,
    groups_explorer,
    groups_explorer_from_experiment,
    groups_numbers,
)
from .review import ReviewExplorer, review_explorer, review_numbers
from .threshold import ThresholdExplorer, explorer_numbers, threshold_explorer
from .watchlist import (
    WatchlistExplorer,
    gallery_max_scores,
    watchlist_explorer,
    watchlist_numbers,
)

__all__ = [
    "SCORE_STEP",
    "quantise_scores",
    "gallery_max_scores",
    "explorer_numbers",
    "watchlist_numbers",
    "review_numbers",
    "groups_numbers",
    "threshold_explorer",
    "watchlist_explorer",
    "review_explorer",
    "groups_explorer",
    "groups_explorer_from_experiment",
    "ThresholdExplorer",
    "WatchlistExplorer",
    "ReviewExplorer",
    "GroupsExplorer",
    "palettes",
]

# The light palette under its old names (facelab.explorers.GENUINE, ...).
_LIGHT = palettes()["light"]
GENUINE = _LIGHT["genuine"]
IMPOSTOR = _LIGHT["impostor"]
TEXT = _LIGHT["text"]
MUTED = _LIGHT["muted"]
AXIS = _LIGHT["axis"]
GRID = _LIGHT["grid"]
BACKGROUND = _LIGHT["bg"]
FOCUS = _LIGHT["focus"]
