"""Numbers in figure alt text and captions come from the code, not typed by hand.

Alt text and captions are cell metadata (``mystnb: image: alt:``, ``figure: caption:``),
written before the cell runs. A number that a chapter measures or simulates reaches them
through a glue role, as in the prose (``_ext/fv_alt_glue.py`` resolves it at build time).
A decimal number or a percentage typed into them must be on an allow-list below, with
the reason it cannot go stale.
"""

from __future__ import annotations

import re

import pytest
import yaml

from facelab.faces import read_csv
from facelab.sources import facts

from .conftest import ROOT

CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))
METADATA = re.compile(r"^```\{code-cell\}[^\n]*\n---\n(.*?)\n---\n", re.M | re.S)
GLUE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)(?::[^`]*)?`")
NUMBER = re.compile(r"\d+(?:\.\d+)?\s*(?:%|per\s?cent\b)|\d+\.\d+")  # a percentage or a decimal

# Typed numbers, as regular expressions on the alt text or caption: (chapters, pattern, why).
DESIGN = [
    ("*", r"95% intervals?", "the confidence level of every interval, a choice"),
    ("02-matching 03-thresholds", r"0\.01%(, 0\.1%, 1%, 10%)? (to|and) 50%",
     "DET axis ticks"),
    ("03-thresholds", r"through 50%", "the level at which the text reads each curve, a choice"),
    ("03-thresholds", r"below 5%", "the level at which the text reads the FNMR curve, a choice"),
    ("03-thresholds", r"to 100% at the top", "the top of the scale, where every FNMR ends"),
    ("04-bias", r"\d+% (group )?B\b|\bat (5|10|25|50|75|90)%|(\d+, )+\d+ and \d+ percent",
     "training mixes, inputs of the experiment"),
    ("04-bias", r"rates of 0\.1% \(blue circles\) and 1%|match rate of 1%, by",
     "FMRs at which thresholds are set and the DET gap is read, inputs"),
    ("05-masks", r"1% false matches", "FMR at which the threshold is set, an input"),
    ("synthetic-faces", r"0\.35 elsewhere|line at 0\.75|between 0\.75 and 1 times",
     "standard deviations and nuisance strengths of the generator, inputs"),
    ("synthetic-faces", r"0\.1 percent line", "an FMR drawn as a reference line, a choice"),
]
# Published figures typed as the fact file displays them: chapter -> typed text -> fact key.
PUBLISHED = {"06-provenance": {"30.5 million": "clearview_fine_netherlands_eur"},
             "07-market": {"3.1 million": "met_lfr_faces_scanned"}}
# A published table drawn as it is: each of its cells may be typed.
TABLES = {"04-bias": ("gender_shades.csv", "error_pct")}


def figure_texts(path):
    """(where, text) of every alt text and caption in a chapter's cell metadata."""
    for block in METADATA.findall(path.read_text(encoding="utf-8")):
        mystnb = (yaml.safe_load(block) or {}).get("mystnb") or {}
        figure = mystnb.get("figure") or {}
        for where, text in ((f"{figure.get('name')} alt", (mystnb.get("image") or {}).get("alt")),
                            (f"{figure.get('name')} caption", figure.get("caption"))):
            if text:
                yield f"{path.stem}, {where}", text


def typed_numbers(chapter: str, text: str) -> list[str]:
    """The numbers in ``text`` that are neither glued nor allowed for ``chapter``."""
    text = GLUE.sub("", text)
    for chapters, pattern, _ in DESIGN:
        if chapters == "*" or chapter in chapters.split():
            text = re.sub(pattern, "", text)
    for shown in PUBLISHED.get(chapter, {}):
        text = text.replace(shown, "")
    cells = set()
    if chapter in TABLES:
        name, column = TABLES[chapter]
        cells = {f"{float(row[column]):.1f}" for row in read_csv(name)}
    return [n for n in NUMBER.findall(text) if n not in cells]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_number_in_alt_text_and_captions_is_glued(path):
    for where, text in figure_texts(path):
        typed = typed_numbers(path.stem, text)
        assert not typed, f"{where}: glue {typed} from the code, or say in DESIGN why not"


def test_the_check_catches_a_typed_rate():
    assert typed_numbers("04-bias", "B's rate falls from about 0.17% at 5% B") == ["0.17%"]
    assert typed_numbers("04-bias", "falls from {glue:text}`ch4_fmr_b_5` at 5% B") == []


def test_typed_published_figures_are_the_fact_files():
    for chapter, shown in PUBLISHED.items():
        for text, key in shown.items():
            assert text in facts.fact(key).display, (chapter, key)


def test_every_key_glued_into_alt_text_is_glued_by_its_chapter():
    for path in CHAPTERS:
        source = path.read_text(encoding="utf-8")
        # glue("key", ...) or glue(f"prefix_{x}_suffix", ...): a placeholder matches anything
        keys = [re.sub(r"\\\{.*?\\\}", ".+", re.escape(k))
                for k in re.findall(r"\bglue\(\s*f?\"([^\"]+)\"", source)]
        for where, text in figure_texts(path):
            for key in GLUE.findall(text):
                assert any(re.fullmatch(k, key) for k in keys), f"{where}: {key} is not glued"
