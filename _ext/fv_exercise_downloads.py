"""Sphinx extension: the student exercise notebooks, ready to download from the site.

The exercise masters (``exercises/exNN-*.md``) hold solutions, hidden tests
and rubrics, so they are never published. Before the book is read, this
extension makes each master's *student edition* with ``otter assign`` (the
same code path as ``python scripts/exercises.py build --no-run-tests``) into
``_build/exercises/NAME/student/NAME.ipynb``, and the page
``chapters/exercise-notebooks.md`` links them with Sphinx's ``{download}``
role. Both editions of the book link the student notebooks; instructors get
solutions and autograders from ``make exercises``.

A notebook is rebuilt only when its master (or the otter version) changed:
the master's SHA-256 is stored beside it. Building one takes about 10 s.
"""

from __future__ import annotations

import hashlib
import importlib.util
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _exercises_script(root: Path):
    spec = importlib.util.spec_from_file_location("fv_exercises_script", root / "scripts" / "exercises.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fingerprint(master: Path) -> str:
    """What the student edition depends on: the master's text and otter's version."""
    from importlib.metadata import version

    digest = hashlib.sha256(master.read_bytes())
    digest.update(version("otter-grader").encode())
    return digest.hexdigest()


def student_notebooks(app: Sphinx) -> None:
    """Make (or reuse) the student edition of every exercise master."""
    if app.builder.format != "html":
        return
    root = Path(app.srcdir)
    script = _exercises_script(root)
    dist = root / app.config.fv_exercise_dist
    todo = []
    for name, master in script.masters().items():
        stamp = dist / name / ".master-sha256"
        student = dist / name / "student" / f"{name}.ipynb"
        if student.is_file() and stamp.is_file() and stamp.read_text() == fingerprint(master):
            continue
        todo.append((name, master))
    if not todo:
        return
    logger.info(f"[fv] making student exercise notebooks: {', '.join(n for n, _ in todo)}")

    def one(item):
        name, master = item
        script.build_one(name, run_tests=False, dist=dist)
        (dist / name / ".master-sha256").write_text(fingerprint(master))

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(one, todo))


def setup(app: Sphinx):
    app.add_config_value("fv_exercise_dist", "_build/exercises", "env")
    app.connect("builder-inited", student_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
