"""The watchlist explorer: how many innocent probes a search falsely matches."""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Mapping, Sequence

import numpy as np

from ..._validation import check_array
from ._common import (
    _PER_UNIT,
    _TOL,
    _check_id,
    _check_n_probes,
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
    _one_in,
    _p_any,
    _pct_float,
    _pct_ratio,
    _snap,
    quantise_scores,
)
from ._html import (
    _css,
    _Explorer,
    _legend_swatch,
    _nojs_note,
    _script,
    _threshold_controls,
)
from .threshold import _VB_W

__all__ = ["gallery_max_scores", "watchlist_numbers", "watchlist_explorer", "WatchlistExplorer"]


def _watch(sorted_max: Mapping[int, np.ndarray], sizes: Sequence[int], gallery_size: int, tq: int,
           imp_sorted: np.ndarray | None, gen_sorted: np.ndarray | None,
           n_probes: int | None) -> dict:
    m = int(sorted_max[gallery_size].size)
    k_sim = m - _count_below(sorted_max[gallery_size], tq)
    out = {
        "threshold": _fixed(tq, 2),
        "gallery_size": _group(gallery_size),
        "sim_count": f"{_group(k_sim)} of {_group(m)}",
        "sim_share": _pct_ratio(k_sim, m),
        "sim_at_or_above": k_sim,
        "n_sim_probes": m,
    }
    if imp_sorted is not None:
        n_imp = int(imp_sorted.size)
        k_imp = n_imp - _count_below(imp_sorted, tq)
        fmr = k_imp / n_imp
        p = _p_any(fmr, gallery_size)
        n_p = m if n_probes is None else n_probes
        expected = n_p * p
        out.update({
            "fmr": _pct_ratio(k_imp, n_imp),
            "fmr_one_in": _one_in(k_imp, n_imp),
            "p_any": _pct_float(p),
            "expected": _fixed(math.floor(expected * 10.0 + 0.5), 1),
            "n_probes": _group(n_p),
            "impostor_at_or_above": k_imp,
            "n_impostor": n_imp,
            "p_any_value": p,
            "expected_value": expected,
        })
    if gen_sorted is not None:
        n_gen = int(gen_sorted.size)
        k_gen = _count_below(gen_sorted, tq)
        out.update({
            "fnmr": _pct_ratio(k_gen, n_gen),
            "fnmr_count": f"{_group(k_gen)} of {_group(n_gen)}",
            "genuine_below": k_gen,
            "n_genuine": n_gen,
        })
    return out


def _gallery_sizes(gallery_sizes) -> list[int]:
    """Gallery sizes N: a non-empty sequence of positive integers (not a string, not floats)."""
    if isinstance(gallery_sizes, (str, bytes, Mapping)) \
            or not hasattr(gallery_sizes, "__iter__"):
        raise ValueError(f"gallery_sizes: expected positive integers, got {gallery_sizes!r}.")
    sizes = list(gallery_sizes)
    if not sizes or any(isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral)
                        or n < 1 for n in sizes):
        raise ValueError(f"gallery_sizes: expected positive integers, got {gallery_sizes!r}.")
    return [int(n) for n in sizes]


def _check_gallery(max_impostor_scores, gallery_sizes) -> tuple[list[int], dict[int, np.ndarray]]:
    if not isinstance(max_impostor_scores, Mapping) or not max_impostor_scores:
        raise ValueError("max_impostor_scores: expected a non-empty dict mapping gallery size N "
                         "to a 1-D array of each probe's maximum score against N people.")
    sizes = _gallery_sizes(gallery_sizes)
    if len(set(sizes)) != len(sizes):
        raise ValueError(f"gallery_sizes: sizes repeat: {sizes!r}.")
    keys = {int(k) for k in max_impostor_scores}
    if keys != set(sizes):
        raise ValueError(f"gallery_sizes: {sorted(sizes)} does not match the keys of "
                         f"max_impostor_scores {sorted(keys)}.")
    sizes = sorted(sizes)
    by_size = {int(k): v for k, v in max_impostor_scores.items()}
    q = {n: np.sort(quantise_scores(by_size[n], f"max_impostor_scores[{n}]")) for n in sizes}
    lengths = {n: a.size for n, a in q.items()}
    if len(set(lengths.values())) != 1:
        raise ValueError("max_impostor_scores: every gallery size needs one maximum per probe "
                         f"(the same probes); got lengths {lengths}.")
    return sizes, q


