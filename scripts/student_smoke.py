"""Install the student route in fresh virtual environments and run a chapter and an exercise.

For each Python asked for (by default every CPython 3.11, 3.12 and 3.13 found on PATH or
under pyenv), this does what the README's "For students" section tells a student to do,
in a new virtual environment under the work folder:

1. ``python -m venv VENV``
2. ``VENV-python -m pip install -r requirements-student.txt`` (run from the repository)
3. ``VENV-python -m facelab.book.kernel --sys-prefix`` (the kernel goes into the venv,
   never into the user's own Jupyter folders)
4. checks that Jupyter lists the ``face-value`` kernel, that it runs the venv's Python, and
   that facelab, otter and the deep model (dlib and its model files) import;
5. executes chapter 1 and one exercise master notebook with that kernel through jupytext, with
   ``SCIKIT_LEARN_DATA`` set (``--data``, else ``$SCIKIT_LEARN_DATA``, else
   ``../shared/scikit_learn_data`` beside the repository when it holds the Olivetti file;
   otherwise scikit-learn downloads the 1.4 MB file once).

It prints a table of timings and results and exits non-zero if any Python failed or none was
found. Standard library only, so any Python 3.8+ can run it, on Linux, macOS or Windows::

    python scripts/student_smoke.py                      # every 3.11-3.13 found
    python scripts/student_smoke.py --python python3.12  # one interpreter
    python scripts/student_smoke.py --current            # the Python running this script
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VERSIONS = ("3.11", "3.12", "3.13")
KERNEL = "face-value"
# A chapter (its first cell glues the fact cards through MyST-NB, as every chapter does)
# and an exercise notebook (otter's grader, the deep model).
DEFAULT_NOTEBOOKS = ("chapters/01-retreat.md", "exercises/ex02-matching.md")
WINDOWS = os.name == "nt"

IMPORT_CHECK = r"""
import sys, facelab, otter, jupytext, ipywidgets, myst_nb
from facelab.matching import deep
ok = deep.available()
print("python", sys.version.split()[0], "facelab from", facelab.__file__,
      "deep model available:", ok)
