"""Who a synthetic person is: counter-based random streams keyed by seed, group and index.

Every random number comes from numpy's counter-based ``Philox`` generator keyed
by the seed and counting by *who* is drawn: identity ``i`` of group ``"B"``
uses the counter ``(group, i)``, and photo ``j`` of that identity
``(group, i, j)``. So a person looks the same whether drawn alone or in a
stream of 850,000, whatever the chunk size.
"""

from __future__ import annotations

import numbers

import numpy as np

from .features import (
    N_FEATURES,
    GroupSpec,
    _check_count,
    _check_seed,
    _group_tag,
    default_groups,
)

__all__ = ["sample_identities"]


_DOMAIN_IDENTITY = 0x1D


_DOMAIN_PHOTO = 0x9F


_N_NORMAL_DRAWS = 13


_N_NUISANCE_DRAWS = 15


def _identity_keys(group: str, start: int, n: int) -> np.ndarray:
    """64-bit key of identities start..start+n-1 of a group: tag << 32 | index."""
    if start < 0 or start + n > 2 ** 32:
        raise ValueError(f"start: identity indices must lie in [0, 2**32), got start={start}")
    return (np.uint64(_group_tag(group)) << np.uint64(32)) | np.arange(start, start + n,
                                                                       dtype=np.uint64)


def _generator(seed: int, domain: int, key: int, j: int = 0) -> np.random.Generator:
    # Philox is counter-based: the stream for (seed, domain, key, j) starts at
    # its own counter, so no other identity or photo can ever reach it (the
    # low counter words advance as numbers are drawn).
    return np.random.Generator(np.random.Philox(
        key=np.array([seed, domain], dtype=np.uint64),
        counter=np.array([0, 0, j, key], dtype=np.uint64)))


def _standard_normals(seed: int, keys: np.ndarray) -> np.ndarray:
    z = np.empty((len(keys), N_FEATURES))
    for row, key in enumerate(keys):  # one stream per identity: see _generator
        z[row] = _generator(seed, _DOMAIN_IDENTITY, int(key)).standard_normal(N_FEATURES)
    return z


def _resolve_group(group, arg: str = "group") -> GroupSpec:
    if isinstance(group, GroupSpec):
        return group
    if isinstance(group, str):
        groups = default_groups()
        if group in groups:
            return groups[group]
        raise ValueError(f"{arg}: unknown group {group!r}; pass a GroupSpec or one of "
                         f"{list(groups)}")
    raise ValueError(f"{arg}: must be a GroupSpec or a group name, got {type(group).__name__}")


def sample_identities(n: int, group: GroupSpec | str = "A", seed: int = 0,
                      start: int = 0) -> np.ndarray:
    """Draw ``n`` people of a group: their standardised features.

    Parameters
    ----------
    n : int >= 1
        Number of identities.
    group : GroupSpec or str, default "A"
        The group's distribution; a name picks from :func:`default_groups`.
    seed : int in [0, 2**32)
        Seed of the whole synthetic world.
    start : int >= 0
        Index of the first identity: ``sample_identities(1, g, s, start=17)``
        is row 17 of ``sample_identities(100, g, s)``.

    Returns
    -------
    ndarray of shape (n, N_FEATURES), float64
        Standardised features ``mean + std * e`` with ``e`` standard normal.
        The same ``e`` is used for identity ``i`` of any group with the same
        name, so changing a group's distribution moves its people, it does
        not replace them.
    """
    n = _check_count(n, "n")
    seed = _check_seed(seed)
    group = _resolve_group(group)
    if isinstance(start, (bool, np.bool_)) or not isinstance(start, numbers.Integral) or start < 0:
        raise ValueError(f"start: must be an integer >= 0, got {start!r}")
    e = _standard_normals(seed, _identity_keys(group.name, int(start), n))
    return group.mean + group.std * e
