"""Replaying the ACLU's 2018 test of Amazon Rekognition on synthetic people.

In July 2018 the ACLU searched a photo of every member of the US Congress
against a database of 25,000 arrest photos with Amazon Rekognition at its
default threshold, and 28 members were falsely matched. Amazon answered that
police should use a stricter threshold, and that a re-run against 850,000
faces at 99 gave no false match. Neither the photos nor Rekognition can be
re-run here. This module runs the *same experiment* on people who do not
exist (:mod:`facelab.synth`), with the book's own matcher and score scale:

:func:`train_embedding`
    Fisherfaces trained on a synthetic *training* population: people who
    are neither probes nor in any gallery.
:func:`probe_set`
    The "legislators": ``n_probes`` synthetic people, two photos each. The
    first is searched; the second is what a gallery would hold if the
    person were in it (the *mated* case).
:func:`aclu_replay`
    Every probe searched against a gallery of other people (25,000 by
    default); every score is kept, so any threshold can be read off later.
:func:`amazon_reply`
    The same probes against a much larger gallery (850,000 by default),
    generated, embedded and searched chunk by chunk.
:func:`olivetti_scores`
    Chapter 2's genuine and impostor scores on the Olivetti faces, to
    compare what one number on the score scale means for several matchers.
:class:`print_progress`
    A progress callback that prints one tidy line.

Who is who
----------
A synthetic person is fixed by the seed, their group and an index within the
group (see :mod:`facelab.synth`). The populations here use disjoint ranges of
indices, so nobody is in two of them, and anyone can be photographed again
from ``(seed, group, index)``:

=============  =====================  ==========================
population     first index per group  used by
=============  =====================  ==========================
training       :data:`TRAIN_START`    :func:`train_embedding`
probes         :data:`PROBE_START`    :func:`probe_set`
ACLU gallery   :data:`GALLERY_START`  :func:`aclu_replay`
larger gallery :data:`RERUN_START`    :func:`amazon_reply`
=============  =====================  ==========================

(Two different seeds give independent people in every range, so an embedding
trained with one seed may be used on probes drawn with another.)

What the replay assumes
-----------------------
* Every probe is compared with every gallery entry; a probe is *falsely
  matched* if at least one entry scores at or above the threshold (the book's
  rule, ``score >= threshold``). No probe is in the gallery.
* Scores are on the book's scale, ``50 * (1 + cosine)`` of a linear
  embedding of 64 x 64 grey synthetic faces. Rekognition's "similarity" is a
  different, undocumented number: a threshold here is not a threshold there.
* The groups, their sizes and the gallery's composition are parameters, not
  facts about Congress or about any arrest-photo database.
"""

from __future__ import annotations

import math
import numbers
import sys
import time
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Callable, Iterator, Mapping

import numpy as np

from . import embed, match, synth
from ._validation import check_int, check_seed

__all__ = [
    "TRAIN_START",
    "PROBE_START",
    "GALLERY_START",
    "RERUN_START",
    "DEFAULT_TRAINING",
    "SyntheticEmbedding",
    "train_embedding",
    "ProbeSet",
    "probe_set",
    "gallery_layout",
    "AcluReplay",
    "aclu_replay",
    "AmazonReply",
    "amazon_reply",
    "olivetti_scores",
    "print_progress",
]

#: First identity index (per group) of the training population.
TRAIN_START = 0
#: First identity index (per group) of the probes ("legislators").
PROBE_START = 1_000_000
#: First identity index (per group) of the ACLU-style gallery.
GALLERY_START = 2_000_000
#: First identity index (per group) of the larger gallery of Amazon's reply.
RERUN_START = 3_000_000
_RANGE = 1_000_000  # identities available in each of the first three ranges

#: The default training population of :func:`train_embedding`: 200 people,
#: half from each of the book's two groups, 5 photos each.
DEFAULT_TRAINING = {"n_people": 200, "shares": {"A": 0.5, "B": 0.5}, "photos_per_person": 5}

#: Largest score matrix :func:`aclu_replay` keeps (probes x gallery entries):
#: 60 million float32 numbers, 240 MB.
_MAX_SCORES = 60_000_000
#: Faces rendered at once: 5,000 grey 64 x 64 images take 80 MB.
_RENDER_BLOCK = 5_000

ProgressFn = Callable[[int, int], None]


# --------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------

_check_int = check_int


_check_seed = check_seed


def _check_groups(groups) -> dict:
    if groups is None:
        return synth.default_groups()
    if not isinstance(groups, Mapping) or not groups or not all(
            isinstance(g, synth.GroupSpec) and g.name == k for k, g in groups.items()):
        raise ValueError("groups: must be a non-empty dict of name -> facelab.synth.GroupSpec "
                         "(each named by its key), or None for synth.default_groups().")
    return dict(groups)


def _check_shares(shares, groups: Mapping, name: str) -> dict[str, float]:
    if not isinstance(shares, Mapping) or not shares:
        raise ValueError(f"{name}: must be a non-empty dict of group name -> share, "
                         f"e.g. {{'A': 0.8, 'B': 0.2}}.")
    out = {}
    for g, s in shares.items():
        if g not in groups:
            raise ValueError(f"{name}: unknown group {g!r}; the groups are {list(groups)}.")
        if isinstance(s, (bool, np.bool_)) or not isinstance(s, numbers.Real) \
                or not math.isfinite(s) or not 0 <= s <= 1:
            raise ValueError(f"{name}: the share of {g!r} must be a number in [0, 1], got {s!r}.")
        out[g] = float(s)
    if abs(sum(out.values()) - 1) > 1e-9:
        raise ValueError(f"{name}: shares must add up to 1, got {sum(out.values()):g}.")
    return out


def _check_threshold(threshold) -> np.ndarray:
    t = np.asarray(threshold)
    if t.dtype == bool or not (np.issubdtype(t.dtype, np.floating)
                               or np.issubdtype(t.dtype, np.integer)):
        raise ValueError(f"threshold: expected a number in [0, 100] on the book's scale, "
                         f"got {threshold!r}.")
    t = t.astype(np.float64)
    if np.any(np.isnan(t)) or np.any(t < 0) or np.any(t > 100):
        raise ValueError(f"threshold: must be in [0, 100] on the book's scale "
                         f"(score = 50 * (1 + cosine)), got {threshold!r}.")
    return t


def _check_one_threshold(threshold) -> float:
    t = _check_threshold(threshold)
    if t.ndim != 0:
        raise ValueError(f"threshold: expected a single number in [0, 100], got shape {t.shape}.")
    return float(t)


