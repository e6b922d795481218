"""The review explorer: Python reference numbers, refusals, the page, and the shared cases.

:func:`facelab.views.explorers.review_numbers` must give what
:func:`facelab.evaluation.leads.review` gives for the FMR counted directly
from the scores; ``static/review.js`` ports that arithmetic, and
``tests/js/review-cases.json`` (written by ``tests/js/explorer_cases.py``)
holds the cases both sides check (``node --test tests/js/``).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest

from facelab.evaluation.leads import review
from facelab.experiments.olivetti import strictest_measurable
from facelab.views.explorers import ReviewExplorer, review_explorer, review_numbers
from facelab.views.explorers.review import _amount

from .site import CHROMIUM, FLAGS

ROOT = Path(__file__).resolve().parent.parent
JS_TESTS = ROOT / "tests" / "js"
NODE = shutil.which("node")
SHOWN = ["threshold", "gallery_size", "list_length", "reviewer_error", "searches", "fmr",
         "fmr_count", "fmr_one_in", "upper_fmr", "p_list", "expected_listed", "p_put", "year_put",
         "year_innocent", "upper_p_list", "upper_expected_listed", "upper_p_put",
         "upper_year_put", "upper_year_innocent"]


@pytest.fixture(scope="module")
def impostor():
    rng = np.random.default_rng(21)
    s = np.clip(rng.normal(55, 11, 6000), 0, 95)
    s[:3000] = np.round(s[:3000], 2)
    s[-3:] = [95.6, 95.6, 95.59]      # ties at the chapter's threshold
    return s


# --------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------

@pytest.mark.parametrize("t, n, k, r, s", [
    (80.0, 39, 10, 0.1, 1000),
    (95.6, 25_000, 5, 0.2, 1000),
    (70.0, 1_000_000, 50, 0.5, 10 ** 9),
    (60.0, 3_000_000_000, 1, 0.0, 1),
    (95.59, 8_000_000, 20, 0.07, 12_345),
    (0.0, 39, 50, 0.1, 0),
])
def test_numbers_are_leads_review_at_the_counted_fmr(impostor, t, n, k, r, s):
    q = np.rint(impostor * 100)
    fmr = np.count_nonzero(q >= round(t * 100)) / impostor.size
    want = review(fmr, n, k, r, s)
    got = review_numbers(impostor, t, n, k, r, s)
    assert got["fmr_value"] == fmr
    assert got["p_list_value"] == want.p_any_candidate
    assert got["expected_listed_value"] == want.expected_candidates
    assert got["p_put_value"] == want.p_innocent_put_forward
    assert got["year_put_value"] == want.searches_with_innocent_total
    assert got["year_innocent_value"] == want.innocent_total
    upper = review(1 - 0.05 ** (1 / impostor.size), n, k, r, s)
    assert got["upper_p_put_value"] == upper.p_innocent_put_forward
    assert got["threshold"] == f"{t:.2f}" and got["gallery_size"] == f"{n:,}"
    assert got["reviewer_error"] == f"{round(r * 100)}%" and got["searches"] == f"{s:,}"


def test_threshold_zero_means_no_threshold(impostor):
    got = review_numbers(impostor, 0, 25_000, 10, 0.1, 1000)
    assert got["status"] == "none" and got["fmr_value"] == 1.0 and got["fmr"] == "100.00%"
    assert got["expected_listed"] == "10.0" and got["p_list"] == "100.00%"
    # 1 - 0.9**10 per search, of 1000 searches.
    assert got["p_put_value"] == pytest.approx(1 - 0.9 ** 10, rel=1e-14)
    assert got["year_put"] == "651"


def test_a_threshold_no_pair_reaches_is_not_a_zero_fmr(impostor):
    got = review_numbers(impostor, 99, 8_000_000, 10, 0.1, 1000)
    assert got["status"] == "zero" and got["fmr_count"] == "0 of 6,000"
    assert got["p_put"] == "0.00%"
    # The bound is strictest_measurable's, and it is far from zero at this gallery size.
    bound = strictest_measurable([99.0], impostor).fmr_upper
    assert got["upper_fmr_value"] == bound
    assert got["upper_p_list_value"] > 0.99 and got["upper_p_put_value"] > 0.5
    assert review_numbers(impostor, 95.6, 39)["status"] == "measured"


def test_the_chapter_setting_in_the_brief(impostor):
    ex = review_explorer(impostor, threshold=95.6)
    assert ex.numbers()["fmr_count"] == "2 of 6,000"      # 95.60 twice; 95.59 is below
    assert ex.numbers() == review_numbers(impostor, 95.6, 39, 10, 0.1, 1000)
    assert ex.numbers(99)["status"] == "zero"
    assert ex.numbers(gallery_size=77)["gallery_size"] == "77"   # any valid setting


@pytest.mark.parametrize("x, text", [(0, "0"), (0.5, "0.500"), (12.345, "12.3"), (1234.5, "1,235"),
                                     (99.96, "100.0"), (1e-9, "<0.000001"),
                                     (0.000123456, "0.000123")])
def test_amounts_keep_three_significant_digits(x, text):
    assert _amount(x) == text


# --------------------------------------------------------------------------
# Refusals, by name
# --------------------------------------------------------------------------

GOOD = dict(threshold=80.0, gallery_size=39, list_length=10, reviewer_error=0.1, searches=1000)


@pytest.mark.parametrize("name, value", [
    ("threshold", np.nan), ("threshold", "80"), ("threshold", 200), ("threshold", -1),
    ("threshold", True),
    ("gallery_size", 0), ("gallery_size", 2.0), ("gallery_size", True), ("gallery_size", "39"),
    ("gallery_size", 10 ** 13),
    ("list_length", 0), ("list_length", 101), ("list_length", np.nan),
    ("reviewer_error", 2), ("reviewer_error", np.nan), ("reviewer_error", "0.1"),
    ("reviewer_error", -0.1), ("reviewer_error", False),
    ("searches", -1), ("searches", 1.5), ("searches", np.nan), ("searches", True),
    ("searches", 10 ** 10),
])
def test_review_numbers_refuses_each_bad_setting_by_name(impostor, name, value):
    args = dict(GOOD, **{name: value})
    with pytest.raises(ValueError, match=f"^{name}: "):
        review_numbers(impostor, **args)


@pytest.mark.parametrize("value", [[], [np.nan, 50.0], "abc", [[50.0]], [50.0, 200.0], [True],
                                   None])
def test_bad_impostor_scores_are_refused_by_name(value):
    with pytest.raises(ValueError, match="^impostor: "):
        review_numbers(value, **GOOD)
    with pytest.raises(ValueError, match="^impostor: "):
        review_explorer(value)


@pytest.mark.parametrize("kwargs, name", [
    (dict(threshold=200), "threshold"), (dict(threshold="95.6"), "threshold"),
    (dict(threshold=np.nan), "threshold"),
    (dict(gallery_sizes=[]), "gallery_sizes"), (dict(gallery_sizes="39"), "gallery_sizes"),
    (dict(gallery_sizes=[39, 39]), "gallery_sizes"), (dict(gallery_sizes=[0, 5]), "gallery_sizes"),
    (dict(gallery_sizes=[True]), "gallery_sizes"),
    (dict(gallery_size=40), "gallery_size"), (dict(gallery_size=True), "gallery_size"),
    (dict(list_lengths=[1, 500]), "list_lengths"), (dict(list_length=7), "list_length"),
    (dict(reviewer_error=2), "reviewer_error"), (dict(reviewer_error=0.6), "reviewer_error"),
    (dict(reviewer_error=0.105), "reviewer_error"), (dict(reviewer_error=True), "reviewer_error"),
    (dict(searches=-5), "searches"), (dict(searches=True), "searches"),
    (dict(searches="1000"), "searches"),
    (dict(x_range=(50, 40)), "x_range"), (dict(x_range=(0, 90), threshold=95), "threshold"),
    (dict(step=0.015), "step"), (dict(id="1 bad"), "id"),
])
def test_review_explorer_refuses_bad_arguments_by_name(impostor, kwargs, name):
    with pytest.raises(ValueError, match=f"^{re.escape(name)}: "):
        review_explorer(impostor, **kwargs)


# --------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------

def test_output_is_one_self_contained_accessible_block(impostor):
    ex = review_explorer(impostor, threshold=95.6, gallery_size=25_000, id="rev")
    assert isinstance(ex, ReviewExplorer) and ex.id == "rev"
    bundle = ex._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"} and bundle["text/html"] == ex._repr_html_()
    page = ex.html
    assert page.count("<script") == 1 and page.count("<style") == 1
    for pattern in (r"[a-z][a-z0-9+.-]*://", r"\b(src|href|xlink:href|action|srcset|data)\s*=",
                    r"@import", r"url\(\s*(?!#)", r"\b(fetch|XMLHttpRequest|WebSocket)\b"):
        assert not re.search(pattern, page, re.I), pattern
    # Every control is labelled, disabled until the script runs, and keeps its keys.
    controls = re.findall(r"<(?:input|select)\b[^>]*>", page)
    assert len(controls) == 6
    for tag in controls:
        cid = re.search(r'id="([^"]+)"', tag).group(1)
        assert f'<label for="{cid}"' in page or f"<label class=\"fv-sr\" for=\"{cid}\"" in page, tag
        assert 'data-lm-suppress-shortcuts="true"' in tag and "disabled" in tag, tag
    # Without JavaScript: the note and the starting numbers.
    nums = ex.numbers()
    assert 'class="fv-nojs"' in page and "threshold 95.60" in page
    assert 'value="95.60"' in page                  # the threshold: the slider and its box
    for key in SHOWN[1:]:
        assert f'data-key="{key}">{nums[key]}</span>' in page, key
    assert 'class="fv-note fv-status-zero" role="status" hidden' in page
    assert page.index('type="range" class="fv-t"') < page.index('class="fv-r"')  # threshold first
    assert "<" not in bundle["text/plain"] and nums["p_put"] in bundle["text/plain"]


def test_the_zero_note_shows_without_javascript_when_no_pair_reaches(impostor):
    page = review_explorer(impostor, threshold=99).html
    assert 'class="fv-note fv-status-zero" role="status">' in page
    assert "which does not mean zero" in page


def test_the_book_site_tests_would_find_it(impostor):
    """tests/test_browser.py looks for `.fv-explorer[data-fv-ready]`, a registered
    window.FaceValueExplorers entry and a first range input that changes read()."""
    page = review_explorer(impostor).html
    assert re.match(r'<div class="fv-explorer fv-review-explorer', page)
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    assert "start(C, mountReview);" in script and "FaceValueExplorers" in script
    assert 'kind: "review"' in script


def test_ids_are_stable_and_unique(impostor):
    a, b = review_explorer(impostor), review_explorer(impostor)
    c = review_explorer(impostor, threshold=90)
    assert len({a.id, b.id, c.id}) == 3 and a.id.startswith("fv-rev-")


def test_the_chapter_data_stay_small():
    rng = np.random.default_rng(5)
    ex = review_explorer(np.clip(rng.normal(60, 8, 78_000), 0, 100), threshold=95.6)
    assert len(ex.html.encode()) < 150_000


def test_the_inlined_script_parses(impostor, tmp_path):
    if NODE is None:
        pytest.skip("node is not installed")
    (script,) = re.findall(r"<script>(.*?)</script>", review_explorer(impostor).html, re.S)
    path = tmp_path / "review.js"
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


@pytest.fixture(scope="module")
def cases():
    return json.loads((JS_TESTS / "review-cases.json").read_text(encoding="utf-8"))


def test_cases_file_is_current():
    module = cases_module()
    assert (JS_TESTS / "review-cases.json").read_text(encoding="utf-8") == \
        module.dumps(module.build_review_cases()), \
        "run: .venv/bin/python tests/js/explorer_cases.py"


def test_review_numbers_give_the_cases_readouts(cases):
    c = cases["review_readouts"]
    imp = np.repeat(np.cumsum(c["imp"]["v"]), c["imp"]["c"]) / 100
    for tq, n, k, r_pct, s, want in c["readouts"][::5]:
        assert review_numbers(imp, tq / 100, n, k, r_pct / 100, s) == want, (tq, n, k, r_pct, s)


def test_javascript_unit_tests_pass():
    if NODE is None:
        pytest.skip("node is not installed: run `node --test tests/js/` where it is")
    proc = subprocess.run([NODE, "--test", str(JS_TESTS / "review.test.mjs")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


# --------------------------------------------------------------------------
# Browser (one page, a few seconds)
# --------------------------------------------------------------------------



@pytest.mark.browser
def test_the_page_agrees_with_python_after_every_move(impostor, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    from .site import serve

    ex = review_explorer(impostor, threshold=95.6, id="rev")
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Review</title>'
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
            t = float(page.input_value("#rev-t"))
            n = ex.gallery_sizes[int(page.input_value("#rev-g"))]
            k = ex.list_lengths[int(page.input_value("#rev-k"))]
            r = int(page.input_value("#rev-r")) / 100
            s = int(page.input_value("#rev-s"))
            want = ex.numbers(t, n, k, r, s)
            got = page.evaluate("window.FaceValueExplorers.rev.read()")
            assert got == {"threshold": want["threshold"], **{k_: want[k_] for k_ in SHOWN}}, \
                (t, n, k, r, s)
            zero_hidden = page.eval_on_selector(".fv-status-zero", "el => el.hidden")
            assert zero_hidden == (want["status"] != "zero")
            return want

        assert page.get_attribute("#rev", "data-fv-ready") == "1"
        assert not page.locator("#rev .fv-nojs").is_visible()
        assert check()["threshold"] == "95.60"
        page.focus("#rev-t")
        page.keyboard.press("End")                  # as test_browser's dead-control check
        assert check()["status"] == "zero"
        page.keyboard.press("Home")
        assert check()["status"] == "none"
        page.fill("#rev-tn", "95.6")
        page.press("#rev-tn", "Enter")
        for i in range(len(ex.gallery_sizes)):
            page.select_option("#rev-g", str(i))
            check()
        page.focus("#rev-k")
        page.keyboard.press("ArrowDown")             # keyboard on a select
        check()
        page.focus("#rev-r")
        for key in ["ArrowRight", "End", "Home", "PageUp"]:
            page.keyboard.press(key)
            check()
        page.fill("#rev-s", "250000")
        page.press("#rev-s", "Enter")
        assert check()["searches"] == "250,000"
        # Every element that shows a readout follows it (the note repeats the searches a year).
        shown = page.eval_on_selector_all('#rev [data-key="searches"]',
                                          "els => els.map(e => e.textContent)")
        assert len(shown) >= 2 and set(shown) == {"250,000"}, shown
        browser.close()
    host = urlparse(url).netloc
    assert not [u for u in requests if urlparse(u).netloc != host]
    assert not [(k, t) for k, t in console if k in ("error", "pageerror", "warning")]
