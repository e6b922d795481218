"""Tests for facelab.matching.deep: dlib's ResNet face descriptor.

Almost every test replaces the network by a tiny fake (a fixed function of
the chip's pixels) and the model files by fake hashes, so it runs in
milliseconds and needs no dlib. The tests marked with
``pytest.importorskip("dlib")`` run the real thing on a few faces.
Every cache file goes under ``tmp_path`` (``FACELAB_CACHE_DIR``).
"""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone

from facelab.matching import deep
from facelab.matching.deep import _base, _descriptors

# --------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def cache_in_tmp(tmp_path, monkeypatch):
    """Every test's cache lives in its own tmp_path."""
    monkeypatch.setenv("FACELAB_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def faces(n=5, seed=0, dtype=np.float32):
    """Random grey 'faces' in [0, 1], shape (n, 64, 64)."""
    return np.random.default_rng(seed).random((n, 64, 64)).astype(dtype)


class FakeNet:
    """Stands in for dlib: a fixed function of each chip, counting its calls."""

    def __init__(self):
        self.faces_seen = 0
        self.shape_sha = "a" * 64
        self.net_sha = "b" * 64

    def descriptors(self, net, chips):
        chips = np.asarray(chips)
        self.faces_seen += len(chips)
        flat = chips.reshape(len(chips), -1).astype(np.float64)
        return 1.0 + flat[:, : 128 * 500 : 500] / 255.0 + flat.mean(axis=1, keepdims=True) / 1e3

    def model_files(self):
        return deep.ModelFiles(Path("fake-shape.dat"), Path("fake-net.dat"),
                               self.shape_sha, self.net_sha)


@pytest.fixture
def fake(monkeypatch):
    net = FakeNet()
    monkeypatch.setattr(_base, "model_files", net.model_files)
    monkeypatch.setattr(_base, "_import_dlib", lambda: None)
    monkeypatch.setattr(_base, "_loaded", lambda kind, path=None: object())
    monkeypatch.setattr(_descriptors, "_net_on", net.descriptors)
    return net


def compute(images, **kw):
    kw.setdefault("chip", "resized")  # pure NumPy: no dlib needed
    kw.setdefault("progress", None)
    kw.setdefault("n_jobs", 1)
    return deep.olivetti_descriptors(images, **kw)


def cache_files(folder: Path) -> list[Path]:
    return sorted((folder / "deep").glob("*")) if (folder / "deep").exists() else []


# --------------------------------------------------------------------------
# Distance <-> score
# --------------------------------------------------------------------------

def test_distance_score_mapping_known_values():
    assert deep.distance_to_score(0.6) == pytest.approx(91.0)
    assert deep.score_to_distance(91) == pytest.approx(0.6)
    assert deep.distance_to_score(0) == 100 and deep.distance_to_score(2) == 0
    assert deep.score_to_distance(100) == 0 and deep.score_to_distance(0) == 2
    assert deep.distance_to_score(np.sqrt(2)) == pytest.approx(50)  # perpendicular
    assert isinstance(deep.distance_to_score(0.5), float)


def test_distance_score_mapping_is_the_cosine_score_on_unit_vectors():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2, 200, 128))
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    d = np.linalg.norm(a - b, axis=1)
    score = 50 * (1 + np.sum(a * b, axis=1))
    np.testing.assert_allclose(deep.distance_to_score(d), score, atol=1e-9)
    np.testing.assert_allclose(deep.score_to_distance(score), d, atol=1e-7)
    grid = np.linspace(0, 100, 11).reshape(11, 1)
    out = deep.distance_to_score(deep.score_to_distance(grid))
    assert out.shape == (11, 1)
    np.testing.assert_allclose(out, grid, atol=1e-9)


def test_distance_score_mapping_tolerates_rounding_at_the_ends():
    assert deep.distance_to_score(2 + 1e-12) == 0
    assert deep.score_to_distance(100 + 1e-12) == 0


@pytest.mark.parametrize("fn, name, bad", [
    (deep.distance_to_score, "d", -0.1),
    (deep.distance_to_score, "d", 2.5),
    (deep.distance_to_score, "d", np.nan),
    (deep.distance_to_score, "d", [0.1, np.inf]),
    (deep.distance_to_score, "d", []),
    (deep.score_to_distance, "score", 101),
    (deep.score_to_distance, "score", -1),
    (deep.score_to_distance, "score", np.nan),
    (deep.score_to_distance, "score", np.array([])),
])
def test_distance_score_mapping_refuses_bad_values(fn, name, bad):
    with pytest.raises(ValueError, match=f"^{name}: "):
        fn(bad)