def _check_progress(progress):
    if progress is not None and not callable(progress):
        raise ValueError("progress: must be None or a callable progress(done, total), "
                         "for example print_progress('Searching').")
    return progress


def _out(x):
    x = np.asarray(x)
    return x.item() if x.ndim == 0 else x


# --------------------------------------------------------------------------
# The embedding
# --------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class SyntheticEmbedding:
    """A Fisherface embedding trained on synthetic people, frozen for fast use.

    ``transform`` maps photos to embeddings with one float32 matrix product,
    exactly the affine map of the fitted :class:`facelab.embed.Fisherfaces`
    (``model.transform``), which is what makes 850,000 faces cheap to embed.

    Attributes
    ----------
    model : facelab.embed.Fisherfaces
        The fitted model.
    weights : ndarray of shape (4096, dim), float32
        Pixel-to-embedding matrix.
    offset : ndarray of shape (dim,), float32
        Embedding of an all-black image; ``transform(x) = x @ weights + offset``.
    n_per_group : dict of str -> int
        Training people of each group.
    photos_per_person : int
        Training photos of each person.
    seed : int
        Seed of the synthetic world the training people come from.
    groups : dict of str -> GroupSpec
        The group distributions the training people were drawn from.
    """

    model: embed.Fisherfaces
    weights: np.ndarray
    offset: np.ndarray
    n_per_group: dict
    photos_per_person: int
    seed: int
    groups: dict = field(repr=False)

    @property
    def dim(self) -> int:
        """Number of dimensions of an embedding."""
        return int(self.weights.shape[1])

    @property
    def training_shares(self) -> dict[str, float]:
        """Share of each group among the training people."""
        total = sum(self.n_per_group.values())
        return {g: n / total for g, n in self.n_per_group.items()}

    def transform(self, images) -> np.ndarray:
        """Embed photos.

        Parameters
        ----------
        images : array-like of shape (n, 64, 64) or (n, 4096)
            Grey photos in [0, 1].

        Returns
        -------
        ndarray of shape (n, dim), float32
        """
        x = np.asarray(images)
        if x.ndim == 3:
            x = x.reshape(len(x), -1)
        if x.ndim != 2 or x.shape[1] != self.weights.shape[0]:
            raise ValueError(f"images: expected shape (n, 64, 64) or (n, {self.weights.shape[0]}), "
                             f"got {np.shape(images)}.")
        e = x.astype(np.float32, copy=False) @ self.weights
        e += self.offset
        return e


def train_embedding(seed: int = 0, n_people: int = DEFAULT_TRAINING["n_people"],
                    shares: Mapping[str, float] | None = None,
                    photos_per_person: int = DEFAULT_TRAINING["photos_per_person"],
                    n_pca: int = 300, n_components: int | None = 16, groups=None,
                    nuisance: synth.Nuisance | None = None) -> SyntheticEmbedding:
    """Train Fisherfaces on a synthetic training population.

    The training people have identity indices ``TRAIN_START ...`` in each
    group, so they are never probes or gallery entries.

    Parameters
    ----------
    seed : int in [0, 2**32), default 0
        Seed of the synthetic world.
    n_people : int, default 200
        Training people, >= 2 (split between groups by ``shares``).
    shares : dict of str -> float, optional
        Share of each group among the training people; default half ``"A"``
        and half ``"B"`` (:data:`DEFAULT_TRAINING`). Chapter 4 changes it.
    photos_per_person : int, default 5
        Photos of each training person, >= 2.
    n_pca : int, default 300
        PCA dimensions before LDA (see :class:`facelab.embed.Fisherfaces`).
    n_components : int or None, default 16
        Fisherfaces kept: as many as the synthetic faces have identity
        features (:data:`facelab.synth.N_FEATURES`). None keeps them all
        (one fewer than the training people, at most ``n_pca``).
    groups : dict of str -> GroupSpec, optional
        Default :func:`facelab.synth.default_groups`.
    nuisance : facelab.synth.Nuisance, optional
        Photo-to-photo variation; default ``Nuisance()``.

    Returns
    -------
    SyntheticEmbedding
    """
    seed = _check_seed(seed)
    groups = _check_groups(groups)
    n_people = _check_int(n_people, "n_people", 2, _RANGE)
    photos = _check_int(photos_per_person, "photos_per_person", 2)
    shares = _check_shares(DEFAULT_TRAINING["shares"] if shares is None else shares,
                           groups, "shares")
    counts = synth.shares_to_counts(n_people, shares)
    images, labels = [], []
    for k, (g, n) in enumerate(counts.items()):
        if n == 0:
            continue
        faces = next(synth.stream_faces(n, groups[g], seed=seed, photos_per_identity=photos,
                                        chunk_size=n, start=TRAIN_START, nuisance=nuisance))
        images.append(faces.data)
        labels.append(k * _RANGE + faces.target)  # unique across groups
    X, y = np.concatenate(images), np.concatenate(labels)
    model = embed.Fisherfaces(n_pca=n_pca, n_components=n_components).fit(X, y)
    weights = model.components_.T.astype(np.float32)
    offset = model.transform(np.zeros((1, X.shape[1])))[0].astype(np.float32)
    return SyntheticEmbedding(model=model, weights=np.ascontiguousarray(weights), offset=offset,
                              n_per_group={g: int(n) for g, n in counts.items()},
                              photos_per_person=photos, seed=seed, groups=groups)


def _check_embedding(embedding, seed: int) -> SyntheticEmbedding:
    if embedding is None:
        return _default_embedding(seed)
    if not isinstance(embedding, SyntheticEmbedding):
        raise ValueError("embedding: must be a SyntheticEmbedding from train_embedding(), "
                         f"or None for the default; got {type(embedding).__name__}.")
    return embedding


@lru_cache(maxsize=4)
def _default_embedding(seed: int) -> SyntheticEmbedding:
    return train_embedding(seed)


# --------------------------------------------------------------------------
# Probes and galleries
# --------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class ProbeSet:
    """The "legislators": synthetic people searched against a gallery.

    Attributes
    ----------
    embeddings : ndarray of shape (n_probes, dim), float32
        Embedding of each probe's search photo (photo 0).
    mated_embeddings : ndarray of shape (n_probes, dim), float32
        Embedding of a second photo of the same person (photo 1): what a
        gallery would hold if the person were enrolled in it.
    group : ndarray of shape (n_probes,), str
    index : ndarray of shape (n_probes,), int
        Identity index of each probe within its group (from PROBE_START).
    seed : int
    shares : dict of str -> float
        The requested share of each group.
    """

    embeddings: np.ndarray
    mated_embeddings: np.ndarray
    group: np.ndarray
    index: np.ndarray
    seed: int
    shares: dict

    def __len__(self) -> int:
        return len(self.group)

    @cached_property
    def mated_score(self) -> np.ndarray:
        """Score of each probe photo against the person's own second photo, (n_probes,)."""
        return match.verify(self.embeddings, self.mated_embeddings, threshold=0).score

    def counts(self) -> dict[str, int]:
        """Number of probes of each group."""
        names, n = np.unique(self.group, return_counts=True)
        return dict(zip(names.tolist(), n.tolist()))


