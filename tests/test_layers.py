"""The package's layers import only downward (issue 13), checked by reading every import.

Layers, lowest first (a module may import its own layer and any lower one):

0. ``facelab._validation``, ``facelab.progress``, ``facelab._deprecated``
1. ``facelab.faces``                    real and synthetic faces, detection, regions
2. ``facelab.matching``                 embeddings, scores, search, the deep matcher
3. ``facelab.evaluation``               error rates, groups, bootstrap, gallery arithmetic
4. ``facelab.sources``, ``facelab.experiments``   cited facts; the book's experiments
5. ``facelab.views``                    figures, tables, widgets, explorers
6. ``facelab.book``                     the book's own machinery (syllabus, glue)

Imports inside functions count too. The old flat modules (``facelab/bias.py`` ...)
are forwarders kept for old notebooks and are not part of any layer. Only views
(and book) may import matplotlib or ipywidgets.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "facelab"
LAYERS = {"_validation": 0, "progress": 0, "_deprecated": 0, "faces": 1, "matching": 2,
          "evaluation": 3, "sources": 4, "experiments": 4, "views": 5, "book": 6}
MAX_LINES = 800
DRAWING = ("matplotlib", "ipywidgets")


def _modules():
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG)
        top = rel.parts[0].removesuffix(".py")
        if top in LAYERS:
            yield path, rel, top


def _imports(path: Path, rel: Path):
    """(line, absolute module name) of every import in the file, relative ones resolved."""
    package = ["facelab", *rel.parts[:-1]]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
                if not node.module:  # from . import x, y: each x is a module or a name
                    for alias in node.names:
                        yield node.lineno, f"{name}.{alias.name}"
                    continue
            else:
                name = node.module
            yield node.lineno, name


MODULES = list(_modules())


@pytest.mark.parametrize("path,rel,top", MODULES, ids=[str(m[1]) for m in MODULES])
def test_imports_only_go_downward(path, rel, top):
    mine = LAYERS[top]
    bad = []
    for line, name in _imports(path, rel):
        parts = name.split(".")
        if parts[0] != "facelab" or len(parts) < 2:
            continue
        other = parts[1]
        if other.startswith("__"):  # the package's own metadata (facelab.__version__)
            continue
        if other not in LAYERS:
            bad.append(f"line {line}: {name} (an old flat module; import from its layer)")
        elif LAYERS[other] > mine:
            bad.append(f"line {line}: {name} (layer {LAYERS[other]} above {top}, layer {mine})")
    assert not bad, f"facelab/{rel} imports upward:\n" + "\n".join(bad)


@pytest.mark.parametrize("path,rel,top", MODULES, ids=[str(m[1]) for m in MODULES])
def test_only_views_draw(path, rel, top):
    if LAYERS[top] >= LAYERS["views"]:
        return
    drawing = [f"line {line}: {name}" for line, name in _imports(path, rel)
               if name.split(".")[0] in DRAWING]
    assert not drawing, f"facelab/{rel} is below the views but imports:\n" + "\n".join(drawing)


@pytest.mark.parametrize("path,rel,top", MODULES, ids=[str(m[1]) for m in MODULES])
def test_no_module_is_a_warehouse(path, rel, top):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"facelab/{rel} has {n} lines; split it (at most {MAX_LINES})"
