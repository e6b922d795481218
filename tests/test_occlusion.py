"""Tests for facelab.experiments.occlusion, and for every claim Chapter 5 makes about its results.

The first half checks the functions on small, hand-made inputs. The second half
re-runs the chapter's experiment (same split, same seeds) and pins down each
sentence of ``chapters/05-masks.md`` that would become false if the code or the
data changed, so that the build cannot silently contradict the text.
"""

import numpy as np
import pytest

from facelab import evaluation, matching
from facelab.experiments import occlusion
from facelab.faces import regions
from facelab.sources.facts import value
from facelab.views import tables

N = 64 * 64


# --------------------------------------------------------------------------
# Regions
# --------------------------------------------------------------------------

def test_halves_partition_the_photo():
    lower, upper = regions.region_mask("lower"), regions.region_mask("upper")
    left, right = regions.region_mask("left"), regions.region_mask("right")
    assert not (lower & upper).any() and (lower | upper).all()
    assert not (left & right).any() and (left | right).all()
    assert lower[32:].all() and not lower[:32].any()
    assert left[:, :32].all() and not left[:, 32:].any()


def test_regions_cover_what_the_table_says():
    assert {name: round(regions.coverage(name), 2) for name in regions.REGIONS} == {
        "lower": 0.5, "upper": 0.5, "left": 0.5, "right": 0.5, "eyes": 0.22, "mask": 0.43}


def test_mask_is_a_trapezoid_from_the_nose_bridge_widening_to_the_jaw():
    mask = regions.region_mask("mask")
    rows = np.flatnonzero(mask.any(axis=1))
    assert rows.min() == 27 and rows.max() == 63
    widths = mask.sum(axis=1)[rows]
    assert (np.diff(widths) >= 0).all() and widths[0] < widths[-1]
    # symmetric about the vertical middle of the photo
    assert (mask == mask[:, ::-1]).all()


def test_eyes_band_covers_the_eyes_of_the_mean_face(olivetti):
    mean_face = olivetti.images.mean(axis=0)
    eye_row = int(np.argmin(mean_face[:32, 8:56].mean(axis=1)))  # darkest row in the upper half
    assert regions.region_mask("eyes")[eye_row].all()
    assert not regions.region_mask("lower")[eye_row].any()


def test_a_region_object_is_accepted_and_unknown_names_are_refused():
    box = regions.Region(0, 2, (0, 2), (0, 2), "corner")
    assert regions.region_mask(box).sum() == 4
    with pytest.raises(ValueError, match=r"region: unknown region 'nose'; allowed: "
                                         r"eyes, left, lower, mask, right, upper"):
        regions.region_mask("nose")


def test_outline_is_closed_and_follows_the_region():
    x, y = regions.outline("mask")
    assert (x[0], y[0]) == (x[-1], y[-1])
    assert y.min() == 27 - 0.5 and y.max() == 64 - 0.5
    assert x.min() == 4 - 0.5 and x.max() == 60 - 0.5


# --------------------------------------------------------------------------
# occlude
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def photos():
    rng = np.random.default_rng(1)
    return rng.random((5, 64, 64)).astype(np.float32)


@pytest.mark.parametrize("region", list(regions.REGIONS))
def test_occlude_fills_the_region_and_leaves_the_rest_alone(photos, region):
    before = photos.copy()
    out = regions.occlude(photos, region, fill=0.25)
    mask = regions.region_mask(region)
    assert out.shape == photos.shape and out.dtype == np.float32
    assert (out[:, mask] == np.float32(0.25)).all()
    assert (out[:, ~mask] == photos[:, ~mask]).all()
    assert (photos == before).all(), "the input must not change"


def test_occlude_keeps_flat_input_flat(photos):
    flat = photos.reshape(5, N)
    out = regions.occlude(flat, "eyes", fill="black")
    assert out.shape == (5, N)
    assert (out.reshape(5, 64, 64)[:, 10:24] == 0).all()


def test_integer_images_come_back_as_floats():
    out = regions.occlude(np.ones((1, 64, 64), dtype=int), "upper", fill="white")
    assert out.dtype == np.float64 and out[0, 0, 0] == 1.0


def test_mean_fill_is_the_mean_of_the_visible_pixels(photos):
    mask = regions.region_mask("lower")
    out = regions.occlude(photos, "lower", fill="mean")
    expected = photos[:, ~mask].mean(axis=1)
    np.testing.assert_allclose(out[:, 63, 0], expected, rtol=1e-6)
    # nothing of the hidden pixels leaks in: changing them changes nothing
    changed = photos.copy()
    changed[:, mask] = 1.0
    assert (regions.occlude(changed, "lower") == out).all()


