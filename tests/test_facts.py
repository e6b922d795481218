"""The fact file is the one source of truth for figures about the world."""

import re
from pathlib import Path

import pybtex.database
import pytest

from facelab import facts
from facelab.datasets import read_csv

ROOT = Path(__file__).resolve().parent.parent
BIB = pybtex.database.parse_file(ROOT / "references.bib").entries
PROSE = sorted(ROOT.glob("chapters/*.md")) + [ROOT / "intro.md"]
GLUED = re.compile(r"\{glue:md\}`fact_([a-z0-9_]+)`(\s*\{cite:[pt]\}`([^`]+)`)?")
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
    for name in ("events.csv", "market.csv"):
        for row in read_csv(name):
            for key in row["source"].split(";"):
                assert key.strip() in BIB, f"{name}: {key!r} not in references.bib"


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
    text = facts.claims_table(rows).data
    assert text.count("{cite:p}") == len(rows)
    with pytest.raises(ValueError, match="rows"):
        facts.claims_table([])
