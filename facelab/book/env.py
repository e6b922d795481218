"""The first cell of every chapter and exercise notebook: is this kernel ready to run it?

A student who opens a notebook in the wrong kernel, or in an environment that lacks a
package, or without the Olivetti faces on a machine with no internet, would otherwise meet a
``ModuleNotFoundError`` or a download error some cells later. :func:`check_environment`
finds each of these at once and says, in one sentence, what to do::

    from facelab.book.env import check_environment
    check_environment()              # a chapter
    check_environment(deep=True)     # a notebook that uses the deep network
    check_environment(otter=True)    # an exercise notebook (its checks need otter-grader)

It raises :class:`EnvironmentProblem` (a ``RuntimeError``) for a problem that would stop the
notebook, and returns a :class:`EnvironmentReport` otherwise; the report's one-line text is
what the cell shows. A missing Olivetti file is not fatal when scikit-learn may still
download it (1.4 MB, once), so it is reported, not raised, unless ``download=False``.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .._validation import check_bool

__all__ = ["EnvironmentProblem", "EnvironmentReport", "check_environment",
           "ensure_widget_state_saved", "SUPPORTED_PYTHONS", "WIDGET_SETTINGS"]

SUPPORTED_PYTHONS = ((3, 11), (3, 12), (3, 13))
OLIVETTI_FILE = "olivetti_py3.pkz"
# What every notebook imports, and the distribution a student installs for it.
_NEEDED = (("numpy", "numpy"), ("sklearn", "scikit-learn"), ("matplotlib", "matplotlib"),
           ("ipywidgets", "ipywidgets"), ("skimage", "scikit-image"))
_MYST = (("myst_nb", "myst-nb"),)  # a chapter's glue; an exercise notebook has none
_DEEP = (("dlib", "dlib-bin"), ("face_recognition_models", "face-recognition-models"))
_OTTER = (("otter", "otter-grader"),)
# JupyterLab (and Notebook 7) read every <prefix>/share/jupyter/lab/settings/overrides.d/*.json;
# the same file is jupyter-config/face-value.json in the repository.
WIDGET_SETTINGS = {"@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": True}}
_SETTINGS_FILE = Path("share", "jupyter", "lab", "settings", "overrides.d", "face-value.json")
_INSTALL = ("run `python -m pip install -r requirements-student.txt` in the environment of "
            "this kernel ({python}), or choose the kernel \"Python 3 (Face Value)\" "
            "(see the book's page \"Running the notebooks\")")


class EnvironmentProblem(RuntimeError):
    """The kernel cannot run the book's notebooks; the message says what to do."""


@dataclass(frozen=True)
class EnvironmentReport:
    """What :func:`check_environment` found."""

    python: str
    facelab_version: str
    data_home: str
    olivetti_found: bool
    deep: bool
    notes: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        head = (f"Ready: Python {self.python}, facelab {self.facelab_version}"
                + (", the deep network" if self.deep else "")
                + (f", the Olivetti faces in {self.data_home}." if self.olivetti_found else "."))
        return " ".join((head, *self.notes))

    def _repr_markdown_(self) -> str:  # what a notebook cell shows
        return str(self)


def _data_home() -> Path:
    # scikit-learn's own rule (sklearn.datasets.get_data_home), without creating the folder
    home = os.environ.get("SCIKIT_LEARN_DATA", os.path.join("~", "scikit_learn_data"))
    return Path(os.path.expandvars(os.path.expanduser(home)))