sys.exit(0 if ok else 4)
"""


def _version_of(python: str) -> tuple[str, str] | None:
    """(major.minor, real executable) of an interpreter, or None if it does not run."""
    try:
        out = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2]);"
                              "print(sys.executable)"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    lines = out.stdout.split()
    return (lines[0], lines[1]) if len(lines) == 2 else None


def _pyenv_roots() -> list[Path]:
    roots = []
    try:
        out = subprocess.run(["pyenv", "root"], capture_output=True, text=True, timeout=30)
        if out.returncode == 0 and out.stdout.strip():
            roots.append(Path(out.stdout.strip()))
    except (OSError, subprocess.TimeoutExpired):
        pass
    roots.append(Path.home() / ".pyenv")
    return roots


def find_pythons(versions=VERSIONS) -> dict[str, str]:
    """Map each wanted major.minor to one interpreter that really is that version."""
    found: dict[str, str] = {}
    for version in versions:
        candidates = []
        for root in _pyenv_roots():  # real binaries first: pyenv shims depend on local settings
            binary = "python.exe" if WINDOWS else "bin/python"
            pattern = str(root / "versions" / f"{version}*" / binary)
            candidates += sorted(glob.glob(pattern), reverse=True)
        for name in (f"python{version}", "python3", "python"):
            path = shutil.which(name)
            if path:
                candidates.append(path)
        if WINDOWS and shutil.which("py"):
            out = subprocess.run(["py", f"-{version}", "-c", "import sys; print(sys.executable)"],
                                 capture_output=True, text=True)
            if out.returncode == 0:
                candidates.append(out.stdout.strip())
        for candidate in candidates:
            info = _version_of(candidate)
            if info and info[0] == version:
                found[version] = info[1]
                break
    return found


def _data_dir(explicit: str | None) -> str | None:
    if explicit:
        return str(Path(explicit).resolve())
    if os.environ.get("SCIKIT_LEARN_DATA"):
        return os.environ["SCIKIT_LEARN_DATA"]
    shared = REPO.parent / "shared" / "scikit_learn_data"
    return str(shared) if (shared / "olivetti_py3.pkz").is_file() else None


def _run(step: str, cmd: list[str], log, env=None, cwd=REPO, timeout=1800) -> float:
    """Run one step, appending its output to the log; raise RuntimeError if it fails."""
    log.write(f"\n$ {' '.join(cmd)}\n")
    log.flush()
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{step}: timed out after {timeout} s") from None
    if done.returncode != 0:
        raise RuntimeError(f"{step}: exit code {done.returncode}")
    return time.perf_counter() - start


def smoke(version: str, python: str, work: Path, notebooks: list[Path], data: str | None) -> dict:
    """Run the student route on one interpreter; return a row for the summary table."""
    venv = work / f"py{version}"
    shutil.rmtree(venv, ignore_errors=True)
    venv.mkdir(parents=True)
    log_path = work / f"py{version}.log"
    row = {"python": version, "executable": python, "log": str(log_path), "ok": False}
    vpy = str(venv / ("Scripts/python.exe" if WINDOWS else "bin/python"))
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    # keep Jupyter's and IPython's per-user files out of the user's real folders
    for var, sub in (("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"),
                     ("MPLCONFIGDIR", "matplotlib")):
        env[var] = str(venv / "_home" / sub)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    if data:
        env["SCIKIT_LEARN_DATA"] = data
    t0 = time.perf_counter()
    with open(log_path, "w", encoding="utf-8") as log:
        try:
            _run("venv", [python, "-m", "venv", str(venv)], log, env)
            row["install_s"] = _run("pip install", [vpy, "-m", "pip", "install",
                                                    "-r", "requirements-student.txt"], log, env)
            _run("kernel", [vpy, "-m", "facelab.book.kernel", "--sys-prefix"], log, env)
            specs = subprocess.run([vpy, "-m", "jupyter", "kernelspec", "list", "--json"],
                                   capture_output=True, text=True, env=env, cwd=REPO)
            spec = json.loads(specs.stdout or "{}").get("kernelspecs", {}).get(KERNEL)
            if not spec:
                raise RuntimeError(f"kernel: Jupyter does not list {KERNEL!r}")
            argv0 = spec["spec"]["argv"][0]
            if Path(argv0).resolve() != Path(vpy).resolve():
                raise RuntimeError(f"kernel: {KERNEL!r} runs {argv0}, not the venv's {vpy}")
            _run("imports", [vpy, "-c", IMPORT_CHECK], log, env)
            row["execute_s"] = 0.0
            for notebook in notebooks:
                # As a student has it: NAME.ipynb in a folder of its own, run there (an
                # exercise's first cell starts otter on its own file, NAME.ipynb).
                out_nb = venv / (notebook.stem + ".ipynb")
                _run(f"convert {notebook.name}",
                     [vpy, "-m", "jupytext", "--to", "ipynb", "--set-kernel", KERNEL,
                      str(notebook), "-o", str(out_nb)], log, env)
                row["execute_s"] += _run(f"execute {notebook.name}",
                                         [vpy, "-m", "jupytext", "--execute",
                                          "--run-path", str(venv), str(out_nb)], log, env,
                                         timeout=1200)
                executed = json.loads(out_nb.read_text(encoding="utf-8"))
                errors = [o for c in executed["cells"] if c["cell_type"] == "code"
                          for o in c.get("outputs", []) if o.get("output_type") == "error"]
                if errors:
                    raise RuntimeError(f"execute {notebook.name}: {len(errors)} cell(s) raised")
                if executed["metadata"].get("kernelspec", {}).get("name") != KERNEL:
                    raise RuntimeError(f"execute {notebook.name}: the notebook did not run on "
                                       "the face-value kernel")
            row["ok"] = True
            row["result"] = "ok"
        except RuntimeError as exc:
            row["result"] = f"FAILED at {exc} (see {log_path})"
    row["total_s"] = time.perf_counter() - t0
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", action="append", default=[],
                        help="an interpreter to test (repeatable); default: every 3.11-3.13 found")
    parser.add_argument("--current", action="store_true",
                        help="test the Python running this script")
    parser.add_argument("--notebook", action="append", default=[],
                        help="a notebook source to execute (relative to the repository; "
                             "repeatable); default: chapter 1 and exercise notebook 2")
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "fv-student-smoke"),
                        help="folder for the virtual environments and logs")
    parser.add_argument("--data", help="SCIKIT_LEARN_DATA for the notebook")
    parser.add_argument("--keep", action="store_true", help="keep the virtual environments")
    args = parser.parse_args(argv)

    wanted: dict[str, str] = {}
    for python in args.python + ([sys.executable] if args.current else []):
        info = _version_of(python)
        if info is None:
            parser.error(f"--python {python!r} does not run")
        wanted[info[0]] = info[1]
    if not wanted:
        wanted = find_pythons()
        for version in VERSIONS:
            if version not in wanted:
                print(f"Python {version}: not found on PATH or under pyenv (skipped)")
    if not wanted:
        print("No Python 3.11-3.13 found: nothing tested.")
        return 1
    notebooks = [(REPO / name).resolve() for name in (args.notebook or DEFAULT_NOTEBOOKS)]
    for name, notebook in zip(args.notebook or DEFAULT_NOTEBOOKS, notebooks, strict=True):
        if not notebook.is_file():
            parser.error(f"--notebook {name!r} does not exist")
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    data = _data_dir(args.data)
    print(f"Notebooks {', '.join(str(n.relative_to(REPO)) for n in notebooks)}; "
          f"SCIKIT_LEARN_DATA={data or '(scikit-learn default)'}; work folder {work}", flush=True)

    rows = []
    for version, python in sorted(wanted.items()):
        print(f"Python {version} ({python}) ...", flush=True)
        row = smoke(version, python, work, notebooks, data)
        rows.append(row)
        print(f"  {row['result']}: install {row.get('install_s', float('nan')):.0f} s, "
              f"execute {row.get('execute_s', float('nan')):.0f} s, total {row['total_s']:.0f} s",
              flush=True)
        if row["ok"] and not args.keep:
            shutil.rmtree(work / f"py{version}", ignore_errors=True)

    print("\n| Python | pip install | kernel + execute notebook | total | result |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['python']} | {row.get('install_s', float('nan')):.0f} s | "
              f"{row.get('execute_s', float('nan')):.0f} s | {row['total_s']:.0f} s | "
              f"{row['result']} |")
    return 0 if all(row["ok"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
