"""Descriptors: computed in worker processes, cached on disk, checked when read (private)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import secrets
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import numpy as np

from . import _base
from ._base import (
    _CHUNK,
    CACHE_VERSION,
    CHIP_SIZE,
    DEFAULT_CHIP,
    DESCRIPTOR_DIM,
    DeepCacheWarning,
    ModelFiles,
    _check_bool,
    _check_cache_dir,
    _check_chip_method,
    _check_images,
    _check_n_jobs,
    _check_progress,
    _PrintProgress,
)
from ._chips import _chips_from_grey

# --------------------------------------------------------------------------
# Descriptors
# --------------------------------------------------------------------------

#: The worker process's whole program. It imports only NumPy and dlib (about
#: 0.35 s), not this package (about 2.5 s with scikit-learn), and talks over
#: its standard input and output: a little-endian uint32 count k, then
#: k x 150 x 150 x 3 chip bytes in; k x 128 float64 (little-endian) out; k = 0 ends.
_WORKER_CODE = """
import struct, sys
import numpy as np
import dlib
net = dlib.face_recognition_model_v1(sys.argv[1])
inp, out = sys.stdin.buffer, sys.stdout.buffer
def read(n):
    buf = bytearray()
    while len(buf) < n:
        part = inp.read(n - len(buf))
        if not part:
            sys.exit(3)
        buf += part
    return bytes(buf)
while True:
    (k,) = struct.unpack("<I", read(4))
    if k == 0:
        break
    chips = np.frombuffer(read(k * SIDE * SIDE * 3), dtype=np.uint8).reshape(k, SIDE, SIDE, 3)
    vecs = net.compute_face_descriptor([np.array(c, order="C") for c in chips])
    out.write(np.array([np.asarray(v) for v in vecs], dtype="<f8").tobytes())
    out.flush()
