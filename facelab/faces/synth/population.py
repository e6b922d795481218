"""Populations of synthetic people, photographed: in memory or streamed in chunks."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from ..._validation import check_progress
from ..datasets import Faces
from .drawing import _BLOCK, IMAGE_SIZE, _check_nuisance, _render_into
from .features import GroupSpec, Nuisance, _check_count, _check_groups, _check_seed
from .identities import _identity_keys, _resolve_group, sample_identities

__all__ = ["SynthFaces", "make_population", "stream_faces"]


@dataclass(frozen=True)
class SynthFaces(Faces):
    """Synthetic photos with identity and group labels.

    Attributes
    ----------
    images : ndarray of shape (n_images, 64, 64), float32 in [0, 1]
    target : ndarray of shape (n_images,), int
        Identity number, unique across groups.
    group : ndarray of shape (n_images,), str
        Group name of each photo's person.
    params : ndarray of shape (n_images, N_FEATURES), float64
        Standardised features of each photo's person.
    """

    group: np.ndarray
    params: np.ndarray


_check_progress = check_progress


def make_population(n_per_group: Mapping[str, int], photos_per_identity: int = 1,
                    seed: int = 0, groups: Mapping[str, GroupSpec] | None = None,
                    nuisance: Nuisance | None = None,
                    progress: Callable[[int, int], None] | None = None) -> SynthFaces:
    """Draw and photograph a population made of groups.

    Parameters
    ----------
    n_per_group : dict of str -> int >= 0
        How many people of each group, e.g. ``{"A": 900, "B": 100}``
        (:func:`shares_to_counts` turns shares into counts). At least one
        person in all.
    photos_per_identity : int >= 1
    seed : int in [0, 2**32)
    groups : dict of GroupSpec, optional
        Defaults to :func:`default_groups`; :func:`control_groups` is the
        control.
    nuisance : Nuisance, optional
    progress : callable(done, total), optional
        Called after each block of images.

    Returns
    -------
    SynthFaces
        Images grouped by person, people numbered 0.. in the order of
        ``n_per_group``. Person ``i`` of group ``g`` looks the same in any
        population with the same seed and group distribution. Holds every
        image in memory (16 KB each); use :func:`stream_faces` for very
        large galleries.
    """
    groups = _check_groups(groups)
    photos = _check_count(photos_per_identity, "photos_per_identity")
    seed = _check_seed(seed)
    nuisance = _check_nuisance(nuisance)
    progress = _check_progress(progress)
    if not isinstance(n_per_group, Mapping) or not n_per_group:
        raise ValueError("n_per_group: must be a non-empty dict of group name -> count")
    counts = {}
    for name, count in n_per_group.items():
        if name not in groups:
            raise ValueError(f"n_per_group: unknown group {name!r}; groups are {list(groups)}")
        if isinstance(count, (bool, np.bool_)) or not isinstance(count, numbers.Integral) \
                or count < 0:
            raise ValueError(f"n_per_group: count of {name!r} must be an integer >= 0, "
                             f"got {count!r}")
        counts[name] = int(count)
    total = sum(counts.values())
    if total < 1:
        raise ValueError("n_per_group: needs at least one identity in all")

    params = np.concatenate([sample_identities(c, groups[g], seed) for g, c in counts.items() if c])
    keys = np.concatenate([_identity_keys(g, 0, c) for g, c in counts.items() if c])
    labels = np.concatenate([np.full(c, g, dtype=object) for g, c in counts.items() if c])
    images = np.empty((total * photos, IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    step = 8 * _BLOCK
    for lo in range(0, total, step // photos or 1):
        hi = min(lo + (step // photos or 1), total)
        _render_into(images[lo * photos:hi * photos], params[lo:hi], keys[lo:hi], photos,
                     seed, nuisance)
        if progress is not None:
            progress(hi * photos, total * photos)
    who = np.repeat(np.arange(total), photos)
    return SynthFaces(images=images, target=who, group=labels[who].astype(str),
                      params=params[who])


def stream_faces(n_identities: int, group: GroupSpec | str = "A", seed: int = 0,
                 photos_per_identity: int = 1, chunk_size: int = 1000, start: int = 0,
                 nuisance: Nuisance | None = None,
                 progress: Callable[[int, int], None] | None = None) -> Iterator[SynthFaces]:
    """Photograph many people of one group, a chunk at a time.

    Memory stays at a few chunks whatever ``n_identities`` is (a chunk of
    1,000 photos is 16 MB), so an 850,000-face gallery can be embedded
    chunk by chunk.

    Parameters
    ----------
    n_identities : int >= 1
    group : GroupSpec or str, default "A"
    seed : int in [0, 2**32)
    photos_per_identity : int >= 1
    chunk_size : int >= 1
        Identities per chunk. Does not change any pixel.
    start : int >= 0
        Index of the first identity (to continue a gallery, or to keep two
        galleries of one group apart).
    nuisance : Nuisance, optional
    progress : callable(done, total), optional
        Called after each chunk with the number of identities done so far.

    Yields
    ------
    SynthFaces
        ``target`` is the identity index within the group (``start`` ...),
        the same numbering as :func:`sample_identities`.
    """
    n = _check_count(n_identities, "n_identities")
    group = _resolve_group(group)
    seed = _check_seed(seed)
    photos = _check_count(photos_per_identity, "photos_per_identity")
    chunk = _check_count(chunk_size, "chunk_size")
    nuisance = _check_nuisance(nuisance)
    progress = _check_progress(progress)
    if isinstance(start, (bool, np.bool_)) or not isinstance(start, numbers.Integral) or start < 0:
        raise ValueError(f"start: must be an integer >= 0, got {start!r}")
    start = int(start)
    _identity_keys(group.name, start, n)  # validates the index range
    return _stream(n, group, seed, photos, chunk, start, nuisance, progress)


def _stream(n, group, seed, photos, chunk, start, nuisance, progress):
    for lo in range(0, n, chunk):
        m = min(chunk, n - lo)
        params = sample_identities(m, group, seed, start=start + lo)
        keys = _identity_keys(group.name, start + lo, m)
        images = np.empty((m * photos, IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
        _render_into(images, params, keys, photos, seed, nuisance)
        who = np.repeat(np.arange(m), photos)
        yield SynthFaces(images=images, target=start + lo + who,
                         group=np.full(m * photos, group.name), params=params[who])
        if progress is not None:
            progress(lo + m, n)
