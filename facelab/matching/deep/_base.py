"""Model files, availability and argument checks of the deep matcher (private)."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import platform
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..._validation import check_bool, check_choice, check_int

#: Side of the network's input chip, in pixels.
CHIP_SIZE = 150
#: Length of a descriptor.
DESCRIPTOR_DIM = 128
#: dlib's documented decision rule: same person if the Euclidean distance
#: between two *raw* descriptors is below this.
DLIB_THRESHOLD = 0.6
#: Part of every cache key: bump it when the chips or descriptors change.
CACHE_VERSION = "deep-1"

#: How a 64x64 grey face becomes the network's 150x150 chip.
#:
#: ``"aligned"`` (default)
#:     The 8-bit face is padded by :data:`_ALIGN_PAD` pixels on each side by
#:     repeating its edge pixels (so the chip has no black corners), dlib's
#:     5-point landmark model is run with the original 64x64 square as the
#:     face rectangle, and ``dlib.get_face_chip(size=150, padding=0.25)``
#:     cuts out the face in dlib's standard pose. Needs dlib.
#: ``"resized"``
#:     The whole 8-bit face resized to 150x150 (bilinear, pixel centres
#:     aligned, computed in NumPy, so it needs no dlib).
#:
#: Measured on the book's split (15 held-out people, 675 mated and 10,500
#: non-mated pairs): EER 0.81 % aligned, 1.49 % resized (all 40 people:
#: 0.56 % and 1.65 %). The alignment variant (whole-square rectangle, edge
#: padding) was chosen among six on the 25 *training* people only.
CHIP_METHODS = ("aligned", "resized")
DEFAULT_CHIP = "aligned"
_ALIGN_PAD = 24
_FACE_SIDE = 64

#: SHA-256 of the two model files shipped by face-recognition-models 0.3.0.
PINNED_SHA256 = {
    "shape_predictor_5_face_landmarks.dat":
        "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888",
    "dlib_face_recognition_resnet_model_v1.dat":
        "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30",
}
_SHAPE_FILE = "shape_predictor_5_face_landmarks.dat"
_NET_FILE = "dlib_face_recognition_resnet_model_v1.dat"

#: Faces sent to the network per call (and per worker task). Results do not
#: depend on it: dlib gives bit-identical descriptors batched or one by one.
_CHUNK = 10

#: ``progress(n_done, n_total)``: faces done so far and the number to do.
ProgressFn = Callable[[int, "int | None"], None]


# --------------------------------------------------------------------------
# Availability
# --------------------------------------------------------------------------

INSTALL_HINT = (
    "Install dlib and the model files:\n"
    "  Linux, Windows, or macOS 14+ on Apple silicon (prebuilt wheels):\n"
    "    pip install dlib-bin==20.0.1.post1 face-recognition-models==0.3.0\n"
    "  macOS on Intel, or older than macOS 14 (dlib-bin has no wheel there; dlib\n"
    "  is built from source, which takes several minutes and needs Xcode's\n"
    "  command-line tools, `xcode-select --install`):\n"
    "    brew install cmake\n"
    "    pip install dlib==20.0.1 face-recognition-models==0.3.0\n"
    "face-recognition-models is a 100 MB download."
)


class DeepModelUnavailable(ImportError):
    """dlib or its model files are not installed; the message says what to install."""


class DeepCacheWarning(UserWarning):
    """A descriptor cache file was damaged (and recomputed) or could not be written."""


def _unavailable(what: str, cause: BaseException | None = None) -> DeepModelUnavailable:
    detail = f" ({type(cause).__name__}: {cause})" if cause is not None else ""
    return DeepModelUnavailable(
        f"The deep face matcher needs {what}, which is not available here{detail}. "
        f"This machine: {platform.system() or 'unknown'} {platform.machine()}, "
        f"Python {sys.version_info.major}.{sys.version_info.minor}.\n{INSTALL_HINT}"
    )


def _import_dlib():
    """Import dlib, or raise :class:`DeepModelUnavailable`."""
    try:
        import dlib
    except ImportError as exc:  # includes a broken binary ("undefined symbol")
        raise _unavailable("the dlib package", exc) from None
    return dlib


def _models_dir() -> Path:
    # find_spec locates the package without running its __init__, which
    # imports pkg_resources (absent from Python 3.12+ virtual environments).
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise _unavailable("the face-recognition-models package (dlib's model files)")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def available() -> bool:
    """True if dlib imports and both model files are installed.

    Cheap (it imports dlib once and looks for the two files without reading
    them) and never raises.
    """
    try:
        _import_dlib()
        folder = _models_dir()
    except ImportError:
        return False
    return (folder / _SHAPE_FILE).is_file() and (folder / _NET_FILE).is_file()


# --------------------------------------------------------------------------
# Model files
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class ModelFiles:
    """The two dlib model files and their SHA-256 (hex digests of the bytes)."""

    shape_predictor: Path
    descriptor: Path
    shape_predictor_sha256: str
    descriptor_sha256: str

    @property
    def pinned(self) -> bool:
        """True if both files are the ones face-recognition-models 0.3.0 ships."""
        return (self.shape_predictor_sha256 == PINNED_SHA256[_SHAPE_FILE]
                and self.descriptor_sha256 == PINNED_SHA256[_NET_FILE])


_HASHES: dict[tuple, str] = {}
_HASH_LOCK = threading.Lock()


def _sha256_file(path: Path) -> str:
    st = path.stat()
    memo = (str(path), st.st_size, st.st_mtime_ns)
    with _HASH_LOCK:
        if memo not in _HASHES:
            digest = hashlib.sha256()
            with open(path, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
            _HASHES[memo] = digest.hexdigest()
        return _HASHES[memo]


def model_files() -> ModelFiles:
    """Paths and SHA-256 of the alignment and descriptor model files.

    The hashes are computed once per process (about 0.1 s for the 31 MB)
    and kept in memory; a file replaced on disk (new size or modification
    time) is hashed again. dlib itself is not needed.

    Returns
    -------
    ModelFiles

    Raises
    ------
    DeepModelUnavailable
        If face-recognition-models is not installed or lacks a file.
    """
    folder = _models_dir()
    paths = folder / _SHAPE_FILE, folder / _NET_FILE
    for p in paths:
        if not p.is_file():
            raise _unavailable(f"the model file {p.name} (expected in {folder})")
    return ModelFiles(paths[0], paths[1], _sha256_file(paths[0]), _sha256_file(paths[1]))


_LOADED: dict[tuple, object] = {}


def _loaded(kind: str, path: Path | None = None):
    """dlib's shape predictor / network / HOG detector, loaded once per process."""
    key = (kind, str(path))
    if key not in _LOADED:
        dlib = _import_dlib()
        if kind == "shape":
            _LOADED[key] = dlib.shape_predictor(str(path))
        elif kind == "net":
            _LOADED[key] = dlib.face_recognition_model_v1(str(path))
        else:
            _LOADED[key] = dlib.get_frontal_face_detector()
    return _LOADED[key]


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------

