"""Build the exercise editions and grade submissions, offline, with otter-grader.

Each exercise is authored once, as a *master* MyST Markdown notebook
``exercises/exNN-*.md`` in otter-assign format (raw cells ``# ASSIGNMENT
CONFIG``, ``# BEGIN QUESTION``, ``# BEGIN SOLUTION``, ``# BEGIN TESTS``...).
From it ``otter assign`` makes a student notebook (no solutions, public checks
included) and an autograder (all tests, hidden ones too, in a zip that
``otter run`` and Gradescope both accept).

Usage (from the repository root, with the book's virtual environment)::

    python scripts/exercises.py build [NAME ...] [-j JOBS] [--no-run-tests] [--dist DIR]
    python scripts/exercises.py grade SUBMISSION.ipynb [--autograder ZIP] [--output DIR]
    python scripts/exercises.py list

``build``
    For every master (or only the NAMEs given, e.g. ``ex01-retreat``), convert
    it with jupytext to ``exercises/dist/NAME/master/NAME.ipynb`` beside a copy
    of the ``facelab`` package and ``exercises/requirements.txt``, then run
    ``otter assign``, which writes

    - ``exercises/dist/NAME/student/NAME.ipynb``: the student edition. Keep
      its file name: its ``grader.check`` calls read the tests from the
      notebook file of that name.
    - ``exercises/dist/NAME/autograder/NAME.ipynb``: the instructor edition,
      with solutions, hidden tests and the rubrics of the written questions.
    - ``exercises/dist/NAME/autograder/NAME-autograder_*.zip``: the
      autograder, for ``grade`` below or for upload to Gradescope.

    ``otter assign`` grades the instructor edition with its own autograder
    (``run_tests: true`` in each master) and fails unless it gets full marks.
    Nothing is downloaded or installed: ``requirements.txt`` is only written
    into the zip for Gradescope's image. ``--no-run-tests`` skips that check;
    ``-j 2`` builds two exercises at once; ``--dist`` writes elsewhere than
    ``exercises/dist`` (the tests build into a temporary folder).

``grade``
    Grade one submitted notebook locally with ``otter run`` (no Docker). The
    autograder defaults to the newest zip of the exercise whose name is the
    submission's otter assignment name (or its file name). Prints the score
    per autograded question and writes otter's ``results.json`` to
    ``--output`` (default ``exercises/dist/NAME/graded/``). Exit status 0
    whatever the score; 2 if grading could not run. The same as
    ``otter run -a ZIP -o DIR SUBMISSION`` (DIR must exist), in-process.

``list``
    Print the names of the masters.

dist/ is git-ignored. The environment must already hold everything the
exercises import (``make setup``). Without internet, set ``SCIKIT_LEARN_DATA``
to a folder holding the Olivetti faces; ``../shared/scikit_learn_data`` is used
when it exists and the variable is unset.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
DIST = EXERCISES / "dist"
PACKAGE = ROOT / "facelab"
REQUIREMENTS = EXERCISES / "requirements.txt"
SHARED_DATA = ROOT.parent / "shared" / "scikit_learn_data"

# Offline: use the shared copy of the Olivetti faces when it sits beside the
# repository (as the Makefile and the tests do); kernels inherit the variable.
if "SCIKIT_LEARN_DATA" not in os.environ and (SHARED_DATA / "olivetti_py3.pkz").is_file():
    os.environ["SCIKIT_LEARN_DATA"] = str(SHARED_DATA)


def masters() -> dict[str, Path]:
    """Master notebooks by name (file stem), in order."""
    return {p.stem: p for p in sorted(EXERCISES.glob("ex*.md"))}


def _otter(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return subprocess.run([sys.executable, "-m", "otter", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def convert(master: Path, out_dir: Path) -> Path:
    """Write ``master`` (MyST Markdown) as ``out_dir/NAME.ipynb``; return its path.

    jupytext keeps the ``{raw-cell}`` blocks as raw cells, which is where otter
    assign looks for its configuration and block boundaries.
    """
    import jupytext
    import nbformat

    nb = jupytext.read(master)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{master.stem}.ipynb"
    nbformat.write(nb, path)
    return path


def autograder_zip(name: str, dist: Path = DIST) -> Path:
    """The newest autograder zip built for exercise ``name`` under ``dist``."""
    zips = sorted((dist / name / "autograder").glob(f"{name}-autograder_*.zip"))
    if not zips:
        raise FileNotFoundError(f"no autograder for {name!r}: run `python scripts/exercises.py "
                                f"build {name}`")
    return zips[-1]


def build_one(name: str, run_tests: bool = True, dist: Path = DIST) -> Path:
    """Convert and assign one master; return ``dist/NAME``."""
    master = masters()[name]
    out = Path(dist).resolve() / name
    if out.exists():
        shutil.rmtree(out)
    src = out / "master"
    nb_path = convert(master, src)
    # otter assign only takes files from below the master notebook's folder.
    shutil.copytree(PACKAGE, src / "facelab",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(REQUIREMENTS, src / "requirements.txt")
    args = ["assign", "-v", str(nb_path), str(out)]
    if not run_tests:
        args.insert(1, "--no-run-tests")
    proc = _otter(*args, cwd=src)
    if proc.returncode != 0:
        raise RuntimeError(f"otter assign failed for {name} (exit {proc.returncode}):\n"
                           f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    student = out / "student" / f"{name}.ipynb"
    if not student.is_file():
        raise RuntimeError(f"otter assign wrote no student notebook {student}")
    autograder_zip(name, out.parent)
    return out


def build(names: list[str] | None = None, run_tests: bool = True, jobs: int = 1,
          dist: Path = DIST) -> list[Path]:
    """Build the named exercises (all by default); return their dist folders."""
    known = masters()
    names = names or list(known)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown exercise(s) {unknown}; known: {list(known)}")
    if jobs > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(jobs) as pool:
            return list(pool.map(lambda n: build_one(n, run_tests, dist), names))
    return [build_one(n, run_tests, dist) for n in names]


def assignment_name(submission: Path) -> str:
    """The otter assignment name stored in a notebook, or else its file stem."""
    try:
        meta = json.loads(submission.read_text(encoding="utf-8")).get("metadata", {})
        name = meta.get("otter", {}).get("assignment_name")
    except (OSError, ValueError):
        name = None
    return name or submission.stem


def grade(submission: Path, autograder: Path | None = None,
          output: Path | None = None, quiet: bool = True, errors: list | None = None,
          dist: Path = DIST) -> dict[str, tuple[float, float]]:
    """Grade ``submission`` with otter run; return ``{question: (score, possible)}``.

    Calls ``otter.run.main``, the function behind the ``otter run`` command,
    in this process (the command line would spend about 5 s importing otter
    for every submission). ``results.json`` is written to ``output``. If
    ``errors`` is a list, ``(cell source, "Name: message")`` is appended to it
    for every cell of the submission that raised while it was graded.
    """
    import contextlib
    import io

    import otter.run

    submission = submission.resolve()
    name = assignment_name(submission)
    autograder = (autograder or autograder_zip(name, dist)).resolve()
    output = (output or Path(dist) / name / "graded").resolve()
    output.mkdir(parents=True, exist_ok=True)  # otter run -o needs an existing folder
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    log = io.StringIO()
    with contextlib.redirect_stdout(log) if quiet else contextlib.nullcontext():
        results = otter.run.main(str(submission), autograder=str(autograder),
                                 output_dir=str(output), no_logo=True)
    if results.has_catastrophic_failure():
        raise RuntimeError(f"otter run could not grade {submission}: "
                           f"{results.catastrophic_error}\n{log.getvalue()[-4000:]}")
    if errors is not None and results.notebook is not None:
        for cell in results.notebook.cells:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    errors.append((cell.source, f"{out.get('ename')}: {out.get('evalue')}"))
    return {q: (float(tf.score), float(tf.possible)) for q, tf in results.results.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="make the student editions and autograders")
    p_build.add_argument("names", nargs="*", help="exercise names (default: all)")
    p_build.add_argument("--no-run-tests", action="store_true",
                         help="do not grade the solutions while building")
    p_build.add_argument("-j", "--jobs", type=int, default=1, help="exercises built at once")
    p_build.add_argument("--dist", type=Path, default=DIST, help="output folder (default "
                                                                 "exercises/dist)")
    p_grade = sub.add_parser("grade", help="grade one submission locally with otter run")
    p_grade.add_argument("submission", type=Path)
    p_grade.add_argument("--autograder", type=Path, help="autograder zip (default: newest built)")
    p_grade.add_argument("--output", type=Path, help="folder for results.json")
    p_grade.add_argument("--dist", type=Path, default=DIST, help="where `build` wrote the editions")
    sub.add_parser("list", help="list the exercise masters")
    args = parser.parse_args(argv)

    if args.command == "list":
        print("\n".join(masters()))
        return 0
    if args.command == "build":
        for out in build(args.names, run_tests=not args.no_run_tests, jobs=args.jobs,
                         dist=args.dist):
            name = out.name
            print(f"{name}: student {out / 'student' / (name + '.ipynb')}")
            print(f"{' ' * len(name)}  autograder {autograder_zip(name, out.parent)}")
        return 0
    try:
        results = grade(args.submission, args.autograder, args.output, dist=args.dist)
    except (RuntimeError, FileNotFoundError) as exc:
        print(exc, file=sys.stderr)
        return 2
    for q, (got, top) in results.items():
        print(f"{q:>6}: {got:g} / {top:g}")
    total = sum(got for got, _ in results.values())
    possible = sum(top for _, top in results.values())
    print(f"{'total':>6}: {total:g} / {possible:g} (autograded questions only; "
          "written answers are graded by hand)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
