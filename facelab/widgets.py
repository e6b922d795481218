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
"""

from __future__ import annotations

import base64
import html
import io

__all__ = ["KernelOnly", "figure_html", "RUN_LIVE_NOTE"]

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

    def _static(self) -> str:
        return ('<div class="fv-kernel-only">' + self.static_html
                + f'<p class="fv-kernel-note"><em>{self.note}</em></p></div>')

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/html"] = self._static()
        return bundle
