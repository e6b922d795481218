"""Tests for facelab.matching.embed: open-set splits and the three embeddings."""

import numpy as np
import pytest
from sklearn.base import clone

from facelab.evaluation import eer, pair_scores
from facelab.faces import DataUnavailableError, load_olivetti
from facelab.matching import Eigenfaces, Fisherfaces, RawPixels, split_people

N_TRAIN_PEOPLE, SEED = 25, 0


@pytest.fixture(scope="module")
def faces():
    try:
        return load_olivetti(download_if_missing=False)
    except DataUnavailableError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def split(faces):
    train, test = split_people(faces.target, N_TRAIN_PEOPLE, seed=SEED)
    return faces.data[train], faces.target[train], faces.data[test], faces.target[test]


@pytest.fixture(scope="module")
def fitted(split):
    X_train, y_train, _, _ = split
    return {
        "raw pixels": RawPixels().fit(X_train, y_train),
        "eigenfaces": Eigenfaces().fit(X_train, y_train),
        "fisherfaces": Fisherfaces().fit(X_train, y_train),
    }


@pytest.fixture(scope="module")
def held_out_eer(split, fitted):
    """EER of each embedding on the 15 people never seen in training."""
    _, _, X_test, y_test = split
    return {name: eer(*pair_scores(est.transform(X_test), y_test))[0]
            for name, est in fitted.items()}


@pytest.fixture
def tiny():
    """12 random 'images' of 16 pixels, 4 people x 3 photos."""
    rng = np.random.default_rng(0)
    return rng.random((12, 16)), np.repeat(np.arange(4), 3)


# ---------------------------------------------------------------- split

def test_split_shares_no_person(faces):
    train, test = split_people(faces.target, N_TRAIN_PEOPLE, seed=SEED)
    assert not set(faces.target[train]) & set(faces.target[test])
    assert np.all(train ^ test)  # every image on exactly one side
    assert np.unique(faces.target[train]).size == N_TRAIN_PEOPLE
    assert np.unique(faces.target[test]).size == 40 - N_TRAIN_PEOPLE


def test_split_is_deterministic_for_a_seed(faces):
    first = split_people(faces.target, N_TRAIN_PEOPLE, seed=3)[0]
    again = split_people(faces.target, N_TRAIN_PEOPLE, seed=3)[0]
    other = split_people(faces.target, N_TRAIN_PEOPLE, seed=4)[0]
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("n", [0, 4, 2.5, -1])
def test_split_rejects_impossible_sizes(tiny, n):
    _, target = tiny  # 4 people: 1..3 allowed
    with pytest.raises(ValueError, match="n_train_people"):
        split_people(target, n, seed=0)


# ---------------------------------------------------------------- the headline fact

def test_fisherfaces_beat_raw_pixels_on_new_people(held_out_eer):
    assert held_out_eer["fisherfaces"] < held_out_eer["raw pixels"]


def test_every_embedding_is_better_than_chance(held_out_eer):
    assert all(value < 0.4 for value in held_out_eer.values()), held_out_eer


# ---------------------------------------------------------------- eigenfaces

def test_eigenfaces_are_orthonormal_images(fitted, split):
    eig = fitted["eigenfaces"]
    C = eig.components_
    assert C.shape == (50, split[0].shape[1])
    np.testing.assert_allclose(C @ C.T, np.eye(50), atol=1e-10)


def test_zero_components_rebuild_the_mean_face(fitted, split):
    eig = fitted["eigenfaces"]
    X_test = split[2]
    rebuilt = eig.reconstruct(X_test[:3], n_components=0)
    np.testing.assert_allclose(rebuilt, np.tile(eig.mean_, (3, 1)))


def test_more_eigenfaces_rebuild_better(fitted, split):
    eig = fitted["eigenfaces"]
    X_test = split[2]
    errors = [np.linalg.norm(eig.reconstruct(X_test, k) - X_test) for k in (0, 5, 20, 50)]
    assert np.all(np.diff(errors) < 0), errors


def test_all_eigenfaces_rebuild_training_faces_exactly(tiny):
    X, y = tiny  # centred 12 x 16 data has rank 11
    eig = Eigenfaces(n_components=11).fit(X, y)
    np.testing.assert_allclose(eig.reconstruct(X), X, atol=1e-10)


