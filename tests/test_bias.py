"""Chapter 4's experiment (facelab.experiments.composition) and every claim the chapter makes
about it.

The claims tests rebuild the chapter's own computations with the same sizes
and seeds (three seeds pooled, 2,400 held-out people per group), so that the
build cannot silently contradict the prose. They take about a minute.
"""

import math
import re
from pathlib import Path

import numpy as np
import pytest

from facelab import evaluation
from facelab.experiments import aclu_groups, composition, replay
from facelab.faces import read_csv, synth
from facelab.sources import published

CHAPTER = Path(__file__).resolve().parent.parent / "chapters" / "04-bias.md"
SEEDS = (0, 1, 2)


# --------------------------------------------------------------------------
# Bad inputs give clear errors
# --------------------------------------------------------------------------

@pytest.mark.parametrize("share", [-0.1, 1.5, float("nan"), True, "0.1", None])
def test_share_outside_unit_interval_is_refused(share):
    with pytest.raises(ValueError, match="share_b"):
        composition.train_on_composition(share)


def test_sweep_refuses_bad_shares_and_empty_lists():
    with pytest.raises(ValueError, match="shares"):
        composition.composition_sweep((0.1, 1.2))
    with pytest.raises(ValueError, match="shares"):
        composition.composition_sweep(())
    with pytest.raises(ValueError, match="seeds"):
        composition.composition_sweep((0.1,), seeds=())


class _Identity:
    """A stand-in 'embedding': the pixels themselves (enough for validation tests)."""

    def transform(self, x):
        return np.asarray(x, dtype=np.float64)


@pytest.mark.parametrize("counts", [{"A": 10, "B": 0}, {"A": 0, "B": 10}, {"A": 10, "B": 1}, 0])
def test_an_empty_group_in_evaluation_is_refused(counts):
    with pytest.raises(ValueError, match="n_test_per_group"):
        composition.evaluate_by_group(_Identity(), n_test_per_group=counts)


def test_other_bad_evaluation_inputs_are_refused():
    with pytest.raises(ValueError, match="model"):
        composition.evaluate_by_group(object(), n_test_per_group=4)
    with pytest.raises(ValueError, match="groups"):
        composition.evaluate_by_group(_Identity(), n_test_per_group=4,
                               groups={"A": synth.default_groups()["A"]})
    with pytest.raises(ValueError, match="threshold"):
        composition.evaluate_by_group(_Identity(), n_test_per_group=4, threshold=120)
    with pytest.raises(ValueError, match="target_fmr"):
        composition.evaluate_by_group(_Identity(), n_test_per_group=4, target_fmr=0)
    with pytest.raises(ValueError, match="n_test_per_group"):
        composition.evaluate_by_group(_Identity(), n_test_per_group={"A": 5, "C": 5})
    with pytest.raises(ValueError, match="n_test_per_group"):  # a block of one person
        composition.evaluate_by_group(_Identity(), n_test_per_group={"A": 600, "B": 3}, block=2)


def test_gender_shades_gaps_refuses_a_vendor_without_the_two_subgroups():
    rows = [{"vendor": "X", "subgroup": "darker_female", "error_pct": "10"}]
    with pytest.raises(ValueError, match="lighter_male"):
        published.gender_shades_gaps(rows)
    with pytest.raises(ValueError, match="empty"):
        published.gender_shades_gaps([])


# --------------------------------------------------------------------------
# The machinery
# --------------------------------------------------------------------------

def test_held_out_people_are_nobody_else():
    # Training people are 0.. of each group; chapter 3's probes and galleries
    # are 1,000,000 .. 103,000,000; held-out people start far above.
    assert composition.EVAL_START > replay.RERUN_START + 100_000_000
    faces = composition.held_out({"A": 3, "B": 3}, photos=2, seed=0)
    again = next(synth.stream_faces(3, "B", seed=0, photos_per_identity=2, chunk_size=3,
                                    start=composition.EVAL_START))
    np.testing.assert_array_equal(faces.images[6:], again.images)  # exact, via uint8
    train = next(synth.stream_faces(3, "B", seed=0, photos_per_identity=2, chunk_size=3))
    assert not np.array_equal(train.params, again.params)


def _small_scores(n_people=9, photos=3, seed=1):
    rng = np.random.default_rng(seed)
    pi, pj, mated = evaluation.pair_layout(n_people, photos)
    # A few people who resemble many others, as real impostor tails have.
    boost = np.zeros(n_people)
    boost[[1, 4]] = 1.5
    scores = rng.normal(50, 10, pi.size) + 8 * (boost[pi] + boost[pj]) + 30 * mated
    return scores, pi, pj, mated