def _check_numeric(arr: np.ndarray, name: str, obj) -> None:
    if isinstance(obj, (str, bytes)):
        raise TypeError(f"{name}: expected an array of numbers, got a {type(obj).__name__}.")
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer)
                                 or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{name}: expected an array of real numbers, got dtype {arr.dtype}.")


def _check_images(images, name: str = "images", allow_single: bool = True):
    """Validate grey Olivetti-format faces; return (uint8 (n, 64, 64), single).

    Accepts (64, 64) (one face, if ``allow_single``), (n, 64, 64) or
    (n, 4096), real numbers in [0, 1], finite, at least one face.
    """
    if isinstance(images, (str, bytes)):
        raise TypeError(f"{name}: expected an array of grey faces, got a {type(images).__name__}.")
    arr = np.asarray(images)
    _check_numeric(arr, name, images)
    side, npix = _FACE_SIDE, _FACE_SIDE * _FACE_SIDE
    single = False
    if arr.ndim == 2 and arr.shape == (side, side) and allow_single:
        arr, single = arr[None], True
    elif arr.ndim == 2 and arr.shape[1] == npix:
        arr = arr.reshape(arr.shape[0], side, side)
    elif not (arr.ndim == 3 and arr.shape[1:] == (side, side)):
        shapes = ("(64, 64), (n, 64, 64) or (n, 4096)" if allow_single
                  else "(n, 64, 64) or (n, 4096)")
        raise ValueError(f"{name}: expected grey 64x64 faces of shape {shapes}, "
                         f"got shape {arr.shape}.")
    if arr.shape[0] == 0:
        raise ValueError(f"{name}: expected at least one face, got none (shape {arr.shape}).")
    x = arr.astype(np.float64, copy=False)
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name}: contains NaN or infinite values; pixels must be finite "
                         "grey levels in [0, 1].")
    lo, hi = float(x.min()), float(x.max())
    if lo < 0 or hi > 1:
        raise ValueError(f"{name}: pixel values must be grey levels in [0, 1] (divide 8-bit "
                         f"images by 255), got values in [{lo:g}, {hi:g}].")
    grey = np.ascontiguousarray(np.rint(x * 255), dtype=np.uint8)
    return grey, single


