"""Time chapter 4's experiment and check its intervals (facelab.experiments.composition).

Usage:
    python scripts/bench_bias.py            # the chapter's sweeps and replays, timed
    python scripts/bench_bias.py --coverage # are the bootstrap intervals honest?

The default run does what chapter 4 does, with the same sizes, and prints
each result with the time it took, so that the chapter's execution time can
be predicted (the book must build in minutes on two cores).

``--coverage`` checks the intervals in the control, where the true FMR ratio
of the two groups is exactly 1 for any trained matcher: one matcher is
evaluated on ``--sets`` disjoint sets of held-out people. If the bootstrap
over people is honest, the spread of the log ratio between sets is about the
spread the bootstrap predicts, and about 95 % of the intervals contain 1.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from facelab.experiments import aclu_groups, composition
from facelab.experiments.composition import training
from facelab.faces import synth


def run_chapter() -> None:
    t0 = time.perf_counter()
    cache = composition.CompositionCache()
    sweeps = {}
    for label, groups, shares in (("default", synth.default_groups(), composition.DEFAULT_SHARES),
                                  ("control", synth.control_groups(), (0.1, 0.5, 0.9))):
        t = time.perf_counter()
        sweeps[label] = composition.composition_sweep(shares, groups=groups, cache=cache)
        for row in sweeps[label].table():
            print(f"{label:8s} B {row['share_b']:4.0%}  "
                  f"FMR A {row['fmr_a']:.4%} B {row['fmr_b']:.4%}"
                  f"  B/A {row['ratio']:5.2f} [{row['ratio_low']:5.2f}, {row['ratio_high']:5.2f}]"
                  f"  per seed {np.round(row['per_seed_ratio'], 2)}"
                  f"  FNMR A {row['fnmr_a']:.3f} B {row['fnmr_b']:.3f}")
        print(f"  ({time.perf_counter() - t:.1f} s; cache {cache.seconds})", flush=True)
    for share in (0.1, 0.5):
        t = time.perf_counter()
        result = aclu_groups.aclu_gallery(cache.model(share, 0), seed=0)
        for counts in ({"A": 20_000, "B": 5_000}, {"A": 12_500, "B": 12_500}):
            a = aclu_groups.aclu_group_shares(result, counts)
            print(f"ACLU replay, trained on {share:.0%} B, gallery {counts}: threshold "
                  f"{a.threshold:.2f}, false matches {a.counts}, B share {a.shares['B']:.0%}")
        print(f"  ({time.perf_counter() - t:.1f} s)", flush=True)
    print(f"total {time.perf_counter() - t0:.1f} s")


def run_coverage(n_sets: int, share: float, seed: int) -> None:
    groups = synth.control_groups()
    model = composition.train_on_composition(share, seed=seed, groups=groups)
    logs, half, covered = [], [], 0
    start = composition.EVAL_START
    try:
        for k in range(n_sets):
            composition.EVAL_START = start + k * 10_000  # disjoint people for each set
            training._held_out.cache_clear()
            r = composition.evaluate_by_group(model, seed=seed, groups=groups).fmr_ratio
            logs.append(np.log(r.estimate))
            half.append((np.log(r.high) - np.log(r.low)) / 2 / 1.96)
            covered += r.low <= 1 <= r.high
            print(f"set {k}: B/A {r.estimate:.2f} [{r.low:.2f}, {r.high:.2f}]", flush=True)
    finally:
        composition.EVAL_START = start
        training._held_out.cache_clear()
    print(f"sd of log ratio between sets {np.std(logs, ddof=1):.3f}; the bootstrap's "
          f"{np.mean(half):.3f}; intervals containing 1: {covered} of {n_sets}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--coverage", action="store_true")
    ap.add_argument("--sets", type=int, default=12)
    ap.add_argument("--share", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if args.coverage:
        run_coverage(args.sets, args.share, args.seed)
    else:
        run_chapter()


if __name__ == "__main__":
    main()
