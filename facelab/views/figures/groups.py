"""Chapter 4's figures: errors by group, against the training mix and the threshold."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..._validation import check_threshold
from ...evaluation.rates import probit
from ...experiments.composition import GROUPS, GroupEvaluation, Sweep
from ...experiments.composition.measure import _Summary
from ..style import GENUINE, GROUP_STYLE, IMPOSTOR

__all__ = ["plot_rates_vs_share", "plot_ratio_vs_share", "plot_group_histograms",
           "plot_group_det", "plot_impostor_tails", "plot_compositions", "plot_gender_shades",
           "plot_fmr_bars"]


def _percent_axis(ax, axis: str = "y"):
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _: f"{v * 100:.3g}%")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def plot_rates_vs_share(sweep: Sweep, ax=None, rate: str = "fmr", label_groups: bool = True):
    """A rate of each group against the training share of B, with intervals.

    Parameters
    ----------
    sweep : Sweep
    ax : Axes, optional
    rate : {"fmr", "fnmr"}
    label_groups : bool
        Label each line at its right end (instead of a legend).

    Returns
    -------
    Axes
    """
    import matplotlib.pyplot as plt

    if rate not in ("fmr", "fnmr"):
        raise ValueError(f"rate: must be 'fmr' or 'fnmr', got {rate!r}.")
    if ax is None:
        _, ax = plt.subplots()
    x = np.array(sweep.shares) * 100
    for g in GROUPS:
        st = GROUP_STYLE[g]
        ci = [getattr(p, f"{rate}_ci")[g] for p in sweep.results.values()]
        y = np.array([c.estimate for c in ci])
        err = np.array([[c.estimate - c.low for c in ci], [c.high - c.estimate for c in ci]])
        ax.errorbar(x, y, yerr=err, color=st["color"], marker=st["marker"],
                    linestyle=st["linestyle"], capsize=3, linewidth=2, markersize=7)
        if label_groups:
            ax.annotate(st["label"], (x[-1], y[-1]), xytext=(8, 0), textcoords="offset points",
                        color="black", va="center", fontweight="bold", annotation_clip=False)
    ax.set_xlabel("share of group B among the training people (%)")
    ax.set_ylabel("false match rate" if rate == "fmr" else "false non-match rate")
    if rate == "fmr":
        from matplotlib.ticker import LogLocator, NullFormatter

        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1, 2, 5)))
        ax.yaxis.set_minor_formatter(NullFormatter())
    _percent_axis(ax)
    ax.set_xlim(0, 100)
    return ax


def plot_ratio_vs_share(sweeps: Sequence[Sweep], ax=None):
    """FMR_B / FMR_A against the training share of B (log scale), with intervals.

    One line per sweep (e.g. the default groups and the control), each
    seed's own ratio as a small dot behind the pooled estimate.

    Returns
    -------
    Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    styles = {"default": dict(color="#000000", marker="o", linestyle="-"),
              "control": dict(color="#56B4E9", marker="^", linestyle=":"),
              "custom": dict(color="#CC79A7", marker="D", linestyle="-.")}
    for k, sw in enumerate(sweeps):
        st = styles.get(sw.groups_label, styles["custom"])
        x = np.array(sw.shares) * 100 + (k - (len(sweeps) - 1) / 2) * 1.2  # dodge
        r = [p.fmr_ratio for p in sw.results.values()]
        y = np.array([c.estimate for c in r])
        err = np.array([[c.estimate - c.low for c in r], [c.high - c.estimate for c in r]])
        for xi, p in zip(x, sw.results.values(), strict=True):
            ax.scatter(np.full(len(p.per_evaluation), xi), [e["ratio"] for e in p.per_evaluation],
                       s=14, color=st["color"], alpha=0.45, marker=st["marker"], zorder=1)
        ax.errorbar(x, y, yerr=err, capsize=3, linewidth=2, markersize=7, zorder=2, **st)
        name = "default groups" if sw.groups_label == "default" else \
            "control (one distribution)" if sw.groups_label == "control" else sw.groups_label
        ax.annotate(name, (x[-1], y[-1]), xytext=(8, 0), textcoords="offset points",
                    color="black", va="center", fontweight="bold", annotation_clip=False)
    ax.axhline(1, color="#777777", linewidth=1)
    ax.set_yscale("log")
    from matplotlib.ticker import FuncFormatter, LogLocator

    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1, 2, 5)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    ax.set_xlabel("share of group B among the training people (%)")
    ax.set_ylabel("FMR of B / FMR of A (log scale)")
    ax.set_xlim(0, 100)
    return ax


