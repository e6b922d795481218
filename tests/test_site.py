"""The built HTML itself: no third-party URLs in what pages load, no solutions in
the student edition, and real alt text on every figure."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import ROOT
from .site import page_fixes, pages

pytestmark = pytest.mark.book

# src/href attributes that make the browser fetch something by itself.
LOADS = re.compile(
    r'<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)="(https?:)?//([^"/]+)', re.IGNORECASE
)


def test_book_builds_with_warnings_as_errors(built_book):
    assert (built_book / "index.html").is_file()
    assert (built_book / "chapters" / "01-retreat.html").is_file()


def test_no_page_loads_anything_from_another_host(built_book):
    offenders = []
    for rel in pages(built_book):
        html = (built_book / rel).read_text(encoding="utf-8")
        for match in LOADS.finditer(html):
            offenders.append(f"{rel}: {match.group(0)[:120]}")
    assert not offenders, "\n".join(offenders)


def test_student_edition_has_no_solution_text(built_book):
    # A phrase that appears only inside a solution of chapter 1.
    marker = "announcement plausibly changed least"  # no apostrophe: Sphinx curls them
    source = (ROOT / "chapters" / "01-retreat.md").read_text(encoding="utf-8")
    assert marker in source, "the marker must come from a real solution"
    # Pages, the search index and the downloadable sources alike.
    for path in built_book.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".js", ".md", ".txt", ".ipynb", ".json"):
            assert marker not in path.read_text(encoding="utf-8", errors="replace"), path
    downloaded = (built_book / "_sources" / "chapters" / "01-retreat.md").read_text(
        encoding="utf-8"
    )
    assert "solution-start" not in downloaded and "{exercise}" in downloaded


def test_every_figure_cell_produced_its_figure(built_book):
    """A cell given alt text must have drawn something (a kernel with a
    non-inline matplotlib backend shows no figure, silently)."""
    checked = 0
    for page in sorted((built_book / "chapters").glob("*.html")):
        source = ROOT / "chapters" / page.with_suffix(".md").name
        text = source.read_text(encoding="utf-8")
        expected = len(re.findall(r"^\s+image:\s*\n\s+alt:", text, re.M))
        checked += expected
        assert page.read_text(encoding="utf-8").count("<img") >= expected, (
            f"{source.name}: {expected} figures expected"
        )
    assert checked > 0


def test_every_figure_has_descriptive_alt_text(built_book):
    bad = []
    for rel in pages(built_book):
        html = (built_book / rel).read_text(encoding="utf-8")
        for tag in re.findall(r"<img\b[^>]*>", html):
            alt = re.search(r'\balt="([^"]*)"', tag)
            text = alt.group(1).strip() if alt else ""
            if len(text) < 15 or re.fullmatch(r"[\w./-]+\.(png|jpe?g|svg)", text):
                bad.append(f"{rel}: {tag[:150]}")
    assert not bad, "\n".join(bad)


@pytest.fixture(scope="session")
def instructor_book(built_book):
    """The instructor edition, built after the student edition (sharing its
    execution cache, so no notebook runs twice)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    out = ROOT / "_build" / "instructor"
    config = ROOT / "_build" / "_config_instructor.yml"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "edition_config.py"), str(config)], check=True
    )
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    proc = subprocess.run(
        [
            str(Path(sys.executable).with_name("jupyter-book")),
            "build",
            str(ROOT),
            "--builder",
            "html",
            "-W",
            "--keep-going",
            "--config",
            str(config),
            "--path-output",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    if proc.returncode != 0:
        pytest.fail(
            "instructor edition failed to build:\n" + (proc.stdout + proc.stderr)[-4000:],
            pytrace=False,
        )
    return out / "_build" / "html"


def test_instructor_edition_shows_the_solutions(instructor_book):
    marker = "announcement plausibly changed least"  # no apostrophe: Sphinx curls them
    page = (instructor_book / "chapters" / "01-retreat.html").read_text(encoding="utf-8")
    assert marker in page
    assert "instructor edition" in (instructor_book / "intro.html").read_text(encoding="utf-8")


def test_every_exercise_notebook_is_a_student_download(built_book):
    """The exercise page offers each master's student edition, with no solution in it."""
    import json
    import re

    masters = sorted(p.stem for p in (ROOT / "exercises").glob("ex*.md"))
    page = (built_book / "chapters" / "exercise-notebooks.html").read_text(encoding="utf-8")
    links = dict(
        (Path(href).name[: -len(".ipynb")], href)
        for href in re.findall(r'href="(\.\./_downloads/[^"]+\.ipynb)"', page)
    )
    assert sorted(links) == masters, f"downloads {sorted(links)} != masters {masters}"
    for name, href in links.items():
        path = (built_book / "chapters" / href).resolve()
        nb = json.loads(path.read_text(encoding="utf-8"))
        sources = ["".join(c["source"]) for c in nb["cells"]]
        assert any(s.startswith('grader.check("q1")') for s in sources), f"{name}: no checks"
        leaked = [
            s[:80] for s in sources if "# SOLUTION" in s or "**Rubric" in s or "# HIDDEN" in s
        ]
        assert not leaked, f"{name}: the download holds solutions or hidden tests: {leaked}"
        # otter's exception-based format stores each question's public test file as text
        tests = nb["metadata"]["otter"]["tests"]
        assert tests and all(isinstance(t, str) and "@test_case" in t for t in tests.values()), (
            f"{name}: the download's checks are not otter test files"
        )
        hidden = [q for q, t in tests.items() if re.search(r"hidden\s*=\s*True", t)]
        assert not hidden, f"{name}: hidden tests in the download: {hidden}"


def _search_index(built_book) -> dict:
    import json

    text = (built_book / "searchindex.js").read_text(encoding="utf-8")
    prefix = "Search.setIndex("
    assert text.startswith(prefix) and text.rstrip().endswith(")"), "searchindex.js changed shape"
    return json.loads(text.strip()[len(prefix) : -1])


def test_search_index_holds_numbers(built_book):
    """A reader who searches "28" is looking for chapter 3 (the 28 members of Congress):
    the index must hold the number, pointing at that chapter. (The search page's own
    side, which used to drop digit-only terms, is tested in test_browser.py.)"""
    index = _search_index(built_book)
    chapter = index["docnames"].index("chapters/03-thresholds")
    assert "28" in index["titles"][chapter]
    docs = []
    for table in ("titleterms", "terms"):
        found = index[table].get("28", [])
        docs += found if isinstance(found, list) else [found]
    assert chapter in docs, "searchindex.js does not send the term 28 to chapter 3"


# Roles that DPUB-ARIA 1.1 deprecates and axe-core (4.14) reports as
# aria-deprecated-role. (doc-endnotes, the list of endnotes, is not deprecated.)
DEPRECATED_ROLES = ("doc-biblioentry", "doc-endnote", "directory")


def test_no_page_has_a_deprecated_aria_role(built_book):
    found = []
    for rel in pages(built_book) + [Path("search.html"), Path("genindex.html")]:
        html = (built_book / rel).read_text(encoding="utf-8")
        for role in re.findall(r'\brole="([^"]+)"', html):
            if role in DEPRECATED_ROLES:
                found.append(f"{rel}: role={role}")
    assert not found, f"{len(found)} deprecated roles, e.g. " + "\n".join(found[:10])


def test_bibliography_is_a_list_of_items(built_book):
    """The references page's entries are the items of their list (role=listitem in a
    role=list), not deprecated biblioentries."""
    html = (built_book / "chapters" / "references.html").read_text(encoding="utf-8")
    entries = re.findall(r'<div class="citation"[^>]*>', html)
    assert len(entries) > 40, f"only {len(entries)} bibliography entries"
    assert '<div role="list" class="citation-list">' in html, "no citation list on the page"
    assert all('role="listitem"' in tag for tag in entries), "an entry is not a listitem"


def test_every_page_names_the_minimum_figure_scale(built_book):
    """Every page tells face-value.js how small a figure may be drawn, computed from
    the book's figure style (facelab.views.style) by the page-fixes extension."""
    fixes = page_fixes()
    expected = f"{fixes.figure_min_scale():.3f}"
    assert 0 < float(expected) <= 1
    missing = []
    for rel in pages(built_book):
        html = (built_book / rel).read_text(encoding="utf-8")
        if 'http-equiv="Refresh"' in html[:300]:  # the root page only redirects to the intro
            continue
        if f'<meta name="fv-figure-min-scale" content="{expected}"' not in html:
            missing.append(str(rel))
    assert not missing, f"pages without the figure scale {expected}: {missing}"


def _repository() -> tuple[str, str]:
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = config.get("repository") or {}
    assert str(repo.get("url", "")).startswith("https://"), "_config.yml names no repository url"
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def test_running_page_shows_the_configured_repository(built_book):
    url, branch = _repository()
    page = (built_book / "chapters" / "running.html").read_text(encoding="utf-8")
    assert f'href="{url}"' in page, "the running page does not link the repository"
    assert url.split("://", 1)[1] in page, "the running page does not show the address"
    assert f'href="{url}/blob/{branch}/README.md"' in page
    # The pages that used to say "see the README" link the running page instead.
    for rel in ("intro.html", "chapters/exercise-notebooks.html"):
        html = (built_book / rel).read_text(encoding="utf-8")
        assert re.search(r'href="(chapters/)?running\.html', html), f"{rel}: no link to the page"
    assert "{{" not in page, "a substitution was left unresolved"


def test_running_page_follows_the_readme():
    """The README's "For students" section is the source of truth: every command in
    it (its code blocks and its SCIKIT_LEARN_DATA table) is on the running page."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## For students", 1)[1].split("\n## ", 1)[0]
    page = (ROOT / "chapters" / "running.md").read_text(encoding="utf-8")
    commands = [
        line.split("  #")[0].strip()
        for block in re.findall(r"```\w*\n(.*?)```", section, re.S)
        for line in block.splitlines()
        if line.strip()
    ]
    commands += re.findall(r"\| `([^`]*SCIKIT_LEARN_DATA[^`]*)` \|", section)
    assert len(commands) >= 10, commands
    missing = [c for c in commands if c not in page]
    assert not missing, f"README commands missing from chapters/running.md: {missing}"
    for needed in (
        "setx SCIKIT_LEARN_DATA",
        "requirements-student.txt",
        "python -m facelab.book.kernel",
        "{{ repo_link }}",
        ".ipynb",
    ):
        assert needed in page, needed
