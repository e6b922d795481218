"""Make a release of Face Value: both editions and the exercise bundles, in a folder and archives.

Usage (from the repository root, with the book's virtual environment; ``make release``)::

    python scripts/release.py [--date YYYY-MM-DD] [--dist DIR] [--force]

Steps, each of which stops the release with a one-sentence reason:

1. The working tree must be clean (``git status``: nothing modified or
   untracked outside ``dist/``), so the release is exactly one commit.
2. ``make book`` (student edition), ``make instructor`` (instructor edition)
   and ``make exercises`` (student notebooks and autograders, each autograder
   checked against the reference solutions) must all succeed. The tree must
   still be clean afterwards.
3. :func:`package` copies the builds into ``dist/face-value-VERSION-DATE/``::

       student-edition/          the student/reader site (no solutions anywhere)
       instructor-edition/       the instructor site (solutions, exercise downloads,
                                 figure packs in _figure-packs/)
       exercises/student/        NAME.ipynb: the student exercise notebooks
       exercises/instructor/     NAME.ipynb: with solutions, hidden tests and rubrics
       exercises/autograders/    NAME-autograder.zip: for otter run or Gradescope
       notebooks/                a folder to push as a git repository for a JupyterHub
                                 (nbgitpuller): chapters/NAME.ipynb, the student
                                 reading copies, and exercises/NAME.ipynb
       RELEASE-NOTES.md          the CHANGELOG's current section, "Numbers that changed" included
       README.txt                what is where, and who may see it
       MANIFEST.txt              SHA-256 of every other file (``sha256sum -c MANIFEST.txt``)

   and writes ``face-value-VERSION-DATE.zip`` and ``.tar.gz`` of it beside it.
   ``VERSION`` is ``facelab.__version__`` (pyproject.toml reads it); ``DATE`` is today's
   date unless ``--date`` is given.

The release holds solutions and hidden tests: share it with instructors, and
give students the student edition or the ``notebooks/`` folder only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILDS = ("book", "instructor", "exercises")  # make targets, in order
NUMBERS_HEADING = "Numbers that changed"


class ReleaseError(Exception):
    """A reason not to release, in one sentence."""


# ---------------------------------------------------------------- inputs


def version(init: Path = ROOT / "facelab" / "__init__.py") -> str:
    """The book's version: ``facelab.__version__``, the one version string (pyproject.toml's
    version is dynamic and reads it), taken from the file without importing the package."""
    found = re.search(r'^__version__ = "([^"]*)"', init.read_text(encoding="utf-8"), re.M)
    value = found.group(1) if found else None
    if not value or not re.fullmatch(r"[0-9][0-9A-Za-z.+-]*", value):
        raise ReleaseError(f"{init} has no usable __version__ (found {value!r}).")
    return value


def current_section(changelog: str) -> str:
    """The CHANGELOG's current (first) ``## `` section, which must say which numbers changed.

    Raises ``ReleaseError`` when there is no section, or when it has no
    ``### Numbers that changed`` subsection (write "None." under it if no
    published number moved).
    """
    match = re.search(r"^## .*?(?=^## |\Z)", changelog, re.M | re.S)
    if not match:
        raise ReleaseError("CHANGELOG.md has no '## ' section to release.")
    section = match.group(0).strip() + "\n"
    if not re.search(rf"^### {NUMBERS_HEADING}\s*$", section, re.M):
        raise ReleaseError(
            f"CHANGELOG.md's current section has no '### {NUMBERS_HEADING}' "
            "subsection: add one (with 'None.' if no published number moved)."
        )
    return section


def release_notes(section: str, version_: str, date: str, commit: str) -> str:
    """RELEASE-NOTES.md: a heading, where the release comes from, and the CHANGELOG section."""
    return (
        f"# Face Value {version_} ({date})\n\n"
        f"Built from commit `{commit}` by `make release`.\n"
        "Every file of the release is listed with its SHA-256 in `MANIFEST.txt`.\n\n" + section
    )


def git(*args: str, root: Path = ROOT) -> str:
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if proc.returncode != 0:
        raise ReleaseError(
            f"`git {' '.join(args)}` failed in {root}: {proc.stderr.strip() or proc.stdout.strip()}"
        )
    return proc.stdout


def dirty_files(root: Path = ROOT, ignore: str = "dist") -> list[str]:
    """Files that ``git status`` reports as modified or untracked (outside ``ignore/``)."""
    out = git(
        "status",
        "--porcelain",
        "--untracked-files=normal",
        "--",
        ".",
        f":(exclude){ignore}",
        root=root,
    )
    return [line[3:] for line in out.splitlines() if line.strip()]


def require_clean(root: Path = ROOT, when: str = "") -> None:
    files = dirty_files(root)
    if files:
        shown = ", ".join(files[:3]) + (", ..." if len(files) > 3 else "")
        raise ReleaseError(
            f"Refusing to release: the working tree has uncommitted changes{when} "
            f"({len(files)} file{'s' * (len(files) != 1)}: {shown}); commit them first."
        )


def run_builds(root: Path = ROOT, targets=BUILDS, make: str = "make") -> None:
    """Run each ``make`` target in turn; ``ReleaseError`` at the first that fails."""
    for target in targets:
        print(f"[release] make {target}", flush=True)
        proc = subprocess.run([make, target], cwd=root)
        if proc.returncode != 0:
            raise ReleaseError(
                f"Refusing to release: `make {target}` failed (exit {proc.returncode}); "
                "its output is above."
            )


# ---------------------------------------------------------------- what goes where


def collect(
    student_html: Path, instructor_html: Path, exercise_dist: Path, masters: list[str]
) -> dict[str, Path]:
    """Map each path of the release folder to the build file or folder it is copied from.

    Raises ``ReleaseError`` naming the first missing piece (a site without its
    ``index.html``, an exercise without its student notebook or autograder).
    """
    for label, site in (("student edition", student_html), ("instructor edition", instructor_html)):
        if not (Path(site) / "index.html").is_file():
            raise ReleaseError(f"Refusing to release: the {label} has no index.html in {site}.")
    if not masters:
        raise ReleaseError("Refusing to release: there are no exercise masters (exercises/ex*.md).")
    layout: dict[str, Path] = {
        "student-edition": Path(student_html),
        "instructor-edition": Path(instructor_html),
    }
    for name in masters:
        built = Path(exercise_dist) / name
        student = built / "student" / f"{name}.ipynb"
        solutions = built / "autograder" / f"{name}.ipynb"
        zips = sorted((built / "autograder").glob(f"{name}-autograder_*.zip"))
        for what, path in (("student notebook", student), ("instructor notebook", solutions)):
            if not path.is_file():
                raise ReleaseError(f"Refusing to release: exercise {name} has no {what} ({path}).")
        if not zips:
            raise ReleaseError(
                f"Refusing to release: exercise {name} has no autograder zip "
                f"in {built / 'autograder'}."
            )
        layout[f"exercises/student/{name}.ipynb"] = student
        layout[f"exercises/instructor/{name}.ipynb"] = solutions
        layout[f"exercises/autograders/{name}-autograder.zip"] = zips[-1]
        layout[f"notebooks/exercises/{name}.ipynb"] = student
    copies = sorted((Path(student_html) / "_notebooks").glob("*.ipynb"))
    if not copies:
        raise ReleaseError(
            f"Refusing to release: the student edition has no reading copies in "
            f"{Path(student_html) / '_notebooks'}."
        )
    for copy in copies:
        layout[f"notebooks/chapters/{copy.name}"] = copy
    return layout


NOTEBOOKS_README = """# Face Value {version}: notebooks for a JupyterHub