def plot_group_histograms(evaluation: GroupEvaluation, axes=None, threshold: float | None = None,
                          bins=None, log: bool = False):
    """Each group's genuine and impostor scores, one panel per group.

    Parameters
    ----------
    evaluation : GroupEvaluation
    axes : two Axes, optional
    threshold : float, optional
        Default: the evaluation's global threshold.
    bins : sequence, optional
        Default: 1-point bins from 0 to 100.
    log : bool, default False
        Log-scaled share axis (to see the impostor tail; see also
        :func:`plot_impostor_tails`).

    Returns
    -------
    array of two Axes
        Each titled with the group's FMR and FNMR at the threshold.
    """
    import matplotlib.pyplot as plt


    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9.5, 3.8), sharey=True)
    t = evaluation.threshold if threshold is None else check_threshold(threshold)
    bins = np.arange(0, 101, 1.0) if bins is None else bins
    top = 0.0
    for ax, g in zip(np.ravel(axes), GROUPS, strict=False):
        for scores, spec in ((evaluation.impostor(g), IMPOSTOR), (evaluation.genuine(g), GENUINE)):
            h, edges = np.histogram(scores, bins=bins)
            share = h / scores.size
            top = max(top, float(share.max()))
            ax.stairs(share, edges, fill=True, alpha=0.25, color=spec["color"], hatch=spec["hatch"])
            ax.stairs(share, edges, color=spec["color"], linestyle=spec["linestyle"], linewidth=1.6,
                      label=f"{spec['label'].split(' (')[0]}, n = {scores.size:,}")
        r = evaluation.rates_at(t)[g]
        ax.axvline(t, color="black", linestyle=":", linewidth=2)
        ax.annotate(f"threshold\n{t:.1f}", (t, 1), xycoords=("data", "axes fraction"),
                    xytext=(-4, -4), textcoords="offset points", ha="right", va="top", fontsize=10)
        ax.set_title(f"group {g}: FMR {r['fmr']:.2%}, FNMR {r['fnmr']:.0%}")
        ax.set_xlabel("similarity score (book scale, 0 to 100)")
        ax.set_xlim(bins[0], bins[-1])
        if log:
            ax.set_yscale("log")
            ax.set_ylim(1e-6, 0.2)
    first = np.ravel(axes)[0]
    if not log:  # headroom above the humps for the threshold's label
        for ax in np.ravel(axes):
            ax.set_ylim(0, top * 1.3)
    first.set_ylabel("share of pairs per score point")
    first.legend(loc="upper left", fontsize=10)
    return axes


def plot_group_det(evaluation: GroupEvaluation, ax=None, mark_threshold: bool = True,
             title: str | None = None, fmr_ticks=(1e-5, 1e-4, 1e-3, 1e-2, 0.1, 0.5)):
    """Each group's DET curve on normal-deviate axes, the global threshold marked.

    Parameters
    ----------
    evaluation : GroupEvaluation
    ax : Axes, optional
    mark_threshold : bool, default True
        Mark each group's operating point at the global threshold.
    title : str, optional
    fmr_ticks : sequence of float
        Where to label the false match rate axis.

    Returns
    -------
    Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(4.8, 4.4))
    for g in GROUPS:
        st = GROUP_STYLE[g]
        fm, fnm, _ = evaluation.det(g)
        keep = (fm > 0) & (fnm > 0) & (fm < 1) & (fnm < 1)
        ax.plot(probit(fm[keep]), probit(fnm[keep]), color=st["color"],
                linestyle=st["linestyle"], linewidth=2, label=st["label"])
        if mark_threshold:
            r = evaluation.rates_at(evaluation.threshold)[g]
            ax.plot(probit(max(r["fmr"], 1e-6)), probit(r["fnmr"]),
                    marker=st["marker"], color=st["color"], markersize=9, linestyle="none",
                    markeredgecolor="black")
    ticks = np.asarray(fmr_ticks, dtype=float)
    ax.set_xticks(probit(ticks), [f"{v * 100:g}%" for v in ticks], fontsize=10)
    yt = np.array([0.05, 0.1, 0.2, 0.5, 0.8, 0.95, 0.99])
    ax.set_yticks(probit(yt), [f"{v:.0%}" for v in yt], fontsize=10)
    ax.set_xlim(probit(5e-6), probit(0.5))
    ax.set_ylim(probit(0.03), probit(0.995))
    ax.set_xlabel("false match rate (normal-deviate scale)")
    ax.set_ylabel("false non-match rate (normal-deviate scale)")
    ax.grid(color="#eeeeee")
    ax.legend(loc="lower left", fontsize=10)
    if title:
        ax.set_title(title)
    return ax


def plot_impostor_tails(evaluation: GroupEvaluation, ax=None, bins=None, title: str | None = None):
    """Both groups' same-group impostor scores on one log-scaled axis, with the threshold.

    Where the false matches are: everything right of the threshold line.

    Returns
    -------
    Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.6))
    bins = np.arange(0, 100.5, 0.5) if bins is None else bins
    t = evaluation.threshold
    for g in GROUPS:
        st = GROUP_STYLE[g]
        scores = evaluation.impostor(g)
        h, edges = np.histogram(scores, bins=bins)
        ax.stairs(h / scores.size, edges, color=st["color"], linestyle=st["linestyle"],
                  linewidth=2, label=f"{st['label']}: FMR {np.mean(scores >= t):.2%}")
    ax.axvline(t, color="black", linestyle=":", linewidth=2)
    ax.annotate(f"threshold {t:.1f}", (t, 1), xycoords=("data", "axes fraction"),
                xytext=(-4, -4), textcoords="offset points", ha="right", va="top", fontsize=10)
    ax.set_yscale("log")
    ax.set_ylim(1e-7, 0.2)
    ax.set_xlim(bins[0], bins[-1])
    ax.set_xlabel("impostor score (book scale)")
    ax.set_ylabel("share of impostor pairs per half point")
    ax.legend(loc="upper left", fontsize=10)
    if title:
        ax.set_title(title)
    return ax