def watchlist_numbers(max_impostor_scores, gallery_size: int, threshold: float, *,
                      impostor=None, n_probes: int | None = None,
                      fmr_genuine_pairs=None) -> dict:
    """What :func:`watchlist_explorer`'s readout shows for one gallery size.

    Parameters
    ----------
    max_impostor_scores : dict {int: array-like of shape (n_probes,)} or array-like
        Each probe's maximum score against a gallery of N people who are not
        the probe (a dict is indexed by ``gallery_size``).
    gallery_size : int
        N.
    threshold : float in [0, 100]
        Rounded to the nearest 0.01, half to even on its decimal digits (as
        :func:`explorer_numbers`).
    impostor : array-like, optional
        Non-mated pair scores; gives the formula's prediction.
    n_probes : int, optional
        Probes the formula counts (default: the number of simulated probes).
    fmr_genuine_pairs : array-like, optional
        Mated pair scores; gives the FNMR line (a probe whose mate is in the
        gallery is missed).

    Returns
    -------
    dict
        Display strings ``threshold``, ``gallery_size`` ("25,000"),
        ``sim_count`` ("28 of 535"), ``sim_share``; with ``impostor`` also
        ``fmr``, ``fmr_one_in``, ``p_any`` (per-probe probability, "5.63%"),
        ``expected`` ("30.1"), ``n_probes``; with ``fmr_genuine_pairs`` also
        ``fnmr``, ``fnmr_count``. Integers and floats for the same
        (``sim_at_or_above``, ``p_any_value``, ``expected_value``, ...).
    """
    if isinstance(gallery_size, bool) or not isinstance(gallery_size, numbers.Integral) \
            or gallery_size < 1:
        raise ValueError(f"gallery_size: expected a positive integer, got {gallery_size!r}.")
    gallery_size = int(gallery_size)
    if isinstance(max_impostor_scores, Mapping):
        sizes, q = _check_gallery(max_impostor_scores, list(max_impostor_scores))
        if gallery_size not in q:
            raise ValueError(f"gallery_size: {gallery_size} is not one of {sizes}.")
    else:
        q = {gallery_size: np.sort(quantise_scores(max_impostor_scores, "max_impostor_scores"))}
    tq = _check_threshold(threshold)
    imp = None if impostor is None else np.sort(quantise_scores(impostor, "impostor"))
    gen = (None if fmr_genuine_pairs is None
           else np.sort(quantise_scores(fmr_genuine_pairs, "fmr_genuine_pairs")))
    return _watch(q, sorted(q), gallery_size, tq, imp, gen, _check_n_probes(n_probes))


def gallery_max_scores(scores, gallery_sizes: Sequence[int]) -> dict[int, np.ndarray]:
    """Each probe's maximum score against nested galleries (prefixes of one gallery).

    Parameters
    ----------
    scores : array-like of shape (n_probes, n_gallery)
        Scores of every probe against every gallery person, none of whom is
        the probe, in the order in which the gallery grows.
    gallery_sizes : sequence of int
        Each N in 1..n_gallery.

    Returns
    -------
    dict {N: ndarray of shape (n_probes,)}
        ``scores[:, :N].max(axis=1)`` for each N, ready for
        :func:`watchlist_explorer`.
    """
    s = check_array(scores, "scores", ndim=2, what="scores, shape (n_probes, n_gallery)")
    if s.min() < -_TOL or s.max() > 100 + _TOL:
        raise ValueError(f"scores: must lie in [0, 100] (the book's scale), got min "
                         f"{s.min():.6g}, max {s.max():.6g}.")
    sizes = _gallery_sizes(gallery_sizes)
    if any(n > s.shape[1] for n in sizes):
        raise ValueError(f"gallery_sizes: each N must be in 1..{s.shape[1]}, got "
                         f"{list(gallery_sizes)}.")
    # A running maximum along the gallery gives every prefix's maximum in one pass.
    running = np.maximum.accumulate(s, axis=1)
    return {n: running[:, n - 1].copy() for n in sizes}