def test_named_fills(photos):
    mask = regions.region_mask("right")
    assert (regions.occlude(photos, "right", fill="black")[:, mask] == 0).all()
    assert (regions.occlude(photos, "right", fill="white")[:, mask] == 1).all()


def test_noise_fill_is_reproducible_and_in_range(photos):
    a = regions.occlude(photos, "mask", fill="noise", seed=3)
    b = regions.occlude(photos, "mask", fill="noise", seed=3)
    c = regions.occlude(photos, "mask", fill="noise", seed=4)
    mask = regions.region_mask("mask")
    assert (a == b).all() and not (a[:, mask] == c[:, mask]).all()
    assert a[:, mask].min() >= 0 and a[:, mask].max() <= 1
    assert a[:, mask].std() > 0.2  # independent values, not one grey


@pytest.mark.parametrize("images, message", [
    (np.zeros((2, 32, 32)), r"images: expected shape \(n, 64, 64\) or \(n, 4096\)"),
    (np.zeros((64, 64)), r"images: expected shape"),
    (np.zeros((0, 64, 64)), r"images: is empty"),
    (np.full((1, 64, 64), np.nan), r"images: contains NaN"),
    (np.full((1, 64, 64), "a"), r"images: expected numbers"),
])
def test_occlude_refuses_bad_images(images, message):
    with pytest.raises(ValueError, match=message):
        regions.occlude(images, "lower")


@pytest.mark.parametrize("fill", [-0.1, 1.5, np.nan, True, "grey", None])
def test_occlude_refuses_bad_fills(photos, fill):
    with pytest.raises(ValueError, match=r"^fill: "):
        regions.occlude(photos, "lower", fill=fill)


def test_occlude_refuses_unknown_regions_listing_the_allowed_ones(photos):
    allowed = "allowed: eyes, left, lower, mask, right, upper"
    with pytest.raises(ValueError, match=f"region: .*{allowed}"):
        regions.occlude(photos, "chin")


# --------------------------------------------------------------------------
# Pixel weights
# --------------------------------------------------------------------------

def test_pixel_weights_are_column_lengths():
    components = np.zeros((2, N))
    components[0, 0], components[1, 0] = 3.0, 4.0   # pixel (0, 0): length 5
    components[1, N - 1] = -2.0                      # pixel (63, 63): length 2
    w = occlusion.pixel_weights(components)
    assert w.shape == (64, 64) and w[0, 0] == 5 and w[63, 63] == 2 and w.sum() == 7


def test_weight_shares_of_complementary_regions_add_up_to_one():
    w = np.random.default_rng(0).random((64, 64))
    assert occlusion.weight_share(w, "lower") + occlusion.weight_share(w, "upper") == \
        pytest.approx(1)
    flat = np.ones((64, 64))
    assert occlusion.weight_share(flat, "eyes") == pytest.approx(regions.coverage("eyes"))


@pytest.mark.parametrize("bad", [np.zeros((3, 100)), np.zeros(N), np.full((1, N), np.inf)])
def test_pixel_weights_refuses_bad_components(bad):
    with pytest.raises(ValueError, match="components"):
        occlusion.pixel_weights(bad)


@pytest.mark.parametrize("bad", [np.zeros((64, 64)), -np.ones((64, 64)), np.ones((8, 8))])
def test_weight_share_refuses_bad_weights(bad):
    with pytest.raises(ValueError, match="weights"):
        occlusion.weight_share(bad, "lower")


# --------------------------------------------------------------------------
# Mixed pairs and error rates
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def toy():
    rng = np.random.default_rng(2)
    ids = np.repeat(np.arange(6), 4)
    centres = rng.normal(size=(6, 5))
    clean = centres[ids] + 0.3 * rng.normal(size=(24, 5))
    masked = clean + 0.8 * rng.normal(size=(24, 5))
    return clean, masked, ids


def test_mixed_pairs_equal_ordinary_pairs_when_nothing_is_masked(toy):
    clean, _, ids = toy
    mixed = evaluation.mixed_pair_scores(clean, clean, ids, return_pairs=True)
    plain = evaluation.pair_scores(clean, ids, return_pairs=True)
    np.testing.assert_allclose(mixed.score, plain.score)
    assert (mixed.mated == plain.mated).all() and (mixed.identities == plain.identities).all()


