"""The chapters' reading copies (_ext/fv_reading_copies.py): one notebook per chapter
in the built site, with the book's markup resolved, outputs kept and, in the
student edition, no solution."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.book

CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("[0-9][0-9]-*.md"))
# A partial build while writing tests: FV_CHAPTERS=01-retreat,03-thresholds
if os.environ.get("FV_CHAPTERS"):
    CHAPTERS = os.environ["FV_CHAPTERS"].split(",")
# MyST markup that JupyterLab would show as it is.
MARKUP = re.compile(r"\{(glue|cite|ref\}|numref\}|term\}|eq\}|download\}|solution|exercise"
                    r"|admonition)"
                    r"|^(`{3,}|:{3,})\{|^\([\w-]+\)=\s*$", re.M)


def _copy(html: Path, chapter: str) -> dict:
    """A reading copy, every cell source as one string (the file stores lists of lines)."""
    nb = json.loads((html / "_notebooks" / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if isinstance(cell["source"], list):
            cell["source"] = "".join(cell["source"])
    return nb


def _markdown(nb: dict) -> list[str]:
    """Every piece of Markdown a reader sees: Markdown cells and Markdown outputs."""
    texts = [c["source"] for c in nb["cells"] if c["cell_type"] == "markdown"]
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            md = output.get("data", {}).get("text/markdown")
            if md:
                texts.append(md if isinstance(md, str) else "".join(md))
    return texts


def test_every_chapter_has_a_valid_reading_copy(built_book):
    import nbformat

    assert len(CHAPTERS) >= 8
    for chapter in CHAPTERS:
        path = built_book / "_notebooks" / f"{chapter}.ipynb"
        assert path.is_file(), f"no reading copy of {chapter}"
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        assert nb.metadata.kernelspec.name == "python3"
        assert "jupytext" not in nb.metadata, \
            "a reading copy must not look like a paired text notebook"


def test_no_myst_markup_is_left_in_what_a_reader_sees(built_book):
    offenders = []
    for chapter in CHAPTERS:
        for text in _markdown(_copy(built_book, chapter)):
            for match in MARKUP.finditer(text):
                start = max(0, match.start() - 40)
                offenders.append(f"{chapter}: ...{text[start:match.end() + 40]!r}")
    assert not offenders, "\n".join(offenders[:30])


def test_glued_numbers_citations_and_references_are_filled_in(built_book):
    text = "\n".join(_markdown(_copy(built_book, "03-thresholds")))
    # {glue:md}`fact_aclu_gallery_size` {cite:p}`snow2018aclu`, as the page reads it
    # (sphinxcontrib-bibtex's author-year style puts citations in brackets)
    assert "database of 25,000 [Snow, 2018] publicly" in text
    # {numref}`fig-hist` (a figure of chapter 2) and {ref}`ch-matching` (its title)
    assert re.search(r"\(Fig\. [\d.]+\)", text)
    assert "tested on 15 others (2. How face matching works)" in text
    # the "In this chapter" admonition is a block quote with a bold title
    assert "> **In this chapter**" in text


def test_code_cells_keep_their_code_and_outputs(built_book):
    nb = _copy(built_book, "03-thresholds")
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert any("evaluation.fmr(impostor" in c["source"] for c in code)
    figures = sum("image/png" in o.get("data", {}) for c in code for o in c["outputs"])
    assert figures >= 3
    # glue outputs are values in the text, not stray outputs under a cell
    assert not any("scrapbook" in o.get("metadata", {}) for c in code for o in c["outputs"])


def test_student_copies_have_no_solution(built_book):
    sys.path.insert(0, str(ROOT / "_ext"))
    from fv_editions import strip_solutions

    source = (ROOT / "chapters" / "03-thresholds.md").read_text(encoding="utf-8")
    # Prose and code that appear only inside solutions of chapter 3.
    markers = ["About ten false alerts a day against about two true ones",
               "gallery_shares=mix"]
    for marker in markers:
        assert marker in source and marker not in strip_solutions(source), marker
    raw = (built_book / "_notebooks" / "03-thresholds.ipynb").read_text(encoding="utf-8")
    for marker in markers:
        assert marker not in raw
    for chapter in CHAPTERS:
        raw = (built_book / "_notebooks" / f"{chapter}.ipynb").read_text(encoding="utf-8")
        assert "solution-start" not in raw and "**Solution**" not in raw, chapter
        md = (ROOT / "chapters" / f"{chapter}.md").read_text(encoding="utf-8")
        assert "**Exercise" in raw or "{exercise}" not in md, \
            f"{chapter}: the exercises themselves must stay"


def test_download_button_offers_the_reading_copy(built_book):
    for chapter in CHAPTERS:
        page = (built_book / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
        assert f'href="../_notebooks/{chapter}.ipynb"' in page, chapter


def test_the_first_cell_checks_the_students_kernel(built_book):
    """The environment check runs first, with no stored output (not the build machine's report)
    and its output not collapsed, so a student sees what it says."""
    for chapter in CHAPTERS:
        first = next(c for c in _copy(built_book, chapter)["cells"] if c["cell_type"] == "code")
        assert "check_environment(" in first["source"], f"{chapter}: first code cell"
        assert first["outputs"] == [] and first["execution_count"] is None, \
            f"{chapter}: stored output"
        assert not first["metadata"].get("jupyter", {}).get("outputs_hidden"), \
            f"{chapter}: hidden output"
