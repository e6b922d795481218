"""The explorers' web side: the static files, the palettes, and the HTML both share.

The CSS and JavaScript live in ``static/`` as ordinary files (read once, with
:mod:`importlib.resources`, and cached). Each explorer's output inlines them:
the stylesheet scoped to the explorer's id, and one script,
``(function () {"use strict"; var C = <config>; core.js page.js <kind>.js
start(C, mount<Kind>);})();``. Inlining drops comment lines and indentation
(line breaks stay, so the code means what the files say).
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from importlib import resources

from ._common import _fixed

_PACKAGE = "facelab.views.explorers"

#: The static files, in the order the script needs them.
SCRIPT_FILES = {
    "threshold": ("core.js", "page.js", "threshold.js"),
    "watchlist": ("core.js", "page.js", "watchlist.js"),
    "review": ("core.js", "page.js", "review.js"),
    "groups": ("core.js", "page.js", "groups.js"),
}
_MOUNT = {"threshold": "mountThreshold", "watchlist": "mountWatchlist", "review": "mountReview",
          "groups": "mountGroups"}


# --------------------------------------------------------------------------
# Static files
# --------------------------------------------------------------------------

@cache
def _asset(name: str) -> str:
    """The text of ``static/<name>`` (cached)."""
    return resources.files(_PACKAGE).joinpath("static", name).read_text(encoding="utf-8")


def _compact_js(text: str) -> str:
    """JavaScript without comment-only lines, blank lines and indentation.

    Safe for the explorers' files, which have no template literals and no
    string spanning lines (``tests/test_explorers.py`` checks).
    """
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


def _compact_css(text: str) -> str:
    """CSS without comments and with white space collapsed."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"\s*([{};,])\s*", r"\1", text).strip()


@cache
def _script_body(kind: str) -> str:
    return "\n".join(_compact_js(_asset(name)) for name in SCRIPT_FILES[kind])


def _js_literal(obj) -> str:
    # Safe inside <script>: JSON with "</" escaped, ASCII only.
    s = json.dumps(obj, separators=(",", ":"), ensure_ascii=True)
    return s.replace("</", "<\\/")


def _script(config: dict, kind: str) -> str:
    """The explorer's one inline script: the static files around its config."""
    return ('<script>(function () {\n"use strict";\nvar C = ' + _js_literal(config) + ";\n"
            + _script_body(kind) + f"\nstart(C, {_MOUNT[kind]});\n}})();</script>")


_SCOPE = re.compile(r"\.fv-explorer(?![\w-])")


@cache
def _css_template() -> str:
    return _compact_css(_asset("explorer.css"))


def _css(id: str) -> str:
    """The stylesheet with every rule scoped to ``#id``."""
    return _SCOPE.sub("#" + id, _css_template())


# --------------------------------------------------------------------------
# Palettes (read from the stylesheet, their one source)
# --------------------------------------------------------------------------

@cache
def palettes() -> dict[str, dict[str, str]]:
    """The colours of explorer.css, by mode.

    Returns
    -------
    dict
        ``{"light": {...}, "dark": {...}, "dark-auto": {...}}``, each mapping
        a custom property without its ``--fv-`` prefix (``"text"``,
        ``"genuine"``, ...) to its ``#rrggbb`` value. ``"dark-auto"`` is the
        copy used under ``prefers-color-scheme: dark``; it equals ``"dark"``.
    """
    css = re.sub(r"/\*.*?\*/", "", _asset("explorer.css"), flags=re.S)
    found: dict[str, dict[str, str]] = {}
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        props = dict(re.findall(r"--fv-([\w-]+)\s*:\s*(#[0-9a-fA-F]{6})\s*;", body))
        if not props:
            continue
        selector = selector.strip()
        mode = ("dark-auto" if ":not(" in selector
                else "dark" if 'data-theme="dark"' in selector else "light")
        found[mode] = {k: v.lower() for k, v in props.items()}
    return found


# --------------------------------------------------------------------------
# HTML both explorers use
# --------------------------------------------------------------------------

def _nojs_note(threshold_text: str) -> str:
    return (f'<p class="fv-nojs">This copy is not interactive (it needs JavaScript; in Jupyter, '
            f'trust the notebook). It shows threshold {threshold_text}.</p>')


def _threshold_controls(id: str, tq: int, lo: int, hi: int, step: int, label: str) -> str:
    t = _fixed(tq, 2)
    rng = (f'min="{_fixed(lo, 2)}" max="{_fixed(hi, 2)}" step="{_fixed(step, 2)}" '
           f'value="{t}"')
    return (
        f'<div class="fv-control"><label for="{id}-t">{html.escape(label)}</label>'
        f'<input type="range" class="fv-t" id="{id}-t" {rng} '
        f'aria-valuetext="{t} out of 100" data-lm-suppress-shortcuts="true" disabled>'
        f'<label class="fv-sr" for="{id}-tn">Threshold, typed (0 to 100)</label>'
        f'<input type="number" class="fv-tn" id="{id}-tn" {rng} inputmode="decimal" '
        f'data-lm-suppress-shortcuts="true" disabled>'
        f'</div>'
    )


def _legend_swatch(kind: str, id: str) -> str:
    if kind == "genuine":
        body = ('<rect class="fv-gen-fill fv-gen-stroke" x="1" y="1" width="26" height="14" '
                'fill-opacity="0.65" stroke-width="2"/>')
    elif kind == "impostor":
        body = (f'<rect class="fv-imp-stroke" x="1" y="1" width="26" height="14" '
                f'fill="url(#{id}-hatch-on)" stroke-width="2" stroke-dasharray="5 3"/>')
    elif kind == "bar":
        body = '<rect class="fv-gen-fill" x="5" y="1" width="18" height="14"/>'
    elif kind == "mark":
        body = ('<line class="fv-imp-stroke" x1="1" y1="8" x2="27" y2="8" stroke-width="2" '
                'stroke-dasharray="4 3"/><path class="fv-imp-fill fv-ink-stroke" '
                'd="M14 2 L20 8 L14 14 L8 8 Z" stroke-width="1"/>')
    else:  # threshold line
        body = '<line class="fv-ink-stroke" x1="14" y1="0" x2="14" y2="16" stroke-width="2.5"/>'
    return (f'<svg width="28" height="16" viewBox="0 0 28 16" aria-hidden="true" '
            f'focusable="false">{body}</svg>')


def _hatch_defs(id: str) -> str:
    def pattern(suffix, opacity, bg):
        return (f'<pattern id="{id}-hatch-{suffix}" patternUnits="userSpaceOnUse" width="6" '
                f'height="6" patternTransform="rotate(45)"><rect class="fv-imp-fill" width="6" '
                f'height="6" fill-opacity="{bg}"/><line class="fv-imp-stroke" x1="1" y1="0" '
                f'x2="1" y2="6" stroke-width="2" stroke-opacity="{opacity}"/></pattern>')
    return pattern("off", 0.35, 0.04) + pattern("on", 1, 0.12)


# --------------------------------------------------------------------------
# Explorer objects
# --------------------------------------------------------------------------

class _Explorer:
    """A rendered explorer: one self-contained HTML block plus a text fallback."""

    def __init__(self, html_text: str, text: str, id: str):
        self._html = html_text
        self._text = text
        self.id = id

    @property
    def html(self) -> str:
        """The self-contained HTML (CSS, SVG and script inline)."""
        return self._html

    def _repr_html_(self) -> str:
        return self._html

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/html": self._html, "text/plain": self._text}

    def __repr__(self) -> str:
        return self._text

    def __str__(self) -> str:
        return self._text