@pytest.mark.parametrize("fn, name", [(deep.distance_to_score, "d"),
                                      (deep.score_to_distance, "score")])
@pytest.mark.parametrize("bad", ["0.6", b"1", [1 + 2j], np.array([True])])
def test_distance_score_mapping_refuses_non_numbers(fn, name, bad):
    with pytest.raises(TypeError, match=f"^{name}: "):
        fn(bad)


# --------------------------------------------------------------------------
# Chips (the "resized" method needs no dlib)
# --------------------------------------------------------------------------

def test_resized_chips_shape_dtype_and_determinism():
    x = faces(3)
    chips = deep.olivetti_chip(x, method="resized")
    assert chips.shape == (3, 150, 150, 3) and chips.dtype == np.uint8
    assert np.array_equal(chips[..., 0], chips[..., 1])
    assert np.array_equal(chips[..., 0], chips[..., 2])
    assert np.array_equal(chips, deep.olivetti_chip(x, method="resized"))
    assert np.array_equal(chips, deep.olivetti_chip(x.reshape(3, 4096), method="resized"))
    assert np.array_equal(chips, deep.olivetti_chip(x.astype(np.float64), method="resized"))
    assert np.array_equal(chips, deep.olivetti_chip(np.asfortranarray(x), method="resized"))
    assert np.array_equal(chips[1], deep.olivetti_chip(x[1], method="resized"))
    flat = np.full((64, 64), 0.5)
    assert np.all(deep.olivetti_chip(flat, method="resized") == 128)


@pytest.mark.parametrize("bad, error, message", [
    ("faces.png", TypeError, "images: expected an array"),
    (np.array([["a"] * 4096]), TypeError, "images: expected an array of real numbers"),
    (np.ones((2, 64, 64), dtype=bool), TypeError, "images: expected an array of real numbers"),
    (np.ones((2, 64, 64), dtype=complex), TypeError, "images: expected an array of real"),
    (np.ones((2, 32, 32)), ValueError, r"images: expected grey 64x64 faces"),
    (np.ones((2, 4095)), ValueError, r"images: expected grey 64x64 faces"),
    (np.ones(4096), ValueError, r"images: expected grey 64x64 faces"),
    (np.ones((2, 64, 64, 3)), ValueError, r"images: expected grey 64x64 faces"),
    (np.ones((0, 64, 64)), ValueError, "images: expected at least one face"),
    (np.full((1, 64, 64), np.nan), ValueError, "images: contains NaN"),
    (np.full((1, 64, 64), np.inf), ValueError, "images: contains NaN or infinite"),
    (np.full((1, 64, 64), 255, dtype=np.uint8), ValueError,
     r"images: pixel values must be .*\[0, 1\]"),
    (np.full((1, 64, 64), -0.01), ValueError, r"images: pixel values must be"),
])
def test_chip_input_validation(bad, error, message):
    with pytest.raises(error, match=message):
        deep.olivetti_chip(bad, method="resized")


@pytest.mark.parametrize("method", ["Aligned", "", None, 1, "68-point"])
def test_chip_method_validation(method):
    with pytest.raises(ValueError, match="^method: must be one of 'aligned', 'resized'"):
        deep.olivetti_chip(faces(1), method=method)


def test_chip_descriptors_input_validation():
    with pytest.raises(TypeError, match="^chips: expected uint8"):
        deep.chip_descriptors(np.zeros((1, 150, 150, 3), dtype=np.float32))
    with pytest.raises(ValueError, match=r"^chips: expected shape \(150, 150, 3\)"):
        deep.chip_descriptors(np.zeros((1, 64, 64, 3), dtype=np.uint8))
    with pytest.raises(ValueError, match="^chips: expected at least one"):
        deep.chip_descriptors(np.zeros((0, 150, 150, 3), dtype=np.uint8))
    with pytest.raises(TypeError, match="^chips: "):
        deep.chip_descriptors("chips")
    with pytest.raises(ValueError, match="^n_jobs: "):
        deep.chip_descriptors(np.zeros((150, 150, 3), dtype=np.uint8), n_jobs=0)


# --------------------------------------------------------------------------
# Detector validation (checked before dlib is needed)
# --------------------------------------------------------------------------