def _check_chip_method(method, name: str = "method") -> str:
    return check_choice(method, name, CHIP_METHODS)


def _check_n_jobs(n_jobs) -> int:
    if n_jobs is None:
        return max(1, min(2, os.cpu_count() or 1))
    return check_int(n_jobs, "n_jobs", 1, 64)


def _check_progress(progress):
    """Return a callable or None; ``"print"`` becomes a printer (made lazily)."""
    if progress is None or callable(progress):
        return progress
    if isinstance(progress, str) and progress == "print":
        return "print"
    raise TypeError(f"progress: expected a callable progress(done, total), None (silent) or "
                    f"'print' (a line every 25%), got {progress!r}.")


_check_bool = check_bool  # one implementation, in facelab._validation


def default_cache_dir() -> Path:
    """The folder for cached descriptors.

    ``$FACELAB_CACHE_DIR`` if set (and not empty); otherwise the user cache:
    ``%LOCALAPPDATA%\\facelab\\Cache`` on Windows, ``$XDG_CACHE_HOME/facelab``
    or ``~/.cache/facelab`` elsewhere. Descriptors go in its ``deep``
    subfolder. Nothing is created until a descriptor is stored.
    """
    env = os.environ.get("FACELAB_CACHE_DIR")
    if env:
        return Path(env)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "facelab" / "Cache"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "facelab"


def _check_cache_dir(cache_dir) -> Path:
    if cache_dir is None:
        return default_cache_dir()
    if isinstance(cache_dir, bytes) or not isinstance(cache_dir, (str, os.PathLike)):
        raise TypeError(f"cache_dir: expected a folder path (str or os.PathLike) or None, "
                        f"got {cache_dir!r}.")
    if str(cache_dir) == "":
        raise ValueError("cache_dir: expected a folder path, got an empty string.")
    return Path(cache_dir)


class _PrintProgress:
    """Default progress: one short line each time another 25 % is done."""

    def __init__(self, label: str, every: float = 0.25):
        self.label, self.every, self._next = label, every, every
        self._t0 = time.perf_counter()

    def __call__(self, done: int, total) -> None:
        frac = done / total if total else 1.0
        if frac + 1e-9 < self._next:
            return
        while self._next <= frac + 1e-9:
            self._next += self.every
        print(f"{self.label}: {frac:.0%} ({done:,} of {total:,}) after "
              f"{time.perf_counter() - self._t0:.0f} s", flush=True, file=sys.stdout)