""".replace("SIDE", str(CHIP_SIZE))


def _net_on(net, chips: np.ndarray) -> np.ndarray:
    batch = [np.ascontiguousarray(c) for c in chips]
    return np.array([np.asarray(v, dtype=np.float64) for v in net.compute_face_descriptor(batch)],
                    dtype=np.float64).reshape(len(batch), DESCRIPTOR_DIM)


def _read_exactly(stream, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        part = stream.read(n - len(buf))
        if not part:
            break
        buf += part
    return bytes(buf)


def _in_workers(chunks: list, n_jobs: int, net_path: Path):
    """Yield (chunk index, descriptors) as worker processes finish them.

    Each worker is a fresh Python running :data:`_WORKER_CODE` (no fork, so
    it is safe from a Jupyter kernel and the same on every system) and takes
    the next chunk from a shared queue when it is free. One feeding thread
    per worker; results are yielded in the calling thread, so a progress
    callback runs there.
    """
    import queue
    import struct
    import subprocess

    todo: queue.Queue = queue.Queue()
    for item in enumerate(chunks):
        todo.put(item)
    results: queue.Queue = queue.Queue()
    procs = []
    try:
        for _ in range(min(n_jobs, len(chunks))):
            err = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
            proc = subprocess.Popen([sys.executable, "-c", _WORKER_CODE, str(net_path)],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err)
            procs.append((proc, err))

        def failure(proc, err, cause) -> RuntimeError:
            with contextlib.suppress(Exception):
                proc.wait(timeout=10)
            err.seek(0)
            tail = err.read()[-2000:].decode(errors="replace").strip()
            return RuntimeError(f"A dlib worker process stopped ({cause}; exit code "
                                f"{proc.returncode}): {tail or 'no message'}")

        def feed(proc, err):
            try:
                while True:
                    try:
                        index, chunk = todo.get_nowait()
                    except queue.Empty:
                        break
                    nbytes = len(chunk) * DESCRIPTOR_DIM * 8
                    try:
                        proc.stdin.write(struct.pack("<I", len(chunk)))
                        proc.stdin.write(np.ascontiguousarray(chunk, dtype=np.uint8).tobytes())
                        proc.stdin.flush()
                        data = _read_exactly(proc.stdout, nbytes)
                    except OSError as exc:  # a broken pipe: the worker has died
                        raise failure(proc, err, exc) from exc
                    if len(data) != nbytes:
                        raise failure(proc, err, "no answer")
                    vecs = np.frombuffer(data, dtype="<f8").reshape(len(chunk), DESCRIPTOR_DIM)
                    results.put((index, vecs.astype(np.float64)))
                proc.stdin.write(struct.pack("<I", 0))
                proc.stdin.flush()
            except BaseException as exc:  # noqa: BLE001 - handed to the calling thread
                results.put((None, exc))

        threads = [threading.Thread(target=feed, args=pe, daemon=True) for pe in procs]
        for t in threads:
            t.start()
        for _ in range(len(chunks)):
            index, value = results.get()
            if index is None:
                raise value
            yield index, value
        for t in threads:
            t.join()
    finally:
        for proc, err in procs:
            with contextlib.suppress(OSError, ValueError):
                proc.stdin.close()
            try:
                proc.wait(timeout=10)
            except Exception:  # noqa: BLE001 - never leave a worker behind
                proc.kill()
                proc.wait()
            with contextlib.suppress(OSError, ValueError):
                proc.stdout.close()
            err.close()


def _raw_descriptors(chips: np.ndarray, n_jobs: int, progress, net_path: Path) -> np.ndarray:
    """Run the network on (n, 150, 150, 3) uint8 chips; (n, 128) float64.

    Chips go to the network :data:`_CHUNK` at a time. With ``n_jobs > 1``
    and more than one chunk, ``n_jobs`` worker processes share the chunks
    (:func:`_in_workers`). The output does not depend on ``n_jobs``: dlib's
    descriptor of a chip does not depend on the batch it is in.
    """
    n = chips.shape[0]
    chunks = [chips[i:i + _CHUNK] for i in range(0, n, _CHUNK)]
    parts: list = [None] * len(chunks)
    done = 0
    if n_jobs == 1 or len(chunks) == 1:
        net = _base._loaded("net", net_path)
        results = ((k, _net_on(net, c)) for k, c in enumerate(chunks))
    else:
        results = _in_workers(chunks, n_jobs, net_path)
    with contextlib.closing(results):  # stops the workers if progress() raises
        for index, part in results:
            parts[index] = part
            done += part.shape[0]
            if progress is not None:
                progress(done, n)
    return np.concatenate(parts, axis=0)


def _check_chips(chips, name: str = "chips"):
    if isinstance(chips, (str, bytes)):
        raise TypeError(f"{name}: expected an array of uint8 chips, got a {type(chips).__name__}.")
    arr = np.asarray(chips)
    if arr.dtype != np.uint8:
        raise TypeError(f"{name}: expected uint8 RGB chips (0-255, from olivetti_chip), got "
                        f"dtype {arr.dtype}.")
    shape = (CHIP_SIZE, CHIP_SIZE, 3)
    single = arr.shape == shape
    if single:
        arr = arr[None]
    if arr.ndim != 4 or arr.shape[1:] != shape:
        raise ValueError(f"{name}: expected shape (150, 150, 3) or (n, 150, 150, 3), got "
                         f"{arr.shape}.")
    if arr.shape[0] == 0:
        raise ValueError(f"{name}: expected at least one chip, got none.")
    return np.ascontiguousarray(arr), single


def chip_descriptors(chips, *, n_jobs: int | None = None, progress=None) -> np.ndarray:
    """Raw dlib descriptors of 150x150 RGB chips (not cached, not normalised).

    Parameters
    ----------
    chips : array-like of uint8, shape (150, 150, 3) or (n, 150, 150, 3)
        Aligned faces, for example from :func:`olivetti_chip`.
    n_jobs : int in [1, 64] or None
        Worker processes; None uses ``min(2, os.cpu_count())``.
    progress : callable, None or "print", default None
        ``progress(done, total)`` after each batch of faces.

    Returns
    -------
    ndarray of float64, shape (128,) for one chip or (n, 128)
        Raw descriptors (float32 values from the network, stored as float64);
        their lengths are about 1.25-1.6 on Olivetti.
    """
    arr, single = _check_chips(chips)
    n_jobs = _check_n_jobs(n_jobs)
    progress = _check_progress(progress)
    net_path = _base.model_files().descriptor
    _base._import_dlib()
    if progress == "print":
        progress = _PrintProgress(f"dlib descriptors of {arr.shape[0]:,} chips")
    raw = _raw_descriptors(arr, n_jobs, progress, net_path)
    return raw[0] if single else raw


def _unit(raw: np.ndarray) -> np.ndarray:
    return raw / np.linalg.norm(raw, axis=1, keepdims=True)


# --------------------------------------------------------------------------
# Cache
# --------------------------------------------------------------------------

def _cache_key(grey: np.ndarray, method: str, files: ModelFiles) -> str:
    h = hashlib.sha256()
    for part in (CACHE_VERSION, method, files.shape_predictor_sha256, files.descriptor_sha256,
                 f"{grey.shape}|{grey.dtype.str}"):
        h.update(part.encode() + b"\0")
    h.update(grey.tobytes())
    return h.hexdigest()


def _cache_path(folder: Path, key: str) -> Path:
    return folder / "deep" / f"dlib-resnet-{key}.npz"


def _array_sha(raw: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(raw, dtype="<f8").tobytes()).hexdigest()


def _read_cache(path: Path, key: str, n: int):
    """Cached raw descriptors, or None (missing; or damaged, with one warning)."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    problem = None
    try:
        if size > n * DESCRIPTOR_DIM * 8 + (1 << 16):
            raise ValueError(f"file is {size:,} bytes, too large for {n} descriptors")
        # Read it whole and close at once: np.load leaks the handle of a bad zip,
        # and Windows can't replace an open file.
        with open(path, "rb") as fh:
            data = fh.read()
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            raw = z["raw"]
            stored_key, stored_sha = str(z["key"][()]), str(z["sha256"][()])
        if raw.dtype != np.dtype("<f8") or raw.shape != (n, DESCRIPTOR_DIM):
            problem = f"array of {raw.dtype} {raw.shape}, expected float64 ({n}, {DESCRIPTOR_DIM})"
        elif stored_key != key:
            problem = "stored key differs from the file name's"
        elif _array_sha(raw) != stored_sha:
            problem = "SHA-256 of the stored array does not match its checksum"
        elif not np.all(np.isfinite(raw)) or np.any(np.linalg.norm(raw, axis=1) == 0):
            problem = "array holds non-finite or zero descriptors"
    except Exception as exc:  # noqa: BLE001 - any failure to read is a damaged file, never a traceback
        problem = f"{type(exc).__name__}: {exc}"
    if problem is None:
        return raw
    warnings.warn(f"The descriptor cache file {path} is damaged ({problem}); recomputing "
                  "and replacing it.", DeepCacheWarning, stacklevel=4)
    return None