def probe_set(embedding: SyntheticEmbedding | None = None, n_probes: int = 535,
              shares: Mapping[str, float] | None = None, seed: int = 0,
              nuisance: synth.Nuisance | None = None) -> ProbeSet:
    """Draw and embed the probes: two photos of each of ``n_probes`` people.

    Parameters
    ----------
    embedding : SyntheticEmbedding, optional
        Default: ``train_embedding(seed)``.
    n_probes : int, default 535
        Number of probe people, in [1, 1,000,000].
    shares : dict of str -> float, optional
        Share of each group among the probes; default ``{"A": 0.8, "B": 0.2}``.
    seed : int, default 0
    nuisance : facelab.synth.Nuisance, optional

    Returns
    -------
    ProbeSet
        Probes of the first group first, then the next group's.
    """
    seed = _check_seed(seed)
    embedding = _check_embedding(embedding, seed)
    n_probes = _check_int(n_probes, "n_probes", 1, _RANGE)
    shares = _check_shares({"A": 0.8, "B": 0.2} if shares is None else shares,
                           embedding.groups, "probe_shares")
    counts = synth.shares_to_counts(n_probes, shares)
    first, second, group, index = [], [], [], []
    for g, n in counts.items():
        if n == 0:
            continue
        faces = next(synth.stream_faces(n, embedding.groups[g], seed=seed, photos_per_identity=2,
                                        chunk_size=n, start=PROBE_START, nuisance=nuisance))
        e = embedding.transform(faces.images)
        first.append(e[0::2])
        second.append(e[1::2])
        group.append(np.full(n, g))
        index.append(faces.target[0::2])
    return ProbeSet(embeddings=np.concatenate(first), mated_embeddings=np.concatenate(second),
                    group=np.concatenate(group), index=np.concatenate(index), seed=seed,
                    shares=shares)


def gallery_layout(gallery_size: int, shares: Mapping[str, float], seed: int = 0):
    """Which group each gallery position holds, and the person's index in it.

    The groups' counts follow ``shares`` exactly (largest remainders), in a
    random order fixed by ``seed``, so that every prefix of the gallery has
    about the same composition (the nested galleries of the explorer).

    Parameters
    ----------
    gallery_size : int >= 1
    shares : dict of str -> float
        Adding up to 1.
    seed : int

    Returns
    -------
    group : ndarray of shape (gallery_size,), str
    rank : ndarray of shape (gallery_size,), int
        Position of the person among the gallery members of their group
        (0, 1, 2, ... in gallery order); add the range's start for the index.
    """
    gallery_size = _check_int(gallery_size, "gallery_size", 1)
    seed = _check_seed(seed)
    counts = synth.shares_to_counts(gallery_size, shares)
    labels = np.concatenate([np.full(n, g) for g, n in counts.items() if n])
    rng = np.random.default_rng([seed, 0x6A11E7])
    labels = labels[rng.permutation(gallery_size)]
    rank = np.empty(gallery_size, dtype=np.int64)
    for g in counts:
        where = labels == g
        rank[where] = np.arange(int(where.sum()))
    return labels, rank


def _embed_range(embedding, labels, rank, start, seed, nuisance, lo: int, hi: int) -> np.ndarray:
    """Render and embed gallery entries lo..hi-1, _RENDER_BLOCK photos at a time."""
    out = np.empty((hi - lo, embedding.dim), dtype=np.float32)
    for blo in range(lo, hi, _RENDER_BLOCK):
        bhi = min(hi, blo + _RENDER_BLOCK)
        lab = labels[blo:bhi]
        for g in np.unique(lab):
            where = np.flatnonzero(lab == g)
            first = int(rank[blo + where[0]])  # ranks of a group are consecutive
            faces = next(synth.stream_faces(len(where), embedding.groups[str(g)], seed=seed,
                                            chunk_size=len(where), start=start + first,
                                            nuisance=nuisance))
            out[blo - lo + where] = embedding.transform(faces.images)
    return out


# A worker process keeps the gallery's description (sent once, when it starts).
_WORKER_STATE: dict = {}


def _worker_init(*state) -> None:
    _WORKER_STATE["args"] = state


def _worker_embed_range(lo: int, hi: int) -> np.ndarray:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):  # the workers already use every core
        return _embed_range(*_WORKER_STATE["args"], lo, hi)


def _check_n_jobs(n_jobs) -> int:
    """Processes to use, as in scikit-learn: None or 1 is one, -1 is one per core."""
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if n_jobs is None:
        return 1
    n_jobs = _check_int(n_jobs, "n_jobs", -cores, 64)
    if n_jobs == 0:
        raise ValueError(f"n_jobs: must be 1 to 64, or -1 to -{cores} (counting back from one "
                         "per core), not 0.")
    return cores + 1 + n_jobs if n_jobs < 0 else n_jobs


