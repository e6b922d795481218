"""facelab.book.env: the first cell of every notebook says in one sentence what is wrong."""

from __future__ import annotations

import sys

import pytest

from facelab.book import env


@pytest.fixture(autouse=True)
def _own_prefix(monkeypatch, tmp_path):
    """Each test sees an environment of its own, so no test writes into the real one."""
    monkeypatch.setattr(env.sys, "prefix", str(tmp_path / "prefix"))


def test_ready_with_the_shared_data(monkeypatch, tmp_path):
    (tmp_path / env.OLIVETTI_FILE).write_bytes(b"")
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path))
    report = env.check_environment()
    assert report.olivetti_found and not report.notes
    text = str(report)
    assert text.startswith("Ready: Python 3.") and str(tmp_path) in text and "\n" not in text


def test_missing_faces_are_reported_or_raised(monkeypatch, tmp_path):
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path / "nowhere"))
    report = env.check_environment()
    assert not report.olivetti_found
    assert "SCIKIT_LEARN_DATA" in str(report) and "downloads them" in str(report)
    with pytest.raises(env.EnvironmentProblem, match="set SCIKIT_LEARN_DATA to the folder"):
        env.check_environment(download=False)
    assert env.check_environment(data=False, download=False).notes == ()


def test_a_missing_package_names_the_install(monkeypatch):
    real = env.importlib.util.find_spec
    monkeypatch.setattr(env.importlib.util, "find_spec",
                        lambda name, *a: None if name == "myst_nb" else real(name, *a))
    with pytest.raises(env.EnvironmentProblem) as info:
        env.check_environment(data=False)
    message = str(info.value)
    assert "myst-nb" in message and "requirements-student.txt" in message
    assert sys.executable in message and message.count("\n") == 0


def test_an_unsupported_python_is_refused(monkeypatch):
    monkeypatch.setattr(env, "SUPPORTED_PYTHONS", ((3, 99),))
    with pytest.raises(env.EnvironmentProblem, match="need Python 3.11, 3.12 or 3.13"):
        env.check_environment(data=False)


def test_otter_is_checked_for_exercise_notebooks(monkeypatch):
    real = env.importlib.util.find_spec
    monkeypatch.setattr(env.importlib.util, "find_spec",
                        lambda name, *a: None if name == "otter" else real(name, *a))
    env.check_environment(data=False)  # a chapter does not need otter
    with pytest.raises(env.EnvironmentProblem, match="lacks otter-grader"):
        env.check_environment(data=False, otter=True)


def test_widget_state_saving_is_turned_on_once(tmp_path):
    import json
    from pathlib import Path

    prefix = Path(env.sys.prefix)
    report = env.check_environment(data=False)  # no JupyterLab in this environment
    assert report.notes == () and not (prefix / "share").exists()
    (prefix / "share" / "jupyter" / "lab").mkdir(parents=True)
    report = env.check_environment(data=False)
    written = prefix / "share/jupyter/lab/settings/overrides.d/face-value.json"
    assert json.loads(written.read_text()) == env.WIDGET_SETTINGS
    assert len(report.notes) == 1 and "save widget state" in report.notes[0]
    assert env.check_environment(data=False).notes == ()  # once
    assert env.check_environment(data=False, widget_state=False).notes == ()
    # The repository's copy, which a non-editable install puts there, says the same.
    repo = Path(__file__).resolve().parent.parent
    assert json.loads((repo / "jupyter-config" / "face-value.json").read_text()) \
        == env.WIDGET_SETTINGS


def test_an_unwritable_environment_is_left_alone(monkeypatch):
    from pathlib import Path

    lab = Path(env.sys.prefix) / "share" / "jupyter" / "lab"
    lab.mkdir(parents=True)
    (lab / "settings").write_text("not a folder")  # mkdir below it fails
    assert env.ensure_widget_state_saved() is None
    assert env.check_environment(data=False).notes == ()


@pytest.mark.parametrize("name", ["deep", "data", "download", "otter", "widget_state"])
def test_bad_arguments_are_named(name):
    with pytest.raises(TypeError, match=f"^{name}:"):
        env.check_environment(**{name: "yes"})


def test_every_chapter_checks_its_environment_first():
    """The first code cell of each chapter calls check_environment (deep=True where it uses
    dlib)."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for chapter in sorted((root / "chapters").glob("0*.md")):
        text = chapter.read_text(encoding="utf-8")
        first = text.split("```{code-cell}", 1)[1].split("```", 1)[0]
        assert "check_environment(" in first, \
            f"{chapter.name}: its first code cell does not check the environment"
        uses_deep = "matching import deep" in text or '"deep"' in text or "DlibResNet" in text
        assert ("deep=True" in first) == uses_deep, \
            f"{chapter.name}: deep=True exactly when it uses the deep network"


def test_every_exercise_notebook_checks_its_environment_first():
    """The first code cell of each exercise master checks the environment (otter too) and
    starts otter itself (``init_cell: false``), so a missing package is one sentence, not a
    ModuleNotFoundError from otter's own init cell."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for master in sorted((root / "exercises").glob("ex*.md")):
        text = master.read_text(encoding="utf-8")
        assert "init_cell: false" in text, f"{master.name}: otter must not add its own init cell"
        first = text.split("```{code-cell}", 1)[1].split("```", 1)[0]
        assert "check_environment(otter=True" in first, master.name
        assert f'grader = otter.Notebook("{master.stem}.ipynb")' in first, master.name
        assert first.index("check_environment(") < first.index("import otter"), master.name
        assert ("deep=True" in first) == ('"deep"' in text or "DlibResNet" in text), master.name


def test_a_bad_prefix_is_named():
    with pytest.raises(TypeError, match="^prefix:"):
        env.ensure_widget_state_saved(3)
