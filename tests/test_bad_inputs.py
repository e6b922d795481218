"""Inputs that used to give a silently wrong result (issue 13's audit) now fail clearly."""

from __future__ import annotations

import numpy as np
import pytest

from facelab.faces import detect
from facelab.views import format as fmt

IMAGE = np.random.default_rng(0).random((64, 64))
BOX = detect.Box(0, 0, 32, 32)


@pytest.mark.parametrize("kwargs, message", [
    ({"margin": "80"}, "^margin:"), ({"margin": float("nan")}, "^margin:"),
    ({"margin": -1}, "^margin:"), ({"size": 2.5}, "^size:"), ({"size": True}, "^size:"),
    ({"size": 2}, "^size:"),
])
def test_crop_face_refuses_bad_size_and_margin(kwargs, message):
    with pytest.raises((TypeError, ValueError), match=message):
        detect.crop_face(IMAGE, BOX, **kwargs)


def test_crop_face_needs_a_box():
    with pytest.raises(TypeError, match="^box:"):
        detect.crop_face(IMAGE, (0, 0, 32, 32))
    assert detect.crop_face(IMAGE, BOX).shape == (64, 64)


@pytest.mark.parametrize("args, message", [
    ((-5, 0.1, 0.2), "^estimate:"), ((0.5, 0.7, 0.6), "^low, high:"), ((0.5, "0.1", 0.6), "^low:"),
])
def test_interval_refuses_what_is_not_a_rate(args, message):
    with pytest.raises((TypeError, ValueError), match=message):
        fmt.interval(*args)


def test_interval_and_pct_label_format():
    assert fmt.interval(0.3, 0.2, 0.4) == "30.0% (20.0–40.0)"
    assert fmt.pct_label(0.0001) == "0.01%" and fmt.pct_label(0) == "0%"
    with pytest.raises(ValueError, match="^p:"):
        fmt.pct_label(2)


def test_replay_rows_refuse_negative_and_fractional_indices():
    from facelab.experiments.replay.aclu import _check_rows

    assert _check_rows(3, 10, "rows").tolist() == [3]
    assert _check_rows([0, 9], 10, "rows").tolist() == [0, 9]
    for bad in (-1, 10, 2.5, [], True):
        with pytest.raises((TypeError, ValueError), match="^rows:"):
            _check_rows(bad, 10, "rows")


# Found by the fuzz test (tests/test_fuzz.py): each of these used to fail inside NumPy or
# the standard library with a message that named no argument, or to give a result at all.
RAGGED = [[1.0], [1.0, 2.0]]
EMB = np.random.default_rng(1).normal(size=(6, 8))
IDS = np.array([0, 0, 1, 1, 2, 2])
SCORES = np.array([[90.0, 80.0], [30.0, 60.0], [85.0, 40.0]])
MATED = np.array([True, False, True])


