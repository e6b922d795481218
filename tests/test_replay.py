"""Tests for facelab.experiments.replay, and the claims chapter 3 makes about its results.

The claims tests run the chapter's own default replay (535 probes, 25,000
gallery people, about 10 s); the 850,000-face run is replaced by smaller
galleries where a claim scales with the gallery.
"""

import io

import numpy as np
import pytest

from facelab import evaluation, matching
from facelab.experiments import olivetti, replay
from facelab.faces import synth
from facelab.sources import facts
from facelab.views import explorers


@pytest.fixture(scope="module")
def emb():
    """The chapter's embedding: Fisherfaces on 200 synthetic training people."""
    return replay.train_embedding(seed=0)


@pytest.fixture(scope="module")
def aclu(emb):
    """The chapter's replay: 535 probes (80% A, 20% B) against 25,000 other people."""
    return replay.aclu_replay(emb)


@pytest.fixture(scope="module")
def small(emb):
    """A small replay for exact checks: 40 probes against 600 people."""
    return replay.aclu_replay(emb, n_probes=40, gallery_size=600, chunk_size=250)


# ---------------------------------------------------------------- the embedding

def test_fast_transform_is_the_fitted_fisherfaces(emb):
    faces = next(synth.stream_faces(6, "B", seed=3, photos_per_identity=2, chunk_size=6))
    fast = emb.transform(faces.images)
    exact = emb.model.transform(faces.data)
    assert fast.dtype == np.float32 and fast.shape == (12, emb.dim) == exact.shape
    assert np.allclose(matching.cosine_similarity(fast, fast),
                       matching.cosine_similarity(exact, exact), atol=1e-5)


def test_default_training_population_is_documented(emb):
    assert emb.n_per_group == {"A": 100, "B": 100}
    assert emb.training_shares == {"A": 0.5, "B": 0.5}
    assert emb.dim == 16 == synth.N_FEATURES
    assert replay.DEFAULT_TRAINING["n_people"] == sum(emb.n_per_group.values())


def test_training_shares_are_a_parameter():
    e = replay.train_embedding(seed=1, n_people=40, shares={"A": 0.9, "B": 0.1},
                               photos_per_person=3, n_pca=60, n_components=8)
    assert e.n_per_group == {"A": 36, "B": 4} and e.dim == 8


# ---------------------------------------------------------------- who is who

def test_probes_gallery_and_training_are_different_people(small, emb):
    assert replay.TRAIN_START + 10 ** 6 <= replay.PROBE_START
    assert small.probes.index.min() >= replay.PROBE_START
    assert small.probes.index.max() < replay.GALLERY_START
    assert small.gallery_index.min() >= replay.GALLERY_START
    assert small.gallery_index.max() < replay.RERUN_START
    # within one group, a gallery person is never photographed twice
    for g in ("A", "B"):
        idx = small.gallery_index[small.gallery_group == g]
        assert len(np.unique(idx)) == len(idx)


def test_gallery_layout_follows_the_shares_in_every_prefix():
    labels, rank = replay.gallery_layout(10_000, {"A": 0.8, "B": 0.2}, seed=0)
    assert (labels == "B").sum() == 2_000
    for g in ("A", "B"):
        assert np.array_equal(rank[labels == g], np.arange((labels == g).sum()))
    for n in (1_000, 2_500, 5_000):
        assert abs((labels[:n] == "B").mean() - 0.2) < 0.03
    again, _ = replay.gallery_layout(10_000, {"A": 0.8, "B": 0.2}, seed=0)
    assert np.array_equal(labels, again)


def test_faces_rendered_again_give_the_stored_scores(small, emb):
    pairs = small.false_match_pairs(small.max_score.min())[:3]
    rows = [p[0] for p in pairs]
    cols = [p[1] for p in pairs]
    probe = emb.transform(small.probe_faces(rows))
    gallery = emb.transform(small.gallery_faces(cols))
    scores = matching.verify(probe, gallery, threshold=0).score
    assert np.allclose(scores, [p[2] for p in pairs], atol=1e-3)
    assert np.allclose(scores, small.scores[rows, cols], atol=1e-3)


def test_chunk_size_changes_nothing_but_rounding(emb, small):
    # Same people and pixels; only the float32 products are blocked differently.
    again = replay.aclu_replay(emb, n_probes=40, gallery_size=600, chunk_size=600)
    assert np.allclose(again.scores, small.scores, atol=1e-4)