def test_fast_bootstrap_equals_bootstrap_by_identity():
    scores, pi, pj, mated = _small_scores()
    t = 70.0
    counts = evaluation.person_errors(scores, 9, 3, t)
    fmr_reps, fnmr_reps = evaluation.pooled_replicates([counts], n_boot=200, seeds=[7])
    ident = np.column_stack([pi, pj])
    slow_fmr = evaluation.bootstrap_by_identity(
        lambda s, m: np.mean(s[~m] >= t), scores, mated, identities=ident, n_boot=200, seed=7)
    slow_fnmr = evaluation.bootstrap_by_identity(
        lambda s, m: np.mean(s[m] < t), scores, mated, identities=ident, n_boot=200, seed=7)
    np.testing.assert_allclose(fmr_reps, slow_fmr.replicates, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(fnmr_reps, slow_fnmr.replicates, rtol=1e-12, atol=1e-15)


def test_error_counts_agree_with_a_plain_computation():
    scores, pi, pj, mated = _small_scores()
    c = evaluation.person_errors(scores, 9, 3, 70.0)
    assert c.fm == np.sum(~mated & (scores >= 70)) and c.n_impostor == np.sum(~mated)
    assert c.fnm == np.sum(mated & (scores < 70)) and c.n_genuine == np.sum(mated)


def test_pool_of_one_evaluation_equals_the_evaluation(ev10):
    pooled = composition.pool([ev10])
    assert pooled.fmr.by_group == ev10.fmr.by_group
    assert pooled.fmr_ratio.low == ev10.fmr_ratio.low


def test_by_group_agrees_with_a_plain_computation_on_the_chapter_data(ev10):
    # The chapter calls evaluation.by_group on the per-pair arrays; the
    # evaluation's own numbers, a plain mean per group, and by_group agree.
    t, score, mated, group = ev10.threshold, ev10.score, ev10.mated, ev10.group
    direct = evaluation.by_group(evaluation.fmr, score[~mated], groups=group[~mated], threshold=t)
    for g in ("A", "B"):
        plain = np.mean(score[~mated & (group == g)] >= t)
        assert direct.by_group[g] == pytest.approx(plain)
        assert ev10.fmr.by_group[g] == pytest.approx(plain)
        assert ev10.fnmr.by_group[g] == pytest.approx(np.mean(score[mated & (group == g)] < t))
    # the global threshold is set for 0.1 % over both groups' impostor pairs
    assert direct.overall <= 0.001 < evaluation.fmr(score[~mated], np.nextafter(t, 0))
    assert ev10.identities.shape == (score.size, 2)
    assert np.all(mated == (ev10.identities[:, 0] == ev10.identities[:, 1]))


def test_rates_at_matches_a_fresh_evaluation_at_that_threshold(ev10):
    other = ev10.at_threshold(90.0)
    r = ev10.rates_at(90.0)
    for g in ("A", "B"):
        assert other.fmr.by_group[g] == pytest.approx(r[g]["fmr"])
        assert other.fnmr.by_group[g] == pytest.approx(r[g]["fnmr"])


def test_the_chapter_states_the_sizes_the_code_uses():
    text = CHAPTER.read_text(encoding="utf-8")
    c = composition.CompositionCache()
    assert (c.n_train, c.photos, c.test_photos, c.target_fmr) == (200, 5, 2, 0.001)
    assert c.n_test_per_group == {"A": 2400, "B": 2400}
    assert "trained on 200 synthetic people with five photos each" in text
    assert "We test on 2,400 other people of each group, two photos each" in text
    assert "blocks of 600 people per group" in text
    assert "is 0.1%" in text
    assert composition.evaluate_by_group.__defaults__[0] == 2400


# --------------------------------------------------------------------------
# The chapter's computations, rebuilt
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cache():
    return composition.CompositionCache()


@pytest.fixture(scope="module")
def ev10(cache):
    return cache.evaluation(0.1, seed=0)


@pytest.fixture(scope="module")
def sweeps(cache):
    """The chapter's sweeps at the mixes its prose names (seeds 0, 1, 2)."""
    default = composition.composition_sweep((0.1, 0.5, 0.9), seeds=SEEDS, cache=cache)
    control = composition.composition_sweep((0.1,), groups=synth.control_groups(), seeds=SEEDS,
                                     cache=cache)
    return default, control


@pytest.mark.slow  # a chapter-sized experiment: left out of make check, run by make test
def test_claim_imbalanced_training_gives_b_more_false_matches(sweeps):
    r = sweeps[0].results[0.1].fmr_ratio
    assert r.low > 1, "the interval of FMR_B / FMR_A at 10 % B must exclude 1"
    assert r.estimate > 3
    # "The direction never changes at the imbalanced mixes" (every seed)
    assert all(e["ratio"] > 1 for e in sweeps[0].results[0.1].per_evaluation)


@pytest.mark.slow  # a chapter-sized experiment: left out of make check, run by make test
def test_claim_the_gap_grows_as_b_becomes_rarer(sweeps):
    ratio = {s: p.fmr_ratio.estimate for s, p in sweeps[0].results.items()}
    assert ratio[0.1] > ratio[0.5] > ratio[0.9]


@pytest.mark.slow  # a chapter-sized experiment: left out of make check, run by make test
def test_claim_balanced_training_closes_the_gap(sweeps):
    r10, r50 = sweeps[0].results[0.1].fmr_ratio, sweeps[0].results[0.5].fmr_ratio
    assert abs(math.log(r50.estimate)) < abs(math.log(r10.estimate))
    assert r50.low <= 1 <= r50.high


@pytest.mark.slow  # a chapter-sized experiment: left out of make check, run by make test
def test_claim_the_gap_reverses_when_a_is_rare(sweeps):
    r = sweeps[0].results[0.9].fmr_ratio
    assert r.high < 1
    assert 3 < 1 / r.estimate < 8  # "about five times"
    assert all(e["ratio"] < 1 for e in sweeps[0].results[0.9].per_evaluation)


@pytest.mark.slow  # a chapter-sized experiment: left out of make check, run by make test
def test_claim_the_control_shows_no_gap_beyond_noise(sweeps):
    control = sweeps[1].results[0.1]
    r = control.fmr_ratio
    assert r.low <= 1 <= r.high, "in the control the interval must contain 1 (log ratio 0)"
    assert abs(math.log(r.estimate)) < 0.3
    # "agree to within a point"
    assert abs(control.fnmr.by_group["A"] - control.fnmr.by_group["B"]) < 0.01


@pytest.mark.slow  # a chapter-sized experiment: left out of make check, run by make test
def test_claim_false_non_matches_go_the_other_way(sweeps):
    p = sweeps[0].results[0.1]
    assert p.fnmr.by_group["A"] > p.fnmr.by_group["B"]
    assert p.fnmr_ci["A"].low > p.fnmr_ci["B"].high  # not noise


@pytest.mark.slow  # a chapter-sized experiment: left out of make check, run by make test
def test_claim_seed_spread(sweeps):
    spread = max(max(p["ratio"] for p in r.per_evaluation)
                 / min(p["ratio"] for p in r.per_evaluation) for r in sweeps[0].results.values())
    assert 2 < spread < 6  # "up to a factor of about four" (alt text)


def test_claim_single_matcher_at_ten_percent(ev10):
    # prose and figures: "about 8 times", the interval far from 1, B's whole
    # distribution (impostor and genuine) to the right, threshold near 88
    assert 6 < ev10.fmr_ratio.estimate < 10 and ev10.fmr_ratio.low > 3
    assert 87 < ev10.threshold < 89
    assert ev10.impostor("B").mean() - ev10.impostor("A").mean() > 3
    assert ev10.genuine("B").mean() > ev10.genuine("A").mean()
    # DET: at the same FMR, B's FNMR is higher; "about ten points" at 1 % (alt text)
    gap = {}
    for target in (1e-3, 1e-2, 1e-1):
        fnmr = {g: s.fnmr(s.threshold_for_fmr(target)) for g, s in ev10.sorted.items()}
        gap[target] = fnmr["B"] - fnmr["A"]
        assert gap[target] > 0
    assert 0.06 < gap[1e-2] < 0.14
    # at the one global threshold B's marker is right of A's and lower
    assert ev10.fmr.by_group["B"] > ev10.fmr.by_group["A"]
    assert ev10.fnmr.by_group["B"] < ev10.fnmr.by_group["A"]


def test_claim_markers_nearly_coincide_at_fifty_percent_and_in_the_control(cache):
    for e in (cache.evaluation(0.5, seed=0),
              cache.evaluation(0.1, seed=0, groups=synth.control_groups())):
        assert 0.5 < e.fmr_ratio.estimate < 2
        assert abs(e.fnmr.by_group["A"] - e.fnmr.by_group["B"]) < 0.03


def test_claim_per_group_thresholds_shift_false_non_matches(ev10):
    rows = {r["group"]: r for r in composition.per_group_thresholds(ev10)}
    a, b = rows["A"], rows["B"]
    assert b["own_threshold"] > ev10.threshold > a["own_threshold"]
    assert b["fnmr_change"] > 0 > a["fnmr_change"]
    assert a["own_fmr"] <= 0.001 and b["own_fmr"] <= 0.001
    assert a["own_fmr"] > a["global_fmr"]  # A's false matches rise to the shared target
    assert b["own_fnmr"] > a["own_fnmr"]  # "unequal false non-match rates"


@pytest.mark.slow  # a chapter-sized experiment: left out of make check, run by make test
def test_claim_fifty_fifty_seed_range(sweeps):
    ratios = [e["ratio"] for e in sweeps[0].results[0.5].per_evaluation]
    assert min(ratios) < 1 < max(ratios)


@pytest.mark.slow  # a chapter-sized experiment: left out of make check, run by make test
def test_claim_chapter_three_matcher_keeps_the_direction():
    m16 = replay.train_embedding(seed=0, shares={"A": 0.9, "B": 0.1})
    r = composition.evaluate_by_group(m16, seed=0).fmr_ratio
    assert r.low > 1 and r.estimate > 3  # "several times more"
    m16 = replay.train_embedding(seed=0, shares={"A": 0.5, "B": 0.5})
    r = composition.evaluate_by_group(m16, seed=0).fmr_ratio
    assert r.low <= 1 <= r.high


@pytest.mark.slow  # a chapter-sized experiment: left out of make check, run by make test
def test_claim_aclu_replay_shares(cache):
    galleries = {"mix": {"A": 20_000, "B": 5_000}, "half": {"A": 12_500, "B": 12_500}}
    found = {}
    for share in (0.1, 0.5):
        result = aclu_groups.aclu_gallery(cache.model(share, seed=0), seed=0)
        for name, counts in galleries.items():
            found[(share, name)] = aclu_groups.aclu_group_shares(result, counts)
        del result
    for a in found.values():
        assert sum(a.counts.values()) == 28 and a.probe_shares["B"] == pytest.approx(0.2, abs=0.01)
    assert abs(found[(0.1, "mix")].shares["B"] - 0.2) <= 0.05  # "about their share"
    assert found[(0.1, "half")].shares["B"] > 0.3  # "well above B's 20%"
    for name in galleries:  # "a smaller share in both galleries"
        assert found[(0.5, name)].shares["B"] < found[(0.1, name)].shares["B"]


# --------------------------------------------------------------------------
# Gender Shades
# --------------------------------------------------------------------------

def test_gender_shades_gaps_are_computed_from_the_table():
    gaps = published.gender_shades_gaps()
    table = {(r["vendor"], r["subgroup"]): float(r["error_pct"])
             for r in read_csv("gender_shades.csv")}
    assert [g["vendor"] for g in gaps] == ["Microsoft", "Face++", "IBM"]
    for g in gaps:
        v = g["vendor"]
        expected = table[(v, "darker_female")] - table[(v, "lighter_male")]
        assert g["difference"] == pytest.approx(expected)
        assert g["worst"] == "darker_female"  # "for every vendor the worst subgroup"
        assert g["difference"] >= 20
    ms = gaps[0]
    assert ms["lighter_male"] == 0 and math.isinf(ms["ratio"])  # "no errors on lighter-skinned men"


def test_gender_shades_exercise_claims():
    men = {g["vendor"]: g["by_subgroup"]["darker_male"] - g["by_subgroup"]["lighter_male"]
           for g in published.gender_shades_gaps()}
    assert max(men, key=men.get) == "IBM"
    assert men["Face++"] < 0


# --------------------------------------------------------------------------
# The chapter's figures cite what they show
# --------------------------------------------------------------------------

def test_every_figure_in_the_chapter_has_alt_text_and_a_caption():
    text = CHAPTER.read_text(encoding="utf-8")
    cells = re.findall(r"```\{code-cell\} ipython3\n---\n(.*?)\n---\n", text, flags=re.S)
    assert len(cells) >= 9
    for meta in cells:
        assert "alt: >-" in meta and "caption: >-" in meta and "name: fig-" in meta, meta[:80]
