"""The exercise notebooks: masters, student editions and autograders (otter-grader).

For every master ``exercises/exNN-*.md``:

1. the master runs top to bottom (its test cells only define the test functions,
   otter's exception-based format; 3 runs them against the solutions);
2. the student edition made by ``otter assign`` runs top to bottom with every
   answer blank, without raising, and every ``grader.check`` in it fails;
3. the autograder gives full marks to the reference answers (typed into a copy
   of the student edition), and *less* than full marks when any one answer is
   replaced by a plausible wrong one from ``tests/exercise_fixtures/NAME.yaml``
   (at least two per autograded question), graded by otter run without Docker.

Everything is built once per session (``scripts/exercises.py build``, into a
temporary folder, so ``exercises/dist`` is left alone), then all
notebook runs and gradings go through a small process pool, so the whole file
takes a few minutes on two cores. ``FV_EXERCISE_JOBS`` sets the pool size.
All tests carry the ``exercises`` marker: ``pytest -m "not exercises"`` skips them;
``FV_EXERCISES=ex05-masks`` (comma-separated) runs only those masters.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import traceback
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import pytest
import yaml

from .exercise_support import (
    FIXTURES,
    NAMES,
    answer_cells,
    bindings,
    ex,
    execute,
    job_value,
    pool_size,
    questions,
    submission,
    wrong_answers,
)

pytestmark = pytest.mark.exercises


WRONG = [(name, q, i) for name in NAMES for q, answers in wrong_answers(name).items()
         for i in range(len(answers))]


# --------------------------------------------------------------------------
# Work for the pool (module-level and picklable; helpers in exercise_support.py)
# --------------------------------------------------------------------------

def run_job(job: tuple) -> tuple[str, object]:
    """One unit of work for the pool; returns ("ok", value) or ("error", traceback)."""
    kind, args = job[0], job[1:]
    try:
        if kind == "master":
            name, dist = args
            # In its own folder, as a student has it: its first cell starts otter on NAME.ipynb.
            master = dist / name / "master"
            return "ok", execute(master / f"{name}.ipynb", cwd=master)
        if kind == "student":
            name, work = args
            # Keep the file name: grader.check reads the tests from it.
            nb_path = work / f"{name}.ipynb"
            qs = questions(nbformat.read(nb_path, as_version=4))
            probe = ("import json as _json\n"
                     f"_r = {{q: grader.check(q) for q in {qs!r}}}\n"
                     "print(_json.dumps({q: [r.score, r.possible] for q, r in _r.items()}))")
            stdout = execute(nb_path, cwd=work, extra=probe)
            return "ok", json.loads(stdout.strip().splitlines()[-1])
        if kind == "grade":
            submission, autograder, out = args
            errors: list = []
            scores = ex.grade(submission, autograder=autograder, output=out, errors=errors)
            return "ok", (scores, errors)
        raise ValueError(kind)
    except Exception:  # reported by the test that needs this result
        return "error", traceback.format_exc()


# --------------------------------------------------------------------------
# Which wrong answers can share a graded notebook
# --------------------------------------------------------------------------
# Grading one notebook costs a kernel start and a full run (seconds), so wrong
# answers to *independent* questions are graded together: submission k holds
# the k-th wrong answer of every independent question, the reference answers
# elsewhere. A question is independent when nothing it reads (in its answer
# cell, at that point of the notebook, or in its tests, which otter runs after
# the whole notebook) can have been written by another question's answer cell,
# directly or through the cells in between. That is decided from the code
# below (names assigned, or mutated in place, and names read); a question that
# fails it has each wrong answer graded alone.

def _test_bindings(source: str) -> tuple[set[str], set[str]]:
    """(notebook names written, notebook names read) by one question's exception-based tests.

    ``source`` is the test file otter stores in the notebook's metadata: one
    ``@test_case`` function per test cell, whose parameters otter fills from
    the notebook's globals by name. So a test reads exactly its parameters
    (all globals if one is called ``env``), and writes a notebook name only by
    changing a parameter's value in place; its own assignments stay local.
    """
    written, read = set(), set()
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.FunctionDef) and node.decorator_list):
            continue
        params = {a.arg for a in node.args.args + node.args.kwonlyargs}
        if "env" in params:
            raise ValueError(f"{node.name}: a test that takes env reads every name; "
                             "take the names it needs as parameters instead")
        body_written, _ = bindings("\n".join(ast.unparse(stmt) for stmt in node.body))
        read |= params
        written |= body_written & params
    return written, read


def dependencies(dist: Path, name: str) -> dict[str, set[str]]:
    """For each autograded question, the other questions whose answers can affect its grade."""
    solved = nbformat.read(dist / name / "autograder" / f"{name}.ipynb", as_version=4)
    cells = answer_cells(solved)
    at = {i: q for q, i in cells.items()}
    wrong = wrong_answers(name)
    taint: dict[str, set[str]] = defaultdict(set)
    deps: dict[str, set[str]] = defaultdict(set)
    for i, cell in enumerate(solved.cells):
        if cell.cell_type != "code":
            continue
        q = at.get(i)
        variants = [cell.source] + ([w["code"] for w in wrong.get(q, [])] if q else [])
        for code in variants:
            written, read = bindings(code)
            source = set().union(*(taint[n] for n in read)) | ({q} if q else set())
            if q:
                deps[q] |= source
            for n in written:
                taint[n] |= source
    for q, test in solved.metadata["otter"]["tests"].items():
        if not isinstance(test, str):
            raise ValueError(f"{name} {q}: tests must use otter's exception-based format "
                             "(tests: ok_format: false in the ASSIGNMENT CONFIG)")
        written, read = _test_bindings(test)
        deps[q] |= set().union(*(taint[n] for n in read | written))
        for n in written:
            taint[n] |= {q}
    return {q: deps[q] - {q} for q in questions(solved)}


def plan(dist: Path, name: str) -> list[dict[str, int]]:
    """Submissions to grade: each maps question -> index of its wrong answer."""
    deps = dependencies(dist, name)
    wrong = wrong_answers(name)
    alone = [q for q in wrong if deps.get(q)]
    shared = [q for q in wrong if not deps.get(q)]
    subs = [{q: i} for q in alone for i in range(len(wrong[q]))]
    for k in range(max((len(wrong[q]) for q in shared), default=0)):
        subs.append({q: k for q in shared if k < len(wrong[q])})
    return subs


# --------------------------------------------------------------------------
# Session: build once, run everything through the pool once
# --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def results(exercise_dist, tmp_path_factory):
    """Run every job on the editions built once per session (``exercise_dist``, conftest.py).

    Returns ``{job key: (status, value)}`` plus ``"dist"`` (the built
    editions) and ``"plans"`` (which wrong answers each graded notebook holds).
    """
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    jobs_n = pool_size()
    # Built without grading inside otter assign: test_autograder_gives_full_marks_to_reference
    # grades the reference answers with the same autograder zip.
    dist = exercise_dist

    base = tmp_path_factory.mktemp("runs")
    jobs: dict[tuple, tuple] = {}
    plans = {}
    for name in NAMES:
        zip_path = ex.autograder_zip(name, dist)
        jobs[("master", name)] = ("master", name, dist)
        work = base / name / "student"
        work.mkdir(parents=True)
        shutil.copy(dist / name / "student" / f"{name}.ipynb", work)
        jobs[("student", name)] = ("student", name, work)
        ref = submission(dist, name, base / name / "reference")
        jobs[("grade", name)] = ("grade", ref, zip_path, base / name / "reference-out")
        plans[name] = plan(dist, name)
        for k, sub in enumerate(plans[name]):
            code = {q: wrong_answers(name)[q][i]["code"] for q, i in sub.items()}
            path = submission(dist, name, base / name / f"wrong-{k}", code)
            jobs[("grade", name, k)] = ("grade", path, zip_path, base / name / f"wrong-{k}-out")

    # Longest first: the Olivetti exercises take longest to run.
    order = sorted(jobs, key=lambda k: (k[0] != "master", k[1] == "ex01-retreat"))
    with ProcessPoolExecutor(max_workers=jobs_n) as pool:
        done = dict(zip(order, pool.map(run_job, [jobs[k] for k in order]), strict=True))
    done["dist"] = dist
    done["plans"] = plans
    return done


_value = job_value


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------

def test_there_are_exercises():
    assert len(NAMES) >= 1
    for name in NAMES:
        assert (FIXTURES / f"{name}.yaml").is_file(), f"no wrong-answer fixtures for {name}"


@pytest.mark.parametrize("name", NAMES)
def test_master_runs_top_to_bottom(results, name):
    _value(results, ("master", name))


@pytest.mark.parametrize("name", NAMES)
def test_master_shape(results, name):
    """4 to 6 questions, at least one written (manual) with a rubric, and code questions."""
    master = nbformat.read(results["dist"] / name / "master" / f"{name}.ipynb", as_version=4)
    configs = [yaml.safe_load(c.source) for c in master.cells
               if c.cell_type == "raw" and c.source.startswith("# BEGIN QUESTION")]
    manual = [c for c in configs if c.get("manual")]
    assert 4 <= len(configs) <= 6, [c["name"] for c in configs]
    assert manual and len(manual) < len(configs)
    solved = nbformat.read(results["dist"] / name / "autograder" / f"{name}.ipynb", as_version=4)
    student = nbformat.read(results["dist"] / name / "student" / f"{name}.ipynb", as_version=4)
    rubrics = [c for c in solved.cells if c.cell_type == "markdown" and "**Rubric" in c.source]
    assert len(rubrics) == len(manual), "each written question needs a rubric in its solution"
    assert not any("**Rubric" in c.source or "# SOLUTION" in c.source for c in student.cells), \
        "the student edition must not contain solutions or rubrics"


@pytest.mark.parametrize("name", NAMES)
def test_student_edition_runs_blank_and_fails_its_checks(results, name):
    checks = _value(results, ("student", name))
    assert checks, "no grader.check results"
    passed = {q: got for q, (got, top) in checks.items() if got >= top}
    assert not passed, f"blank answers pass the checks of {sorted(passed)}"


@pytest.mark.parametrize("name", NAMES)
def test_autograder_gives_full_marks_to_reference(results, name):
    scores, errors = _value(results, ("grade", name))
    assert not errors, f"the reference answers raise: {errors}"
    solved = nbformat.read(results["dist"] / name / "autograder" / f"{name}.ipynb", as_version=4)
    assert set(scores) == set(questions(solved))
    short = {q: s for q, s in scores.items() if s[0] < s[1] or s[1] == 0}
    assert not short, f"reference answers lose points: {short}"


@pytest.mark.parametrize("name", NAMES)
def test_two_wrong_answers_per_question(results, name):
    solved = nbformat.read(results["dist"] / name / "autograder" / f"{name}.ipynb", as_version=4)
    fixtures = wrong_answers(name)
    for q in questions(solved):
        assert len(fixtures.get(q, [])) >= 2, f"{name} {q}: need at least two wrong answers"
    assert set(fixtures) <= set(questions(solved)), "fixtures for unknown questions"


@pytest.mark.parametrize("name,q,i", WRONG, ids=[f"{n}-{q}-{i}" for n, q, i in WRONG])
def test_autograder_rejects_wrong_answer(results, name, q, i):
    k = next(k for k, sub in enumerate(results["plans"][name]) if sub.get(q) == i)
    scores, errors = _value(results, ("grade", name, k))
    got, top = scores[q]
    wrong = wrong_answers(name)[q][i]
    assert got < top, f"{name} {q}: the wrong answer ({wrong['why']}) gets full marks {got}/{top}"
    # A wrong answer should lose marks for being wrong, not for a typo in the fixture.
    raised = [err for src, err in errors if src.strip() == wrong["code"].strip()]
    assert bool(raised) == bool(wrong.get("raises", False)), \
        f"{name} {q}: the wrong answer ({wrong['why']}) " \
        + (f"raises {raised}" if raised else "was expected to raise")


def test_bindings_sees_writes_reads_and_mutation():
    written, read = bindings("a = b + [x for x in c]\nd.append(1)\ne[0] = f\nimport numpy as np")
    assert written == {"a", "d", "e", "np"}
    assert read == {"b", "c", "d", "e", "f"}


def test_test_bindings_reads_parameters_and_in_place_changes():
    source = (
        "from otter.test_files import test_case\n"
        "OK_FORMAT = False\nname = 'q1'\npoints = 2\n"
        "@test_case(points=None, hidden=False)\n"
        "def test_q1_format(x, np):\n"
        "    local = np.abs(x)\n    assert local[0] >= 0, 'hint'\n"
        "@test_case(points=None, hidden=True)\n"
        "def test_q1_value(x, rows):\n    rows.sort()\n    assert x == rows[0]\n")
    written, read = _test_bindings(source)
    assert read == {"x", "np", "rows"}
    assert written == {"rows"}  # sorted in place; ``local`` stays inside its test