def test_mixed_pairs_take_the_first_photo_clean_and_the_second_masked(toy):
    clean, masked, ids = toy
    pairs = evaluation.mixed_pair_scores(clean, masked, ids, return_pairs=True)
    k = 7
    expected = matching.similarity_scores(clean[pairs.i[k]][None], masked[pairs.j[k]][None])
    assert pairs.score[k] == pytest.approx(expected[0, 0])
    genuine, impostor = evaluation.mixed_pair_scores(clean, masked, ids)
    assert (len(genuine), len(impostor)) == (6 * 6, 24 * 23 // 2 - 36)


def test_mixed_pairs_refuse_mismatched_inputs(toy):
    clean, masked, ids = toy
    with pytest.raises(ValueError, match="probes"):
        evaluation.mixed_pair_scores(clean, masked[:-1], ids)
    with pytest.raises(ValueError, match="ids"):
        evaluation.mixed_pair_scores(clean, masked, ids[:-1])
    with pytest.raises(ValueError, match="gallery"):
        evaluation.mixed_pair_scores(clean[:1], masked[:1], ids[:1])


def test_error_rates_agree_with_the_metrics_module(toy):
    clean, masked, ids = toy
    a = evaluation.pair_scores(clean, ids, return_pairs=True)
    b = evaluation.mixed_pair_scores(clean, masked, ids, return_pairs=True)
    rates = occlusion.error_rates(np.column_stack([a.score, b.score]), a.mated, [70, 60])
    for row, pairs, t in ((0, a, 70), (1, b, 60)):
        assert rates[row, 0] == evaluation.eer(pairs.genuine, pairs.impostor)[0]
        assert rates[row, 1] == evaluation.fnmr(pairs.genuine, t)
        assert rates[row, 2] == evaluation.fmr(pairs.impostor, t)
    eers = occlusion.equal_error_rates(np.column_stack([a.score, b.score]), a.mated)
    assert (eers == rates[:, 0]).all()


def test_error_rates_refuse_bad_input():
    scores, mated = np.zeros((4, 2)), np.array([True, False, False, True])
    with pytest.raises(ValueError, match="scores"):
        occlusion.error_rates(np.zeros(4), mated, [1])
    with pytest.raises(ValueError, match="mated"):
        occlusion.error_rates(scores, mated.astype(int), [1, 1])
    with pytest.raises(ValueError, match="mated: needs at least one"):
        occlusion.error_rates(scores, np.ones(4, bool), [1, 1])
    with pytest.raises(ValueError, match="thresholds"):
        occlusion.error_rates(scores, mated, [1])


def test_error_table_writes_one_row_per_condition():
    result = evaluation.BootstrapResult(estimate=np.full((2, 3), 0.1), low=np.full((2, 3), 0.05),
                                     high=np.full((2, 3), 0.2), confidence=0.95,
                                     replicates=np.zeros((1, 2, 3)))
    text = tables.error_table(["model"], [["a"], ["b"]], result).data
    lines = text.splitlines()
    assert lines[0] == "| model | EER | FNMR | FMR |"
    assert lines[2] == "| a | 10.0% (5.0–20.0) | 10.0% (5.0–20.0) | 10.0% (5.0–20.0) |"
    assert len(lines) == 4
    with pytest.raises(ValueError, match="result"):
        tables.error_table(["model"], [["a"]], result)
    with pytest.raises(ValueError, match="conditions"):
        tables.error_table(["model"], [["a", "x"], ["b"]], result)


# --------------------------------------------------------------------------
# Chapter 5's claims, on the chapter's own set-up
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def chapter5(olivetti):
    """Chapter 5's experiment: chapter 2's split, the lower half masked."""
    train, test = matching.split_people(olivetti.target, n_train_people=25, seed=0)
    X_train, y_train = olivetti.data[train], olivetti.target[train]
    X_test, y_test = olivetti.data[test], olivetti.target[test]
    X_test_masked = regions.occlude(X_test, "lower")
    unprepared = matching.Fisherfaces(n_pca=50).fit(X_train, y_train)
    retrained = matching.Fisherfaces(n_pca=50).fit(
        np.vstack([X_train, regions.occlude(X_train, "lower")]),
        np.concatenate([y_train, y_train]))

    pairs = (occlusion.three_ways(unprepared, X_test, X_test_masked, y_test)
             + occlusion.three_ways(retrained, X_test, X_test_masked, y_test))
    thresholds = [evaluation.threshold_for_fmr(pairs[0].impostor, 0.01)] * 3 + \
        [evaluation.threshold_for_fmr(pairs[3].impostor, 0.01)] * 3
    scores = np.column_stack([p.score for p in pairs])
    rates = occlusion.error_rates(scores, pairs[0].mated, thresholds)
    return dict(X_train=X_train, y_train=y_train, X_test=X_test, y_test=y_test,
                X_test_masked=X_test_masked, unprepared=unprepared, pairs=pairs, scores=scores,
                rates=rates, threshold=thresholds[0])


@pytest.fixture(scope="module")
def chapter5_boot(chapter5):
    """The chapter's resamples (same seed and count; the draws do not depend on the columns)."""
    p = chapter5["pairs"][0]
    return evaluation.bootstrap_by_identity(
        occlusion.equal_error_rates, chapter5["scores"][:, [0, 1, 4]], p.mated,
        identities=p.identities, n_boot=1000, seed=0).replicates


@pytest.fixture(scope="module")
def hidden_regions(chapter5):
    """EER per region: (model as sold, one photo hidden), (retrained, both hidden)."""
    c = chapter5
    out = {}
    for name in regions.REGIONS:
        hidden = regions.occlude(c["X_test"], name)
        as_sold = evaluation.mixed_pair_scores(c["unprepared"].transform(c["X_test"]),
                                              c["unprepared"].transform(hidden), c["y_test"])
        model = matching.Fisherfaces(n_pca=50).fit(regions.occlude(c["X_train"], name),
                                                c["y_train"])
        rest = evaluation.pair_scores(model.transform(hidden), c["y_test"])
        out[name] = (evaluation.eer(*as_sold)[0], evaluation.eer(*rest)[0])
    return out


def test_ch5_hanwang_claim_means_ten_times_the_errors():
    errors = [100 - value(f"hanwang_accuracy_{c}_pct") for c in ("unmasked", "masked")]
    assert errors[1] / errors[0] == pytest.approx(10)
    assert errors[1] - errors[0] == pytest.approx(4.5)  # "only 4.5 points of accuracy"


def test_ch5_every_way_scores_the_same_pairs(chapter5):
    pairs = chapter5["pairs"]
    assert all((len(p.genuine), len(p.impostor)) == (675, 10_500) for p in pairs)
    assert all((p.mated == pairs[0].mated).all() for p in pairs)


def test_ch5_one_photo_masked_raises_the_eer_and_turns_most_travellers_away(chapter5,
                                                                            chapter5_boot):
    r = chapter5["rates"]
    ratio = chapter5_boot[:, 1] / chapter5_boot[:, 0]
    assert np.quantile(ratio, 0.025) > 1.2, "the interval of the rise must exclude no rise"
    assert r[1, 1] > 0.5 and r[1, 1] > r[0, 1] + 0.2
    assert r[1, 2] < 0.03, "false matches stay near 1%"


def test_ch5_one_photo_masked_moves_genuine_not_impostor_scores(chapter5):
    clean, gate = chapter5["pairs"][0], chapter5["pairs"][1]
    assert abs(np.median(gate.impostor) - np.median(clean.impostor)) < 2
    assert np.median(gate.genuine) < np.median(clean.genuine) - 10
    assert np.mean(gate.genuine < chapter5["threshold"]) > 0.5  # most below the threshold


def test_ch5_both_masked_fewer_misses_but_false_matches_jump(chapter5):
    r = chapter5["rates"]
    assert r[2, 1] < r[0, 1]
    assert r[2, 2] > 0.10
    both, clean = chapter5["pairs"][2], chapter5["pairs"][0]
    assert np.median(both.impostor) > np.median(clean.impostor) + 10  # impostors move right


def test_ch5_retraining_wins_back_most_of_the_loss(chapter5, chapter5_boot):
    r = chapter5["rates"]
    assert r[4, 0] < r[1, 0]
    assert (r[1, 0] - r[4, 0]) / (r[1, 0] - r[0, 0]) > 0.5
    left_over = np.quantile(chapter5_boot[:, 2] - chapter5_boot[:, 0], [0.025, 0.975])
    assert left_over[0] < 0 < left_over[1], "the prose says 15 people cannot tell"


def test_ch5_retraining_brings_false_matches_back_and_keeps_unmasked_accuracy(chapter5):
    r = chapter5["rates"]
    assert r[5, 2] < 0.05 and r[5, 2] < r[2, 2] / 3
    assert abs(r[3, 0] - r[0, 0]) < 0.02


def test_ch5_weight_is_spread_a_little_more_over_the_upper_half(chapter5):
    w = occlusion.pixel_weights(chapter5["unprepared"].components_)
    upper, lower = occlusion.weight_share(w, "upper"), occlusion.weight_share(w, "lower")
    assert 0.5 < upper < 0.65 and lower < upper
    # "spread over the whole face": no sunglasses-sized band holds much more than its area
    assert occlusion.weight_share(w, "eyes") < 1.5 * regions.coverage("eyes")
    assert round(occlusion.weight_share(w, "eyes"), 2) == pytest.approx(0.27, abs=0.02)


def test_ch5_upper_half_hurts_most_in_both_measures(hidden_regions):
    for k in (0, 1):
        assert max(hidden_regions, key=lambda name: hidden_regions[name][k]) == "upper"


def test_ch5_any_half_more_than_doubles_the_error_of_the_model_as_sold(chapter5, hidden_regions):
    eer_1 = chapter5["rates"][0, 0]
    assert all(hidden_regions[half][0] > 2 * eer_1 for half in ("lower", "upper", "left", "right"))


def test_ch5_mask_shape_costs_less_than_the_lower_half_and_sunglasses_less_than_upper(
        hidden_regions):
    assert hidden_regions["mask"][0] < hidden_regions["lower"][0]
    assert hidden_regions["eyes"][0] < hidden_regions["upper"][0]


def test_ch5_retrained_without_the_lower_half_does_as_well_as_with_the_whole_face(chapter5,
                                                                                   hidden_regions):
    assert abs(hidden_regions["lower"][1] - chapter5["rates"][0, 0]) < 0.015


def test_ch5_bar_chart_alt_text_ranges(hidden_regions):
    as_sold = [v[0] for v in hidden_regions.values()]
    rest = [v[1] for v in hidden_regions.values()]
    assert 0.23 < min(as_sold) and max(as_sold) < 0.38
    assert 0.11 < min(rest) and max(rest) < 0.16


def test_ch5_ratios_depend_on_the_starting_point(chapter5):
    nist = value("nist_masks_best_fnmr_masked_pct") / value("nist_masks_best_fnmr_unmasked_pct")
    assert round(nist) == 17
    r = chapter5["rates"]
    assert r[0, 1] > 0.1, "ten times a miss rate above 10% would exceed 100%"
    assert r[1, 0] / r[0, 0] < 10 and r[1, 1] / r[0, 1] < 10


def test_ch5_black_and_white_masks_do_more_damage_than_mean_grey(chapter5):
    c = chapter5
    model, t = c["unprepared"], c["threshold"]
    clean = model.transform(c["X_test"])
    results = {}
    for fill in ("mean", "black", "white"):
        masked = model.transform(regions.occlude(c["X_test"], "lower", fill=fill))
        one = evaluation.eer(*evaluation.mixed_pair_scores(clean, masked, c["y_test"]))[0]
        both_fmr = evaluation.fmr(evaluation.pair_scores(masked, c["y_test"])[1], t)
        results[fill] = one, both_fmr
    for fill in ("black", "white"):
        assert results[fill][0] > results["mean"][0]
        assert results[fill][1] > 0.5  # false matches "explode"


def test_ch5_after_retraining_the_colour_of_the_mask_hardly_matters(chapter5):
    c = chapter5
    results = {}
    for fill in ("mean", "black", "white"):
        X_fill = regions.occlude(c["X_train"], "lower", fill=fill)
        model = matching.Fisherfaces(n_pca=50).fit(np.vstack([c["X_train"], X_fill]),
                                                np.r_[c["y_train"], c["y_train"]])
        clean = model.transform(c["X_test"])
        masked = model.transform(regions.occlude(c["X_test"], "lower", fill=fill))
        t = evaluation.threshold_for_fmr(evaluation.pair_scores(clean, c["y_test"])[1], 0.01)
        one = evaluation.eer(*evaluation.mixed_pair_scores(clean, masked, c["y_test"]))[0]
        both_fmr = evaluation.fmr(evaluation.pair_scores(masked, c["y_test"])[1], t)
        results[fill] = one, both_fmr
    ones = [v[0] for v in results.values()]
    assert max(ones) - min(ones) < 0.01
    assert all(v[1] < 0.05 for v in results.values())  # "a few per cent"


def test_markdown_table_writes_header_rule_and_rows():
    from facelab.views import tables

    md = tables.markdown_table(["a", "b"], [[1, "x|y"], ("2", 3.5)]).data.splitlines()
    assert md == ["| a | b |", "|---|---|", "| 1 | x/y |", "| 2 | 3.5 |"]
    with pytest.raises(ValueError, match="rows: row 1 must have 2 cells"):
        tables.markdown_table(["a", "b"], [[1, 2], [3]])
    with pytest.raises(ValueError, match="header"):
        tables.markdown_table("ab", [])
