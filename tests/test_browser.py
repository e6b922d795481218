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

from .site import CHROMIUM, FLAGS, page_fixes, pages, serve

pytestmark = [pytest.mark.book, pytest.mark.browser]


# Console messages we accept, each from code that is not ours.
# (sphinx-thebe's doubled config script and pydata-sphinx-theme's empty theme mode
# no longer log anything: _ext/fv_page_fixes.py fixes both, and this test checks it.)
ALLOWED_CONSOLE = [
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


def visit(browser, url, **context_options):
    """Load a page; return what it requested, logged and showed.

    ``context_options`` go to ``browser.new_context`` (e.g. a phone's ``viewport``).
    """
    context = browser.new_context(**context_options)
    page = context.new_page()
    requests, console = [], []
    page.on("request", lambda r: requests.append(r.url))
    # Name the file behind a failed load (the console only says "404").
    page.on(
        "response",
        lambda r: r.status >= 400 and console.append(("error", f"HTTP {r.status} for {r.url}")),
    )
    # A request that got no response at all (refused, blocked, aborted).
    page.on(
        "requestfailed",
        lambda r: console.append(("error", f"request failed: {r.url} ({r.failure})")),
    )
    page.on("console", lambda m: console.append((m.type, m.text)))
    page.on("pageerror", lambda e: console.append(("pageerror", str(e))))
    page.goto(url, wait_until="networkidle")
    if page.url != url:  # a page that redirects (the root page) aborts what it started loading
        console[:] = [
            (kind, text)
            for kind, text in console
            if not (text.startswith("request failed:") and "ERR_ABORTED" in text)
        ]
    # MathJax typesets asynchronously; wait for it when the page has math.
    if page.locator(".math").count():
        page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=15000
        )
        page.evaluate("() => MathJax.startup.promise")
    return context, page, requests, console


# Sphinx's own pages, which pages() leaves out, loaded as a reader uses them.
SPHINX_PAGES = ["search.html?q=threshold", "genindex.html"]


