"""The book's Sphinx extensions (``_ext/``): the parts that are plain functions."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest
from PIL import Image

from .conftest import ROOT

_spec = importlib.util.spec_from_file_location("fv_editions", ROOT / "_ext" / "fv_editions.py")
fv_editions = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("fv_editions", fv_editions)
_spec.loader.exec_module(fv_editions)


def _png(tmp_path, pixels, name="figure.png"):
    path = tmp_path / name
    Image.fromarray(pixels, "RGBA").save(path)
    return path


def _figure_like(rng, colour=False):
    """An opaque RGBA image with grey faces (and a coloured line if ``colour``)."""
    grey = rng.integers(0, 256, size=(60, 80), dtype=np.uint8)
    pixels = np.dstack([grey, grey, grey, np.full_like(grey, 255)])
    if colour:
        pixels[30, :, :3] = (0, 114, 178)
    return pixels


@pytest.mark.parametrize("colour,mode", [(False, "L"), (True, "RGB")])
def test_compact_png_is_lossless(tmp_path, colour, mode):
    pixels = _figure_like(np.random.default_rng(0), colour)
    path = _png(tmp_path, pixels)
    before = path.stat().st_size
    assert fv_editions.compact_png(path)
    with Image.open(path) as im:
        assert im.mode == mode
        assert np.array_equal(np.asarray(im.convert("RGBA")), pixels)
    assert path.stat().st_size < before


def test_compact_png_keeps_transparency_and_other_modes(tmp_path):
    pixels = _figure_like(np.random.default_rng(1))
    pixels[0, 0, 3] = 0
    path = _png(tmp_path, pixels)
    assert not fv_editions.compact_png(path)
    with Image.open(path) as im:
        assert im.mode == "RGBA"
    grey = tmp_path / "grey.png"
    Image.fromarray(pixels[..., 0], "L").save(grey)
    assert not fv_editions.compact_png(grey)


def test_strip_solutions_removes_gated_and_single_solutions():
    text = ("before\n"
            "```{solution-start} ex-a\n```\nsecret one\n```{solution-end}\n```\n"
            "middle\n"
            "````{solution} ex-b\nsecret two\n````\n"
            "after\n")
    out = fv_editions.strip_solutions(text)
    assert "secret" not in out
    assert ["before", "middle", "after"] == [ln for ln in out.splitlines() if ln]
