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


# --------------------------------------------------------------------------
# Chapter 3: what 400 photos can and cannot certify
# --------------------------------------------------------------------------

def test_every_pair_scores_use_all_400_faces_and_only_for_pretrained_matchers():
    genuine, impostor = olivetti.every_pair_scores("deep")
    assert (genuine.size, impostor.size) == (40 * 45, 400 * 399 // 2 - 40 * 45)
    assert not impostor.flags.writeable
    with pytest.raises(ValueError, match="model: must be one of 'raw', 'deep'"):
        olivetti.every_pair_scores("fisher")


def test_ch3_strictest_measurable_threshold_cannot_certify_the_aclu_rate():
    """The chapter: the bound is far above the ACLU-implied FMR, and at that bound a
    search of 25,000 would falsely match many of 535 members; the network's price is small."""
    s = olivetti.strictest_measurable(*olivetti.every_pair_scores("deep"))
    genuine, impostor = olivetti.every_pair_scores("deep")
    assert evaluation.fmr(impostor, s.threshold) == 0
    assert evaluation.fmr(impostor, np.nextafter(s.threshold, 0)) > 0
    assert s.fmr_upper == pytest.approx(3 / impostor.size, rel=0.01)  # rule of three
    aclu = evaluation.implied_fmr(28, 535, 25_000)
    assert s.fmr_upper / aclu > 10
    assert 535 * evaluation.p_any_false_match(s.fmr_upper, 25_000) > 100
    fisher = olivetti.strictest_measurable(*olivetti.olivetti_scores("fisher"))
    assert s.fnmr < 0.2 < 0.5 < fisher.fnmr


def test_strictest_measurable_refuses_bad_scores():
    with pytest.raises(ValueError, match="impostor"):
        olivetti.strictest_measurable([90.0], [])
    with pytest.raises((ValueError, TypeError), match="genuine"):
        olivetti.strictest_measurable("high", [1.0])


# --------------------------------------------------------------------------
# Chapter 5: the same masks in front of the deep network
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def masked_deep():
    from facelab import matching
    from facelab.experiments import occlusion
    from facelab.faces import load_olivetti, regions

    faces = load_olivetti()
    train, test = matching.split_people(faces.target, n_train_people=25, seed=0)
    X_test, y_test = faces.data[test], faces.target[test]
    masked = regions.occlude(X_test, "lower")
    rates = {}
    for key in ("fisher", "deep"):
        model = olivetti.olivetti_model(key, faces.data[train], faces.target[train])
        pairs = occlusion.three_ways(model, X_test, masked, y_test)
        t = evaluation.threshold_for_fmr(pairs[0].impostor, 0.01)
        scores = np.column_stack([p.score for p in pairs])
        rates[key] = occlusion.error_rates(scores, pairs[0].mated, [t] * 3)
    return rates


def test_ch5_deep_matcher_suffers_the_same_two_kinds_of_damage(masked_deep):
    deep, fisher = masked_deep["deep"], masked_deep["fisher"]
    eer, fnmr, fmr = 0, 1, 2
    assert deep[0, eer] < fisher[0, eer] / 5             # far better without masks
    assert deep[1, fnmr] > 10 * deep[0, fnmr]            # the gate: many more misses
    assert deep[1, eer] > 3 * deep[0, eer]
    assert deep[2, fmr] > 10 * deep[0, fmr]              # both masked: strangers match
    assert deep[1, fnmr] < fisher[1, fnmr] / 2           # far fewer misses than Fisherfaces
    assert abs(deep[2, fmr] - fisher[2, fmr]) < 0.05     # "about as often as Fisherfaces"
