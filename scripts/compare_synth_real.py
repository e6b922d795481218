"""Are the synthetic faces as hard to tell apart as real ones? A side-by-side table.

Usage: python scripts/compare_synth_real.py [--drafts 0.5,0.7,0.8,1,1.5] [--seeds 8]

The same reference pipeline for both: PCA (min(100, n - 1) components) then
LDA ("Fisherfaces") fitted on training people, cosine similarity between the
embeddings of held-out people, every genuine pair (same person) and every
impostor pair (different people). Printed per row: mean and standard
deviation of genuine and impostor scores, the equal error rate (EER), the
false match rate at the threshold that falsely rejects 10 % of genuine pairs,
and the false non-match rate at the threshold with a false match rate of
0.1 % (from few impostor pairs on Olivetti's protocol: rough).

Rows:
- Olivetti: 25 people x 10 photos train, the other 15 test (split seed 0,
  and the mean over split seeds 0..seeds-1).
- synthetic, Olivetti protocol: the same numbers of people and photos, drawn
  from the book's default groups A and B half and half (mean over seeds).
- synthetic, 200 / 100 people: 200 people x 5 photos train, 100 held-out
  people x 5 photos test, half A and half B (seed 0).
The synthetic rows are repeated for each multiple of the first draft of the
nuisance strengths (see facelab.faces.synth.CALIBRATION: the defaults are the
draft x 0.8). This script printed the table quoted there.
Needs SCIKIT_LEARN_DATA pointing at a folder holding the Olivetti faces.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from facelab.faces import load_olivetti, synth


def fisher_embed(x_train, y_train, x_test):
    """Fit PCA + LDA on the training photos; unit-length test embeddings."""
    pca = PCA(n_components=min(100, len(x_train) - 1), random_state=0).fit(x_train)
    lda = LinearDiscriminantAnalysis().fit(pca.transform(x_train), y_train)
    e = lda.transform(pca.transform(x_test))
    return e / np.linalg.norm(e, axis=1, keepdims=True)


def pair_scores(emb, y):
    """Cosine scores of all pairs: (genuine, impostor) arrays."""
    s = emb @ emb.T
    iu = np.triu_indices(len(y), 1)
    same = (y[:, None] == y[None, :])[iu]
    return s[iu][same], s[iu][~same]


def error_rates(genuine, impostor):
    """EER, FMR at the threshold with FNMR = 10 %, FNMR at FMR = 0.1 %."""
    thresholds = np.unique(np.concatenate([genuine, impostor]))
    g, i = np.sort(genuine), np.sort(impostor)
    fnmr = np.searchsorted(g, thresholds, side="left") / len(g)        # genuine < t
    fmr = 1 - np.searchsorted(i, thresholds, side="left") / len(i)     # impostor >= t
    k = np.argmin(np.abs(fnmr - fmr))
    eer = (fnmr[k] + fmr[k]) / 2
    t10 = np.quantile(genuine, 0.10)
    t001 = np.quantile(impostor, 0.999)
    return eer, float(np.mean(impostor >= t10)), float(np.mean(genuine < t001))


def summarise(genuine, impostor):
    eer, fmr10, fnmr001 = error_rates(genuine, impostor)
    return dict(gen_mean=genuine.mean(), gen_sd=genuine.std(), imp_mean=impostor.mean(),
                imp_sd=impostor.std(), eer=eer, fmr_at_fnmr10=fmr10, fnmr_at_fmr001=fnmr001)


def olivetti_row(seed):
    faces = load_olivetti(download_if_missing=False)
    people = np.random.default_rng(seed).permutation(40)
    train = np.isin(faces.target, people[:25])
    emb = fisher_embed(faces.data[train], faces.target[train], faces.data[~train])
    return summarise(*pair_scores(emb, faces.target[~train]))


def synth_row(n_train, n_test, photos, seed, nuisance=None, groups=None):
    """Train and test people are disjoint: the test people come from another seed."""
    half = {"A": n_train // 2, "B": n_train - n_train // 2}
    train = synth.make_population(half, photos, seed=seed, groups=groups, nuisance=nuisance)
    half = {"A": n_test // 2, "B": n_test - n_test // 2}
    test = synth.make_population(half, photos, seed=seed + 1000, groups=groups,
                                 nuisance=nuisance)
    emb = fisher_embed(train.data, train.target, test.data)
    return summarise(*pair_scores(emb, test.target))


#: The defaults of synth.Nuisance are the first draft times this factor.
DEFAULTS_ARE_DRAFT_TIMES = 0.8


def mean_rows(rows):
    return {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}


def spread(rows, key):
    v = [r[key] for r in rows]
    return f"{min(v):.3f}-{max(v):.3f}"


HEADER = (f"{'data':52s} {'genuine':>13s} {'impostor':>13s} {'EER':>6s} "
          f"{'FMR@FNMR10%':>11s} {'FNMR@FMR0.1%':>12s}  EER range")


def fmt(label, r, rng=""):
    return (f"{label:52s} {r['gen_mean']:6.3f}±{r['gen_sd']:5.3f} "
            f"{r['imp_mean']:6.3f}±{r['imp_sd']:5.3f} {r['eer']:6.3f} "
            f"{r['fmr_at_fnmr10']:11.3f} {r['fnmr_at_fmr001']:12.3f}  {rng}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--drafts", default="0.5,0.7,0.8,1,1.5",
                    help="comma-separated multiples of the draft nuisance")
    ap.add_argument("--seeds", type=int, default=8)
    args = ap.parse_args(argv)
    drafts = [float(s) for s in args.drafts.split(",")]
    t0 = time.perf_counter()
    print(HEADER)
    oli = [olivetti_row(s) for s in range(args.seeds)]
    print(fmt("Olivetti, 25 train / 15 test people, seed 0", oli[0]))
    print(fmt(f"Olivetti, mean of split seeds 0-{args.seeds - 1}", mean_rows(oli),
              spread(oli, "eer")))
    for draft in drafts:
        nuis = synth.Nuisance().scaled(draft / DEFAULTS_ARE_DRAFT_TIMES)
        tag = f", draft x {draft:g}" + (" (default)" if draft == DEFAULTS_ARE_DRAFT_TIMES else "")
        rows = [synth_row(25, 15, 10, s, nuis) for s in range(args.seeds)]
        print(fmt(f"synthetic, Olivetti protocol{tag}", mean_rows(rows), spread(rows, "eer")))
        r = synth_row(200, 100, 5, 0, nuis)
        print(fmt(f"synthetic, 200 / 100 people{tag}", r))
    print(f"({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
