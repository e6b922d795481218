"""Kernel-backed controls that never look alive when they are not.

An ipywidgets control needs a running Python kernel. On the static site it
would be a snapshot: the slider moves, nothing else does. :class:`KernelOnly`
wraps a widget so that a live notebook shows the widget, while the built book
shows a picture of its result at the default settings with a one-line note on
how to run it live. It does this with two representations of one output: the
widget view (which Jupyter prefers) and an HTML rendering (which the book is
configured to prefer, see ``nb_mime_priority_overrides`` in ``_config.yml``).

The controls themselves are thin views: each callback calls the package's pure
functions and redraws.

Inside JupyterLab a dropdown, a slider or a button would hand its key presses to the
notebook's command-mode shortcuts (``r`` turned the cell into a Raw cell and dropped the
control). So the live view is the control plus one hidden ``Output`` whose only output is
a small script, ``explorers/static/widget-keys.js``: it marks the widget a key press starts
from with ``data-lm-suppress-shortcuts``, which JupyterLab's command registry respects. The
script is part of the widget state, so it runs again when a saved notebook is reopened.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence

import numpy as np

from ..experiments.composition import (
    GROUPS,
    CompositionCache,
    GroupEvaluation,
    check_share,
)
from ..faces.synth import check_groups
from ..matching.compare import _check_threshold, verify
from ..matching.identification import search
from .figures.groups import plot_group_histograms

__all__ = ["KernelOnly", "figure_html", "RUN_LIVE_NOTE", "matcher", "searcher",
           "render_pair", "render_search", "composition_explorer"]


RUN_LIVE_NOTE = ("This is a picture of the control at its default settings. "
                 "To move the controls, run this page in Jupyter: download it "
                 "with the button at the top of the page, or run <code>make lab</code> "
                 "in a copy of the book.")


def figure_html(fig, alt: str) -> str:
    """A matplotlib figure as an inline ``<img>`` (PNG, base64) with alt text."""
    if not alt or len(alt.strip()) < 15:
        raise ValueError("alt: describe what the figure shows (at least 15 characters)")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
            'style="max-width:100%;height:auto">')


class KernelOnly:
    """Show ``widget`` in a live notebook and ``static_html`` on the built site.

    Parameters
    ----------
    widget : ipywidgets.Widget
        The live control.
    static_html : str
        What the control shows at its defaults, as HTML (for instance from
        :func:`figure_html`), drawn by the same code as the live view.
    note : str, optional
        The one-line note shown under the static rendering.
    """

    def __init__(self, widget, static_html: str, note: str = RUN_LIVE_NOTE):
        if not static_html:
            raise ValueError("static_html: give a rendering of the control's default state")
        self.widget = widget
        self.static_html = static_html
        self.note = note
        self._live_view = None  # the widget and its key guard, made on first display

    def _static(self) -> str:
        return ('<div class="fv-kernel-only">' + self.static_html
                + f'<p class="fv-kernel-note"><em>{self.note}</em></p></div>')

    def _live(self):
        """The widget with the key guard beside it, made once."""
        if self._live_view is None:
            import ipywidgets as w

            self._live_view = w.VBox([self.widget, _key_guard()])
        return self._live_view

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self._live()._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/html"] = self._static()
        return bundle


def _key_guard_script() -> str:
    """The ``<script>`` that keeps a widget's keys from JupyterLab's notebook shortcuts.

    ``static/widget-keys.js`` of :mod:`facelab.views.explorers`, inlined and run once per
    page (it installs one capturing keydown listener on the document).
    """
    from .explorers._html import _asset, _compact_js

    return ('<script>(function () {\n"use strict";\n' + _compact_js(_asset("widget-keys.js"))
            + "\nguardWidgetKeys(document);\n})();</script>")


def _key_guard():
    """A hidden ``ipywidgets.Output`` holding ``_key_guard_script()`` (shown with each control).

    An ``Output`` renders its outputs as trusted HTML, so the script runs wherever the widget
    is shown, also from a saved notebook's widget state; it is invisible and takes no space.
    """
    import ipywidgets as w
    from IPython.display import HTML

    guard = w.Output(layout=w.Layout(display="none"))
    guard.add_class("fv-key-guard")
    guard.append_display_data(HTML(_key_guard_script()))
    return guard


def _face_uris(images) -> list[str]:
    """Each grey image as a PNG data URI, encoded once so redraws are cheap."""
    from PIL import Image

    images = np.asarray(images)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images: expected shape (n, h, w) with n >= 1, got {images.shape}")
    uris = []
    for img in images:
        buf = io.BytesIO()
        Image.fromarray((np.clip(img, 0, 1) * 255).round().astype(np.uint8)).save(buf, "PNG")
        uris.append("data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii"))
    return uris


def _face_tag(uri: str, alt: str, caption: str, highlight: bool = False) -> str:
    border = "3px solid #0072B2" if highlight else "1px solid #767676"
    return ('<figure style="display:inline-block;margin:0 8px 8px 0;text-align:center;'
            'vertical-align:top;width:136px">'
            f'<img src="{uri}" alt="{html.escape(alt)}" width="128" height="128" '
            f'style="image-rendering:pixelated;border:{border}">'
            '<figcaption '
            f'style="font-size:0.85em;line-height:1.3;color:inherit">{caption}</figcaption></figure>')


def _check_inputs(images, ids, embeddings):
    images, ids, embeddings = np.asarray(images), np.asarray(ids), np.asarray(embeddings)
    if not (len(images) == len(ids) == len(embeddings)) or len(ids) == 0:
        raise ValueError("images, ids, embeddings: need the same non-zero number of rows, got "
                         f"{len(images)}, {len(ids)}, {len(embeddings)}")
    return images, ids, embeddings


class _Photos:
    """Photos indexed by (person, photo number), for the controls."""

    def __init__(self, ids):
        self.ids = np.asarray(ids)
        self.people = [int(p) for p in dict.fromkeys(self.ids.tolist())]
        self.rows = {p: np.flatnonzero(self.ids == p) for p in self.people}

    def row(self, person: int, photo: int) -> int:
        rows = self.rows[person]
        return int(rows[min(photo, len(rows) - 1)])


def render_pair(uris, ids, embeddings, i: int, j: int, threshold: float) -> str:
    """HTML for a 1:1 comparison of rows ``i`` and ``j``: both faces, score, decision."""

    score, is_match = verify(embeddings[i], embeddings[j], threshold)
    score, is_match = float(score[0]), bool(is_match[0])
    same = ids[i] == ids[j]
    verdict = "MATCH" if is_match else "NO MATCH"
    truth = "same person" if same else "different people"
    correct = is_match == same
    outcome = ("correct" if correct else
               "a false match: two different people accepted" if is_match else
               "a false non-match: the same person rejected")
    faces = (_face_tag(uris[i], f"Face A: Olivetti photo of person {ids[i]}", f"A: person {ids[i]}")
             + _face_tag(uris[j], f"Face B: Olivetti photo of person {ids[j]}", "B: person "
                                                                                f"{ids[j]}"))
    return (f'<div class="fv-matcher">{faces}<p style="font-size:1.05em">'
            f"Score <strong>{score:.1f}</strong> against threshold {threshold:g}: "
            f"<strong>{verdict}</strong>. In truth: {truth}, so the decision is "
            f"{outcome}.</p></div>")


def matcher(images, ids, embeddings, threshold: float = 80.0, pair=((0, 0), (0, 1))):
    """A 1:1 matcher: pick two photos, see both, the score, and the decision.

    Parameters
    ----------
    images : ndarray of shape (n, h, w)
        The photos, in [0, 1].
    ids : ndarray of shape (n,)
        Person of each photo.
    embeddings : ndarray of shape (n, dim)
        Embedding of each photo, computed once (the controls only look up
        rows and call :func:`facelab.match.verify`).
    threshold : float
        Starting threshold on the book's 0-100 scale.
    pair : ((person index, photo), (person index, photo))
        The starting pair, by position in the list of people.

    Returns
    -------
    KernelOnly
        Live controls in Jupyter; the default comparison on the static site.
    """
    import ipywidgets as w

    images, ids, embeddings = _check_inputs(images, ids, embeddings)

    threshold = _check_threshold(threshold)
    photos, uris = _Photos(ids), _face_uris(images)
    people = [(f"person {p}", p) for p in photos.people]
    n_photos = max(len(r) for r in photos.rows.values())
    (pa, fa), (pb, fb) = pair
    style = {"description_width": "initial"}
    person_a = w.Dropdown(options=people, value=photos.people[pa], description="Face A: person",
                          style=style)
    photo_a = w.IntSlider(value=fa, min=0, max=n_photos - 1, description="photo", style=style)
    person_b = w.Dropdown(options=people, value=photos.people[pb], description="Face B: person",
                          style=style)
    photo_b = w.IntSlider(value=fb, min=0, max=n_photos - 1, description="photo", style=style)
    thr = w.FloatSlider(value=threshold, min=0, max=100, step=0.5, description="threshold",
                        style=style, continuous_update=True)
    out = w.HTML()

    def state():
        return (photos.row(person_a.value, photo_a.value),
                photos.row(person_b.value, photo_b.value), thr.value)

    def update(_=None):
        i, j, t = state()
        out.value = render_pair(uris, ids, embeddings, i, j, t)

    for control in (person_a, photo_a, person_b, photo_b, thr):
        control.observe(update, names="value")
    update()
    box = w.VBox([w.HBox([person_a, photo_a]), w.HBox([person_b, photo_b]), thr, out])
    box.update = update  # for benchmarks: one redraw
    return KernelOnly(box, out.value)


def render_search(uris, ids, embeddings, probe_row: int, gallery_rows, threshold: float,
                  top_k: int = 5) -> str:
    """HTML for a 1:N search of one probe photo against a gallery of photos."""

    gallery_rows = np.asarray(gallery_rows)
    result = search(embeddings[probe_row][None], embeddings[gallery_rows], ids[gallery_rows],
                          threshold=threshold, top_k=top_k)
    truth = ids[probe_row]
    enrolled = truth in set(ids[gallery_rows].tolist())
    tags = [_face_tag(uris[probe_row], f"probe photo of person {truth}", f"probe: person {truth}")]
    for pid, score, pos in zip(result.ids[0], result.scores[0],
                                result.positions[0], strict=True):
        above = score >= threshold
        mark = "✓ " if pid == truth else ""
        tags.append(_face_tag(uris[gallery_rows[pos]],
                              f"candidate: person {pid}, score {score:.1f}",
                              f"{mark}person {pid}<br>{score:.1f}{' ALERT' if above else ''}",
                              highlight=above))
    n_alerts = int(result.n_above[0])
    true_alert = any(p == truth and s >= threshold
                     for p, s in zip(result.ids[0], result.scores[0], strict=True))
    among = "is among them" if true_alert else "is not among them"
    false_alerts = ("" if n_alerts - true_alert == 0
                    else f", {n_alerts - int(true_alert)} false alert(s)")
    summary = (f"Gallery of {len(gallery_rows)} people; the probe's person is "
               f"{'enrolled' if enrolled else 'not enrolled'}. {n_alerts} alert(s) at threshold "
               f"{threshold:g}: the true person {among}{false_alerts}.")
    return (f'<div class="fv-search"><div>{"".join(tags)}</div>'
            f'<p style="font-size:1.05em">{summary}</p></div>')


def searcher(images, ids, embeddings, threshold: float = 80.0, probe=(0, 1), gallery_size=None):
    """A 1:N search: pick a probe photo, a gallery size and a threshold; see the candidates.

    The gallery holds the first photo of the first ``gallery_size`` people;
    probes are their other photos (a probe is never its own gallery photo).

    Parameters
    ----------
    images, ids, embeddings
        As for :func:`matcher`.
    threshold : float
        Starting threshold on the book's 0-100 scale.
    probe : (person index, photo)
        Starting probe; photo numbers start at 1 (photo 0 is enrolled).
    gallery_size : int, optional
        Starting gallery size; defaults to everyone.

    Returns
    -------
    KernelOnly
    """
    import ipywidgets as w

    images, ids, embeddings = _check_inputs(images, ids, embeddings)

    threshold = _check_threshold(threshold)
    photos, uris = _Photos(ids), _face_uris(images)
    n_people = len(photos.people)
    if n_people < 2:
        raise ValueError("ids: a search needs at least two people")
    gallery_all = np.array([photos.rows[p][0] for p in photos.people])
    gallery_size = n_people if gallery_size is None else int(gallery_size)
    if not 1 <= gallery_size <= n_people:
        raise ValueError(f"gallery_size: must be in [1, {n_people}], got {gallery_size}")
    n_photos = max(len(r) for r in photos.rows.values())
    style = {"description_width": "initial"}
    person = w.Dropdown(options=[(f"person {p}", p) for p in photos.people],
                        value=photos.people[probe[0]], description="Probe: person", style=style)
    photo = w.IntSlider(value=probe[1], min=1, max=n_photos - 1, description="photo", style=style)
    size = w.IntSlider(value=gallery_size, min=1, max=n_people, description="gallery size (people)",
                       style=style)
    thr = w.FloatSlider(value=threshold, min=0, max=100, step=0.5, description="threshold",
                        style=style)
    out = w.HTML()

    def update(_=None):
        out.value = render_search(uris, ids, embeddings, photos.row(person.value, photo.value),
                                  gallery_all[:size.value], thr.value)

    for control in (person, photo, size, thr):
        control.observe(update, names="value")
    update()
    box = w.VBox([w.HBox([person, photo]), size, thr, out])
    box.update = update
    return KernelOnly(box, out.value)


def _explorer_html(ev: GroupEvaluation, threshold: float) -> str:
    r = ev.rates_at(threshold)
    a, b = r["A"]["fmr"], r["B"]["fmr"]
    ratio = "undefined (no false matches in A)" if a == 0 else f"{b / a:.2f}"
    cell = "padding:2px 14px;text-align:right"
    rows = "".join(
        f"<tr><th style='{cell};text-align:left'>group {g}</th>"
        f"<td style='{cell}'>{r[g]['fmr']:.3%}</td><td style='{cell}'>{r[g]['fnmr']:.1%}</td></tr>"
        for g in GROUPS)
    shares = ev.training_shares or {}
    target = f"{ev.target_fmr:.1%}" if ev.target_fmr else "the target"
    return (f"<p>Trained on {shares.get('A', 0):.0%} A and {shares.get('B', 0):.0%} B "
            f"({ev.groups_label} groups); threshold <strong>{threshold:.1f}</strong> "
            f"(the global threshold for an overall FMR of {target} is {ev.threshold:.1f}).</p>"
            f"<table style='border-collapse:collapse;margin:0 0 0.5em 0'><tr><th></th>"
            f"<th style='{cell}'>false match rate</th><th style='{cell}'>false non-match rate</th>"
            f"</tr>{rows}</table><p>FMR of B / FMR of A: <strong>{ratio}</strong></p>")


def _explorer_figure(ev: GroupEvaluation, threshold: float):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9.5, 3.6), sharey=True)
    plot_group_histograms(ev, axes=axes, threshold=threshold)
    shares = ev.training_shares or {}
    fig.suptitle(f"Scores of held-out people, matcher trained on {shares.get('B', 0):.0%} B",
                 fontweight="bold")
    fig.tight_layout()
    return fig


def composition_explorer(cache: CompositionCache | None = None, share_b: float = 0.1, seed: int = 0,
             groups=None, shares: Sequence[float] = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7,
                                                     0.8, 0.9, 0.95)):
    """Composition and threshold sliders; per-group FMR and FNMR, and histograms.

    Moving the composition slider trains a matcher for that share of B (a
    few seconds the first time, with a progress bar; cached after) and keeps
    the reader's threshold; a button sets the mix's own threshold (the one
    that gives an overall FMR of the target). Moving the threshold slider
    re-reads the rates from sorted scores (instant) and redraws the histograms.

    Parameters
    ----------
    cache : CompositionCache, optional
        Reuse the chapter's matchers (a smaller default one otherwise).
    share_b : float, default 0.1
        Starting share of B; must be one of ``shares``.
    seed : int, default 0
    groups : dict, optional
    shares : sequence of float
        The composition slider's stops.

    Returns
    -------
    facelab.widgets.KernelOnly
        Live in Jupyter; on the static site, a picture of the starting state.
    """
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display


    groups = check_groups(groups, names=GROUPS)
    shares = [check_share(s, "shares") for s in shares]
    share_b = check_share(share_b)
    if not any(abs(share_b - s) < 1e-9 for s in shares):
        raise ValueError(f"share_b: must be one of the slider's stops {shares}, got {share_b}.")
    cache = CompositionCache() if cache is None else cache
    ev = cache.evaluation(share_b, seed, groups)
    style = {"description_width": "initial"}
    comp = w.SelectionSlider(options=[(f"{s:.0%} B", s) for s in shares], value=share_b,
                             description="training mix (share of group B)", style=style,
                             continuous_update=False, layout=w.Layout(width="520px"))
    thr = w.FloatSlider(value=round(ev.threshold, 1), min=80, max=100, step=0.1,
                        description="threshold", style=style, continuous_update=False,
                        layout=w.Layout(width="520px"))
    bar = w.IntProgress(value=0, min=0, max=2, description="", layout=w.Layout(visibility="hidden"))
    status = w.Label("")
    numbers = w.HTML()
    plot = w.Output()
    state = {"ev": ev}

    def redraw(_=None):
        numbers.value = _explorer_html(state["ev"], thr.value)
        with plot:
            plot.clear_output(wait=True)
            fig = _explorer_figure(state["ev"], thr.value)
            display(fig)
            plt.close(fig)

    def retrain(change):
        s = change["new"]
        if not cache.has_evaluation(s, seed, groups):
            bar.layout.visibility, bar.value = "visible", 0
            if (s, seed, groups) not in cache:
                status.value = f"training a matcher on {s:.0%} B ..."
                cache.model(s, seed, groups)
            bar.value = 1
            status.value = "scoring held-out people ..."
        state["ev"] = cache.evaluation(s, seed, groups)
        bar.value, bar.layout.visibility, status.value = 2, "hidden", ""
        # The reader's threshold stays where they put it (a deployment keeps its setting when
        # its training data change); the button sets the new mix's own threshold.
        redraw()

    def to_mix_threshold(_=None):
        t = round(state["ev"].threshold, 1)
        if thr.value != t:
            thr.value = t  # triggers redraw
        else:
            redraw()

    reset = w.Button(description="this mix's threshold",
                     tooltip="set the threshold that gives this mix an overall FMR of the target",
                     layout=w.Layout(width="auto"))
    comp.observe(retrain, names="value")
    thr.observe(redraw, names="value")
    reset.on_click(to_mix_threshold)
    redraw()
    box = w.VBox([comp, w.HBox([bar, status]), w.HBox([thr, reset]), numbers, plot])
    box.state, box.to_mix_threshold = state, to_mix_threshold  # for tests and benchmarks
    box.redraw = redraw  # for benchmarks
    fig = _explorer_figure(ev, ev.threshold)
    r = ev.rates_at(ev.threshold)
    alt = (f"Two histograms of similarity scores of held-out people for a matcher trained on "
           f"{share_b:.0%} group B. At the global threshold {ev.threshold:.1f}, group A's false "
           f"match rate is {r['A']['fmr']:.3%} and group B's {r['B']['fmr']:.3%}; false non-match "
           f"rates {r['A']['fnmr']:.0%} and {r['B']['fnmr']:.0%}.")
    static = _explorer_html(ev, ev.threshold) + figure_html(fig, alt)
    plt.close(fig)
    return KernelOnly(box, static)
