"""Benchmark: dlib's ResNet face descriptor (facelab.matching.deep) on the Olivetti faces.

Prints timings and asserts nothing:

* descriptor time per face with one process and with two (and whether dlib
  itself uses more than one core: CPU time against wall-clock time);
* the 400 faces cold (empty cache: chips, network, cache write) and warm
  (cache hit).

With ``--accuracy`` it also prints the figures the book quotes: the EER of
both chip methods on the book's open-set split (15 held-out people) and on
all 40 people, FMR and FNMR at dlib's raw distance 0.6, the FNMR at the
smallest FMR the held-out impostor pairs can measure, the lengths of the
raw descriptors, how often dlib's rule and the equivalent book score
disagree, and how many faces dlib's HOG detector and scikit-image's LBP
cascade find. These use (and fill) the normal descriptor cache
(``$FACELAB_CACHE_DIR`` or the user cache folder).

Timings on a shared machine vary with the load; the load average is printed.

Usage::

    python scripts/bench_deep.py [--accuracy] [--sample 40]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings

import numpy as np

try:  # the package's new layout, or the old flat modules
    from facelab.evaluation import eer, pair_scores, threshold_for_fmr
    from facelab.faces import detect_faces, load_olivetti
    from facelab.matching import Fisherfaces, split_people
except ImportError:  # pragma: no cover
    from facelab.datasets import load_olivetti
    from facelab.detect import detect_faces
    from facelab.embed import Fisherfaces, split_people
    from facelab.metrics import eer, pair_scores, threshold_for_fmr
from facelab.matching import deep


def load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except (AttributeError, OSError):  # pragma: no cover - Windows has no load average
        return "load average unknown"
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f}"


def timings(images: np.ndarray, sample: int) -> None:
    chips = deep.olivetti_chip(images[:sample])
    t, c = time.perf_counter(), time.process_time()
    deep.chip_descriptors(chips, n_jobs=1)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    print(f"one process : {1000 * wall / sample:6.1f} ms a face ({sample} faces, {wall:.1f} s; "
          f"CPU/wall = {cpu / wall:.2f}, so dlib uses "
          f"{'one core' if cpu / wall < 1.3 else 'several cores'})")
    t = time.perf_counter()
    deep.chip_descriptors(chips, n_jobs=2)
    wall2 = time.perf_counter() - t
    print(f"two processes: {1000 * wall2 / sample:6.1f} ms a face ({sample} faces, {wall2:.1f} s, "
          f"including starting the workers); speed-up {wall / wall2:.2f}x   [{load()}]")

    t = time.perf_counter()
    chips_all = deep.olivetti_chip(images)
    print(f"aligned chips: {1000 * (time.perf_counter() - t) / len(images):.2f} ms a face")
    del chips_all
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        first = deep.olivetti_descriptors(images, cache_dir=tmp, progress=None)
        cold = time.perf_counter() - t
        t = time.perf_counter()
        again = deep.olivetti_descriptors(images, cache_dir=tmp, progress=None)
        warm = time.perf_counter() - t
    print(f"400 faces cold (empty cache, n_jobs=None): {cold:.1f} s; warm (cache hit): "
          f"{1000 * warm:.0f} ms; identical: {np.array_equal(first, again)}   [{load()}]")


def rates_at_raw_distance(raw: np.ndarray, ids: np.ndarray, cut: float = deep.DLIB_THRESHOLD):
    """FMR and FNMR of dlib's rule (raw distance < cut) over every pair."""
    i, j = np.triu_indices(len(raw), k=1)
    d = np.linalg.norm(raw[i] - raw[j], axis=1)
    mated = ids[i] == ids[j]
    same = d < cut
    return float(same[~mated].mean()), float((~same[mated]).mean()), int(mated.sum()), \
        int((~mated).sum()), d, mated


