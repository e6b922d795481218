"""The Olivetti loader: right data, checked, and a clear message when it cannot load."""

import hashlib
import shutil
import socket

import numpy as np
import pytest

from facelab.faces import (
    OLIVETTI_SHA256,
    ChecksumError,
    DataUnavailableError,
    datasets,
    load_olivetti,
)


def test_olivetti_shape_range_and_people(olivetti):
    assert olivetti.images.shape == (400, 64, 64)
    assert olivetti.images.dtype == np.float32
    assert 0.0 <= olivetti.images.min() and olivetti.images.max() <= 1.0
    assert olivetti.n_people == 40
    # ten contiguous photos per person
    assert np.array_equal(olivetti.target, np.repeat(np.arange(40), 10))
    assert olivetti.data.shape == (400, 4096)


def test_olivetti_matches_published_checksum(olivetti):
    assert hashlib.sha256(olivetti.images.tobytes()).hexdigest() == OLIVETTI_SHA256


def test_olivetti_is_read_only(olivetti):
    with pytest.raises(ValueError):
        olivetti.images[0, 0, 0] = 1.0


def test_missing_cache_offline_gives_one_clear_error(tmp_path, monkeypatch):
    # An empty data home and no network: scikit-learn would try to download.
    def no_network(*args, **kwargs):
        raise OSError("network is unreachable (blocked by the test)")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    with pytest.raises(DataUnavailableError) as info:
        load_olivetti(data_home=tmp_path)
    message = str(info.value)
    assert "SCIKIT_LEARN_DATA" in message and str(tmp_path) in message
    assert "connect" in message.lower()


def test_missing_cache_without_download_is_clear(tmp_path):
    with pytest.raises(DataUnavailableError, match="SCIKIT_LEARN_DATA"):
        load_olivetti(data_home=tmp_path, download_if_missing=False)


def test_wrong_checksum_is_caught(tmp_path, monkeypatch):
    src = datasets._data_home(None)
    shutil.copy(f"{src}/olivetti_py3.pkz", tmp_path / "olivetti_py3.pkz")
    monkeypatch.setattr(datasets, "OLIVETTI_SHA256", "0" * 64)
    with pytest.raises(ChecksumError, match="olivetti_py3.pkz"):
        load_olivetti(data_home=tmp_path, download_if_missing=False)


def test_environment_variable_is_honoured(tmp_path, monkeypatch):
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path))
    with pytest.raises(DataUnavailableError, match=str(tmp_path)):
        load_olivetti(download_if_missing=False)


def test_unknown_data_file_is_named():
    with pytest.raises(ValueError, match="no data file 'nope.csv'"):
        datasets.read_csv("nope.csv")
