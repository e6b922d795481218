"""The built site in headless Chromium, as a reader with no network would see it.

Every page is loaded from a local server. The tests assert that no request
leaves the site, that the console shows no errors beyond a short allow-list of
known third-party noise, that every image loads and has real alt text, and
that math is typeset.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from .site import pages, serve

pytestmark = [pytest.mark.book, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic"]

# Console messages we accept, each from code that is not ours.
ALLOWED_CONSOLE = [
    # sphinx-thebe 0.3.1 under Sphinx 7.4 writes its config script twice.
    re.compile(r"Identifier 'THEBE_JS_URL' has already been declared"),
    # pydata-sphinx-theme reads an empty theme mode before its default is set.
    re.compile(r"Got invalid theme mode"),
    # ajv (inside the ipywidgets manager) warns about its own schemas.
    re.compile(r"strict mode"),
]
# Accessibility: axe-core (from the npm registry, see package.json) is injected
# into every page. Accepted exceptions, each with its reason:
AXE_ACCEPTED = {
    # None so far: every serious or critical violation fails the test.
}
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"

FILENAME_ALT = re.compile(r"^[\w./-]+\.(png|jpe?g|svg|gif)$", re.IGNORECASE)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which("chromium") and not shutil.os.path.exists(CHROMIUM):
        pytest.fail("Chromium is not installed: `make test` installs it (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(built_book):
    with serve(built_book) as url:
        yield url


def visit(browser, url):
    """Load a page; return what it requested, logged and showed."""
    context = browser.new_context()
    page = context.new_page()
    requests, console = [], []
    page.on("request", lambda r: requests.append(r.url))
    # Name the file behind a failed load (the console only says "404").
    page.on("response", lambda r: r.status >= 400 and console.append(
        ("error", f"HTTP {r.status} for {r.url}")))
    page.on("console", lambda m: console.append((m.type, m.text)))
    page.on("pageerror", lambda e: console.append(("pageerror", str(e))))
    page.goto(url, wait_until="networkidle")
    # MathJax typesets asynchronously; wait for it when the page has math.
    if page.locator(".math").count():
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                               timeout=15000)
        page.evaluate("() => MathJax.startup.promise")
    return context, page, requests, console


def test_every_page_stays_on_site_and_is_clean(browser, site, built_book):
    problems = []
    for rel in pages(built_book):
        context, page, requests, console = visit(browser, f"{site}/{rel.as_posix()}")
        host = urlparse(site).netloc
        for url in requests:
            parsed = urlparse(url)
            if parsed.scheme in ("http", "https") and parsed.netloc != host:
                problems.append(f"{rel}: off-site request {url}")
        for kind, text in console:
            if kind in ("error", "pageerror") and not any(p.search(text) for p in ALLOWED_CONSOLE):
                problems.append(f"{rel}: console {kind}: {text[:200]}")
        images = page.eval_on_selector_all(
            "img", "els => els.map(e => [e.getAttribute('src'), e.getAttribute('alt'),"
                   " e.complete && e.naturalWidth > 0])")
        for src, alt, loaded in images:
            if not loaded:
                problems.append(f"{rel}: image did not load: {src}")
            if not alt or not alt.strip():
                problems.append(f"{rel}: image without alt text: {src}")
            elif FILENAME_ALT.match(alt.strip()) or len(alt.strip()) < 15:
                problems.append(f"{rel}: alt text is not a description: {alt!r} ({src})")
        n_math = page.locator(".math").count()
        if n_math:
            typeset = page.locator("mjx-container").count()
            if typeset == 0:
                problems.append(f"{rel}: {n_math} math elements but nothing typeset by MathJax")
        context.close()
    assert not problems, "\n".join(problems)


def test_math_is_served_by_the_site(browser, site, built_book):
    """At least one page has math, and its MathJax comes from this site."""
    with_math = [rel for rel in pages(built_book)
                 if 'class="math' in (built_book / rel).read_text(encoding="utf-8")]
    if not with_math:
        pytest.skip("no page has math yet")
    context, page, requests, _ = visit(browser, f"{site}/{with_math[0].as_posix()}")
    mathjax = [u for u in requests if "mathjax" in u.lower()]
    assert mathjax and all(u.startswith(site) for u in mathjax), mathjax
    assert page.locator("mjx-container").count() > 0
    context.close()


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_no_serious_accessibility_violations(browser, site, built_book, mode):
    """axe-core on every page, in light and in dark mode: no serious or critical
    WCAG 2.x A/AA violation."""
    if not AXE.is_file():
        pytest.fail("node_modules/axe-core is missing: `make test` installs it (npm ci)")
    script = AXE.read_text(encoding="utf-8")
    problems = []
    for rel in pages(built_book):
        context, page, _, _ = visit(browser, f"{site}/{rel.as_posix()}")
        if mode == "dark":  # as the theme's switch does it
            # No colour transitions: axe must see the final dark colours, not a
            # blend half-way from light (which a loaded machine can catch).
            page.add_style_tag(content="*, *::before, *::after { transition: none !important; "
                                       "animation: none !important; }")
            page.evaluate("""() => { document.documentElement.dataset.mode = "dark";
                                     document.documentElement.dataset.theme = "dark"; }""")
            page.wait_for_function("""() => getComputedStyle(document.body).backgroundColor
                                        !== "rgb(255, 255, 255)" """)
            page.wait_for_timeout(200)
        page.add_script_tag(content=script)
        run_axe = """async () => {
            const r = await axe.run(document, {runOnly: {type: "tag",
                values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}});
            return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => [v.id, v.impact, v.nodes.length, v.nodes.slice(0, 3).map(n => n.target.join(" "))]);
        }"""
        violations = page.evaluate(run_axe)
        if violations:  # once more after the page has settled: a real fault persists
            page.wait_for_timeout(1500)
            violations = page.evaluate(run_axe)
        for rule, impact, count, targets in violations:
            if rule in AXE_ACCEPTED:
                continue
            problems.append(f"{rel} ({mode}): {impact} {rule} on {count} element(s), "
                            f"e.g. {targets}")
        context.close()
    assert not problems, "\n".join(problems)


def test_no_dead_controls(browser, site, built_book):
    """Every control in the book's content does something on the static page.

    Kernel-backed ipywidgets are never rendered as widgets on the site (they
    show a picture and a note, see facelab.views.widgets.KernelOnly). Every input in
    the content must belong to an in-browser explorer, and moving it must
    change what the explorer shows.
    """
    problems, moved = [], 0
    for rel in pages(built_book):
        html = (built_book / rel).read_text(encoding="utf-8")
        if "application/vnd.jupyter.widget-view+json" in html:
            problems.append(f"{rel}: renders an ipywidgets view, which is dead without a kernel")
        context, page, _, _ = visit(browser, f"{site}/{rel.as_posix()}")
        controls = page.eval_on_selector_all(
            "article input, article select, article textarea",
            "els => els.map(e => [e.id, !!e.closest('.fv-explorer[data-fv-ready]'), e.type])")
        for cid, in_explorer, kind in controls:
            if not in_explorer:
                problems.append(f"{rel}: control {cid or kind} is not part of a live explorer")
        for root_id in page.evaluate("() => Object.keys(window.FaceValueExplorers || {})"):
            before = page.evaluate(f"() => window.FaceValueExplorers['{root_id}'].read()")
            slider = page.locator(f"#{root_id} input[type=range]").first
            slider.focus()
            slider.press("End")
            after = page.evaluate(f"() => window.FaceValueExplorers['{root_id}'].read()")
            if before == after:
                problems.append(f"{rel}: moving {root_id}'s slider changed nothing")
            moved += 1
        context.close()
    assert not problems, "\n".join(problems)


def test_theme_icons_draw_without_fontawesome_js(browser, site, built_book):
    """The theme's icons come from its webfont CSS, so the 1.5 MB script can be a stub."""
    script = built_book / "_static" / "scripts" / "fontawesome.js"
    assert script.stat().st_size < 1000, "fontawesome.js was not replaced by the stub (_ext/fv_editions.py)"
    context, page, _, _ = visit(browser, f"{site}/{pages(built_book)[0].as_posix()}")
    icons = page.eval_on_selector_all(
        "i.fa-solid, i.fa-brands, i.fa-regular",
        """els => els.filter(e => e.offsetParent !== null).map(e => {
               const before = getComputedStyle(e, '::before');
               return [e.className, before.content, before.fontFamily, e.getBoundingClientRect().width];
           })""")
    loaded = page.evaluate("() => document.fonts.check('900 16px \"Font Awesome 6 Free\"')")
    context.close()
    assert icons, "no visible Font Awesome icon found on the page"
    blank = [cls for cls, content, family, width in icons
             if content in ("none", "normal", '""') or "Font Awesome" not in family or width == 0]
    assert not blank, f"icons drawn blank: {blank}"
    assert loaded, "the Font Awesome webfont did not load"
