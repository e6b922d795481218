"""Chapter 2's set-up: real faces, 25 people to train, 15 others to test.

The Olivetti faces (40 people, 10 photos each) are split by person
(:func:`facelab.matching.embed.split_people`): 25 people train an embedding
and the other 15 are held out, so that every evaluation is *open set*, as
when a deployed system meets people it never saw in training.
"""

from __future__ import annotations

from functools import lru_cache

from .._validation import check_seed
from ..evaluation.pairs import pair_scores
from ..faces.datasets import load_olivetti
from ..matching import embed

__all__ = ["olivetti_scores"]


_OLIVETTI_MODELS = ("raw", "eigen", "fisher")


@lru_cache(maxsize=8)
def _olivetti_scores(model: str, seed: int):

    faces = load_olivetti()
    train, test = embed.split_people(faces.target, n_train_people=25, seed=seed)
    X_train, y_train = faces.data[train], faces.target[train]
    m = {"raw": lambda: embed.RawPixels().fit(X_train),
         "eigen": lambda: embed.Eigenfaces(n_components=50).fit(X_train),
         "fisher": lambda: embed.Fisherfaces(n_pca=50).fit(X_train, y_train)}[model]()
    genuine, impostor = pair_scores(m.transform(faces.data[test]), faces.target[test])
    genuine.setflags(write=False)
    impostor.setflags(write=False)
    return genuine, impostor


def olivetti_scores(model: str = "fisher", seed: int = 0):
    """Genuine and impostor scores of chapter 2's matchers on held-out Olivetti people.

    Chapter 2's set-up: 25 people train the embedding, the other 15 are
    scored (every pair of their photos).

    Parameters
    ----------
    model : {"raw", "eigen", "fisher"}, default "fisher"
        Raw pixels, eigenfaces (50) or Fisherfaces (PCA 50, then LDA).
    seed : int, default 0
        Seed of the split of people (:func:`facelab.embed.split_people`).

    Returns
    -------
    genuine : ndarray of shape (675,)
    impostor : ndarray of shape (10500,)
        Book scores (read-only; computed once per model and seed).
    """
    if model not in _OLIVETTI_MODELS:
        raise ValueError(f"model: must be one of {_OLIVETTI_MODELS}, got {model!r}.")
    return _olivetti_scores(model, check_seed(seed))
