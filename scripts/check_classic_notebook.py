"""Manual check (not a test): the explorers in the classic Jupyter Notebook.

The book's environment pins JupyterLab; the classic Notebook (6.x) is not in
it. To check the explorers there, install it in a separate environment and
point it at the book's kernel, then run this script with the book's Python:

    python3.11 -m venv /tmp/nbc && /tmp/nbc/bin/pip install notebook==6.5.7
    mkdir -p /tmp/classic && JUPYTER_PATH=$PWD/.venv/share/jupyter /tmp/nbc/bin/jupyter notebook \\
        --allow-root --no-browser --port 8899 --NotebookApp.token='' --notebook-dir=/tmp/classic &
    .venv/bin/python scripts/check_classic_notebook.py /tmp/classic http://127.0.0.1:8899

It writes a notebook showing both explorers, runs it in the browser, moves the
threshold slider by keyboard, compares the page's readout with
``ThresholdExplorer.numbers`` in the same kernel, types a threshold into the
number box and commits it with Enter (the Notebook's own shortcuts must not see
those keys: typing ``8`` in command mode would otherwise turn the cell into
Markdown), and saves screenshots ``before.png`` and ``after.png`` beside the
notebook. The explorers live in :mod:`facelab.views.explorers`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from playwright.sync_api import sync_playwright

FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update"]
SETUP = """import numpy as np
from facelab.views import explorers
rng = np.random.default_rng(0)
genuine = np.clip(rng.normal(85, 8, 600), 0, 100)
impostor = np.clip(rng.normal(55, 12, 6000), 0, 100)
ex = explorers.threshold_explorer(genuine, impostor, threshold=80,
                                  title="classic Notebook: threshold")
ex"""
WATCH = """scores = np.clip(rng.normal(55, 12, (200, 5000)), 0, 100)
sizes = [10, 100, 1000, 5000]
wl = explorers.watchlist_explorer(explorers.gallery_max_scores(scores, sizes), sizes, threshold=80,
                                  title="classic Notebook: watchlist")
wl"""


def main(folder: Path, url: str) -> int:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SETUP),
                                         nbformat.v4.new_code_cell(WATCH)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, folder / "explorers-classic.ipynb")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1400})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{url}/notebooks/explorers-classic.ipynb")
        page.wait_for_function("() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel"
                               " && Jupyter.notebook.kernel.is_connected()", timeout=60000)
        page.evaluate("() => Jupyter.notebook.execute_all_cells()")
        page.wait_for_selector("input[type=range]", timeout=120000)
        page.wait_for_timeout(2000)
        page.screenshot(path=str(folder / "before.png"), full_page=True)
        slider = page.locator("input[type=range]").first
        slider.focus()
        for _ in range(200):  # step 0.01: 80.00 -> 82.00
            page.keyboard.press("ArrowRight")
        page.wait_for_timeout(300)
        text = page.locator(".output_area").first.inner_text()
        page.screenshot(path=str(folder / "after.png"), full_page=True)
        # Type a threshold and commit it with Enter: none of these keys may reach the
        # Notebook's command-mode shortcuts (8 would make the cell Markdown, 0 0 restart).
        cells = "() => Jupyter.notebook.get_cells().map(c => c.cell_type).join()"
        cells_before = page.evaluate(cells)
        box = page.locator("input[type=number]").first
        box.focus()
        page.keyboard.press("Control+A")
        page.keyboard.type("87.005")
        page.keyboard.press("Enter")
        page.wait_for_timeout(300)
        typed = slider.input_value()
        quiet = page.evaluate(cells) == cells_before
        page.evaluate("() => { const c = Jupyter.notebook.insert_cell_at_bottom('code');"
                      " c.set_text('n = ex.numbers(82.0); print(n[\"fmr\"], n[\"fnmr\"])');"
                      " Jupyter.notebook.execute_cells([Jupyter.notebook.ncells() - 1]); }")
        page.wait_for_timeout(4000)
        fmr, fnmr = page.locator(".output_area").last.inner_text().split()[:2]
        browser.close()
    ok = slider_ok = "82.00" in text
    typed_ok = typed == "87"            # 87.005 rounds half to even on its digits: 87.00
    ok = ok and fmr in text and fnmr in text and not errors and typed_ok and quiet
    print(f"slider moved to 82.00: {slider_ok}; page shows Python's FMR {fmr} and FNMR {fnmr}: "
          f"{fmr in text and fnmr in text}; typed 87.005 + Enter: slider at {typed} "
          f"({'as' if typed_ok else 'NOT as'} the rule says); cells untouched by those keys: "
          f"{quiet}; page errors: {errors or 'none'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2].rstrip("/")))
