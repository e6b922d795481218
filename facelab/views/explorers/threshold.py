"""The threshold explorer: genuine and impostor histograms under a moving threshold."""

from __future__ import annotations

import html
import math
import numbers

import numpy as np

from ._common import (
    _PER_UNIT,
    _check_id,
    _check_range,
    _check_step,
    _check_threshold,
    _check_title,
    _count_below,
    _default_id,
    _encode,
    _f,
    _fixed,
    _group,
    _nice_step,
    _num,
    _one_in,
    _pct_ratio,
    _snap,
    quantise_scores,
)
from ._html import (
    _css,
    _Explorer,
    _hatch_defs,
    _legend_swatch,
    _nojs_note,
    _script,
    _threshold_controls,
)

__all__ = ["explorer_numbers", "threshold_explorer", "ThresholdExplorer"]

#: Width of the charts' viewBox.
_VB_W = 640


def _rates(gen_sorted: np.ndarray, imp_sorted: np.ndarray, tq: int) -> dict:
    n_imp, n_gen = int(imp_sorted.size), int(gen_sorted.size)
    k_imp = n_imp - _count_below(imp_sorted, tq)
    k_gen = _count_below(gen_sorted, tq)
    return {
        "threshold": _fixed(tq, 2),
        "fmr": _pct_ratio(k_imp, n_imp),
        "fmr_one_in": _one_in(k_imp, n_imp),
        "fmr_count": f"{_group(k_imp)} of {_group(n_imp)}",
        "fnmr": _pct_ratio(k_gen, n_gen),
        "fnmr_count": f"{_group(k_gen)} of {_group(n_gen)}",
        # Raw numbers (not displayed as such; the page has them as data- attributes).
        "impostor_at_or_above": k_imp,
        "n_impostor": n_imp,
        "genuine_below": k_gen,
        "n_genuine": n_gen,
    }


def explorer_numbers(genuine, impostor, threshold: float) -> dict:
    """What :func:`threshold_explorer`'s readout shows at ``threshold``.

    Parameters
    ----------
    genuine, impostor : array-like of shape (n,)
        Mated and non-mated pair scores on the 0..100 scale.
    threshold : float in [0, 100]
        Rounded to the nearest 0.01 (the data grid) as the page rounds a typed
        value: half to even on its decimal digits, so 87.005 gives 87.00 and
        87.015 gives 87.02 (see :mod:`facelab.views.explorers`).

    Returns
    -------
    dict
        Display strings ``threshold`` ("80.00"), ``fmr`` ("0.123%"),
        ``fmr_one_in`` ("about 1 in 813"), ``fmr_count`` ("123 of 100,000"),
        ``fnmr``, ``fnmr_count``; and the integers ``impostor_at_or_above``,
        ``n_impostor``, ``genuine_below``, ``n_genuine``. Scores are quantised
        as the page quantises them (see :mod:`facelab.views.explorers`).
    """
    gen = np.sort(quantise_scores(genuine, "genuine"))
    imp = np.sort(quantise_scores(impostor, "impostor"))
    return _rates(gen, imp, _check_threshold(threshold))


class ThresholdExplorer(_Explorer):
    """Returned by :func:`threshold_explorer`; ``.numbers(t)`` gives its readout at ``t``."""

    def __init__(self, html_text, text, id, gen, imp, lo, hi, step):
        super().__init__(html_text, text, id)
        self._gen, self._imp = gen, imp
        self._lo, self._hi, self._step = lo, hi, step

    @property
    def slider_grid(self) -> np.ndarray:
        """Every threshold the slider can take (float, 2 decimals)."""
        return np.arange(self._lo, self._hi + 1, self._step) / _PER_UNIT

    def numbers(self, threshold: float) -> dict:
        """The readout at ``threshold`` (same keys as :func:`explorer_numbers`)."""
        return _rates(self._gen, self._imp, _check_threshold(threshold))