def test_every_page_stays_on_site_and_is_clean(browser, site, built_book):
    """Every page, the search page with results and the index: no request leaves
    the site, none fails or gets an HTTP error, the console shows no error and no
    uncaught exception (beyond ALLOWED_CONSOLE), every image loads and has real alt
    text, and math is typeset."""
    problems = []
    for rel in [p.as_posix() for p in pages(built_book)] + SPHINX_PAGES:
        context, page, requests, console = visit(browser, f"{site}/{rel}")
        host = urlparse(site).netloc
        for url in requests:
            parsed = urlparse(url)
            if parsed.scheme in ("http", "https") and parsed.netloc != host:
                problems.append(f"{rel}: off-site request {url}")
        for kind, text in console:
            if kind in ("error", "pageerror") and not any(p.search(text) for p in ALLOWED_CONSOLE):
                problems.append(f"{rel}: console {kind}: {text[:200]}")
        images = page.eval_on_selector_all(
            "img",
            "els => els.map(e => [e.getAttribute('src'), e.getAttribute('alt'),"
            " e.complete && e.naturalWidth > 0])",
        )
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
    with_math = [
        rel
        for rel in pages(built_book)
        if 'class="math' in (built_book / rel).read_text(encoding="utf-8")
    ]
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
            page.add_style_tag(
                content="*, *::before, *::after { transition: none !important; "
                "animation: none !important; }"
            )
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
                .map(v => [v.id, v.impact, v.nodes.length,
                           v.nodes.slice(0, 3).map(n => n.target.join(" "))]);
        }"""
        violations = page.evaluate(run_axe)
        if violations:  # once more after the page has settled: a real fault persists
            page.wait_for_timeout(1500)
            violations = page.evaluate(run_axe)
        for rule, impact, count, targets in violations:
            if rule in AXE_ACCEPTED:
                continue
            problems.append(
                f"{rel} ({mode}): {impact} {rule} on {count} element(s), e.g. {targets}"
            )
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
            "els => els.map(e => [e.id, !!e.closest('.fv-explorer[data-fv-ready]'), e.type])",
        )
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
    assert script.stat().st_size < 1000, (
        "fontawesome.js was not replaced by the stub (_ext/fv_editions.py)"
    )
    context, page, _, _ = visit(browser, f"{site}/{pages(built_book)[0].as_posix()}")
    icons = page.eval_on_selector_all(
        "i.fa-solid, i.fa-brands, i.fa-regular",
        """els => els.filter(e => e.offsetParent !== null).map(e => {
               const before = getComputedStyle(e, '::before');
               return [e.className, before.content, before.fontFamily,
                       e.getBoundingClientRect().width];
           })""",
    )
    loaded = page.evaluate("() => document.fonts.check('900 16px \"Font Awesome 6 Free\"')")
    context.close()
    assert icons, "no visible Font Awesome icon found on the page"
    blank = [
        cls
        for cls, content, family, width in icons
        if content in ("none", "normal", '""') or "Font Awesome" not in family or width == 0
    ]
    assert not blank, f"icons drawn blank: {blank}"
    assert loaded, "the Font Awesome webfont did not load"


def _chapters(built_book) -> list[str]:
    return [p.as_posix() for p in pages(built_book) if p.parts[0] == "chapters"]


# ---------------------------------------------------------------- search


def _search(browser, site, query):
    context, page, _, console = visit(browser, f"{site}/search.html?q={query}")
    page.wait_for_function(
        """() => {
        const s = document.querySelector("#search-results .search-summary");
        return s && /finished|did not match/i.test(s.textContent); }""",
        timeout=20000,
    )
    hrefs = page.eval_on_selector_all(
        "#search-results ul.search li a", "els => els.map(e => e.getAttribute('href'))"
    )
    return context, page, hrefs, console


def test_search_finds_a_number(browser, site, built_book):
    """Searching "28" finds chapter 3 ("Thresholds and the 28 members of Congress")
    among its first results: Sphinx's search page used to drop digit-only terms."""
    context, page, hrefs, _ = _search(browser, site, "28")
    context.close()
    assert any("chapters/03-thresholds.html" in h for h in hrefs[:3]), f"results: {hrefs[:10]}"


def test_search_icon_leaves_the_query_readable(browser, site, built_book):
    """In the search page's box and in the Ctrl+K dialog, the query's text starts to
    the right of the magnifying glass, not under it."""
    problems = []
    measure = """form => { const icon = form.querySelector(".fa-magnifying-glass");
        const input = form.querySelector("input[type=search]");
        const r = icon.getBoundingClientRect(), i = input.getBoundingClientRect();
        const pad = parseFloat(getComputedStyle(input).paddingLeft);
        return [r.right, i.left + pad, r.width]; }"""

    def check(where, context, page, selector):
        icon_right, text_left, width = page.eval_on_selector(selector, measure)
        context.close()
        if width == 0 or icon_right > text_left:
            problems.append(
                f"{where}: icon ends at {icon_right:.1f}px, text starts at {text_left:.1f}px"
            )

    context, page, _, _ = _search(browser, site, "28")
    check("search page", context, page, ".bd-search-container form.bd-search")
    context, page, _, _ = visit(browser, f"{site}/intro.html")
    page.keyboard.press("Control+k")
    page.wait_for_selector("#pst-search-dialog[open] form.bd-search input", state="visible")
    check("search dialog", context, page, "#pst-search-dialog form.bd-search")
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------- print

# Page furniture that has no place on paper.
PRINT_HIDDEN = [
    ".bd-header",
    ".bd-sidebar-primary",
    ".bd-sidebar-secondary",
    ".header-article",
    ".prev-next-area",
    ".bd-footer",
    "button",
    ".search-button-field",
]
# What a page break must not cut in two.
PRINT_WHOLE = ["div.cell", "div.highlight", "figure", "div.cell_output img", "div.math"]


