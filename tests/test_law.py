"""The rules file and the fines: every rule cited, tagged and dated; totals add up."""

import re
from pathlib import Path

import pybtex.database
import pytest

from facelab.faces import read_csv
from facelab.sources import facts, law
from facelab.views import tables

ROOT = Path(__file__).resolve().parent.parent
BIB = pybtex.database.parse_file(ROOT / "references.bib").entries


@pytest.fixture(scope="module")
def rules():
    return law.read_rules()


def test_every_rule_cites_a_real_source(rules):
    for r in rules:
        assert r["source"] in BIB, f"{r['key']}: source {r['source']!r} not in references.bib"


def test_every_rule_reaches_something_and_answers_an_issue(rules):
    for r in rules:
        assert r["scope"] and set(r["scope"]) <= set(law.SCOPES), r["key"]
        assert r["addresses"] and set(r["addresses"]) <= set(law.ISSUES), r["key"]


def test_issue_labels_have_the_book_form():
    # Every issue links to a chapter label of the book's form.
    for label, _ in law.ISSUES.values():
        assert re.fullmatch(r"ch-[a-z]+", label)


def test_eu_ban_on_live_police_identification_reaches_only_live_police_use(rules):
    keys, scopes, covered = law.scope_matrix(rules)
    row = covered[keys.index("eu_ai_act_5_1_h")]
    assert [s for s, c in zip(scopes, row, strict=True) if c] == ["police-live"]


def test_only_portland_among_city_bans_reaches_private_businesses(rules):
    cities = [r for r in rules if r["kind"] == "city"]
    assert [r["key"] for r in cities if "private" in r["scope"]] == ["portland_2020"]


def test_scope_matrix_shape_and_order(rules):
    keys, scopes, covered = law.scope_matrix(rules)
    assert keys == [r["key"] for r in rules]
    assert scopes == list(law.SCOPES)
    assert covered.shape == (len(rules), len(law.SCOPES))
    assert covered.any(axis=1).all()


def test_rule_dates_agree_with_the_event_file(rules):
    events = {row["source"]: row["date"] for row in read_csv("events.csv")}
    for r in rules:
        if r["source"] in events and r["kind"] in {"company", "city"}:
            assert r["date"] == events[r["source"]], r["key"]


def test_rules_table_cites_every_row_and_links_issues(rules):
    text = tables.rules_table(rules, columns=("jurisdiction", "addresses")).data
    assert text.count("{cite:p}") == len(rules)
    assert "{ref}`ch-bias`" in text
    with pytest.raises(ValueError, match="columns"):
        tables.rules_table(rules, columns=("nonsense",))
    with pytest.raises(ValueError, match="rows"):
        tables.rules_table([])


def test_bad_rules_file_is_refused(tmp_path, monkeypatch):
    import facelab.faces.datasets as ds

    good = (ROOT / "facelab" / "data" / "jurisdictions.csv").read_text(encoding="utf-8")
    bad = good.replace(",police-live,matching;thresholds,", ",police-live,nonsense,", 1)
    (tmp_path / "bad.csv").write_text(bad, encoding="utf-8")
    monkeypatch.setattr(ds, "_data_path", lambda name: tmp_path / name)
    with pytest.raises(ValueError, match="unknown issue"):
        law.read_rules("bad.csv")


def test_fines_come_from_the_fact_file_in_date_order():
    rows = law.fines()
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    for r in rows:
        assert r["amount"] == facts.value(r["key"])
        assert r["currency"] in {"EUR", "GBP"}
    assert {r["country"] for r in rows} >= {"Italy", "France", "Greece", "Netherlands", "UK"}


def test_fines_table_cites_every_fine():
    rows = law.fines()
    text = tables.fines_table(rows).data
    assert text.count("{cite:p}") == len(rows)
    with pytest.raises(ValueError, match="rows"):
        tables.fines_table([])


def test_totals_do_not_mix_currencies():
    rows = law.fines()
    totals = law.totals_by_currency(rows)
    assert set(totals) == {r["currency"] for r in rows}
    assert totals["EUR"] == sum(r["amount"] for r in rows if r["currency"] == "EUR")
    with pytest.raises(ValueError, match="prefix"):
        law.fines("no_such_prefix_")


def test_datasheets_cover_every_section_for_every_data_set():
    rows = read_csv("datasheets.csv")
    sections = {"motivation", "composition", "collection", "preprocessing", "uses",
                "distribution", "maintenance"}
    assert len(sections) == facts.value("datasheet_sections")
    for dataset in ("olivetti", "synthetic", "dlib-resnet"):
        assert {r["section"] for r in rows if r["dataset"] == dataset} == sections
    for r in rows:
        assert r["status"] in {"documented", "not documented", "measured", "by design",
                               "book's judgement"}
        if r["status"] == "documented":
            assert r["source"] in BIB, r["question"]


def test_olivetti_datasheet_says_consent_is_not_documented():
    rows = read_csv("datasheets.csv")
    for dataset in ("olivetti", "dlib-resnet"):
        consent = [r for r in rows if r["dataset"] == dataset and "consent" in r["question"]]
        assert consent and all(r["status"] == "not documented" for r in consent)
