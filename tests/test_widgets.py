"""Kernel-only controls: live in Jupyter, an honest picture on the static site."""

import re
import shutil
import subprocess

import numpy as np
import pytest

from facelab import matching
from facelab.views import widgets


@pytest.fixture(scope="module")
def toy():
    rng = np.random.default_rng(0)
    ids = np.repeat(np.arange(4), 3)
    centres = rng.normal(size=(4, 8))
    emb = centres[ids] + 0.2 * rng.normal(size=(12, 8))
    images = rng.uniform(size=(12, 16, 16))
    return images, ids, emb


def test_bundle_has_live_view_and_static_fallback(toy):
    shown = widgets.matcher(*toy, threshold=80)
    bundle = shown._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "<img" in bundle["text/html"] and "make lab" in bundle["text/html"]


def test_matcher_shows_the_package_score_and_decision(toy):
    images, ids, emb = toy
    html = widgets.render_pair(widgets._face_uris(images), ids, emb, 0, 4, threshold=60)
    score, is_match = matching.verify(emb[0], emb[4], 60)
    assert f"{score[0]:.1f}" in html
    assert ("NO MATCH" not in html) == bool(is_match[0])
    assert "different people" in html


def test_matcher_redraws_when_a_control_moves(toy):
    live = widgets.matcher(*toy, threshold=80).widget
    out = live.children[-1]
    before = out.value
    live.children[2].value = 0.0          # threshold slider to 0: everything matches
    assert out.value != before and "NO MATCH" not in out.value


def test_search_marks_the_true_person_and_counts_alerts(toy):
    images, ids, emb = toy
    uris = widgets._face_uris(images)
    gallery = np.array([0, 3, 6, 9])       # first photo of each person
    html = widgets.render_search(uris, ids, emb, probe_row=1, gallery_rows=gallery, threshold=0)
    assert "✓ person 0" in html and "4 alert(s)" in html and "3 false alert(s)" in html


@pytest.mark.parametrize("kwargs, match_text", [
    (dict(threshold=101), "threshold"),
    (dict(threshold=float("nan")), "threshold"),
])
def test_bad_thresholds_are_named(toy, kwargs, match_text):
    with pytest.raises(ValueError, match=match_text):
        widgets.matcher(*toy, **kwargs)


def test_mismatched_inputs_are_named(toy):
    images, ids, emb = toy
    with pytest.raises(ValueError, match="images, ids, embeddings"):
        widgets.searcher(images[:3], ids, emb)
    with pytest.raises(ValueError, match="gallery_size"):
        widgets.searcher(images, ids, emb, gallery_size=9)
    with pytest.raises(ValueError, match="alt"):
        widgets.figure_html(None, alt="fig.png")


def test_the_live_view_carries_the_key_guard(toy):
    # JupyterLab would read a dropdown's or a slider's keys as notebook shortcuts ("r" made
    # the cell Raw): each live control is shown beside a hidden Output whose script stops
    # that (static/widget-keys.js; tests/test_jupyterlab.py checks it in a real JupyterLab).
    shown = widgets.matcher(*toy, threshold=80)
    bundle = shown._repr_mimebundle_()
    live = shown._live()
    assert shown._live() is live                                   # made once
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == live.model_id
    control, guard = live.children
    assert control is shown.widget
    assert guard.layout.display == "none"
    (output,) = guard.outputs
    script = output["data"]["text/html"]
    assert script == widgets._key_guard_script()
    assert script.startswith("<script>") and "guardWidgetKeys(document);" in script
    assert "data-lm-suppress-shortcuts" in script


def test_the_key_guard_script_parses(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: cannot parse the inlined JavaScript")
    (body,) = re.findall(r"<script>(.*?)</script>", widgets._key_guard_script(), re.S)
    path = tmp_path / "guard.js"
    path.write_text(body, encoding="utf-8")
    proc = subprocess.run([node, "--check", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
