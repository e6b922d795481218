"""Benchmark: facelab.matching.search against scikit-learn's brute-force cosine kNN.

The book's 1:N example is the ACLU's test of 2018: 535 members of Congress
searched against 25,000 arrest photos. This script builds embeddings of that
shape, runs :func:`facelab.matching.search` and
``sklearn.neighbors.NearestNeighbors(algorithm="brute", metric="cosine")`` on
the same arrays in the same run, checks that both return the same best
candidate for every probe, and prints the median time of each.

The embeddings are synthetic but shaped like learned ones: identities drawn
from a Gaussian whose variance falls off along the dimensions (as LDA
features do), around a shared mean that makes unrelated faces score above 50,
and float32 as deployed systems store them. Half the probes are new photos
(identity plus noise) of people in the gallery, half are of nobody in it.

Usage::

    python scripts/bench_search.py [--repeats 7] [--dim 40] [--gallery 25000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.neighbors import NearestNeighbors

from facelab.matching import search


def make_embeddings(n_probes: int, n_gallery: int, dim: int, seed: int = 0):
    """Synthetic (probes, gallery, gallery_ids, probe_ids), float32.

    ``probe_ids`` is -1 for a probe whose person is not in the gallery.
    """
    rng = np.random.default_rng(seed)
    spread = 1 / np.sqrt(np.arange(1, dim + 1))          # decaying variance per dimension
    mean = 0.3 * spread * rng.standard_normal(dim)       # shared offset: scores above 50
    people = mean + spread * rng.standard_normal((n_gallery, dim))
    photo_noise = 0.3 * spread
    gallery = people + photo_noise * rng.standard_normal((n_gallery, dim))
    gallery_ids = np.arange(n_gallery)
    n_mated = n_probes // 2
    mated_ids = rng.choice(n_gallery, size=n_mated, replace=False)
    strangers = mean + spread * rng.standard_normal((n_probes - n_mated, dim))
    probes = np.vstack([people[mated_ids], strangers])
    probes += photo_noise * rng.standard_normal(probes.shape)
    probe_ids = np.concatenate([mated_ids, np.full(n_probes - n_mated, -1)])
    return (probes.astype(np.float32), gallery.astype(np.float32), gallery_ids, probe_ids)


def median_times(fns, repeats: int) -> tuple[list[float], list[object]]:
    """Median wall-clock seconds of each function over ``repeats`` rounds.

    The functions run alternately within each round (after one warm-up
    call each), so a slow spell on a shared machine hits all of them alike.
    Returns the medians and each function's last result.
    """
    results = [fn() for fn in fns]
    times = np.empty((repeats, len(fns)))
    for r in range(repeats):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            results[i] = fn()
            times[r, i] = time.perf_counter() - start
    return list(np.median(times, axis=0)), results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=535)
    parser.add_argument("--gallery", type=int, default=25_000)
    parser.add_argument("--dim", type=int, default=40)
    parser.add_argument("--top-k", type=int, default=5)
    parser.add_argument("--threshold", type=float, default=95.0)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)

    probes, gallery, gallery_ids, probe_ids = make_embeddings(args.probes, args.gallery, args.dim)
    nn = NearestNeighbors(n_neighbors=args.top_k, algorithm="brute", metric="cosine").fit(gallery)

    (t_ours, t_sk), (ours, (dist, ind)) = median_times(
        [lambda: search(probes, gallery, gallery_ids, args.threshold, top_k=args.top_k),
         lambda: nn.kneighbors(probes, args.top_k)],
        args.repeats)

    # sklearn's cosine distance is 1 - cosine, so its nearest neighbour is our best score.
    sk_best_id = gallery_ids[ind[:, 0]]
    sk_best_score = 50 * (1 + (1 - dist[:, 0].astype(np.float64)))
    differ = ours.best_id != sk_best_id
    # A disagreement is only acceptable as a float32 near-tie between the top two.
    near_tie = np.abs(ours.scores[:, 0] - ours.scores[:, 1]) < 1e-4
    n_bad = int(np.count_nonzero(differ & ~near_tie))
    max_score_diff = float(np.max(np.abs(ours.best_score - sk_best_score)))

    mated = probe_ids >= 0
    print(f"probes x gallery: {args.probes} x {args.gallery:,}, dim {args.dim}, float32, "
          f"top_k {args.top_k}, median of {args.repeats} runs")
    print(f"facelab.matching.search:                    {t_ours * 1e3:8.1f} ms")
    print(f"NearestNeighbors(brute, cosine).kneighbors: {t_sk * 1e3:8.1f} ms")
    print(f"ratio sklearn / facelab:                 {t_sk / t_ours:8.2f}")
    print(f"top-1 agreement: {args.probes - int(differ.sum())}/{args.probes} "
          f"(disagreements outside near-ties: {n_bad}); "
          f"max |best score difference| = {max_score_diff:.2e}")
    print(f"rank-1 hits on mated probes: {np.mean(ours.best_id[mated] == probe_ids[mated]):.3f}; "
          f"non-mated probes with an alert at {args.threshold:g}: "
          f"{int(ours.alert[~mated].sum())}/{int((~mated).sum())}")
    if n_bad:
        raise SystemExit("top-1 results disagree")


if __name__ == "__main__":
    main()
