"""The fact file is the one source of truth for figures about the world."""

import re
from pathlib import Path

import pybtex.database
import pytest

from facelab.faces import read_csv
from facelab.sources import facts
from facelab.views import tables

ROOT = Path(__file__).resolve().parent.parent
BIB = pybtex.database.parse_file(ROOT / "references.bib").entries
PROSE = sorted(ROOT.glob("chapters/*.md")) + [ROOT / "intro.md"]
# A glued fact, then (in the same sentence) the first citation after it.
GLUED = re.compile(r"\{glue:md\}`fact_([a-z0-9_]+)`"
                   r"(?=([^.{]*(?:\{glue:md\}`[^`]+`[^.{]*)*\{cite:[pt]\}`([^`]+)`)?)")
ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def test_every_fact_is_dated_cited_and_well_formed():
    cards = facts.all_facts()
    assert cards, "facts.csv is empty"
    for card in cards.values():
        assert ISO.match(card.date), (card.key, card.date)
        assert card.source in BIB, f"{card.key}: source {card.source!r} not in references.bib"
        assert card.status in {"checked", "from-knowledge"}, card.key
        assert card.display and card.unit, card.key


def test_every_data_file_row_cites_a_real_source():
    for row in read_csv("events.csv"):
        assert row["source"] in BIB, f"events.csv: {row['source']!r} not in references.bib"
    for row in read_csv("market.csv"):
        facts.fact(row["fact"])  # the figure itself lives in facts.csv


def test_gender_shades_headlines_agree_with_the_table():
    table = {(r["vendor"], r["subgroup"]): float(r["error_pct"])
             for r in read_csv("gender_shades.csv")}
    assert len(table) == 12
    assert facts.value("gs_error_darker_female_max_pct") == max(
        v for (_, g), v in table.items() if g == "darker_female")
    assert facts.value("gs_error_lighter_male_max_pct") == max(
        v for (_, g), v in table.items() if g == "lighter_male")


def test_every_citation_in_the_prose_exists():
    for path in PROSE:
        for roles in re.findall(r"\{cite:[pt]\}`([^`]+)`", path.read_text(encoding="utf-8")):
            for key in roles.split(","):
                assert key.strip() in BIB, f"{path.name}: unknown citation {key!r}"


def test_a_glued_fact_is_cited_to_its_own_source_where_it_is_used():
    seen = 0
    for path in PROSE:
        for key, cite, source in GLUED.findall(path.read_text(encoding="utf-8")):
            seen += 1
            card = facts.fact(key)  # raises if the key is unknown
            assert cite, f"{path.name}: fact_{key} is used without a citation after it"
            assert card.source in [s.strip() for s in source.split(",")], (
                f"{path.name}: fact_{key} is cited to {source}, but its source is {card.source}")
    assert seen > 0


def test_unknown_fact_suggests_close_keys():
    some_key = next(iter(facts.all_facts()))
    with pytest.raises(ValueError, match="Did you mean"):
        facts.fact(some_key + "x")


def test_claims_table_cites_every_row():
    rows = read_csv("market.csv")
    text = tables.claims_table(rows).data
    assert text.count("{cite:p}") == len(rows)
    assert facts.fact(rows[0]["fact"]).display.replace("$", "\\$") in text
    with pytest.raises(ValueError, match="rows"):
        tables.claims_table([])


def test_chapter_9_data_files_cite_real_sources():
    arrests = read_csv("arrests.csv")
    assert [r["key"] for r in arrests] == ["williams", "oliver", "parks", "reid", "woodruff"]
    for row in arrests:
        assert ISO.match(row["arrested"]), row["key"]
        facts.fact(row["held"])  # how long each was held is a fact card
        for key in row["sources"].split(";"):
            assert key in BIB, f"arrests.csv: {key!r} not in references.bib"
    changes = read_csv("changes.csv")
    assert [r["date"] for r in changes] == sorted(r["date"] for r in changes)
    for row in changes:
        assert ISO.match(row["date"]) and row["date"] >= "2020-06", row
        assert row["source"] in BIB, f"changes.csv: {row['source']!r} not in references.bib"
