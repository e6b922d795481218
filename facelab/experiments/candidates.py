"""Chapter 9's set-up: candidate lists for people who are not in the gallery.

An investigator's search returns its best-scoring gallery entries whether or
not the person in the probe photo is enrolled. Here each Olivetti person in
turn is *absent*: the gallery holds the first photo of every other person in
the pool, and each of the absent person's photos is searched against it, so
every candidate returned is a stranger. For comparison, a *present* search
enrols everyone's first photo and searches with their other nine.

The pools are those of chapter 2 (:mod:`facelab.experiments.olivetti`): for
the deep network and raw pixels, which learn nothing from Olivetti, all 40
people (galleries of 39 strangers); for eigenfaces and Fisherfaces, the 15
held-out people (galleries of 14), since the 25 others trained the matcher.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .._validation import check_choice, check_int, check_threshold
from ..faces.datasets import load_olivetti
from ..matching import embed
from ..matching.identification import search
from .olivetti import MODELS, olivetti_model

__all__ = ["CandidateLists", "candidate_lists"]

_MAX_K = 10


@dataclass(frozen=True)
class CandidateLists:
    """The top candidates of every probe, best first.

    Attributes
    ----------
    model : str
        Key of the matcher (see :data:`facelab.experiments.olivetti.MODELS`).
    present : bool
        False: each probe's person was left out of the gallery (every candidate
        is a stranger). True: everyone's first photo was enrolled.
    gallery_size : int
        Entries searched per probe.
    probe_image : ndarray of shape (n_probes,), int
        Index of each probe photo among the 400 Olivetti images.
    probe_person : ndarray of shape (n_probes,), int
    candidate_image, candidate_person : ndarray of shape (n_probes, k), int
        The gallery photos returned, best first.
    scores : ndarray of shape (n_probes, k), float
        Their book scores.
    """

    model: str
    present: bool
    gallery_size: int
    probe_image: np.ndarray
    probe_person: np.ndarray
    candidate_image: np.ndarray
    candidate_person: np.ndarray
    scores: np.ndarray

    def share_listed(self, threshold: float, k: int = 1) -> float:
        """Share of probes with at least one candidate in the top ``k`` at or above ``threshold``.

        For absent people this is the measured FPIR of a gallery of
        ``gallery_size`` strangers.
        """
        t = check_threshold(threshold)
        k = check_int(k, "k", low=1, high=self.scores.shape[1])
        return float(np.mean(np.any(self.scores[:, :k] >= t, axis=1)))

    def mean_listed(self, threshold: float, k: int) -> float:
        """Mean number of the top ``k`` candidates at or above ``threshold``, per probe."""
        t = check_threshold(threshold)
        k = check_int(k, "k", low=1, high=self.scores.shape[1])
        return float(np.mean(np.sum(self.scores[:, :k] >= t, axis=1)))

    def rank1_correct(self) -> float:
        """Share of probes whose top candidate is their own person (0 when absent)."""
        return float(np.mean(self.candidate_person[:, 0] == self.probe_person))


def _pool(model: str):
    """(embeddings, person, image index) of the people a matcher may be tested on."""
    faces = load_olivetti()
    index = np.arange(len(faces.target))
    if model in ("raw", "deep"):
        m = olivetti_model(model, faces.data, faces.target)
        return m.transform(faces.data), faces.target, index
    train, test = embed.split_people(faces.target, n_train_people=25, seed=0)
    m = olivetti_model(model, faces.data[train], faces.target[train])
    return m.transform(faces.data[test]), faces.target[test], index[test]


@lru_cache(maxsize=8)
def _lists(model: str, present: bool) -> CandidateLists:
    emb, person, image = _pool(model)
    emb = np.asarray(emb, dtype=np.float64)
    people = np.unique(person)
    first = np.array([np.flatnonzero(person == p)[0] for p in people])
    rows = []
    for p, f in zip(people, first, strict=True):
        own = np.flatnonzero(person == p)
        if present:
            gallery, probes = first, own[own != f]
        else:
            gallery, probes = first[people != p], own
        k = min(_MAX_K, gallery.size)
        found = search(emb[probes], emb[gallery], gallery, threshold=0, top_k=k)
        rows.append((probes, found.ids.astype(int), found.scores))
    probes = np.concatenate([r[0] for r in rows])
    cand = np.concatenate([r[1] for r in rows])
    out = CandidateLists(model=model, present=present,
                         gallery_size=int(first.size if present else first.size - 1),
                         probe_image=image[probes], probe_person=person[probes],
                         candidate_image=image[cand], candidate_person=person[cand],
                         scores=np.concatenate([r[2] for r in rows]))
    for a in (out.probe_image, out.probe_person, out.candidate_image, out.candidate_person,
              out.scores):
        a.setflags(write=False)
    return out


def candidate_lists(model: str = "deep", present: bool = False) -> CandidateLists:
    """Top-10 candidate lists of every Olivetti probe, with its person absent or present.

    Parameters
    ----------
    model : {"raw", "eigen", "fisher", "deep"}, default "deep"
        The matcher (chapter 2's four).
    present : bool, default False
        False: every probe's person is left out of the gallery, so the list
        holds only strangers; True: everyone's first photo is enrolled.

    Returns
    -------
    CandidateLists
        Computed once per model and setting (read-only arrays).

    Examples
    --------
    >>> lists = candidate_lists("deep")                      # doctest: +SKIP
    >>> lists.gallery_size, lists.scores.shape               # doctest: +SKIP
    (39, (400, 10))
    """
    model = check_choice(model, "model", tuple(MODELS))
    if not isinstance(present, (bool, np.bool_)):
        raise TypeError(f"present: must be True or False, "
                        f"got {type(present).__name__} {present!r}.")
    return _lists(model, bool(present))
