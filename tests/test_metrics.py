"""Tests for facelab.evaluation: pair scores, error rates, by-group and bootstrap."""

import numpy as np
import pytest
from scipy.stats import norm
from sklearn.metrics import det_curve as sk_det_curve
from sklearn.metrics import roc_curve

from facelab.evaluation import (
    SortedScores,
    bootstrap_by_identity,
    by_group,
    det_curve,
    eer,
    error_curve,
    fmr,
    fnmr,
    pair_scores,
    probit,
    threshold_for_fmr,
)
from facelab.matching import similarity_scores


@pytest.fixture(scope="module")
def scores():
    """Overlapping genuine/impostor scores on a coarse grid, so there are many ties."""
    rng = np.random.default_rng(7)
    genuine = np.round(rng.normal(75, 8, 400))
    impostor = np.round(rng.normal(55, 8, 3_000))
    return genuine, impostor


def sklearn_inputs(genuine, impostor):
    y_true = np.r_[np.ones(genuine.size), np.zeros(impostor.size)]
    return y_true, np.r_[genuine, impostor]


# ---------------------------------------------------------------- pair scores

def test_pair_scores_counts_every_unordered_pair_once():
    rng = np.random.default_rng(0)
    ids = np.array([0, 0, 0, 1, 1, 2])  # 3 + 1 + 0 mated pairs out of 15
    genuine, impostor = pair_scores(rng.standard_normal((6, 4)), ids)
    assert (genuine.size, impostor.size) == (4, 11)


def test_pair_scores_are_the_upper_triangle_of_the_score_matrix():
    rng = np.random.default_rng(1)
    emb, ids = rng.standard_normal((5, 3)), np.array([1, 2, 1, 2, 3])
    pairs = pair_scores(emb, ids, return_pairs=True)
    S = similarity_scores(emb, emb)
    assert np.all(pairs.i < pairs.j)
    np.testing.assert_allclose(pairs.score, S[pairs.i, pairs.j])
    assert pairs.genuine.size == 2  # (0, 2) and (1, 3)
    assert pairs.identities[pairs.mated].tolist() == [[1, 1], [2, 2]]


def test_pair_groups_follow_the_two_photos():
    rng = np.random.default_rng(2)
    groups = np.array(["a", "a", "b", "b"])
    pairs = pair_scores(rng.standard_normal((4, 3)), [0, 1, 2, 3], groups=groups,
                        return_pairs=True)
    assert pairs.same_group.tolist() == [True, False, False, False, False, True]
    assert pairs.group_i[pairs.same_group].tolist() == ["a", "b"]


def test_pair_scores_validation():
    with pytest.raises(ValueError, match="embeddings: need at least 2"):
        pair_scores(np.ones((1, 3)), [0])
    with pytest.raises(ValueError, match="ids: expected shape"):
        pair_scores(np.ones((3, 3)), [0, 1])
    with pytest.raises(ValueError, match="embeddings: contains NaN"):
        pair_scores(np.array([[1.0, np.nan], [1.0, 2.0]]), [0, 1])
    with pytest.raises(ValueError, match="groups: only kept"):
        pair_scores(np.eye(3), [0, 1, 2], groups=["a", "b", "c"])


# ---------------------------------------------------------------- FMR and FNMR

def test_rates_on_a_hand_example():
    impostor = [10, 20, 30, 40]
    genuine = [30, 50]
    assert fmr(impostor, 30) == 0.5   # 30 and 40 match: a score AT the threshold matches
    assert fnmr(genuine, 30) == 0.0   # 30 is not a non-match
    assert fnmr(genuine, 30.5) == 0.5
    np.testing.assert_array_equal(fmr(impostor, [0, 15, 45]), [1.0, 0.75, 0.0])


def test_rates_agree_with_sklearn_roc_curve(scores):
    """sklearn predicts positive iff score >= threshold, the book's convention too."""
    genuine, impostor = scores
    fpr, tpr, thresholds = roc_curve(*sklearn_inputs(genuine, impostor),
                                     drop_intermediate=False)
    np.testing.assert_array_equal(fmr(impostor, thresholds), fpr)
    np.testing.assert_allclose(fnmr(genuine, thresholds), 1 - tpr, atol=1e-15)


def test_det_curve_agrees_with_sklearn(scores):
    genuine, impostor = scores
    sk_fpr, sk_fnr, sk_thr = sk_det_curve(*sklearn_inputs(genuine, impostor),
                                          drop_intermediate=False)
    ours_fmr, ours_fnmr, ours_thr = det_curve(genuine, impostor)
    at = np.searchsorted(ours_thr, sk_thr)
    assert np.array_equal(ours_thr[at], sk_thr)  # sklearn's points are among ours
    np.testing.assert_allclose(ours_fmr[at], sk_fpr, atol=1e-15)
    np.testing.assert_allclose(ours_fnmr[at], sk_fnr, atol=1e-15)