def _embedded_gallery(embedding, labels, rank, start, seed, nuisance, chunk_size,
                      progress, workers: int = 1) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield (embeddings float32, gallery positions) chunk by chunk, in order.

    Photos are rendered at most _RENDER_BLOCK at a time and embedded at once,
    so memory stays at about 80 MB of images per process whatever the gallery
    size. With ``workers > 1`` chunks are rendered in that many processes;
    each chunk is cut into the same blocks either way, and rendering depends
    only on (seed, group, index), so the embeddings are the same bit for bit.
    """
    n = len(labels)
    bounds = [(lo, min(n, lo + chunk_size)) for lo in range(0, n, chunk_size)]
    if workers <= 1 or len(bounds) <= 1:
        chunks = (_embed_range(embedding, labels, rank, start, seed, nuisance, lo, hi)
                  for lo, hi in bounds)
        pool = None
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # "spawn": a fresh interpreter, safe inside a Jupyter kernel's threads.
        pool = ProcessPoolExecutor(max_workers=min(workers, len(bounds)),
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_worker_init,
                                   initargs=(embedding, labels, rank, start, seed, nuisance))
        chunks = pool.map(_worker_embed_range, *zip(*bounds))
    try:
        for (lo, hi), out in zip(bounds, chunks):
            yield out, np.arange(lo, hi)
            if progress is not None:
                progress(hi, n)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _gallery_faces(embedding, group: str, index, seed, photo: int = 0,
                   nuisance=None) -> np.ndarray:
    """Photograph again the people of one group with the given indices."""
    index = np.atleast_1d(np.asarray(index, dtype=np.int64))
    out = np.empty((len(index), synth.IMAGE_SIZE, synth.IMAGE_SIZE), dtype=np.float32)
    for k, i in enumerate(index):
        faces = next(synth.stream_faces(1, embedding.groups[group], seed=seed,
                                        photos_per_identity=photo + 1, chunk_size=1,
                                        start=int(i), nuisance=nuisance))
        out[k] = faces.images[photo]
    return out


# --------------------------------------------------------------------------
# The ACLU replay
# --------------------------------------------------------------------------

class _ProbeCounts:
    """Shared readings of per-probe best scores (false matches) and mated scores."""

    probes: ProbeSet

    @cached_property
    def _sorted_max(self) -> np.ndarray:
        return np.sort(self.max_score)

    @cached_property
    def _sorted_mated(self) -> np.ndarray:
        return np.sort(self.probes.mated_score)

    @property
    def n_probes(self) -> int:
        """Number of probes."""
        return len(self.probes)

    @property
    def probe_group(self) -> np.ndarray:
        """Group of each probe, (n_probes,)."""
        return self.probes.group

    @property
    def mated_score(self) -> np.ndarray:
        """Score of each probe against its own second photo, (n_probes,)."""
        return self.probes.mated_score

    def false_matches(self, threshold):
        """Number of probes with at least one gallery score >= ``threshold``.

        Parameters
        ----------
        threshold : float or array-like, in [0, 100]

        Returns
        -------
        int or ndarray of int shaped like ``threshold``
        """
        t = _check_threshold(threshold)
        s = self._sorted_max
        return _out(s.size - np.searchsorted(s, t, side="left"))

    def falsely_matched(self, threshold: float) -> np.ndarray:
        """Boolean mask of the probes falsely matched at ``threshold``, (n_probes,)."""
        t = _check_one_threshold(threshold)
        return self.max_score >= t

    def missed(self, threshold):
        """Number of probes whose own second photo scores below ``threshold``.

        If every probe's second photo were in the gallery (the *mated*
        case), these are the people a search at this threshold would fail to
        find: false non-matches.

        Returns
        -------
        int or ndarray of int shaped like ``threshold``
        """
        t = _check_threshold(threshold)
        return _out(np.searchsorted(self._sorted_mated, t, side="left"))

    @property
    def probe_shares(self) -> dict[str, float]:
        """Share of each group among the probes."""
        counts = self.probes.counts()
        return {g: n / self.n_probes for g, n in counts.items()}

    def group_counts(self, threshold: float) -> dict[str, int]:
        """Falsely matched probes of each group at ``threshold``."""
        hit = self.falsely_matched(threshold)
        return {g: int(np.sum(hit & (self.probe_group == g))) for g in self.probe_shares}

    def group_shares(self, threshold: float) -> dict[str, float]:
        """Share of each group among the falsely matched probes (NaN if there are none)."""
        counts = self.group_counts(threshold)
        total = sum(counts.values())
        return {g: (n / total if total else float("nan")) for g, n in counts.items()}

    def group_rates(self, threshold: float) -> dict[str, float]:
        """Share of each group's probes that are falsely matched (the per-group FPIR)."""
        counts = self.group_counts(threshold)
        sizes = self.probes.counts()
        return {g: counts[g] / sizes[g] for g in counts}


