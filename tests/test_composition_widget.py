"""Chapter 4's kernel explorer keeps the reader's threshold when the training mix changes."""

from __future__ import annotations

import pytest

pytest.importorskip("ipywidgets")

from facelab.experiments.composition import CompositionCache  # noqa: E402
from facelab.views import widgets  # noqa: E402


def _controls(view):
    box = view.widget
    comp, _, row, numbers, _ = box.children
    thr, reset = row.children
    return box, comp, thr, reset, numbers


def test_threshold_survives_a_new_mix_and_the_button_sets_the_mix_threshold():
    cache = CompositionCache(n_train=40, n_test_per_group=60, n_boot=10, max_evaluations=2)
    view = widgets.composition_explorer(cache, share_b=0.1, shares=(0.1, 0.5))
    box, comp, thr, reset, numbers = _controls(view)
    assert thr.value == pytest.approx(round(box.state["ev"].threshold, 1))
    thr.value = 97.0
    comp.value = 0.5  # retrains on 50% B
    assert thr.value == 97.0, "the reader's threshold was reset by a change of mix"
    assert "threshold <strong>97.0</strong>" in numbers.value
    mix_threshold = round(box.state["ev"].threshold, 1)
    assert f"is {box.state['ev'].threshold:.1f}" in numbers.value  # the mix's own is stated
    reset.click()
    assert thr.value == pytest.approx(mix_threshold)