def ensure_widget_state_saved(prefix: str | os.PathLike | None = None) -> Path | None:
    """Turn on JupyterLab's "Save Widget State Automatically" in one environment, once.

    Writes ``share/jupyter/lab/settings/overrides.d/face-value.json`` under ``prefix``
    (default: this kernel's ``sys.prefix``) if JupyterLab is installed there
    (``share/jupyter/lab`` exists) and the file is missing. Returns the path written, or
    ``None`` when nothing was written (no JupyterLab there, the file already there, or the
    folder not writable: the setting is then left to the student, and nothing fails).
    The setting takes effect the next time the JupyterLab page is loaded.
    """
    import json

    if prefix is not None and not isinstance(prefix, str | os.PathLike):
        raise TypeError(f"prefix: give a folder (a str or path), got {type(prefix).__name__}.")
    root = Path(sys.prefix if prefix is None else prefix)
    target = root / _SETTINGS_FILE
    if not (root / "share" / "jupyter" / "lab").is_dir() or target.exists():
        return None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(WIDGET_SETTINGS, indent=2) + "\n", encoding="utf-8")
    except OSError:
        return None
    return target


def check_environment(*, deep: bool = False, data: bool = True, download: bool = True,
                      otter: bool = False, widget_state: bool = True) -> EnvironmentReport:
    """Check the running kernel for a notebook of the book; raise with advice, or report.

    Parameters
    ----------
    deep : bool, default False
        Also check the deep network's packages (dlib and its model files).
    data : bool, default True
        Check that the Olivetti faces are in scikit-learn's data folder.
    download : bool, default True
        Whether a missing Olivetti file may still be downloaded; with ``False`` a missing
        file raises instead of being reported.
    otter : bool, default False
        Check for an exercise notebook: otter-grader, which its checks need, and not
        myst-nb, which only the chapters use (an autograder's image does not have it).
    widget_state : bool, default True
        Turn on JupyterLab's widget-state saving in this environment if it is off
        (:func:`ensure_widget_state_saved`); the report then says so.

    Returns
    -------
    EnvironmentReport
        Its text is one line: the versions found and where the faces are.

    Raises
    ------
    EnvironmentProblem
        For a Python outside 3.11-3.13, a missing package, or (``download=False``) missing
        faces, with one sentence that says what to do.
    """
    deep = check_bool(deep, "deep")
    data = check_bool(data, "data")
    download = check_bool(download, "download")
    otter = check_bool(otter, "otter")
    widget_state = check_bool(widget_state, "widget_state")
    python = ".".join(map(str, sys.version_info[:3]))
    if tuple(sys.version_info[:2]) not in SUPPORTED_PYTHONS:
        raise EnvironmentProblem(
            f"This kernel runs Python {python}; the notebooks need Python 3.11, 3.12 or 3.13: "
            "create the environment with one of those and choose its kernel.")
    wanted = _NEEDED + (_DEEP if deep else ()) + (_OTTER if otter else _MYST)
    missing = [dist for module, dist in wanted
               if importlib.util.find_spec(module) is None]
    if missing:
        raise EnvironmentProblem(
            f"This kernel lacks {', '.join(missing)}: "
            + _INSTALL.format(python=sys.executable) + ".")
    from .. import __version__

    notes: list[str] = []
    home = _data_home()
    found = (home / OLIVETTI_FILE).is_file()
    if data and not found:
        where = (f"SCIKIT_LEARN_DATA is {os.environ['SCIKIT_LEARN_DATA']!r}"
                 if "SCIKIT_LEARN_DATA" in os.environ else "SCIKIT_LEARN_DATA is not set")
        advice = (f"The Olivetti faces are not in {home} ({where}): set SCIKIT_LEARN_DATA to "
                  f"the folder that holds {OLIVETTI_FILE} before starting Jupyter")
        if not download:
            raise EnvironmentProblem(advice + ".")
        notes.append(advice + ", or stay online: scikit-learn downloads them (1.4 MB) once.")
    if deep:
        from ..matching import deep as deep_module

        if not deep_module.available():
            raise EnvironmentProblem(
                "dlib is installed but its model files cannot be loaded: "
                + _INSTALL.format(python=sys.executable) + ".")
    if widget_state and ensure_widget_state_saved() is not None:
        notes.append("JupyterLab will now save widget state with the notebook in this "
                     "environment (from the next page reload), so a reopened notebook shows "
                     "its widgets' last picture.")
    return EnvironmentReport(python=python, facelab_version=__version__, data_home=str(home),
                             olivetti_found=found, deep=deep, notes=tuple(notes))