def _write_cache(path: Path, key: str, raw: np.ndarray, method: str) -> None:
    """Write atomically (temporary file in the same folder, then os.replace)."""
    dlib_version = getattr(sys.modules.get("dlib"), "__version__", "unknown")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Not mkstemp: its files are private (0600); this one gets the umask's
        # ordinary permissions, like any file the user writes.
        tmp = str(path.parent / f"{path.stem}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, raw=np.ascontiguousarray(raw, dtype="<f8"), key=np.array(key),
                         sha256=np.array(_array_sha(raw)), version=np.array(CACHE_VERSION),
                         chip=np.array(method), dlib_version=np.array(str(dlib_version)))
                fh.flush()
                os.fsync(fh.fileno())
            for attempt in range(5):  # Windows: the target may be open in another process
                try:
                    os.replace(tmp, path)
                    break
                except PermissionError:
                    if attempt == 4:
                        raise
                    time.sleep(0.1 * (attempt + 1))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        warnings.warn(f"Could not write the descriptor cache {path} ({exc}); the descriptors "
                      "were computed but will be computed again next time.",
                      DeepCacheWarning, stacklevel=4)


def olivetti_descriptors(images, *, raw: bool = False, chip: str = DEFAULT_CHIP,
                         n_jobs: int | None = None, progress="print", cache: bool = True,
                         cache_dir=None) -> np.ndarray:
    """dlib ResNet descriptors of grey 64x64 faces, computed once and cached.

    Chapters call it with all 400 Olivetti faces::

        faces = load_olivetti()
        E = olivetti_descriptors(faces.images)      # (400, 128), unit length

    (The images are passed in because this layer loads no data.) The first
    call takes about 0.1 s a face a core (some 25-45 s for the 400 faces
    on two cores); later calls read the cache in milliseconds.

    Parameters
    ----------
    images : array-like of shape (n, 64, 64) or (n, 4096)
        Grey faces, real numbers in [0, 1].
    raw : bool, default False
        Return dlib's raw descriptors (the ones its 0.6 distance rule is
        for) instead of unit-length ones.
    chip : {"aligned", "resized"}, default "aligned"
        How faces become the network's input, see :data:`CHIP_METHODS`.
    n_jobs : int in [1, 64] or None
        Worker processes on a cache miss; None uses ``min(2, os.cpu_count())``.
        Results are bit-identical for every value. Workers are fresh Python
        processes that import only NumPy and dlib (no fork, no
        ``if __name__ == "__main__":`` guard needed).
    progress : callable, None or "print", default "print"
        On a cache miss, ``progress(done, total)`` is called after each batch
        of faces; ``"print"`` prints a line each time another 25 % is done,
        None is silent. Not called on a cache hit.
    cache : bool, default True
        Read and write the cache (False: always compute, store nothing).
    cache_dir : path or None
        Cache folder; None uses :func:`default_cache_dir`.

    Returns
    -------
    ndarray of float64, shape (n, 128)
        Unit-length descriptors (or raw ones, lengths about 1.25-1.6).

    Raises
    ------
    DeepModelUnavailable
        If dlib or its model files are missing (on a cache hit dlib itself
        is not needed, only the model files for the key).

    Warns
    -----
    DeepCacheWarning
        If the cache file was damaged (then recomputed) or could not be
        written.
    """
    grey, _ = _check_images(images, allow_single=False)
    raw = _check_bool(raw, "raw")
    chip = _check_chip_method(chip, "chip")
    n_jobs = _check_n_jobs(n_jobs)
    progress = _check_progress(progress)
    cache = _check_bool(cache, "cache")
    folder = _check_cache_dir(cache_dir)
    files = _base.model_files()
    key = _cache_key(grey, chip, files)
    path = _cache_path(folder, key)
    descriptors = _read_cache(path, key, grey.shape[0]) if cache else None
    if descriptors is None:
        chips = _chips_from_grey(grey, chip)
        _base._import_dlib()
        if progress == "print":
            progress = _PrintProgress(f"dlib descriptors of {grey.shape[0]:,} faces")
        descriptors = _raw_descriptors(chips, n_jobs, progress, files.descriptor)
        if cache:
            _write_cache(path, key, descriptors, chip)
    return descriptors.copy() if raw else _unit(descriptors)