def test_printed_chapter_starts_with_its_title(browser, site, built_book):
    """Printed (page.pdf(), A4), each chapter's first page holds its title and text; under
    print media no header, sidebar, navigation or button is laid out; code cells and
    figures are not split; and every closed <details> (the explorers' tables) is open
    while printing and closed again afterwards."""
    from .pdf_text import page_texts, squeeze

    problems = []
    for rel in _chapters(built_book):
        context, page, _, _ = visit(browser, f"{site}/{rel}")
        title, first = page.evaluate("""() => { const h = document.querySelector("article h1");
            const c = h.cloneNode(true); c.querySelectorAll(".headerlink").forEach(a => a.remove());
            const p = Array.from(document.querySelectorAll("article p"))
                .map(e => e.textContent.trim()).find(s => s.length >= 40);
            return [c.textContent, p || ""]; }""")
        # Registered after face-value.js's own listener, so it sees what printing shows.
        page.evaluate("""() => { window.fvPrint = {closed: []};
            window.fvPrint.before = document.querySelectorAll("article details:not([open])").length;
            addEventListener("beforeprint", () => { window.fvPrint.closed = Array.from(
                document.querySelectorAll(
                    "article details:not([open]):not(.hide):not(.toggle-details)"))
                .map(d => d.textContent.trim().slice(0, 60)); }); }""")
        texts = page_texts(page.pdf(format="A4"))
        state = page.evaluate("""() => Object.assign(window.fvPrint,
            {after: document.querySelectorAll("article details:not([open])").length})""")
        if not texts or squeeze(title)[:30] not in squeeze(texts[0]):
            problems.append(
                f"{rel}: page 1 of {len(texts)} does not start the chapter "
                f"({title.strip()[:40]!r}); "
                f"it shows {texts[0][:120] if texts else ''!r}"
            )
        elif squeeze(first)[:40] not in squeeze(texts[0]):
            problems.append(
                f"{rel}: page 1 has the title but not the text after it "
                f"({first[:40]!r}): {texts[0][:200]!r}"
            )
        if state["closed"]:
            problems.append(f"{rel}: closed while printing: {state['closed'][:3]}")
        if state["after"] != state["before"]:
            problems.append(
                f"{rel}: {state['before']} closed <details> before printing, {state['after']} after"
            )
        page.emulate_media(media="print")
        shown = page.evaluate(
            """sels => sels.filter(s => Array.from(document.querySelectorAll(s))
            .some(e => e.getClientRects().length > 0
                       && getComputedStyle(e).visibility !== "hidden"))""",
            PRINT_HIDDEN,
        )
        if shown:
            problems.append(f"{rel}: printed with {shown}")
        split = page.evaluate(
            """sels => sels.filter(
            s => Array.from(document.querySelectorAll("article " + s))
                .some(e => getComputedStyle(e).breakInside !== "avoid"))""",
            PRINT_WHOLE,
        )
        if split:
            problems.append(f"{rel}: may be split across pages when printed: {split}")
        context.close()
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- phones

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 1,
    "is_mobile": True,
    "has_touch": True,
}
MIN_TEXT_PX = 9  # the smallest text a page may show, in CSS pixels


def _figure_text_px() -> float:
    """The book's smallest figure text at a figure's natural size, in CSS pixels, as the
    pages' minimum figure scale is computed from it (no figure has smaller text: each checks
    itself when drawn, and the build fails on the warning)."""
    return page_fixes().figure_text_px()


