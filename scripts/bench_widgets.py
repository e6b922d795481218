"""Benchmark (not a test): how long a kernel-backed control takes to redraw.

Builds chapter 2's 1:1 matcher and 1:N search on the held-out Olivetti people,
moves their controls many times, and prints the median and 95th percentile of
the time from a control change to the new output (the callback), in ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from facelab import matching
from facelab.faces import load_olivetti
from facelab.views import widgets


def timed_moves(control, values, out) -> list[float]:
    times = []
    for v in values:
        t0 = time.perf_counter()
        control.value = v  # fires the observer, which redraws `out`
        _ = out.value
        times.append((time.perf_counter() - t0) * 1e3)
    return times


def report(name: str, times: list[float]) -> None:
    q = np.percentile(times, [50, 95])
    print(f"{name:38s} median {q[0]:6.2f} ms   p95 {q[1]:6.2f} ms   ({len(times)} moves)")


def main() -> int:
    faces = load_olivetti(download_if_missing=False)
    train, test = matching.split_people(faces.target, n_train_people=25, seed=0)
    model = matching.Fisherfaces(n_pca=50).fit(faces.data[train], faces.target[train])
    images, ids = faces.images[test], faces.target[test]
    emb = model.transform(faces.data[test])
    rng = np.random.default_rng(0)

    box = widgets.matcher(images, ids, emb).widget
    (_, _), (pb, fb) = (h.children for h in box.children[:2])
    thr, out = box.children[2], box.children[3]
    report("1:1 matcher, threshold slider", timed_moves(thr, rng.uniform(50, 99, 300), out))
    report("1:1 matcher, photo slider", timed_moves(fb, rng.integers(0, 10, 300), out))
    report("1:1 matcher, person menu", timed_moves(pb, rng.choice(np.unique(ids), 300), out))

    box = widgets.searcher(images, ids, emb).widget
    (_, photo), size = box.children[0].children, box.children[1]
    thr, out = box.children[2], box.children[3]
    report("1:N search, threshold slider", timed_moves(thr, rng.uniform(50, 99, 300), out))
    report("1:N search, gallery size slider", timed_moves(size, rng.integers(1, 16, 300), out))
    report("1:N search, probe photo slider", timed_moves(photo, rng.integers(1, 10, 300), out))
    print("(median over all: "
          f"{statistics.median(timed_moves(thr, rng.uniform(50, 99, 300), out)):.2f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