@pytest.mark.parametrize("bad, error, message", [
    ("photo.jpg", TypeError, "^image: "),
    (np.zeros((10, 10, 4)), ValueError, r"^image: expected a grey \(h, w\) or RGB"),
    (np.zeros((2, 10, 10, 3)), ValueError, "^image: expected a grey"),
    (np.zeros((0, 10)), ValueError, "^image: is empty"),
    (np.full((10, 10), np.nan), ValueError, "^image: contains NaN"),
    (np.full((10, 10), 2.0), ValueError, r"^image: float pixels must be in \[0, 1\]"),
    (np.full((10, 10), 300), ValueError, r"^image: integer pixels must be in \[0, 255\]"),
    (np.zeros((10, 10), dtype=bool), TypeError, "^image: expected an array of real numbers"),
])
def test_detector_image_validation(bad, error, message):
    with pytest.raises(error, match=message):
        deep.detect_faces_hog(bad)


@pytest.mark.parametrize("upsample", [-1, 5, 1.0, True, "1", None])
def test_detector_upsample_validation(upsample):
    with pytest.raises(ValueError, match="^upsample: "):
        deep.detect_faces_hog(np.zeros((64, 64)), upsample=upsample)


def test_detector_refuses_huge_upsampled_images():
    with pytest.raises(ValueError, match="^upsample: doubling a 2000x2000 image 2 times"):
        deep.detect_faces_hog(np.zeros((2000, 2000), dtype=np.uint8), upsample=2)


def test_hog_box_has_the_fields_of_facelab_box():
    from facelab.faces import Box

    fields = [f.name for f in dataclasses.fields(deep.HogBox)]
    assert fields == [f.name for f in dataclasses.fields(Box)] == ["row", "col", "height", "width"]
    box = deep.HogBox(-3, 2, 70, 71)
    assert Box(*dataclasses.astuple(box)) == Box(-3, 2, 70, 71)
    with pytest.raises(dataclasses.FrozenInstanceError):
        box.row = 0


# --------------------------------------------------------------------------
# Availability and install advice
# --------------------------------------------------------------------------

def test_missing_dlib_gives_one_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "dlib", None)  # makes `import dlib` fail
    monkeypatch.setattr(_base, "_LOADED", {})  # forget models loaded by earlier tests
    assert deep.available() is False
    with pytest.raises(deep.DeepModelUnavailable) as info:
        deep.detect_faces_hog(np.zeros((64, 64)))
    assert isinstance(info.value, ImportError)
    message = str(info.value)
    assert "pip install dlib-bin==20.0.1.post1 face-recognition-models==0.3.0" in message
    assert "brew install cmake" in message and "pip install dlib==20.0.1" in message
    with pytest.raises(deep.DeepModelUnavailable):
        deep.olivetti_chip(faces(1), method="aligned")


def test_missing_model_files_give_the_same_error(monkeypatch, tmp_path):
    monkeypatch.setattr(_base, "_models_dir", lambda: tmp_path)
    assert deep.available() is False
    with pytest.raises(deep.DeepModelUnavailable, match="shape_predictor_5_face_landmarks.dat"):
        deep.model_files()


def test_available_is_a_bool_and_matches_the_import():
    ok = deep.available()
    assert isinstance(ok, bool)
    try:
        import dlib  # noqa: F401
        have_dlib = True
    except ImportError:
        have_dlib = False
    if not have_dlib:
        assert not ok


def test_model_files_are_the_pinned_five_point_and_resnet_files():
    if _base.importlib.util.find_spec("face_recognition_models") is None:
        pytest.skip("face-recognition-models is not installed")
    files = deep.model_files()
    assert files.shape_predictor.name == "shape_predictor_5_face_landmarks.dat"
    assert files.descriptor.name == "dlib_face_recognition_resnet_model_v1.dat"
    assert "68" not in files.shape_predictor.name
    assert files.pinned, "the installed model files are not those of face-recognition-models 0.3.0"
    assert deep.model_files() == files  # hashed once, then from memory


# --------------------------------------------------------------------------
# Cache folder
# --------------------------------------------------------------------------