# ---------------------------------------------------------------- readings

def test_counts_agree_with_the_score_matrix(small):
    for t in (60.0, 80.0, 90.0, 95.5):
        assert small.false_matches(t) == int(np.sum(small.scores.max(axis=1) >= t))
        assert small.missed(t) == int(np.sum(small.mated_score < t))
        assert small.fmr(t) == pytest.approx(np.mean(small.scores >= t))
    ts = np.linspace(50, 100, 51)
    assert np.all(np.diff(small.false_matches(ts)) <= 0)
    assert np.all(np.diff(small.missed(ts)) >= 0)


def test_group_readings(small):
    t = float(np.median(small.max_score))
    counts = small.group_counts(t)
    assert sum(counts.values()) == small.false_matches(t)
    assert sum(small.group_shares(t).values()) == pytest.approx(1)
    assert small.probe_shares == {"A": 32 / 40, "B": 8 / 40}
    rates = small.group_rates(t)
    assert rates["B"] == counts["B"] / 8
    assert all(np.isnan(v) for v in small.group_shares(100).values())
    by = small.fmr_by_group(70)
    assert set(by) == {("A", "A"), ("A", "B"), ("B", "A"), ("B", "B")}


def test_nested_maxima_match_the_explorer_helper(small):
    sizes = [10, 100, 600]
    mine = small.nested_max(sizes)
    theirs = explorers.gallery_max_scores(small.scores, sizes)
    for n in sizes:
        assert np.allclose(mine[n], theirs[n])
    assert np.array_equal(mine[600], small.max_score)


def test_amazon_reply_equals_a_brute_force_search(emb, small):
    out = replay.amazon_reply(emb, gallery_size=1_200, threshold=90, chunk_size=500,
                              probes=small.probes)
    labels, rank = replay.gallery_layout(1_200, small.gallery_shares, seed=0)
    gallery = np.empty((1_200, emb.dim), dtype=np.float32)
    for g in ("A", "B"):
        where = labels == g
        faces = next(synth.stream_faces(int(where.sum()), g, seed=0, chunk_size=10_000,
                                        start=replay.RERUN_START))
        gallery[where] = emb.transform(faces.images)
    scores = matching.similarity_scores(small.probes.embeddings, gallery)
    assert np.allclose(out.max_score, scores.max(axis=1), atol=1e-4)
    assert np.array_equal(out.n_above, (scores >= 90).sum(axis=1))
    assert out.fmr_at_threshold == pytest.approx(np.mean(scores >= 90))
    assert out.false_matches(90) == int(np.sum(scores.max(axis=1) >= 90))


def test_amazon_reply_is_the_same_bit_for_bit_in_several_processes(emb, small):
    """Drawing the gallery in two processes changes nothing (same blocks, same faces)."""
    kw = dict(gallery_size=1_200, threshold=90, chunk_size=400, probes=small.probes)
    one = replay.amazon_reply(emb, n_jobs=1, **kw)
    two = replay.amazon_reply(emb, n_jobs=2, **kw)
    assert np.array_equal(one.max_score, two.max_score)
    assert np.array_equal(one.best_entry, two.best_entry)
    assert np.array_equal(one.n_above, two.n_above)


@pytest.mark.parametrize("n_jobs", [0, 2.0, "2", 65, -1000])
def test_amazon_reply_checks_n_jobs(emb, small, n_jobs):
    with pytest.raises(ValueError, match="n_jobs"):
        replay.amazon_reply(emb, gallery_size=10, probes=small.probes, n_jobs=n_jobs)


def test_print_progress_prints_a_short_log():
    buf = io.StringIO()
    p = replay.print_progress("Searching", every=0.25, file=buf)
    for done in (10, 30, 50, 70, 100):
        p(done, 100)
    lines = buf.getvalue().splitlines()
    assert [line.split(" (")[0] for line in lines] == [
        "Searching: 30%", "Searching: 50%", "Searching: 100%"]
    assert lines[-1].startswith("Searching: 100% (100 of 100) after ")
    buf = io.StringIO()
    once = replay.print_progress("Once", every=1, file=buf)
    for done in (10, 60, 100):
        once(done, 100)
    assert buf.getvalue().count("\n") == 1


