"""Embeddings: turning a face image into a short vector that can be compared.

A face matcher never compares photos pixel by pixel. It first maps each photo
to an *embedding*, a vector with far fewer numbers, and then compares the
vectors (see :mod:`facelab.match`). This module holds three embeddings, from
crude to learned:

:class:`RawPixels`
    The baseline: every pixel is a number, minus the mean face.
:class:`Eigenfaces`
    Principal component analysis (PCA) of the training faces (Turk and
    Pentland, 1991). The components are themselves images ("eigenfaces").
:class:`Fisherfaces`
    PCA followed by linear discriminant analysis (LDA), which looks for the
    directions that separate *people* rather than the directions in which
    photos vary most (Belhumeur, Hespanha and Kriegman, 1997).

All three follow scikit-learn's ``fit`` / ``transform`` / ``fit_transform``
convention and take ``X`` of shape (n_images, n_pixels). They are fitted on
some people and used on others, so :func:`split_people` makes an *open-set*
split: nobody appears on both sides, as when a deployed system meets faces it
never saw in training.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from .._validation import check_int, check_labels, check_seed

__all__ = [
    "split_people",
    "RawPixels",
    "Eigenfaces",
    "Fisherfaces",
]


# --------------------------------------------------------------------------
# Validation helpers (shared by every estimator below)
# --------------------------------------------------------------------------

def _check_X(X, name: str = "X") -> np.ndarray:
    """Return ``X`` as a 2-D float64 array with finite values, or raise."""
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(
            f"{name}: expected a 2-D array of shape (n_images, n_pixels), "
            f"got an array with ndim={X.ndim} and shape {X.shape}."
        )
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name}: expected at least one row and one column, got shape {X.shape}.")
    if not (np.issubdtype(X.dtype, np.floating) or np.issubdtype(X.dtype, np.integer)
            or X.dtype == bool):
        raise ValueError(f"{name}: expected numbers, got dtype {X.dtype}.")
    X = X.astype(np.float64, copy=False)
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name}: contains NaN or infinite values; every value must be finite.")
    return X


def _check_y(y, n_samples: int, min_classes: int, name: str = "y") -> np.ndarray:
    """Return ``y`` as a 1-D array of ``n_samples`` labels with enough classes."""
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != n_samples:
        raise ValueError(
            f"{name}: expected a 1-D array with one label per row of X "
            f"(length {n_samples}), got shape {y.shape}."
        )
    n_classes = np.unique(y).size
    if n_classes < min_classes:
        raise ValueError(
            f"{name}: needs at least {min_classes} distinct people (classes), got {n_classes}."
        )
    return y


_check_int = check_int


def _one_blas_thread():
    """Run BLAS/LAPACK on one thread inside the block.

    The decompositions here are small (a few hundred faces): on a 2-core
    machine one thread fits Olivetti's 250 x 4096 SVD in about 0.12 s
    against 0.17 s with two, and when the cores are shared (a book build
    running beside the tests) two threads can take several seconds.
    scikit-learn's KMeans limits threads the same way.
    """
    return threadpool_limits(limits=1, user_api="blas")


def _check_n_features(X: np.ndarray, expected: int) -> None:
    if X.shape[1] != expected:
        raise ValueError(
            f"X: has {X.shape[1]} columns (pixels) but the embedding was fitted "
            f"on {expected}."
        )


# --------------------------------------------------------------------------
# Open-set split
# --------------------------------------------------------------------------

def split_people(target, n_train_people: int, seed: int | None = 0):
    """Split images into train and test sets by *person* (an open-set split).

    Every photo of a person goes to the same side, so no identity is shared
    between training and testing. The people on each side are chosen at
    random, reproducibly for a given ``seed``.

    Parameters
    ----------
    target : array-like of shape (n_images,)
        Identity label of each image.
    n_train_people : int
        Number of people whose photos go to the training side, in
        [1, n_people - 1] so that both sides have someone.
    seed : int or None, default 0
        Seed for :func:`numpy.random.default_rng`. ``None`` gives a
        different split each call.

    Returns
    -------
    train_mask, test_mask : ndarray of shape (n_images,), bool
        ``test_mask`` is ``~train_mask``.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.repeat(np.arange(4), 3)
    >>> train, test = split_people(target, n_train_people=3, seed=0)
    >>> int(train.sum()), int(test.sum())
    (9, 3)
    >>> set(target[train]) & set(target[test])
    set()
    """
    target = check_labels(target, "target", min_size=0)
    seed = check_seed(seed, allow_none=True)
    if target.size == 0:
        raise ValueError(
            f"target: expected a non-empty 1-D array of identity labels, got shape {target.shape}."
        )
    people = np.unique(target)
    n_train_people = _check_int(n_train_people, "n_train_people", 1, people.size - 1)
    rng = np.random.default_rng(seed)
    train_people = rng.permutation(people)[:n_train_people]
    train_mask = np.isin(target, train_people)
    return train_mask, ~train_mask


# --------------------------------------------------------------------------
# Embeddings
# --------------------------------------------------------------------------

class RawPixels(TransformerMixin, BaseEstimator):
    """The baseline embedding: the pixels themselves, minus the mean face.

    Subtracting the training mean matters for cosine similarity: without it
    every face points roughly the same way (all pixels are positive), so
    every pair of faces would look alike.

    Attributes
    ----------
    mean_ : ndarray of shape (n_pixels,)
        Mean training face.
    n_features_in_ : int
        Number of pixels seen in ``fit``.
    """

    def fit(self, X, y=None):
        """Learn the mean face.

        Parameters
        ----------
        X : array-like of shape (n_images, n_pixels)
            Training images, finite values.
        y : ignored
            Accepted for a uniform interface.

        Returns
        -------
        self
        """
        X = _check_X(X)
        if y is not None:
            _check_y(y, X.shape[0], min_classes=1)
        self.mean_ = X.mean(axis=0)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X):
        """Return ``X - mean_``, shape (n_images, n_pixels), float64."""
        check_is_fitted(self, "mean_")
        X = _check_X(X)
        _check_n_features(X, self.n_features_in_)
        return X - self.mean_


class Eigenfaces(TransformerMixin, BaseEstimator):
    """Eigenfaces: principal component analysis of face images.

    Each face is described by how much of each *eigenface* (principal
    component, itself an image) it contains. The first components capture
    the largest variations among the training photos, which are often light
    and pose rather than identity.

    Parameters
    ----------
    n_components : int, default 50
        Number of eigenfaces to keep, in [1, min(n_images, n_pixels)] of the
        training set. 50 keeps about 90 % of the pixel variance of 250
        Olivetti faces.
    whiten : bool, default False
        If True, divide each coordinate by the spread of the training faces
        along that eigenface, so every component counts equally in a cosine
        score. (On held-out Olivetti people whitening lowers the equal error
        rate noticeably; the default keeps the textbook definition.)

    Attributes
    ----------
    mean_ : ndarray of shape (n_pixels,)
        Mean training face.
    components_ : ndarray of shape (n_components, n_pixels)
        The eigenfaces, orthonormal rows, in order of explained variance.
        Reshape a row to (64, 64) to show it as an image.
    explained_variance_ratio_ : ndarray of shape (n_components,)
        Share of the total pixel variance along each eigenface.
    pca_ : sklearn.decomposition.PCA
        The fitted PCA (full SVD, so the result is deterministic).
    """

    def __init__(self, n_components: int = 50, whiten: bool = False):
        self.n_components = n_components
        self.whiten = whiten

    def fit(self, X, y=None):
        """Find the eigenfaces of the training images.

        Parameters
        ----------
        X : array-like of shape (n_images, n_pixels)
            Training images, finite values.
        y : ignored
            Accepted for a uniform interface (eigenfaces are unsupervised).

        Returns
        -------
        self
        """
        X = _check_X(X)
        if y is not None:
            _check_y(y, X.shape[0], min_classes=1)
        n_components = _check_int(self.n_components, "n_components", 1, min(X.shape))
        with _one_blas_thread():
            self.pca_ = PCA(n_components=n_components, whiten=bool(self.whiten),
                            svd_solver="full").fit(X)
        self.mean_ = self.pca_.mean_
        self.components_ = self.pca_.components_
        self.explained_variance_ratio_ = self.pca_.explained_variance_ratio_
        self.n_components_ = n_components
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X):
        """Coordinates of each image on the eigenfaces.

        Parameters
        ----------
        X : array-like of shape (n_images, n_pixels)

        Returns
        -------
        ndarray of shape (n_images, n_components), float64
        """
        check_is_fitted(self, "pca_")
        X = _check_X(X)
        _check_n_features(X, self.n_features_in_)
        return self.pca_.transform(X)

    def reconstruct(self, X, n_components: int | None = None):
        """Rebuild faces from the mean face and their first eigenfaces.

        The reconstruction is ``mean_ + (X - mean_) @ C.T @ C`` with ``C`` the
        first ``n_components`` rows of ``components_``; it does not depend on
        ``whiten``.

        Parameters
        ----------
        X : array-like of shape (n_images, n_pixels)
            Images to rebuild.
        n_components : int or None, default None
            How many eigenfaces to use, in [0, ``n_components_``]. 0 gives the
            mean face for every image; None uses all fitted eigenfaces.

        Returns
        -------
        ndarray of shape (n_images, n_pixels), float64
        """
        check_is_fitted(self, "pca_")
        X = _check_X(X)
        _check_n_features(X, self.n_features_in_)
        if n_components is None:
            n_components = self.n_components_
        k = _check_int(n_components, "n_components", 0, self.n_components_)
        C = self.components_[:k]
        return self.mean_ + ((X - self.mean_) @ C.T) @ C


class Fisherfaces(TransformerMixin, BaseEstimator):
    """Fisherfaces: PCA to ``n_pca`` dimensions, then linear discriminant analysis.

    LDA looks for directions along which photos of *different people* are
    far apart compared with photos of the *same person*. It needs an
    invertible within-person scatter matrix, which with ``n_images`` photos of
    ``n_people`` people has rank at most ``n_images - n_people``; so PCA first
    reduces the pixels to at most that many dimensions.

    Parameters
    ----------
    n_pca : int, default 50
        PCA dimensions kept before LDA, >= 1. Clipped at fit time to
        ``min(n_pca, n_images - n_people, n_pixels)``; the value used is
        stored in ``n_pca_``. The classical choice (Belhumeur et al., 1997)
        is ``n_images - n_people`` itself, but on *new* people it overfits:
        trained on 25 Olivetti people it gives a held-out equal error rate of
        about 0.29, worse than raw pixels, against about 0.12 with 50.
    n_components : int or None, default None
        Dimensions kept after LDA, in [1, min(n_people - 1, ``n_pca_``)]. None
        keeps them all.

    Attributes
    ----------
    mean_ : ndarray of shape (n_pixels,)
        Mean training face.
    components_ : ndarray of shape (``n_components_``, n_pixels)
        The Fisherfaces: pixel-space directions such that ``transform(X)``
        equals ``(X - mean_) @ components_.T`` (up to rounding). They are not
        orthonormal. Reshape a row to (64, 64) to show it as an image.
    n_pca_, n_components_ : int
        The dimensions actually used.
    pca_ : sklearn.decomposition.PCA
    lda_ : sklearn.discriminant_analysis.LinearDiscriminantAnalysis
    """

    def __init__(self, n_pca: int = 50, n_components: int | None = None):
        self.n_pca = n_pca
        self.n_components = n_components

    def fit(self, X, y):
        """Learn the Fisherfaces from labelled training images.

        Parameters
        ----------
        X : array-like of shape (n_images, n_pixels)
            Training images, finite values.
        y : array-like of shape (n_images,)
            Identity of each image; at least 2 people, and more images than
            people (someone must have two photos).

        Returns
        -------
        self
        """
        X = _check_X(X)
        y = _check_y(y, X.shape[0], min_classes=2)
        n_classes = np.unique(y).size
        n_pca = _check_int(self.n_pca, "n_pca", 1)
        max_pca = min(X.shape[0] - n_classes, X.shape[1])
        if max_pca < 1:
            raise ValueError(
                f"y: every one of the {n_classes} people has a single photo; LDA "
                "needs at least one person with two photos."
            )
        n_pca = min(n_pca, max_pca)
        max_lda = min(n_classes - 1, n_pca)
        n_components = max_lda if self.n_components is None else _check_int(
            self.n_components, "n_components", 1, max_lda)
        with _one_blas_thread():
            self.pca_ = PCA(n_components=n_pca, svd_solver="full").fit(X)
            self.lda_ = LinearDiscriminantAnalysis(n_components=n_components).fit(
                self.pca_.transform(X), y)
        self.mean_ = self.pca_.mean_
        scalings = self.lda_.scalings_[:, :n_components]
        self.components_ = (self.pca_.components_.T @ scalings).T
        self.n_pca_ = n_pca
        self.n_components_ = n_components
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X):
        """Coordinates of each image on the Fisherfaces.

        Parameters
        ----------
        X : array-like of shape (n_images, n_pixels)

        Returns
        -------
        ndarray of shape (n_images, ``n_components_``), float64
        """
        check_is_fitted(self, "lda_")
        X = _check_X(X)
        _check_n_features(X, self.n_features_in_)
        return self.lda_.transform(self.pca_.transform(X))
