"""No figure of the book carries text under style.MIN_FONT_PT (illegible on a phone)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from facelab.views import style  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def styled():
    with matplotlib.rc_context():
        style.apply()
        yield
    plt.close("all")


def test_small_text_finds_only_visible_small_text(styled):
    fig, ax = plt.subplots()
    ax.set_title("a title")
    ax.text(0.1, 0.1, "tiny", fontsize=8)
    ax.text(0.2, 0.2, "hidden", fontsize=6).set_visible(False)
    ax.text(0.3, 0.3, "   ", fontsize=6)
    assert style.small_text(fig) == [("tiny", 8.0)]
    assert style.small_text(fig, min_pt=7) == []


def test_a_figure_with_small_text_warns_when_drawn(styled, tmp_path):
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error", style.FigureTextWarning)
        fig.savefig(tmp_path / "ok.png")  # the style's own sizes pass
    ax.legend(["a line"], fontsize=9)
    with pytest.warns(style.FigureTextWarning, match=r"'a line' at 9 pt"):
        fig.savefig(tmp_path / "small.png")


def test_no_source_asks_for_text_under_the_minimum():
    """A literal font size under the minimum, in the package, a chapter or an exercise."""
    size = re.compile(r"\b(?:fontsize|labelsize|size)\s*=\s*(\d+(?:\.\d+)?)\b")
    found = []
    files = [*ROOT.glob("facelab/views/**/*.py"), *ROOT.glob("chapters/*.md"),
             *ROOT.glob("exercises/*.md")]
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "fontsize" not in line and "labelsize" not in line:
                continue
            for m in size.finditer(line):
                if float(m.group(1)) < style.MIN_FONT_PT:
                    found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "\n".join(found)


def test_bad_arguments_are_named(styled):
    with pytest.raises(TypeError, match="^fig:"):
        style.small_text("a figure")
    fig, _ = plt.subplots()
    with pytest.raises((TypeError, ValueError), match="^min_pt:"):
        style.small_text(fig, min_pt="10")


def test_timeline_labels_end_inside_the_axes(styled):
    """A label past the axes would widen the saved figure, and shrink its text on the page."""
    from facelab.faces import read_csv
    from facelab.views import figures

    events = read_csv("events.csv")
    for chosen in (events, [e for e in events if "Clearview" in e["event"]]):
        ax = figures.timeline(chosen)
        renderer = ax.figure.canvas.get_renderer()
        right = ax.get_window_extent(renderer).x1
        assert max(t.get_window_extent(renderer).x1 for t in ax.texts) <= right + 0.5
