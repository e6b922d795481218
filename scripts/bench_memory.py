"""Peak memory of each chapter's kernel, as a student running it top to bottom would see.

Each chapter (a MyST notebook) is converted with jupytext and executed with
nbclient on a fresh kernel; a thread samples the resident memory of the kernel
and all its child processes (worker pools included) every 0.2 s. Prints a
Markdown table; not a test (timings and memory depend on the machine).

    SCIKIT_LEARN_DATA=... .venv/bin/python scripts/bench_memory.py [--cells] [chapters/04-bias.md]
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import jupytext
import nbclient
import psutil

ROOT = Path(__file__).resolve().parent.parent
BUDGET_GIB = 1.5


def _tree_rss(pid: int) -> int:
    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def peak_memory(path: Path, cells: list | None = None) -> tuple[float, float]:
    """(peak GiB, seconds) of executing one chapter on a fresh kernel.

    With ``cells`` (a list), append ``(peak GiB while the cell ran, its first line)`` for
    each code cell, to find which cell sets the peak.
    """
    nb = jupytext.read(path)
    client = nbclient.NotebookClient(
        nb, timeout=3600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    peak = [0]
    cell_peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            km = client.km
            pid = getattr(getattr(km, "provisioner", None), "pid", None) if km else None
            if pid:
                rss = _tree_rss(pid)
                peak[0] = max(peak[0], rss)
                cell_peak[0] = max(cell_peak[0], rss)
            time.sleep(0.2)

    if cells is not None:

        def started(cell, **_):
            cell_peak[0] = 0

        def finished(cell, **_):
            line = next(
                (ln for ln in cell.source.splitlines() if ln and not ln.startswith(("#", ":"))), ""
            )
            cells.append((cell_peak[0] / 2**30, line[:70]))

        client.on_cell_execute = started
        client.on_cell_executed = finished  # after the reply (on_cell_complete: once sent)

    watcher = threading.Thread(target=sample, daemon=True)
    start = time.perf_counter()
    watcher.start()
    try:
        client.execute()
    finally:
        done.set()
        watcher.join()
    return peak[0] / 2**30, time.perf_counter() - start


def main(argv: list[str]) -> int:
    by_cell = "--cells" in argv  # also list the five cells with the highest peaks
    paths = [Path(a) for a in argv if a != "--cells"] or sorted((ROOT / "chapters").glob("0*.md"))
    print("| chapter | peak kernel memory | time | under 1.5 GiB |")
    print("|---|---|---|---|")
    for path in paths:
        cells: list | None = [] if by_cell else None
        gib, seconds = peak_memory(path.resolve(), cells)
        print(
            f"| {path.stem} | {gib:.2f} GiB | {seconds:.0f} s | "
            f"{'yes' if gib < BUDGET_GIB else 'NO'} |",
            flush=True,
        )
        for cell_gib, line in sorted(cells or [], reverse=True)[:5]:
            print(f"    {cell_gib:.2f} GiB  {line}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
