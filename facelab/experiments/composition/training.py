"""Training matchers on a mix of groups A and B, and the held-out people who test them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..._validation import (
    check_int,
    check_rate,
    check_real,
    check_seed,
    check_threshold,
)
from ...faces import synth
from .. import replay

__all__ = ["GROUPS", "EVAL_START", "DEFAULT_SHARES", "check_share", "train_on_composition",
           "HeldOut", "held_out"]


#: The two group names every function here expects (those of
#: :func:`facelab.synth.default_groups` and :func:`facelab.synth.control_groups`).
GROUPS = ("A", "B")


#: First identity index, within each group, of the held-out people.
EVAL_START = 500_000_000


#: Training shares of group B swept by default: B rare, balanced, A rare.
DEFAULT_SHARES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9)


_N_PCA = 100


def check_share(share_b, name: str = "share_b") -> float:
    """Return ``share_b`` (the share of group B, 0.1 is 10 % B) as a float in [0, 1]."""
    return check_real(share_b, name, 0, 1, what="(the share of group B: 0.1 is 10% B, 90% A)")


_check_int = check_int


_check_seed = check_seed


def _check_groups(groups) -> dict:
    return synth.check_groups(groups, names=GROUPS)


def _groups_key(groups: Mapping) -> tuple:
    """A hashable fingerprint of two group distributions (for caches)."""
    return tuple((k, g.mean.tobytes(), g.std.tobytes()) for k, g in groups.items())


def _groups_label(groups: Mapping) -> str:
    key = _groups_key(groups)
    if key == _groups_key(synth.default_groups()):
        return "default"
    if key == _groups_key(synth.control_groups()):
        return "control"
    return "custom"


def _check_counts(n_per_group, name: str = "n_test_per_group") -> dict[str, int]:
    if isinstance(n_per_group, Mapping):
        if tuple(sorted(n_per_group)) != GROUPS:
            raise ValueError(f"{name}: needs a count for each of {list(GROUPS)}, "
                             f"got {list(n_per_group)}.")
        counts = {g: n_per_group[g] for g in GROUPS}
    else:
        counts = {g: n_per_group for g in GROUPS}
    for g, n in counts.items():
        check_int(n, f"{name}[{g!r}]")
        if n < 2:
            raise ValueError(f"{name}: group {g!r} has {n} held-out people; it needs "
                             "at least 2 (an empty group has no error rate, and one person "
                             "has no impostor pairs).")
    return {g: int(n) for g, n in counts.items()}


def _check_rate(p, name: str) -> float:
    return check_rate(p, name, open_interval=True)


_check_threshold = check_threshold


def train_on_composition(share_b: float, n_train: int = 200, photos: int = 5, seed: int = 0,
                         groups=None) -> replay.SyntheticEmbedding:
    """Train the reference Fisherface matcher on a given mix of groups A and B.

    Parameters
    ----------
    share_b : float in [0, 1]
        Share of group B among the training people (0.1: 10 % B, 90 % A).
    n_train : int, default 200
        Training people, >= 2, split by ``share_b`` (largest remainder).
    photos : int, default 5
        Photos of each training person, >= 2.
    seed : int, default 0
        Seed of the synthetic world (in [0, 2**32)).
    groups : dict, optional
        ``{"A": GroupSpec, "B": GroupSpec}``; default
        :func:`facelab.synth.default_groups`. :func:`facelab.synth.control_groups`
        is the control: one distribution for both.

    Returns
    -------
    facelab.replay.SyntheticEmbedding
        The fitted matcher: PCA to 100 dimensions, then LDA keeping every
        discriminant direction (at most ``n_train - 1``); ``.model`` is the
        :class:`facelab.embed.Fisherfaces`, ``.transform`` embeds photos.
        The training people are people ``0, 1, ...`` of each group, so the
        B people of a 10 % run are also in the 25 % run.
    """
    share_b = check_share(share_b)
    n_train = _check_int(n_train, "n_train", 2)
    photos = _check_int(photos, "photos", 2)
    groups = _check_groups(groups)
    return replay.train_embedding(seed=seed, n_people=n_train,
                                  shares={"A": 1.0 - share_b, "B": share_b},
                                  photos_per_person=photos, n_pca=_N_PCA, n_components=None,
                                  groups=groups)


@dataclass(frozen=True, eq=False)
class HeldOut:
    """Held-out people of both groups, photos identity-major, group A first.

    Attributes
    ----------
    pixels : ndarray of shape (n_photos, 64, 64), uint8
        The photos as the camera quantised them (8-bit levels); kept this
        way to take a quarter of the memory. :attr:`images` gives floats.
    person : ndarray of shape (n_photos,), int
        Person number, unique across groups (A's first).
    group : ndarray of shape (n_photos,), str
    n_people : dict of str -> int
    photos : int
        Photos of each person.
    """

    pixels: np.ndarray
    person: np.ndarray
    group: np.ndarray
    n_people: dict
    photos: int

    @property
    def images(self) -> np.ndarray:
        """The photos in [0, 1], float32, exactly as :mod:`facelab.synth` rendered them."""
        return self.pixels / np.float32(255)


@lru_cache(maxsize=3)
def _held_out(counts: tuple, photos: int, seed: int, key: tuple) -> HeldOut:
    groups = {k: synth.GroupSpec(k, np.frombuffer(m), np.frombuffer(s)) for k, m, s in key}
    pixels, person, group = [], [], []
    offset = 0
    for g, n in counts:
        for faces in synth.stream_faces(n, groups[g], seed=seed, photos_per_identity=photos,
                                        chunk_size=1000, start=EVAL_START):
            # synth quantises to 8 bits: level / 255 in float32, so this is exact
            pixels.append(np.rint(faces.images * 255).astype(np.uint8))
            person.append(offset + faces.target - EVAL_START)
            group.append(faces.group)
        offset += n
    out = HeldOut(pixels=np.concatenate(pixels), person=np.concatenate(person),
                  group=np.concatenate(group), n_people=dict(counts), photos=photos)
    for a in (out.pixels, out.person, out.group):
        a.setflags(write=False)
    return out


def held_out(n_per_group=2400, photos: int = 2, seed: int = 0, groups=None) -> HeldOut:
    """Photograph held-out people of both groups (cached: the last three sets).

    They are people ``EVAL_START, EVAL_START + 1, ...`` of each group: never
    a training person and never one of chapter 3's probes or galleries.

    Parameters
    ----------
    n_per_group : int or dict of str -> int, default 2400
        People of each group, >= 2 each.
    photos : int, default 2
        Photos of each person, >= 2 (so that everyone has a mated pair).
    seed : int, default 0
    groups : dict, optional
        As for :func:`train_on_composition`.

    Returns
    -------
    HeldOut
    """
    counts = _check_counts(n_per_group, "n_per_group")
    photos = _check_int(photos, "photos", 2)
    seed = _check_seed(seed)
    groups = _check_groups(groups)
    return _held_out(tuple(counts.items()), photos, seed, _groups_key(groups))
