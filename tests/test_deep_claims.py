"""Chapter 2's claims about the deep matcher, checked against the functions the chapter calls."""

import numpy as np
import pytest

from facelab import evaluation
from facelab.experiments import olivetti

pytest.importorskip("dlib")


@pytest.fixture(scope="module")
def eers():
    return {key: olivetti.olivetti_eer(key, n_boot=200) for key in ("fisher", "deep")}


def test_deep_eer_is_far_below_fisherfaces_and_the_intervals_do_not_overlap(eers):
    fisher, deep = eers["fisher"], eers["deep"]
    assert deep.estimate < fisher.estimate / 5
    assert deep.high < fisher.low
    assert 0 <= deep.low <= deep.estimate <= deep.high


def test_hard_pairs_are_what_the_chapter_says():
    """Fisherfaces' hardest pairs the network gets right at its own EER threshold;
    each matcher's own hardest pairs it gets wrong at its own."""
    at = {k: evaluation.eer(*olivetti.olivetti_scores(k))[1] for k in ("fisher", "deep")}
    f_imp, f_gen, d_imp, d_gen = olivetti.hard_pairs(("fisher", "deep"))
    assert not f_imp.mated and f_gen.mated and not d_imp.mated and d_gen.mated
    assert f_imp.scores["deep"] < at["deep"] <= f_gen.scores["deep"]
    assert f_imp.scores["fisher"] >= at["fisher"] > f_gen.scores["fisher"]
    assert d_imp.scores["deep"] >= at["deep"] > d_gen.scores["deep"]


def test_dlib_rule_is_not_book_score_91():
    rule = olivetti.dlib_rule_in_book_scores()
    assert rule.n_pairs == 400 * 399 // 2
    assert rule.unit_distance_score == pytest.approx(91.0)
    assert 94 < rule.threshold < 97
    assert rule.n_disagree / rule.n_pairs < 0.02
    # The chapter: the rule misses nobody and matches about 1 stranger pair in 35.
    assert rule.fnmr == 0
    assert 0.02 < rule.fmr < 0.04


def test_dlib_rule_threshold_is_the_best_agreeing_one():
    """No other book threshold agrees with dlib's rule on more pairs (brute force, coarse grid)."""
    from facelab.faces import load_olivetti
    from facelab.matching import deep

    faces = load_olivetti()
    raw = deep.olivetti_descriptors(faces.images, raw=True, progress=None)
    unit = raw / np.linalg.norm(raw, axis=1, keepdims=True)
    i, j = np.triu_indices(400, k=1)
    dlib_same = np.linalg.norm(raw[i] - raw[j], axis=1) < deep.DLIB_THRESHOLD
    score = 50 * (1 + np.sum(unit[i] * unit[j], axis=1))
    rule = olivetti.dlib_rule_in_book_scores()
    best = np.sum((score >= rule.threshold) != dlib_same)
    for t in np.arange(90, 99, 0.1):
        assert np.sum((score >= t) != dlib_same) >= best - 5  # the midpoint rounds to 0.1


def test_unknown_model_is_refused():
    with pytest.raises(ValueError, match="model: must be one of"):
        olivetti.olivetti_eer("cnn")