def test_default_cache_dir_follows_the_platform(monkeypatch, tmp_path):
    monkeypatch.setenv("FACELAB_CACHE_DIR", str(tmp_path / "x"))
    assert deep.default_cache_dir() == tmp_path / "x"
    monkeypatch.setenv("FACELAB_CACHE_DIR", "")
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert deep.default_cache_dir() == tmp_path / "xdg" / "facelab"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert deep.default_cache_dir() == tmp_path / "home" / ".cache" / "facelab"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    assert deep.default_cache_dir() == tmp_path / "local" / "facelab" / "Cache"


# --------------------------------------------------------------------------
# Descriptors and cache, with the fake network
# --------------------------------------------------------------------------

def test_descriptors_are_unit_length_and_raw_is_the_networks_output(fake):
    x = faces(4)
    unit = compute(x)
    assert unit.shape == (4, 128) and unit.dtype == np.float64
    np.testing.assert_allclose(np.linalg.norm(unit, axis=1), 1, atol=1e-12)
    raw = compute(x, raw=True)
    np.testing.assert_array_equal(raw, fake.descriptors(None, deep.olivetti_chip(x, "resized")))
    np.testing.assert_allclose(unit, raw / np.linalg.norm(raw, axis=1, keepdims=True))


def test_cache_computes_once(fake, cache_in_tmp):
    x = faces(7)
    first = compute(x)
    assert fake.faces_seen == 7
    files = cache_files(cache_in_tmp)
    assert len(files) == 1 and files[0].suffix == ".npz"
    again = compute(x)
    assert fake.faces_seen == 7
    np.testing.assert_array_equal(first, again)
    # the same 8-bit faces in another float type are the same entry
    compute(x.astype(np.float64))
    compute(x.reshape(7, 4096))
    assert fake.faces_seen == 7 and len(cache_files(cache_in_tmp)) == 1
    with np.load(files[0], allow_pickle=False) as z:
        assert set(z.files) >= {"raw", "key", "sha256", "version", "chip"}
    if os.name == "posix":  # ordinary permissions (the umask's), not a private temp file's
        umask = os.umask(0)
        os.umask(umask)
        assert files[0].stat().st_mode & 0o777 == 0o666 & ~umask


def test_cache_key_changes_with_data_model_and_chip(fake, cache_in_tmp):
    x = faces(3)
    compute(x)
    y = x.copy()
    y[1, 10, 10] = (np.rint(y[1, 10, 10] * 255) + (1 if y[1, 10, 10] < 0.5 else -1)) / 255
    compute(y)  # one grey level of one pixel
    assert fake.faces_seen == 6
    compute(x[::-1].copy())  # same faces, another order
    assert fake.faces_seen == 9
    fake.net_sha = "c" * 64  # another descriptor network
    compute(x)
    assert fake.faces_seen == 12
    fake.shape_sha = "d" * 64  # another landmark model
    compute(x)
    assert fake.faces_seen == 15
    seen = fake.faces_seen
    key_resized = _descriptors._cache_key(_base._check_images(x)[0], "resized", fake.model_files())
    key_aligned = _descriptors._cache_key(_base._check_images(x)[0], "aligned", fake.model_files())
    assert key_resized != key_aligned
    assert len(cache_files(cache_in_tmp)) == 5 and fake.faces_seen == seen


def raw_data_offset(blob: bytes, raw: np.ndarray) -> int:
    """Where the stored array's bytes start inside the .npz file."""
    at = blob.find(np.ascontiguousarray(raw, dtype="<f8").tobytes())
    assert at > 0
    return at


@pytest.mark.parametrize("damage", ["truncate", "empty", "garbage", "flip-first", "flip-data",
                                    "flip-last-data", "append"])
