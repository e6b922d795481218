"""The live explorers: Python reference numbers, and the page doing the same arithmetic.

The pure-Python tests check that :func:`facelab.views.explorers.explorer_numbers`
and :func:`~facelab.views.explorers.watchlist_numbers` say what a direct numpy
computation says, and that bad arguments are refused by name. The shared cases
(``tests/js/explorer-cases.json``, written by ``tests/js/explorer_cases.py``)
hold the exact strings and integers both the Python twins and ``static/core.js``
must give; ``node --test tests/js/`` checks the JavaScript side. The browser
tests open both explorers in headless Chromium from a local server, move the
sliders by keyboard and by setting their value, and check after every move
that the text on the page equals the Python reference at the slider's value;
they also check the colour modes and the keys a notebook would take.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest

from facelab.views import explorers
from facelab.views.explorers import _common as fx
from facelab.views.explorers import (
    _html,
    explorer_numbers,
    gallery_max_scores,
    quantise_scores,
    threshold_explorer,
    watchlist_explorer,
    watchlist_numbers,
)

from .site import CHROMIUM, FLAGS

ROOT = Path(__file__).resolve().parent.parent
JS_TESTS = ROOT / "tests" / "js"
NODE = shutil.which("node")

TEXT_KEYS = ["threshold", "fmr", "fmr_one_in", "fmr_count", "fnmr", "fnmr_count"]
WATCH_KEYS = ["threshold", "gallery_size", "sim_count", "sim_share",
              "fmr", "fmr_one_in", "p_any", "expected", "fnmr", "fnmr_count"]


# --------------------------------------------------------------------------
# Small deterministic data
# --------------------------------------------------------------------------

def scores(n, mean, sd, seed):
    rng = np.random.default_rng(seed)
    s = np.clip(rng.normal(mean, sd, n), 0, 100)
    # Half on the 0.01 grid, plus values right at and beside 80 (ties at a threshold).
    s[: n // 2] = np.round(s[: n // 2], 2)
    s[-4:] = [80.0, 80.0, 79.99, 80.01]
    return s


@pytest.fixture(scope="module")
def pairs():
    return scores(300, 82, 7, seed=1), scores(3000, 52, 10, seed=2)


@pytest.fixture(scope="module")
def watch_data():
    rng = np.random.default_rng(3)
    matrix = np.clip(rng.normal(55, 9, (40, 400)), 0, 100)  # 40 probes x 400 non-mated people
    sizes = [1, 10, 100, 400]
    return {
        "max": gallery_max_scores(matrix, sizes),
        "sizes": sizes,
        "impostor": matrix.ravel(),
        "genuine": scores(200, 84, 6, seed=4),
    }


# --------------------------------------------------------------------------
# Pure Python: reference numbers
# --------------------------------------------------------------------------

def pct_value(text):
    return float(text.rstrip("%").replace(",", ""))


def test_reference_matches_direct_numpy_on_the_slider_grid(pairs):
    gen, imp = pairs
    ex = threshold_explorer(gen, imp)
    # The page counts the scores rounded to 0.01: so must the direct computation.
    gen2, imp2 = np.round(gen, 2), np.round(imp, 2)
    grid = ex.slider_grid
    assert grid[0] == 0 and grid[-1] == 100 and len(grid) == 10001
    for t in grid[::7].tolist() + [80.0, 79.99, 80.01, 100.0]:
        got = ex.numbers(t)
        assert got == explorer_numbers(gen, imp, t)
        assert got["impostor_at_or_above"] == np.sum(imp2 >= t)
        assert got["genuine_below"] == np.sum(gen2 < t)
        fmr, fnmr = np.mean(imp2 >= t), np.mean(gen2 < t)
        # The percentages are the rates, rounded half up at their last shown decimal.
        for text, rate in ((got["fmr"], fmr), (got["fnmr"], fnmr)):
            decimals = len(text.rstrip("%").split(".")[1])
            assert abs(pct_value(text) - 100 * rate) <= 0.5 * 10 ** -decimals + 1e-12, (t, text)
        assert got["threshold"] == f"{t:.2f}"


def test_scores_already_on_the_grid_are_counted_exactly():
    rng = np.random.default_rng(5)
    gen = rng.integers(6000, 10001, 500) / 100
    imp = rng.integers(0, 9000, 5000) / 100
    for t in (0.0, 45.5, 80.0, 85.37, 99.99, 100.0):
        got = explorer_numbers(gen, imp, t)
        assert got["impostor_at_or_above"] / imp.size == np.mean(imp >= t)
        assert got["genuine_below"] / gen.size == np.mean(gen < t)


def test_match_means_at_or_above_the_threshold():
    got = explorer_numbers([80.0, 90.0], [79.99, 80.0, 80.0, 50.0], 80)
    assert got["fmr_count"] == "2 of 4" and got["fmr"] == "50.00%"
    assert got["fnmr_count"] == "0 of 2" and got["fnmr"] == "0.00%"


@pytest.mark.parametrize("k,n,text", [
    (1, 3, "33.33%"), (2, 3, "66.67%"), (1, 8, "12.50%"), (1, 16, "6.25%"),
    (1, 1600, "0.0625%"), (1, 300_000, "0.000333%"), (0, 10, "0.00%"), (7, 7, "100.00%"),
    (1, 2000, "0.0500%"), (5, 1000, "0.500%"), (1, 10**8, "0.000001%"),
])
def test_percentages_round_half_up_with_three_significant_digits(k, n, text):
    assert fx._pct_ratio(k, n) == text


def test_one_in_and_grouping():
    assert fx._one_in(123, 100_000) == "about 1 in 813"
    assert fx._one_in(0, 300_000) == "none of 300,000"
    assert fx._one_in(2, 3) == "about 1 in 2"   # 1.5 rounds half up
    assert fx._fixed(1234567, 1) == "123,456.7"


def test_watchlist_reference_matches_direct_numpy(watch_data):
    d = watch_data
    imp2 = np.round(d["impostor"], 2)
    for n in d["sizes"]:
        mx2 = np.round(d["max"][n], 2)
        for t in (50.0, 70.0, 80.0, 85.55, 95.0):
            got = watchlist_numbers(d["max"], n, t, impostor=d["impostor"],
                                    fmr_genuine_pairs=d["genuine"])
            assert got["sim_at_or_above"] == np.sum(mx2 >= t)
            fmr = np.mean(imp2 >= t)
            p = 1 - (1 - fmr) ** n
            assert math.isclose(got["p_any_value"], p, rel_tol=1e-9, abs_tol=1e-15)
            assert math.isclose(got["expected_value"], 40 * p, rel_tol=1e-9, abs_tol=1e-12)
            assert got["expected"] == f"{math.floor(40 * got['p_any_value'] * 10 + 0.5) / 10:,.1f}"
            assert got["genuine_below"] == np.sum(np.round(d["genuine"], 2) < t)
            assert got["gallery_size"] == f"{n:,}"


def test_watchlist_formula_is_stable_for_tiny_rates():
    # 1 - (1 - 1e-12)**N loses digits; -expm1(N*log1p(-FMR)) does not.
    assert math.isclose(fx._p_any(1e-12, 25_000), 2.5e-8, rel_tol=1e-6)
    assert fx._p_any(0.0, 10) == 0 and fx._p_any(1.0, 10) == 1


def test_watchlist_n_probes_scales_the_expected_count(watch_data):
    d = watch_data
    a = watchlist_numbers(d["max"], 400, 80, impostor=d["impostor"])
    b = watchlist_numbers(d["max"], 400, 80, impostor=d["impostor"], n_probes=535)
    assert b["n_probes"] == "535" and b["sim_count"] == a["sim_count"]
    assert math.isclose(b["expected_value"], 535 * a["p_any_value"])


def test_gallery_max_scores_are_prefix_maxima():
    rng = np.random.default_rng(6)
    s = rng.uniform(0, 100, (5, 30))
    got = gallery_max_scores(s, [1, 7, 30])
    for n in (1, 7, 30):
        np.testing.assert_array_equal(got[n], s[:, :n].max(axis=1))


def test_quantisation_is_to_hundredths():
    np.testing.assert_array_equal(quantise_scores([0, 12.344, 12.346, 100, 100 + 1e-9]),
                                  [0, 1234, 1235, 10000, 10000])


# --------------------------------------------------------------------------
# Pure Python: validation
# --------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs,name", [
    (dict(genuine=[], impostor=[1.0]), "genuine"),
    (dict(genuine=[1.0], impostor=[]), "impostor"),
    (dict(genuine=[1.0, np.nan], impostor=[1.0]), "genuine"),
    (dict(genuine=[1.0], impostor=[np.inf]), "impostor"),
    (dict(genuine=[1.0], impostor=[101.0]), "impostor"),
    (dict(genuine=[-0.5], impostor=[1.0]), "genuine"),
    (dict(genuine=[[1.0]], impostor=[1.0]), "genuine"),
    (dict(genuine=["a"], impostor=[1.0]), "genuine"),
    (dict(genuine=[1.0], impostor=[1.0], threshold=100.5), "threshold"),
    (dict(genuine=[1.0], impostor=[1.0], threshold=-1), "threshold"),
    (dict(genuine=[1.0], impostor=[1.0], threshold=float("nan")), "threshold"),
    (dict(genuine=[1.0], impostor=[1.0], threshold="80"), "threshold"),
    (dict(genuine=[1.0], impostor=[1.0], bins=0), "bins"),
    (dict(genuine=[1.0], impostor=[1.0], x_range=(50, 40)), "x_range"),
    (dict(genuine=[1.0], impostor=[1.0], x_range=(40, 60), threshold=80), "threshold"),
    (dict(genuine=[1.0], impostor=[1.0], step=0.015), "step"),
    (dict(genuine=[1.0], impostor=[1.0], id="1bad id"), "id"),
])
def test_threshold_explorer_refuses_bad_arguments_by_name(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{re.escape(name)}:"):
        threshold_explorer(**kwargs)


def test_explorer_numbers_refuses_bad_arguments_by_name():
    with pytest.raises(ValueError, match="^threshold:"):
        explorer_numbers([50.0], [50.0], 120)
    with pytest.raises(ValueError, match="^impostor:"):
        explorer_numbers([50.0], [np.nan], 50)


def test_watchlist_refuses_bad_arguments_by_name(watch_data):
    d = watch_data
    with pytest.raises(ValueError, match="^gallery_sizes:"):
        watchlist_explorer(d["max"], [1, 10, 100])            # 400 missing
    with pytest.raises(ValueError, match="^gallery_sizes:"):
        watchlist_explorer(d["max"], [1, 10, 100, 400, 500])  # 500 has no array
    uneven = dict(d["max"])
    uneven[400] = uneven[400][:-1]
    with pytest.raises(ValueError, match="^max_impostor_scores:"):
        watchlist_explorer(uneven, d["sizes"])
    with pytest.raises(ValueError, match="^max_impostor_scores:"):
        watchlist_explorer({}, [])
    bad = dict(d["max"])
    bad[10] = np.full(40, np.nan)
    with pytest.raises(ValueError, match=r"^max_impostor_scores\[10\]:"):
        watchlist_explorer(bad, d["sizes"])
    with pytest.raises(ValueError, match="^threshold:"):
        watchlist_explorer(d["max"], d["sizes"], threshold=101)
    with pytest.raises(ValueError, match="^n_probes:"):
        watchlist_explorer(d["max"], d["sizes"], n_probes=0)
    with pytest.raises(ValueError, match="^impostor:"):
        watchlist_explorer(d["max"], d["sizes"], impostor=[])
    with pytest.raises(ValueError, match="^fmr_genuine_pairs:"):
        watchlist_explorer(d["max"], d["sizes"], [np.nan])
    with pytest.raises(ValueError, match="^gallery_size:"):
        watchlist_explorer(d["max"], d["sizes"], gallery_size=5)
    with pytest.raises(ValueError, match="^gallery_size:"):
        watchlist_numbers(d["max"], 5, 80)


# --------------------------------------------------------------------------
# Pure Python: the output itself
# --------------------------------------------------------------------------

def test_output_is_one_self_contained_html_block(pairs, watch_data):
    gen, imp = pairs
    for ex in (threshold_explorer(gen, imp),
               watchlist_explorer(watch_data["max"], watch_data["sizes"], impostor=imp)):
        bundle = ex._repr_mimebundle_()
        assert set(bundle) == {"text/html", "text/plain"}
        page = bundle["text/html"]
        assert page == ex._repr_html_()
        assert "80.00" in bundle["text/plain"] and "<" not in bundle["text/plain"]
        assert page.count("<script") == 1 and page.count("<style") == 1
        # Nothing to fetch: no src/href attributes, no URLs, no imports (url(#id) is local).
        assert not re.search(r"\b(src|href)\s*=|https?:|@import|url\((?!#)", page)
        assert f'id="{ex.id}"' in page and f"#{ex.id} " in page


def test_every_css_rule_is_scoped_to_the_explorer(pairs):
    ex = threshold_explorer(*pairs)
    css = re.search(r"<style>(.*?)</style>", ex.html, re.S).group(1)
    css = re.sub(r"@media[^{]*\{", "", css)   # the rules inside a media query count too
    for selector_group in re.findall(r"(?:^|})([^{}]+){", css):
        for selector in selector_group.split(","):
            assert selector.strip().startswith(f"#{ex.id}"), selector


def test_ids_are_unique_and_overridable(pairs):
    gen, imp = pairs
    a, b = threshold_explorer(gen, imp), threshold_explorer(gen, imp)
    c = threshold_explorer(gen, imp, threshold=70)
    assert len({a.id, b.id, c.id}) == 3
    assert threshold_explorer(gen, imp, id="chapter3-explorer").id == "chapter3-explorer"


def test_embedded_data_stay_small():
    rng = np.random.default_rng(7)
    ex = threshold_explorer(np.clip(rng.normal(85, 5, 10_000), 0, 100),
                            np.clip(rng.normal(50, 10, 100_000), 0, 100))
    assert len(ex.html.encode()) < 250_000  # ~1 MB is the ceiling; the sparse counts stay far below


def relative_luminance(hex_colour):
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a, b):
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_colours_have_enough_contrast():
    assert contrast(explorers.TEXT, explorers.BACKGROUND) >= 4.5
    assert contrast(explorers.MUTED, explorers.BACKGROUND) >= 4.5
    assert contrast(explorers.FOCUS, explorers.BACKGROUND) >= 3      # focus ring: non-text contrast
    assert contrast(explorers.GENUINE, explorers.BACKGROUND) >= 3    # outlines and bars
    assert contrast(explorers.AXIS, explorers.BACKGROUND) >= 3


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_each_colour_mode_meets_wcag_aa(mode):
    c = explorers.palettes()[mode]
    for text in ("text", "muted"):                       # 1.4.3: text 4.5:1
        assert contrast(c[text], c["bg"]) >= 4.5, (mode, text)
        assert contrast(c[text], c["selected-bg"]) >= 4.5, (mode, text, "selected row")
    assert contrast(c["text"], c["note-bg"]) >= 4.5, mode
    assert contrast(c["text"], c["input-bg"]) >= 4.5, mode
    for mark in ("genuine", "impostor", "axis", "focus", "input-border"):   # 1.4.11: 3:1
        assert contrast(c[mark], c["bg"]) >= 3, (mode, mark)
    assert contrast(c["focus"], c["input-bg"]) >= 3, mode


def test_palettes_keep_okabe_ito_and_the_dark_copies_agree():
    p = explorers.palettes()
    assert set(p) == {"light", "dark", "dark-auto"}
    assert (p["light"]["genuine"], p["light"]["impostor"]) == ("#0072b2", "#d55e00")
    assert p["dark-auto"] == p["dark"]      # the media-query copy is the same palette
    assert set(p["dark"]) == set(p["light"])
    assert p["dark"]["bg"] != p["light"]["bg"]


def test_vermillion_is_never_a_text_colour_and_svg_colours_come_from_the_palette(pairs, watch_data):
    css = _html._asset("explorer.css")
    # `color:` (text) never takes the impostor colour; fills only on shapes.
    assert not re.search(r"(?<![-\w])color\s*:\s*var\(--fv-impostor\)", css)
    gen, imp = pairs
    for ex in (threshold_explorer(gen, imp),
               watchlist_explorer(watch_data["max"], watch_data["sizes"], impostor=imp)):
        svg = "".join(re.findall(r"<svg.*?</svg>", ex.html, re.S))
        # No colour written into the SVG: every fill and stroke follows the mode.
        plain = svg.replace('fill="none"', "").replace('stroke="none"', "")
        assert not re.search(r"(fill|stroke|color)=\"(#|rgb|hsl|[a-z]+\")", plain), \
            re.findall(r'(?:fill|stroke)="[^"u]+"', svg)[:5]
        for text in re.findall(r"<text[^>]*>", svg):
            assert "fv-imp" not in text, text


# --------------------------------------------------------------------------
# The shared cases: the Python twins of static/core.js
# --------------------------------------------------------------------------

def load_cases_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("explorer_cases", JS_TESTS / "explorer_cases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def cases():
    return json.loads((JS_TESTS / "explorer-cases.json").read_text(encoding="utf-8"))


def from_case(x):
    return {"Infinity": math.inf, "-Infinity": -math.inf}.get(x, x) if isinstance(x, str) else x


def test_cases_file_is_current(cases):
    module = load_cases_module()
    assert (JS_TESTS / "explorer-cases.json").read_text(encoding="utf-8") == \
        module.dumps(module.build_cases()), "run: .venv/bin/python tests/js/explorer_cases.py"


def test_python_twins_give_the_cases(cases):
    for a, b, q in cases["idiv"]:
        assert a // b == q
    for n, text in cases["group"]:
        assert fx._group(n) == text
    for r, d, text in cases["fixed"]:
        assert fx._fixed(r, d) == text
    for k, n, text in cases["pct_ratio"]:
        assert fx._pct_ratio(k, n) == text, (k, n)
    for k, n, text in cases["one_in"]:
        assert fx._one_in(k, n) == text, (k, n)
    for p, text in cases["pct_float"]:
        assert fx._pct_float(p) == text, p
    for f, n, p, text in cases["p_any"]:
        assert fx._p_any(f, n) == p and fx._pct_float(p) == text
    arrays = cases["lower_bound"]["arrays"]
    for i, x, want in cases["lower_bound"]["cases"]:
        assert fx._count_below(np.array(arrays[i], dtype=np.int64), x) == want
    for a, b, q in cases["round_half_even"]:
        assert fx._round_half_even(a, b) == q, (a, b)
    for tq, lo, hi, step, want in cases["snap"]:
        assert fx._snap_to_grid(from_case(tq), lo, hi, step) == want, (tq, lo, hi, step)
    for c in cases["parse"]:
        got = fx._parse_threshold_text(c["text"])
        assert got == from_case(c["hundredths"]), c
        for (lo, hi, step), want in zip(cases["grids"], c["committed"], strict=True):
            assert (None if got is None else fx._snap_to_grid(got, lo, hi, step)) == want, c
    for x, want in cases["float_thresholds"]:
        assert fx._check_threshold(x) == want, x


def decoded(enc):
    """Scores (0..100 floats) from an encoded set, as the page decodes them."""
    return np.repeat(np.cumsum(enc["v"]), enc["c"]) / 100


def test_explorer_numbers_give_the_cases_readouts(cases):
    for c in cases["threshold_readouts"]:
        gen, imp = decoded(c["gen"]), decoded(c["imp"])
        readouts = c["readouts"] if c["name"] != "large" else c["readouts"][::4]
        for tq, want in readouts:
            assert explorer_numbers(gen, imp, tq / 100) == want, (c["name"], tq)


def test_watchlist_numbers_give_the_cases_readouts(cases):
    w = cases["watchlist_readouts"]
    sims = {int(n): decoded(e) for n, e in w["sims"].items()}
    for v in w["variants"]:
        for n, tq, want in v["readouts"]:
            got = watchlist_numbers(sims, n, tq / 100, n_probes=v["n_probes"],
                                    impostor=decoded(w["imp"]) if v["imp"] else None,
                                    fmr_genuine_pairs=decoded(w["gen"]) if v["gen"] else None)
            assert got == want, (n, tq, v["n_probes"])


@pytest.mark.parametrize("typed,hundredths", [
    ("87.005", 8700), ("87.015", 8702), ("0.005", 0), ("99.995", 10000), ("1e2", 10000),
    (" 80 ", 8000), ("", None), ("abc", None), ("-1", -100), ("101", 10100), ("NaN", None),
])
def test_typed_thresholds_round_half_even_on_their_digits(typed, hundredths):
    assert fx._parse_threshold_text(typed) == hundredths


@pytest.mark.parametrize("t,shown", [(87.005, "87.00"), (87.015, "87.02"), (0.005, "0.00"),
                                     (99.995, "100.00"), (87.025, "87.02"), (12.345, "12.34")])
def test_python_thresholds_follow_the_same_rule(t, shown):
    # The nearest floats to 87.005 and 12.345 are just below them, to 87.015 just above:
    # binary rounding would go three different ways; the rule reads the decimal digits.
    assert explorer_numbers([50.0], [50.0], t)["threshold"] == shown
    ex = threshold_explorer([50.0], [50.0], threshold=t)
    assert ex.numbers(t)["threshold"] == shown
    assert f'value="{shown}"' in ex.html          # the slider starts there too


def test_static_files_are_package_data_and_read_once():
    from importlib import resources

    static = resources.files("facelab.views.explorers").joinpath("static")
    names = sorted(p.name for p in static.iterdir())
    assert names == ["core.js", "explorer.css", "groups.css", "groups.js", "page.js", "review.js",
                     "threshold.js", "watchlist.js", "widget-keys.js"]
    assert _html._asset("core.js") is _html._asset("core.js")     # cached text


def scripts_of(page):
    return re.findall(r"<script>(.*?)</script>", page, re.S)


def test_the_inlined_scripts_parse(pairs, watch_data, tmp_path):
    if NODE is None:
        pytest.skip("node is not installed: cannot parse the inlined JavaScript "
                    "(Node 20 comes with the book's npm set-up)")
    gen, imp = pairs
    d = watch_data
    pages = [threshold_explorer(gen, imp).html,
             watchlist_explorer(d["max"], d["sizes"], d["genuine"], impostor=d["impostor"]).html,
             watchlist_explorer({400: d["max"][400]}, [400]).html]   # one size, no formula
    for i, page in enumerate(pages):
        (script,) = scripts_of(page)
        path = tmp_path / f"explorer-{i}.js"
        path.write_text(script, encoding="utf-8")
        proc = subprocess.run([NODE, "--check", str(path)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr


def test_javascript_unit_tests_pass():
    if NODE is None:
        pytest.skip("node is not installed: run `node --test tests/js/` where it is")
    # Every JavaScript test file (the explorers', the review and groups explorers', the face
    # matcher's), so `make test` runs what `make check` runs with `node --test tests/js/`.
    proc = subprocess.run([NODE, "--test", str(JS_TESTS) + "/"],
                          capture_output=True, text=True, timeout=300, cwd=JS_TESTS.parent.parent)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_rendered_html_names_no_other_place(pairs, watch_data):
    gen, imp = pairs
    d = watch_data
    for ex in (threshold_explorer(gen, imp),
               watchlist_explorer(d["max"], d["sizes"], d["genuine"], impostor=d["impostor"])):
        page = ex.html
        for pattern in (r"[a-z][a-z0-9+.-]*://",          # any scheme://
                        r"[\"'(=]\s*//[^/\s]",            # protocol-relative //host
                        r"\b(src|href|xlink:href|action|srcset|poster|data)\s*=",
                        r"@import", r"url\(\s*(?!#)", r"\bwww\.", r"\bimport\s*\(",
                        r"\b(fetch|XMLHttpRequest|WebSocket|EventSource|sendBeacon)\b"):
            assert not re.search(pattern, page, re.I), (pattern, re.search(pattern, page, re.I))


def test_every_input_keeps_its_keys_from_notebook_shortcuts(pairs, watch_data):
    gen, imp = pairs
    d = watch_data
    for ex in (threshold_explorer(gen, imp),
               watchlist_explorer(d["max"], d["sizes"], impostor=d["impostor"])):
        inputs = re.findall(r"<input[^>]*>", ex.html)
        assert inputs
        for tag in inputs:
            assert 'data-lm-suppress-shortcuts="true"' in tag, tag


def test_each_module_stays_small():
    here = Path(explorers.__file__).parent
    for path in list(here.glob("*.py")) + list((here / "static").iterdir()):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 800, path.name


# --------------------------------------------------------------------------
# Browser
# --------------------------------------------------------------------------



@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def explorers_page(tmp_path_factory, pairs, watch_data):
    """Both explorers on one minimal page, served from 127.0.0.1."""
    from .site import serve

    gen, imp = pairs
    d = watch_data
    ex = threshold_explorer(gen, imp, id="thr")
    wx = watchlist_explorer(d["max"], d["sizes"], d["genuine"], impostor=d["impostor"], id="watch")
    root = tmp_path_factory.mktemp("explorers")
    (root / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Explorers</title>'
        '<link rel="icon" href="data:,">'  # no favicon request (a 404 would log an error)
        f'</head><body><main>{ex.html}{wx.html}</main></body></html>', encoding="utf-8")
    with serve(root) as url:
        yield url, ex, wx


class Visit:
    """A fresh page on the explorers, recording requests and console messages."""

    def __init__(self, browser, url):
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.requests, self.console = [], []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.console.append(("pageerror", str(e))))
        self.page.goto(url + "/index.html", wait_until="load")
        self.host = urlparse(url).netloc

    def read(self, id):
        return self.page.evaluate(f"window.FaceValueExplorers[{id!r}].read()")

    def attr(self, id, name):
        return self.page.get_attribute(f"#{id}", f"data-{name}")

    def value(self, selector):
        return self.page.eval_on_selector(selector, "el => el.value")

    def close(self):
        errors = [(k, t) for k, t in self.console if k in ("error", "pageerror", "warning")]
        off_site = [u for u in self.requests if urlparse(u).netloc != self.host]
        self.context.close()
        assert not errors, errors
        assert not off_site, off_site


@pytest.fixture
def visit(browser, explorers_page):
    v = Visit(browser, explorers_page[0])
    yield v
    v.close()


def check_threshold(v, ex):
    t = float(v.value("#thr-t"))
    want = ex.numbers(t)
    got = v.read("thr")
    assert got == {k: want[k] for k in TEXT_KEYS}, t
    assert int(v.attr("thr", "impostor-at-or-above")) == want["impostor_at_or_above"]
    assert int(v.attr("thr", "genuine-below")) == want["genuine_below"]
    assert v.page.get_attribute("#thr-t", "aria-valuetext") == f"{want['threshold']} out of 100"
    return t


def check_watch(v, wx):
    t = float(v.value("#watch-t"))
    n = wx.gallery_sizes[int(v.value("#watch-g"))]
    want = wx.numbers(t, n)
    assert v.read("watch") == {k: want[k] for k in WATCH_KEYS}, (t, n)
    assert int(v.attr("watch", "sim-at-or-above")) == want["sim_at_or_above"]
    assert v.page.get_attribute("#watch-g", "aria-valuetext") == f"{n:,} people"
    return t, n


@pytest.mark.browser
def test_threshold_slider_by_keyboard(visit, explorers_page):
    _, ex, _ = explorers_page
    v = visit
    assert check_threshold(v, ex) == 80.0       # the script agrees with Python at the start
    v.page.keyboard.press("Tab")                 # the slider is the first control on the page
    assert v.page.evaluate("document.activeElement.id") == "thr-t"
    focus = v.page.eval_on_selector("#thr-t", """el => {const s = getComputedStyle(el);
        return [el.matches(':focus-visible'), s.outlineStyle, parseFloat(s.outlineWidth)]}""")
    assert focus[0] and focus[1] != "none" and focus[2] >= 2, focus
    seen = []
    for key in ["ArrowRight", "ArrowRight", "ArrowLeft", "ArrowLeft", "ArrowLeft", "PageUp",
                "PageDown", "PageDown", "Home", "ArrowRight", "End", "ArrowLeft", "PageDown"]:
        v.page.keyboard.press(key)
        seen.append(check_threshold(v, ex))
    assert seen[:5] == [80.01, 80.02, 80.01, 80.0, 79.99]
    assert seen[8:12] == [0.0, 0.01, 100.0, 99.99]


@pytest.mark.browser
def test_threshold_slider_by_value_and_typed_value(visit, explorers_page):
    _, ex, wx = explorers_page
    v = visit
    watch_before = v.read("watch")
    rng = np.random.default_rng(8)
    values = ["0", "100", "80", "79.99", "80.01", "50.5", "99.99", "0.01"]
    values += [f"{x:.2f}" for x in rng.uniform(0, 100, 60)]
    # Move by setting .value and dispatching `input`, as a script or assistive tech would.
    got = v.page.evaluate("""values => values.map(x => {
        const el = document.getElementById('thr-t');
        el.value = x; el.dispatchEvent(new Event('input', {bubbles: true}));
        return [el.value, window.FaceValueExplorers.thr.read()];
    })""", values)
    for (value, shown), x in zip(got, values, strict=True):
        assert float(value) == float(x)
        want = ex.numbers(float(value))
        assert shown == {k: want[k] for k in TEXT_KEYS}, value
    # Typing a threshold into the number box moves the slider too (snapped to 0.01).
    v.page.fill("#thr-tn", "99.504")
    v.page.press("#thr-tn", "Enter")
    assert v.value("#thr-t") == "99.5"
    assert check_threshold(v, ex) == 99.5
    assert v.read("watch") == watch_before   # the other explorer did not move


@pytest.mark.browser
def test_watchlist_by_keyboard_and_value(visit, explorers_page):
    _, _, wx = explorers_page
    v = visit
    assert check_watch(v, wx) == (80.0, 400)
    v.page.focus("#watch-g")
    for key, n in [("Home", 1), ("ArrowRight", 10), ("ArrowRight", 100), ("End", 400),
                   ("ArrowLeft", 100)]:
        v.page.keyboard.press(key)
        assert check_watch(v, wx)[1] == n
    v.page.focus("#watch-t")
    for key in ["ArrowLeft", "PageDown", "PageDown", "ArrowRight", "Home", "End", "PageDown"]:
        v.page.keyboard.press(key)
        check_watch(v, wx)
    for gi in range(len(wx.gallery_sizes)):
        got = v.page.evaluate("""([values, gi]) => values.map(x => {
            const t = document.getElementById('watch-t'), g = document.getElementById('watch-g');
            g.value = String(gi); g.dispatchEvent(new Event('input', {bubbles: true}));
            t.value = x; t.dispatchEvent(new Event('input', {bubbles: true}));
            return [t.value, window.FaceValueExplorers.watch.read()];
        })""", [["60", "70.5", "75.25", "80", "84.99", "90", "100"], gi])
        for value, shown in got:
            want = wx.numbers(float(value), wx.gallery_sizes[gi])
            assert shown == {k: want[k] for k in WATCH_KEYS}, (value, gi)


@pytest.mark.browser
def test_typed_values_follow_the_rounding_rule_on_the_page(visit, explorers_page, cases):
    _, ex, _ = explorers_page
    v = visit
    grid = cases["grids"].index([0, 10000, 1])    # the threshold explorer's slider
    for c in cases["parse"]:
        before = v.value("#thr-t")
        ok = v.page.evaluate("t => window.FaceValueExplorers.thr.set(t)", c["text"])
        want = c["committed"][grid]
        assert ok == (want is not None), c
        t = want / 100 if want is not None else float(before)
        assert float(v.value("#thr-t")) == t, c
        assert check_threshold(v, ex) == t
    # Typed into the box, for the texts a number box accepts as they are.
    for text in ["87.005", "87.015", "0.005", "99.995", "1e2", "-1", "101", "50.125"]:
        want = fx._snap_to_grid(fx._parse_threshold_text(text), 0, 10000, 1)
        v.page.fill("#thr-tn", text)
        v.page.press("#thr-tn", "Enter")
        assert v.value("#thr-t") == f"{want / 100:g}", text
        assert v.value("#thr-tn") == fx._fixed(want, 2), text
        assert check_threshold(v, ex) == want / 100


@pytest.mark.browser
def test_enter_commits_without_a_change_event(visit, explorers_page):
    _, ex, _ = explorers_page
    v = visit
    v.page.focus("#thr-tn")
    # Set the box's value without any event (as a notebook that swallowed `change` would),
    # then press Enter: the explorer commits.
    v.page.evaluate("() => { document.getElementById('thr-tn').value = '85.255'; }")
    v.page.keyboard.press("Enter")
    assert v.value("#thr-t") == "85.26"              # 8525.5 -> even 8526
    assert check_threshold(v, ex) == 85.26


@pytest.mark.browser
def test_notebook_shortcuts_do_not_see_the_inputs_keys(visit, explorers_page):
    _, ex, wx = explorers_page
    v = visit
    # A stand-in for JupyterLab's and the classic Notebook's document-level shortcut handlers.
    v.page.evaluate("""() => { window.seenKeys = [];
        document.addEventListener('keydown', e => window.seenKeys.push(e.key)); }""")
    v.page.focus("#thr-t")
    for key in ["ArrowRight", "ArrowUp", "ArrowLeft", "ArrowDown", "ArrowRight", "a", "1"]:
        v.page.keyboard.press(key)
    assert check_threshold(v, ex) == 80.01           # the slider moved, by its own keys
    v.page.focus("#watch-g")
    v.page.keyboard.press("ArrowLeft")
    assert check_watch(v, wx)[1] == 100
    v.page.focus("#thr-tn")
    v.page.keyboard.press("Tab")                     # Tab still leaves the control
    assert v.page.evaluate("window.seenKeys") == ["Tab"]
    marked = v.page.eval_on_selector_all(
        ".fv-explorer input", "els => els.map(e => e.dataset.lmSuppressShortcuts)")
    assert marked and set(marked) == {"true"}


COLOURS = """root => {
    const s = getComputedStyle(root), out = {bg: s.backgroundColor, text: s.color};
    const pick = (sel, prop) => { const el = root.querySelector(sel);
        return el ? getComputedStyle(el)[prop] : null; };
    out.genuine = pick('.fv-gen-stroke', 'stroke');
    out.impostor = pick('.fv-imp-stroke', 'stroke');
    out.svgText = pick('svg.fv-chart text', 'fill');
    out.card = pick('output.fv-card', 'backgroundColor');
    return out; }"""


def rgb(hex_colour):
    return "rgb({}, {}, {})".format(*(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)))


@pytest.mark.browser
@pytest.mark.parametrize("setup,scheme,mode", [
    ("", "light", "light"),
    ("document.documentElement.dataset.theme = 'dark'", "light", "dark"),     # the site, dark
    ("document.documentElement.dataset.theme = 'light'", "dark", "light"),    # light site, dark OS
    ("document.body.dataset.jpThemeLight = 'false'", "light", "dark"),       # JupyterLab dark
    ("document.body.dataset.jpThemeLight = 'true'", "dark", "light"),        # JupyterLab light
    ("document.body.classList.add('notebook_app')", "dark", "light"),        # classic Notebook
    ("document.documentElement.setAttribute('data-content_root', './')", "dark", "light"),
    ("", "dark", "dark"),                                                     # no theme: the OS
])
def test_colour_modes_follow_the_host(browser, explorers_page, setup, scheme, mode):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(explorers_page[0] + "/index.html", wait_until="load")
    if setup:
        page.evaluate(f"() => {{ {setup}; }}")
    palette = explorers.palettes()[mode]
    for id in ("thr", "watch"):
        got = page.eval_on_selector(f"#{id}", COLOURS)
        assert got["bg"] == rgb(palette["bg"]) and got["text"] == rgb(palette["text"]), (id, got)
        assert got["svgText"] == rgb(palette["text"]) and got["card"] == rgb(palette["bg"]), got
        if id == "thr":
            assert got["genuine"] == rgb(palette["genuine"]), got
            assert got["impostor"] == rgb(palette["impostor"]), got
    context.close()