def test_error_curve_runs_from_accept_all_to_reject_all(scores):
    curve = error_curve(*scores)
    assert (curve.fmr[0], curve.fnmr[0]) == (1.0, 0.0)
    assert (curve.fmr[-1], curve.fnmr[-1]) == (0.0, 1.0)
    assert np.all(np.diff(curve.fmr) <= 0) and np.all(np.diff(curve.fnmr) >= 0)


# ---------------------------------------------------------------- EER

def test_eer_is_zero_when_scores_separate():
    assert eer([3, 4], [1, 2]) == (0.0, 3.0)


def test_eer_interpolates_between_operating_points():
    # Thresholds 2.5 -> 3: FMR 2/3 -> 1/3, FNMR 1/2 -> 1/2; FNMR - FMR goes -1/6 -> +1/6,
    # so the rates meet halfway: EER 1/2 at threshold 2.75.
    rate, threshold = eer([2, 3], [1, 2.5, 4])
    assert rate == pytest.approx(0.5)
    assert threshold == pytest.approx(2.75)


def test_eer_lies_between_minimax_bounds_from_sklearn(scores):
    genuine, impostor = scores
    fpr, tpr, _ = roc_curve(*sklearn_inputs(genuine, impostor), drop_intermediate=False)
    fnr = 1 - tpr
    rate, threshold = eer(genuine, impostor)
    assert np.max(np.minimum(fpr, fnr)) <= rate <= np.min(np.maximum(fpr, fnr))
    assert fmr(impostor, threshold) == pytest.approx(rate, abs=0.02)
    assert fnmr(genuine, threshold) == pytest.approx(rate, abs=0.02)


# ---------------------------------------------------------------- threshold for a target FMR

@pytest.mark.parametrize("target", [0.0, 0.001, 0.01, 0.1, 0.29, 0.5])
def test_threshold_for_fmr_is_the_smallest_meeting_the_target(scores, target):
    impostor = scores[1]
    t = threshold_for_fmr(impostor, target)
    assert fmr(impostor, t) <= target
    assert fmr(impostor, np.nextafter(t, -np.inf)) > target


def test_threshold_for_fmr_survives_floor_rounding():
    impostor = np.arange(100.0)  # 0.29 * 100 == 28.999999999999996 in floating point
    t = threshold_for_fmr(impostor, 0.29)
    assert fmr(impostor, t) == 0.29  # 29 impostors allowed (71..99), not 28
    assert t == np.nextafter(70.0, np.inf)


def test_threshold_for_fmr_of_one_accepts_everything():
    assert threshold_for_fmr([1, 2, 3], 1.0) == -np.inf


# ---------------------------------------------------------------- probit and SortedScores

def test_probit_is_the_normal_quantile():
    np.testing.assert_allclose(probit([0.5, norm.cdf(1), norm.cdf(-2)]), [0, 1, -2], atol=1e-12)
    assert probit(0.0) == pytest.approx(norm.ppf(1e-6))
    assert np.isfinite(probit(1.0))


def test_sorted_scores_answer_like_the_functions(scores):
    genuine, impostor = scores
    fast = SortedScores(genuine, impostor)
    t = np.linspace(30, 100, 71)
    np.testing.assert_array_equal(fast.fmr(t), fmr(impostor, t))
    np.testing.assert_array_equal(fast.fnmr(t), fnmr(genuine, t))
    assert fast.eer() == eer(genuine, impostor)
    assert fast.threshold_for_fmr(0.01) == threshold_for_fmr(impostor, 0.01)
    assert isinstance(fast.fmr(60.0), float)


# ---------------------------------------------------------------- by group

def test_by_group_agrees_with_a_hand_computation():
    score = np.array([90, 40, 85, 30, 20, 95, 81, 79])
    group = np.array(["a", "a", "a", "b", "b", "b", "c", "c"])
    result = by_group(fmr, score, groups=group, threshold=80)
    # a: 90, 85 of 3 match; b: 95 of 3; c: 81 of 2; all: 4 of 8
    assert result.by_group == pytest.approx({"a": 2 / 3, "b": 1 / 3, "c": 1 / 2})
    assert result.sizes == {"a": 3, "b": 3, "c": 2}
    assert result.overall == pytest.approx(0.5)
    assert result.difference == pytest.approx(2 / 3 - 1 / 3)
    assert result.ratio == pytest.approx(2.0)


def test_by_group_slices_several_arrays_together():
    y_true = np.array([1, 0, 1, 1, 0, 0])
    y_pred = np.array([1, 0, 0, 1, 1, 0])
    group = np.array([1, 1, 1, 2, 2, 2])
    result = by_group(lambda t, p: np.mean(t == p), y_true, y_pred, groups=group)
    assert result.by_group == pytest.approx({1: 2 / 3, 2: 2 / 3})
    assert result.ratio == pytest.approx(1.0)


