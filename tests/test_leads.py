"""facelab.evaluation.leads and facelab.experiments.candidates (chapter 9).

The arithmetic is checked against scipy's binomial distribution and against a
brute-force simulation; the Olivetti lists against a direct computation.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binom

from facelab.evaluation import leads


@pytest.mark.parametrize("n, p, j", [
    (1, 0.3, 1), (39, 0.0287, 1), (39, 0.0287, 5), (25_000, 2.2e-6, 1), (25_000, 2.2e-6, 3),
    (25_000, 1e-9, 2), (3_000_000_000, 1e-9, 10), (100, 0.5, 50), (10, 0.999, 10),
    (1_000_000, 0.0287, 28_000),
])
def test_tail_agrees_with_scipy(n, p, j):
    ours, theirs = leads.binomial_tail(n, p, j), binom.sf(j - 1, n, p)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-300)


def test_tail_edges():
    assert leads.binomial_tail(5, 0.2, 0) == 1.0
    assert leads.binomial_tail(5, 0.2, 6) == 0.0
    assert leads.binomial_tail(5, 0.0, 1) == 0.0
    assert leads.binomial_tail(5, 1.0, 5) == 1.0


def test_pmfs_sum_to_one():
    assert sum(leads.binomial_pmfs(30, 0.2, 30)) == pytest.approx(1.0, rel=1e-12)
    assert leads.binomial_pmfs(3, 1.0, 5) == [0, 0, 0, 1.0, 0, 0]


def test_expected_listed_is_capped_by_k_and_n():
    assert leads.expected_listed(1.0, 25_000, 10) == 10.0
    assert leads.expected_listed(1.0, 3, 10) == 3.0
    assert leads.expected_listed(0.0, 25_000, 10) == 0.0
    # small FMR: about N x FMR, and never more
    e = leads.expected_listed(2.2e-6, 25_000, 10)
    assert e == pytest.approx(25_000 * 2.2e-6, rel=1e-3) and e <= 25_000 * 2.2e-6 * (1 + 1e-12)


def test_review_matches_a_simulation():
    rng = np.random.default_rng(0)
    n, fmr, k, r, trials = 200, 0.02, 5, 0.3, 200_000
    listed = np.minimum(rng.binomial(n, fmr, trials), k)
    confirmed = rng.binomial(listed, r)
    out = leads.review(fmr, n, k, r, searches=trials)
    assert out.expected_candidates == pytest.approx(listed.mean(), rel=0.01)
    assert out.p_innocent_put_forward == pytest.approx(np.mean(confirmed > 0), rel=0.02)
    assert out.expected_innocent == pytest.approx(confirmed.mean(), rel=0.02)
    assert out.searches_with_innocent_total == pytest.approx(trials * out.p_innocent_put_forward)


def test_review_keeps_tiny_chances():
    out = leads.review(1e-12, 25_000, 10, 0.01)
    assert out.p_innocent_put_forward == pytest.approx(0.01 * 25_000 * 1e-12, rel=1e-6)


def test_review_without_threshold_and_perfect_reviewer():
    out = leads.review(1.0, 1_000, 5, 0.0)
    assert out.p_any_candidate == 1.0 and out.expected_candidates == 5.0
    assert out.p_innocent_put_forward == 0.0 and out.innocent_total == 0.0
    out = leads.review(1.0, 1_000, 5, 1.0)
    assert out.p_innocent_put_forward == 1.0 and out.expected_innocent == 5.0


@pytest.mark.parametrize("kwargs, message", [
    ({"fmr": 2}, "fmr"), ({"fmr": float("nan")}, "fmr"), ({"fmr": "0.1"}, "fmr"),
    ({"gallery_size": 0}, "gallery_size"), ({"gallery_size": 2.5}, "gallery_size"),
    ({"gallery_size": True}, "gallery_size"), ({"list_length": 0}, "list_length"),
    ({"reviewer_error": -0.1}, "reviewer_error"), ({"reviewer_error": 10}, "reviewer_error"),
    ({"searches": -1}, "searches"), ({"searches": "many"}, "searches"),
])
def test_bad_inputs_name_the_argument(kwargs, message):
    args = {"fmr": 0.01, "gallery_size": 100, "list_length": 5, "reviewer_error": 0.1,
            "searches": 10} | kwargs
    with pytest.raises((TypeError, ValueError), match=rf"^{message}:"):
        leads.review(**args)


# --------------------------------------------------------------------------
# The Olivetti candidate lists
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fisher_lists():
    from facelab.experiments.candidates import candidate_lists

    return candidate_lists("fisher"), candidate_lists("fisher", present=True)


def test_absent_lists_hold_only_strangers(fisher_lists):
    absent, present = fisher_lists
    assert absent.gallery_size == 14 and absent.scores.shape == (150, 10)
    assert not np.any(absent.candidate_person == absent.probe_person[:, None])
    assert absent.rank1_correct() == 0.0
    assert present.gallery_size == 15 and present.scores.shape == (135, 10)
    assert present.rank1_correct() > 0.5
    assert np.all(np.diff(absent.scores, axis=1) <= 0)


def test_lists_agree_with_a_direct_search(fisher_lists):
    from facelab.experiments.candidates import _pool

    absent, _ = fisher_lists
    emb, person, image = _pool("fisher")
    e = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    k = 0  # the first probe
    p = absent.probe_person[k]
    gallery = [np.flatnonzero(person == q)[0] for q in np.unique(person) if q != p]
    probe = np.flatnonzero(image == absent.probe_image[k])[0]
    scores = 50 * (1 + e[gallery] @ e[probe])
    assert absent.scores[k, 0] == pytest.approx(scores.max(), abs=1e-9)
    assert absent.share_listed(0) == 1.0 and absent.mean_listed(0, 5) == 5.0


def test_list_arguments_are_checked(fisher_lists):
    from facelab.experiments.candidates import candidate_lists

    absent, _ = fisher_lists
    with pytest.raises(ValueError, match="^threshold:"):
        absent.share_listed(200)
    with pytest.raises(ValueError, match="^k:"):
        absent.mean_listed(80, 11)
    with pytest.raises(TypeError, match="^present:"):
        candidate_lists("fisher", present="yes")
    with pytest.raises(ValueError, match="^model:"):
        candidate_lists("arcface")
    assert math.isfinite(absent.mean_listed(80, 10))


def test_arrest_cards_cite_every_source():
    from facelab.faces import read_csv
    from facelab.views import tables

    text = tables.arrest_cards(read_csv("arrests.csv")).data
    assert text.count("**") == 10 and "held 30 hours" in text
    assert "{cite:p}`hill2020wrongfully,aclu2024williams,williams2024settlement`" in text
    with pytest.raises(ValueError, match="^rows:"):
        tables.arrest_cards([])
    with pytest.raises(ValueError, match="^keys:"):
        tables.cite("not a key!")
