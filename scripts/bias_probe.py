"""Quick check of the bias mechanism with synthetic groups (not polished).

Usage: python scripts/bias_probe.py [--seeds 3]

Train the reference Fisherface pipeline (PCA + LDA, cosine scores; see
compare_synth_real.py) on 200 people x 5 photos with a given share of group
B, then score 100 held-out people of each group x 5 photos. One global
threshold is set at an overall false match rate of 0.1 % (all impostor
pairs, within and across groups). Reported per group: FMR among impostor
pairs of that group, FNMR among its genuine pairs; and FMR_B / FMR_A.
Done for the default groups and for control_groups() (one distribution).

With --impact, instead: how much one standard unit of each feature moves a
photo, in pixels (RMS) and in a Fisherface embedding trained on the control
population (distance in within-person standard deviations), and which
default group varies strongly on it. The default groups' split pairs
features of similar embedding effect.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from compare_synth_real import fisher_embed  # noqa: E402

from facelab.faces import synth


def probe(groups, share_b, seed, n_train=200, n_test=100, photos=5, fmr_target=1e-3):
    counts = synth.shares_to_counts(n_train, {"A": 1 - share_b, "B": share_b})
    train = synth.make_population(counts, photos, seed=seed, groups=groups)
    # held-out people: another seed draws other people
    test = synth.make_population({"A": n_test, "B": n_test}, photos, seed=seed + 1000,
                                 groups=groups)
    emb = fisher_embed(train.data, train.target, test.data)
    s = emb @ emb.T
    iu = np.triu_indices(len(emb), 1)
    scores = s[iu]
    same = (test.target[:, None] == test.target[None, :])[iu]
    ga, gb = (test.group == "A"), (test.group == "B")
    both_a = (ga[:, None] & ga[None, :])[iu]
    both_b = (gb[:, None] & gb[None, :])[iu]
    threshold = np.quantile(scores[~same], 1 - fmr_target)
    out = {}
    for name, both in (("A", both_a), ("B", both_b)):
        out[f"FMR_{name}"] = np.mean(scores[~same & both] >= threshold)
        out[f"FNMR_{name}"] = np.mean(scores[same & both] < threshold)
        out[f"imp_{name}"] = scores[~same & both].mean()
    out["ratio"] = out["FMR_B"] / max(out["FMR_A"], 1e-12)
    return out


def feature_impact(n=400, seed=0):
    """Effect of +1 standard unit of each feature, averaged over n people."""
    from sklearn.decomposition import PCA
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

    control = synth.control_groups()
    train = synth.make_population({"A": 100, "B": 100}, 5, seed=seed, groups=control)
    pca = PCA(n_components=100, random_state=0).fit(train.data)
    lda = LinearDiscriminantAnalysis().fit(pca.transform(train.data), train.target)

    def embed(images):
        return lda.transform(pca.transform(images.reshape(len(images), -1)))

    base = synth.sample_identities(n, control["A"], seed=seed + 1)
    keys = np.arange(n)
    before = synth.render(base, seed=seed + 2, keys=keys)[0]
    e0 = embed(before)
    strong_a = synth.default_groups()["A"].std > synth.default_groups()["B"].std
    rows = []
    for k, name in enumerate(synth.FEATURE_NAMES):
        moved = base.copy()
        moved[:, k] += 1.0
        after = synth.render(moved, seed=seed + 2, keys=keys)[0]
        rows.append((name, np.sqrt(np.mean((after - before) ** 2)),
                     np.sqrt(np.mean(np.sum((embed(after) - e0) ** 2, axis=1))),
                     "A" if strong_a[k] else "B"))
    print(f"{'feature':18s} {'pixels (RMS)':>12s} {'embedding':>9s}  varies strongly in")
    for name, px, em, g in sorted(rows, key=lambda r: -r[2]):
        print(f"{name:18s} {px:12.4f} {em:9.2f}  {g}")
    for g in "AB":
        print(f"sum of squares, group {g}'s strong features: pixels "
              f"{sum(r[1] ** 2 for r in rows if r[3] == g):.4f}, embedding "
              f"{sum(r[2] ** 2 for r in rows if r[3] == g):.0f}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--shares", default="0.05,0.1,0.5")
    ap.add_argument("--impact", action="store_true", help="measure each feature's effect")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.impact:
        feature_impact()
        print(f"({time.perf_counter() - t0:.1f} s)")
        return
    print(f"{'groups':8s} {'B share':>7s} {'FMR_A':>8s} {'FMR_B':>8s} {'B/A':>11s} "
          f"{'FNMR_A':>7s} {'FNMR_B':>7s} {'imp A':>6s} {'imp B':>6s}   (mean of seeds; B/A range)")
    for label, groups in (("default", synth.default_groups()), ("control", synth.control_groups())):
        for share in (float(s) for s in args.shares.split(",")):
            rows = [probe(groups, share, seed) for seed in range(args.seeds)]
            m = {k: np.mean([r[k] for r in rows]) for k in rows[0]}
            ratios = [r["ratio"] for r in rows]
            print(f"{label:8s} {share:7.2f} {m['FMR_A']:8.5f} {m['FMR_B']:8.5f} "
                  f"{m['FMR_B'] / m['FMR_A']:5.1f} {min(ratios):4.1f}-{max(ratios):<4.1f} "
                  f"{m['FNMR_A']:7.3f} {m['FNMR_B']:7.3f} {m['imp_A']:6.3f} {m['imp_B']:6.3f}")
    print(f"({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
