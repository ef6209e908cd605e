"""Finding things (areas/search.py): every area of the demo found, in any case; the officer's
% and _ taken literally; exact matches first; the limit; nothing for blank text; text the
window cannot show is not found; and a force's 50,000 staff searched in SQL. Real encrypted
workbooks; nothing is mocked."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DEMO_PASSPHRASE, PASSPHRASE

from opcc_desktop.areas import narrative, outline, schemes, services, workforce
from opcc_desktop.areas.search import Hit, like_pattern, search, snippet
from opcc_desktop.areas.vocab import WORKFORCE_CHARACTERISTICS
from opcc_desktop.store.workbook import Workbook

FORCE = 50_000


@pytest.fixture(scope="module")
def demo(demo_path: Path):
    with Workbook.open(demo_path, DEMO_PASSPHRASE, readonly=True) as book:
        yield book


@pytest.fixture(scope="module")
def force(tmp_path_factory: pytest.TempPathFactory):
    """A force's workforce: 50,000 staff E000000...E049999 at 31 March 2024, and three of them
    a year before."""
    path = tmp_path_factory.mktemp("force") / "force.opcc"
    answers = {name: options[0] for name, options in WORKFORCE_CHARACTERISTICS.items()}
    with Workbook.create(path, PASSPHRASE) as book:
        earlier = workforce.add_snapshot(book, "2023-03-31").rows[0].key["id"]
        workforce.add_staff_rows(book, earlier, [{"staff_ref": f"E0{n}", **answers} for n in (12345, 12346, 99999)])
        latest = workforce.add_snapshot(book, "2024-03-31").rows[0].key["id"]
        workforce.add_staff_rows(book, latest, [{"staff_ref": f"E{n:06d}", **answers} for n in range(FORCE)])
        yield book, earlier, latest


def areas(hits: list[Hit]) -> set[str]:
    return {hit.area for hit in hits}


# -- the demo --------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "area", "label"), [
    ("OPCC0007", "staff", "Staff OPCC0007 — snapshot 31 March 2022"),
    ("Harbour", "service", "Service: Harbour (Domestic abuse)"),
    ("Youth Triage", "scheme", "Scheme: Youth Triage"),
    ("Number of 999 calls received", "kpi", "KPI: Number of 999 calls received"),
    ("Victim Mapping", "goal", "Goal (set for 2021/22): Victim Mapping"),
    ("Responsive Services", "edi_area", "EDI area: Responsive Services"),
])  # fmt: skip
def test_every_area_is_found_by_its_name_exact_first(demo, text: str, area: str, label: str) -> None:
    first = search(demo, text)[0]
    assert (first.area, first.label, first.exact) == (area, label, True)


def test_the_hits_hold_what_the_window_needs_to_show_them(demo) -> None:
    staff = search(demo, "OPCC0024")  # a leaver: in the 2021 snapshot only
    assert [(h.snapshot_id, h.staff_ref) for h in staff] == [(1, "OPCC0024")]
    assert demo.scalar("SELECT staff_ref FROM staff WHERE id = ?", [staff[0].row_id]) == "OPCC0024"
    kpi = search(demo, "drone pilots")[0]
    assert demo.scalar("SELECT name FROM kpis WHERE id = ?", [kpi.row_id]) == "Number of drone pilots in force"
    update = next(h for h in search(demo, "induction of new team") if h.area == "goal")
    assert update.year == "2021/22"
    assert update.label == ("Goal update 2021/22: OPCC Team Training Needs Assessment — …training focus was the "
                            "induction of new team members.")  # fmt: skip
    evidence = search(demo, "seldom-heard")[0]
    assert (evidence.area, evidence.year) == ("edi_area", "2021/22")


def test_narrative_is_found_with_its_document_period_section_and_words(demo) -> None:
    hit = search(demo, "public sector equality duty")[0]
    assert (hit.area, hit.report, hit.year, hit.quarter, hit.section) == (
        "narrative", "annual-equality", "2021/22", 0, "introduction")  # fmt: skip
    assert hit.label.startswith("Annual report 2021/22 › Introduction: …")
    assert "Public Sector Equality Duty require" in hit.label  # the words, without their bold markup
    quarterly = search(demo, "three-year funding was confirmed")[0]
    assert (quarterly.report, quarterly.quarter, quarterly.section) == ("performance-update", 2, "delivery")
    assert quarterly.label.startswith("Performance update 2021/22 Q2 › Delivery update: ")
    nested = search(demo, "focus groups with young people")[0]  # a slot inside a part worked out from figures
    assert nested.label.startswith("Annual report 2021/22 › Consultation: ")


def test_matching_ignores_case(demo) -> None:
    assert search(demo, "HARBOUR") == search(demo, "harbour") == search(demo, "hArBoUr")
    assert search(demo, "opcc0007")[0].staff_ref == "OPCC0007"


def test_exact_matches_come_first_then_the_areas_in_the_tabs_order(demo) -> None:
    hits = search(demo, "divert")
    assert hits[0].label == "Scheme: Divert"
    assert areas(hits) == {"scheme", "narrative"}
    order = ["staff", "service", "scheme", "kpi", "goal", "edi_area", "narrative"]
    ranks = [order.index(h.area) for h in search(demo, "victim")]
    assert ranks == sorted(ranks) and len(set(ranks)) >= 3


def test_blank_text_finds_nothing(demo) -> None:
    for text in ("", "   ", "\t\n"):
        assert search(demo, text) == []


def test_the_limit_is_kept(demo) -> None:
    assert len(search(demo, "OPCC", limit=5)) == 5
    assert len(search(demo, "e")) == 50
    assert search(demo, "OPCC", limit=0) == []


# -- % and _ are letters -----------------------------------------------------------------------
def test_like_pattern_escapes_the_wildcards_and_the_escape() -> None:
    assert like_pattern("50%_a\\b") == "%50\\%\\_a\\\\b%"
    assert like_pattern("E01", prefix=True) == "E01%"


def test_percent_underscore_and_backslash_match_only_themselves(wb) -> None:
    for name in ("100% Club", "1000 Club", "A_B service", "AxB service", "C\\D service", "CD service"):
        services.add_service(wb, {"name": name})
    names = lambda text: [h.label.removeprefix("Service: ") for h in search(wb, text)]
    assert names("%") == ["100% Club"]
    assert names("0% c") == ["100% Club"]
    assert names("_") == ["A_B service"]
    assert names("a_b") == ["A_B service"]
    assert names("\\") == ["C\\D service"]
    assert names("c\\d") == ["C\\D service"]


def test_an_exact_name_in_a_later_area_comes_before_a_partial_one(wb) -> None:
    services.add_service(wb, {"name": "Harbour House"})
    schemes.add_scheme(wb, {"name": "Harbour"})
    assert [h.label for h in search(wb, "harbour")] == ["Scheme: Harbour", "Service: Harbour House"]


def test_text_the_window_cannot_show_is_not_found(wb) -> None:
    """A section's text outlives the section when an earlier year's outline drops it: the
    later year follows that outline, so the Reports tab never shows the text."""
    narrative.set_narrative(wb, "annual-equality", "2022/23", "conclusion", "Orphaned words here.")
    narrative.set_narrative(wb, "annual-equality", "2022/23", "foreword", "Shown words here.")
    assert {h.section for h in search(wb, "words here")} == {"conclusion", "foreword"}
    kept = [(p.key, p.title) for p in outline.outline(wb, "annual-equality", "2021/22") if p.key != "conclusion"]
    outline.set_outline(wb, "annual-equality", "2021/22", kept)
    assert [h.section for h in search(wb, "words here")] == ["foreword"]


def test_snippet_shows_whole_words_around_the_match() -> None:
    text = "The Office is a small team, so fuller breakdowns are not published in the annual report or the pack."
    around = "…is a small team, so fuller breakdowns are not published in the annual report or the…"
    assert snippet(text, "BREAKDOWNS") == around
    assert snippet("Short text", "short") == "Short text"
    assert snippet("Short **bold** text", "bold") == "Short bold text"


# -- a force's workforce ---------------------------------------------------------------------
def test_a_staff_ref_among_fifty_thousand_is_found_exactly(force) -> None:
    book, earlier, latest = force
    hits = search(book, "e012345")
    assert [(h.staff_ref, h.snapshot_id, h.exact) for h in hits[:2]] == [("E012345", latest, True),
                                                                        ("E012345", earlier, True)]  # fmt: skip
    assert book.scalar("SELECT staff_ref FROM staff WHERE id = ?", [hits[0].row_id]) == "E012345"


def test_a_part_of_a_ref_finds_the_refs_holding_it_prefix_first(force) -> None:
    book, _, latest = force
    hits = search(book, "E01234")
    assert [h.staff_ref for h in hits[:10]] == [f"E01234{n}" for n in range(10)]
    assert {h.snapshot_id for h in hits[:10]} == {latest}
    inside = search(book, "99999")
    assert [(h.staff_ref, h.exact) for h in inside] == [("E099999", False)]  # only the earlier snapshot's


def test_a_broad_search_of_fifty_thousand_stops_at_the_limit(force) -> None:
    book, _, _ = force
    hits = search(book, "E0", limit=50)
    assert len(hits) == 50 and areas(hits) == {"staff"}
    assert search(book, "no such ref") == []
