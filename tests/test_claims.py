"""Claims the chapters' prose makes about results, checked against the code.

A chapter's numbers are computed when the book is built, but its sentences are
written once. Each test here pins down one sentence that would become false if
the code or the data changed, so that the build cannot silently contradict
the text.
"""

import numpy as np
import pytest

from facelab import evaluation, matching


@pytest.fixture(scope="module")
def chapter2(olivetti):
    """Chapter 2's set-up: 25 training people, 15 held out, seed 0."""
    train, test = matching.split_people(olivetti.target, n_train_people=25, seed=0)
    X_train, y_train = olivetti.data[train], olivetti.target[train]
    X_test, y_test = olivetti.data[test], olivetti.target[test]
    models = {
        "raw": matching.RawPixels().fit(X_train),
        "eigen": matching.Eigenfaces(n_components=50).fit(X_train),
        "fisher": matching.Fisherfaces(n_pca=50).fit(X_train, y_train),
    }
    eers = {k: evaluation.eer(*evaluation.pair_scores(m.transform(X_test), y_test))[0]
            for k, m in models.items()}
    return models, X_test, y_test, eers


def test_ch2_fisherfaces_make_fewer_errors_than_raw_pixels(chapter2):
    _, _, _, eers = chapter2
    assert eers["fisher"] < eers["raw"] - 0.02


def test_ch2_eigenfaces_do_no_better_than_raw_pixels(chapter2):
    _, _, _, eers = chapter2
    assert eers["eigen"] >= eers["raw"] - 0.005


def test_ch2_held_out_pairs_counts(chapter2):
    models, X_test, y_test, _ = chapter2
    genuine, impostor = evaluation.pair_scores(models["fisher"].transform(X_test), y_test)
    assert (len(genuine), len(impostor)) == (675, 10_500)


def test_ch2_small_gallery_search_mostly_ranks_the_true_person_first(chapter2):
    models, X_test, y_test, _ = chapter2
    emb = models["fisher"].transform(X_test)
    first = np.r_[True, y_test[1:] != y_test[:-1]]
    result = matching.search(emb[~first], emb[first], y_test[first], threshold=80, top_k=5)
    assert (result.ids[:, 0] == y_test[~first]).mean() > 0.75
    assert (result.ids == y_test[~first][:, None]).any(axis=1).mean() > 0.95
