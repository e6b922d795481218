"""A deep face matcher: dlib's ResNet face descriptor (128 numbers a face).

The classical embeddings of :mod:`facelab.matching.embed` learn their
directions from the book's own training people. This one learns nothing
here: it is a ResNet with 29 convolutional layers that Davis King, dlib's
author, trained once (February 2017) on about three million photos of 7,485
*other* people (FaceScrub, VGG Face and images from the web; his model notes
say he avoided the people in the LFW benchmark) and released into the public
domain. The identities are not listed, but the 40 Olivetti people
(photographed at a Cambridge laboratory in 1992-94) are most unlikely to be among
them: training and test side alike, the network meets them for the first
time, as a system bought off the shelf meets the people it is used on.

Pipeline, for one grey 64x64 Olivetti face in [0, 1]:

1. **8-bit**: ``round(255 * x)``, the only lossy step. Everything after it is
   a deterministic function of these bytes (and of the two model files).
2. **Chip** (:func:`olivetti_chip`): a 150x150 RGB ``uint8`` image, the
   network's input. The default, ``"aligned"``, is dlib's own recipe: the
   5-point landmark model finds the eye corners and the base of the nose and
   :func:`dlib.get_face_chip` rotates and scales the face to a standard pose.
   See :data:`CHIP_METHODS`.
3. **Descriptor**: the network maps the chip to 128 numbers (the *raw*
   descriptor, length about 1.25-1.6). :class:`DlibResNet` divides it by its
   length, so the book's cosine score applies unchanged.

Model files
-----------
Both come from the ``face-recognition-models`` package (CC0 licence), located
without importing it: ``shape_predictor_5_face_landmarks.dat`` (alignment)
and ``dlib_face_recognition_resnet_model_v1.dat`` (the descriptor network).
The 68-point landmark model in the same package is deliberately not used:
it was trained on the iBUG 300-W data, whose terms exclude commercial use.

dlib's distance and the book's score
------------------------------------
dlib's documented rule compares *raw* descriptors by Euclidean distance and
calls two faces the same person when the distance is below 0.6
(:data:`DLIB_THRESHOLD`): the network was trained to put each identity's
photos inside a ball of radius 0.6. The book compares *unit* vectors by cosine,
``score = 50 * (1 + cos)``. For unit vectors ``d**2 = 2 - 2 cos``, so::

    score = 50 * (2 - d**2 / 2) = 100 - 25 * d**2,    d = 2 * sqrt(1 - score / 100)

(:func:`distance_to_score`, :func:`score_to_distance`): distance 0.6 between
*unit* vectors is score 91. dlib's 0.6, though, is a distance between *raw*
vectors, which are not unit length, so it is not exactly any book score; how
often the two rules disagree on the Olivetti pairs is measured in
``scripts/bench_deep.py``. dlib's rule is strict (``d < 0.6``), the book's
is not (``score >= threshold``); they differ only on exact ties.

Cache
-----
Descriptors take about 0.1 s a face on one core (dlib itself uses one
core, so on a cache miss two worker processes share the faces: about 17 s
for the 400 Olivetti faces on an idle 2-core machine), so they are computed once and
kept in ``.npz`` files (no pickle) under :func:`default_cache_dir`, keyed by
the SHA-256 of both model files, of the 8-bit images, the chip method and
:data:`CACHE_VERSION`. A damaged cache file is detected (zip CRC, SHA-256 of
the stored array, its key, shape and dtype), reported once with a
:class:`DeepCacheWarning`, and recomputed; files are written atomically.

Installing
----------
``pip install dlib-bin==20.0.1.post1 face-recognition-models==0.3.0`` (Linux,
Windows, macOS 14+ on Apple silicon). Without dlib, :func:`available` is False
and the functions that need it raise :class:`DeepModelUnavailable`, whose
message says what to install on each system.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from ._base import (
    _FACE_SIDE,
    CACHE_VERSION,
    CHIP_METHODS,
    CHIP_SIZE,
    DEFAULT_CHIP,
    DESCRIPTOR_DIM,
    DLIB_THRESHOLD,
    INSTALL_HINT,
    PINNED_SHA256,
    DeepCacheWarning,
    DeepModelUnavailable,
    ModelFiles,
    _check_bool,
    _check_cache_dir,
    _check_chip_method,
    _check_images,
    _check_n_jobs,
    _check_progress,
    available,
    default_cache_dir,
    model_files,
)
from ._chips import (
    HogBox,
    detect_faces_hog,
    distance_to_score,
    olivetti_chip,
    score_to_distance,
)
from ._descriptors import chip_descriptors, olivetti_descriptors

__all__ = [
    "DeepModelUnavailable",
    "DeepCacheWarning",
    "INSTALL_HINT",
    "available",
    "ModelFiles",
    "PINNED_SHA256",
    "model_files",
    "CHIP_SIZE",
    "CHIP_METHODS",
    "DEFAULT_CHIP",
    "olivetti_chip",
    "HogBox",
    "detect_faces_hog",
    "DESCRIPTOR_DIM",
    "DLIB_THRESHOLD",
    "distance_to_score",
    "score_to_distance",
    "chip_descriptors",
    "olivetti_descriptors",
    "DlibResNet",
    "CACHE_VERSION",
    "default_cache_dir",
]


# --------------------------------------------------------------------------
# The estimator
# --------------------------------------------------------------------------

class DlibResNet(TransformerMixin, BaseEstimator):
    """dlib's pretrained ResNet face descriptor, with scikit-learn's interface.

    Named after the network it wraps (not "deep faces" in general): one
    specific model, ``dlib_face_recognition_resnet_model_v1``, trained once
    by dlib's author on about three million photos of 7,485 other people. Nothing
    is learned from the data given here: :meth:`fit` only checks ``X``, so
    the held-out people of an open-set split are exactly as unseen as the
    training people. It can therefore be scored on all 40 Olivetti people.

    Parameters
    ----------
    chip : {"aligned", "resized"}, default "aligned"
        See :data:`CHIP_METHODS`.
    n_jobs : int in [1, 64] or None
        Worker processes for descriptors not yet cached.
    progress : callable, None or "print", default "print"
        See :func:`olivetti_descriptors`.
    cache : bool, default True
        Use the on-disk descriptor cache.
    cache_dir : path or None
        Cache folder; None uses :func:`default_cache_dir`.

    Attributes
    ----------
    n_features_in_ : int
        4096 (64x64 pixels), set by :meth:`fit`.

    Examples
    --------
    ::

        E = DlibResNet().fit_transform(faces.images.reshape(400, -1))
        genuine, impostor = pair_scores(E, faces.target)   # the book's 0-100 scores
    """

    def __init__(self, chip: str = DEFAULT_CHIP, n_jobs: int | None = None,
                 progress="print", cache: bool = True, cache_dir=None):
        self.chip = chip
        self.n_jobs = n_jobs
        self.progress = progress
        self.cache = cache
        self.cache_dir = cache_dir

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False  # pretrained: transform works unfitted
        return tags

    def _check_params(self) -> None:
        _check_chip_method(self.chip, "chip")
        _check_n_jobs(self.n_jobs)
        _check_progress(self.progress)
        _check_bool(self.cache, "cache")
        if self.cache_dir is not None:
            _check_cache_dir(self.cache_dir)

    def fit(self, X, y=None):
        """Check ``X`` and the parameters; learn nothing (the network is pretrained).

        Parameters
        ----------
        X : array-like of shape (n, 4096) or (n, 64, 64)
            Grey faces in [0, 1].
        y : ignored

        Returns
        -------
        self
        """
        self._check_params()
        _check_images(X, "X", allow_single=False)
        self.n_features_in_ = _FACE_SIDE * _FACE_SIDE
        return self

    def _descriptors(self, X, raw: bool) -> np.ndarray:
        self._check_params()
        _check_images(X, "X", allow_single=False)
        return olivetti_descriptors(X, raw=raw, chip=self.chip, n_jobs=self.n_jobs,
                                    progress=self.progress, cache=self.cache,
                                    cache_dir=self.cache_dir)

    def transform(self, X) -> np.ndarray:
        """Unit-length descriptors of the faces.

        Parameters
        ----------
        X : array-like of shape (n, 4096) or (n, 64, 64)
            Grey faces in [0, 1].

        Returns
        -------
        ndarray of float64, shape (n, 128)
            Each row has Euclidean length 1, so the book's cosine score
            ``50 * (1 + cos)`` equals ``100 - 25 * d**2`` for their distance d.
        """
        return self._descriptors(X, raw=False)

    def transform_raw(self, X) -> np.ndarray:
        """dlib's raw descriptors (not normalised), for its ``distance < 0.6`` rule.

        Parameters
        ----------
        X : array-like of shape (n, 4096) or (n, 64, 64)

        Returns
        -------
        ndarray of float64, shape (n, 128)
            Lengths about 1.25-1.6 on Olivetti.
        """
        return self._descriptors(X, raw=True)
