"""The statutory workforce statement: always published, the headcount exact and the three
proportions protected by rounding (never the suppression symbol), and the pre-flight's
warnings when the rounded figures may still identify someone."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest
from conftest import DEMO_PASSPHRASE, PASSPHRASE

from opcc_desktop.areas import settings, workforce
from opcc_desktop.areas.publications import record_publication
from opcc_desktop.areas.vocab import WORKFORCE_CHARACTERISTICS
from opcc_desktop.documents import annual_equality
from opcc_desktop.documents.html_document import HtmlDocument
from opcc_desktop.documents.preflight import preflight
from opcc_desktop.errors import ValidationError
from opcc_desktop.exchange.export import export_data
from opcc_desktop.exchange.load import import_exchange
from opcc_desktop.exchange.sources import read
from opcc_desktop.figures import publishable
from opcc_desktop.figures.workforce_statement import (
    StatementCounts,
    consistent_counts,
    joiner_warnings,
    rounded_proportion,
    rounding_sentence,
    small_group_warnings,
    statement,
)
from opcc_desktop.store.workbook import Workbook

YEAR = "2021/22"
ADVICE = "decide with the information governance lead how to publish it"

# -- rounding, on plain numbers ------------------------------------------------------------------


@pytest.mark.parametrize(("count", "headcount", "rounding", "printed"), [
    (3, 8, "whole", "38%"),  # 37.5 half-up
    (3, 8, "5", "40%"),
    (3, 8, "10", "40%"),
    (1, 8, "5", "15%"),  # 12.5% to the nearest 5: the half rounds up
    (7, 8, "5", "90%"),  # 87.5%
    (3, 40, "5", "10%"),  # 7.5%
    (1, 20, "10", "10%"),  # 5%: the half rounds up
    (1, 4, "10", "30%"),  # 25%
    (1, 200, "whole", "1%"),  # 0.5%
    (1, 201, "whole", "0%"),
    (1, 50, "5", "0%"),  # 2%: rounds to 0%, printed as a true zero is (so a joiner is hidden)
    (49, 50, "5", "100%"),
    (0, 5, "5", "0%"),
    (5, 5, "5", "100%"),
    # 12.4503%: rounded once, from the exact proportion (12.5 first would give 15%)
    (94, 755, "5", "10%"),
    (0, 0, "5", "n/a"),
])  # fmt: skip
def test_rounding_is_half_up_from_the_exact_proportion(count, headcount, rounding, printed) -> None:
    assert rounded_proportion(count, headcount, rounding) == printed


@pytest.mark.parametrize(("count", "printed"), [
    (0, "under 10%"), (2, "under 10%"), (3, "10% to under 25%"), (7, "10% to under 25%"),
    (8, "25% to under 50%"), (15, "50% to under 75%"), (26, "75% to under 90%"),
    (27, "90% or more"), (30, "90% or more"),
])  # fmt: skip
def test_bands_hold_none_with_a_few_and_all_with_all_but_a_few(count, printed) -> None:
    assert rounded_proportion(count, 30, "bands") == printed


def test_bad_rounding_or_count_is_refused() -> None:
    with pytest.raises(ValueError):
        rounded_proportion(1, 8, "7")
    with pytest.raises(ValueError):
        rounded_proportion(9, 8, "5")


def test_the_sentence_says_how_the_proportions_are_rounded() -> None:
    assert rounding_sentence("5") == ("Proportions are rounded to the nearest 5% to protect individuals, so 0% "
                                      "may mean a few staff rather than none, and 100% all but a few.")  # fmt: skip
    assert rounding_sentence("whole").startswith("Proportions are rounded to the nearest 1% to protect")
    assert rounding_sentence("10").startswith("Proportions are rounded to the nearest 10% to protect")
    assert rounding_sentence("bands").startswith(
        "Proportions are shown in bands (under 10%, 10% to under 25%, 25% to under 50%, 50% to under 75%, "
        "75% to under 90%, 90% or more) to protect individuals")  # fmt: skip


def test_statement_holds_text_only_never_a_group_count() -> None:
    printed = statement(StatementCounts("2022-03-31", 4, 3, 1, 0), "5")
    assert (printed.headcount_text, printed.women, printed.ethnic_minority, printed.disabled) == (
        "4", "75%", "25%", "0%")  # fmt: skip
    assert all(isinstance(getattr(printed, group), str) for group in ("women", "ethnic_minority", "disabled"))


def test_counts_a_reader_can_infer_from_a_printed_proportion() -> None:
    assert consistent_counts("5%", 25, "5") == range(1, 2)  # 2.5% to under 7.5% of 25
    assert consistent_counts("0%", 50, "5") == range(0, 2)
    assert consistent_counts("under 10%", 30, "bands") == range(0, 3)


# -- the pre-flight's warnings, on plain numbers ---------------------------------------------------


def test_small_groups_and_their_outsides_are_named() -> None:
    counts = StatementCounts("2022-03-31", 20, 19, 0, 2)  # 1 man, nobody from a minority, 2 disabled
    assert small_group_warnings(counts, 5) == [
        "fewer than 5 of the 20 staff are not women (men, or sex not declared): the proportion of women "
        f"printed (95%, rounded) may still identify them; {ADVICE}",
        "fewer than 5 of the 20 staff are disabled: the proportion of disabled staff printed (10%, rounded) "
        f"may still identify them; {ADVICE}",
    ]
    assert small_group_warnings(counts, 0) == []  # small-number protection switched off


def test_a_headcount_below_the_threshold_is_one_warning() -> None:
    assert small_group_warnings(StatementCounts("2022-03-31", 4, 2, 0, 1), 5) == [
        "the headcount (4) is below the disclosure threshold of 5, so the rounded proportions of the "
        f"workforce statement may still identify individual staff; {ADVICE}"
    ]


def test_a_single_joiner_revealed_by_the_rounded_figures() -> None:
    before = StatementCounts("2021-03-31", 24, 10, 2, 0)
    after = StatementCounts("2022-03-31", 25, 10, 2, 1)
    found = joiner_warnings(after, before, "2020/21", 5, "5")
    assert (f"the headcount went up by 1 since the statement published for 2020/21 (24 to 25) and the "
            "proportion of disabled staff went from 0% to 5%, so a reader can conclude that the person who "
            f"joined is disabled; {ADVICE}") in found  # fmt: skip
    # 2 of 24 and 2 of 25 both print 10% (nearest 5), which can be 2, then 2 or 3: the change
    # is 0 or 1, so the joiner is hidden
    assert not any("ethnic minority" in line for line in found)
    # nor is it revealed that the joiner is not a woman: 10 of 24 (40%: 9 or 10) then 10 of 25
    # (40%: 10 only)
    assert len(found) == 1


def test_crossing_a_band_boundary_reveals_the_joiner() -> None:
    # 12 of 24 is 50% ("50% to under 75%": 12 to 17), 12 of 25 is 48% ("25% to under 50%": 7 to 12)
    found = joiner_warnings(StatementCounts("b", 25, 12, 0, 0), StatementCounts("a", 24, 12, 0, 0), "2020/21", 5,
                            "bands")  # fmt: skip
    assert [line.split(", so ")[1] for line in found] == [f"a reader can conclude that the person who joined is "
                                                          f"not a woman; {ADVICE}"]  # fmt: skip


def test_bands_protect_the_single_joiner() -> None:
    before = StatementCounts("2021-03-31", 24, 10, 2, 0)
    after = StatementCounts("2022-03-31", 25, 10, 2, 1)
    assert joiner_warnings(after, before, "2020/21", 5, "bands") == []


def test_leavers_and_several_joiners() -> None:
    before = StatementCounts("2021-03-31", 25, 12, 2, 1)
    after = StatementCounts("2022-03-31", 24, 12, 2, 0)
    assert any(line.endswith(f"the person who left was disabled; {ADVICE}")
               for line in joiner_warnings(after, before, "2020/21", 5, "5"))  # fmt: skip
    # two joiners, neither a woman: 20 of 40 (50%) then 20 of 42 (48%) pin the change at 0
    two = joiner_warnings(StatementCounts("b", 42, 20, 0, 0), StatementCounts("a", 40, 20, 0, 0), "2020/21", 5,
                          "whole")  # fmt: skip
    assert any("none of the 2 people who joined is a woman" in line for line in two)
    # a change of the threshold or more is not a few people
    assert joiner_warnings(StatementCounts("b", 45, 25, 0, 5), StatementCounts("a", 40, 20, 0, 0), "2020/21", 5,
                           "whole") == []  # fmt: skip


# -- on real encrypted workbooks and real documents ------------------------------------------------


def _staff(wb: Workbook, snapshot_date: str, people: list[tuple[str, str, str]]) -> None:
    """One snapshot; each person is (sex, ethnicity, disability)."""
    snapshot = workforce.add_snapshot(wb, snapshot_date).rows[0].key["id"]
    base = {name: options[0] for name, options in WORKFORCE_CHARACTERISTICS.items()}
    workforce.add_staff_rows(wb, snapshot, [
        {**base, "staff_ref": f"HR{snapshot_date[:4]}{n:03d}", "sex": sex, "ethnicity": ethnicity, "disability": disabled}
        for n, (sex, ethnicity, disabled) in enumerate(people)
    ])  # fmt: skip


def _statement_text(wb: Workbook) -> tuple[str, str]:
    """The workforce statement as printed in the PDF (read back) and in the HTML edition."""
    data = annual_equality.build(wb, YEAR, 0).to_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    html = annual_equality.build(wb, YEAR, 0, document=HtmlDocument).to_bytes().decode("utf-8")
    pdf_part = re.split(r"\d+ Victims and Criminal Justice Services", text.split("Workforce statement", 1)[1])[0]
    html_part = re.split(r"\d+ Victims and Criminal Justice Services", html.split("Workforce statement", 1)[1])[0]
    return pdf_part, html_part


FOUR = [("Female", "White British", "No"), ("Female", "Asian or Asian British", "No"),
        ("Male", "White British", "Yes"), ("Female", "White British", "Not declared")]  # fmt: skip


def test_a_headcount_of_four_is_printed_exactly_and_nothing_is_suppressed(wb: Workbook) -> None:
    _staff(wb, "2022-03-31", FOUR)
    pdf, html = _statement_text(wb)
    flat = " ".join(pdf.split())
    assert "staff headcount: 4" in flat
    assert "women: 75% of staff" in flat
    assert "from an ethnic minority: 25% of staff" in flat
    assert "disabled: 25% of staff" in flat
    assert ("The headcount is exact; proportions are of all staff, including those who did not declare. "
            "Proportions are rounded to the nearest 5% to protect individuals") in flat  # fmt: skip
    assert "*" not in pdf
    assert "staff headcount: <b>4</b>" in html
    assert "women: <b>75%</b> of staff" in html
    assert "disabled: <b>25%</b> of staff" in html
    assert "*" not in html


def test_the_setting_is_read_from_the_file(wb: Workbook, workbook_path: Path) -> None:
    _staff(wb, "2022-03-31", FOUR * 5)  # 20 staff: 15 women, 5 minority, 5 disabled
    settings.set_setting(wb, "disclosure.workforce_rounding", "bands")
    settings.set_setting(wb, "disclosure.symbol", "[c]")
    wb.close()
    with Workbook.open(workbook_path, PASSPHRASE, readonly=True) as book:
        assert settings.settings(book)["disclosure.workforce_rounding"] == "bands"
        pdf, html = _statement_text(book)
    flat = " ".join(pdf.split())
    assert "staff headcount: 20" in flat
    assert "women: 75% to under 90% of staff" in flat
    assert "from an ethnic minority: 25% to under 50% of staff" in flat
    assert "Proportions are shown in bands (under 10%," in flat
    assert "[c]" not in pdf and "[c]" not in html
    assert "women: <b>75% to under 90%</b> of staff" in html


def test_the_setting_is_checked_and_defaults_to_five(wb: Workbook) -> None:
    assert settings.settings(wb)["disclosure.workforce_rounding"] == "5"
    settings.set_setting(wb, "disclosure.workforce_rounding", 10)  # a spreadsheet's number
    assert settings.settings(wb)["disclosure.workforce_rounding"] == "10"
    settings.set_setting(wb, "disclosure.workforce_rounding", "Whole")
    assert settings.settings(wb)["disclosure.workforce_rounding"] == "whole"
    with pytest.raises(ValidationError, match="bands"):
        settings.set_setting(wb, "disclosure.workforce_rounding", "7")


def test_the_setting_travels_in_the_exchange_workbook(wb: Workbook, tmp_path: Path) -> None:
    settings.set_setting(wb, "disclosure.workforce_rounding", "10")
    out = tmp_path / "office.xlsx"
    export_data(wb, out)
    with Workbook.create(tmp_path / "copy.opcc", PASSPHRASE) as copy:
        import_exchange(copy, read(out))
        assert settings.settings(copy)["disclosure.workforce_rounding"] == "10"


def test_the_demo_report_publishes_all_three_proportions(demo_path: Path) -> None:
    with Workbook.open(demo_path, DEMO_PASSPHRASE, readonly=True) as book:
        pdf, html = _statement_text(book)
        found = [str(f) for f in preflight(book, "annual-equality", YEAR)]
    flat = " ".join(pdf.split())
    # 25 staff: 22 women, 1 from an ethnic minority, 1 disabled
    assert "staff headcount: 25" in flat
    assert "women: 90% of staff" in flat
    assert "from an ethnic minority: 5% of staff" in flat
    assert "disabled: 5% of staff" in flat
    assert "*" not in pdf and "*" not in html
    workforce_lines = [line for line in found if line.startswith("Workforce:")]
    assert len(workforce_lines) == 3  # the men, the one from an ethnic minority, the one disabled


def test_preflight_names_a_small_group(wb: Workbook) -> None:
    _staff(wb, "2022-03-31", [("Female", "White British", "No")] * 19 + [("Male", "White British", "No")])
    found = [str(f) for f in preflight(wb, "annual-equality", YEAR)]
    assert ("Workforce: fewer than 5 of the 20 staff are not women (men, or sex not declared): the proportion of "
            f"women printed (95%, rounded) may still identify them; {ADVICE}") in found  # fmt: skip
    settings.set_setting(wb, "disclosure.threshold", 0)
    assert not any(line.startswith("Workforce:") for line in map(str, preflight(wb, "annual-equality", YEAR)))


def test_preflight_finds_a_single_joiner_revealed_since_the_published_year(wb: Workbook) -> None:
    # 2020/21: 24 staff, 10 women, 2 from an ethnic minority, nobody disabled; 2021/22: one
    # more, who is disabled
    people = [("Female" if n >= 14 else "Male", "Asian or Asian British" if n < 2 else "White British", "No")
              for n in range(24)]  # fmt: skip
    _staff(wb, "2021-03-31", people)
    _staff(wb, "2022-03-31", [*people, ("Male", "White British", "Yes")])
    revealed = ("Workforce: the headcount went up by 1 since the statement published for 2020/21 (24 to 25) and the "
                "proportion of disabled staff went from 0% to 5%, so a reader can conclude that the person who "
                f"joined is disabled; {ADVICE}")  # fmt: skip
    assert revealed not in map(str, preflight(wb, "annual-equality", YEAR))  # 2020/21 not published yet
    record_publication(wb, "annual-equality", "2020/21", published_on="2021-09-30")
    found = [str(f) for f in preflight(wb, "annual-equality", YEAR)]
    assert revealed in found
    assert publishable.workforce_statement(wb, YEAR).disabled == "5%"
    settings.set_setting(wb, "disclosure.workforce_rounding", "bands")
    assert not any("joined" in line for line in map(str, preflight(wb, "annual-equality", YEAR)))
