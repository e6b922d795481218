"""The ACLU's test replayed, and Amazon's reply at 850,000 faces."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..._validation import check_int
from ...evaluation.rates import SortedScores
from ...matching.compare import cosine_similarity
from ...matching.identification import search
from .world import (
    _MAX_SCORES,
    _RANGE,
    GALLERY_START,
    RERUN_START,
    ProbeSet,
    ProgressFn,
    SyntheticEmbedding,
    _check_embedding,
    _check_int,
    _check_n_jobs,
    _check_one_threshold,
    _check_progress,
    _check_seed,
    _check_shares,
    _check_threshold,
    _embedded_gallery,
    _gallery_faces,
    _out,
    gallery_layout,
    probe_set,
)

__all__ = ["AcluReplay", "aclu_replay", "AmazonReply", "amazon_reply"]


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
        if isinstance(gallery_sizes, (str, bytes)) or not np.iterable(gallery_sizes):
            raise TypeError(f"gallery_sizes: expected a sequence of integers, "
                            f"got {gallery_sizes!r}.")
        sizes = sorted({check_int(n, "gallery_sizes", low=1) for n in gallery_sizes})
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
        rows = _check_rows(rows, self.n_probes, "rows")
        return np.stack([_gallery_faces(self.embedding, str(self.probe_group[r]),
                                        self.probes.index[r], self.probes.seed)[0] for r in rows])

    def gallery_faces(self, positions) -> np.ndarray:
        """The photos at the given gallery positions, rendered again, (n, 64, 64)."""
        positions = _check_rows(positions, self.gallery_size, "positions")
        return np.stack([_gallery_faces(self.embedding, str(self.gallery_group[p]),
                                        self.gallery_index[p], self.seed)[0]
                         for p in positions])


def _check_rows(rows, n: int, name: str) -> np.ndarray:
    """Row numbers in [0, n): no negative index (which would silently pick from the end)."""
    values = [rows] if np.ndim(rows) == 0 else list(np.asarray(rows).ravel())
    if not values:
        raise ValueError(f"{name}: give at least one row number.")
    return np.array([check_int(v, name, low=0, high=n - 1) for v in values], dtype=np.int64)


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
        cos = cosine_similarity(p, g)  # float32: both sides are
        np.clip(cos, -1, 1, out=cos)
        scores[:, pos] = (cos + 1) * 50
    return AcluReplay(scores=scores, probes=probes, gallery_group=labels,
                      gallery_index=GALLERY_START + rank, gallery_shares=gallery_shares,
                      embedding=embedding, seed=seed, seconds=time.perf_counter() - t0)


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
    result = search(probes.embeddings, stream, None, threshold=threshold, top_k=1)
    return AmazonReply(max_score=result.best_score.astype(np.float64), best_entry=result.best_id,
                       n_above=result.n_above, threshold=threshold, gallery_size=gallery_size,
                       gallery_shares=gallery_shares, probes=probes, seed=seed,
                       seconds=time.perf_counter() - t0)
