"""Synthetic faces: reproducible, well-formed, recognisable, and fair by construction."""

import hashlib

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

from facelab.faces import synth
from facelab.faces.synth import GroupSpec, Nuisance
from facelab.faces.synth import drawing as synth_render


@pytest.fixture(scope="module")
def small_population():
    return synth.make_population({"A": 12, "B": 8}, photos_per_identity=3, seed=11)


# --- reproducibility ---------------------------------------------------------

def test_same_seed_same_pixels_other_seed_other_pixels(small_population):
    again = synth.make_population({"A": 12, "B": 8}, photos_per_identity=3, seed=11)
    other = synth.make_population({"A": 12, "B": 8}, photos_per_identity=3, seed=12)
    assert np.array_equal(small_population.images, again.images)
    assert np.array_equal(small_population.params, again.params)
    assert not np.array_equal(small_population.images, other.images)


def test_identity_rendered_alone_equals_identity_in_a_batch():
    params = synth.sample_identities(300, "B", seed=5)
    batch, who = synth.render(params, n_photos=2, seed=9)
    alone, _ = synth.render(params[17:18], n_photos=2, seed=9, keys=[17])
    assert np.array_equal(batch[who == 17], alone)
    # and its features do not depend on how many were drawn
    assert np.array_equal(synth.sample_identities(1, "B", seed=5, start=17), params[17:18])


def test_chunk_size_and_threads_do_not_change_pixels(monkeypatch):
    big = np.concatenate([c.images for c in synth.stream_faces(150, "A", seed=3, chunk_size=1000)])
    small = np.concatenate([c.images for c in synth.stream_faces(150, "A", seed=3, chunk_size=7)])
    assert np.array_equal(big, small)
    monkeypatch.setattr(synth_render, "THREADS", 1)
    single = np.concatenate([c.images for c in synth.stream_faces(150, "A", seed=3)])
    assert np.array_equal(big, single)


def test_a_person_does_not_change_with_the_rest_of_the_population():
    few = synth.make_population({"A": 3, "B": 5}, 2, seed=4)
    many = synth.make_population({"A": 40, "B": 5}, 2, seed=4)
    streamed = next(synth.stream_faces(5, "B", seed=4, photos_per_identity=2))
    assert np.array_equal(few.images[few.group == "B"], many.images[many.group == "B"])
    assert np.array_equal(few.images[few.group == "B"], streamed.images)


def test_pinned_pixels():
    # The same seed gives these exact bytes on any machine (see the module's
    # "Reproducibility"). Guards against silent changes to the renderer or
    # the random streams: update deliberately, and say so in the book.
    images, _ = synth.render(synth.sample_identities(2, "A", seed=0), n_photos=2, seed=0)
    assert hashlib.sha256(images.tobytes()).hexdigest() == PINNED_SHA256


PINNED_SHA256 = "32d4689a952097bf25c7b45c0a4ab46970ce99c743126153758e6ed1f8a426ae"


# --- shapes and ranges -------------------------------------------------------------

def test_shapes_dtype_range_and_labels(small_population):
    pop = small_population
    assert pop.images.shape == (60, 64, 64)
    assert pop.images.dtype == np.float32
    assert pop.images.min() >= 0 and pop.images.max() <= 1
    # 8-bit levels, as from a camera
    levels = pop.images.astype(np.float64) * 255
    assert np.allclose(levels, np.rint(levels), atol=1e-4, rtol=0)
    assert np.array_equal(pop.target, np.repeat(np.arange(20), 3))
    assert list(pop.group[::3]) == ["A"] * 12 + ["B"] * 8
    assert pop.params.shape == (60, synth.N_FEATURES)
    assert pop.data.shape == (60, 4096) and pop.n_people == 20


def test_stream_reports_progress_and_numbers_people_like_sample_identities():
    seen = []
    chunks = list(synth.stream_faces(25, "A", seed=2, chunk_size=10, start=100,
                                     progress=lambda done, total: seen.append((done, total))))
    assert [len(c.images) for c in chunks] == [10, 10, 5]
    assert seen == [(10, 25), (20, 25), (25, 25)]
    assert np.array_equal(np.concatenate([c.target for c in chunks]), np.arange(100, 125))
    assert np.array_equal(chunks[2].params, synth.sample_identities(5, "A", seed=2, start=120))


def test_shares_to_counts_adds_up():
    assert synth.shares_to_counts(200, {"A": 0.9, "B": 0.1}) == {"A": 180, "B": 20}
    assert sum(synth.shares_to_counts(7, {"A": 1 / 3, "B": 1 / 3, "C": 1 / 3}).values()) == 7


# --- faces are recognisable ------------------------------------------------------------

def test_genuine_pairs_score_higher_than_impostor_pairs():
    train = synth.make_population({"A": 30, "B": 30}, 4, seed=1)
    test = synth.make_population({"A": 10, "B": 10}, 4, seed=2)
    pca = PCA(n_components=50, random_state=0).fit(train.data)
    lda = LinearDiscriminantAnalysis().fit(pca.transform(train.data), train.target)
    emb = lda.transform(pca.transform(test.data))
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    scores = emb @ emb.T
    iu = np.triu_indices(len(emb), 1)
    same = (test.target[:, None] == test.target[None, :])[iu]
    genuine, impostor = scores[iu][same], scores[iu][~same]
    assert genuine.mean() > impostor.mean() + 0.3
    assert np.mean(genuine > np.quantile(impostor, 0.99)) > 0.3


