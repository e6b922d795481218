"""The two-group explorer: Python reference numbers, the grid encoding, refusals, the page.

:func:`facelab.views.explorers.groups_numbers` must count each group's FMR and
FNMR from the quantised scores; ``static/groups.js`` ports the readout, and
``tests/js/groups-cases.json`` (written by ``tests/js/explorer_cases.py``)
holds the cases both sides check (``node --test tests/js/``).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest

from facelab.views.explorers import (
    GroupsExplorer,
    groups_explorer,
    groups_explorer_from_experiment,
    groups_numbers,
)
from facelab.views.explorers.groups import _Counted, _equal_fmr_b, _grid_encode, _times

from .site import CHROMIUM, FLAGS

ROOT = Path(__file__).resolve().parent.parent
JS_TESTS = ROOT / "tests" / "js"
NODE = shutil.which("node")
SHOWN = ["threshold_a", "fmr_a", "fmr_count_a", "fnmr_a", "fnmr_count_a", "threshold_b", "fmr_b",
         "fmr_count_b", "fnmr_b", "fnmr_count_b", "fmr_ratio", "mix", "arm"]


def _set(rng, n_gen, n_imp, gen_mean, imp_mean):
    gen = np.clip(rng.normal(gen_mean, 6, n_gen), 0, 100)
    imp = np.clip(rng.normal(imp_mean, 10, n_imp), 0, 100)
    imp[:n_imp // 2] = np.round(imp[:n_imp // 2], 2)      # many scores on the 0.01 grid
    return gen, imp


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(4)
    out = {}
    for share, shift in ((0.1, 3.0), (0.5, 0.0), (0.9, -2.0)):
        out[share] = {arm: {"A": _set(rng, 400, 20_000, 82, 52),
                            "B": _set(rng, 300, 15_000, 80, 52 + shift * (1 if arm == "training"
                                                                       else 0.5))}
                      for arm in ("training", "deployment")}
    return out


def counts(scores, tq):
    q = np.rint(np.asarray(scores) * 100)
    return int(np.count_nonzero(q >= tq)), int(np.count_nonzero(q < tq))


# --------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------

@pytest.mark.parametrize("share, arm, threshold", [
    (0.1, "training", 80.0), (0.1, "deployment", 75.55), (0.5, "training", {"A": 70, "B": 85.5}),
    (0.9, "deployment", {"A": 90.0, "B": 60.0}), (0.1, "training", 0.0),
])
def test_each_groups_rates_are_counted_from_the_quantised_scores(data, share, arm, threshold):
    got = groups_numbers(data, share, arm, threshold)
    t = threshold if isinstance(threshold, dict) else {"A": threshold, "B": threshold}
    k = {}
    for g in "AB":
        gen, imp = data[share][arm][g]
        tq = round(t[g] * 100)
        k_imp, _ = counts(imp, tq)
        _, k_gen = counts(gen, tq)
        k[g] = (k_imp, imp.size)
        s = g.lower()
        assert got[f"threshold_{s}"] == f"{t[g]:.2f}"
        assert got[f"impostor_at_or_above_{s}"] == k_imp and got[f"genuine_below_{s}"] == k_gen
        assert got[f"fmr_count_{s}"] == f"{k_imp:,} of {imp.size:,} pairs"
        assert got[f"fnmr_count_{s}"] == f"{k_gen:,} of {gen.size:,} pairs"
    (ka, na), (kb, nb) = k["A"], k["B"]
    assert got["fmr_ratio_value"] == pytest.approx(float(Fraction(kb, nb) / Fraction(ka, na)),
                                                   rel=1e-15)
    assert got["mode"] == ("one threshold per group" if isinstance(threshold, dict)
                           else "one threshold for everyone")
    assert got["mix"] == f"{share * 100:g}% B, {100 - share * 100:g}% A"


def test_a_mix_where_b_is_rare_gives_b_more_false_matches(data):
    # The fixture's B impostors at 10% B sit 3 points higher: its FMR is several times A's.
    got = groups_numbers(data, 0.1, "training", 80.0)
    assert got["fmr_ratio_value"] > 2 and got["fmr_ratio"].endswith("×")


@pytest.mark.parametrize("x, text", [(1.0, "1.00×"), (3.4149, "3.41×"), (0.004999, "0.00500×"),
                                     (123.45, "123.45×"), (1e-9, "<0.000001×"), (0.995, "1.00×"),
                                     (0.994, "0.994×")])
def test_ratios_keep_three_significant_digits(x, text):
    assert _times(x) == text


def test_the_ratio_says_when_a_has_no_false_match(data):
    nums = groups_numbers(data, 0.5, "training", {"A": 100, "B": 60})
    assert nums["fmr_ratio"] == "no false match in A" and nums["fmr_ratio_value"] is None
    assert groups_numbers(data, 0.5, "training", 100)["fmr_ratio"] == "none in either group"
    assert groups_numbers(data, 0.5, "training", {"A": 60, "B": 100})["fmr_ratio"] == "0.00×"


@pytest.mark.parametrize("lo, hi, step", [(0, 10000, 5), (0, 10000, 1), (5003, 9990, 7),
                                          (6000, 9000, 10)])
def test_the_grid_encoding_counts_like_the_scores_at_every_slider_position(data, lo, hi, step):
    c = _Counted(data[0.1]["training"]["B"][1], "impostor")
    enc = _grid_encode(c, lo, hi, step)
    vals = np.cumsum(enc["v"])
    cum = np.concatenate([[0], np.cumsum(enc["c"])])
    grid = np.arange(lo, hi + 1, step)
    page = cum[np.searchsorted(vals, grid, side="left")]
    q = np.sort(np.rint(data[0.1]["training"]["B"][1] * 100))
    assert np.array_equal(page, np.searchsorted(q, grid, side="left"))
    assert cum[-1] == c.n and len(enc["v"]) <= grid.size + 1


def test_equal_fmr_picks_the_nearest_grid_threshold(data):
    a = tuple(_Counted(x, "s") for x in data[0.1]["training"]["A"])
    b = tuple(_Counted(x, "s") for x in data[0.1]["training"]["B"])
    tb = _equal_fmr_b(a, b, 8000, 0, 10000, 5)
    fa = Fraction(a[1].n - a[1].below(8000), a[1].n)
    gaps = {g: abs(Fraction(b[1].n - b[1].below(g), b[1].n) - fa) for g in range(0, 10001, 5)}
    best = min(gaps.values())
    assert tb == max(g for g, v in gaps.items() if v == best) and tb > 8000


# --------------------------------------------------------------------------
# Refusals, by name
# --------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, name", [
    (dict(share_b=0.3), "share_b"), (dict(share_b="0.1"), "share_b"), (dict(share_b=2), "share_b"),
    (dict(arm="group"), "arm"), (dict(arm=None), "arm"),
    (dict(threshold=200), "threshold"), (dict(threshold="80"), "threshold"),
    (dict(threshold=np.nan), "threshold"), (dict(threshold=True), "threshold"),
    (dict(threshold={"A": 80}), "threshold"),
    (dict(threshold={"A": 80, "B": -1}), "threshold['B']"),
])
def test_groups_numbers_refuses_each_bad_setting_by_name(data, kwargs, name):
    args = dict(dict(share_b=0.1, arm="training", threshold=80.0), **kwargs)
    with pytest.raises(ValueError, match=f"^{re.escape(name)}: "):
        groups_numbers(data, **args)


def _bad_data(data):
    one = data[0.1]["training"]
    yield None
    yield {}
    yield {1.5: {"training": one}}
    yield {0.1: {"centre": one}}
    yield {0.1: {"training": one}, 0.5: {"deployment": one}}
    yield {0.1: {"training": {"A": one["A"]}}}
    yield {0.1: {"training": {"A": one["A"], "B": [50.0, 60.0, 70.0]}}}
    yield {0.1: {"training": {"A": one["A"], "B": (one["B"][0], [50.0, np.nan])}}}
    yield {0.1: {"training": {"A": one["A"], "B": (one["B"][0], [50.0, 200.0])}}}
    yield {0.1: {"training": {"A": one["A"], "B": (one["B"][0], [])}}}


def test_bad_data_is_refused_by_name(data):
    for bad in _bad_data(data):
        with pytest.raises(ValueError, match=r"^data(\[|: )"):
            groups_numbers(bad, 0.1)
        with pytest.raises(ValueError, match=r"^data(\[|: )"):
            groups_explorer(bad)


@pytest.mark.parametrize("kwargs, name", [
    (dict(share_b=0.3), "share_b"), (dict(arm="centre"), "arm"),
    (dict(threshold=101), "threshold"), (dict(threshold="88"), "threshold"),
    (dict(per_group=1), "per_group"), (dict(thresholds_by_group=80), "thresholds_by_group"),
    (dict(thresholds_by_group={"A": 80}), "threshold"),
    (dict(x_range=(0, 90), thresholds_by_group={"A": 80, "B": 95}), "thresholds_by_group['B']"),
    (dict(x_range=(50, 40)), "x_range"), (dict(x_range=(60, 100), threshold=50), "threshold"),
    (dict(step=0.015), "step"), (dict(id="1 bad"), "id"), (dict(title=5), "title"),
])
def test_groups_explorer_refuses_bad_arguments_by_name(data, kwargs, name):
    with pytest.raises(ValueError, match=f"^{re.escape(name)}: "):
        groups_explorer(data, **kwargs)


@pytest.mark.parametrize("kwargs, name", [
    (dict(shares=[]), "shares"), (dict(shares="0.1"), "shares"),
    (dict(shares=[0.1, 0.1]), "shares"),
    (dict(shares=[0.1, 1.5]), "shares"), (dict(seed=-1), "seed"), (dict(seed=1.5), "seed"),
    (dict(n_test_per_group=1), "n_test_per_group"),
    (dict(n_test_per_group=True), "n_test_per_group"),
    (dict(arms=["group"]), "arms"), (dict(arms="training"), "arms"), (dict(cache={}), "cache"),
    (dict(share_b=0.3), "share_b"),
])
def test_the_builder_refuses_bad_arguments_before_training(monkeypatch, kwargs, name):
    from facelab.experiments import composition

    def no(*a, **k):
        raise AssertionError("trained before checking its arguments")

    monkeypatch.setattr(composition, "train_on_composition", no)
    with pytest.raises(ValueError, match=f"^{re.escape(name)}: "):
        groups_explorer_from_experiment(**kwargs)


def test_the_builder_runs_the_experiment_and_starts_at_its_threshold(monkeypatch, data):
    from facelab.experiments import composition

    calls = []

    class FakeEvaluation:
        def __init__(self, share, centring):
            self._sets = data[share][centring]
            self.threshold = 80.0137 if centring == "training" else 79.0

        def genuine(self, g):
            return self._sets[g][0]

        def impostor(self, g):
            return self._sets[g][1]

    monkeypatch.setattr(composition, "train_on_composition",
                        lambda share, seed: calls.append(("train", share, seed)) or share)
    monkeypatch.setattr(composition, "evaluate_by_group",
                        lambda model, n_test_per_group, seed, centring:
                        calls.append(("evaluate", model, n_test_per_group, centring))
                        or FakeEvaluation(model, centring))
    ex = groups_explorer_from_experiment((0.5, 0.1, 0.9), seed=3, n_test_per_group=50, id="built")
    assert [c for c in calls if c[0] == "train"] == [("train", s, 3) for s in (0.1, 0.5, 0.9)]
    assert ("evaluate", 0.1, 50, "deployment") in calls
    assert ex.mixes == [0.1, 0.5, 0.9] and ex.arms == ["training", "deployment"]
    assert ex.numbers()["threshold_a"] == "80.00" and ex.numbers()["mix"] == "10% B, 90% A"
    assert ex.numbers() == groups_numbers(data, 0.1, "training", 80.0)


# --------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------

def test_output_is_one_self_contained_accessible_block(data):
    ex = groups_explorer(data, share_b=0.5, threshold=80, id="grp")
    assert isinstance(ex, GroupsExplorer) and ex.id == "grp"
    bundle = ex._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"} and bundle["text/html"] == ex._repr_html_()
    page = ex.html
    assert page.count("<script") == 1 and page.count("<style") == 1
    for pattern in (r"[a-z][a-z0-9+.-]*://", r"\b(src|href|xlink:href|action|srcset|data)\s*=",
                    r"@import", r"url\(\s*(?!#)", r"\b(fetch|XMLHttpRequest|WebSocket)\b"):
        assert not re.search(pattern, page, re.I), pattern
    # Every control is labelled, disabled until the script runs, and keeps its keys.
    controls = re.findall(r"<(?:input|select|button)\b[^>]*>", page)
    assert len(controls) == 1 + 2 + 2 + 6 + 1
    for tag in controls:
        assert 'data-lm-suppress-shortcuts="true"' in tag and "disabled" in tag, tag
        if 'type="radio"' in tag or tag.startswith("<button"):
            continue
        cid = re.search(r'id="([^"]+)"', tag).group(1)
        assert re.search(f'<label (class="fv-sr" )?for="{cid}"', page), tag
    assert page.count('class="fv-radio"><input type="radio"') == 4
    # Without JavaScript: the note, the starting numbers, one threshold shown.
    nums = ex.numbers()
    assert 'class="fv-nojs"' in page and "threshold 80.00" in page
    for key in SHOWN:
        assert f'data-key="{key}">{nums[key]}</span>' in page, key
    assert '<div class="fv-one">' in page and '<div class="fv-per" hidden>' in page
    # The chart: a panel per group, each with its threshold line at the start.
    assert page.count('<svg class="fv-chart"') == 1 and "<title id=\"grp-svgt\">" in page
    assert page.count('class="fv-tline-a') == 1 and page.count('class="fv-tline-b') == 1
    assert ">threshold 80.00</text>" in page
    assert "<" not in bundle["text/plain"] and nums["fmr_ratio"] in bundle["text/plain"]


def test_it_can_start_with_a_threshold_per_group(data):
    ex = groups_explorer(data, per_group=True, thresholds_by_group={"A": 80.02, "B": 85.03})
    # Snapped to the 0.05 grid, ties to even: 80.00 and 85.05.
    assert ex.numbers() == groups_numbers(data, 0.1, "training", {"A": 80.0, "B": 85.05})
    assert '<div class="fv-one" hidden>' in ex.html and '<div class="fv-per">' in ex.html
    assert ex.equal_fmr_threshold() == ex.equal_fmr_threshold(0.1, "training", 80.0)


def test_the_book_site_tests_would_find_it(data):
    page = groups_explorer(data).html
    assert re.match(r'<div class="fv-explorer fv-groups-explorer', page)
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    assert "start(C, mountGroups);" in script and 'kind: "groups"' in script
    css = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    assert ".fv-explorer" not in css and "fieldset.fv-radios" in css   # groups.css, scoped


def test_ids_are_stable_and_unique(data):
    a, b = groups_explorer(data), groups_explorer(data)
    c = groups_explorer(data, threshold=90)
    assert len({a.id, b.id, c.id}) == 3 and a.id.startswith("fv-grp-")


def test_the_chapter_sized_output_stays_under_400_kb():
    # Six mixes, two arms, two groups of 1,437,600 impostor and 1,200 genuine pairs,
    # as groups_explorer_from_experiment(n_test_per_group=1200) gives.
    rng = np.random.default_rng(8)
    imp = np.clip(rng.normal(50, 12, 1_437_600), 0, 100)
    gen = np.clip(rng.normal(79, 8, 1200), 0, 100)
    data = {s: {arm: {g: (gen + d, np.clip(imp + d, 0, 100)) for g, d in (("A", 0), ("B", 0.7))}
                for arm in ("training", "deployment")}
            for s in (0.05, 0.1, 0.25, 0.5, 0.75, 0.9)}
    gen_clipped = {s: {a: {g: (np.clip(p[0], 0, 100), p[1]) for g, p in v.items()}
                       for a, v in by.items()} for s, by in data.items()}
    size = len(groups_explorer(gen_clipped, threshold=88.3).html.encode())
    assert size < 400_000, size


def test_the_inlined_script_parses(data, tmp_path):
    if NODE is None:
        pytest.skip("node is not installed")
    (script,) = re.findall(r"<script>(.*?)</script>", groups_explorer(data).html, re.S)
    path = tmp_path / "groups.js"
    path.write_text(script, encoding="utf-8")
    proc = subprocess.run([NODE, "--check", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


# --------------------------------------------------------------------------
# The shared cases
# --------------------------------------------------------------------------

def cases_module():
    spec = importlib.util.spec_from_file_location("explorer_cases", JS_TESTS / "explorer_cases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cases_file_is_current():
    module = cases_module()
    assert (JS_TESTS / "groups-cases.json").read_text(encoding="utf-8") == \
        module.dumps(module.build_groups_cases()), \
        "run: .venv/bin/python tests/js/explorer_cases.py"


def test_groups_numbers_give_the_cases_readouts():
    module = cases_module()
    data = module.groups_data()
    cases = json.loads((JS_TESTS / "groups-cases.json").read_text(encoding="utf-8"))
    for v in cases["variants"][:2]:
        for ta, tb, want in v["readouts"][::7]:
            got = groups_numbers(data, v["share"], v["arm"], {"A": ta / 100, "B": tb / 100})
            assert {k: got[k] for k in want} == want, (v["grid"], ta, tb)


def test_javascript_unit_tests_pass():
    if NODE is None:
        pytest.skip("node is not installed: run `node --test tests/js/` where it is")
    proc = subprocess.run([NODE, "--test", str(JS_TESTS / "groups.test.mjs")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


# --------------------------------------------------------------------------
# Browser (one page, a few seconds)
# --------------------------------------------------------------------------



@pytest.mark.browser
def test_the_page_agrees_with_python_after_every_move(data, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    from .site import serve

    ex = groups_explorer(data, threshold=80.0, id="grp")
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Groups</title>'
        f'<link rel="icon" href="data:,"></head><body><main>{ex.html}</main></body></html>',
        encoding="utf-8")
    with serve(tmp_path) as url, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page()
        requests, console = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: console.append((m.type, m.text)))
        page.on("pageerror", lambda e: console.append(("pageerror", str(e))))
        page.goto(url + "/index.html", wait_until="load")

        def check():
            share = ex.mixes[int(page.input_value("#grp-mix"))]
            arm = ex.arms[[page.is_checked(f"#grp .fv-arm-{i}") for i in (0, 1)].index(True)]
            if page.is_checked("#grp .fv-mode-1"):
                t = {"A": float(page.input_value("#grp-ta")),
                     "B": float(page.input_value("#grp-tb"))}
            else:
                t = float(page.input_value("#grp-t"))
            want = ex.numbers(share, arm, t)
            got = page.evaluate("window.FaceValueExplorers.grp.read()")
            assert got == {"threshold": page.input_value("#grp-tn"),
                           **{k: want[k] for k in SHOWN}}, (share, arm, t)
            assert page.is_visible("#grp-ta") == isinstance(t, dict)
            return want

        assert page.get_attribute("#grp", "data-fv-ready") == "1"
        # The page redraws the histograms with the paths Python drew.
        for cls in ("fv-pg-a", "fv-pi-b"):
            drawn = re.search(f'class="[^"]*{cls}" d="([^"]+)"', ex.html).group(1)
            assert page.get_attribute(f"#grp .{cls}", "d") == drawn, cls
        assert not page.locator("#grp .fv-nojs").is_visible()
        assert check()["threshold_a"] == "80.00"
        page.focus("#grp-t")
        for key in ["ArrowRight", "ArrowRight", "PageUp", "ArrowLeft"]:
            page.keyboard.press(key)
            check()
        kept = page.input_value("#grp-t")
        page.focus("#grp-mix")
        page.keyboard.press("ArrowDown")             # keyboard on a select
        assert check()["mix"] == "50% B, 50% A"
        page.focus("#grp .fv-arm-0")
        page.keyboard.press("ArrowRight")            # keyboard on a radio group
        assert check()["arm"] == "re-centred on the people it meets"
        assert page.input_value("#grp-t") == kept    # the threshold stayed
        page.focus("#grp .fv-mode-0")
        page.keyboard.press("ArrowRight")            # one threshold per group
        check()
        page.focus("#grp-tb")
        for key in ["End", "Home", "PageDown", "ArrowRight"]:
            page.keyboard.press(key)
            check()
        page.fill("#grp-tan", "82.5")
        page.press("#grp-tan", "Enter")
        check()
        page.focus("#grp-eq")
        page.keyboard.press("Enter")
        want = check()
        assert want["threshold_b"] == f"{ex.equal_fmr_threshold(0.5, 'deployment', 82.5):.2f}"
        page.focus("#grp-mix")
        page.keyboard.press("ArrowDown")
        assert check()["threshold_b"] == want["threshold_b"]   # kept across the mix
        page.focus("#grp .fv-mode-1")
        page.keyboard.press("ArrowLeft")             # back to one threshold: still kept
        assert check()["threshold_a"] == kept
        browser.close()
    host = urlparse(url).netloc
    assert not [u for u in requests if urlparse(u).netloc != host]
    assert not [(k, t) for k, t in console if k in ("error", "pageerror", "warning")]