class WatchlistExplorer(_Explorer):
    """Returned by :func:`watchlist_explorer`; ``.numbers(t, N)`` gives its readout."""

    def __init__(self, html_text, text, id, sizes, q, imp, gen, n_probes, lo, hi, step):
        super().__init__(html_text, text, id)
        self.gallery_sizes = list(sizes)
        self._q, self._imp, self._gen, self._n_probes = q, imp, gen, n_probes
        self._lo, self._hi, self._step = lo, hi, step

    @property
    def slider_grid(self) -> np.ndarray:
        """Every threshold the slider can take (float, 2 decimals)."""
        return np.arange(self._lo, self._hi + 1, self._step) / _PER_UNIT

    def numbers(self, threshold: float, gallery_size: int) -> dict:
        """The readout at ``threshold`` for gallery size N (keys of :func:`watchlist_numbers`)."""
        if gallery_size not in self._q:
            raise ValueError(f"gallery_size: {gallery_size} is not one of {self.gallery_sizes}.")
        return _watch(self._q, self.gallery_sizes, gallery_size, _check_threshold(threshold),
                      self._imp, self._gen, self._n_probes)



def watchlist_explorer(max_impostor_scores: Mapping[int, np.ndarray], gallery_sizes: Sequence[int],
                       fmr_genuine_pairs=None, threshold: float = 80.0, n_probes: int | None = None,
                       *, impostor=None, gallery_size: int | None = None,
                       title: str = "Search a watchlist: how many innocent probes get a false "
                                    "match?",
                       x_range: tuple[float, float] = (0.0, 100.0), step: float = 0.01,
                       id: str | None = None) -> WatchlistExplorer:
    """The watchlist (ACLU) explorer: false matches per probe as the gallery grows.

    Each probe is searched against a gallery of N people, none of whom is the
    probe, so any gallery score at or above the threshold is a false match.

    Parameters
    ----------
    max_impostor_scores : dict {int: array-like of shape (n_sim_probes,)}
        For each gallery size N, each probe's MAXIMUM score against the first
        N gallery people (nested galleries: prefixes of one big gallery; see
        :func:`gallery_max_scores`). Same probes, same length, for every N.
    gallery_sizes : sequence of int
        The gallery sizes offered by the control; must equal the dict's keys.
    fmr_genuine_pairs : array-like, optional
        Mated (genuine) pair scores. When given, a third readout shows the
        FNMR at the threshold: how often a probe whose own photo *is* in the
        gallery would score below it and be missed, the price of a stricter
        threshold.
    threshold : float in [0, 100], default 80
        Starting threshold; snapped to the slider grid.
    n_probes : int, optional
        Probes counted by the formula's expected number (default: the number
        of simulated probes).
    impostor : array-like, optional
        Non-mated pair scores; the formula's FMR(t) comes from them. Without
        them the explorer shows the simulation only.
    gallery_size : int, optional
        Starting gallery size (default: the largest).
    title, x_range, step, id
        As for :func:`threshold_explorer` (default id ``fv-watch-<hash>``).

    Returns
    -------
    WatchlistExplorer
        Displays as one self-contained ``text/html`` output; ``.numbers(t, N)``
        returns what the readout shows.
    """
    sizes, q = _check_gallery(max_impostor_scores, gallery_sizes)
    imp = None if impostor is None else np.sort(quantise_scores(impostor, "impostor"))
    gen = (None if fmr_genuine_pairs is None
           else np.sort(quantise_scores(fmr_genuine_pairs, "fmr_genuine_pairs")))
    n_probes = _check_n_probes(n_probes)
    lo, hi = _check_range(x_range)
    step_q = _check_step(step)
    tq = _snap(_check_threshold(threshold), lo, hi, step_q)
    if gallery_size is None:
        gallery_size = sizes[-1]
    if gallery_size not in q:
        raise ValueError(f"gallery_size: {gallery_size!r} is not one of gallery_sizes {sizes}.")
    gi = sizes.index(gallery_size)
    parts = [q[n] for n in sizes] + [imp, gen, n_probes, tq, gi, title, lo, hi, step_q]
    title = _check_title(title)
    id = _check_id(id, _default_id("fv-watch", *parts))
    nums = _watch(q, sizes, gallery_size, tq, imp, gen, n_probes)
    m = nums["n_sim_probes"]

    # Chart: share of probes with at least one false match, by gallery size.
    L, R, T, B = 58, 16, 16, 56
    H_ = 236
    W, H = _VB_W - L - R, H_ - T - B
    k = len(sizes)
    slot = W / k
    bw = min(56.0, slot * 0.5)
    svg = [f'<svg class="fv-chart" viewBox="0 0 {_VB_W} {H_}" role="img" '
           f'aria-labelledby="{id}-svgt {id}-svgd" focusable="false">',
           f'<title id="{id}-svgt">Share of probes with at least one false match, by gallery size'
           f'</title>',
           f'<desc id="{id}-svgd">One bar per gallery size ({", ".join(_group(n) for n in sizes)} '
           f'people): the simulated share of probes with at least one false match at the current '
           f'threshold' + ('; diamonds joined by a dashed line give the formula 1 − (1 − FMR)^N'
                           if imp is not None else '')
           + '. The selected gallery size is outlined. The table below the chart lists the same '
             'numbers.</desc>']
    # Starting state of the chart (the script redraws it the same way on every move).
    sim_share = [(q[n].size - _count_below(q[n], tq)) / q[n].size for n in sizes]
    form_share = []
    if imp is not None:
        fmr0 = nums["impostor_at_or_above"] / nums["n_impostor"]
        form_share = [_p_any(fmr0, n) for n in sizes]
    top = max(sim_share + form_share)
    ymax = next((c for c in (1, 2, 5, 10, 20, 50, 100) if c >= top * 100 - 1e-9), 100)
    n_ticks = 3
    for j in range(n_ticks):
        y = T + H - j / (n_ticks - 1) * H
        v = round(ymax * j / (n_ticks - 1) * 10) / 10
        label = (str(int(v)) if v == int(v) else str(v)) + "%"
        svg.append(f'<line class="fv-grid" x1="{L}" y1="{_f(y)}" x2="{L + W}" y2="{_f(y)}"/>')
        svg.append(f'<text class="fv-ytick" x="{L - 6}" y="{_f(y + 4)}" text-anchor="end" '
                   f'font-size="12">{label}</text>')
    svg.append(f'<text class="fv-long" transform="translate(15,{_f(T + H / 2)}) rotate(-90)" '
               f'text-anchor="middle" font-size="12.5">Probes hit (%)</text>')
    for i, n in enumerate(sizes):
        cx = L + slot * (i + 0.5)
        h = sim_share[i] * 100 / ymax * H
        on = i == gi
        svg.append(f'<rect class="fv-bar" x="{_f(cx - bw / 2)}" y="{_f(T + H - h)}" '
                   f'width="{_f(bw)}" height="{_f(h)}" fill-opacity="{1 if on else 0.75}" '
                   f'stroke-width="{2.5 if on else 0}"/>')
        svg.append(f'<text class="fv-glabel" x="{_f(cx)}" y="{T + H + 18}" text-anchor="middle" '
                   f'font-size="12" font-weight="{700 if on else 400}">{_group(n)}</text>')
    svg.append(f'<line class="fv-axis" x1="{L}" y1="{T + H}" x2="{L + W}" y2="{T + H}" '
               'stroke-width="1.2"/>')
    if imp is not None:
        pts = [(L + slot * (i + 0.5), T + H - p * 100 / ymax * H) for i, p in enumerate(form_share)]
        svg.append('<polyline class="fv-fline" '
                   f'points="{" ".join(f"{_f(x)},{_f(y)}" for x, y in pts)}" fill="none" '
                   'stroke-width="2" stroke-dasharray="5 4"/>')
        for x, y in pts:
            svg.append(f'<path class="fv-mark" d="M0 -7 L7 0 L0 7 L-7 0 Z" stroke-width="1.2" '
                       f'transform="translate({_f(x)},{_f(y)})"/>')
    svg.append(f'<text x="{_f(L + W / 2)}" y="{H_ - 6}" text-anchor="middle" font-size="12.5">'
               'Gallery size N (people<tspan class="fv-long">, none of them the '
               'probe</tspan>)</text>')
    svg.append("</svg>")

    legend = ('<ul class="fv-legend" aria-label="Legend">'
              f'<li>{_legend_swatch("bar", id)}<span><b>Simulated</b>: share of the {_group(m)} '
              f'probes whose best gallery score reaches the threshold</span></li>')
    if imp is not None:
        legend += (f'<li>{_legend_swatch("mark", id)}<span><b>Formula</b> 1 − (1 − '
                   f'FMR)<sup>N</sup>, FMR from {_group(nums["n_impostor"])} impostor '
                   'pairs</span></li>')
    legend += "</ul>"

    if k > 1:
        gcontrol = (f'<div class="fv-control"><label for="{id}-g">Gallery size</label>'
                    f'<input type="range" class="fv-g" id="{id}-g" min="0" max="{k - 1}" step="1" '
                    f'value="{gi}" aria-valuetext="{nums["gallery_size"]} people" '
                    'data-lm-suppress-shortcuts="true" disabled>'
                    f'<span class="fv-value" aria-hidden="true"><span data-key="gallery_size">'
                    f'{nums["gallery_size"]}</span> people</span></div>')
    else:
        gcontrol = (f'<p class="fv-control">Gallery size: <span data-key="gallery_size">'
                    f'{nums["gallery_size"]}</span> people</p>')
    controls = ('<div class="fv-controls">'
                + _threshold_controls(id, tq, lo, hi, step_q, "Threshold") + gcontrol + "</div>")

    both = f"{id}-t {id}-g" if k > 1 else f"{id}-t"
    cards = [
        f'<output class="fv-card fv-c-gen" for="{both}" aria-live="polite" '
        'aria-atomic="true"><span class="fv-card-h">Simulated: probes with at least one false '
        f'match</span><span class="fv-big" data-key="sim_count">{nums["sim_count"]}</span>'
        f'<span class="fv-card-t">That is <span data-key="sim_share">{nums["sim_share"]}</span> of '
        'the probes, each searched against the gallery at this threshold.</span></output>'
    ]
    if imp is not None:
        cards.append(
            f'<output class="fv-card fv-c-imp" for="{both}" aria-live="polite" '
            'aria-atomic="true"><span class="fv-card-h">Formula: expected number of probes '
            f'hit</span><span class="fv-big" data-key="expected">{nums["expected"]}</span>'
            f'<span>of {nums["n_probes"]}</span>'
            f'<span class="fv-card-t">FMR <span data-key="fmr">{nums["fmr"]}</span> '
            f'(<span data-key="fmr_one_in">{nums["fmr_one_in"]}</span> impostor pairs), so '
            f'1 − (1 − FMR)<sup>N</sup> = <span data-key="p_any">{nums["p_any"]}</span> per probe.'
            '</span></output>')
    if gen is not None:
        cards.append(
            f'<output class="fv-card fv-c-ink" for="{id}-t" aria-live="polite" '
            'aria-atomic="true"><span class="fv-card-h">The price: a wanted person is missed '
            f'(FNMR)</span><span class="fv-big" data-key="fnmr">{nums["fnmr"]}</span>'
            f'<span class="fv-card-t"><span data-key="fnmr_count">{nums["fnmr_count"]}</span> '
            'genuine pairs score below the threshold.</span></output>')
    readouts = '<div class="fv-readouts">' + "".join(cards) + "</div>"

    head = "<tr><th scope=\"col\">Gallery size N</th><th scope=\"col\">Simulated</th>"
    head += "<th scope=\"col\">Formula, per probe</th></tr>" if imp is not None else "</tr>"
    rows = []
    for n in sizes:
        r = _watch(q, sizes, n, tq, imp, None, n_probes)
        cells = f'<td>{r["sim_count"]} ({r["sim_share"]})</td>'
        if imp is not None:
            cells += f'<td>{r["p_any"]}</td>'
        sel = " fv-sel" if n == gallery_size else ""
        rows.append(f'<tr class="fv-row{sel}"><th scope="row">{_group(n)}</th>{cells}</tr>')
    table = ('<details><summary>Numbers for every gallery size</summary>'
             f'<table><caption class="fv-sr">Probes with at least one false match by gallery size'
             f'</caption>{head}{"".join(rows)}</table></details>')

    note = _nojs_note(nums["threshold"])
    assumption = ('Each probe is searched against N people who are not the probe; any score at or '
                  'above the threshold is a false match. ')
    if imp is not None:
        assumption += ('The formula treats the N comparisons as independent, with the same '
                       'FMR; the simulation uses the actual maximum scores.')
    config = {"id": id, "t": tq, "lo": lo, "hi": hi, "step": step_q, "gi": gi, "sizes": sizes,
              "nProbes": n_probes,
              "plot": {"L": L, "W": W, "T": T, "H": H, "slot": slot, "edge": 0},
              "sims": [_encode(q[n]) for n in sizes],
              "imp": None if imp is None else _encode(imp),
              "gen": None if gen is None else _encode(gen)}
    data_attrs = (f'data-threshold="{nums["threshold"]}" data-gallery-size="{gallery_size}" '
                  f'data-sim-at-or-above="{nums["sim_at_or_above"]}"')
    if imp is not None:
        data_attrs += f' data-impostor-at-or-above="{nums["impostor_at_or_above"]}"'
    if gen is not None:
        data_attrs += f' data-genuine-below="{nums["genuine_below"]}"'
    page = (
        f'<div class="fv-explorer fv-watchlist-explorer mathjax_ignore tex2jax_ignore" id="{id}" '
        f'role="group" aria-labelledby="{id}-title" {data_attrs}>'
        f'<style>{_css(id)}</style>'
        f'<p class="fv-title" id="{id}-title">{html.escape(title)}</p>'
        f'<p class="fv-note">{assumption}</p>'
        + note + legend + "".join(svg) + controls + readouts + table
        + _script(config, "watchlist") + "</div>"
    )
    text = (f"Watchlist explorer (interactive in a browser): at threshold {nums['threshold']} with "
            f"a gallery of {nums['gallery_size']} people, {nums['sim_count']} simulated probes "
            f"({nums['sim_share']}) have at least one false match")
    if imp is not None:
        text += (f"; the formula 1 - (1 - FMR)^N with FMR {nums['fmr']} predicts "
                 f"{nums['expected']} of {nums['n_probes']} ({nums['p_any']} per probe)")
    if gen is not None:
        text += f"; FNMR {nums['fnmr']}"
    text += "."
    return WatchlistExplorer(page, text, id, sizes, q, imp, gen, n_probes, lo, hi, step_q)