def test_whitening_gives_unit_variance_coordinates(split):
    X_train = split[0]
    Z = Eigenfaces(n_components=10, whiten=True).fit_transform(X_train)
    np.testing.assert_allclose(Z.std(axis=0, ddof=1), 1, rtol=1e-6)


# ---------------------------------------------------------------- fisherfaces

def test_fisherface_components_reproduce_transform(fitted, split):
    fish = fitted["fisherfaces"]
    X_test = split[2]
    np.testing.assert_allclose(fish.transform(X_test),
                               (X_test - fish.mean_) @ fish.components_.T, atol=1e-8)


def test_fisherfaces_default_dimensions(fitted):
    fish = fitted["fisherfaces"]
    assert (fish.n_pca_, fish.n_components_) == (50, N_TRAIN_PEOPLE - 1)
    assert fish.components_.shape[0] == N_TRAIN_PEOPLE - 1


def test_n_pca_is_clipped_to_images_minus_people(tiny):
    X, y = tiny  # 12 images, 4 people: at most 8 PCA dimensions
    fish = Fisherfaces(n_pca=10_000).fit(X, y)
    assert fish.n_pca_ == 8
    assert fish.transform(X).shape == (12, 3)


def test_fisherfaces_pull_a_persons_photos_together(fitted, split):
    """Fisherfaces bring a person's photos together, measured on training faces."""
    X_train, y_train = split[0], split[1]
    genuine, impostor = pair_scores(fitted["fisherfaces"].transform(X_train), y_train)
    assert genuine.mean() > impostor.mean() + 20


# ---------------------------------------------------------------- raw pixels and API

def test_raw_pixels_are_mean_centred(tiny):
    X, y = tiny
    Z = RawPixels().fit_transform(X, y)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z, X - X.mean(axis=0))


def test_estimators_clone_with_their_parameters():
    assert clone(Fisherfaces(n_pca=30, n_components=5)).get_params() == {
        "n_pca": 30, "n_components": 5}
    assert clone(Eigenfaces(n_components=7, whiten=True)).get_params() == {
        "n_components": 7, "whiten": True}


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize("est", [RawPixels(), Eigenfaces(n_components=3), Fisherfaces(n_pca=5)])
def test_nan_pixels_are_refused(tiny, est):
    X, y = tiny
    X = X.copy()
    X[2, 5] = np.nan
    with pytest.raises(ValueError, match="X: contains NaN"):
        est.fit(X, y)


@pytest.mark.parametrize("est", [RawPixels(), Eigenfaces(n_components=3), Fisherfaces(n_pca=5)])
def test_images_must_be_flattened(tiny, est):
    X, y = tiny
    with pytest.raises(ValueError, match="X: expected a 2-D array"):
        est.fit(X.reshape(12, 4, 4), y)


def test_fisherfaces_need_two_people(tiny):
    X, _ = tiny
    with pytest.raises(ValueError, match="y: needs at least 2"):
        Fisherfaces().fit(X, np.zeros(12))


def test_fisherfaces_need_a_label_per_image(tiny):
    X, y = tiny
    with pytest.raises(ValueError, match="y: expected a 1-D array"):
        Fisherfaces().fit(X, y[:-1])


@pytest.mark.parametrize("n", [0, 13, 1.5])
def test_eigenfaces_n_components_range(tiny, n):
    X, y = tiny  # at most min(12, 16) = 12 components
    with pytest.raises(ValueError, match="n_components"):
        Eigenfaces(n_components=n).fit(X, y)


def test_fisherfaces_n_components_range(tiny):
    X, y = tiny  # 4 people: at most 3 discriminants
    with pytest.raises(ValueError, match=r"n_components: must be in \[1, 3\]"):
        Fisherfaces(n_components=4).fit(X, y)


def test_reconstruct_n_components_range(tiny):
    X, y = tiny
    eig = Eigenfaces(n_components=3).fit(X, y)
    with pytest.raises(ValueError, match=r"n_components: must be in \[0, 3\]"):
        eig.reconstruct(X, n_components=4)


def test_transform_checks_the_number_of_pixels(tiny):
    X, y = tiny
    eig = Eigenfaces(n_components=3).fit(X, y)
    with pytest.raises(ValueError, match="X: has 15 columns"):
        eig.transform(X[:, :15])
