"""Inputs that used to give a silently wrong result (issue 13's audit) now fail clearly."""

from __future__ import annotations

import numpy as np
import pytest

from facelab.faces import detect
from facelab.views import format as fmt

IMAGE = np.random.default_rng(0).random((64, 64))
BOX = detect.Box(0, 0, 32, 32)


@pytest.mark.parametrize("kwargs, message", [
    ({"margin": "80"}, "^margin:"), ({"margin": float("nan")}, "^margin:"),
    ({"margin": -1}, "^margin:"), ({"size": 2.5}, "^size:"), ({"size": True}, "^size:"),
    ({"size": 2}, "^size:"),
])
def test_crop_face_refuses_bad_size_and_margin(kwargs, message):
    with pytest.raises((TypeError, ValueError), match=message):
        detect.crop_face(IMAGE, BOX, **kwargs)


def test_crop_face_needs_a_box():
    with pytest.raises(TypeError, match="^box:"):
        detect.crop_face(IMAGE, (0, 0, 32, 32))
    assert detect.crop_face(IMAGE, BOX).shape == (64, 64)


@pytest.mark.parametrize("args, message", [
    ((-5, 0.1, 0.2), "^estimate:"), ((0.5, 0.7, 0.6), "^low, high:"), ((0.5, "0.1", 0.6), "^low:"),
])
def test_interval_refuses_what_is_not_a_rate(args, message):
    with pytest.raises((TypeError, ValueError), match=message):
        fmt.interval(*args)


def test_interval_and_pct_label_format():
    assert fmt.interval(0.3, 0.2, 0.4) == "30.0% (20.0–40.0)"
    assert fmt.pct_label(0.0001) == "0.01%" and fmt.pct_label(0) == "0%"
    with pytest.raises(ValueError, match="^p:"):
        fmt.pct_label(2)


def test_replay_rows_refuse_negative_and_fractional_indices():
    from facelab.experiments.replay.aclu import _check_rows

    assert _check_rows(3, 10, "rows").tolist() == [3]
    assert _check_rows([0, 9], 10, "rows").tolist() == [0, 9]
    for bad in (-1, 10, 2.5, [], True):
        with pytest.raises((TypeError, ValueError), match="^rows:"):
            _check_rows(bad, 10, "rows")
