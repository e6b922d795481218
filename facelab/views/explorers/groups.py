"""The two-group explorer: one matcher, two groups, one threshold or one per group.

Chapter 4 trains the book's matcher on a mix of synthetic groups A and B and
measures each group's false match rate (FMR, on same-group impostor pairs) and
false non-match rate (FNMR, on genuine pairs). This explorer lets the reader
move the training mix, the arm (the matcher as built, or re-centred on the
people it meets), and the threshold (one for everyone, or one per group), in
the style of Wattenberg, Viégas and Hardt's 2016 threshold demo, on the static
site with no kernel: every score set is precomputed and embedded, and the page
counts them as Python does (``static/groups.js``; its twin is :func:`_rates`).

What is embedded
----------------
The slider moves on a grid ``lo, lo + step, ...`` (0.05 by default). At a grid
threshold ``g``, a score ``q`` (in hundredths) is below ``g`` exactly when its
grid floor ``lo + floor((q - lo) / step) * step`` is, so each score set is
embedded as the counts of its grid floors (:func:`_grid_encode`, in the
delta encoding of :func:`._common._encode`). The page's counts are then those
of the quantised scores at every slider position, and the output stays small:
24 sets of 1.4 million pairs take about 300 KB instead of 1.2 MB.

The chart has a panel per group: its genuine and impostor histograms (shares
of its pairs per bin, bins on the slider grid, one y scale for every mix and
arm) under its threshold line; the page redraws the histograms when the mix or
the arm changes (``histPath``, the coordinates :func:`_path` writes).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence

import numpy as np

from ..._validation import (
    check_bool,
    check_choice,
    check_int,
    check_seed,
    check_share,
    check_threshold,
)
from ...experiments.composition import DEFAULT_SHARES
from ._common import (
    _PER_UNIT,
    _check_id,
    _check_range,
    _check_step,
    _check_title,
    _default_id,
    _fixed,
    _float_hundredths,
    _group,
    _nice_step,
    _num,
    _pct_ratio,
    _snap,
    quantise_scores,
)
from ._html import (
    _SCOPE,
    _asset,
    _compact_css,
    _css,
    _Explorer,
    _hatch_defs,
    _legend_swatch,
    _nojs_note,
    _script,
)

__all__ = ["ARMS", "GROUPS", "groups_numbers", "groups_explorer", "groups_data_from_experiment",
           "groups_explorer_from_experiment", "GroupsExplorer"]

#: The arms, by the ``centring`` of :func:`facelab.experiments.composition.evaluate_by_group`,
#: and what the page calls them.
ARMS = {"training": "as built", "deployment": "re-centred on the people it meets"}
#: The two groups.
GROUPS = ("A", "B")
_MAX_PAIRS = 10 ** 7     # per score set: k_B * n_A stays exact in a JavaScript number
_DEFAULT_STEP = 0.05


# --------------------------------------------------------------------------
# Score sets
# --------------------------------------------------------------------------

class _Counted:
    """A score set as its sorted distinct hundredths and running counts (exact at any threshold)."""

    __slots__ = ("vals", "counts", "cum", "n")

    def __init__(self, scores, name: str):
        q = quantise_scores(scores, name)
        if q.size > _MAX_PAIRS:
            raise ValueError(f"{name}: at most {_MAX_PAIRS:,} scores per set, got {q.size:,}.")
        self.vals, self.counts = np.unique(q, return_counts=True)
        self.cum = np.concatenate([[0], np.cumsum(self.counts)])
        self.n = int(self.cum[-1])

    def below(self, tq: int) -> int:
        """How many scores are below tq hundredths (JavaScript: countBelow)."""
        return int(self.cum[np.searchsorted(self.vals, tq, side="left")])


def _grid_encode(c: _Counted, lo: int, hi: int, step: int) -> dict:
    """The counts of the scores' grid floors, as :func:`._common._encode` writes them.

    A score below ``lo`` counts at 0 (below every grid threshold), one above
    the last grid point at that point; JavaScript ``decode`` reads the result.
    """
    last = lo + ((hi - lo) // step) * step
    f = np.where(c.vals < lo, 0, lo + (np.minimum(c.vals, last) - lo) // step * step)
    vals, start = np.unique(f, return_index=True)      # f is sorted: runs of equal floors
    counts = np.add.reduceat(c.counts, start)
    return {"v": np.diff(vals, prepend=0).tolist(), "c": counts.tolist()}


def _share_key(share, name: str) -> float:
    return round(check_share(share, name), 9)


def _mix_label(share: float) -> str:
    b = round(share * 100, 6)
    return f"{b:g}% B, {round(100 - b, 6):g}% A"


def _check_data(data) -> dict:
    """{share: {arm: {group: (genuine _Counted, impostor _Counted)}}}, mixes sorted."""
    if not isinstance(data, Mapping) or not data:
        raise ValueError("data: must be a non-empty dict {share of B: {arm: {'A': (genuine, "
                         "impostor), 'B': (genuine, impostor)}}}, e.g. from "
                         f"groups_explorer_from_experiment; got {type(data).__name__}.")
    out: dict = {}
    arms = None
    for share, by_arm in data.items():
        key = _share_key(share, "data")
        if key in out:
            raise ValueError(f"data: the mix {share!r} appears twice.")
        if not isinstance(by_arm, Mapping) or not by_arm:
            raise ValueError(f"data: the mix {share!r} must map arms ({list(ARMS)}) to groups.")
        names = [check_choice(a, "data", list(ARMS)) for a in by_arm]
        if arms is None:
            arms = [a for a in ARMS if a in names]
        elif sorted(names) != sorted(arms):
            raise ValueError(f"data: every mix needs the same arms; {share!r} has {names}, "
                             f"another has {arms}.")
        out[key] = {}
        for arm in arms:
            groups = by_arm[arm]
            if not isinstance(groups, Mapping) or sorted(groups) != list(GROUPS):
                raise ValueError(f"data: mix {share!r}, arm {arm!r} must map exactly 'A' and 'B' "
                                 "to (genuine, impostor) score arrays.")
            out[key][arm] = {}
            for g in GROUPS:
                pair = groups[g]
                if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) \
                        or len(pair) != 2:
                    raise ValueError(f"data: mix {share!r}, arm {arm!r}, group {g!r} must be a "
                                     "pair (genuine scores, impostor scores).")
                where = f"data[{share!r}][{arm!r}][{g!r}]"
                out[key][arm][g] = (_Counted(pair[0], where + " genuine"),
                                    _Counted(pair[1], where + " impostor"))
    return dict(sorted(out.items()))


def _check_thresholds(threshold) -> tuple[int, int] | int:
    """One threshold (hundredths), or a pair for A and B from {'A': t, 'B': t}."""
    if isinstance(threshold, Mapping):
        if sorted(threshold) != list(GROUPS):
            raise ValueError("threshold: a threshold per group must be a dict with keys 'A' and "
                             f"'B', got keys {sorted(map(repr, threshold))}.")
        return tuple(_float_hundredths(check_threshold(threshold[g], f"threshold[{g!r}]"))
                     for g in GROUPS)
    return _float_hundredths(check_threshold(threshold))


# --------------------------------------------------------------------------
# Numbers (JavaScript: groupsReadout and its helpers in static/groups.js)
# --------------------------------------------------------------------------

def _times(x: float) -> str:
    """A ratio with at least two decimals and three significant digits, then "×" (times)."""
    for d in range(2, 7):
        r = math.floor(x * float(10 ** d) + 0.5)
        if r >= 100 or d == 6:
            return (_fixed(r, d) if r > 0 else "<0.000001") + "×"
    raise AssertionError  # unreachable


def _rates(a: tuple, b: tuple, tq_a: int, tq_b: int) -> dict:
    """The readout at thresholds tq_a (group A) and tq_b (group B), in hundredths.

    ``a`` and ``b`` are (genuine, impostor) :class:`_Counted` sets. JavaScript:
    ``groupsReadout``, which gives the same dict.
    """
    out: dict = {}
    k = {}
    for g, (gen, imp), tq in (("a", a, tq_a), ("b", b, tq_b)):
        k_imp = imp.n - imp.below(tq)
        k_gen = gen.below(tq)
        k[g] = (k_imp, imp.n)
        out.update({
            f"threshold_{g}": _fixed(tq, 2),
            f"fmr_{g}": _pct_ratio(k_imp, imp.n),
            f"fmr_count_{g}": f"{_group(k_imp)} of {_group(imp.n)} pairs",
            f"fnmr_{g}": _pct_ratio(k_gen, gen.n),
            f"fnmr_count_{g}": f"{_group(k_gen)} of {_group(gen.n)} pairs",
        })
    (ka, na), (kb, nb) = k["a"], k["b"]
    # FMR_B / FMR_A = (kb * na) / (ka * nb): two exact integer products, one division.
    if ka == 0:
        value = None
        ratio = "none in either group" if kb == 0 else "no false match in A"
    else:
        value = (kb * na) / (ka * nb)
        ratio = _times(value) if kb else "0.00×"
    out["fmr_ratio"] = ratio
    out.update({"impostor_at_or_above_a": ka, "n_impostor_a": na,
                "impostor_at_or_above_b": kb, "n_impostor_b": nb,
                "genuine_below_a": a[0].below(tq_a), "n_genuine_a": a[0].n,
                "genuine_below_b": b[0].below(tq_b), "n_genuine_b": b[0].n,
                "fmr_ratio_value": value})
    return out


def _equal_fmr_b(a: tuple, b: tuple, tq_a: int, lo: int, hi: int, step: int) -> int:
    """The grid threshold for B whose FMR is nearest A's at tq_a (ties: the higher one).

    Compares ``|k_B * n_A - k_A * n_B|``, exact integers. JavaScript: ``equalFmrB``.
    """
    imp_a, imp_b = a[1], b[1]
    ka = imp_a.n - imp_a.below(tq_a)
    grid = np.arange(lo, hi + 1, step)
    kb = imp_b.n - imp_b.cum[np.searchsorted(imp_b.vals, grid, side="left")]
    gap = np.abs(kb.astype(np.int64) * imp_a.n - ka * imp_b.n)
    best = np.flatnonzero(gap == gap.min())[-1]
    return int(grid[best])


def _labels(share: float, arm: str, per_group: bool) -> dict:
    return {"mix": _mix_label(share), "arm": ARMS[arm],
            "mode": "one threshold per group" if per_group else "one threshold for everyone"}


def _lookup(sets: dict, share_b, arm) -> tuple[float, str]:
    key = _share_key(share_b, "share_b")
    if key not in sets:
        raise ValueError(f"share_b: {share_b!r} is not one of the mixes in data "
                         f"{list(sets)}.")
    arm = check_choice(arm, "arm", list(sets[key]))
    return key, arm


def groups_numbers(data, share_b: float, arm: str = "training", threshold=88.0) -> dict:
    """What :func:`groups_explorer`'s readout shows at one setting.

    Parameters
    ----------
    data : dict
        ``{share of B: {arm: {"A": (genuine, impostor), "B": (genuine, impostor)}}}``:
        for each training mix and arm (``"training"``, as built; ``"deployment"``,
        re-centred), each group's mated and same-group non-mated pair scores
        on the 0..100 scale.
    share_b : float
        The training mix, one of the keys of ``data`` (0.1 is 10% B).
    arm : {"training", "deployment"}, default "training"
    threshold : float in [0, 100], or dict {"A": float, "B": float}, default 88.0
        One threshold for everyone, or one per group (88 is about where
        chapter 4's global threshold, at an overall FMR of 0.1%, falls). Each is rounded to the
        nearest 0.01, half to even on its decimal digits (see
        :mod:`facelab.views.explorers`).

    Returns
    -------
    dict
        Display strings, per group (suffix ``_a`` or ``_b``): ``threshold_a``
        ("88.30"), ``fmr_a`` ("0.0812%"), ``fmr_count_a`` ("1,167 of 1,437,600
        pairs"), ``fnmr_a``, ``fnmr_count_a``; ``fmr_ratio``, group B's FMR
        over group A's ("3.41×"; "no false match in A" or "none in either
        group" when A has none); the labels ``mix`` ("10% B, 90% A"), ``arm``
        and ``mode``. Integers behind them (``impostor_at_or_above_a``,
        ``n_impostor_a``, ``genuine_below_a``, ``n_genuine_a``, ...) and
        ``fmr_ratio_value`` (a float, or None when A has no false match).
    """
    return _numbers(_check_data(data), share_b, arm, threshold)


def _numbers(sets: dict, share_b, arm, threshold) -> dict:
    key, arm = _lookup(sets, share_b, arm)
    t = _check_thresholds(threshold)
    tq_a, tq_b = t if isinstance(t, tuple) else (t, t)
    out = _rates(sets[key][arm]["A"], sets[key][arm]["B"], tq_a, tq_b)
    out.update(_labels(key, arm, isinstance(t, tuple)))
    return out


# --------------------------------------------------------------------------
# The explorer
# --------------------------------------------------------------------------

class GroupsExplorer(_Explorer):
    """Returned by :func:`groups_explorer`; ``.numbers(...)`` gives its readout."""

    def __init__(self, html_text, text, id, sets, start, lo, hi, step):
        super().__init__(html_text, text, id)
        self._sets = sets
        self.mixes = list(sets)
        self.arms = list(next(iter(sets.values())))
        self._start = start
        self._lo, self._hi, self._step = lo, hi, step

    @property
    def slider_grid(self) -> np.ndarray:
        """Every threshold the sliders can take (float, 2 decimals)."""
        return np.arange(self._lo, self._hi + 1, self._step) / _PER_UNIT

    def numbers(self, share_b: float | None = None, arm: str | None = None,
                threshold=None) -> dict:
        """The readout (keys of :func:`groups_numbers`); a setting left out is the starting one.

        ``threshold`` is a number (one for everyone) or ``{"A": t, "B": t}``.
        """
        s0, a0, t0 = self._start
        return _numbers(self._sets, s0 if share_b is None else share_b,
                        a0 if arm is None else arm, t0 if threshold is None else threshold)

    def equal_fmr_threshold(self, share_b: float | None = None, arm: str | None = None,
                            threshold_a: float | None = None) -> float:
        """The slider threshold for B that the "equal FMR" button picks, given A's."""
        s0, a0, t0 = self._start
        key, arm = _lookup(self._sets, s0 if share_b is None else share_b,
                           a0 if arm is None else arm)
        if threshold_a is None:
            threshold_a = t0["A"] if isinstance(t0, Mapping) else t0
        tq = _float_hundredths(check_threshold(threshold_a, "threshold_a"))
        return _equal_fmr_b(self._sets[key][arm]["A"], self._sets[key][arm]["B"], tq,
                            self._lo, self._hi, self._step) / _PER_UNIT


def _slider(id: str, cls: str, tq: int, lo: int, hi: int, step: int, label: str,
            typed: str) -> str:
    t = _fixed(tq, 2)
    rng = f'min="{_fixed(lo, 2)}" max="{_fixed(hi, 2)}" step="{_fixed(step, 2)}" value="{t}"'
    return (f'<div class="fv-control"><label for="{id}-{cls}">{html.escape(label)}</label>'
            f'<input type="range" class="fv-{cls}" id="{id}-{cls}" {rng} '
            f'aria-valuetext="{t} out of 100" data-lm-suppress-shortcuts="true" disabled>'
            f'<label class="fv-sr" for="{id}-{cls}n">{html.escape(typed)}</label>'
            f'<input type="number" class="fv-{cls}n" id="{id}-{cls}n" {rng} inputmode="decimal" '
            f'data-lm-suppress-shortcuts="true" disabled></div>')


def _radios(id: str, name: str, legend: str, options: list[tuple[str, str]], chosen: int) -> str:
    items = "".join(
        f'<label class="fv-radio"><input type="radio" class="fv-{name}-{i}" name="{id}-{name}" '
        f'value="{value}"{" checked" if i == chosen else ""} data-lm-suppress-shortcuts="true" '
        f'disabled> {html.escape(text)}</label>'
        for i, (value, text) in enumerate(options))
    return (f'<fieldset class="fv-control fv-radios"><legend>{html.escape(legend)}</legend>'
            f'{items}</fieldset>')


def _span(key: str, nums: dict) -> str:
    return f'<span data-key="{key}">{html.escape(nums[key])}</span>'


def groups_explorer(data, *, share_b: float | None = None, arm: str = "training",
                    threshold: float = 88.0, per_group: bool = False,
                    thresholds_by_group: Mapping | None = None,
                    title: str = "One matcher, two groups: who pays for the threshold?",
                    x_range: tuple[float, float] = (0.0, 100.0), step: float = _DEFAULT_STEP,
                    id: str | None = None) -> GroupsExplorer:
    """The two-group explorer: training mix, arm and threshold(s), live in the browser.

    Parameters
    ----------
    data : dict
        ``{share of B: {arm: {"A": (genuine, impostor), "B": (genuine, impostor)}}}``
        as for :func:`groups_numbers` (every mix with the same arms; at most
        10,000,000 scores per set).
    share_b : float, optional
        Starting mix, a key of ``data`` (default: the smallest share of B).
    arm : {"training", "deployment"}, default "training"
        Starting arm; the page offers the arms ``data`` has.
    threshold : float in [0, 100], default 88.0
        Starting shared threshold, snapped to the slider grid.
    per_group : bool, default False
        Start with one threshold per group.
    thresholds_by_group : dict {"A": float, "B": float}, optional
        Starting per-group thresholds (default: both at ``threshold``).
    title : str
    x_range : (low, high), default (0, 100)
        The sliders' range.
    step : float, default 0.05
        The sliders' step, a multiple of 0.01. Each score set is embedded as
        counts on this grid (exact at every slider position), so the output
        grows as ``1 / step``: about 360 KB for six mixes, two arms and 1.4
        million pairs per group at 0.05 (1.2 MB at 0.01).
    id : str, optional
        The root element's id (default ``fv-grp-<hash>``).

    Returns
    -------
    GroupsExplorer
        Displays as one self-contained ``text/html`` output; ``.numbers(share_b,
        arm, threshold)`` returns what the readout shows (keys of
        :func:`groups_numbers`).
    """
    sets = _check_data(data)
    mixes = list(sets)
    arms = list(sets[mixes[0]])
    start_mix, start_arm = _lookup(sets, mixes[0] if share_b is None else share_b, arm)
    per = check_bool(per_group, "per_group")
    lo, hi = _check_range(x_range)
    step_q = _check_step(step)
    tq = _snap(_float_hundredths(check_threshold(threshold)), lo, hi, step_q)
    if thresholds_by_group is None:
        tq_a = tq_b = tq
    else:
        if not isinstance(thresholds_by_group, Mapping):
            raise ValueError("thresholds_by_group: must be a dict {'A': t, 'B': t} or None, got "
                             f"{type(thresholds_by_group).__name__}.")
        pair = _check_thresholds(dict(thresholds_by_group))   # a Mapping gives a pair
        tq_a, tq_b = (_snap(p, lo, hi, step_q, f"thresholds_by_group[{g!r}]")
                      for p, g in zip(pair, GROUPS, strict=True))
    if not isinstance(title, str):
        raise ValueError(f"title: must be a string, got {type(title).__name__}.")
    encoded = [[{g: {"gen": _grid_encode(sets[m][a][g][0], lo, hi, step_q),
                     "imp": _grid_encode(sets[m][a][g][1], lo, hi, step_q)} for g in GROUPS}
                for a in arms] for m in mixes]
    title = _check_title(title)
    id = _check_id(id, _default_id("fv-grp", repr(encoded), tq, tq_a, tq_b, per, title,
                                   start_mix, start_arm, lo, hi, step_q))
    sel = sets[start_mix][start_arm]
    nums = _rates(sel["A"], sel["B"], *((tq_a, tq_b) if per else (tq, tq)))
    nums.update(_labels(start_mix, start_arm, per))
    for_ = " ".join(f"{id}-{c}" for c in ("mix", "t", "ta", "tb"))

    def card(g, name):
        return (f'<output class="fv-card fv-c-ink" for="{for_}" '
                f'aria-live="polite" aria-atomic="true"><span class="fv-card-h">Group {name}: '
                f'false match rate</span><span class="fv-big" data-key="fmr_{g}">'
                f'{nums["fmr_" + g]}</span><span class="fv-card-t">{_span("fmr_count_" + g, nums)}'
                f' of two different people score at or above {_span("threshold_" + g, nums)}.'
                f'</span><span class="fv-card-t">False non-match rate {_span("fnmr_" + g, nums)}: '
                f'{_span("fnmr_count_" + g, nums)} of the same person score below it.</span>'
                '</output>')

    ratio = (f'<output class="fv-card fv-c-imp" for="{for_}" aria-live="polite" '
             'aria-atomic="true"><span class="fv-card-h">False match rate, B over A</span>'
             f'<span class="fv-big" data-key="fmr_ratio">{html.escape(nums["fmr_ratio"])}</span>'
             f'<span class="fv-card-t">Matcher trained on {_span("mix", nums)}, '
             f'{_span("arm", nums)}.</span></output>')
    readouts = '<div class="fv-readouts">' + card("a", "A") + card("b", "B") + ratio + "</div>"

    mix_opts = "".join(f'<option value="{i}"{" selected" if m == start_mix else ""}>'
                       f'{html.escape(_mix_label(m))}</option>' for i, m in enumerate(mixes))
    hide_one, hide_per = (" hidden", "") if per else ("", " hidden")
    controls = (
        '<div class="fv-controls">'
        f'<div class="fv-control"><label for="{id}-mix">Trained on</label>'
        f'<select class="fv-mix" id="{id}-mix" data-lm-suppress-shortcuts="true" disabled>'
        f'{mix_opts}</select></div>'
        + _radios(id, "arm", "Matcher", [(a, ARMS[a]) for a in arms], arms.index(start_arm))
        + _radios(id, "mode", "Threshold", [("one", "one threshold for everyone"),
                                             ("per", "one threshold per group")], int(per))
        + f'<div class="fv-one"{hide_one}>'
        + _slider(id, "t", tq, lo, hi, step_q, "Threshold", "Threshold, typed (0 to 100)")
        + f'</div><div class="fv-per"{hide_per}>'
        + _slider(id, "ta", tq_a, lo, hi, step_q, "Threshold for A",
                  "Threshold for group A, typed (0 to 100)")
        + _slider(id, "tb", tq_b, lo, hi, step_q, "Threshold for B",
                  "Threshold for group B, typed (0 to 100)")
        + f'<div class="fv-control"><button type="button" class="fv-eq" id="{id}-eq" '
          'data-lm-suppress-shortcuts="true" disabled>Set B for equal false match rates</button>'
          '<span class="fv-note">keeps A\'s threshold and moves B\'s to the one where B\'s FMR '
          'is nearest A\'s</span></div>'
        + "</div></div>")

    assumption = ('Synthetic people of two groups; each group\'s FMR counts pairs of two '
                  'different people of that group, its FNMR pairs of two photos of one person. '
                  '"As built" compares faces around the centre of the matcher\'s training '
                  'people; "re-centred" around the centre of the people it is tested on. '
                  'A match is a score at or above the threshold.')
    config = {"id": id, "lo": lo, "hi": hi, "step": step_q, "t": tq, "ta": tq_a, "tb": tq_b,
              "per": per, "mi": mixes.index(start_mix), "ai": arms.index(start_arm),
              "mixes": [_mix_label(m) for m in mixes], "arms": [ARMS[a] for a in arms],
              "sets": encoded}
    # The page writes the same: the mix's and the arm's index, the mode, the thresholds.
    data_attrs = (f'data-mix="{mixes.index(start_mix)}" data-arm="{arms.index(start_arm)}" '
                  f'data-mode="{"per" if per else "one"}" '
                  f'data-threshold-a="{nums["threshold_a"]}" '
                  f'data-threshold-b="{nums["threshold_b"]}"')
    tqs = {"a": tq_a, "b": tq_b} if per else {"a": tq, "b": tq}
    svg, config["plot"] = _chart(id, sel, [list(sets[m].values()) for m in mixes], tqs,
                                 lo, hi, step_q)
    legend = (
        '<ul class="fv-legend" aria-label="Legend">'
        f'<li>{_legend_swatch("genuine", id)}<span><b>Genuine pairs</b> (same person): filled '
        'blue</span></li>'
        f'<li>{_legend_swatch("impostor", id)}<span><b>Impostor pairs</b> (two people of the '
        'group): hatched, dashed outline</span></li>'
        f'<li>{_legend_swatch("threshold", id)}<span>Threshold; darker shading marks the '
        'errors</span></li></ul>')
    css = _css(id) + _SCOPE.sub("#" + id, _compact_css(_asset("groups.css")))
    page = (
        f'<div class="fv-explorer fv-groups-explorer mathjax_ignore tex2jax_ignore" id="{id}" '
        f'role="group" aria-labelledby="{id}-title" {data_attrs}>'
        f'<style>{css}</style>'
        f'<p class="fv-title" id="{id}-title">{html.escape(title)}</p>'
        f'<p class="fv-note">{html.escape(assumption)}</p>'
        + _nojs_note(nums["threshold_a"] if not per else
                     f'{nums["threshold_a"]} for A and {nums["threshold_b"]} for B')
        + controls + legend + svg + readouts + _script(config, "groups") + "</div>")
    text = (f"Two-group explorer (interactive in a browser): a matcher trained on {nums['mix']}, "
            f"{nums['arm']}, {nums['mode']}: group A at {nums['threshold_a']} has FMR "
            f"{nums['fmr_a']} ({nums['fmr_count_a']}) and FNMR {nums['fnmr_a']}; group B at "
            f"{nums['threshold_b']} has FMR {nums['fmr_b']} ({nums['fmr_count_b']}) and FNMR "
            f"{nums['fnmr_b']}; FMR ratio B/A {nums['fmr_ratio']}.")
    start_t = ({"A": tq_a / _PER_UNIT, "B": tq_b / _PER_UNIT} if per else tq / _PER_UNIT)
    return GroupsExplorer(page, text, id, sets, (start_mix, start_arm, start_t), lo, hi, step_q)


# --------------------------------------------------------------------------
# The chart: each group's genuine and impostor histograms under its threshold
# --------------------------------------------------------------------------

_VB_W, _L, _R, _T, _PH, _GAP, _B = 640, 58, 22, 34, 104, 44, 44


def _edges(lo: int, hi: int, step: int, bins: int = 50) -> list[int]:
    """Histogram edges on the slider grid (so the page counts them exactly)."""
    width = max(step, round((hi - lo) / bins / step) * step)
    last = lo + ((hi - lo) // step) * step
    return list(range(lo, last, width)) + [last]


def _shares(c: _Counted, edges: list[int]) -> np.ndarray:
    below = c.cum[np.searchsorted(c.vals, np.asarray(edges), side="left")]
    return np.diff(below) / c.n * 100


def _path(share: np.ndarray, edges: list[int], lo: int, hi: int, top: float, ymax: float) -> str:
    """A step outline of per-bin shares (JavaScript: histPath, the same coordinates)."""
    W = _VB_W - _L - _R

    def x(q):
        return f"{_L + (q - lo) / (hi - lo) * W:.1f}"

    def y(v):
        return f"{top + _PH - v / ymax * _PH:.1f}"

    pts = [f"M{x(edges[0])},{y(0)}"]
    for i, v in enumerate(share):
        pts.append(f"L{x(edges[i])},{y(v)}L{x(edges[i + 1])},{y(v)}")
    return "".join(pts) + f"L{x(edges[-1])},{y(0)}Z"


def _chart(id: str, sel: dict, all_sets: list, tqs: dict, lo: int, hi: int, step: int):
    """The SVG at the starting setting, and what the page needs to redraw it."""
    edges = _edges(lo, hi, step)
    ymax = max(float(_shares(c, edges).max()) for by_arm in all_sets for by_g in by_arm
               for pair in by_g.values() for c in pair)
    ymax = max(ymax, 1e-9)
    ystep = _nice_step(ymax, 2)
    ymax = math.ceil(ymax / ystep - 1e-9) * ystep
    W = _VB_W - _L - _R
    height = _T + 2 * _PH + _GAP + _B
    svg = [f'<svg class="fv-chart" viewBox="0 0 {_VB_W} {height}" role="img" '
           f'aria-labelledby="{id}-svgt {id}-svgd" focusable="false">'
           f'<title id="{id}-svgt">Each group\'s genuine and impostor score histograms with its '
           f'threshold</title><desc id="{id}-svgd">Two panels, group A above and group B below, '
           'on the 0 to 100 score scale: genuine pairs (same person; blue, filled) and same-group '
           'impostor pairs (different people; vermillion, hatched, dashed outline), as shares of '
           'their pairs per bin. A vertical line in each panel marks that group\'s threshold; the '
           'bars on the wrong side of it are shaded darker. The histograms change with the '
           'training mix and the matcher.</desc><defs>' + _hatch_defs(id)]
    for g in ("a", "b"):
        xt = _L + (tqs[g] - lo) / (hi - lo) * W
        svg.append(f'<clipPath id="{id}-cg-{g}"><rect class="fv-clip-gen-{g}" x="{_L}" y="0" '
                   f'width="{xt - _L:.1f}" height="{height}"/></clipPath>'
                   f'<clipPath id="{id}-ci-{g}"><rect class="fv-clip-imp-{g}" x="{xt:.1f}" '
                   f'y="0" width="{_L + W - xt:.1f}" height="{height}"/></clipPath>')
    svg.append("</defs>")
    for i, (g, name) in enumerate((("a", "A"), ("b", "B"))):
        top = _T + i * (_PH + _GAP)
        gen, imp = sel[name]
        pg = _path(_shares(gen, edges), edges, lo, hi, top, ymax)
        pi = _path(_shares(imp, edges), edges, lo, hi, top, ymax)
        v = 0.0
        while v <= ymax + 1e-9:
            yv = top + _PH - v / ymax * _PH
            svg.append(f'<line class="fv-grid" x1="{_L}" y1="{yv:.1f}" x2="{_L + W}" '
                       f'y2="{yv:.1f}" stroke-width="1"/><text x="{_L - 6}" y="{yv + 4:.1f}" '
                       f'text-anchor="end" font-size="12">{_num(v)}</text>')
            v += ystep
        svg.append(f'<text x="{_L}" y="{top - 8}" font-size="13" font-weight="700">Group {name}'
                   '</text>'
                   f'<path class="fv-gen-fill fv-pg-{g}" d="{pg}" fill-opacity="0.22" '
                   'stroke="none"/>'
                   f'<path class="fv-gen-fill fv-pg-{g}" d="{pg}" fill-opacity="0.6" stroke="none" '
                   f'clip-path="url(#{id}-cg-{g})"/>'
                   f'<path class="fv-pi-{g}" d="{pi}" fill="url(#{id}-hatch-off)" stroke="none"/>'
                   f'<path class="fv-pi-{g}" d="{pi}" fill="url(#{id}-hatch-on)" stroke="none" '
                   f'clip-path="url(#{id}-ci-{g})"/>'
                   f'<path class="fv-gen-stroke fv-pg-{g}" d="{pg}" fill="none" stroke-width="2" '
                   'stroke-linejoin="round"/>'
                   f'<path class="fv-imp-stroke fv-pi-{g}" d="{pi}" fill="none" stroke-width="2" '
                   'stroke-dasharray="6 3" stroke-linejoin="round"/>'
                   f'<line class="fv-axis" x1="{_L}" y1="{top + _PH}" x2="{_L + W}" '
                   f'y2="{top + _PH}" stroke-width="1.2"/>')
        xt = _L + (tqs[g] - lo) / (hi - lo) * W
        svg.append(f'<line class="fv-tline-{g} fv-ink-stroke" x1="{xt:.1f}" y1="{top - 4}" '
                   f'x2="{xt:.1f}" y2="{top + _PH}" stroke-width="2.5"/>'
                   f'<text class="fv-tlabel-{g} fv-halo" x="{xt:.1f}" y="{top - 8}" '
                   f'text-anchor="{"end" if xt > _L + W - 62 else "middle"}" font-size="13" '
                   f'font-weight="700" stroke-width="4" paint-order="stroke">'
                   f'threshold {_fixed(tqs[g], 2)}</text>')
    base = _T + 2 * _PH + _GAP
    xstep = _nice_step((hi - lo) / _PER_UNIT, 10) * _PER_UNIT
    tick = math.ceil(lo / xstep - 1e-9) * xstep
    while tick <= hi + 1e-6:
        xv = _L + (tick - lo) / (hi - lo) * W
        svg.append(f'<text x="{xv:.1f}" y="{base + 18}" text-anchor="middle" font-size="12">'
                   f'{_num(tick / _PER_UNIT)}</text>')
        tick += xstep
    svg.append(f'<text x="{_L + W / 2:.1f}" y="{height - 6}" text-anchor="middle" '
               'font-size="12.5">Similarity score (0 to 100); share of pairs per bin (%)</text>'
               '</svg>')
    plot = {"L": _L, "W": W, "T": _T, "PH": _PH, "GAP": _GAP, "edge": 62, "ymax": ymax,
            "edges": edges}
    return "".join(svg), plot


# --------------------------------------------------------------------------
# From the experiment
# --------------------------------------------------------------------------

def _check_shares(shares) -> list[float]:
    if isinstance(shares, (str, bytes)) or not isinstance(shares, Sequence) or not shares:
        raise ValueError(f"shares: must be a non-empty sequence of shares of B in [0, 1], "
                         f"got {shares!r}.")
    keys = [_share_key(s, "shares") for s in shares]
    if len(set(keys)) != len(keys):
        raise ValueError(f"shares: values repeat: {list(shares)!r}.")
    return keys


def groups_data_from_experiment(shares: Sequence[float] = DEFAULT_SHARES, seed: int = 0,
                                n_test_per_group: int = 1200,
                                arms: Sequence[str] = tuple(ARMS), cache=None):
    """Train at each mix and score both groups in each arm: the ``data`` of :func:`groups_explorer`.

    Returns ``(data, thresholds)``; ``thresholds[share][arm]`` is the global
    threshold :func:`~facelab.experiments.composition.evaluate_by_group` set
    (overall FMR 0.1% on both groups' impostor pairs together).
    """
    from ...experiments import composition

    keys = _check_shares(shares)
    seed = check_seed(seed)
    n = check_int(n_test_per_group, "n_test_per_group", low=2, high=5000)
    if isinstance(arms, (str, bytes)) or not isinstance(arms, Sequence) or not arms:
        raise ValueError(f"arms: must be a non-empty sequence of {list(ARMS)}, got {arms!r}.")
    arms = [check_choice(a, "arms", list(ARMS)) for a in arms]
    if cache is not None and not isinstance(cache, composition.CompositionCache):
        raise ValueError(f"cache: must be a composition.CompositionCache or None, got "
                         f"{type(cache).__name__}.")
    data: dict = {}
    thresholds: dict = {}
    for share in sorted(keys):
        model = (composition.train_on_composition(share, seed=seed) if cache is None
                 else cache.model(share, seed))
        data[share], thresholds[share] = {}, {}
        for arm in arms:
            ev = composition.evaluate_by_group(model, n_test_per_group=n, seed=seed, centring=arm)
            data[share][arm] = {g: (ev.genuine(g), ev.impostor(g)) for g in GROUPS}
            thresholds[share][arm] = float(ev.threshold)
    return data, thresholds


def groups_explorer_from_experiment(shares: Sequence[float] = DEFAULT_SHARES, seed: int = 0,
                                    n_test_per_group: int = 1200, *, share_b: float = 0.1,
                                    arms: Sequence[str] = tuple(ARMS), cache=None,
                                    **kwargs) -> GroupsExplorer:
    """Run chapter 4's experiment at each mix and build :func:`groups_explorer` from it.

    Trains the book's matcher at each share of B
    (:func:`facelab.experiments.composition.train_on_composition`, about 2.5 s
    each; a ``composition.CompositionCache`` given as ``cache`` supplies
    matchers it has trained already) and evaluates it on
    ``n_test_per_group`` held-out people of each group in each arm (2 to 5 s
    each, the first with rendering the held-out faces): about 70 s for six
    mixes and two arms on the book's build machine, 15 s less with a cache
    that has the matchers.

    Parameters
    ----------
    shares : sequence of float, default (0.05, 0.1, 0.25, 0.5, 0.75, 0.9)
    seed : int, default 0
    n_test_per_group : int in [2, 5000], default 1200
    share_b : float, default 0.1
        Starting mix, one of ``shares``.
    arms : sequence of {"training", "deployment"}, default both
    cache : composition.CompositionCache, optional
    **kwargs
        Passed to :func:`groups_explorer`. Unless ``threshold`` is given, the
        explorer starts at the global threshold of the starting mix, as built
        (overall FMR 0.1%), snapped to the slider grid.
    """
    start = _share_key(share_b, "share_b")
    if start not in _check_shares(shares):
        raise ValueError(f"share_b: {share_b!r} is not one of shares {list(shares)!r}.")
    data, thresholds = groups_data_from_experiment(shares, seed, n_test_per_group, arms, cache)
    first_arm = kwargs.get("arm", list(thresholds[start])[0])
    if first_arm in thresholds[start]:
        kwargs.setdefault("threshold", round(thresholds[start][first_arm], 2))
    return groups_explorer(data, share_b=start, **kwargs)