# Elements whose content may overflow them out of sight by design.
CLIP_EXEMPT = (
    "mjx-assistive-mml, .fv-sr, .visually-hidden, .sr-only, .skip-link, "
    ".bd-sidebar-primary, .bd-sidebar-secondary"
)


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_phone_width_figures_equations_and_nothing_clipped(browser, site, built_book, mode):
    """At 390 px, in light and dark mode (which pads figures): every figure's text is at
    least MIN_TEXT_PX tall (displayed width / natural width x the figure font size); a
    figure or equation wider than the column scrolls inside its own box and shows a
    shadow where there is more; no other element cuts its content off; and the page
    itself does not scroll sideways."""
    text_px = _figure_text_px()
    problems = []
    for rel in _chapters(built_book):
        context, page, _, _ = visit(browser, f"{site}/{rel}", **PHONE)
        if mode == "dark":
            page.evaluate("""() => { document.documentElement.dataset.mode = "dark";
                                     document.documentElement.dataset.theme = "dark"; }""")
        page.wait_for_timeout(300)  # face-value.js frames figures and equations on load
        report = page.evaluate(
            """([textPx, minPx, exempt]) => {
            const out = [];
            const cue = (el, box) => {
                const frame = el.closest(".fv-scroll-frame");
                const ox = getComputedStyle(box).overflowX;
                if (!["auto", "scroll"].includes(ox)) return `overflow-x ${ox}`;
                if (!frame || !frame.classList.contains("fv-more-right")) return "no scroll cue";
                const after = getComputedStyle(frame, "::after");
                if (after.content === "none" || parseFloat(after.opacity) < 0.5) {
                    return "scroll cue not shown";
                }
                return "";
            };
            const figures = "article .cell_output img, article figure img";
            document.querySelectorAll(figures).forEach(img => {
                if (!img.naturalWidth) return;
                const cs = getComputedStyle(img);
                const shown = img.getBoundingClientRect().width;  // the picture, without padding:
                const sides = ["paddingLeft", "paddingRight",
                               "borderLeftWidth", "borderRightWidth"];
                const inner = shown - sides.reduce((sum, k) => sum + parseFloat(cs[k]), 0);
                const px = inner / img.naturalWidth * textPx;
                const src = img.getAttribute("src").slice(0, 80);
                if (px < minPx - 0.01) out.push(`figure ${src}: text ${px.toFixed(1)}px`);
                const box = img.closest(".fv-scroll-box");
                if (box && box.scrollWidth > box.clientWidth + 1) {
                    const bad = cue(img, box);
                    if (bad) out.push(`figure ${src} overflows: ${bad}`);
                } else if (!box && shown > img.parentElement.clientWidth + 1) {
                    out.push(`figure ${src} overflows its box with no scroll box`);
                }
            });
            document.querySelectorAll("article div.math mjx-container").forEach(box => {
                if (box.scrollWidth > box.clientWidth + 1) {
                    const bad = cue(box, box);
                    if (bad) out.push(`equation ${box.textContent.slice(0, 40)}: ${bad}`);
                }
            });
            document.querySelectorAll("article *").forEach(el => {
                if (el.closest(exempt)) return;
                if (el.closest("mjx-container") && el.tagName !== "MJX-CONTAINER") return;
                const ox = getComputedStyle(el).overflowX;
                if ((ox === "hidden" || ox === "clip") && el.scrollWidth > el.clientWidth + 1
                        && el.getClientRects().length) {
                    out.push(`clipped: <${el.tagName.toLowerCase()} class="${el.className}"> `
                             + `${el.scrollWidth}px of content in ${el.clientWidth}px`);
                }
            });
            const doc = document.documentElement;
            if (doc.scrollWidth > doc.clientWidth + 1) {
                out.push(`the page scrolls sideways: ${doc.scrollWidth}px`);
            }
            return out;
        }""",
            [text_px, MIN_TEXT_PX, CLIP_EXEMPT],
        )
        problems += [f"{rel} ({mode}): {r}" for r in report]
        context.close()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


# ------------------------------------------------------------------ ARIA


def test_no_deprecated_aria_roles(browser, site, built_book):
    """axe-core's aria-deprecated-role (impact "minor", so the WCAG test above does not
    report it) on every page and Sphinx's own pages."""
    script = AXE.read_text(encoding="utf-8")
    problems = []
    for rel in [p.as_posix() for p in pages(built_book)] + SPHINX_PAGES:
        context, page, _, _ = visit(browser, f"{site}/{rel}")
        page.add_script_tag(content=script)
        found = page.evaluate("""async () => {
            const r = await axe.run(document,
                {runOnly: {type: "rule", values: ["aria-deprecated-role"]}});
            return r.violations.map(
                v => [v.nodes.length, v.nodes.slice(0, 3).map(n => n.html.slice(0, 80))]);
        }""")
        problems += [
            f"{rel}: {count} element(s) with a deprecated role, e.g. {html}"
            for count, html in found
        ]
        context.close()
    assert not problems, "\n".join(problems)