This folder is laid out for nbgitpuller links from the book ("Launch on your hub").
Push it as a git repository your hub can clone, then build the book with

    sphinx:
      config:
        fv_jupyterhub_url: "https://hub.example.edu"
        fv_repo_url: "https://git.example.edu/course/face-value-notebooks.git"

- `chapters/NAME.ipynb`: each chapter as a reading copy (numbers, citations and figures
  filled in; no solutions).
- `exercises/NAME.ipynb`: the student exercise notebooks. Keep their file names: the
  checks read their tests from the notebook of that name.

The hub's image needs the book's package and its pinned requirements: from a copy of the
book's repository, `python -m pip install -r requirements-student.txt`. Nothing here holds
solutions or hidden tests.
"""

RELEASE_README = """Face Value {version} ({date})

student-edition/       the site for students and readers: open index.html, or serve the folder
instructor-edition/    the site with every solution, the exercise downloads and the figure
                       packs (_figure-packs/): do not publish it where students can reach it
exercises/student/     the student exercise notebooks (keep their file names)
exercises/instructor/  the same notebooks with solutions, hidden tests and rubrics
exercises/autograders/ one otter-grader autograder per exercise (otter run, or Gradescope)
notebooks/             ready to push as a git repository for your JupyterHub (see its README.md)
RELEASE-NOTES.md       what changed, including which published numbers changed
MANIFEST.txt           SHA-256 of every file: check with `sha256sum -c MANIFEST.txt`