@dataclass(frozen=True, eq=False)
class AcluReplay(_ProbeCounts):
    """Result of :func:`aclu_replay`: every probe against every gallery entry.

    No probe is in the gallery, so every score here is a non-mated
    comparison and any score at or above the threshold is a false match.

    Attributes
    ----------
    scores : ndarray of shape (n_probes, gallery_size), float32
        Book score of every probe against every gallery entry.
    probes : ProbeSet
    gallery_group : ndarray of shape (gallery_size,), str
        Group of each gallery entry.
    gallery_index : ndarray of shape (gallery_size,), int
        Identity index of each gallery entry within its group.
    gallery_shares : dict of str -> float
    embedding : SyntheticEmbedding
    seed : int
    seconds : float
        Wall-clock time the replay took.
    """

    scores: np.ndarray
    probes: ProbeSet
    gallery_group: np.ndarray
    gallery_index: np.ndarray
    gallery_shares: dict
    embedding: SyntheticEmbedding = field(repr=False)
    seed: int = 0
    seconds: float = 0.0

    @property
    def gallery_size(self) -> int:
        """Number of gallery entries."""
        return int(self.scores.shape[1])

    @cached_property
    def best_entry(self) -> np.ndarray:
        """Gallery position of each probe's highest-scoring entry, (n_probes,)."""
        return np.argmax(self.scores, axis=1)

    @cached_property
    def max_score(self) -> np.ndarray:
        """Each probe's highest score over the whole gallery, (n_probes,), float64."""
        return np.take_along_axis(self.scores, self.best_entry[:, None], axis=1)[:, 0].astype(
            np.float64)

    @cached_property
    def _sorted_scores(self) -> np.ndarray:
        return np.sort(self.scores, axis=None)

    def fmr(self, threshold):
        """False match rate: share of all probe-gallery comparisons scoring >= ``threshold``.

        Returns
        -------
        float or ndarray shaped like ``threshold``
        """
        t = _check_threshold(threshold)
        s = self._sorted_scores
        return _out((s.size - np.searchsorted(s, t, side="left")) / s.size)

    def threshold_for_fmr(self, target_fmr: float) -> float:
        """Smallest threshold whose FMR over all probe-gallery comparisons is <= ``target_fmr``.

        As :func:`facelab.metrics.threshold_for_fmr`, on the
        ``n_probes * gallery_size`` comparisons of the replay.
        """
        from .metrics import SortedScores

        if not hasattr(self, "_fmr_index"):
            # One sorted float64 copy (the 13.4 million scores of the default replay).
            self.__dict__["_fmr_index"] = SortedScores(impostor=self._sorted_scores.astype(
                np.float64))
        return float(self.__dict__["_fmr_index"].threshold_for_fmr(target_fmr))

    def fmr_by_group(self, threshold: float) -> dict[tuple[str, str], float]:
        """FMR per (probe group, gallery group) pair of groups at ``threshold``."""
        t = _check_one_threshold(threshold)
        out = {}
        for pg in self.probe_shares:
            rows = self.scores[self.probe_group == pg]
            for gg in np.unique(self.gallery_group).tolist():
                block = rows[:, self.gallery_group == gg]
                out[(pg, gg)] = float(np.count_nonzero(block >= t) / block.size)
        return out

    def nested_max(self, gallery_sizes) -> dict[int, np.ndarray]:
        """Each probe's best score against the first N gallery entries, for each N.

        Parameters
        ----------
        gallery_sizes : sequence of int, each in [1, gallery_size]

        Returns
        -------
        dict {N: ndarray of shape (n_probes,), float64}
            Ready for :func:`facelab.explorers.watchlist_explorer`.
        """
        try:
            sizes = sorted({int(n) for n in gallery_sizes})
        except (TypeError, ValueError):
            raise ValueError(f"gallery_sizes: expected integers, got {gallery_sizes!r}.") from None
        if not sizes or sizes[0] < 1 or sizes[-1] > self.gallery_size:
            raise ValueError(f"gallery_sizes: each N must be in [1, {self.gallery_size:,}], "
                             f"got {list(gallery_sizes)}.")
        out, running, done = {}, np.full(self.n_probes, -np.inf), 0
        for n in sizes:  # one pass: each segment's maximum joins the running one
            running = np.maximum(running, self.scores[:, done:n].max(axis=1, initial=-np.inf))
            out[n] = running.astype(np.float64)
            done = n
        return out

    def false_match_pairs(self, threshold: float) -> list[tuple[int, int, float]]:
        """Falsely matched probes with their best gallery entry, best score first.

        Returns
        -------
        list of (probe row, gallery position, score)
        """
        rows = np.flatnonzero(self.falsely_matched(threshold))
        rows = rows[np.argsort(-self.max_score[rows], kind="stable")]
        return [(int(i), int(self.best_entry[i]), float(self.max_score[i])) for i in rows]

    def comparisons_between(self, low: float, high: float, n: int = 3):
        """Up to ``n`` comparisons scoring in ``[low, high)``, one per probe.

        Not each probe's best entry, as in :meth:`false_match_pairs`: any
        comparison in the range, for showing what scores near a threshold
        look like. The first ``n`` probes (in row order) with such a
        comparison each give their first one.

        Returns
        -------
        list of (probe row, gallery position, score)
        """
        low, high = _check_one_threshold(low), _check_one_threshold(high)
        n = _check_int(n, "n", 1)
        out = []
        for i in range(self.n_probes):  # stops after n probes
            hit = np.flatnonzero((self.scores[i] >= low) & (self.scores[i] < high))
            if hit.size:
                out.append((i, int(hit[0]), float(self.scores[i, hit[0]])))
                if len(out) == n:
                    break
        return out

    def probe_faces(self, rows) -> np.ndarray:
        """The search photos of the given probe rows, rendered again, (n, 64, 64)."""
        rows = np.atleast_1d(np.asarray(rows, dtype=np.int64))
        return np.stack([_gallery_faces(self.embedding, str(self.probe_group[r]),
                                        self.probes.index[r], self.probes.seed)[0] for r in rows])

    def gallery_faces(self, positions) -> np.ndarray:
        """The photos at the given gallery positions, rendered again, (n, 64, 64)."""
        positions = np.atleast_1d(np.asarray(positions, dtype=np.int64))
        return np.stack([_gallery_faces(self.embedding, str(self.gallery_group[p]),
                                        self.gallery_index[p], self.seed)[0]
                         for p in positions])


def aclu_replay(embedding: SyntheticEmbedding | None = None, n_probes: int = 535,
                gallery_size: int = 25_000,
                probe_shares: Mapping[str, float] | None = None,
                gallery_shares: Mapping[str, float] | None = None, seed: int = 0,
                chunk_size: int = 25_000, progress: ProgressFn | None = None,
                probes: ProbeSet | None = None) -> AcluReplay:
    """Replay the ACLU's test: search every probe against a gallery of other people.

    The probes are :func:`probe_set` people; the gallery holds one photo of
    each of ``gallery_size`` other people (indices from
    :data:`GALLERY_START`), none of whom is a probe. Every score is kept, so
    false matches can be counted at any threshold afterwards.

    Parameters
    ----------
    embedding : SyntheticEmbedding, optional
        The matcher. Default ``train_embedding(seed)``: 200 training people,
        half of each group. Chapter 4 passes others.
    n_probes : int, default 535
        Probe people ("legislators"), >= 1.
    gallery_size : int, default 25,000
        Gallery people ("arrest photos"), >= 1; ``n_probes * gallery_size``
        at most 60 million (use :func:`amazon_reply` beyond).
    probe_shares : dict of str -> float, optional
        Share of each group among the probes; default ``{"A": 0.8, "B": 0.2}``.
    gallery_shares : dict of str -> float, optional
        Share of each group in the gallery; default the probes' shares.
    seed : int, default 0
        Seed of the synthetic world (probes, gallery, order of the gallery).
    chunk_size : int, default 25,000
        Gallery entries embedded and scored at a time, >= 1.
    progress : callable(done, total), optional
        Called after each chunk with gallery entries done.
    probes : ProbeSet, optional
        Reuse probes made by :func:`probe_set` with the same embedding
        (then ``n_probes`` and ``probe_shares`` are ignored).

    Returns
    -------
    AcluReplay
    """
    t0 = time.perf_counter()
    seed = _check_seed(seed)
    embedding = _check_embedding(embedding, seed)
    gallery_size = _check_int(gallery_size, "gallery_size", 1, _RANGE)
    chunk_size = _check_int(chunk_size, "chunk_size", 1)
    progress = _check_progress(progress)
    if probes is None:
        probes = probe_set(embedding, n_probes, probe_shares, seed)
    elif not isinstance(probes, ProbeSet) or probes.embeddings.shape[1] != embedding.dim:
        raise ValueError("probes: must be a ProbeSet made with the same embedding, or None.")
    if len(probes) * gallery_size > _MAX_SCORES:
        raise ValueError(f"gallery_size: {len(probes):,} probes x {gallery_size:,} entries is more "
                         f"than {_MAX_SCORES:,} scores to keep; use amazon_reply() for large "
                         "galleries (it streams and keeps only each probe's best score).")
    gallery_shares = _check_shares(probes.shares if gallery_shares is None else gallery_shares,
                                   embedding.groups, "gallery_shares")
    labels, rank = gallery_layout(gallery_size, gallery_shares, seed)
    scores = np.empty((len(probes), gallery_size), dtype=np.float32)
    p = probes.embeddings
    for g, pos in _embedded_gallery(embedding, labels, rank, GALLERY_START, seed, None,
                                    chunk_size, progress):
        cos = match.cosine_similarity(p, g)  # float32: both sides are
        np.clip(cos, -1, 1, out=cos)
        scores[:, pos] = (cos + 1) * 50
    return AcluReplay(scores=scores, probes=probes, gallery_group=labels,
                      gallery_index=GALLERY_START + rank, gallery_shares=gallery_shares,
                      embedding=embedding, seed=seed, seconds=time.perf_counter() - t0)


