"""Helpers shared by the exercise-notebook tests (test_exercises.py, test_exercise_feedback.py).

They load ``scripts/exercises.py`` (the build and grading script), choose the
masters to test (``FV_EXERCISES``), read the wrong-answer fixtures, find the
answer cells of a notebook, run notebooks in fresh kernels, write submissions,
and read which names a cell writes and reads. Everything here is module-level
and picklable, so that the tests can hand the work to a process pool.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "exercise_fixtures"

_spec = importlib.util.spec_from_file_location("fv_exercises", ROOT / "scripts" / "exercises.py")
ex = importlib.util.module_from_spec(_spec)
sys.modules["fv_exercises"] = ex
_spec.loader.exec_module(ex)

# FV_EXERCISES=ex05-masks,ex06-provenance limits the run to those masters (for authors).
_ONLY = [n for n in os.environ.get("FV_EXERCISES", "").split(",") if n]
NAMES = [n for n in ex.masters() if not _ONLY or n in _ONLY]

KERNEL = "python3"
TIMEOUT = 300  # seconds per cell; each master runs in well under 20 s


def pool_size() -> int:
    """Size of the process pool: ``FV_EXERCISE_JOBS``, else at most 2."""
    return int(os.environ.get("FV_EXERCISE_JOBS", min(2, os.cpu_count() or 1)))


def wrong_answers(name: str) -> dict[str, list[dict]]:
    """``{question: [{"why": ..., "code": ...}, ...]}`` from the fixture file."""
    path = FIXTURES / f"{name}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}


def answer_cells(nb) -> dict[str, int]:
    """Index of each autograded question's answer cell: the code cell just before its check."""
    out, last = {}, None
    for i, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        answer_tags = {"otter_answer_cell", "otter_assign_solution_cell"}
        if cell.cell_type == "code" and answer_tags & set(tags):
            last = i
        src = cell.source.strip()
        if cell.cell_type == "code" and src.startswith("grader.check(") and last is not None:
            out[src.split('"')[1]] = last
            last = None
    return out


def questions(nb) -> list[str]:
    """Autograded questions, from the tests stored in a notebook's otter metadata."""
    return list(nb.metadata.get("otter", {}).get("tests", {}))


def execute(path: Path, cwd: Path, extra: str | None = None) -> str:
    """Run a notebook top to bottom in a fresh kernel; return the last cell's stdout."""
    if not extra:
        run_notebook(path, cwd)
        return ""
    nb = run_notebook(path, cwd, extra=extra)
    return "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout")


def run_notebook(path: Path, cwd: Path, extra: str | None = None, allow_errors: bool = False):
    """Run a notebook top to bottom in a fresh kernel and return it with its outputs.

    ``extra`` is a cell appended at the end. With ``allow_errors`` a cell that
    raises does not stop the run, as when a student runs all cells.
    """
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    if extra:
        nb.cells.append(nbformat.v4.new_code_cell(extra))
    NotebookClient(nb, timeout=TIMEOUT, kernel_name=KERNEL, allow_errors=allow_errors,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def submission(dist: Path, name: str, folder: Path, replace: dict[str, str] | None = None,
               blank: bool = False) -> Path:
    """The student edition with the reference answers typed in, then ``replace`` applied.

    With ``blank`` the other answers stay as the student edition has them
    (``...``) instead of the reference answers. Written to
    ``folder/NAME.ipynb`` (otter expects one notebook per submission, and
    ``grader.check`` reads its tests from the notebook of that name).
    """
    student = nbformat.read(dist / name / "student" / f"{name}.ipynb", as_version=4)
    solved = nbformat.read(dist / name / "autograder" / f"{name}.ipynb", as_version=4)
    s_cells, a_cells = answer_cells(student), answer_cells(solved)
    assert set(s_cells) == set(a_cells) == set(questions(solved)), (s_cells, a_cells)
    if not blank:
        for q, i in s_cells.items():
            student.cells[i].source = solved.cells[a_cells[q]].source
    for q, code in (replace or {}).items():
        student.cells[s_cells[q]].source = code
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(student, path)
    return path


# --------------------------------------------------------------------------
# Names a cell writes and reads
# --------------------------------------------------------------------------

_MUTATORS = {"append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse",
             "update", "setdefault", "popitem", "add", "discard", "fill", "resize",
             "setflags", "put", "itemset", "partition", "shuffle", "__setitem__"}


def bindings(code: str) -> tuple[set[str], set[str]]:
    """(names written, names read) by a cell; in-place mutation counts as writing."""
    from IPython.core.inputtransformer2 import TransformerManager

    tree = ast.parse(TransformerManager().transform_cell(code))
    local_nodes, local_names = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            for gen in node.generators:
                for n in ast.walk(gen.target):
                    if isinstance(n, ast.Name):
                        local_nodes.add(id(n))
                        local_names.add(n.id)
        elif isinstance(node, (ast.FunctionDef, ast.Lambda)):
            local_names |= {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}

    def base(node):
        while isinstance(node, (ast.Subscript, ast.Attribute)):
            node = node.value
        return node.id if isinstance(node, ast.Name) else None

    written, read = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, (ast.Store, ast.Del)):
                if id(node) not in local_nodes:
                    written.add(node.id)
            elif node.id not in local_names:
                read.add(node.id)
        elif isinstance(node, (ast.Subscript, ast.Attribute)) \
                and isinstance(node.ctx, (ast.Store, ast.Del)):
            written.add(base(node))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in _MUTATORS:
            written.add(base(node.func.value))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            written |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            written.add(node.name)
    written.discard(None)
    return written, read


def job_value(results: dict, key):
    """The value of one pooled job, ``results[key] == ("ok", value)``; fail the test with the
    job's traceback otherwise (shared by test_exercises and test_exercise_feedback)."""
    status, value = results[key]
    if status != "ok":
        pytest.fail(f"{key} failed:\n{value}", pytrace=False)
    return value