def threshold_explorer(genuine, impostor, threshold: float = 80.0, *, bins: int = 50,
                       title: str = "Move the threshold: false matches against false non-matches",
                       x_range: tuple[float, float] = (0.0, 100.0), step: float = 0.01,
                       id: str | None = None) -> ThresholdExplorer:
    """A threshold slider over genuine and impostor score histograms, live in the browser.

    Parameters
    ----------
    genuine : array-like of shape (n_genuine,)
        Mated pair scores (same person) on the 0..100 scale.
    impostor : array-like of shape (n_impostor,)
        Non-mated pair scores (different people) on the 0..100 scale.
    threshold : float in [0, 100], default 80
        Starting threshold; snapped to the slider grid.
    bins : int, default 50
        Histogram bins across ``x_range`` (drawing only; the rates use every score).
    title : str
        Shown above the chart.
    x_range : (float, float), default (0, 100)
        Score range drawn and covered by the slider (ends rounded to 0.01).
    step : float, default 0.01
        Slider step; a multiple of 0.01.
    id : str, optional
        HTML id of the explorer (scopes its CSS); default ``fv-thr-<hash of data>``.

    Returns
    -------
    ThresholdExplorer
        Displays as one self-contained ``text/html`` output (make it the last
        expression of a cell, or pass it to ``IPython.display.display``).
        ``.numbers(t)`` returns what the readout shows at ``t``; ``.html`` is
        the HTML text.
    """
    gen = np.sort(quantise_scores(genuine, "genuine"))
    imp = np.sort(quantise_scores(impostor, "impostor"))
    if isinstance(bins, bool) or not isinstance(bins, numbers.Integral) or not 1 <= bins <= 500:
        raise ValueError(f"bins: expected an integer in 1..500, got {bins!r}.")
    lo, hi = _check_range(x_range)
    step_q = _check_step(step)
    tq = _snap(_check_threshold(threshold), lo, hi, step_q)
    title = _check_title(title)
    id = _check_id(id, _default_id("fv-thr", gen, imp, tq, bins, title, lo, hi, step_q))
    nums = _rates(gen, imp, tq)
    n_out = int(np.sum((gen < lo) | (gen > hi)) + np.sum((imp < lo) | (imp > hi)))
    outside = (f" {_group(n_out)} scores outside {_fixed(lo, 2)} to {_fixed(hi, 2)} are counted "
               "but not drawn." if n_out else "")

    # Geometry (viewBox units).
    L, R, T, B = 58, 22, 30, 56
    H_ = 276
    W, H = _VB_W - L - R, H_ - T - B

    def xs(q):
        return L + (q - lo) / (hi - lo) * W

    edges_q = np.linspace(lo, hi, bins + 1)
    share_g = np.histogram(gen, bins=edges_q)[0] / gen.size * 100
    share_i = np.histogram(imp, bins=edges_q)[0] / imp.size * 100
    ytop = max(share_g.max(), share_i.max(), 1e-9)
    ystep = _nice_step(ytop, 4)
    ymax = math.ceil(ytop / ystep - 1e-9) * ystep

    def ys(v):
        return T + H - v / ymax * H

    def step_path(share):
        pts = [f"M{_f(xs(edges_q[0]))},{_f(ys(0))}"]
        for i, s in enumerate(share):
            pts.append(f"L{_f(xs(edges_q[i]))},{_f(ys(s))}L{_f(xs(edges_q[i + 1]))},{_f(ys(s))}")
        pts.append(f"L{_f(xs(edges_q[-1]))},{_f(ys(0))}Z")
        return "".join(pts)

    pg, pi = step_path(share_g), step_path(share_i)
    x_t = xs(tq)
    svg = []
    svg.append(f'<svg class="fv-chart" viewBox="0 0 {_VB_W} {H_}" role="img" '
               f'aria-labelledby="{id}-svgt {id}-svgd" focusable="false">')
    svg.append(f'<title id="{id}-svgt">Histograms of genuine and impostor similarity scores '
               f'with the threshold</title>')
    med_g, med_i = np.median(gen) / _PER_UNIT, np.median(imp) / _PER_UNIT
    svg.append(f'<desc id="{id}-svgd">Two overlaid histograms on the 0 to 100 score scale. '
               f'Genuine pairs (same person; blue, filled) have median score {med_g:.1f}; '
               f'impostor pairs (different people; vermillion, hatched, dashed outline) have '
               f'median score {med_i:.1f}. A vertical line marks the threshold, which moves '
               f'with the slider; the bars on the wrong side of it are shaded darker.</desc>')
    svg.append("<defs>" + _hatch_defs(id)
               + f'<clipPath id="{id}-cg"><rect class="fv-clip-gen" x="{L}" y="0" '
                 f'width="{_f(max(0.0, x_t - L))}" height="{H_}"/></clipPath>'
               + f'<clipPath id="{id}-ci"><rect class="fv-clip-imp" x="{_f(x_t)}" y="0" '
                 f'width="{_f(max(0.0, L + W - x_t))}" height="{H_}"/></clipPath></defs>')
    # Grid and y axis.
    v = 0.0
    while v <= ymax + 1e-9:
        y = ys(v)
        svg.append(f'<line class="fv-grid" x1="{L}" y1="{_f(y)}" x2="{L + W}" y2="{_f(y)}" '
                   'stroke-width="1"/>')
        svg.append(f'<text x="{L - 6}" y="{_f(y + 4)}" text-anchor="end" '
                   f'font-size="12">{_num(v)}</text>')
        v += ystep
    svg.append(f'<text transform="translate(15,{_f(T + H / 2)}) rotate(-90)" text-anchor="middle" '
               f'font-size="12.5">Share of pairs<tspan class="fv-long"> per bin</tspan> (%)</text>')
    # Histograms: light everywhere, strong on the error side of the threshold.
    svg.append(f'<path class="fv-gen-fill" d="{pg}" fill-opacity="0.22" stroke="none"/>')
    svg.append(f'<path class="fv-gen-fill" d="{pg}" fill-opacity="0.6" stroke="none" '
               f'clip-path="url(#{id}-cg)"/>')
    svg.append(f'<path d="{pi}" fill="url(#{id}-hatch-off)" stroke="none"/>')
    svg.append(f'<path d="{pi}" fill="url(#{id}-hatch-on)" stroke="none" '
               f'clip-path="url(#{id}-ci)"/>')
    svg.append(f'<path class="fv-gen-stroke" d="{pg}" fill="none" stroke-width="2" '
               'stroke-linejoin="round"/>')
    svg.append(f'<path class="fv-imp-stroke" d="{pi}" fill="none" stroke-width="2" '
               f'stroke-dasharray="6 3" stroke-linejoin="round"/>')
    # x axis.
    svg.append(f'<line class="fv-axis" x1="{L}" y1="{T + H}" x2="{L + W}" y2="{T + H}" '
               'stroke-width="1.2"/>')
    xstep = _nice_step((hi - lo) / _PER_UNIT, 10) * _PER_UNIT
    tick = math.ceil(lo / xstep - 1e-9) * xstep
    while tick <= hi + 1e-6:
        x = xs(tick)
        svg.append(f'<line class="fv-axis" x1="{_f(x)}" y1="{T + H}" x2="{_f(x)}" '
                   f'y2="{T + H + 5}"/>')
        svg.append(f'<text x="{_f(x)}" y="{T + H + 19}" text-anchor="middle" font-size="12">'
                   f'{_num(tick / _PER_UNIT)}</text>')
        tick += xstep
    svg.append(f'<text x="{_f(L + W / 2)}" y="{H_ - 6}" text-anchor="middle" font-size="12.5">'
               f'Similarity score (0 to 100<tspan class="fv-long">; a match is a score at or '
               f'above the threshold</tspan>)</text>')
    # Threshold line (under the direct labels, whose halo in the background colour keeps
    # them readable).
    svg.append(f'<line class="fv-tline fv-ink-stroke" x1="{_f(x_t)}" y1="{T - 4}" '
               f'x2="{_f(x_t)}" y2="{T + H}" stroke-width="2.5"/>')
    # Direct labels above each distribution's tallest bin.
    labels = []
    for share, name in ((share_g, "Genuine"), (share_i, "Impostor")):
        i = int(np.argmax(share))
        labels.append([xs((edges_q[i] + edges_q[i + 1]) / 2), ys(share[i]) - 7, name])
    # Keep the two labels apart when the peaks are close.
    if abs(labels[0][0] - labels[1][0]) < 70 and abs(labels[0][1] - labels[1][1]) < 16:
        upper = 0 if labels[0][1] <= labels[1][1] else 1
        labels[upper][1] = min(labels[0][1], labels[1][1]) - 16
    for x, y, name in labels:
        x = min(max(x, L + 32), L + W - 32)
        svg.append(f'<text x="{_f(x)}" y="{_f(max(y, T + 24))}" text-anchor="middle" '
                   'font-size="12.5" font-weight="600" class="fv-halo" stroke-width="4" '
                   f'paint-order="stroke">{name}</text>')
    # The threshold's label.
    edge = 62
    anchor = "end" if x_t > L + W - edge else ("start" if x_t < L + edge else "middle")
    svg.append(f'<text class="fv-tlabel" x="{_f(x_t)}" y="{T - 10}" text-anchor="{anchor}" '
               f'font-size="13" font-weight="700">threshold {nums["threshold"]}</text>')
    svg.append("</svg>")

    n_i, n_g = nums["n_impostor"], nums["n_genuine"]
    legend = (
        '<ul class="fv-legend" aria-label="Legend">'
        f'<li>{_legend_swatch("genuine", id)}<span><b>Genuine pairs</b> (same person), '
        f'n = {_group(n_g)}: filled blue</span></li>'
        f'<li>{_legend_swatch("impostor", id)}<span><b>Impostor pairs</b> (different people), '
        f'n = {_group(n_i)}: hatched, dashed outline</span></li>'
        f'<li>{_legend_swatch("threshold", id)}<span>Threshold. Darker shading marks the errors: '
        'genuine pairs below it, impostor pairs at or above it</span></li>'
        '</ul>'
    )
    readouts = (
        '<div class="fv-readouts">'
        f'<output class="fv-card fv-c-imp" for="{id}-t" aria-live="polite" aria-atomic="true">'
        '<span class="fv-card-h">False match rate (FMR)</span>'
        f'<span class="fv-big" data-key="fmr">{nums["fmr"]}</span>'
        f'<span data-key="fmr_one_in">{nums["fmr_one_in"]}</span>'
        f'<span class="fv-card-t"><span data-key="fmr_count">{nums["fmr_count"]}</span> impostor '
        'pairs score at or above the threshold.</span></output>'
        f'<output class="fv-card fv-c-gen" for="{id}-t" aria-live="polite" aria-atomic="true">'
        '<span class="fv-card-h">False non-match rate (FNMR)</span>'
        f'<span class="fv-big" data-key="fnmr">{nums["fnmr"]}</span>'
        f'<span class="fv-card-t"><span data-key="fnmr_count">{nums["fnmr_count"]}</span> genuine '
        'pairs score below the threshold.</span></output>'
        '</div>'
    )
    note = _nojs_note(nums["threshold"])
    controls = ('<div class="fv-controls">'
                + _threshold_controls(id, tq, lo, hi, step_q, "Threshold") + "</div>")
    config = {"id": id, "t": tq, "lo": lo, "hi": hi, "step": step_q,
              "plot": {"L": L, "W": W, "edge": edge},
              "gen": _encode(gen), "imp": _encode(imp)}
    page = (
        f'<div class="fv-explorer fv-threshold-explorer mathjax_ignore tex2jax_ignore" id="{id}" '
        f'role="group" aria-labelledby="{id}-title" data-threshold="{nums["threshold"]}" '
        f'data-impostor-at-or-above="{nums["impostor_at_or_above"]}" '
        f'data-genuine-below="{nums["genuine_below"]}" data-n-impostor="{n_i}" '
        f'data-n-genuine="{n_g}"><style>{_css(id)}</style>'
        f'<p class="fv-title" id="{id}-title">{html.escape(title)}</p>'
        f'<p class="fv-note">Scores are on the 0 to 100 scale (50 × (1 + cosine)), rounded to '
        f'0.01. A pair is a match when its score is at or above the threshold.{outside}</p>'
        + note + legend + "".join(svg) + controls + readouts
        + _script(config, "threshold") + "</div>"
    )
    text = (f"Threshold explorer (interactive in a browser): at threshold {nums['threshold']}, "
            f"FMR {nums['fmr']} ({nums['fmr_count']} impostor pairs at or above it, "
            f"{nums['fmr_one_in']}); FNMR {nums['fnmr']} ({nums['fnmr_count']} genuine pairs below "
            "it).")
    return ThresholdExplorer(page, text, id, gen, imp, lo, hi, step_q)