# --------------------------------------------------------------------------
# Amazon's reply: a much larger gallery, streamed
# --------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class AmazonReply(_ProbeCounts):
    """Result of :func:`amazon_reply`.

    Only each probe's best score is kept (not every score), so false matches
    can be counted at any threshold, but the false match rate only at the
    threshold of the run.

    Attributes
    ----------
    max_score : ndarray of shape (n_probes,), float64
        Each probe's highest score over the gallery.
    best_entry : ndarray of shape (n_probes,), int
        Gallery position of that entry.
    n_above : ndarray of shape (n_probes,), int
        Gallery entries scoring >= ``threshold`` against each probe.
    threshold : float
    gallery_size : int
    gallery_shares : dict of str -> float
    probes : ProbeSet
    seed : int
    seconds : float
        Wall-clock time of the run.
    """

    max_score: np.ndarray
    best_entry: np.ndarray
    n_above: np.ndarray
    threshold: float
    gallery_size: int
    gallery_shares: dict
    probes: ProbeSet
    seed: int = 0
    seconds: float = 0.0

    @property
    def comparisons(self) -> int:
        """Number of probe-gallery comparisons made."""
        return self.n_probes * self.gallery_size

    @property
    def fmr_at_threshold(self) -> float:
        """Share of all comparisons scoring >= ``threshold``."""
        return float(self.n_above.sum() / self.comparisons)


def amazon_reply(embedding: SyntheticEmbedding | None = None, gallery_size: int = 850_000,
                 threshold: float = 99.0, n_probes: int = 535,
                 probe_shares: Mapping[str, float] | None = None,
                 gallery_shares: Mapping[str, float] | None = None, seed: int = 0,
                 chunk_size: int = 50_000, progress: ProgressFn | None = None,
                 probes: ProbeSet | None = None, n_jobs: int | None = None) -> AmazonReply:
    """Amazon's reply: the probes against a much larger gallery, streamed.

    The gallery (indices from :data:`RERUN_START`: other people again) is
    generated, embedded in float32 and searched ``chunk_size`` entries at a
    time through :func:`facelab.match.search`, keeping only each probe's best
    entry and its count of entries at or above ``threshold``. Memory stays
    near 80 MB of images plus one chunk's scores (535 x 50,000 float32 is
    107 MB), whatever the gallery size.

    Parameters
    ----------
    embedding : SyntheticEmbedding, optional
        Default ``train_embedding(seed)``.
    gallery_size : int, default 850,000
        Gallery people, in [1, 100,000,000].
    threshold : float, default 99
        Threshold on the book's scale for ``n_above``.
    n_probes, probe_shares, gallery_shares, seed, probes
        As for :func:`aclu_replay`.
    chunk_size : int, default 50,000
        Gallery entries per matrix product, >= 1.
    progress : callable(done, total), optional
        Called after each chunk, e.g. :class:`print_progress`.
    n_jobs : int, optional
        Processes that draw the gallery's faces, as in scikit-learn: None or 1
        for one, -1 for one per core. The result does not depend on it. In a
        script (not a notebook), more than one needs the usual
        ``if __name__ == "__main__":`` guard of Python's multiprocessing.

    Returns
    -------
    AmazonReply
    """
    t0 = time.perf_counter()
    seed = _check_seed(seed)
    embedding = _check_embedding(embedding, seed)
    gallery_size = _check_int(gallery_size, "gallery_size", 1, 100_000_000)
    threshold = _check_one_threshold(threshold)
    chunk_size = _check_int(chunk_size, "chunk_size", 1)
    progress = _check_progress(progress)
    if probes is None:
        probes = probe_set(embedding, n_probes, probe_shares, seed)
    elif not isinstance(probes, ProbeSet) or probes.embeddings.shape[1] != embedding.dim:
        raise ValueError("probes: must be a ProbeSet made with the same embedding, or None.")
    gallery_shares = _check_shares(probes.shares if gallery_shares is None else gallery_shares,
                                   embedding.groups, "gallery_shares")
    labels, rank = gallery_layout(gallery_size, gallery_shares, seed)
    workers = _check_n_jobs(n_jobs)
    stream = _embedded_gallery(embedding, labels, rank, RERUN_START, seed, None, chunk_size,
                               progress, workers)
    result = match.search(probes.embeddings, stream, None, threshold=threshold, top_k=1)
    return AmazonReply(max_score=result.best_score.astype(np.float64), best_entry=result.best_id,
                       n_above=result.n_above, threshold=threshold, gallery_size=gallery_size,
                       gallery_shares=gallery_shares, probes=probes, seed=seed,
                       seconds=time.perf_counter() - t0)


# --------------------------------------------------------------------------
# Chapter 2's matchers on Olivetti, for comparing score scales
# --------------------------------------------------------------------------

_OLIVETTI_MODELS = ("raw", "eigen", "fisher")


@lru_cache(maxsize=8)
def _olivetti_scores(model: str, seed: int):
    from .datasets import load_olivetti
    from .metrics import pair_scores

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
    return _olivetti_scores(model, _check_seed(seed))


# --------------------------------------------------------------------------
# Progress
# --------------------------------------------------------------------------

class print_progress:
    """A ``progress(done, total)`` callback that prints a short log line now and then.

    One line each time another ``every`` of the work is done, so a static
    page shows a tidy log of a few lines rather than hundreds of updates::

        Searching 850,000 faces: 25% (212,500 of 850,000) after 52 s
        Searching 850,000 faces: 50% (425,000 of 850,000) after 1 min 44 s
        ...

    Parameters
    ----------
    label : str
        What is being done.
    every : float in (0, 1], default 0.25
        Print after each such share of the work (1: only when it is done).
    file : file-like, optional
        Where to print; default ``sys.stdout``.
    """

    def __init__(self, label: str, every: float = 0.25, file=None):
        if isinstance(every, bool) or not isinstance(every, numbers.Real) or not 0 < every <= 1:
            raise ValueError(f"every: must be a share in (0, 1], got {every!r}.")
        self.label = str(label)
        self.every = float(every)
        self.file = file
        self._next = self.every
        self._t0 = time.perf_counter()  # the work starts when the callback is made

    def __call__(self, done: int, total: int) -> None:
        frac = done / total if total else 1.0
        if frac + 1e-9 < self._next and done < total:
            return
        while self._next <= frac + 1e-9:
            self._next += self.every
        s = time.perf_counter() - self._t0
        took = f"{s:.0f} s" if s < 60 else f"{int(s // 60)} min {s % 60:.0f} s"
        print(f"{self.label}: {frac:.0%} ({done:,} of {total:,}) after {took}",
              flush=True, file=self.file or sys.stdout)