def accuracy(images: np.ndarray, target: np.ndarray) -> None:
    train, test = split_people(target, n_train_people=25, seed=0)
    everyone = np.ones(len(target), bool)
    print("\nEER (genuine = mated pairs, impostor = non-mated pairs):")
    for chip in deep.CHIP_METHODS:
        E = deep.olivetti_descriptors(images, chip=chip)
        rows = []
        for name, m in (("25 training people", train), ("15 held-out people", test),
                        ("all 40 people", everyone)):
            g, imp = pair_scores(E[m], target[m])
            rows.append(f"{name} {100 * eer(g, imp)[0]:.2f}% ({len(g):,}/{len(imp):,})")
        print(f"  {chip:8s}: " + "; ".join(rows))
    X = images.reshape(len(images), -1)
    fish = Fisherfaces(n_pca=50).fit(X[train], target[train])
    g, imp = pair_scores(fish.transform(X[test]), target[test])
    print(f"  Fisherfaces(n_pca=50), fitted on the 25: held-out EER {100 * eer(g, imp)[0]:.2f}%")

    raw = deep.olivetti_descriptors(images, raw=True)
    U = raw / np.linalg.norm(raw, axis=1, keepdims=True)
    norms = np.linalg.norm(raw, axis=1)
    print(f"\nraw descriptor lengths: min {norms.min():.3f}, median {np.median(norms):.3f}, "
          f"mean {norms.mean():.3f}, max {norms.max():.3f}")

    for name, m in (("held-out pairs", test), ("all 400 faces' pairs", everyone)):
        f_, fn_, n_g, n_i, d, _ = rates_at_raw_distance(raw[m], target[m])
        print(f"dlib's rule, raw distance < 0.6, {name}: FMR {100 * f_:.3f}% "
              f"({round(f_ * n_i)} of {n_i:,}), FNMR {100 * fn_:.2f}% ({round(fn_ * n_g)} of "
              f"{n_g:,})")
        book = deep.distance_to_score(deep.DLIB_THRESHOLD)
        g, imp = pair_scores(U[m], target[m])
        i, j = np.triu_indices(int(m.sum()), k=1)
        score = 50 * (1 + np.sum(U[m][i] * U[m][j], axis=1))
        differ = (d < deep.DLIB_THRESHOLD) != (score >= book)
        print(f"  same pairs at book score >= {book:g} on unit descriptors: decisions differ on "
              f"{differ.sum():,} of {differ.size:,} pairs ({100 * differ.mean():.2f}%); "
              f"FMR {100 * np.mean(imp >= book):.3f}%, FNMR {100 * np.mean(g < book):.2f}%")
        # the book threshold that agrees best with dlib's rule on these pairs
        cand = np.linspace(85, 99, 1401)
        dis = [np.sum((d < deep.DLIB_THRESHOLD) != (score >= c)) for c in cand]
        best = cand[int(np.argmin(dis))]
        print(f"  closest book threshold: {best:.2f} (raw distance 0.6 / median length "
              f"{np.median(norms):.3f} = unit distance {0.6 / np.median(norms):.3f} = score "
              f"{deep.distance_to_score(0.6 / np.median(norms)):.2f}); differ on "
              f"{min(dis):,} pairs ({100 * min(dis) / differ.size:.2f}%)")
        if m is test:
            n_imp = len(imp)
            t = threshold_for_fmr(imp, 1 / n_imp)
            print(f"  smallest measurable FMR 1/{n_imp:,} = {100 / n_imp:.4f}%: threshold "
                  f"{t:.2f}, FNMR {100 * np.mean(g < t):.2f}%; at FMR 0 (above the top impostor "
                  f"score {imp.max():.2f}) FNMR {100 * np.mean(g <= imp.max()):.2f}%")

    print("\nFace detection on the 400 Olivetti faces (64x64):")
    hog_missed: set[int] = set()
    for up in (0, 1, 2, 3):
        t = time.perf_counter()
        found = [k for k, im in enumerate(images) if deep.detect_faces_hog(im, upsample=up)]
        missed = sorted(set(range(len(images))) - set(found))
        hog_missed = set(missed)
        shown = ", ".join(f"{k} (person {k // 10}, photo {k % 10})" for k in missed) \
            if len(missed) <= 12 else f"{len(missed)} faces"
        print(f"  dlib HOG, upsample={up} ({2 ** up}x): {len(found)} found, "
              f"{1000 * (time.perf_counter() - t) / len(images):.1f} ms a face; missed {shown}")
    # The LBP cascade needs some background around a face, and Olivetti's
    # crops have almost none: also try copies padded by repeating the edges.
    variants = (
        ("64x64 as is", lambda im: im, {}),
        ("64x64 edge-padded by 16 px, min_size=24", lambda im: np.pad(im, 16, mode="edge"),
         {"min_size": 24}),
        ("2x upsampled, edge-padded by 32 px",
         lambda im: np.pad(deep._bilinear(im.astype(np.float64), 128), 32, mode="edge"), {}),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for label, prep, kw in variants:
            t = time.perf_counter()
            found = [k for k, im in enumerate(images) if detect_faces(prep(im), **kw)]
            missed = sorted(set(range(len(images))) - set(found))
            print(f"  scikit-image LBP cascade (facelab detect_faces), {label}: {len(found)} "
                  f"found, {1000 * (time.perf_counter() - t) / len(images):.1f} ms a face; of "
                  f"HOG's upsample=3 misses it finds {sorted(hog_missed - set(missed))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accuracy", action="store_true", help="also print EERs, rates, detection")
    parser.add_argument("--sample", type=int, default=40, help="faces timed per process count")
    args = parser.parse_args()
    faces = load_olivetti(download_if_missing=False)
    images, target = np.asarray(faces.images), np.asarray(faces.target)
    print(f"dlib {__import__('dlib').__version__}, {os.cpu_count()} cores, {load()}")
    timings(images, args.sample)
    if args.accuracy:
        accuracy(images, target)


if __name__ == "__main__":
    main()
