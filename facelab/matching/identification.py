"""1:N identification: a probe against every entry of a gallery of any size.

"Who in this gallery of N people looks like this probe?" The probe is compared
with every gallery entry; the best candidates are returned, and every entry
scoring at or above a threshold is an *alert*. The gallery is read in chunks,
so it may be larger than memory (a generator of chunks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._validation import ArgumentError, check_progress
from .compare import (
    _check_dim,
    _check_embeddings,
    _check_positive_int,
    _check_threshold,
    _cosine_cutoff,
    _to_score,
    _unit_rows,
    _work_dtype,
)

__all__ = ["DEFAULT_CHUNK_SIZE", "ProgressFn", "SearchResult", "search", "max_scores_streamed"]


#: Gallery rows compared per matrix product in :func:`search`. With 535
#: probes a chunk's score matrix takes about 17 MB in float32.
DEFAULT_CHUNK_SIZE = 8192


#: ``progress(n_done, n_total)``: gallery rows compared so far, and the
#: gallery size (None when the gallery is a stream of unknown length).
ProgressFn = Callable[[int, "int | None"], None]


@dataclass(frozen=True)
class SearchResult:
    """Result of :func:`search`, one row per probe.

    Attributes
    ----------
    ids : ndarray of shape (n_probes, k)
        Gallery ids of the ``k = min(top_k, n_gallery)`` best candidates, best
        first; equal scores are listed in gallery order. (Which of several
        entries tied for the k-th place is kept is unspecified.)
    scores : ndarray of shape (n_probes, k), float64
        Their book scores, in [0, 100], descending along each row.
    positions : ndarray of shape (n_probes, k), int
        Their row numbers in the gallery (counting across chunks).
    n_above : ndarray of shape (n_probes,), int
        Number of gallery entries scoring >= ``threshold`` (alerts).
    threshold : float
        The threshold used, on the book's scale.
    """

    ids: np.ndarray
    scores: np.ndarray
    positions: np.ndarray
    n_above: np.ndarray
    threshold: float

    @property
    def best_score(self) -> np.ndarray:
        """Highest score per probe, shape (n_probes,)."""
        return self.scores[:, 0]

    @property
    def best_id(self) -> np.ndarray:
        """Id of the best candidate per probe, shape (n_probes,)."""
        return self.ids[:, 0]

    @property
    def alert(self) -> np.ndarray:
        """Whether each probe has at least one gallery entry >= threshold."""
        return self.n_above > 0


def _is_array_gallery(gallery) -> bool:
    if isinstance(gallery, np.ndarray):
        return True
    # A nested list of numbers is an array; a list of arrays or of
    # (embeddings, ids) tuples is a list of chunks.
    return (isinstance(gallery, list) and len(gallery) > 0
            and not isinstance(gallery[0], (np.ndarray, tuple)))


def _as_ids(ids, name: str) -> np.ndarray:
    try:
        a = np.asarray(ids)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise ArgumentError(f"{name}: the ids must be an array, one per gallery row; could not "
                            f"read them as one ({exc}).") from None
    if a.dtype.kind == "f" and np.isnan(a).any():
        raise ArgumentError(f"{name}: an id is NaN; ids must be numbers or names.")
    return a


def _gallery_chunks(gallery, gallery_ids, chunk_size, dim, dtype):
    """Yield validated (unit embeddings, ids, n_total) chunk by chunk."""
    if _is_array_gallery(gallery):
        g = _check_embeddings(gallery, "gallery", dtype=dtype)
        if gallery_ids is None:
            ids = np.arange(g.shape[0])
        else:
            ids = _as_ids(gallery_ids, "gallery_ids")
            if ids.shape != (g.shape[0],):
                raise ValueError(
                    f"gallery_ids: expected shape ({g.shape[0]},), one id per gallery "
                    f"row, got {ids.shape}."
                )
        _check_dim(g, dim, "gallery", "probes")
        for start in range(0, g.shape[0], chunk_size):
            stop = start + chunk_size
            yield _unit_rows(g[start:stop], "gallery"), ids[start:stop], g.shape[0]
        return
    if gallery_ids is not None:
        raise ValueError(
            "gallery_ids: must be None when gallery is an iterable of chunks; put "
            "the ids in each chunk as (embeddings, ids)."
        )
    offset = 0
    if isinstance(gallery, (str, bytes)) or not hasattr(gallery, "__iter__"):
        raise TypeError(f"gallery: must be an array of embeddings or an iterable of chunks, "
                        f"got {type(gallery).__name__}.")
    for chunk in gallery:
        if isinstance(chunk, tuple):
            if len(chunk) != 2:
                raise ValueError(
                    "gallery: each chunk must be an array or an (embeddings, ids) pair.")
            emb, ids = chunk
        else:
            emb, ids = chunk, None
        g = _check_embeddings(emb, "gallery", dtype=dtype)
        _check_dim(g, dim, "gallery", "probes")
        if ids is None:
            ids = np.arange(offset, offset + g.shape[0])
        ids = _as_ids(ids, "gallery")
        if ids.shape != (g.shape[0],):
            raise ValueError(
                f"gallery: a chunk has {g.shape[0]} embeddings but ids of shape {ids.shape}."
            )
        offset += g.shape[0]
        yield _unit_rows(g, "gallery"), ids, None


def _sorted_top_k(cos, pos, ids, k):
    """The ``k`` best columns per row, best first, ties by gallery position."""
    order = np.lexsort((pos, -cos), axis=-1)[:, :k]
    return tuple(np.take_along_axis(x, order, axis=1) for x in (cos, pos, ids))


def _join(best, new):
    """Concatenate two (cos, pos, ids) candidate sets column-wise."""
    return new if best is None else tuple(
        np.concatenate([b, c], axis=1) for b, c in zip(best, new, strict=True))


def _update_best_1(best, cos, pos, ids):
    """Running best for top_k=1: one ``argmax`` per chunk."""
    j = np.argmax(cos, axis=1)  # first occurrence: ties go to the earlier entry
    new = (np.take_along_axis(cos, j[:, np.newaxis], axis=1), pos[j][:, np.newaxis],
           ids[j][:, np.newaxis])
    if best is None:
        return new
    better = new[0] > best[0]  # strict: on ties the earlier gallery entry stays
    return tuple(np.where(better, n, b) for n, b in zip(new, best, strict=True))


def _survivors(cos, pos, ids, floor):
    """Entries above each row's ``floor``, packed into rows padded with -inf."""
    n, m = cos.shape
    # flatnonzero is an order of magnitude faster than a 2-D nonzero here.
    rows, cols = np.divmod(np.flatnonzero(cos > floor[:, np.newaxis]), m)  # rows come sorted
    if rows.size == 0:
        return None
    counts = np.bincount(rows, minlength=n)
    slot = np.arange(rows.size) - (np.cumsum(counts) - counts)[rows]
    width = int(counts.max())
    packed_cos = np.full((n, width), -np.inf, dtype=cos.dtype)
    packed_pos = np.zeros((n, width), dtype=pos.dtype)
    packed_ids = np.zeros((n, width), dtype=ids.dtype)
    packed_cos[rows, slot] = cos[rows, cols]
    packed_pos[rows, slot] = pos[cols]
    packed_ids[rows, slot] = ids[cols]
    return packed_cos, packed_pos, packed_ids