def test_by_group_with_array_valued_metric():
    score = np.array([10, 20, 30, 40])
    result = by_group(fmr, score, groups=["x", "x", "y", "y"], threshold=[15, 35])
    np.testing.assert_allclose(result.by_group["x"], [0.5, 0.0])
    np.testing.assert_allclose(result.group_max, [1.0, 0.5])
    assert result.ratio[1] == np.inf  # one group has FMR 0 at threshold 35


def test_by_group_validation():
    with pytest.raises(ValueError, match="arrays: array 0 has shape"):
        by_group(fmr, [1, 2, 3], groups=["a", "b"], threshold=1)
    with pytest.raises(ValueError, match="groups: expected a non-empty"):
        by_group(fmr, [], groups=[], threshold=1)


# ---------------------------------------------------------------- bootstrap by identity

def test_bootstrap_is_deterministic_with_a_seed(scores):
    genuine = scores[0]
    people = np.arange(genuine.size) // 4
    a = bootstrap_by_identity(fnmr, genuine, identities=people, n_boot=50, seed=1, threshold=70)
    b = bootstrap_by_identity(fnmr, genuine, identities=people, n_boot=50, seed=1, threshold=70)
    c = bootstrap_by_identity(fnmr, genuine, identities=people, n_boot=50, seed=2, threshold=70)
    assert np.array_equal(a.replicates, b.replicates) and (a.low, a.high) == (b.low, b.high)
    assert not np.array_equal(a.replicates, c.replicates)
    assert a.low <= a.estimate <= a.high


def test_bootstrap_keeps_people_whole():
    """Person k owns k + 1 rows; resampling people keeps each person's block intact."""
    person = np.repeat(np.arange(5), np.arange(1, 6))

    def whole_blocks(p):
        counts = np.bincount(p, minlength=5)
        return float(np.all(counts % np.arange(1, 6) == 0))

    result = bootstrap_by_identity(whole_blocks, person, identities=person, n_boot=200, seed=0)
    assert np.all(result.replicates == 1.0)


def test_bootstrap_pairs_repeat_by_both_people():
    # Pairs of people (0, 1), (0, 2) and the mated pair (1, 1).
    pair_people = np.array([[0, 1], [0, 2], [1, 1]])
    rows = np.arange(3)

    def counts(r):
        return np.bincount(r, minlength=3).astype(float)

    result = bootstrap_by_identity(counts, rows, identities=pair_people, n_boot=300, seed=0)
    # E[a * b] for two people's draw counts (multinomial, n = 3) is 2/3; E[a] is 1.
    np.testing.assert_allclose(result.replicates.mean(axis=0), [2 / 3, 2 / 3, 1], atol=0.12)


def test_bootstrap_validation(scores):
    genuine = scores[0]
    people = np.arange(genuine.size)
    with pytest.raises(ValueError, match="n_boot"):
        bootstrap_by_identity(np.mean, genuine, identities=people, n_boot=0)
    with pytest.raises(ValueError, match="confidence"):
        bootstrap_by_identity(np.mean, genuine, identities=people, confidence=95)
    with pytest.raises(ValueError, match="identities"):
        bootstrap_by_identity(np.mean, genuine, identities=people.reshape(-1, 4))


# ---------------------------------------------------------------- validation

def test_empty_scores_are_refused():
    with pytest.raises(ValueError, match="impostor: is empty"):
        fmr([], 50)
    with pytest.raises(ValueError, match="genuine: is empty"):
        fnmr([], 50)


def test_nan_scores_are_refused():
    with pytest.raises(ValueError, match="impostor: contains NaN"):
        fmr([1.0, np.nan], 50)
    with pytest.raises(ValueError, match="genuine: contains NaN"):
        eer([np.nan, 2.0], [1.0])


def test_nan_threshold_is_refused():
    with pytest.raises(ValueError, match="threshold: is NaN"):
        fmr([1, 2], np.nan)
    with pytest.raises(ValueError, match="threshold: is NaN"):
        SortedScores(genuine=[1, 2]).fnmr([50, np.nan])


@pytest.mark.parametrize("target", [2, -0.1, np.nan])
def test_target_fmr_must_be_a_rate(target):
    """A threshold on the 0-100 scale passed as a rate is caught."""
    with pytest.raises(ValueError, match=r"target_fmr: .*a rate in \[0, 1\]"):
        threshold_for_fmr([1, 2, 3], target)


def test_probit_needs_probabilities():
    with pytest.raises(ValueError, match="p: must be a rate"):
        probit(2.0)