def _fuzz_cases():
    from facelab import evaluation, matching
    from facelab.experiments import occlusion, olivetti
    from facelab.experiments.composition import training
    from facelab.faces import datasets, regions, synth
    from facelab.sources import facts, law, published
    from facelab.views import explorers, tables

    def progress_not_callable():
        return matching.search(EMB[:2], EMB, IDS, 80, progress=3)

    return [
        ("ids", lambda: evaluation.pair_scores(EMB, RAGGED)),
        ("ids", lambda: evaluation.pair_scores(EMB, np.full(6, np.nan))),
        ("return_pairs", lambda: evaluation.pair_scores(EMB, IDS, return_pairs=None)),
        ("return_pairs", lambda: evaluation.mixed_pair_scores(EMB, EMB, IDS, return_pairs=1)),
        ("gallery", lambda: evaluation.mixed_pair_scores(RAGGED, EMB, IDS)),
        ("n_people", lambda: evaluation.pair_layout([3], 2)),   # was hashed by the cache
        ("n_people", lambda: evaluation.pair_layout(True, 2)),  # was answered as if 1
        ("scores", lambda: evaluation.person_errors(["a", "b", "c"], 3, 1, 50)),
        ("replicates", lambda: evaluation.percentile_interval(0.5, ["a", "b"])),
        ("estimate", lambda: evaluation.percentile_interval(True, [0.4, 0.6])),
        ("identities", lambda: evaluation.bootstrap_by_identity(np.mean, np.arange(6.0),
                                                                identities=np.full(6, np.nan))),
        ("groups", lambda: evaluation.by_group(np.mean, np.arange(2.0), groups=RAGGED)),
        ("seed", lambda: matching.split_people(IDS, 2, seed=False)),
        ("seed", lambda: matching.split_people(IDS, 2, seed=[1.0])),
        ("a", lambda: matching.verify(RAGGED, EMB[0], 80)),
        ("progress", progress_not_callable),
        ("progress", lambda: matching.max_scores_streamed(EMB[:2], EMB, progress="f")),
        ("gallery", lambda: matching.search(EMB[:2], RAGGED, IDS, 80)),
        ("gallery", lambda: matching.max_scores_streamed(EMB[:2], 3)),
        ("gallery_ids", lambda: matching.search(EMB[:2], EMB, np.full(6, np.nan), 80)),
        ("images", lambda: regions.occlude(RAGGED)),
        ("seed", lambda: regions.occlude(np.zeros((1, 64, 64)), fill="noise", seed=[1.0])),
        ("image", lambda: detect.crop_face(RAGGED, BOX)),
        ("min_size", lambda: detect.detect_faces(IMAGE, min_size={"x": 1})),
        ("scale_factor", lambda: detect.detect_faces(IMAGE, scale_factor="80")),
        ("scale_factor", lambda: detect.detect_faces(IMAGE, scale_factor=float("inf"))),
        ("params", lambda: synth.render("abc")),
        ("params", lambda: synth.render(np.ones((2, 16), dtype=bool))),
        ("keys", lambda: synth.render(np.zeros((2, 16)), keys=RAGGED)),
        ("name", lambda: datasets.read_csv(3)),
        ("name", lambda: law.read_rules(["a"])),
        ("prefix", lambda: law.fines(3)),
        ("rows", lambda: law.totals_by_currency(None)),
        ("rows", lambda: law.totals_by_currency([{}])),
        ("rows", lambda: law.totals_by_currency([{"amount": float("nan"), "currency": "EUR"}])),
        ("rows", lambda: law.scope_matrix([{}])),
        ("rows", lambda: published.gender_shades_gaps(3)),
        ("rows", lambda: published.gender_shades_gaps([{}])),
        ("key", lambda: facts.fact(["a"])),
        ("key", lambda: facts.value(3)),
        ("models", lambda: olivetti.hard_pairs(3)),
        ("boot_seed", lambda: olivetti.olivetti_eer(boot_seed=b"1")),  # before any work
        ("n_per_group", lambda: training.held_out("80")),
        ("scores", lambda: occlusion.error_rates(RAGGED, MATED, [50, 50])),
        ("scores", lambda: occlusion.error_rates(SCORES.astype(bool), MATED, [50, 50])),
        ("thresholds", lambda: occlusion.error_rates(SCORES, MATED, [np.inf, 50])),
        ("scores", lambda: occlusion.equal_error_rates(["a"], MATED)),
        ("components", lambda: occlusion.pixel_weights(RAGGED)),
        ("weights", lambda: occlusion.weight_share(object(), "mask")),
        ("keys", lambda: tables.cite(None)),
        ("keys", lambda: tables.cite(b"x")),
        ("header", lambda: tables.markdown_table(3, [])),
        ("rows", lambda: tables.markdown_table(["a"], None)),
        ("scores", lambda: explorers.quantise_scores([True, False])),
        ("genuine", lambda: explorers.explorer_numbers([True], [50.0], 80)),
        ("title", lambda: explorers.threshold_explorer([90.0], [50.0], title=3)),
        ("step", lambda: explorers.threshold_explorer([90.0], [50.0], step=-5e307)),
        ("gallery_sizes", lambda: explorers.gallery_max_scores(np.ones((2, 3)), "12")),
        ("gallery_sizes", lambda: explorers.gallery_max_scores(np.ones((2, 3)), None)),
        ("gallery_sizes", lambda: explorers.gallery_max_scores(np.ones((2, 3)), [2.5])),
        ("scores", lambda: explorers.gallery_max_scores(-np.ones((2, 3)), [1])),
    ]


@pytest.mark.parametrize("case", range(len(_fuzz_cases())))
def test_bad_inputs_found_by_the_fuzz_test_are_refused_by_name(case):
    name, call = _fuzz_cases()[case]
    with pytest.raises((TypeError, ValueError), match=f"^{name}"):
        call()
