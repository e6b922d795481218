"""scripts/execute_parallel.py fills MyST-NB's cache with the keys MyST-NB looks up.

Each test builds a tiny book in ``tmp_path`` (two small MyST notebooks, one page
left out of the ToC) and runs the script as `make book` does, before any build.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "execute_parallel.py"
_spec = importlib.util.spec_from_file_location("execute_parallel", SCRIPT)
execute_parallel = importlib.util.module_from_spec(_spec)
sys.modules["execute_parallel"] = execute_parallel  # its dataclasses look themselves up there
_spec.loader.exec_module(execute_parallel)

HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3
  language: python
  name: python3
{extra}---
"""


def notebook(title: str, code: str, extra: str = "") -> str:
    return (HEADER.format(extra=extra) + f"\n# {title}\n\nSome narrative.\n\n"
            f"```{{code-cell}} ipython3\n{code}\n```\n\n:::{{note}}\nA colon fence.\n:::\n")


def make_book(root: Path, pages: dict[str, str]) -> Path:
    """A Jupyter Book in ``root`` whose ToC lists ``pages`` (plus a page left out)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text(
        "title: Tiny\nonly_build_toc_files: true\n"
        "execute:\n  execute_notebooks: cache\n  cache: _build/.jupyter_cache\n"
        "  timeout: 60\n  allow_errors: false\n  run_in_temp: false\n"
        "parse:\n  myst_enable_extensions: [colon_fence, dollarmath]\n", encoding="utf-8")
    (root / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n"
        + "".join(f"  - file: {name}\n" for name in pages), encoding="utf-8")
    (root / "intro.md").write_text("# Tiny\n\nNot a notebook.\n", encoding="utf-8")
    for name, text in pages.items():
        (root / f"{name}.md").parent.mkdir(parents=True, exist_ok=True)
        (root / f"{name}.md").write_text(text, encoding="utf-8")
    # Not in the ToC: only_build_toc_files means it is never built, so never executed.
    (root / "draft.md").write_text(notebook("Draft", "raise SystemExit('not in the ToC')"),
                                   encoding="utf-8")
    return root


def run_script(book: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    return subprocess.run([sys.executable, str(SCRIPT), str(book), *args], cwd=book,
                          capture_output=True, text=True, env=env, timeout=600)


def as_myst_nb_reads(path: Path):
    """The notebook MyST-NB's own reader makes of the page (the book's MyST extensions)."""
    from myst_nb.core.config import NbParserConfig
    from myst_nb.core.read import create_nb_reader
    from myst_parser.config.main import MdParserConfig

    text = path.read_text(encoding="utf-8")
    md_config = MdParserConfig(enable_extensions={"colon_fence", "dollarmath"})
    reader = create_nb_reader(str(path), md_config, NbParserConfig(), text)
    assert reader is not None, f"{path} is not read as a notebook"
    return reader.read(text)


@pytest.fixture(scope="module")
def tiny_book(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    book = make_book(tmp_path_factory.mktemp("tiny") / "book", {
        "chapters/one": notebook("One", "import os\nprint('one', os.path.basename(os.getcwd()))"),
        # Its own timeout in the front matter, as chapter 3 has.
        "chapters/two": notebook("Two", "x = sum(range(10))\nx",
                                 extra="mystnb:\n  execution_timeout: 120\n"),
    })
    return book, run_script(book)


def test_every_page_is_found_by_myst_nb_matching(tiny_book):
    from jupyter_cache import get_cache

    book, proc = tiny_book
    assert proc.returncode == 0, proc.stdout + proc.stderr
    cache = get_cache(str(book / "_build" / ".jupyter_cache"))
    for name in ("one", "two"):
        record = cache.match_cache_notebook(as_myst_nb_reads(book / "chapters" / f"{name}.md"))
        assert record.uri == str(book / "chapters" / f"{name}.md")
        assert record.data["execution_seconds"] > 0
    assert len(cache.list_cache_records()) == 2  # the page outside the ToC did not run


def test_pages_ran_in_their_own_folder_and_kept_their_outputs(tiny_book):
    from jupyter_cache import get_cache

    book, _ = tiny_book
    cache = get_cache(str(book / "_build" / ".jupyter_cache"))
    _, merged = cache.merge_match_into_notebook(as_myst_nb_reads(book / "chapters" / "one.md"))
    code = [cell for cell in merged.cells if cell.cell_type == "code"]
    assert code[0].outputs[0]["text"] == "one chapters\n"


def test_progress_lines_and_stored_durations(tiny_book):
    book, proc = tiny_book
    for name in ("chapters/one", "chapters/two"):
        assert f"start  {name}" in proc.stdout
        assert f"done   {name} in " in proc.stdout
    durations = json.loads((book / "_build" / ".jupyter_cache.durations.json").read_text())
    assert set(durations) == {"chapters/one", "chapters/two"}


def test_a_second_run_executes_nothing(tiny_book, monkeypatch):
    book, _ = tiny_book
    monkeypatch.chdir(book)  # the config's cache path is relative, as the book's is
    lines = []
    assert execute_parallel.execute_book(execute_parallel.load_book(book), log=lines.append,
                                         dry_run=True) == []
    cache = book / "_build" / ".jupyter_cache"
    assert lines == [f"2 of 2 notebook pages already cached in {cache}"]


def test_a_failing_page_fails_the_script_with_its_name_and_is_not_cached(tmp_path):
    from jupyter_cache import get_cache

    book = make_book(tmp_path / "book", {
        "good": notebook("Good", "1 + 1"),
        "bad": notebook("Bad", "raise ValueError('the bad chapter broke')"),
    })
    proc = run_script(book, "--jobs", "2")
    assert proc.returncode == 1
    assert "FAILED bad" in proc.stdout
    assert "ValueError" in proc.stdout and "the bad chapter broke" in proc.stdout
    cache = get_cache(str(book / "_build" / ".jupyter_cache"))
    cache.match_cache_notebook(as_myst_nb_reads(book / "good.md"))  # the other page is kept
    with pytest.raises(KeyError):
        cache.match_cache_notebook(as_myst_nb_reads(book / "bad.md"))


@pytest.mark.parametrize("jobs", ["0", "two", "65"])
def test_bad_jobs_is_refused_by_name(tmp_path, jobs):
    proc = run_script(make_book(tmp_path / "book", {}), "--jobs", jobs)
    assert proc.returncode == 2
    assert "--jobs" in proc.stderr and "whole number from 1 to 64" in proc.stderr


def test_nothing_runs_unless_execute_notebooks_is_cache(tmp_path, monkeypatch):
    book = make_book(tmp_path / "book", {"one": notebook("One", "raise SystemExit(3)")})
    config = book / "_config.yml"
    config.write_text(config.read_text().replace("execute_notebooks: cache",
                                                 "execute_notebooks: 'off'"))
    monkeypatch.chdir(book)
    loaded = execute_parallel.load_book(book)
    assert (loaded.mode, loaded.pages) == ("off", [])
    lines = []
    assert execute_parallel.execute_book(loaded, log=lines.append) == []
    assert lines == ["execute_notebooks is 'off', not 'cache': nothing to execute"]
    assert not (book / "_build").exists()


def test_pages_are_those_of_the_toc_with_their_own_settings(tiny_book, monkeypatch):
    book, _ = tiny_book
    monkeypatch.chdir(book)
    pages = {page.docname: page for page in execute_parallel.load_book(book).pages}
    assert sorted(pages) == ["chapters/one", "chapters/two"]  # not intro (no notebook), not draft
    assert (pages["chapters/one"].timeout, pages["chapters/two"].timeout) == (60, 120)
    assert pages["chapters/one"].read_fmt == {"type": "plugin", "name": "myst_nb_md"}
    assert not pages["chapters/one"].allow_errors and not pages["chapters/one"].in_temp


@pytest.mark.parametrize("jobs", [0, 65, 1.5, True])
def test_bad_jobs_is_refused_in_python_too(jobs):
    with pytest.raises(ValueError, match="jobs must be a whole number from 1 to 64"):
        execute_parallel.execute_book(execute_parallel.Book("cache", Path("/nonexistent"), []),
                                      jobs=jobs)


@pytest.mark.slow
def test_jupyter_book_then_executes_nothing(tiny_book):
    """The real check: MyST-NB's build of the tiny book takes every page from the cache."""
    book, _ = tiny_book
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run([str(jb), "build", str(book), "--builder", "html"], cwd=book,
                          capture_output=True, text=True, env=env, timeout=600)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log
    assert log.count("Using cached notebook") == 2, log
    assert "Executing notebook" not in log
