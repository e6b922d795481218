"""A throwaway two-page book for testing the book's Sphinx extensions without building the book.

``make_book(tmp_path, ...)`` writes a ``conf.py`` that loads the given extensions
from ``_ext/`` (with MyST-NB, no execution) and sphinx-book-theme, an index
page, and ``chapters/01-demo.ipynb``: a notebook page whose stored outputs are
one matplotlib-style PNG figure with alt text and a caption, and one kernel-only
control's static ``<img>``. ``build(src)`` runs ``sphinx-build -W`` on it and
returns the HTML folder.
"""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT


def png_bytes(shade: int = 128, size=(24, 16)) -> bytes:
    """A small opaque RGBA PNG, as matplotlib writes them."""
    import numpy as np
    from PIL import Image

    pixels = np.full((size[1], size[0], 4), shade, dtype=np.uint8)
    pixels[..., 3] = 255
    pixels[2, :, :3] = (0, 114, 178)
    buffer = io.BytesIO()
    Image.fromarray(pixels, "RGBA").save(buffer, "PNG")
    return buffer.getvalue()


FIGURE_ALT = "A grey test rectangle with one blue line across its top, standing in for a figure."
CONTROL_ALT = "The control's default state: a slider at 0.5 and the figure it draws."


def demo_notebook() -> dict:
    """An executed notebook (nbformat 4) with a labelled figure and a kernel-only control."""
    png = base64.b64encode(png_bytes()).decode("ascii")
    control = base64.b64encode(png_bytes(200)).decode("ascii")
    meta = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    cells = [
        {
            "cell_type": "markdown",
            "id": "md-1",
            "metadata": {},
            "source": "# A demo chapter\n\nOne figure, one control.\n",
        },
        {
            "cell_type": "code",
            "id": "code-1",
            "execution_count": 1,
            "source": "x = 1\nx",
            "metadata": {},
            "outputs": [
                {
                    "output_type": "execute_result",
                    "execution_count": 1,
                    "metadata": {},
                    "data": {"text/plain": "1"},
                }
            ],
        },
        {
            "cell_type": "code",
            "id": "code-2",
            "execution_count": 2,
            "source": "# why: a figure\nax = figures.plot_demo()",
            "metadata": {
                "mystnb": {
                    "image": {"alt": FIGURE_ALT},
                    "figure": {"caption": "A demo figure.", "name": "fig-demo"},
                }
            },
            "outputs": [
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {"image/png": png, "text/plain": "<Figure size 240x160 with 1 Axes>"},
                }
            ],
        },
        {
            "cell_type": "code",
            "id": "code-3",
            "execution_count": 3,
            "source": "widgets.demo_control()",
            "metadata": {},
            "outputs": [
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {
                        "text/html": (
                            f'<div><img src="data:image/png;base64,{control}" '
                            f'alt="{CONTROL_ALT}"></div>'
                        ),
                        "text/plain": "KernelOnly(...)",
                    },
                }
            ],
        },
    ]
    return {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}


CONF = """
import sys
sys.path.insert(0, {ext!r})
project = "Mini"
author = "The Face Value authors"
extensions = ["myst_nb", {extensions}]
html_theme = "sphinx_book_theme"
html_theme_options = {{"use_download_button": True}}
nb_execution_mode = "off"
exclude_patterns = ["_build", "exercises", "scripts"]
numfig = True
suppress_warnings = ["myst.header"]
{config}
"""


def make_book(
    tmp_path: Path, extensions: list[str], config: str = "", pages: dict | None = None
) -> Path:
    """Write the mini book into ``tmp_path/src``; return that folder."""
    src = tmp_path / "src"
    (src / "chapters").mkdir(parents=True)
    (src / "conf.py").write_text(
        CONF.format(
            ext=str(ROOT / "_ext"), extensions=", ".join(repr(e) for e in extensions), config=config
        ),
        encoding="utf-8",
    )
    (src / "chapters" / "01-demo.ipynb").write_text(json.dumps(demo_notebook()), encoding="utf-8")
    pages = {
        "index.md": "# Mini\n\nA page.\n\n```{toctree}\nchapters/01-demo\n```\n",
        **(pages or {}),
    }
    for name, text in pages.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text, encoding="utf-8")
    return src


