"""What each edition publishes for the exercise notebooks (``_ext/fv_exercise_downloads.py``):
the student notebook in both, the instructor notebook and the autograder in the instructor
edition only, and never an autograder or a solution on the student site."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from .conftest import ROOT
from .mini_book import DOWNLOADS_TEXT as STUDENT_TEXT
from .mini_book import SOLUTION, editions, masters

sys.path.insert(0, str(ROOT / "_ext"))
downloads = importlib.import_module("fv_exercise_downloads")  # as Sphinx imports it, from _ext/

MASTERS = masters()


def test_the_student_edition_publishes_only_student_notebooks(tmp_path):
    files = downloads.published_files("ex03-thresholds", tmp_path, "student")
    assert list(files) == ["student"]
    assert files["student"] == tmp_path / "ex03-thresholds" / "student" / "ex03-thresholds.ipynb"


def test_the_instructor_edition_adds_solutions_and_autograder(tmp_path):
    files = downloads.published_files("ex03-thresholds", tmp_path, "instructor")
    assert sorted(files) == ["autograder", "solutions", "student"]
    assert files["autograder"].name == "ex03-thresholds-autograder.zip"
    assert (
        files["solutions"].name == "ex03-thresholds.ipynb"
    )  # its checks read the file of that name
    assert files["solutions"].parent != files["student"].parent


def test_which_edition_follows_the_one_setting_and_bad_editions_are_refused(tmp_path):
    assert downloads.edition(SimpleNamespace(fv_hide_solutions=True)) == "student"
    assert downloads.edition(SimpleNamespace(fv_hide_solutions=False)) == "instructor"
    with pytest.raises(ValueError, match="which"):
        downloads.published_files("ex01-retreat", tmp_path, "teacher")


@pytest.fixture(scope="module", params=["student", "instructor"])
def edition_site(request):
    return request.param, editions()[request.param]


def _leaks(html_root: Path) -> list[str]:
    """Autograders and solution notebooks anywhere on a site."""
    found = []
    for path in html_root.rglob("*"):
        if path.suffix == ".zip" or "autograder" in path.name:
            found.append(str(path.relative_to(html_root)))
        elif path.suffix == ".ipynb" and "# SOLUTION" in path.read_text(encoding="utf-8"):
            found.append(str(path.relative_to(html_root)))
    return found


def test_each_edition_offers_what_it_should(edition_site):
    which, html = edition_site
    page = (html / "chapters" / "exercise-notebooks.html").read_text(encoding="utf-8")
    if which == "student":
        assert STUDENT_TEXT in page
        assert "autograder" not in page.lower().replace(STUDENT_TEXT.lower(), "")
        assert _leaks(html) == []
        return
    assert STUDENT_TEXT not in page
    zips = re.findall(r'href="(\.\./_downloads/[^"]+-autograder\.zip)"', page)
    notebooks = re.findall(r'href="(\.\./_downloads/[^"]+\.ipynb)"', page)
    assert sorted(Path(z).name for z in zips) == [f"{n}-autograder.zip" for n in MASTERS]
    assert sorted(Path(n).name for n in notebooks) == [f"{n}.ipynb" for n in MASTERS]
    for href in notebooks:
        assert SOLUTION in (html / "chapters" / href).resolve().read_text(encoding="utf-8")


@pytest.mark.book
def test_the_student_site_offers_no_autograder_or_solution_notebook(built_book):
    """The real student build: no autograder zip and no notebook with solutions, in its pages or its
    ``_downloads``, and no figure pack."""
    assert _leaks(built_book) == []
    assert not (built_book / "_figure-packs").exists()
    for page in (built_book / "chapters").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'href="[^"]*(autograder[^"]*\.zip|_figure-packs/)', html), page.name