# --------------------------------------------------------------------------
# Figures (each takes and returns a matplotlib Axes)
# --------------------------------------------------------------------------

def _ax(ax, figsize=None):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _pct_label(p: float) -> str:
    """0.0001 -> '0.01%', 0.5 -> '50%'."""
    x = 100 * p
    return f"{x:.{max(0, -int(np.floor(np.log10(x))))}f}%" if x < 1 else f"{x:g}%"


def plot_error_rates(genuine, impostor, threshold: float | None = None, ax=None,
                     x_range: tuple[float, float] = (40.0, 100.0)):
    """FMR and FNMR (in %) against the threshold, with the equal error rate.

    Colour, line style and a label at the end of each line tell the two apart:
    FMR is drawn like impostor scores (vermillion, dashed), FNMR like genuine
    scores (blue, solid), as in :func:`facelab.plotting.score_histograms`.

    Parameters
    ----------
    genuine, impostor : array-like
        Mated and non-mated scores on the book's scale.
    threshold : float, optional
        Drawn as a dotted vertical line with the two rates there.
    ax : Axes, optional
    x_range : (float, float)
        Thresholds shown.

    Returns
    -------
    Axes
    """
    from . import metrics, plotting

    ax = _ax(ax)
    t = np.linspace(*x_range, 1201)
    curve = metrics.error_curve(genuine, impostor, thresholds=t)
    rate, at = metrics.eer(genuine, impostor)
    for y, spec, name in ((curve.fmr, plotting.IMPOSTOR, "FMR: different people matched"),
                          (curve.fnmr, plotting.GENUINE, "FNMR: same person not matched")):
        ax.plot(t, 100 * y, color=spec["color"], linestyle=spec["linestyle"], linewidth=2.2)
        # Label each line where it is clear of the other.
        k = int(np.argmax(y > 0.55)) if name.startswith("FNMR") else int(np.argmax(y < 0.45))
        ax.annotate(name, (t[k], 100 * y[k]), xytext=(8, 0), textcoords="offset points",
                    color=spec["color"], fontsize=10, va="center",
                    fontweight="bold")
    ax.plot([at], [100 * rate], "o", color="black", markersize=7, zorder=5)
    # The label sits in the empty lower-left corner, with an arrow to the point.
    ax.annotate(f"equal error rate\n{rate:.1%} at {at:.1f}", (at, 100 * rate),
                xytext=(x_range[0] + 0.04 * (x_range[1] - x_range[0]), 100 * rate + 14),
                ha="left", va="bottom", fontsize=10,
                arrowprops=dict(arrowstyle="->", color="black", linewidth=1))
    if threshold is not None:
        f, n = metrics.fmr(impostor, threshold), metrics.fnmr(genuine, threshold)
        ax.axvline(threshold, color="black", linestyle=":", linewidth=1.6)
        ax.annotate(f"threshold {threshold:g}\nFMR {f:.2%}\nFNMR {n:.1%}", (threshold, 98),
                    xytext=(6, 0), textcoords="offset points", va="top", fontsize=10)
    ax.set_xlim(*x_range)
    ax.set_ylim(0, 100)
    ax.set_xlabel("threshold (book score, 0 to 100)")
    ax.set_ylabel("error rate (%)")
    return ax


def det_axes(ax, ticks=(0.0001, 0.001, 0.01, 0.1, 0.5), lim=(0.00003, 0.8)):
    """Put both axes of ``ax`` on the normal-deviate (probit) scale of a DET plot.

    Data must be plotted as ``facelab.metrics.probit(rate)``; the tick labels
    show the rates in percent (0.01%, 0.1%, 1%, 10%, 50%).

    Returns
    -------
    Axes
    """
    from .metrics import probit

    pos = [probit(p) for p in ticks]
    labels = [_pct_label(p) for p in ticks]
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_ticks(pos, labels)
    ax.set_xlim(probit(lim[0]), probit(lim[1]))
    ax.set_ylim(probit(lim[0]), probit(lim[1]))
    ax.set_aspect("equal")
    ax.grid(color="#e6e6e6")
    ax.set_axisbelow(True)
    return ax


