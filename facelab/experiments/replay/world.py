"""The replay's synthetic world: the matcher, the probes and the galleries.

Populations use disjoint ranges of identity indices (:data:`TRAIN_START`,
:data:`PROBE_START`, :data:`GALLERY_START`, :data:`RERUN_START`), so nobody is
in two of them; see :mod:`facelab.experiments.replay`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np

from ..._validation import (
    check_int,
    check_n_jobs,
    check_progress,
    check_seed,
    check_shares,
    check_threshold,
    check_thresholds,
)
from ...faces import synth
from ...matching import embed
from ...matching.compare import verify

__all__ = ["TRAIN_START", "PROBE_START", "GALLERY_START", "RERUN_START", "DEFAULT_TRAINING",
           "SyntheticEmbedding", "train_embedding", "ProbeSet", "probe_set", "gallery_layout"]


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


_check_int = check_int


_check_seed = check_seed


def _check_groups(groups) -> dict:
    return synth.check_groups(groups)


def _check_shares(shares, groups: Mapping, name: str) -> dict[str, float]:
    return check_shares(shares, name, allowed_keys=groups)


def _check_threshold(threshold) -> np.ndarray:
    return check_thresholds(threshold)


def _check_one_threshold(threshold) -> float:
    return check_threshold(threshold)


_check_progress = check_progress


def _out(x):
    x = np.asarray(x)
    return x.item() if x.ndim == 0 else x


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
        return verify(self.embeddings, self.mated_embeddings, threshold=0).score

    def counts(self) -> dict[str, int]:
        """Number of probes of each group."""
        names, n = np.unique(self.group, return_counts=True)
        return dict(zip(names.tolist(), n.tolist(), strict=True))


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
    """Render and embed gallery entries lo..hi-1, _RENDER_BLOCK photos at a time.

    The projection runs on one BLAS thread wherever it is called: a
    multi-threaded float32 product may sum in another order, and the gallery
    must be the same bit for bit in one process or several.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _embed_range_unlimited(embedding, labels, rank, start, seed, nuisance, lo, hi)


def _embed_range_unlimited(embedding, labels, rank, start, seed, nuisance, lo: int,
                           hi: int) -> np.ndarray:
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


_WORKER_STATE: dict = {}


def _worker_init(*state) -> None:
    _WORKER_STATE["args"] = state


def _worker_embed_range(lo: int, hi: int) -> np.ndarray:
    return _embed_range(*_WORKER_STATE["args"], lo, hi)


_check_n_jobs = check_n_jobs


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
        chunks = pool.map(_worker_embed_range, *zip(*bounds, strict=True))
    try:
        for (lo, hi), out in zip(bounds, chunks, strict=True):
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
