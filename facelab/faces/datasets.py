"""Loading the book's data: the Olivetti faces and its small cited data files.

The Olivetti faces (also called the ORL or AT&T faces) are loaded through
scikit-learn's own :func:`sklearn.datasets.fetch_olivetti_faces`, so the book
reads exactly what scikit-learn gives every other user. The array is checked
against a known SHA-256 so that a corrupt or different copy is caught before
any figure is drawn from it.
"""

from __future__ import annotations

import csv
import hashlib
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

__all__ = [
    "OLIVETTI_SHA256",
    "DataUnavailableError",
    "ChecksumError",
    "Faces",
    "load_olivetti",
    "read_csv",
]

#: SHA-256 of ``faces.images.tobytes()`` (float32, shape (400, 64, 64)) as
#: returned by scikit-learn 1.9.1. The same bytes as ``faces.data.tobytes()``.
OLIVETTI_SHA256 = "e6b9b0fe62f642f64e4e6e584295133cd9aff7e5820c052fd52eb9ffea205c09"


class DataUnavailableError(RuntimeError):
    """The dataset is not cached locally and could not be downloaded."""


class ChecksumError(RuntimeError):
    """The loaded array does not match the checksum the book was written against."""


@dataclass(frozen=True)
class Faces:
    """A set of face images with identity labels.

    Attributes
    ----------
    images : ndarray of shape (n_images, 64, 64), float32 in [0, 1]
        Grey-scale photos, one per row.
    target : ndarray of shape (n_images,), int
        The identity (person number) of each photo.
    """

    images: np.ndarray
    target: np.ndarray

    @property
    def data(self) -> np.ndarray:
        """Images flattened to shape (n_images, n_pixels)."""
        return self.images.reshape(len(self.images), -1)

    @property
    def n_people(self) -> int:
        """Number of distinct identities."""
        return int(np.unique(self.target).size)


def _data_home(data_home: str | os.PathLike | None) -> str | None:
    if data_home is not None:
        return os.fspath(data_home)
    # scikit-learn reads SCIKIT_LEARN_DATA itself; we pass it on explicitly so
    # the error message below can name the folder that was searched.
    return os.environ.get("SCIKIT_LEARN_DATA")


def load_olivetti(data_home: str | os.PathLike | None = None,
                  download_if_missing: bool = True,
                  verify: bool = True) -> Faces:
    """Load the 400 Olivetti faces (40 people x 10 photos, 64x64 pixels).

    Parameters
    ----------
    data_home : path, optional
        scikit-learn data folder. Defaults to ``$SCIKIT_LEARN_DATA`` if set,
        otherwise scikit-learn's default (``~/scikit_learn_data``).
    download_if_missing : bool, default True
        Let scikit-learn download the file (about 1.4 MB) on first use.
    verify : bool, default True
        Check the array against :data:`OLIVETTI_SHA256`.

    Returns
    -------
    Faces
        ``images`` of shape (400, 64, 64), float32 in [0, 1], and ``target``
        of shape (400,), person numbers 0..39 in blocks of ten.

    Raises
    ------
    DataUnavailableError
        If the file is not cached and cannot be downloaded (for example
        offline). The message says how to fix it.
    ChecksumError
        If the array differs from the one this book was written against.
    """
    from sklearn.datasets import fetch_olivetti_faces, get_data_home

    home = _data_home(data_home)
    try:
        bunch = fetch_olivetti_faces(data_home=home,
                                     download_if_missing=download_if_missing,
                                     shuffle=False)
    except (OSError, ConnectionError) as exc:  # URLError is an OSError
        where = get_data_home(home)
        raise DataUnavailableError(
            "The Olivetti faces are not cached in "
            f"{where!s} and could not be downloaded ({type(exc).__name__}: {exc}). "
            "Either connect to the internet once so scikit-learn can fetch "
            "them (about 1.4 MB), or set the environment variable "
            "SCIKIT_LEARN_DATA to a folder that already holds "
            "'olivetti_py3.pkz'."
        ) from None
    images = np.ascontiguousarray(bunch.images, dtype=np.float32)
    if verify:
        digest = hashlib.sha256(images.tobytes()).hexdigest()
        if digest != OLIVETTI_SHA256:
            raise ChecksumError(
                f"The Olivetti faces loaded from {get_data_home(home)!s} have "
                f"SHA-256 {digest}, expected {OLIVETTI_SHA256}. Delete the "
                "cached 'olivetti_py3.pkz' there and load again."
            )
    images.setflags(write=False)
    target = np.asarray(bunch.target, dtype=int)
    target.setflags(write=False)
    return Faces(images=images, target=target)


def _data_path(name: str) -> Path:
    path = resources.files("facelab") / "data" / name
    return Path(str(path))


def read_csv(name: str) -> list[dict[str, str]]:
    """Read one of the book's small cited data files (``facelab/data/NAME``).

    Parameters
    ----------
    name : str
        File name, for example ``"events.csv"``.

    Returns
    -------
    list of dict
        One dict per row, keyed by the header. Values are strings.
    """
    if not isinstance(name, str):
        raise TypeError(f"name: must be the name of a file in facelab/data (e.g. 'facts.csv'), "
                        f"got {type(name).__name__} {name!r}.")
    path = _data_path(name)
    if not path.is_file():
        available = sorted(p.name for p in path.parent.glob("*.csv"))
        raise ValueError(f"name: no data file {name!r}; available: {available}")
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