#: Size of the first block of the gallery ranked exactly (see _update_best).
_FIRST_BLOCK = 64


def _update_best(best, cos, pos, ids, k):
    """Merge a chunk (cos (n, m); pos, ids (m,)) into the running top ``k``.

    Ranking every chunk in full would cost more than the matrix product.
    Instead the chunk is read in blocks that grow with the number of gallery
    entries already seen (the first block is ranked exactly). Only entries
    scoring *above* a probe's current k-th best can enter its list, and
    against a floor set by ``seen`` entries a block of ``3 * seen`` lets
    through about ``3 k`` per probe; only those few are ranked. Every entry
    is compared once, so the cost is one pass over the score matrix.
    """
    if k == 1:
        return _update_best_1(best, cos, pos, ids)
    n, m = cos.shape
    start = 0
    while start < m:
        seen = int(pos[start])  # gallery entries already merged into ``best``
        stop = min(m, start + max(_FIRST_BLOCK, 4 * k, 3 * seen))
        block = (cos[:, start:stop], pos[start:stop], ids[start:stop])
        if best is None or best[0].shape[1] < k:
            # Fewer than k candidates so far: no floor yet, rank the whole block.
            shape = block[0].shape
            best = _sorted_top_k(*_join(best, (block[0], np.broadcast_to(block[1], shape),
                                               np.broadcast_to(block[2], shape))), k)
        else:
            # Strict ">": an entry tying the k-th best comes later, so it loses.
            survivors = _survivors(*block, floor=best[0][:, -1])
            if survivors is not None:
                best = _sorted_top_k(*_join(best, survivors), k)
        start = stop
    return best


def _scan(probes, gallery, gallery_ids, top_k, cutoff, chunk_size, progress):
    """Stream the gallery once; return top-k (cos, pos, ids) and counts >= cutoff.

    ``probes`` are unit rows; ``cutoff`` None skips the count.
    """
    n_probes, dim = probes.shape
    best = None
    n_above = np.zeros(n_probes, dtype=np.int64)
    done = 0
    for g, ids, n_total in _gallery_chunks(gallery, gallery_ids, chunk_size, dim, probes.dtype):
        cos = probes @ g.T  # (n_probes, n_chunk): the whole chunk in one product
        if cutoff is not None:
            n_above += np.count_nonzero(cos >= cutoff, axis=1)
        m = g.shape[0]
        best = _update_best(best, cos, np.arange(done, done + m), ids, top_k)
        done += m
        if progress is not None:
            progress(done, n_total)
    if best is None:
        raise ValueError("gallery: is empty (no chunks); at least one embedding is needed.")
    cos, pos, ids = best  # already sorted: best first, ties in gallery order
    return cos, pos, ids, n_above


