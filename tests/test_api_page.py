"""The API reference appendix (chapters/api.md) documents the package from its docstrings."""

from __future__ import annotations

import inspect
import re

import pytest

import facelab.evaluation
import facelab.faces
import facelab.matching

pytestmark = pytest.mark.book


def _page(built_book) -> str:
    path = built_book / "chapters" / "api.html"
    assert path.is_file(), "chapters/api.html was not built (is chapters/api in _toc.yml?)"
    return path.read_text(encoding="utf-8")


def test_api_page_documents_the_error_rates(built_book):
    html = _page(built_book)
    assert 'id="facelab.evaluation.fmr"' in html
    # The entry carries its docstring, not just a name.
    entry = html.split('id="facelab.evaluation.fmr"', 1)[1][:4000]
    assert "impostor" in entry and "threshold" in entry


@pytest.mark.parametrize("package", [facelab.faces, facelab.matching, facelab.evaluation],
                         ids=lambda p: p.__name__)
def test_every_public_function_and_class_of_the_lower_layers_has_an_entry(built_book, package):
    html = _page(built_book)
    anchors = set(re.findall(r'id="(facelab\.[\w.]+)"', html))
    public = [n for n in package.__all__
              if inspect.isfunction(inspect.unwrap(getattr(package, n)))
              or inspect.isclass(getattr(package, n))]
    missing = [n for n in public if f"{package.__name__}.{n}" not in anchors]
    assert not missing, f"{package.__name__}: no entry for {missing}"


def test_api_page_explains_the_layers_before_the_entries(built_book):
    html = _page(built_book)
    layers = html.find("How the package is built")
    first_entry = html.find('id="facelab.')
    assert 0 <= layers < first_entry