The release holds solutions and hidden tests: share it with instructors only.
Licences: code MIT; text and figures CC BY 4.0 (credit "Face Value, an open textbook on
facial recognition"); the Olivetti faces are credited to AT&T Laboratories Cambridge.
"""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest(folder: Path) -> str:
    """``MANIFEST.txt``: ``SHA256  PATH`` per file under ``folder``, sorted, as sha256sum writes."""
    files = sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.name != "MANIFEST.txt")
    return "".join(f"{sha256(p)}  {p.relative_to(folder).as_posix()}\n" for p in files)


def package(
    layout: dict[str, Path],
    dist: Path,
    version_: str,
    date: str,
    notes: str,
    force: bool = False,
    formats=("zip", "gztar"),
) -> tuple[Path, list[Path]]:
    """Copy ``layout`` into ``dist/face-value-VERSION-DATE/``, write its notes, README and manifest,
    and archive it; return the folder and the archives.
    """
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise ReleaseError(f"date must be YYYY-MM-DD, not {date!r}.")
    name = f"face-value-{version_}-{date}"
    folder = Path(dist) / name
    archives = [Path(dist) / f"{name}{ext}" for ext in (".zip", ".tar.gz")]
    if folder.exists() or any(a.exists() for a in archives):
        if not force:
            raise ReleaseError(
                f"Refusing to release: {folder} (or its archive) already exists; "
                "remove it or pass --force."
            )
        shutil.rmtree(folder, ignore_errors=True)
        for archive in archives:
            archive.unlink(missing_ok=True)
    folder.mkdir(parents=True)
    for target, source in sorted(layout.items()):
        dest = folder / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        if Path(source).is_dir():
            shutil.copytree(
                source, dest, ignore=shutil.ignore_patterns(".buildinfo", "__pycache__")
            )
        else:
            shutil.copy2(source, dest)
    (folder / "RELEASE-NOTES.md").write_text(notes, encoding="utf-8")
    (folder / "README.txt").write_text(
        RELEASE_README.format(version=version_, date=date), encoding="utf-8"
    )
    if (folder / "notebooks").is_dir():
        (folder / "notebooks" / "README.md").write_text(
            NOTEBOOKS_README.format(version=version_), encoding="utf-8"
        )
    (folder / "MANIFEST.txt").write_text(manifest(folder), encoding="utf-8")
    made = [
        Path(shutil.make_archive(str(Path(dist) / name), fmt, root_dir=dist, base_dir=name))
        for fmt in formats
    ]
    return folder, made


# ---------------------------------------------------------------- command line


def masters(root: Path = ROOT) -> list[str]:
    return [p.stem for p in sorted((root / "exercises").glob("ex*.md"))]


def release(
    date: str | None = None,
    dist: Path | None = None,
    force: bool = False,
    root: Path = ROOT,
    build: bool = True,
) -> tuple[Path, list[Path]]:
    """Check, build and package a release of the repository at ``root``."""
    require_clean(root)
    version_ = version(root / "pyproject.toml")
    section = current_section((root / "CHANGELOG.md").read_text(encoding="utf-8"))
    commit = git("rev-parse", "HEAD", root=root).strip()
    date = date or dt.date.today().isoformat()
    if build:
        run_builds(root)
        require_clean(root, when=" after the builds")
    layout = collect(
        root / "_build" / "html",
        root / "_build" / "instructor" / "_build" / "html",
        root / "exercises" / "dist",
        masters(root),
    )
    return package(
        layout,
        dist or root / "dist",
        version_,
        date,
        release_notes(section, version_, date, commit),
        force=force,
    )


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--date", help="the release date, YYYY-MM-DD (default: today)")
    parser.add_argument("--dist", type=Path, help="where to write the release (default: dist/)")
    parser.add_argument("--force", action="store_true", help="replace a release of the same name")
    args = parser.parse_args(argv)
    try:
        folder, archives = release(args.date, args.dist, args.force, root=root or ROOT)
    except ReleaseError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Release: {folder}")
    for archive in archives:
        print(f"         {archive} ({archive.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
