"""Sphinx extension: the exercise notebooks, ready to download from the site.

The exercise masters (``exercises/exNN-*.md``) hold solutions, hidden tests
and rubrics, so they are never published as they are. Before the book is
read, this extension makes each master's editions with ``otter assign`` (the
same code path as ``python scripts/exercises.py build --no-run-tests``) into
``_build/exercises/NAME/``: the student notebook ``student/NAME.ipynb``, and
in ``autograder/`` the instructor notebook (solutions, hidden tests, rubrics)
and the autograder zip.

What each edition of the book publishes is decided in one place,
:func:`published_files`:

- both editions: the student notebook, linked from
  ``chapters/exercise-notebooks.md`` with Sphinx's ``{download}`` role;
- the instructor edition only (``fv_hide_solutions`` false): for each exercise
  also the instructor notebook and the autograder zip (under a stable name,
  ``NAME-autograder.zip``), staged into ``_build/exercises/NAME/instructor/``
  and listed by the ``{fv-exercise-downloads}`` directive. In the student
  edition the directive shows only its own content (a sentence pointing to the
  instructor edition), so no link to, and no copy of, an autograder or a
  solution reaches the student site or its ``_downloads``.

The autograders on the site are made without grading the reference
solutions (``--no-run-tests``, to keep the build short); ``make exercises``
makes the checked ones, and ``make release`` ships those.

A master is rebuilt only when it (or the otter version) changed: its SHA-256
is stored beside it. Building one takes about 10 s.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

EDITIONS = ("student", "instructor")


def _exercises_script(root: Path):
    spec = importlib.util.spec_from_file_location(
        "fv_exercises_script", root / "scripts" / "exercises.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def edition(config) -> str:
    """``"student"`` if the build hides solutions (``fv_hide_solutions``), else ``"instructor"``."""
    return "student" if config.fv_hide_solutions else "instructor"


def published_files(name: str, dist: Path, which: str) -> dict[str, Path]:
    """The files the ``which`` edition of the site offers for exercise ``name``.

    Parameters
    ----------
    name : str
        The exercise, e.g. ``"ex03-thresholds"``.
    dist : Path
        Where the editions are built (``fv_exercise_dist``).
    which : {"student", "instructor"}
        The edition of the book.

    Returns
    -------
    dict
        ``{"student": ...}`` for the student edition; the instructor edition adds
        ``"solutions"`` (the instructor notebook) and ``"autograder"`` (the zip),
        both in ``dist/NAME/instructor/``. The paths are where the files will be,
        whether or not they exist yet.
    """
    if which not in EDITIONS:
        raise ValueError(f"which must be one of {EDITIONS}, not {which!r}")
    base = Path(dist) / name
    files = {"student": base / "student" / f"{name}.ipynb"}
    if which == "instructor":
        files["solutions"] = base / "instructor" / f"{name}.ipynb"
        files["autograder"] = base / "instructor" / f"{name}-autograder.zip"
    return files


def fingerprint(master: Path) -> str:
    """What the editions depend on: the master's text and otter's version."""
    from importlib.metadata import version

    digest = hashlib.sha256(master.read_bytes())
    digest.update(version("otter-grader").encode())
    return digest.hexdigest()


def stage_instructor_files(name: str, dist: Path) -> dict[str, Path]:
    """Copy otter's instructor notebook and newest autograder zip to their published names."""
    files = published_files(name, dist, "instructor")
    built = Path(dist) / name / "autograder"
    zips = sorted(built.glob(f"{name}-autograder_*.zip"))
    notebook = built / f"{name}.ipynb"
    if not zips or not notebook.is_file():
        raise FileNotFoundError(
            f"otter assign left no instructor notebook or autograder in {built}"
        )
    files["solutions"].parent.mkdir(parents=True, exist_ok=True)
    for source, target in ((notebook, files["solutions"]), (zips[-1], files["autograder"])):
        if not target.is_file() or target.read_bytes() != source.read_bytes():
            shutil.copyfile(source, target)
    return files


def exercise_editions(app: Sphinx) -> None:
    """Make (or reuse) the editions of every exercise master; stage the instructor files."""
    if app.builder.format != "html":
        return
    root = Path(app.srcdir)
    script = _exercises_script(root)
    dist = root / app.config.fv_exercise_dist
    todo = []
    for name, master in script.masters().items():
        stamp = dist / name / ".master-sha256"
        student = published_files(name, dist, "student")["student"]
        if student.is_file() and stamp.is_file() and stamp.read_text() == fingerprint(master):
            continue
        todo.append((name, master))
    if todo:
        logger.info(f"[fv] making exercise notebooks: {', '.join(n for n, _ in todo)}")

        def one(item):
            name, master = item
            script.build_one(name, run_tests=False, dist=dist)
            (dist / name / ".master-sha256").write_text(fingerprint(master))

        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(one, todo))
    if edition(app.config) == "instructor":
        for name in script.masters():
            stage_instructor_files(name, dist)


# Kept for callers of the old name.
student_notebooks = exercise_editions


def _download(srcdir: Path, path: Path, text: str) -> str:
    """A MyST ``{download}`` role for ``path`` (absolute), relative to the source folder."""
    import os

    return f"{{download}}`{text} </{Path(os.path.relpath(path, srcdir)).as_posix()}>`"


def instructor_table(names: list[str], dist: Path, srcdir: Path) -> list[str]:
    """The instructor edition's download table, as MyST Markdown lines."""
    lines = [
        "**For instructors: solutions and autograders.** "
        "Each exercise's instructor notebook holds the solutions, hidden tests and rubrics; "
        "keep its file name (its checks read it) and keep it apart from the student's copy. "
        "Its autograder grades submissions with `python scripts/exercises.py grade` "
        "or on Gradescope. "
        "These are built with the site, without grading the reference solutions; "
        "`make exercises` builds checked ones.",
        "",
        "| Exercise notebook | Instructor notebook (solutions, hidden tests, rubrics) "
        "| Autograder |",
        "| --- | --- | --- |",
    ]
    for name in names:
        files = published_files(name, dist, "instructor")
        lines.append(
            f"| {name} | {_download(srcdir, files['solutions'], f'{name}.ipynb')} "
            f"| {_download(srcdir, files['autograder'], f'{name}-autograder.zip')} |"
        )
    return lines


class ExerciseDownloads(SphinxDirective):
    """``{fv-exercise-downloads}``: each exercise's instructor notebook and autograder.

    The instructor edition shows a table of downloads; the student edition
    shows the directive's content instead (and links nothing).
    """

    has_content = True

    def run(self):
        container = nodes.container(classes=["fv-exercise-downloads"])
        if edition(self.config) == "instructor":
            srcdir = Path(self.env.srcdir)
            names = list(_exercises_script(srcdir).masters())
            lines = instructor_table(names, srcdir / self.config.fv_exercise_dist, srcdir)
        else:
            lines = list(self.content)
        if not lines:
            return []
        self.state.nested_parse(
            StringList(lines, self.get_source_info()[0]), self.content_offset, container
        )
        return [container]


def setup(app: Sphinx):
    app.setup_extension("fv_editions")  # fv_hide_solutions
    app.add_config_value("fv_exercise_dist", "_build/exercises", "env")
    app.add_directive("fv-exercise-downloads", ExerciseDownloads)
    app.connect("builder-inited", exercise_editions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
