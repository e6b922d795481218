"""Tests for facelab.evaluation.gallery: false matches at gallery scale."""

import numpy as np
import pytest

from facelab.evaluation import implied_fmr, p_any_false_match, watchlist

# ---------------------------------------------------------------- p_any_false_match

def test_edge_cases_of_p_any_false_match():
    assert p_any_false_match(0.0, 25_000) == 0.0
    assert p_any_false_match(1.0, 25_000) == 1.0
    assert p_any_false_match(0.3, 1) == pytest.approx(0.3)
    assert p_any_false_match(0.3, 0) == 0.0  # an empty gallery matches nobody
    assert p_any_false_match(0.5, 2) == pytest.approx(0.75)


def test_tiny_fmr_keeps_full_precision():
    fmr, n = 1e-12, 1_000
    # 1 - (1 - f)^n = n f - C(n, 2) f^2 + ..., the third term far below 1e-30.
    expected = n * fmr - n * (n - 1) / 2 * fmr**2
    assert p_any_false_match(fmr, n) == pytest.approx(expected, rel=1e-12)
    naive = 1 - (1 - fmr) ** n
    assert abs(naive - expected) / expected > 1e-6  # the textbook formula loses digits


def test_p_any_false_match_broadcasts():
    out = p_any_false_match([1e-6, 1e-5], [[25_000], [850_000]])
    assert out.shape == (2, 2)
    assert np.all(np.diff(out, axis=0) > 0) and np.all(np.diff(out, axis=1) > 0)


# ---------------------------------------------------------------- implied_fmr

def test_aclu_congress_test_implies_about_two_in_a_million():
    p = implied_fmr(28, 535, 25_000)
    assert p == pytest.approx(2.1503e-6, rel=1e-4)
    assert p_any_false_match(p, 25_000) == pytest.approx(28 / 535, rel=1e-12)


@pytest.mark.parametrize("n_false", [0, 1, 28, 300, 535])
@pytest.mark.parametrize("gallery_size", [1, 25_000, 850_000])
def test_implied_fmr_inverts_p_any_false_match(n_false, gallery_size):
    p = implied_fmr(n_false, 535, gallery_size)
    assert 0 <= p <= 1
    assert p_any_false_match(p, gallery_size) == pytest.approx(n_false / 535, rel=1e-10, abs=1e-15)


# ---------------------------------------------------------------- watchlist

def test_watchlist_on_a_hand_worked_example():
    # 100 probes, 20 on a 2-person list. FMR 1/2, FNMR 1/4.
    #   strangers: 80 probes x (1 - 1/2^2 = 3/4) alert        -> 60 false alerts
    #   listed:    20 x 3/4 find themselves                   -> 15 true alerts
    #              20 x 1/4 miss, x 1/2 match the other entry -> 2.5 false alerts
    w = watchlist(fmr=0.5, fnmr=0.25, gallery_size=2, n_probes=100, base_rate=0.2)
    assert w.fpir == pytest.approx(0.75)
    assert w.fnir == pytest.approx(0.25)
    assert w.expected_true_alerts == pytest.approx(15)
    assert w.expected_false_alerts == pytest.approx(62.5)
    assert w.precision == pytest.approx(15 / 77.5)
    assert w.probes_per_false_alert == pytest.approx(1.6)


def test_rare_targets_make_most_alerts_false():
    # A good matcher (FMR 1e-6, FNMR 1 %) and 1 wanted person per 10,000 probes.
    w = watchlist(fmr=1e-6, fnmr=0.01, gallery_size=25_000, n_probes=1_000_000,
                  base_rate=1e-4)
    assert w.expected_true_alerts == pytest.approx(99)
    assert w.precision < 0.01


def test_extremes_of_the_base_rate_and_fmr():
    nobody_listed = watchlist(fmr=1e-4, fnmr=0.1, gallery_size=100, n_probes=50, base_rate=0)
    assert nobody_listed.expected_true_alerts == 0 and nobody_listed.precision == 0
    perfect = watchlist(fmr=0, fnmr=0.1, gallery_size=100, n_probes=50, base_rate=0.5)
    assert perfect.precision == 1 and perfect.probes_per_false_alert == np.inf
    silent = watchlist(fmr=0, fnmr=1, gallery_size=100, n_probes=50, base_rate=0.5)
    assert np.isnan(silent.precision)


def test_watchlist_broadcasts_along_an_error_curve():
    w = watchlist(fmr=[1e-3, 1e-5], fnmr=[0.01, 0.1], gallery_size=25_000,
                  n_probes=535, base_rate=0.01)
    assert w.expected_false_alerts.shape == (2,)
    assert w.expected_false_alerts[1] < w.expected_false_alerts[0]  # stricter: fewer false
    assert w.expected_true_alerts[1] < w.expected_true_alerts[0]    # ... and fewer true


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize("fmr", [2, -0.1, np.nan])
def test_fmr_must_be_a_probability(fmr):
    with pytest.raises(ValueError, match=r"fmr: .*a rate in \[0, 1\]"):
        p_any_false_match(fmr, 100)
    with pytest.raises(ValueError, match=r"fmr: .*a rate"):
        watchlist(fmr, 0.1, 100, 100, 0.01)


@pytest.mark.parametrize("name, kwargs", [
    ("fnmr", dict(fnmr=1.5)),
    ("base_rate", dict(base_rate=-0.01)),
    ("gallery_size", dict(gallery_size=0)),
    ("gallery_size", dict(gallery_size=np.inf)),
    ("n_probes", dict(n_probes=0)),
])
def test_watchlist_validates_each_argument(name, kwargs):
    args = dict(fmr=1e-5, fnmr=0.1, gallery_size=100, n_probes=100, base_rate=0.01)
    args.update(kwargs)
    with pytest.raises(ValueError, match=f"^{name}: "):
        watchlist(**args)


def test_implied_fmr_validation():
    with pytest.raises(ValueError, match="n_false: cannot exceed n_probes"):
        implied_fmr(600, 535, 25_000)
    with pytest.raises(ValueError, match="n_probes"):
        implied_fmr(0, 0, 25_000)
    with pytest.raises(ValueError, match="gallery_size"):
        implied_fmr(1, 10, 0)
    with pytest.raises(ValueError, match="gallery_size"):
        p_any_false_match(1e-6, -1)