@pytest.mark.parametrize("call, arg", [
    (lambda: replay.aclu_replay(n_probes=0), "n_probes"),
    (lambda: replay.aclu_replay(gallery_size=0), "gallery_size"),
    (lambda: replay.aclu_replay(gallery_size=200_000), "gallery_size"),
    (lambda: replay.aclu_replay(probe_shares={"A": 0.5}), "probe_shares"),
    (lambda: replay.aclu_replay(gallery_shares={"C": 1.0}), "gallery_shares"),
    (lambda: replay.aclu_replay(seed=-1), "seed"),
    (lambda: replay.aclu_replay(embedding="fisher"), "embedding"),
    (lambda: replay.aclu_replay(progress=3), "progress"),
    (lambda: replay.amazon_reply(threshold=101), "threshold"),
    (lambda: replay.amazon_reply(gallery_size=10 ** 9), "gallery_size"),
    (lambda: replay.train_embedding(n_people=1), "n_people"),
    (lambda: replay.train_embedding(shares={"A": 2.0, "B": -1.0}), "shares"),
    (lambda: olivetti.olivetti_scores("cnn"), "model"),
    (lambda: replay.print_progress("x", every=0), "every"),
])
def test_bad_arguments_are_named(call, arg):
    with pytest.raises(ValueError, match=f"^{arg}:"):
        call()


def test_thresholds_are_checked(small):
    for bad in (-1, 100.5, float("nan"), "80", True):
        with pytest.raises(ValueError, match="^threshold:"):
            small.false_matches(bad)


# ---------------------------------------------------------------- chapter 3's claims

def test_ch3_at_80_every_probe_is_falsely_matched(aclu):
    assert aclu.n_probes == 535 and aclu.gallery_size == 25_000
    assert aclu.false_matches(80) == 535


def test_ch3_at_95_most_probes_are_still_falsely_matched(aclu):
    assert aclu.false_matches(95) > 535 / 2


def test_ch3_at_99_no_probe_is_falsely_matched_in_25000(aclu):
    assert aclu.false_matches(99) == 0


def test_ch3_the_price_of_99_is_missing_almost_every_true_match(aclu):
    assert aclu.missed(80) < 0.1 * 535
    assert aclu.missed(95) > 0.3 * 535
    assert aclu.missed(99) > 0.9 * 535


def test_ch3_per_comparison_error_is_small_but_searches_fail(aclu):
    # "more than 99% of single comparisons are correctly rejected at 95"
    assert aclu.fmr(95) < 0.01
    assert aclu.false_matches(95) / 535 > 0.5


def test_ch3_the_aclu_count_falls_between_95_and_99_on_our_scale(aclu):
    ts = np.round(np.arange(95, 99.01, 0.01), 2)
    crossing = ts[np.argmax(aclu.false_matches(ts) <= 28)]
    assert 95 < crossing < 99


def test_ch3_the_formula_overstates_the_probes_hit(aclu):
    # False matches cluster on some probes, so fewer distinct probes are hit
    # than independent comparisons would predict.
    for t in (97.0, 98.0):
        predicted = 535 * evaluation.p_any_false_match(aclu.fmr(t), 25_000)
        assert aclu.false_matches(t) < predicted


def test_ch3_false_matches_come_from_the_probes_own_group(aclu):
    by = aclu.fmr_by_group(95)
    assert by[("A", "A")] > 10 * by[("A", "B")]
    assert by[("B", "B")] > 10 * by[("B", "A")]


def test_ch3_group_b_is_under_represented_among_false_matches(aclu):
    # With a gallery that is 80% A, B probes meet fewer look-alikes.
    ts = np.round(np.arange(95, 99.01, 0.01), 2)
    t_28 = ts[np.argmax(aclu.false_matches(ts) <= 28)]
    for t in (95.0, 97.0, t_28):
        assert aclu.group_shares(t)["B"] < aclu.probe_shares["B"]
    assert aclu.group_shares(80) == pytest.approx(aclu.probe_shares)


def test_ch3_a_gallery_of_mostly_b_people_shifts_false_matches_to_b(aclu):
    # The exercise's answer, with its 5,000-person galleries.
    kw = dict(embedding=aclu.embedding, gallery_size=5_000, probes=aclu.probes)
    mostly_a = replay.aclu_replay(**kw)
    mostly_b = replay.aclu_replay(gallery_shares={"A": 0.2, "B": 0.8}, **kw)
    t = 97.0
    assert mostly_b.group_shares(t)["B"] > mostly_a.group_shares(t)["B"]
    assert mostly_b.group_shares(t)["B"] > aclu.probe_shares["B"]


