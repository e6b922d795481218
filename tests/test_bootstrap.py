"""The book's one bootstrap engine (facelab.evaluation.bootstrap): both ways in agree."""

import warnings

import numpy as np
import pytest

from facelab import evaluation


def _scores(n_people, photos, seed=0):
    """Random pair scores of every pair of photos, mated pairs a little higher."""
    rng = np.random.default_rng(seed)
    pi, pj, mated = evaluation.pair_layout(n_people, photos)
    return rng.normal(50, 8, pi.size) + 12 * mated


def test_fast_path_gives_the_replicates_of_the_general_one():
    """person_errors + pooled_replicates == bootstrap_by_identity on the pairs themselves."""
    n, k, t = 12, 3, 58.0
    s = _scores(n, k)
    pi, pj, mated = evaluation.pair_layout(n, k)
    counts = evaluation.person_errors(s, n, k, t)
    fmr_fast, fnmr_fast = evaluation.pooled_replicates([counts], n_boot=50, seeds=[5])
    ident = np.stack([pi, pj], axis=1)
    slow_fmr = evaluation.bootstrap_by_identity(
        lambda x, m: evaluation.fmr(x[~m], t), s, mated, identities=ident, n_boot=50, seed=5)
    slow_fnmr = evaluation.bootstrap_by_identity(
        lambda x, m: evaluation.fnmr(x[m], t), s, mated, identities=ident, n_boot=50, seed=5)
    assert np.allclose(fmr_fast, slow_fmr.replicates)
    assert np.allclose(fnmr_fast, slow_fnmr.replicates)
    assert counts.fm == int(np.sum(~mated & (s >= t)))
    assert counts.fnm == int(np.sum(mated & (s < t)))


def test_draw_counts_draw_everyone_once_on_average():
    w = evaluation.draw_counts(40, 200, seed=1)
    assert w.shape == (200, 40) and np.all(w.sum(axis=1) == 40)
    assert np.array_equal(w, evaluation.draw_counts(40, 200, seed=1))


def test_strata_keep_every_group_at_its_size():
    """Resampling within groups: a small group is never missing from a replicate."""
    ident = np.arange(30)
    group = np.array(["A"] * 27 + ["B"] * 3)
    seen = []
    evaluation.bootstrap_by_identity(lambda g: seen.append(np.sum(g == "B")) or 0.0, group,
                                     identities=ident, strata=group, n_boot=100, seed=0)
    assert set(seen) == {3}


def test_a_person_in_two_strata_is_refused():
    with pytest.raises(ValueError, match="strata: person 1 is in two strata"):
        evaluation.bootstrap_by_identity(np.mean, np.ones(3), identities=[0, 1, 1],
                                         strata=["A", "A", "B"], n_boot=5)


def test_undefined_replicates_are_counted_and_left_out_with_a_warning():
    """0/0 in a replicate is never folded into the interval silently."""
    ident = np.arange(6)
    errors = np.array([1.0, 0, 0, 0, 0, 0])

    def ratio(e):
        return e.sum() / e[e > 0].size if (e > 0).any() else np.nan

    with pytest.warns(evaluation.BootstrapWarning, match="of 400 bootstrap replicates"):
        out = evaluation.bootstrap_by_identity(ratio, errors, identities=ident, n_boot=400)
    assert 0 < out.n_invalid < 400
    assert np.isnan(out.replicates).sum() == out.n_invalid
    assert np.isfinite(out.low) and np.isfinite(out.high)


def test_a_clean_bootstrap_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = evaluation.bootstrap_by_identity(np.mean, np.arange(10.0), identities=np.arange(10),
                                               n_boot=50)
    assert out.n_invalid == 0


@pytest.mark.parametrize("call,message", [
    (lambda: evaluation.percentile_interval(1.0, [], 0.95), "replicates: need at least one"),
    (lambda: evaluation.percentile_interval(1.0, [1.0], 1.5),
     r"confidence: must be a number in \(0, 1\)"),
    (lambda: evaluation.draw_counts(0, 10), "n_people: must be"),
    (lambda: evaluation.draw_counts(5, 2.5), "n_boot: must be an integer"),
    (lambda: evaluation.person_errors(np.zeros(3), 3, 2, 50), r"scores: 3 people with 2 photos"),
    (lambda: evaluation.pooled_replicates([], 10, []), "counts: give at least one"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
