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
os.environ.setdefault("MPLBACKEND", "Agg")

HTML = Path(os.environ.get("FV_HTML", ROOT / "_build" / "html"))


@pytest.fixture(scope="session")
def olivetti():
    """The Olivetti faces, loaded once per test session without downloading."""
    from facelab.datasets import load_olivetti

    return load_olivetti(download_if_missing=False)


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Build the student edition once per session with warnings as errors.

    Set ``FV_REUSE_BUILD=1`` to test an existing build without rebuilding
    (``_build/html``, or the folder named by ``FV_HTML``), handy while
    writing tests; CI always builds.
    """
    if os.environ.get("FV_REUSE_BUILD") == "1" and (HTML / "index.html").is_file():
        return HTML
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run(
        [str(jb), "build", str(ROOT), "--builder", "html", "-W", "--keep-going"],
        cwd=ROOT, capture_output=True, text=True,
    )
    if proc.returncode != 0:
        log = (proc.stdout + proc.stderr)[-6000:]
        pytest.fail(f"jupyter-book build -W failed (exit {proc.returncode}):\n{log}", pytrace=False)
    return HTML