def test_explorers_sit_on_no_light_frame_in_dark_mode(browser, site):
    """The theme puts HTML outputs on a light card in dark mode; an explorer (its own dark
    card) must not keep that card as a light frame around it."""
    context, page, _, _ = visit(browser, f"{site}/chapters/04-bias.html")
    page.evaluate("""() => { document.documentElement.dataset.mode = "dark";
                             document.documentElement.dataset.theme = "dark"; }""")
    frames = page.eval_on_selector_all(
        ".fv-explorer",
        "els => els.map(e => getComputedStyle(e.parentElement).backgroundColor)")
    context.close()
    assert frames, "no explorer on chapter 4"
    assert all(bg in ("rgba(0, 0, 0, 0)", "transparent") for bg in frames), frames


# ---------------------------------------------------------------- folded code


def test_code_is_folded_and_one_button_shows_it_all(browser, site, built_book):
    """A reader who does not program sees no code: every code cell of a chapter is folded
    behind a "Show code" line (its output stays in view), and the page's one "Show all code"
    button opens every fold, by keyboard too, and the choice holds on the next page."""
    context, page, _, console = visit(browser, f"{site}/chapters/03-thresholds.html")
    state = page.evaluate("""() => {
        const cells = [...document.querySelectorAll("article div.cell")];
        const withCode = cells.filter(c => c.querySelector("div.cell_input"));
        const folded = withCode.filter(c => c.querySelector(":scope > details.hide > summary")
                                             && !c.querySelector(":scope > details.hide").open);
        const outputsShown = cells.filter(c => c.querySelector(":scope > div.cell_output"));
        const button = document.querySelector(".fv-code-toggle button");
        return {withCode: withCode.length, folded: folded.length, outputs: outputsShown.length,
                button: button && button.textContent, pressed: button && button.ariaPressed};
    }""")
    assert state["withCode"] > 10 and state["folded"] == state["withCode"], state
    assert state["outputs"] > 5, "the outputs (figures, explorers) stay outside the folds"
    assert state["button"] == "Show all code" and state["pressed"] == "false", state
    # By keyboard: focus the button and press Enter.
    page.focus(".fv-code-toggle button")
    page.keyboard.press("Enter")
    opened = page.evaluate("""() => [...document.querySelectorAll(".cell.fv-folded > details.hide")]
                                     .every(d => d.open)""")
    assert opened and page.inner_text(".fv-code-toggle button") == "Hide all code"
    assert page.locator("article div.cell_input").first.is_visible()
    # The next page opens with its code shown, until the reader folds it again.
    page.goto(f"{site}/chapters/04-bias.html", wait_until="networkidle")
    assert page.evaluate("""() => [...document.querySelectorAll(".cell.fv-folded > details.hide")]
                                  .every(d => d.open)""")
    page.click(".fv-code-toggle button")
    page.goto(f"{site}/chapters/03-thresholds.html", wait_until="networkidle")
    assert page.inner_text(".fv-code-toggle button") == "Show all code"
    assert not page.locator("article div.cell_input").first.is_visible()
    assert not [m for m in console if m[0] in ("error", "pageerror")], console
    context.close()


def test_no_figure_scrolls_on_a_desktop(browser, site, built_book):
    """At 1280 px every figure fits the column at a scale where its smallest text is legible:
    only a phone scrolls figures sideways (a figure too wide for a desktop must be drawn
    narrower, not shrunk or scrolled)."""
    wide = []
    for rel in _chapters(built_book):
        context, page, _, _ = visit(browser, f"{site}/{rel}",
                                    viewport={"width": 1280, "height": 900})
        page.wait_for_timeout(300)
        wide += page.evaluate("""() => [...document.querySelectorAll(".fv-scroll-box img")]
            .filter(img => img.closest(".fv-scroll-box").scrollWidth
                           > img.closest(".fv-scroll-box").clientWidth + 1)
            .map(img => `${location.pathname}: ${img.getAttribute("alt").slice(0, 60)}`)""")
        context.close()
    assert not wide, "\n".join(wide)