def build(src: Path, *overrides: str) -> Path:
    """``sphinx-build -W`` the mini book (``-D`` ``overrides``); return its HTML folder."""
    out = src.parent / "_build" / "html"
    args = [
        sys.executable,
        "-m",
        "sphinx",
        "-W",
        "--keep-going",
        "-q",
        "-b",
        "html",
        str(src),
        str(out),
    ]
    for override in overrides:
        args[3:3] = ["-D", override]
    proc = subprocess.run(args, capture_output=True, text=True, cwd=src)
    if proc.returncode != 0:
        raise AssertionError(
            f"mini book failed to build:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    return out


# ---------------------------------------------------------------- both editions, built once

HUB = "https://hub.example.edu"
REPO = "https://git.example.edu/course/face-value-notebooks.git"
SOLUTION = "answer = 42  # SOLUTION"
DOWNLOADS_TEXT = "The instructor edition offers the autograders here."
PACKS_TEXT = "The instructor edition links the figure packs here."
PAGES = {
    "index.md": (
        "# Mini\n\nA page.\n\n```{toctree}\nchapters/01-demo\nchapters/exercise-notebooks\n"
        "chapters/guide\n```\n"
    ),
    "chapters/exercise-notebooks.md": (
        f"# Exercise notebooks\n\nA page.\n\n```{{fv-exercise-downloads}}\n{DOWNLOADS_TEXT}\n```\n"
    ),
    "chapters/guide.md": f"# Guide\n\n```{{fv-figure-packs}}\n{PACKS_TEXT}\n```\n",
    # what fv_launch looks for to give chapter 01-demo an exercise link
    "exercises/ex01-demo.md": "# a master\n",
}
EXTENSIONS = ["fv_exercise_downloads", "fv_figure_pack", "fv_launch"]


def masters() -> list[str]:
    return sorted(p.stem for p in (ROOT / "exercises").glob("ex*.md"))


def fake_dist(dist: Path) -> None:
    """Exercise editions as otter assign leaves them, stamped so that the extension builds none."""
    import zipfile

    from fv_exercise_downloads import fingerprint

    for name in masters():
        cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
        nb = {
            "cells": [{**cell, "source": 'grader.check("q1")'}],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
        (dist / name / "student").mkdir(parents=True)
        (dist / name / "student" / f"{name}.ipynb").write_text(json.dumps(nb))
        (dist / name / "autograder").mkdir()
        nb["cells"].insert(0, {**cell, "source": SOLUTION})
        (dist / name / "autograder" / f"{name}.ipynb").write_text(json.dumps(nb))
        stamp = "2026_12_01T00_00_00_0"
        with zipfile.ZipFile(
            dist / name / "autograder" / f"{name}-autograder_{stamp}.zip", "w"
        ) as z:
            z.writestr("tests/q1.py", "OK_FORMAT = True\n# hidden test\n")
        (dist / name / ".master-sha256").write_text(fingerprint(ROOT / "exercises" / f"{name}.md"))


_EDITIONS: dict[str, Path] = {}


def editions() -> dict[str, Path]:
    """The mini book's two editions, built once per test session (two ``sphinx-build -W`` runs).

    ``student``: ``fv_hide_solutions = True`` and launching off (the book's defaults).
    ``instructor``: solutions shown, and ``fv_jupyterhub_url``, ``fv_repo_url`` and
    ``fv_repo_branch = "spring"`` set. Returns each edition's HTML folder.
    """
    if not _EDITIONS:
        import atexit
        import shutil
        import tempfile

        sys.path.insert(0, str(ROOT / "_ext"))
        tmp = Path(tempfile.mkdtemp(prefix="fv-mini-book-"))
        atexit.register(shutil.rmtree, tmp, ignore_errors=True)
        settings = {
            "student": "fv_hide_solutions = True\n",
            "instructor": (
                f"fv_hide_solutions = False\nfv_jupyterhub_url = {HUB!r}\n"
                f"fv_repo_url = {REPO!r}\nfv_repo_branch = 'spring'\n"
            ),
        }
        for which, config in settings.items():
            src = make_book(tmp / which, EXTENSIONS, config=config, pages=PAGES)
            (src / "scripts").symlink_to(ROOT / "scripts")
            fake_dist(src / "_build" / "exercises")
            _EDITIONS[which] = build(src)
    return dict(_EDITIONS)
