"""Face detection on scikit-image's bundled astronaut photo."""

import numpy as np
import pytest
from skimage import data

from facelab.faces.detect import Box, crop_face, detect_faces


@pytest.fixture(scope="module")
def astronaut():
    return data.astronaut()


def test_finds_exactly_the_astronauts_face(astronaut):
    boxes = detect_faces(astronaut, min_size=60, max_size=123)
    assert len(boxes) == 1
    box = boxes[0]
    # The face is in the upper middle of the 512x512 photo.
    assert 40 < box.row < 140 and 140 < box.col < 240 and 60 <= box.width <= 123


def test_crop_is_a_grey_64_pixel_face(astronaut):
    face = crop_face(astronaut, detect_faces(astronaut, min_size=60, max_size=123)[0])
    assert face.shape == (64, 64)
    assert 0 <= face.min() and face.max() <= 1


def test_no_face_in_a_blank_image():
    assert detect_faces(np.zeros((128, 128))) == []


@pytest.mark.parametrize("bad, match", [
    (np.zeros((10, 10)), "image"),
    (np.full((64, 64), np.nan), "NaN"),
    (np.zeros((64, 64, 5)), "channels"),
])
def test_bad_images_are_named(bad, match):
    with pytest.raises(ValueError, match=match):
        detect_faces(bad)


def test_bad_sizes_are_named(astronaut):
    with pytest.raises(ValueError, match="min_size"):
        detect_faces(astronaut, min_size=600)
    with pytest.raises(ValueError, match="scale_factor"):
        detect_faces(astronaut, scale_factor=1.0)
    with pytest.raises(ValueError, match="box"):
        crop_face(astronaut, Box(600, 600, 10, 10))