def test_damaged_cache_file_warns_once_and_recomputes(fake, cache_in_tmp, damage):
    x = faces(3)
    good = compute(x)
    raw = compute(x, raw=True)
    (path,) = cache_files(cache_in_tmp)
    blob = bytearray(path.read_bytes())
    at = raw_data_offset(bytes(blob), raw)
    if damage == "truncate":
        blob = blob[: len(blob) // 2]
    elif damage == "empty":
        blob = b""
    elif damage == "garbage":
        blob = b"not a zip file at all" * 50
    elif damage == "flip-first":
        blob[0] ^= 0xFF
    elif damage == "flip-data":
        blob[at + 1000] ^= 0x01  # one bit of one descriptor value
    elif damage == "flip-last-data":
        blob[at + raw.nbytes - 1] ^= 0x80
    else:  # a second copy of the archive appended: a valid zip of the wrong size
        blob = blob + blob * 200
    path.write_bytes(bytes(blob))
    with pytest.warns(deep.DeepCacheWarning, match="damaged") as record:
        again = compute(x)
    assert len([w for w in record if w.category is deep.DeepCacheWarning]) == 1
    np.testing.assert_array_equal(again, good)
    assert fake.faces_seen == 6
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the file was repaired: no warning now
        np.testing.assert_array_equal(compute(x), good)
    assert fake.faces_seen == 6


def test_any_flipped_byte_gives_the_right_result_and_never_an_exception(fake, cache_in_tmp):
    """Flip bytes all over the file: a warning and a recomputation, or (for a
    byte that the zip reader ignores, such as a date in a header) the stored
    array unchanged; never a traceback, never a wrong array."""
    x = faces(3)
    good = compute(x, raw=True)
    (path,) = cache_files(cache_in_tmp)
    original = path.read_bytes()
    n_warned = 0
    for pos in range(0, len(original), max(1, len(original) // 97)):
        blob = bytearray(original)
        blob[pos] ^= 0xFF
        path.write_bytes(bytes(blob))
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            got = compute(x, raw=True)
        np.testing.assert_array_equal(got, good)
        cache_warnings = [w for w in record if w.category is deep.DeepCacheWarning]
        assert len(cache_warnings) <= 1
        assert not [w for w in record if w.category is ResourceWarning]
        n_warned += len(cache_warnings)
    assert n_warned > 50  # most bytes matter


def rewrite(path: Path, **changes):
    with np.load(path, allow_pickle=False) as z:
        content = {k: z[k] for k in z.files}
    content.update(changes)
    with open(path, "wb") as fh:
        np.savez(fh, **content)


@pytest.mark.parametrize("change", ["values", "checksum", "shape", "dtype", "key", "nan", "object"])
def test_consistent_but_wrong_cache_file_is_caught(fake, cache_in_tmp, change):
    x = faces(3)
    good = compute(x, raw=True)
    (path,) = cache_files(cache_in_tmp)
    if change == "values":  # a valid zip whose array was changed: the SHA-256 catches it
        rewrite(path, raw=good + 1e-9)
    elif change == "checksum":
        rewrite(path, sha256=np.array("0" * 64))
    elif change == "shape":
        rewrite(path, raw=good[:2], sha256=np.array(_descriptors._array_sha(good[:2])))
    elif change == "dtype":
        bad = good.astype(np.float32)
        rewrite(path, raw=bad, sha256=np.array(_descriptors._array_sha(bad)))
    elif change == "key":
        rewrite(path, key=np.array("f" * 64))
    elif change == "nan":
        bad = good.copy()
        bad[0, 0] = np.nan
        rewrite(path, raw=bad, sha256=np.array(_descriptors._array_sha(bad)))
    else:  # an object array can only be read with pickle, which is never allowed
        with open(path, "wb") as fh:
            np.savez(fh, raw=np.array([{"evil": 1}], dtype=object), key=np.array("k"),
                     sha256=np.array("s"))
    with pytest.warns(deep.DeepCacheWarning, match="damaged"):
        again = compute(x, raw=True)
    np.testing.assert_array_equal(again, good)
    assert fake.faces_seen == 6


def test_cache_false_reads_and_writes_nothing(fake, cache_in_tmp):
    x = faces(2)
    compute(x, cache=False)
    compute(x, cache=False)
    assert fake.faces_seen == 4 and not cache_in_tmp.exists()


def test_unwritable_cache_folder_warns_and_still_returns(fake, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.warns(deep.DeepCacheWarning, match="Could not write"):
        out = compute(faces(2), cache_dir=blocker)
    assert out.shape == (2, 128)


def test_failed_write_leaves_no_partial_file(fake, cache_in_tmp, monkeypatch):
    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(_descriptors.os, "replace", broken_replace)
    with pytest.warns(deep.DeepCacheWarning, match="disk full"):
        compute(faces(2))
    assert cache_files(cache_in_tmp) == []


def test_concurrent_writers_never_leave_a_broken_file(fake, cache_in_tmp):
    x = faces(3)
    raw = compute(x, raw=True, cache=False)
    grey, _ = _base._check_images(x)
    key = _descriptors._cache_key(grey, "resized", fake.model_files())
    path = _descriptors._cache_path(cache_in_tmp, key)
    errors = []

    def writer():
        for _ in range(15):
            _descriptors._write_cache(path, key, raw, "resized")

    def reader():
        for _ in range(30):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                try:
                    got = _descriptors._read_cache(path, key, 3)
                except Exception as exc:  # noqa: BLE001
                    errors.append(exc)
                    continue
            if got is not None and not np.array_equal(got, raw):
                errors.append("wrong array")

    threads = [threading.Thread(target=f) for f in (writer, writer, reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert cache_files(cache_in_tmp) == [path]  # no temporary files left over


def test_progress_callback_and_default_printing(fake, capsys):
    calls = []
    x = faces(25)
    compute(x, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(10, 25), (20, 25), (25, 25)]
    calls.clear()
    compute(x, progress=lambda done, total: calls.append((done, total)))
    assert calls == []  # cache hit: nothing computed, nothing reported
    capsys.readouterr()
    compute(faces(40, seed=1), progress="print")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and lines[-1].startswith("dlib descriptors of 40 faces: 100% (40 of 40)")
    assert "25% (10 of 40)" in lines[0]
    compute(faces(40, seed=1), progress="print")
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("kwargs, error, message", [
    ({"raw": "yes"}, TypeError, "^raw: must be True or False"),
    ({"cache": 1}, TypeError, "^cache: must be True or False"),
    ({"n_jobs": 0}, ValueError, r"^n_jobs: must be in \[1, 64\]"),
    ({"n_jobs": "2"}, ValueError, "^n_jobs: must be an integer"),
    ({"n_jobs": True}, ValueError, "^n_jobs: must be an integer"),
    ({"chip": "68"}, ValueError, "^chip: must be one of"),
    ({"progress": 5}, TypeError, "^progress: expected a callable"),
    ({"progress": "tqdm"}, TypeError, "^progress: expected a callable"),
    ({"cache_dir": 123}, TypeError, "^cache_dir: expected a folder path"),
    ({"cache_dir": ""}, ValueError, "^cache_dir: expected a folder path"),
])
def test_descriptor_argument_validation(fake, kwargs, error, message):
    with pytest.raises(error, match=message):
        compute(faces(1), **kwargs)
    assert fake.faces_seen == 0


def test_single_face_must_be_a_batch(fake):
    with pytest.raises(ValueError, match=r"^images: expected grey 64x64 faces of shape \(n, 64"):
        compute(faces(1)[0])


# --------------------------------------------------------------------------
# The estimator, with the fake network
# --------------------------------------------------------------------------

def test_estimator_fit_learns_nothing_and_transform_gives_unit_rows(fake):
    x = faces(6)
    model = deep.DlibResNet(chip="resized", progress=None, n_jobs=1)
    assert model.fit(x.reshape(6, -1)) is model
    assert model.n_features_in_ == 4096 and fake.faces_seen == 0
    E = model.transform(x.reshape(6, -1))
    assert E.shape == (6, 128)
    np.testing.assert_allclose(np.linalg.norm(E, axis=1), 1, atol=1e-12)
    np.testing.assert_array_equal(E, model.transform(x))  # (n, 64, 64) too
    raw = model.transform_raw(x)
    np.testing.assert_allclose(E, raw / np.linalg.norm(raw, axis=1, keepdims=True))
    np.testing.assert_array_equal(deep.DlibResNet(chip="resized", progress=None).transform(x), E)
    np.testing.assert_array_equal(clone(model).fit_transform(x, np.arange(6)), E)
    assert clone(model).get_params()["chip"] == "resized"
    assert model.__sklearn_tags__().requires_fit is False


@pytest.mark.parametrize("params, message", [
    ({"chip": "crop"}, "^chip: "),
    ({"n_jobs": -1}, "^n_jobs: "),
    ({"progress": "loud"}, "^progress: "),
    ({"cache": "no"}, "^cache: "),
    ({"cache_dir": 3.5}, "^cache_dir: "),
])
def test_estimator_parameter_validation(fake, params, message):
    with pytest.raises((ValueError, TypeError), match=message):
        deep.DlibResNet(**params).fit(faces(2))


def test_estimator_input_validation(fake):
    model = deep.DlibResNet(progress=None)
    with pytest.raises(ValueError, match="^X: expected grey 64x64 faces"):
        model.fit(np.ones((3, 100)))
    with pytest.raises(ValueError, match="^X: pixel values must be"):
        model.transform(np.full((1, 4096), 3.0))
    with pytest.raises(TypeError, match="^X: "):
        model.fit("faces")


# --------------------------------------------------------------------------
# The real thing (needs dlib and face-recognition-models)
# --------------------------------------------------------------------------

PEOPLE = [0, 1, 10, 11, 20, 21]  # two photos each of persons 0, 1 and 2


@pytest.fixture(scope="module")
def real_faces():
    pytest.importorskip("dlib")
    if not deep.available():
        pytest.skip("dlib's model files (face-recognition-models) are not installed")
    from facelab.faces import DataUnavailableError, load_olivetti

    try:
        f = load_olivetti(download_if_missing=False)
    except DataUnavailableError as exc:
        pytest.skip(str(exc))
    return np.asarray(f.images)[PEOPLE], np.asarray(f.target)[PEOPLE]


def test_real_network_puts_one_persons_photos_closest(real_faces, cache_in_tmp, monkeypatch):
    images, ids = real_faces
    raw = deep.olivetti_descriptors(images, raw=True, n_jobs=1, progress=None)
    assert raw.shape == (6, 128)
    norms = np.linalg.norm(raw, axis=1)
    assert np.all((norms > 1.0) & (norms < 2.0))
    d = np.linalg.norm(raw[:, None] - raw[None], axis=2)
    np.fill_diagonal(d, np.inf)
    assert np.array_equal(ids[np.argmin(d, axis=1)], ids)  # nearest photo: same person
    mated = ids[:, None] == ids[None]
    assert d[mated & np.isfinite(d)].max() < deep.DLIB_THRESHOLD
    assert d[~mated].min() > d[mated & np.isfinite(d)].max()
    # the chips are exactly the network's input
    chips = deep.olivetti_chip(images)
    np.testing.assert_array_equal(deep.chip_descriptors(chips, n_jobs=1), raw)
    # one process and two give bit-identical descriptors (chunks of 2: 3 tasks)
    monkeypatch.setattr(_descriptors, "_CHUNK", 2)
    two = deep.olivetti_descriptors(images, raw=True, n_jobs=2, progress=None, cache=False)
    np.testing.assert_array_equal(two, raw)
    unit = deep.DlibResNet(progress=None).fit_transform(images.reshape(6, -1))
    np.testing.assert_allclose(unit, raw / norms[:, None], rtol=0, atol=1e-15)
    assert len(cache_files(cache_in_tmp)) == 1


def test_real_aligned_chips_are_deterministic(real_faces):
    images, _ = real_faces
    chips = deep.olivetti_chip(images)
    assert chips.shape == (6, 150, 150, 3) and chips.dtype == np.uint8
    assert np.array_equal(chips, deep.olivetti_chip(np.asfortranarray(images)))
    assert np.array_equal(chips[2], deep.olivetti_chip(images[2]))
    assert not np.array_equal(chips, deep.olivetti_chip(images, method="resized"))


def test_real_hog_detector_finds_an_olivetti_face(real_faces):
    images, _ = real_faces
    boxes = deep.detect_faces_hog(images[0], upsample=3)
    assert len(boxes) == 1 and isinstance(boxes[0], deep.HogBox)
    b = boxes[0]
    assert 40 <= b.height <= 100 and 40 <= b.width <= 100  # in the 64x64 image's pixels
    assert abs(b.row + b.height / 2 - 32) < 16 and abs(b.col + b.width / 2 - 32) < 16
    assert deep.detect_faces_hog(np.asfortranarray(images[0]), upsample=3) == boxes
    assert deep.detect_faces_hog(np.zeros((64, 64), dtype=np.uint8), upsample=1) == []
    rgb = (np.repeat(images[0][:, :, None], 3, axis=2) * 255).round().astype(np.uint8)
    assert deep.detect_faces_hog(rgb, upsample=3) == boxes


def test_real_worker_failure_is_one_clear_error(real_faces, monkeypatch, tmp_path):
    images, _ = real_faces
    chips = deep.olivetti_chip(images[:4], method="resized")
    monkeypatch.setattr(_descriptors, "_CHUNK", 2)
    with pytest.raises(RuntimeError, match="dlib worker process stopped"):
        _descriptors._raw_descriptors(chips, 2, None, tmp_path / "no-such-model.dat")

    class Stop(Exception):
        pass

    def stop(done, total):
        raise Stop

    model = deep.model_files().descriptor
    with pytest.raises(Stop):  # the caller's exception, not a worker's
        _descriptors._raw_descriptors(chips, 2, stop, model)