def test_two_photos_of_a_person_differ_less_than_two_people():
    pop = synth.make_population({"A": 40}, 2, seed=6)
    first, second = pop.data[0::2], pop.data[1::2]
    within = np.mean((first - second) ** 2)
    between = np.mean((first - np.roll(second, 1, axis=0)) ** 2)
    assert within < 0.8 * between


# --- groups -------------------------------------------------------------------------------

def test_groups_follow_their_documented_distributions():
    for spec in synth.default_groups().values():
        z = synth.sample_identities(4000, spec, seed=8)
        se = spec.std / np.sqrt(4000)
        assert np.all(np.abs(z.mean(axis=0) - spec.mean) < 4 * se + 1e-12)
        assert np.allclose(z.std(axis=0), spec.std, rtol=0.08)


def test_default_groups_vary_on_complementary_features_and_control_is_one_distribution():
    a, b = synth.default_groups().values()
    strong_a, strong_b = a.std > 0.5, b.std > 0.5
    assert strong_a.sum() == strong_b.sum() == synth.N_FEATURES // 2
    assert not np.any(strong_a & strong_b)
    assert not np.array_equal(a.mean, b.mean)
    ca, cb = synth.control_groups().values()
    assert np.array_equal(ca.mean, cb.mean) and np.array_equal(ca.std, cb.std)
    rows = synth.describe_groups()
    assert [r["feature"] for r in rows] == list(synth.FEATURE_NAMES)
    assert rows[0]["B mean"] == b.mean[0]


def _mean_image_gap(images, labels):
    return np.sqrt(np.mean((images[labels].mean(0) - images[~labels].mean(0)) ** 2))


@pytest.mark.parametrize("groups, distinguishable", [
    (synth.control_groups(), False),
    (synth.default_groups(), True),
])
def test_groups_are_told_apart_only_when_their_distributions_differ(groups, distinguishable):
    # Permutation test on the gap between the groups' mean images: the
    # control's groups must look like a random split of one population, the
    # default groups must not (which shows the test can tell).
    pop = synth.make_population({"A": 200, "B": 200}, 1, seed=21, groups=groups)
    images = pop.data
    is_b = pop.group == "B"
    observed = _mean_image_gap(images, is_b)
    rng = np.random.default_rng(0)
    null = [_mean_image_gap(images, rng.permutation(is_b)) for _ in range(200)]
    p = (1 + np.sum(np.array(null) >= observed)) / (1 + len(null))
    assert (p < 0.01) == distinguishable


# --- validation ----------------------------------------------------------------------------

GOOD = np.zeros((2, synth.N_FEATURES))


@pytest.mark.parametrize("call, arg", [
    (lambda: synth.sample_identities(0), "n"),
    (lambda: synth.sample_identities(-3), "n"),
    (lambda: synth.sample_identities(2, seed=-1), "seed"),
    (lambda: synth.sample_identities(2, start=-1), "start"),
    (lambda: synth.sample_identities(2, group="C"), "group"),
    (lambda: synth.render(GOOD, n_photos=0), "n_photos"),
    (lambda: synth.render(np.zeros((2, 3))), "params"),
    (lambda: synth.render(GOOD, keys=[-1, 2]), "keys"),
    (lambda: synth.make_population({"A": -1, "B": 5}), "n_per_group"),
    (lambda: synth.make_population({"A": 0, "B": 0}), "n_per_group"),
    (lambda: synth.make_population({"C": 3}), "n_per_group"),
    (lambda: synth.make_population({"A": 3}, photos_per_identity=-2), "photos_per_identity"),
    (lambda: synth.stream_faces(0), "n_identities"),
    (lambda: synth.stream_faces(10, chunk_size=0), "chunk_size"),
    (lambda: synth.stream_faces(10, progress="yes"), "progress"),
    (lambda: synth.shares_to_counts(10, {"A": 1.2, "B": -0.2}), "shares"),
    (lambda: synth.shares_to_counts(10, {"A": 0.5, "B": 0.2}), "shares"),
    (lambda: synth.shares_to_counts(0, {"A": 1.0}), "n"),
    (lambda: GroupSpec("A", np.zeros(3), np.ones(3)), "mean"),
    (lambda: GroupSpec("A", np.zeros(synth.N_FEATURES), -np.ones(synth.N_FEATURES)), "std"),
    (lambda: GroupSpec("A", np.zeros(synth.N_FEATURES), np.ones(5)), "std"),
    (lambda: Nuisance(noise=-0.1), "noise"),
    (lambda: Nuisance(smile_prob=1.5), "smile_prob"),
    (lambda: Nuisance().scaled(-1), "factor"),
])
def test_bad_arguments_raise_value_error_naming_them(call, arg):
    with pytest.raises(ValueError, match=rf"^{arg}\b"):
        call()
