"""Shared test set-up: offline data, a non-interactive plotting backend, and the built book."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "scikit_learn_data"

# Tests never download: use the shared offline cache when it is beside the repo.
if "SCIKIT_LEARN_DATA" not in os.environ and (SHARED_DATA / "olivetti_py3.pkz").is_file():
    os.environ["SCIKIT_LEARN_DATA"] = str(SHARED_DATA)
# Tests draw off-screen. (The book build below must not inherit this: a kernel
# with MPLBACKEND=Agg shows no figures at all.)
os.environ.setdefault("MPLBACKEND", "Agg")

HTML = Path(os.environ.get("FV_HTML", ROOT / "_build" / "html"))


@pytest.fixture(scope="session")
def olivetti():
    """The Olivetti faces, loaded once per test session without downloading."""
    from facelab.faces import load_olivetti

    return load_olivetti(download_if_missing=False)


@pytest.fixture(scope="session")
def exercise_dist(tmp_path_factory) -> Path:
    """The exercise editions (student, autograder) of the masters chosen by ``FV_EXERCISES``.

    Built once per session into a temporary folder (``exercises/dist`` is left
    alone), without grading inside otter assign; shared by test_exercises.py and
    test_exercise_feedback.py.
    """
    from .exercise_support import NAMES, ex, pool_size

    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    dist = tmp_path_factory.mktemp("dist")
    ex.build(NAMES, run_tests=False, jobs=pool_size(), dist=dist)
    return dist


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Build the student edition once per session with warnings as errors.

    Set ``FV_REUSE_BUILD=1`` to test an existing build without rebuilding
    (``_build/html``, or the folder named by ``FV_HTML``), handy while
    writing tests; CI always builds.
    """
    if os.environ.get("FV_REUSE_BUILD") == "1" and (HTML / "index.html").is_file():
        return HTML
    global _BUILD_FAILURE
    if _BUILD_FAILURE:  # fail every dependent test at once, without rebuilding
        pytest.fail(_BUILD_FAILURE, pytrace=False)
    jb = Path(sys.executable).with_name("jupyter-book")
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    subprocess.run([sys.executable, str(ROOT / "scripts" / "cache_guard.py")], check=True)
    # As `make book` does: execute the uncached chapters two at a time into the cache first.
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "execute_parallel.py"), str(ROOT)],
        cwd=ROOT, capture_output=True, text=True, env=env,
    )
    if proc.returncode != 0:
        _BUILD_FAILURE = (f"scripts/execute_parallel.py failed (exit {proc.returncode}):\n"
                          + (proc.stdout + proc.stderr)[-3000:])
        pytest.fail(_BUILD_FAILURE, pytrace=False)
    proc = subprocess.run(
        [str(jb), "build", str(ROOT), "--builder", "html", "-W", "--keep-going"],
        cwd=ROOT, capture_output=True, text=True, env=env,
    )
    if proc.returncode != 0:
        warnings = [line for line in (proc.stdout + proc.stderr).splitlines()
                    if "WARNING" in line and "IPKernelApp" not in line]
        _BUILD_FAILURE = (f"jupyter-book build -W failed (exit {proc.returncode}):\n"
                          + "\n".join(warnings[:40]) + "\n--- end of log ---\n"
                          + (proc.stdout + proc.stderr)[-3000:])
        pytest.fail(_BUILD_FAILURE, pytrace=False)
    return HTML


_BUILD_FAILURE = ""
