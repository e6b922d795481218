"""Figure packs for slides (``_ext/fv_figure_pack.py``): every figure of a chapter's notebook
as PNG, with its alt text, caption, chapter and cell, and the licence; instructor edition only."""

from __future__ import annotations

import csv
import importlib
import io
import re
import sys
import zipfile

import numpy as np
import pytest
from PIL import Image

from .conftest import ROOT
from .mini_book import CONTROL_ALT, FIGURE_ALT, PACKS_TEXT, demo_notebook, editions

sys.path.insert(0, str(ROOT / "_ext"))
fv_figure_pack = importlib.import_module("fv_figure_pack")  # as Sphinx imports it, from _ext/


def _read_pack(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_every_figure_of_the_notebook_is_found_with_its_description():
    figures = fv_figure_pack.figures_in(demo_notebook())
    assert [(f.cell, f.alt, f.caption, f.label) for f in figures] == [
        (3, FIGURE_ALT, "A demo figure.", "fig-demo"),
        (4, CONTROL_ALT, "", ""),  # a kernel-only control's static picture
    ]
    assert figures[0].code == "ax = figures.plot_demo()"  # the first line of code, not the comment
    assert all(f.png.startswith(b"\x89PNG") for f in figures)


def test_the_pack_holds_pngs_a_table_and_the_licence(tmp_path):
    figures = fv_figure_pack.figures_in(demo_notebook())
    pack = fv_figure_pack.write_pack(
        figures,
        tmp_path / "01-demo-figures.zip",
        "01-demo",
        "1. A demo",
        numbers={"fig-demo": "1.1"},
    )
    files = _read_pack(pack)
    assert sorted(files) == [
        "01-demo/01-demo-fig01.png",
        "01-demo/01-demo-fig02.png",
        "01-demo/README.txt",
        "01-demo/figures.csv",
    ]
    rows = list(csv.DictReader(io.StringIO(files["01-demo/figures.csv"].decode("utf-8"))))
    assert [r["file"] for r in rows] == ["01-demo/01-demo-fig01.png", "01-demo/01-demo-fig02.png"]
    assert rows[0] == {
        "file": "01-demo/01-demo-fig01.png",
        "chapter": "01-demo",
        "chapter_title": "1. A demo",
        "figure_number": "1.1",
        "label": "fig-demo",
        "cell": "3",
        "code": "ax = figures.plot_demo()",
        "alt_text": FIGURE_ALT,
        "caption": "A demo figure.",
    }
    readme = files["01-demo/README.txt"].decode("utf-8")
    assert "CC BY 4.0" in readme and "creativecommons.org/licenses/by/4.0" in readme
    assert '"Face Value, an open textbook on facial recognition"' in readme
    assert "AT&T Laboratories Cambridge" in readme and "2 figures" in readme


def test_the_pngs_are_the_notebooks_pixels(tmp_path):
    """Stored in a smaller mode where that loses nothing, every pixel unchanged."""
    figures = fv_figure_pack.figures_in(demo_notebook())
    files = _read_pack(fv_figure_pack.write_pack(figures, tmp_path / "p.zip", "01-demo", "Demo"))
    for fig, name in zip(
        figures, ["01-demo/01-demo-fig01.png", "01-demo/01-demo-fig02.png"], strict=True
    ):
        with (
            Image.open(io.BytesIO(fig.png)) as before,
            Image.open(io.BytesIO(files[name])) as after,
        ):
            assert np.array_equal(
                np.asarray(before.convert("RGBA")), np.asarray(after.convert("RGBA"))
            )
            assert after.mode in ("L", "RGB")


def test_the_same_figures_give_the_same_zip(tmp_path):
    figures = fv_figure_pack.figures_in(demo_notebook())
    a = fv_figure_pack.write_pack(figures, tmp_path / "a.zip", "01-demo", "Demo").read_bytes()
    b = fv_figure_pack.write_pack(figures, tmp_path / "b.zip", "01-demo", "Demo").read_bytes()
    assert a == b


def test_an_svg_stored_beside_a_png_goes_in_too(tmp_path):
    nb = demo_notebook()
    nb["cells"][2]["outputs"][0]["data"]["image/svg+xml"] = (
        "<svg xmlns='http://www.w3.org/2000/svg'/>"
    )
    files = _read_pack(
        fv_figure_pack.write_pack(fv_figure_pack.figures_in(nb), tmp_path / "s.zip", "x", "X")
    )
    assert files["x/x-fig01.svg"].startswith(b"<svg")
    assert "x/x-fig02.svg" not in files


def test_a_chapter_without_figures_has_no_pack(tmp_path):
    nb = demo_notebook()
    nb["cells"] = nb["cells"][:2]
    assert fv_figure_pack.figures_in(nb) == []
    with pytest.raises(ValueError, match="figures"):
        fv_figure_pack.write_pack([], tmp_path / "none.zip", "01-demo", "Demo")


@pytest.fixture(scope="module", params=["student", "instructor"])
def pack_site(request):
    return request.param, editions()[request.param]


def test_the_instructor_edition_builds_and_links_the_packs(pack_site):
    which, html = pack_site
    guide = (html / "chapters" / "guide.html").read_text(encoding="utf-8")
    if which == "student":
        assert not (html / "_figure-packs").exists()
        assert PACKS_TEXT in guide
        assert "figures.zip" not in guide
        return
    assert PACKS_TEXT not in guide
    assert re.search(r'href="\.\./_figure-packs/01-demo-figures\.zip"', guide)
    files = _read_pack(html / "_figure-packs" / "01-demo-figures.zip")
    rows = list(csv.DictReader(io.StringIO(files["01-demo/figures.csv"].decode("utf-8"))))
    assert [r["alt_text"] for r in rows] == [FIGURE_ALT, CONTROL_ALT]
    assert rows[0]["figure_number"] == "1" and rows[0]["chapter_title"] == "A demo chapter"