def test_ch3_b_pairs_are_less_often_confused_than_a_pairs(aclu):
    by = aclu.fmr_by_group(95)
    assert by[("B", "B")] < by[("A", "A")]


def test_ch3_exercise_threshold_for_one_in_a_thousand():
    genuine, impostor = olivetti.olivetti_scores("fisher")
    t = evaluation.threshold_for_fmr(impostor, 0.001)
    assert 86 < t < 88
    assert 0.4 < evaluation.fnmr(genuine, t) < 0.6


def test_ch3_exercise_city_council():
    w = evaluation.watchlist(fmr=1e-6, fnmr=0.05, gallery_size=500, n_probes=20_000,
                            base_rate=2 / 20_000)
    assert round(w.expected_false_alerts) == 10 and round(w.expected_true_alerts) == 2
    assert 1 / 7 < w.precision < 1 / 5  # "five in six alerts are false"


def test_ch3_the_same_80_means_different_fmrs(aclu):
    rates = {m: evaluation.fmr(olivetti.olivetti_scores(m)[1], 80)
             for m in ("raw", "eigen", "fisher")}
    rates["synthetic"] = aclu.fmr(80)
    aclu_implied = evaluation.implied_fmr(facts.value("aclu_false_matches"),
                                         facts.value("aclu_probes"),
                                         facts.value("aclu_gallery_size"))
    assert min(rates.values()) > 1000 * aclu_implied
    assert max(rates.values()) > 5 * min(rates.values())


def test_ch3_olivetti_scores_are_chapter_2s():
    genuine, impostor = olivetti.olivetti_scores("fisher")
    assert (len(genuine), len(impostor)) == (675, 10_500)
    assert not genuine.flags.writeable


# ---------------------------------------------------------------- the watchlist lessons

def test_ch3_south_wales_share_is_93_not_92():
    share = facts.value("swp_false_alerts") / facts.value("swp_alerts")
    assert round(100 * share, 1) == 93.0
    assert int(100 * share) == facts.value("swp_false_alert_share_pct")  # truncated


def test_ch3_met_denominators_differ_by_more_than_a_thousand():
    per_face = facts.value("met_lfr_false_alerts") / facts.value("met_lfr_faces_scanned")
    per_alert = facts.value("met_lfr_false_alerts") / facts.value("met_lfr_alerts")
    assert per_alert / per_face > 1000
    assert round(100 * per_face, 4) == facts.value("met_lfr_false_alert_rate_faces_pct")
    assert round(100 * per_alert, 2) == facts.value("met_lfr_false_alert_rate_alerts_pct")


def test_ch3_rare_wanted_people_make_most_alerts_false():
    fmr = evaluation.implied_fmr(28, 535, 25_000)
    w = evaluation.watchlist(fmr=fmr, fnmr=0.1, gallery_size=1_000,
                            n_probes=facts.value("swp_visitors"), base_rate=[1e-3, 1e-4, 1e-5])
    assert np.all(np.diff(w.precision) < 0)
    assert w.precision[1] < 0.5


def test_ch3_fisherfaces_beat_the_other_embeddings_at_every_fmr():
    scores = {m: olivetti.olivetti_scores(m) for m in ("raw", "eigen", "fisher")}
    for target in (0.0005, 0.001, 0.01, 0.05, 0.1, 0.3):
        fnmr = {m: evaluation.fnmr(g, evaluation.threshold_for_fmr(i, target))
                for m, (g, i) in scores.items()}
        assert fnmr["fisher"] <= min(fnmr["raw"], fnmr["eigen"]), (target, fnmr)


def test_ch3_the_same_threshold_falsely_matches_more_in_a_larger_gallery(aclu):
    # Amazon's reply at the ACLU-like setting, with a gallery twice (not 34 times) as large.
    ts = np.round(np.arange(95, 99.01, 0.01), 2)
    t_28 = ts[np.argmax(aclu.false_matches(ts) <= 28)]
    larger = replay.amazon_reply(aclu.embedding, gallery_size=50_000, threshold=99,
                                 probes=aclu.probes)
    assert larger.false_matches(t_28) > aclu.false_matches(t_28)
    assert larger.false_matches(99) >= aclu.false_matches(99)