def _prepare_probes(probes, gallery) -> np.ndarray:
    """Validated unit-length probes in the dtype the comparison will use."""
    probes = _check_embeddings(probes, "probes")
    if _is_array_gallery(gallery):
        # float64 unless both sides are float32; a stream follows the probes. (The gallery
        # itself is checked chunk by chunk: anything but a float32 array counts as float64.)
        is_f32 = isinstance(gallery, np.ndarray) and gallery.dtype == np.float32
        probes = probes.astype(_work_dtype(probes, np.zeros(0, np.float32 if is_f32
                                                            else np.float64)), copy=False)
    return _unit_rows(probes, "probes")


def search(probes, gallery, gallery_ids, threshold: float, top_k: int = 5,
           chunk_size: int = DEFAULT_CHUNK_SIZE,
           progress: ProgressFn | None = None) -> SearchResult:
    """1:N identification: compare every probe with every gallery entry.

    The gallery is processed ``chunk_size`` rows at a time: each chunk is one
    matrix product with all probes, then only the running top ``k`` per
    probe and the count at/above the threshold are kept. Memory is therefore
    about ``n_probes * chunk_size`` numbers whatever the gallery size, and a
    gallery larger than memory can be streamed from a generator.

    Parameters
    ----------
    probes : array-like of shape (n_probes, dim)
        Embeddings of the faces being searched for.
    gallery : array-like of shape (n_gallery, dim), or iterable of chunks
        The enrolled embeddings. Either one array, or an iterable (list,
        generator) whose items are arrays of shape (n_chunk, dim) or
        ``(embeddings, ids)`` pairs. Chunks without ids are numbered by
        position. Compared in float32 if probes and gallery are both float32,
        otherwise float64; a streamed gallery is cast to the probes' dtype.
    gallery_ids : array-like of shape (n_gallery,) or None
        Identity of each gallery row (any dtype). None: row positions. Must
        be None when ``gallery`` is an iterable of chunks.
    threshold : float
        Alert threshold on the book's scale, in [0, 100]; an entry counts
        toward ``n_above`` if its score is >= threshold.
    top_k : int, default 5
        Number of candidates returned per probe, >= 1. If the gallery is
        smaller, all of it is returned.
    chunk_size : int, default DEFAULT_CHUNK_SIZE
        Gallery rows per matrix product (only used for an array gallery), >= 1.
    progress : callable or None
        Called after each chunk as ``progress(n_done, n_total)``; ``n_total``
        is None for a streamed gallery.

    Returns
    -------
    SearchResult
        Candidate ids, scores and positions of shape (n_probes, k), sorted
        best first, and ``n_above`` of shape (n_probes,).

    Examples
    --------
    >>> import numpy as np
    >>> gallery = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    >>> result = search([[1.0, 0.1]], gallery, ["ann", "bo", "cy"], threshold=80, top_k=2)
    >>> result.ids.tolist(), result.n_above.tolist()
    ([['ann', 'bo']], [1])
    """
    threshold = _check_threshold(threshold)
    top_k = _check_positive_int(top_k, "top_k")
    chunk_size = _check_positive_int(chunk_size, "chunk_size")
    progress = check_progress(progress)
    probes = _prepare_probes(probes, gallery)
    cos, pos, ids, n_above = _scan(probes, gallery, gallery_ids, top_k,
                                   _cosine_cutoff(threshold, probes.dtype),
                                   chunk_size, progress)
    return SearchResult(ids=ids, scores=_to_score(cos), positions=pos,
                        n_above=n_above, threshold=threshold)


def max_scores_streamed(probes, gallery, gallery_ids=None,
                        chunk_size: int = DEFAULT_CHUNK_SIZE,
                        progress: ProgressFn | None = None):
    """Best score and best id per probe over a gallery streamed in chunks.

    The same computation as ``search(..., top_k=1)`` without a threshold:
    enough to ask "would this probe have raised an alert at threshold t?"
    for every t at once (it would iff its best score is >= t), for example
    535 probes against 850,000 gallery entries generated chunk by chunk.

    Parameters
    ----------
    probes, gallery, gallery_ids, chunk_size, progress
        As in :func:`search`.

    Returns
    -------
    best_score : ndarray of shape (n_probes,)
        Highest book score per probe, in [0, 100].
    best_id : ndarray of shape (n_probes,)
        Gallery id of that entry (the earliest one on ties).
    """
    chunk_size = _check_positive_int(chunk_size, "chunk_size")
    progress = check_progress(progress)
    probes = _prepare_probes(probes, gallery)
    cos, _, ids, _ = _scan(probes, gallery, gallery_ids, 1, None, chunk_size, progress)
    return _to_score(cos[:, 0]), ids[:, 0]
