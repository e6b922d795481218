"""facelab.book.env: the first cell of every notebook says in one sentence what is wrong."""

from __future__ import annotations

import sys

import pytest

from facelab.book import env


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


@pytest.mark.parametrize("name", ["deep", "data", "download"])
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
