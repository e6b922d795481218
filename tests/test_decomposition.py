"""Chapter 4's decomposition (facelab.experiments.composition.decompose) and the claims its
prose makes.

The unit tests run a tiny decomposition; the claims tests run the chapter's
own (five seeds, 1,200 test people per group, about two minutes) and are
marked ``slow`` (``make check`` leaves them out, ``make test`` runs them).
"""

from __future__ import annotations

import numpy as np
import pytest

from facelab.experiments import composition
from facelab.experiments.composition.measure import _recentre
from facelab.faces import synth


def test_recentring_moves_the_origin():
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(40, 3)).astype(np.float32) + np.float32(5)
    group = np.array(["A"] * 30 + ["B"] * 10)
    assert _recentre(emb, group, "training") is emb
    dep = _recentre(emb, group, "deployment")
    assert dep.dtype == np.float32 and np.allclose(dep.mean(axis=0), 0, atol=1e-5)
    per = _recentre(emb, group, "group")
    for g in "AB":
        assert np.allclose(per[group == g].mean(axis=0), 0, atol=1e-5)


def test_one_way_worlds_keep_one_difference_each():
    default, offset, spread = (synth.default_groups(), synth.offset_only_groups(),
                               synth.spread_only_groups())
    assert np.array_equal(offset["B"].mean, default["B"].mean)
    assert np.array_equal(offset["A"].std, offset["B"].std)
    assert np.array_equal(spread["B"].std, default["B"].std)
    assert np.array_equal(spread["A"].mean, spread["B"].mean)


def test_tiny_decomposition_has_every_arm_and_target():
    arms = [a for a in composition.ARMS if a[1] in ("default", "control")]
    d = composition.decompose(seeds=(0,), n_test_per_group=200, n_boot=50, arms=arms,
                              targets=(0.01, 0.05))
    assert set(d.arms) == {a[0] for a in arms}
    for t in (0.01, 0.05):
        rows = d.table(t)
        assert len(rows) == len(arms)
        assert all(len(r["seed_ratios"]) == 1 for r in rows)
    # re-centring puts both groups' impostor means together (within a point)
    m = d["re-centred"].impostor_mean
    assert abs(m["A"] - m["B"]) < 1.0
    assert np.isfinite(d.share_removed("re-centred", 0.01))


@pytest.mark.parametrize("kwargs, message", [
    ({"seeds": ()}, "^seeds:"), ({"targets": ()}, "^targets:"),
    ({"targets": (2,)}, "^targets:"), ({"n_test_per_group": 1}, "^n_test_per_group:"),
    ({"share_b": 1.5}, "^share_b:"), ({"arms": [("x", "moon", "training")]}, "^arms:"),
])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises((TypeError, ValueError), match=message):
        composition.decompose(**kwargs)


def test_centring_is_checked():
    model = composition.train_on_composition(0.5, n_train=20, photos=2, seed=0)
    with pytest.raises(ValueError, match="^centring:"):
        composition.evaluate_by_group(model, n_test_per_group=10, centring="middle")


# --------------------------------------------------------------------------
# Claims of chapter 4's section "Where the gap comes from"
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def chapter4():
    return composition.decompose(share_b=0.1, seeds=range(5))


@pytest.mark.slow
@pytest.mark.parametrize("t", [0.001, 0.01])
def test_as_built_gap_is_real_and_recentring_removes_only_part_of_it(chapter4, t):
    built = chapter4["as built"].ratio(t)
    assert built.low > 2
    share = chapter4.share_removed("re-centred", t)
    assert 0.1 < share < 0.6          # "a part of the gap", not all of it
    assert chapter4["re-centred"].ratio(t).low > 1.5


@pytest.mark.slow
def test_offset_alone_makes_little_gap_and_recentring_removes_it(chapter4):
    assert chapter4["offset only"].ratio(0.001).estimate < 2
    assert chapter4["offset only, re-centred"].ratio(0.001).estimate < 1.1


@pytest.mark.slow
@pytest.mark.parametrize("t", [0.001, 0.01])
def test_spread_alone_carries_a_gap_that_recentring_barely_touches(chapter4, t):
    spread, rc = chapter4["spread only"].ratio(t), chapter4["spread only, re-centred"].ratio(t)
    assert rc.low > 2
    assert rc.estimate > 0.8 * spread.estimate
    assert chapter4["per-group centring"].ratio(0.001).low > 2


@pytest.mark.slow
@pytest.mark.parametrize("t", [0.001, 0.01])
def test_control_interval_contains_one(chapter4, t):
    r = chapter4["control"].ratio(t)
    assert r.low < 1 < r.high


@pytest.mark.slow
def test_seed_spread_is_wide(chapter4):
    seeds = chapter4["as built"].seed_ratios(0.001)
    assert max(seeds) / min(seeds) > 3