def plot_compositions(panels: Mapping[str, GroupEvaluation], figsize=(10, 7.2)):
    """Impostor tails (top row) and DET curves (bottom row), one column per matcher.

    Parameters
    ----------
    panels : dict of title -> GroupEvaluation
        Two or three evaluations, e.g. different training mixes and a control.

    Returns
    -------
    Figure
    """
    import matplotlib.pyplot as plt

    if not 1 <= len(panels) <= 4:
        raise ValueError(f"panels: give one to four evaluations, got {len(panels)}.")
    # A wide figure is shrunk to the page's width: larger type keeps it legible.
    with plt.rc_context({"font.size": 13, "axes.titlesize": 14, "xtick.labelsize": 11,
                         "ytick.labelsize": 11, "legend.fontsize": 11}):
        fig, axes = plt.subplots(2, len(panels), figsize=figsize, squeeze=False)
        for k, (title, e) in enumerate(panels.items()):
            plot_impostor_tails(e, ax=axes[0, k], title=title)
            plot_group_det(e, ax=axes[1, k], fmr_ticks=(1e-5, 1e-3, 0.1))
            axes[0, k].legend(loc="lower center", fontsize=11, handlelength=1.8)
            axes[1, k].legend(loc="upper right", fontsize=11, handlelength=1.8)
            for ax in axes[:, k]:
                if k:
                    ax.set_ylabel("")
            axes[0, k].set_yticks([1e-6, 1e-4, 1e-2])
            axes[1, k].set_xlabel("false match rate")
            axes[1, k].tick_params(axis="both", labelsize=10)
        axes[0, 0].set_ylabel("share of impostor pairs\nper half point (log scale)")
        axes[1, 0].set_ylabel("false non-match rate\n(normal-deviate scale)")
        fig.tight_layout()
    return fig


def plot_gender_shades(gaps: Sequence[dict], ax=None):
    """The Gender Shades error table: one group of bars per vendor.

    Parameters
    ----------
    gaps : list of dict
        From :func:`gender_shades_gaps`.

    Returns
    -------
    Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    subgroups = [("darker_female", "darker-skinned women", "#D55E00", "//"),
                 ("darker_male", "darker-skinned men", "#CC79A7", "\\\\"),
                 ("lighter_female", "lighter-skinned women", "#56B4E9", ".."),
                 ("lighter_male", "lighter-skinned men", "#0072B2", "")]
    width = 0.2
    x = np.arange(len(gaps))
    for k, (key, label, colour, hatch) in enumerate(subgroups):
        values = [row["by_subgroup"][key] for row in gaps]
        bars = ax.bar(x + (k - 1.5) * width, values, width, color=colour, hatch=hatch,
                      edgecolor="white", label=label)
        ax.bar_label(bars, [f"{v:.1f}" for v in values], fontsize=10, padding=2)
    ax.set_xticks(x, [row["vendor"] for row in gaps])
    ax.set_ylabel("gender classification error (%)")
    ax.legend(loc="upper left", fontsize=10)
    ax.set_ylim(0, max(max(r["by_subgroup"].values()) for r in gaps) * 1.15)
    return ax


def plot_fmr_bars(settings: Mapping[str, _Summary], ax=None):
    """FMR of A and B side by side for a few settings, with intervals.

    Parameters
    ----------
    settings : dict of label -> GroupEvaluation or Pooled

    Returns
    -------
    Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 3.8))
    x = np.arange(len(settings))
    width = 0.36
    hatches = {"A": "", "B": "//"}
    for k, g in enumerate(GROUPS):
        st = GROUP_STYLE[g]
        ci = [s.fmr_ci[g] for s in settings.values()]
        y = np.array([c.estimate for c in ci])
        err = np.array([[c.estimate - c.low for c in ci], [c.high - c.estimate for c in ci]])
        ax.bar(x + (k - 0.5) * width, y, width, yerr=err, capsize=4, color=st["color"],
                      hatch=hatches[g], edgecolor="white", label=st["label"],
                      error_kw=dict(ecolor="black", linewidth=1.2))
        for xi, c in zip(x + (k - 0.5) * width, ci, strict=True):
            ax.annotate(f"{c.estimate:.2%}", (xi, c.high), xytext=(0, 4),
                        textcoords="offset points", ha="center", va="bottom", fontsize=10)
    ax.set_xticks(x, list(settings))
    ax.set_ylabel("false match rate")
    _percent_axis(ax)
    ax.legend(loc="upper right")
    return ax
