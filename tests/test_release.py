"""``make release`` (``scripts/release.py``): packaging fake build folders, and the refusals."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

_spec = importlib.util.spec_from_file_location("fv_release", ROOT / "scripts" / "release.py")
release = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("fv_release", release)
_spec.loader.exec_module(release)

CHANGELOG = """# Changelog

## 0.2.0 (January 2027)

### Added
- Something new.

### Numbers that changed
- Chapter 4's ratio is now pooled over five seeds.

## 0.1.0 (December 2026)

### Numbers that changed
- None.
"""


def test_the_version_is_the_packages_one_version_string():
    import tomllib

    import facelab

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert release.version() == facelab.__version__


def test_the_release_notes_are_the_current_section_with_its_numbers():
    section = release.current_section(CHANGELOG)
    assert section.startswith("## 0.2.0 (January 2027)")
    assert "### Numbers that changed\n- Chapter 4's ratio" in section
    assert "0.1.0" not in section
    notes = release.release_notes(section, "0.2.0", "2027-01-15", "abc123")
    assert (
        notes.startswith("# Face Value 0.2.0 (2027-01-15)")
        and "`abc123`" in notes
        and section in notes
    )


def test_the_books_own_changelog_can_be_released():
    assert "Numbers that changed" in release.current_section(
        (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    )


@pytest.mark.parametrize(
    "text,message",
    [
        ("# Changelog\n\nNothing yet.\n", "no '## ' section"),
        (
            "# Changelog\n\n## Unreleased\n\n### Added\n- x\n\n"
            "## 0.1.0\n\n### Numbers that changed\n- None.\n",
            "no '### Numbers that changed'",
        ),
    ],
)
def test_a_changelog_without_its_numbers_is_refused(text, message):
    with pytest.raises(release.ReleaseError, match=message):
        release.current_section(text)


def _fake_builds(tmp: Path, masters=("ex01-retreat", "ex02-matching")):
    """Folders shaped like _build/html, the instructor edition and exercises/dist."""
    student, instructor, dist = tmp / "html", tmp / "instructor" / "html", tmp / "dist-ex"
    for site, word in ((student, "student"), (instructor, "instructor")):
        (site / "chapters").mkdir(parents=True)
        (site / "index.html").write_text(f"<p>{word} edition</p>")
        (site / "chapters" / "01-retreat.html").write_text(f"<p>{word} chapter</p>")
        (site / ".buildinfo").write_text("sphinx build info")
    (student / "_notebooks").mkdir()
    for name in ("01-retreat", "02-matching"):
        (student / "_notebooks" / f"{name}.ipynb").write_text(
            json.dumps({"cells": [], "name": name})
        )
    (instructor / "_figure-packs").mkdir()
    (instructor / "_figure-packs" / "01-retreat-figures.zip").write_bytes(b"PK fake")
    for name in masters:
        (dist / name / "student").mkdir(parents=True)
        (dist / name / "student" / f"{name}.ipynb").write_text('{"student": true}')
        (dist / name / "autograder").mkdir()
        (dist / name / "autograder" / f"{name}.ipynb").write_text('{"solutions": true}')
        for stamp in ("2026_12_01T00_00_00_0", "2026_12_02T00_00_00_0"):
            (dist / name / "autograder" / f"{name}-autograder_{stamp}.zip").write_text(stamp)
    return student, instructor, dist, list(masters)


@pytest.fixture
def packaged(tmp_path):
    student, instructor, dist, masters = _fake_builds(tmp_path)
    layout = release.collect(student, instructor, dist, masters)
    notes = release.release_notes(
        release.current_section(CHANGELOG), "0.2.0", "2027-01-15", "abc123"
    )
    folder, archives = release.package(layout, tmp_path / "out", "0.2.0", "2027-01-15", notes)
    return folder, archives


def test_the_release_folder_holds_both_editions_and_the_exercise_bundles(packaged):
    folder, _ = packaged
    assert folder.name == "face-value-0.2.0-2027-01-15"
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert files == sorted(
        [
            "MANIFEST.txt",
            "README.txt",
            "RELEASE-NOTES.md",
            "student-edition/index.html",
            "student-edition/chapters/01-retreat.html",
            "student-edition/_notebooks/01-retreat.ipynb",
            "student-edition/_notebooks/02-matching.ipynb",
            "instructor-edition/index.html",
            "instructor-edition/chapters/01-retreat.html",
            "instructor-edition/_figure-packs/01-retreat-figures.zip",
            "exercises/student/ex01-retreat.ipynb",
            "exercises/student/ex02-matching.ipynb",
            "exercises/instructor/ex01-retreat.ipynb",
            "exercises/instructor/ex02-matching.ipynb",
            "exercises/autograders/ex01-retreat-autograder.zip",
            "exercises/autograders/ex02-matching-autograder.zip",
            "notebooks/README.md",
            "notebooks/chapters/01-retreat.ipynb",
            "notebooks/chapters/02-matching.ipynb",
            "notebooks/exercises/ex01-retreat.ipynb",
            "notebooks/exercises/ex02-matching.ipynb",
        ]
    )
    # the newest autograder, and nothing with solutions in the folder meant for students' hub
    assert (
        folder / "exercises/autograders/ex01-retreat-autograder.zip"
    ).read_text() == "2026_12_02T00_00_00_0"
    assert not any("solutions" in p.read_text() for p in (folder / "notebooks").rglob("*.ipynb"))
    notes = (folder / "RELEASE-NOTES.md").read_text(encoding="utf-8")
    assert "### Numbers that changed" in notes and "pooled over five seeds" in notes


def test_the_manifest_lists_every_file_with_its_sha256(packaged):
    folder, _ = packaged
    lines = (folder / "MANIFEST.txt").read_text(encoding="utf-8").splitlines()
    listed = {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in lines}
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {
        "MANIFEST.txt"
    }
    assert set(listed) == on_disk
    for path, digest in listed.items():
        assert hashlib.sha256((folder / path).read_bytes()).hexdigest() == digest
    proc = subprocess.run(
        ["sha256sum", "--quiet", "-c", "MANIFEST.txt"], cwd=folder, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_archives_hold_the_same_folder(packaged):
    folder, archives = packaged
    assert [a.name for a in archives] == [
        "face-value-0.2.0-2027-01-15.zip",
        "face-value-0.2.0-2027-01-15.tar.gz",
    ]
    expected = {
        f"{folder.name}/{p.relative_to(folder).as_posix()}"
        for p in folder.rglob("*")
        if p.is_file()
    }
    with zipfile.ZipFile(archives[0]) as z:
        assert {n for n in z.namelist() if not n.endswith("/")} == expected
    with tarfile.open(archives[1]) as t:
        assert {m.name for m in t.getmembers() if m.isfile()} == expected


def test_an_existing_release_is_not_overwritten_without_force(packaged, tmp_path):
    folder, _ = packaged
    layout = release.collect(*_fake_builds(tmp_path / "again"))
    with pytest.raises(release.ReleaseError, match="already exists"):
        release.package(layout, folder.parent, "0.2.0", "2027-01-15", "notes")
    folder2, _ = release.package(layout, folder.parent, "0.2.0", "2027-01-15", "notes", force=True)
    assert (folder2 / "RELEASE-NOTES.md").read_text() == "notes"


@pytest.mark.parametrize(
    "breakage,message",
    [
        (lambda s, i, d: (s / "index.html").unlink(), "student edition has no index.html"),
        (lambda s, i, d: (i / "index.html").unlink(), "instructor edition has no index.html"),
        (
            lambda s, i, d: [
                p.unlink() for p in (d / "ex02-matching" / "autograder").glob("*.zip")
            ],
            "ex02-matching has no autograder",
        ),
        (
            lambda s, i, d: (d / "ex01-retreat" / "student" / "ex01-retreat.ipynb").unlink(),
            "ex01-retreat has no student notebook",
        ),
    ],
)
def test_a_missing_build_is_refused_in_one_sentence(tmp_path, breakage, message):
    student, instructor, dist, masters = _fake_builds(tmp_path)
    breakage(student, instructor, dist)
    with pytest.raises(release.ReleaseError, match=message) as info:
        release.collect(student, instructor, dist, masters)
    assert str(info.value).startswith("Refusing to release:") and str(info.value).count(". ") == 0


def _git_repo(path: Path) -> Path:
    path.mkdir()
    for args in (
        ["init", "-q", "-b", "main"],
        ["config", "user.email", "t@example.org"],
        ["config", "user.name", "T"],
    ):
        subprocess.run(["git", *args], cwd=path, check=True)
    (path / "README.md").write_text("x\n")
    subprocess.run(["git", "add", "README.md"], cwd=path, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "x"], cwd=path, check=True)
    return path


def test_a_dirty_tree_is_refused(tmp_path):
    repo = _git_repo(tmp_path / "repo")
    release.require_clean(repo)  # clean: no error
    (repo / "dist").mkdir()
    (repo / "dist" / "old-release.zip").write_text("an earlier release")
    release.require_clean(repo)  # dist/ is where releases go, so it does not count
    (repo / "README.md").write_text("changed\n")
    (repo / "notes.txt").write_text("new\n")
    with pytest.raises(release.ReleaseError) as info:
        release.require_clean(repo)
    assert str(info.value) == (
        "Refusing to release: the working tree has uncommitted changes "
        "(2 files: README.md, notes.txt); commit them first."
    )


def test_a_failing_build_is_refused(tmp_path):
    make = tmp_path / "fake-make"
    make.write_text('#!/bin/sh\n[ "$1" = instructor ] && exit 2\nexit 0\n')
    make.chmod(0o755)
    with pytest.raises(release.ReleaseError, match=r"`make instructor` failed \(exit 2\)"):
        release.run_builds(tmp_path, make=str(make))


def test_the_command_refuses_with_one_line_and_status_1(tmp_path, capsys):
    repo = _git_repo(tmp_path / "repo")
    (repo / "stray.txt").write_text("uncommitted\n")
    assert release.main([], root=repo) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("Refusing to release: the working tree") and "\n" not in err


def test_the_makefile_has_a_release_target():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\nrelease:" in makefile and "scripts/release.py" in makefile