def plot_det(curves: Mapping[str, tuple], mark: float | None = 80.0, ax=None):
    """Detection error trade-off curves: FNMR against FMR, both on probit axes.

    Parameters
    ----------
    curves : dict name -> (genuine, impostor)
        Scores of each matcher; every distinct score is an operating point.
    mark : float, optional
        Marks each curve's operating point at this threshold.
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    from . import metrics, plotting

    ax = _ax(ax, figsize=(6.2, 6.2))
    lo = 0.00003
    for k, (name, (genuine, impostor)) in enumerate(curves.items()):
        colour = list(plotting.OKABE_ITO.values())[[2, 3, 0, 1, 4][k % 5]]
        style = plotting.LINESTYLES[k % len(plotting.LINESTYLES)]
        fmr, fnmr, _ = metrics.det_curve(genuine, impostor)
        keep = (fmr > 0) & (fnmr > 0)
        # Clip zero rates to the edge of the plot rather than dropping the curve's ends.
        x = metrics.probit(np.clip(fmr, lo, 1), clip=1e-9)
        y = metrics.probit(np.clip(fnmr, lo, 1), clip=1e-9)
        ax.plot(x[keep | (fmr <= lo)], y[keep | (fmr <= lo)], color=colour, linestyle=style,
                linewidth=2.2, label=name)
        if mark is not None:
            f = max(metrics.fmr(impostor, mark), lo)
            n = max(metrics.fnmr(genuine, mark), lo)
            ax.plot(metrics.probit(f, clip=1e-9), metrics.probit(n, clip=1e-9),
                    marker=plotting.MARKERS[k % len(plotting.MARKERS)], color=colour,
                    markeredgecolor="black", markersize=10, linestyle="none", zorder=5)
    det_axes(ax)
    ax.set_xlabel("false match rate, FMR (normal-deviate scale)")
    ax.set_ylabel("false non-match rate, FNMR (normal-deviate scale)")
    ax.legend(loc="lower left", title=None if mark is None else f"markers: threshold {mark:g}")
    return ax


def plot_p_any(fmrs: Mapping[str, float], sizes=None, ax=None, points=None):
    """Chance that a probe falsely matches someone, against the gallery size.

    Parameters
    ----------
    fmrs : dict label -> FMR
        One curve per false match rate, ``1 - (1 - FMR) ** N``.
    sizes : array-like, optional
        Gallery sizes (log scale); default 1 to 10 million.
    ax : Axes, optional
    points : dict label -> (N, share), optional
        Observed shares of probes falsely matched, drawn as large markers.

    Returns
    -------
    Axes
    """
    from . import plotting
    from .watchlist import p_any_false_match

    ax = _ax(ax)
    n = np.logspace(0, 7, 400) if sizes is None else np.asarray(sizes, float)
    colours = list(plotting.OKABE_ITO.values())
    for k, (label, f) in enumerate(fmrs.items()):
        p = 100 * p_any_false_match(f, n)
        ax.plot(n, p, color=colours[k], linestyle=plotting.LINESTYLES[k % 6], linewidth=2.2,
                label=label)
    # The curves crowd together on the right; the legend sits in the empty upper left.
    ax.legend(loc="upper left", title="false match rate per comparison")
    for label, (size, share) in (points or {}).items():
        ax.plot([size], [100 * share], marker="D", color="black", markersize=8, linestyle="none",
                zorder=5)
        ax.annotate(label, (size, 100 * share), xytext=(-8, 8), textcoords="offset points",
                    ha="right", fontsize=10)
    ax.set_xscale("log")
    ax.set_xlim(n[0], n[-1])
    ax.set_ylim(0, 100)
    ax.set_xlabel("gallery size N (people, log scale)")
    ax.set_ylabel("chance of at least one false match (%)")
    return ax


def plot_replay(result: "AcluReplay", marks=(80.0, 95.0, 99.0), reference: int | None = None,
                ax=None, x_range: tuple[float, float] = (50.0, 100.0)):
    """False matches and missed true matches as the threshold moves.

    Parameters
    ----------
    result : AcluReplay or AmazonReply
    marks : sequence of float
        Thresholds at which the two counts are marked and written.
    reference : int, optional
        A count to draw as a horizontal grey line (the ACLU's 28).
    ax : Axes, optional
    x_range : (float, float)

    Returns
    -------
    Axes
    """
    from . import plotting

    ax = _ax(ax, figsize=(8, 4.6))
    t = np.linspace(*x_range, 2001)
    fm, ms = result.false_matches(t), result.missed(t)
    imp, gen = plotting.IMPOSTOR, plotting.GENUINE
    ax.plot(t, fm, color=imp["color"], linestyle=imp["linestyle"], linewidth=2.4)
    ax.plot(t, ms, color=gen["color"], linestyle=gen["linestyle"], linewidth=2.4)
    n = result.n_probes
    ax.annotate("probes falsely matched\n(not in the gallery)", (x_range[0] + 1, n * 0.93),
                color=imp["color"], fontsize=10, fontweight="bold", va="top")
    ax.annotate("true matches missed\n(if they were in the gallery)", (x_range[0] + 1, n * 0.12),
                color=gen["color"], fontsize=10, fontweight="bold", va="bottom")
    if reference is not None:
        ax.axhline(reference, color="#777777", linewidth=1.2, linestyle=(0, (1, 2)))
        ax.annotate(f"the ACLU's {reference}", (x_range[0] + 1, reference), xytext=(0, 3),
                    textcoords="offset points", color="#555555", fontsize=9)
    box = dict(facecolor="white", edgecolor="none", alpha=0.9, pad=1)
    for m in marks:
        ax.axvline(m, color="black", linestyle=":", linewidth=1.2)
        ax.annotate(f"{m:g}", (m, 1), xycoords=("data", "axes fraction"), xytext=(0, 3),
                    textcoords="offset points", ha="center", va="bottom", fontsize=10,
                    fontweight="bold")
        # Counts beside their markers: left of the line, or right of it near the end.
        right = m > x_range[1] - 0.1 * (x_range[1] - x_range[0])
        dx = 7 if right else -7
        for y, spec, marker in ((int(result.false_matches(m)), imp, "o"),
                                (int(result.missed(m)), gen, "s")):
            ax.plot([m], [y], marker, color=spec["color"], markeredgecolor="black",
                    markersize=7, zorder=5)
            dy = -10 if y > 0.93 * n else (9 if y < 0.07 * n else 0)
            ax.annotate(f"{y}", (m, y), xytext=(dx, dy), textcoords="offset points",
                        ha="left" if right else "right", va="center", fontsize=10,
                        fontweight="bold", color=spec["color"], bbox=box, zorder=6)
    ax.set_xlim(*x_range)
    ax.set_ylim(0, n * 1.02)
    ax.set_xlabel("threshold (book score, 0 to 100)")
    ax.set_ylabel(f"probes (of {n})")
    ax.set_title("", pad=18)  # room for the threshold labels above the plot
    return ax


def plot_pairs(result: "AcluReplay", pairs, ncols: int = 3, size: float = 1.5):
    """Falsely matched probe and gallery faces side by side, with their scores.

    Parameters
    ----------
    result : AcluReplay
    pairs : sequence of (probe row, gallery position, score)
        For example from :meth:`AcluReplay.false_match_pairs`.
    ncols : int
        Pairs per row.
    size : float
        Inches per face.

    Returns
    -------
    ndarray of Axes
    """
    import matplotlib.pyplot as plt

    from . import plotting

    pairs = list(pairs)
    if not pairs:
        raise ValueError("pairs: need at least one (probe, gallery entry, score) triple.")
    rows = [p[0] for p in pairs]
    cols = [p[1] for p in pairs]
    probes, gallery = result.probe_faces(rows), result.gallery_faces(cols)
    nrows = int(np.ceil(len(pairs) / ncols))
    fig, axes = plt.subplots(nrows, 2 * ncols, figsize=(size * 2 * ncols + 0.3 * ncols,
                                                        size * nrows * 1.35), squeeze=False)
    fig.subplots_adjust(wspace=0.05)
    flat = axes.ravel()
    for k, ax in enumerate(flat):
        ax.set_axis_off()
    for k, (r, c, score) in enumerate(pairs):
        a, b = flat[2 * k], flat[2 * k + 1]
        a.imshow(probes[k], cmap="gray", vmin=0, vmax=1)
        b.imshow(gallery[k], cmap="gray", vmin=0, vmax=1)
        a.set_title(f"probe {r} ({result.probe_group[r]})", fontsize=9, fontweight="normal")
        b.set_title(f"gallery {c} ({result.gallery_group[c]})", fontsize=9, fontweight="normal")
        b.annotate(f"score {score:.1f}", (0, -0.04), xycoords="axes fraction", ha="center",
                   va="top", fontsize=10, fontweight="bold",
                   color=plotting.OKABE_ITO["vermillion"])
    return axes
