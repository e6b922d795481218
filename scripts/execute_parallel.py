"""Execute the book's notebook pages in parallel into MyST-NB's execution cache.

With ``execute_notebooks: cache``, MyST-NB runs each notebook page while Sphinx
reads it, one page after another, so a cold build keeps one core busy. This
script runs first: it executes every notebook page that the cache does not
already hold, ``--jobs`` at a time (longest first), and stores each result in
the same jupyter-cache database, the way MyST-NB does. The ``jupyter-book build``
that follows then finds every page cached and executes nothing.

The cache key must be the one MyST-NB computes, so each page is read with
MyST-NB's own reader and the book's own configuration (Jupyter Book's
translation of ``_config.yml``, the page's ``mystnb`` front matter), run with
nbclient as MyST-NB runs it (the page's folder, the page's timeout, the
config's ``allow_errors``), and cached with the same jupyter-cache calls.
A page that fails is reported with its name and error and is not cached; the
script then exits with status 1.

The order uses each page's time in the previous run, kept in
``<cache>.durations.json`` beside the cache (``scripts/cache_guard.py`` clears
the cache, not this file); a page never timed falls back to a small table.

Usage (the arguments mirror ``jupyter-book build``'s)::

    python scripts/execute_parallel.py [PATH_SOURCE] [--config FILE] [--toc FILE]
                                       [--path-output DIR] [--jobs N] [--dry-run]
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import dataclasses as dc
import json
import multiprocessing
import os
import re
import sys
import time
from contextlib import nullcontext, suppress
from pathlib import Path, PurePosixPath
from tempfile import TemporaryDirectory

#: Seconds a page took when no earlier run was timed (an ordering hint only,
#: measured on the two-core build machine; every other page counts as short).
EXPECTED_SECONDS = {"chapters/04-bias": 330.0, "chapters/03-thresholds": 160.0}
DEFAULT_SECONDS = 30.0
MAX_JOBS = 64


@dc.dataclass
class Page:
    """One notebook page of the book, read as MyST-NB reads it."""

    docname: str
    path: Path
    notebook: object  # nbformat.NotebookNode
    read_fmt: dict | None
    timeout: int | None
    allow_errors: bool
    in_temp: bool
    expected: float = DEFAULT_SECONDS


@dc.dataclass
class Book:
    """What the build will do: its pages, its cache, its execution mode."""

    mode: str
    cache_path: Path
    pages: list[Page]


# --------------------------------------------------------------------------------------
# Configuration: the same values jupyter-book passes to Sphinx.


def _sphinx_config(source: Path, config: Path | None, toc: Path) -> dict:
    """The Sphinx configuration ``jupyter-book build`` computes for this book."""
    from jupyter_book.config import get_final_config

    sphinx_config, _ = get_final_config(
        user_yaml=config,
        cli_config={"latex_individualpages": False, "external_toc_path": toc.as_posix()},
        sourcedir=source,
    )
    return sphinx_config


def _md_config(sphinx_config: dict):
    """MyST-Parser's configuration, built as ``myst_parser`` builds it from Sphinx's."""
    from myst_parser.config.main import MdParserConfig

    values = {name: sphinx_config[f"myst_{name}"]
              for name, _, field in MdParserConfig().as_triple()
              if "sphinx" not in field.metadata.get("omit", []) and f"myst_{name}" in sphinx_config}
    return MdParserConfig(**values)


def _nb_config(sphinx_config: dict):
    """MyST-NB's configuration, built as ``myst_nb.sphinx_ext`` builds it from Sphinx's."""
    from myst_nb.core.config import NbParserConfig

    values = {}
    for name, _, field in NbParserConfig().as_triple():
        if field.metadata.get("sphinx_exclude"):
            continue
        if f"nb_{name}" in sphinx_config:
            values[name] = sphinx_config[f"nb_{name}"]
        legacy = field.metadata.get("legacy_name")
        if legacy and legacy in sphinx_config:
            values[name] = sphinx_config[legacy]
    return NbParserConfig(**values)


def _book_docs(source: Path, sphinx_config: dict, toc: Path, suffixes: list[str]) -> dict:
    """``{docname: path}`` of every page Sphinx will read (``exclude_patterns``, the ToC)."""
    from sphinx.project import Project
    from sphinx.util.matching import patmatch
    from sphinx_external_toc.parsing import parse_toc_yaml

    exclude = list(sphinx_config.get("exclude_patterns", []))
    exclude.append("**.ipynb_checkpoints")  # added by MyST-NB
    exclude += ["**/_sources", ".#*", "**/.#*", "*.lproj/**"]  # Sphinx's own
    for key in ("templates_path", "html_static_path", "html_extra_path"):
        exclude += list(sphinx_config.get(key, []))
    project = Project(source, suffixes)
    docnames = project.discover(exclude, sphinx_config.get("include_patterns", ["**"]))
    if sphinx_config.get("external_toc_exclude_missing"):  # only_build_toc_files
        site_map = parse_toc_yaml(toc)
        globs = site_map.globs()
        docnames = {
            doc for doc in docnames
            if doc in site_map or project.doc2path(doc, absolute=False) in site_map
            or any(patmatch(doc, pattern) for pattern in globs)}
    return {doc: Path(project.doc2path(doc, absolute=True)) for doc in sorted(docnames)}


def _read_page(docname: str, path: Path, md_config, nb_config) -> Page | None:
    """The page as MyST-NB reads it (reader, kernel aliases, ``mystnb`` front matter).

    Returns None if the page is not a notebook or MyST-NB would not cache it.
    """
    from myst_nb.core.nb_to_tokens import nb_node_to_dict
    from myst_nb.core.read import create_nb_reader

    text = path.read_text(encoding="utf-8-sig")  # Sphinx's source_encoding
    reader = create_nb_reader(str(path), md_config, nb_config, text)
    if reader is None:
        return None
    notebook = reader.read(text)
    kernel = notebook.metadata.get("kernelspec", {}).get("name", None)
    if kernel is not None and nb_config.kernel_rgx_aliases:
        for pattern, alias in nb_config.kernel_rgx_aliases.items():
            if re.fullmatch(pattern, kernel):
                notebook.metadata["kernelspec"]["name"] = alias
                break
    if nb_config.metadata_key in notebook.metadata:
        overrides = nb_node_to_dict(notebook.metadata[nb_config.metadata_key])
        overrides.pop("output_folder", None)
        with suppress(Exception):  # MyST-NB warns and keeps the book's configuration
            nb_config = nb_config.copy(**overrides)
    posix = PurePosixPath(path.as_posix())
    if any(posix.match(pattern) for pattern in nb_config.execution_excludepatterns):
        return None
    if nb_config.execution_mode != "cache":
        return None
    return Page(docname, path, notebook, reader.read_fmt, nb_config.execution_timeout,
                nb_config.execution_allow_errors, nb_config.execution_in_temp)


def load_book(source: Path, config: Path | None = None, toc: Path | None = None,
              path_output: Path | None = None) -> Book:
    """Read the book's configuration and every notebook page it will execute.

    Parameters
    ----------
    source : Path
        The book's folder (``jupyter-book build``'s ``PATH_SOURCE``).
    config : Path, optional
        The ``_config.yml`` to use (default: the one in ``source`` or above it).
    toc : Path, optional
        The table of contents (default: ``source/_toc.yml``).
    path_output : Path, optional
        ``jupyter-book build --path-output`` (where the cache goes if the config
        names none).

    Returns
    -------
    Book
        The execution mode, the absolute cache path and the pages to execute
        (empty unless the mode is ``cache``).
    """
    source = Path(source).resolve()  # Sphinx resolves its srcdir
    if not source.is_dir():
        raise ValueError(f"PATH_SOURCE must be the book's folder; {source} is not a folder")
    # As jupyter-book does: the first folder from PATH_SOURCE up that holds a _config.yml.
    found = next((d for d in (source, *source.parents) if (d / "_config.yml").is_file()), None)
    found, has_config = (found, True) if found is not None else (source, False)
    config = Path(config) if config is not None else (found / "_config.yml" if has_config else None)
    if config is not None and not config.is_file():
        raise ValueError(f"--config: no such file: {config}")
    toc = Path(toc) if toc is not None else source / "_toc.yml"
    if not toc.is_file():
        raise ValueError(f"--toc: no such file: {toc}")

    sphinx_config = _sphinx_config(source, config, toc)
    md_config, nb_config = _md_config(sphinx_config), _nb_config(sphinx_config)
    # Where MyST-NB puts the cache: a relative path is relative to the working
    # folder; with none, the build folder's .jupyter_cache.
    build = Path(path_output if path_output is not None else found) / "_build"
    cache = Path(nb_config.execution_cache_path or build / ".jupyter_cache").absolute()
    if nb_config.execution_mode != "cache":
        return Book(nb_config.execution_mode, cache, [])

    suffixes = [".rst", ".md", ".ipynb", *sphinx_config.get("source_suffix", {}),
                *nb_config.custom_formats]
    suffixes = list(dict.fromkeys(suffixes))
    pages = []
    for docname, path in _book_docs(source, sphinx_config, toc, suffixes).items():
        page = _read_page(docname, path, md_config, nb_config)
        if page is not None:
            pages.append(page)
    return Book(nb_config.execution_mode, cache, pages)


# --------------------------------------------------------------------------------------
# Execution: in worker processes, exactly as MyST-NB's NotebookClientCache runs a page.


def _execute(notebook, path: str, timeout, allow_errors: bool, in_temp: bool):
    """Run one notebook (in a worker); return ``(notebook, seconds, error or None)``."""
    from jupyter_cache.executors.utils import single_nb_execution

    try:
        with TemporaryDirectory() if in_temp else nullcontext(str(Path(path).parent)) as cwd:
            result = single_nb_execution(notebook, cwd=os.path.abspath(cwd),
                                         allow_errors=allow_errors, timeout=timeout,
                                         meta_override=True)
    except Exception as exc:  # a dead kernel, a kernel that will not start
        return None, 0.0, f"{exc.__class__.__name__}: {exc}"
    if result.err is not None:
        return None, result.time, f"{result.err.__class__.__name__}: {result.err}"
    return result.nb, result.time, None


def _store(cache, page: Page, executed, seconds: float) -> None:
    """Cache an executed page with the calls MyST-NB makes."""
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.cache.db import NbProjectRecord

    if page.read_fmt is not None:
        stage = cache.add_nb_to_project(str(page.path), read_data=page.read_fmt)
    else:
        stage = cache.add_nb_to_project(str(page.path))
    NbProjectRecord.remove_tracebacks([stage.pk], cache.db)
    cache.cache_notebook_bundle(
        CacheBundleIn(executed, stage.uri, data={"execution_seconds": seconds}),
        check_validity=False, overwrite=True)
    # The key MyST-NB will look up is that of the page as read, before execution.
    cache.match_cache_notebook(page.notebook)


def _durations_file(cache_path: Path) -> Path:
    return cache_path.parent / (cache_path.name + ".durations.json")


def _load_durations(cache_path: Path) -> dict:
    with suppress(OSError, ValueError):
        data = json.loads(_durations_file(cache_path).read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return {k: float(v) for k, v in data.items() if isinstance(v, (int, float))}
    return {}


def _save_durations(cache_path: Path, durations: dict) -> None:
    path = _durations_file(cache_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(sorted(durations.items())), indent=1) + "\n",
                    encoding="utf-8")


def _short(error: str, lines: int = 30) -> str:
    """The end of an error message (nbclient's holds the cell and its traceback)."""
    parts = error.rstrip().splitlines()
    return "\n".join(parts if len(parts) <= lines else ["...", *parts[-lines:]])


def execute_book(book: Book, jobs: int = 2, log=print, dry_run: bool = False) -> list[str]:
    """Execute every page of ``book`` that the cache lacks, ``jobs`` at a time.

    Parameters
    ----------
    book : Book
        From :func:`load_book`.
    jobs : int in [1, 64]
        Notebooks run at once (each in its own worker process and kernel).
    log : callable
        Receives one progress line at a time.
    dry_run : bool
        Only say which pages would run, in which order; execute nothing.

    Returns
    -------
    list of str
        The docnames that failed (empty when every page is cached).
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or not 1 <= jobs <= MAX_JOBS:
        raise ValueError(f"jobs must be a whole number from 1 to {MAX_JOBS}; got {jobs!r}")
    if book.mode != "cache":
        log(f"execute_notebooks is {book.mode!r}, not 'cache': nothing to execute")
        return []
    from jupyter_cache import get_cache

    cache = get_cache(str(book.cache_path))
    durations = _load_durations(book.cache_path)
    todo = []
    for page in book.pages:
        try:
            record = cache.match_cache_notebook(page.notebook)
        except KeyError:
            page.expected = durations.get(
                page.docname, EXPECTED_SECONDS.get(page.docname, DEFAULT_SECONDS))
            todo.append(page)
        else:  # executed before, by this script or by MyST-NB: keep its time
            seconds = record.data.get("execution_seconds")
            if isinstance(seconds, (int, float)):
                durations[page.docname] = float(seconds)
    log(f"{len(book.pages) - len(todo)} of {len(book.pages)} notebook pages already cached "
        f"in {book.cache_path}")
    if not todo:
        _save_durations(book.cache_path, durations)
        return []
    todo.sort(key=lambda p: p.expected, reverse=True)  # longest first
    jobs = min(jobs, len(todo))
    log(f"{'would execute' if dry_run else 'executing'} {len(todo)} with {jobs} at a time: "
        + ", ".join(f"{p.docname} (~{p.expected:.0f} s)" for p in todo))
    if dry_run:
        return []

    failed = []
    start = time.perf_counter()
    import jupyter_cache.executors.utils  # noqa: F401  (forked workers inherit it)

    # On Linux, forked workers start at once with everything imported (spawned
    # ones would import nbclient, nbformat and jsonschema again, 10-20 s on a busy
    # machine); they never touch the cache's database, only this process does.
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    context = multiprocessing.get_context(method)
    with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        queue, running = list(todo), {}

        def submit():
            page = queue.pop(0)
            log(f"[{time.perf_counter() - start:6.0f} s] start  {page.docname} "
                f"(expected about {page.expected:.0f} s)")
            future = pool.submit(_execute, page.notebook, str(page.path), page.timeout,
                                 page.allow_errors, page.in_temp)
            running[future] = page

        while queue and len(running) < jobs:
            submit()
        while running:
            done, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
            for future in done:
                page = running.pop(future)
                try:
                    executed, seconds, error = future.result()
                except Exception as exc:  # the worker process itself died
                    executed, seconds, error = None, 0.0, f"{exc.__class__.__name__}: {exc}"
                stamp = f"[{time.perf_counter() - start:6.0f} s]"
                if error is None:
                    try:
                        _store(cache, page, executed, seconds)
                    except KeyError:
                        error = ("executed, but the cache key of the result is not the one "
                                 "MyST-NB will look up (the run changed hashed metadata)")
                    except Exception as exc:
                        error = f"could not cache the result: {exc.__class__.__name__}: {exc}"
                if error is None:
                    durations[page.docname] = seconds
                    _save_durations(book.cache_path, durations)
                    log(f"{stamp} done   {page.docname} in {seconds:.1f} s")
                else:
                    failed.append(page.docname)
                    log(f"{stamp} FAILED {page.docname} ({page.path}) after {seconds:.1f} s, "
                        f"not cached:\n{_short(error)}")
                if queue:
                    submit()
    _save_durations(book.cache_path, durations)
    log(f"executed {len(todo) - len(failed)} of {len(todo)} in "
        f"{time.perf_counter() - start:.0f} s wall-clock"
        + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return failed


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if not 1 <= jobs <= MAX_JOBS:
        raise argparse.ArgumentTypeError(
            f"must be a whole number from 1 to {MAX_JOBS}; got {value!r}")
    return jobs


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status (1 if a page failed)."""
    parser = argparse.ArgumentParser(
        description="Execute the book's uncached notebook pages in parallel into "
                    "MyST-NB's execution cache (run before `jupyter-book build`).")
    parser.add_argument("path_source", nargs="?", default=".", type=Path,
                        help="the book's folder (default: .)")
    parser.add_argument("--config", type=Path, default=None,
                        help="the Jupyter Book config (default: PATH_SOURCE/_config.yml)")
    parser.add_argument("--toc", type=Path, default=None,
                        help="the table of contents (default: PATH_SOURCE/_toc.yml)")
    parser.add_argument("--path-output", type=Path, default=None,
                        help="as for jupyter-book build (used only if the config names no cache)")
    parser.add_argument("--jobs", "-j", type=_jobs, default=2,
                        help="notebooks executed at once (default: 2)")
    parser.add_argument("--dry-run", action="store_true",
                        help="only list the pages that would be executed, in order")
    args = parser.parse_args(argv)
    try:
        book = load_book(args.path_source, args.config, args.toc, args.path_output)
    except ValueError as exc:
        parser.error(str(exc))

    def log(line: str) -> None:
        print(f"execute_parallel: {line}", flush=True)

    failed = execute_book(book, jobs=args.jobs, log=log, dry_run=args.dry_run)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
