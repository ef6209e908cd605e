"""The year's disclosure plan: what it hides, what it lets documents print, how earlier
editions fix it, and the audit that gates export (the planner and the auditor are separate
code; here each is held to the other)."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from conftest import DEMO_PASSPHRASE

from opcc_desktop.documents.export import check_disclosure
from opcc_desktop.errors import OpccError
from opcc_desktop.figures import public_plan
from opcc_desktop.figures.disclosure import Policy
from opcc_desktop.figures.plan import Plan, Printed
from opcc_desktop.figures.plan_audit import audit_printed, audit_shown, decide_audited
from opcc_desktop.store.workbook import Workbook
from ui.cli import main

ROWS, COLUMNS = ["Theft", "Public order", "Other"], ["Male", "Female"]


@pytest.fixture
def demo(demo_path):
    with Workbook.open(demo_path, DEMO_PASSPHRASE, readonly=True) as book:
        yield book


@pytest.fixture
def demo_copy(demo_path, tmp_path):
    copy = tmp_path / "demo.opcc"
    shutil.copyfile(demo_path, copy)
    return copy


def offences(theft_female: int, public_order_female: int = 20, other_female: int = 10) -> dict:
    return {("Theft", "Male"): 151, ("Theft", "Female"): theft_female, ("Public order", "Male"): 241,
            ("Public order", "Female"): public_order_female, ("Other", "Male"): 30,
            ("Other", "Female"): other_female}  # fmt: skip


def planned(counts: dict, threshold: int = 5, earlier: dict | None = None):
    plan = Plan(Policy(threshold))
    plan.table("T", counts, ROWS, COLUMNS)
    if earlier:
        plan.edition(earlier)
    return decide_audited(plan)


def every_cell(decided) -> None:
    """Read every cell and every column percentage, as a document printing the table would."""
    for r in [*ROWS, "Total"]:
        for c in [*COLUMNS, "Total"]:
            decided.cell(f"T/{r}/{c}")
            decided.share(f"T/{r}/{c}", f"T/Total/{c}")


def test_a_small_cell_is_hidden_with_a_partner_in_its_row_and_column() -> None:
    decided = planned(offences(4))
    assert not decided.shown("T/Theft/Female")
    row = [k for k in decided.hidden if k.startswith("T/Theft/") and k != "T/Theft/Female"]
    column = [k for k in decided.hidden if k.endswith("/Female") and k != "T/Theft/Female"]
    assert row and column
    every_cell(decided)
    assert audit_printed(decided).ok


def test_a_percentage_is_printed_only_when_its_count_and_base_are_shown() -> None:
    decided = planned(offences(4))
    assert decided.share("T/Theft/Female", "T/Total/Female").text == "*"
    assert decided.share("T/Public order/Male", "T/Total/Male").text.endswith("%")


def test_every_part_of_a_small_group_is_hidden_zeros_too() -> None:
    decided = planned(offences(2, public_order_female=0, other_female=0))
    female = [f"T/{r}/Female" for r in [*ROWS, "Total"]]
    assert all(not decided.shown(k) for k in female)  # "both women were referred for theft" is not read off
    every_cell(decided)
    report = audit_printed(decided)
    assert report.ok, report.findings


def test_a_small_groups_part_of_a_printed_zero_needs_no_protection() -> None:
    """Nobody in any service is 18-24: service A's one user is hidden whole, its 18-24 zero
    too, but that zero is everyone's (the all-services 0 is printed) and cannot be protected;
    the plan protects the rest and passes its audit without hiding everything."""
    plan = Plan(Policy(5))
    a = plan.distribution("A", {"18-24": 0, "25-64": 1})
    b = plan.distribution("B", {"18-24": 0, "25-64": 20})
    for band in ("18-24", "25-64"):
        plan.total(f"All/{band}", [f"A/{band}", f"B/{band}"])
    plan.total("All/Total", ["All/18-24", "All/25-64"])
    plan.relate("All/Total", [a, b])
    decided = decide_audited(plan, time_limit=5.0)
    assert decided.fallback_groups == 0
    assert decided.shown("All/18-24") and not decided.shown("A/18-24")
    assert not decided.shown("A/25-64") and not decided.shown("A/Total")
    assert decided.shown("All/Total")  # trying to protect that zero would hide every free figure
    assert decided.audit.ok, decided.audit.findings


def test_two_hidden_ones_do_not_add_up_to_a_known_small_number() -> None:
    decided = planned(offences(1, other_female=1))
    every_cell(decided)
    report = audit_printed(decided)
    assert report.ok and all(report.intervals[k].hi is None or report.intervals[k].hi >= 5
                             for k in ("T/Theft/Female", "T/Other/Female"))  # fmt: skip


@pytest.mark.parametrize("threshold", [3, 5, 10])
def test_thresholds(threshold: int) -> None:
    decided = planned(offences(2, other_female=8), threshold)
    assert decided.shown("T/Theft/Female") == (2 >= threshold)
    assert decided.shown("T/Other/Female") or 8 < threshold or not audit_shown(decided).findings
    every_cell(decided)
    assert audit_printed(decided).ok


def test_an_earlier_edition_fixes_what_it_printed_and_the_people_added_since_are_protected() -> None:
    before = {f"T/{r}/{c}": Printed(v, True) for (r, c), v in offences(10).items()}
    before |= {"T/Theft/Total": Printed(161, True), "T/Total/Female": Printed(40, True)}
    decided = planned(offences(12), earlier=before)  # two women referred for theft since
    every_cell(decided)
    assert not decided.shown("T/Theft/Female")
    report = audit_printed(decided)
    assert report.ok, report.findings


def test_without_the_earlier_edition_the_difference_would_show(tmp_path) -> None:
    decided = planned(offences(12))  # planned alone, everything shown...
    assert decided.shown("T/Theft/Female")
    before = {f"T/{r}/{c}": Printed(v, True) for (r, c), v in offences(10).items()}
    plan = Plan(Policy(5))
    plan.table("T", offences(12), ROWS, COLUMNS)
    plan.edition(before)
    unplanned = plan.decide()
    forced = type(unplanned)(unplanned.policy, unplanned.values, unplanned.model, frozenset(unplanned.model.latent))
    every_cell(forced)  # ...which, beside the earlier edition, gives the 2 away
    assert {f.kind for f in audit_printed(forced).findings} & {"exact", "below_threshold"}


def test_export_refuses_a_document_the_audit_finds_disclosive() -> None:
    decided = planned(offences(4))
    leaky = type(decided)(decided.policy, decided.values, decided.model, frozenset({"T/Theft/Female"}))
    every_cell(leaky)
    with pytest.raises(OpccError, match="disclosure audit found"):
        check_disclosure(leaky, "performance-update")


def test_the_demo_years_pass_the_audit_of_everything_shown(demo: Workbook) -> None:
    for year in ("2020/21", "2021/22"):
        decided = public_plan.decide(demo, year)
        assert decided.hidden and not decided.fallback_groups
        assert audit_shown(decided).ok


def test_publishing_records_what_was_printed_and_the_next_edition_keeps_it(demo_copy, tmp_path) -> None:
    pp = tmp_path / "pp"
    pp.write_text(DEMO_PASSPHRASE)
    run = CliRunner().invoke
    base = ["report", str(demo_copy), "--passphrase-file", str(pp), "--report", "performance-update",
            "--year", "2021/22", "--format", "html"]  # fmt: skip
    done = run(main, [*base, "--quarter", "4", "-o", str(tmp_path / "q4.html"), "--publish"])
    assert done.exit_code == 0, done.output
    with Workbook.open(demo_copy, DEMO_PASSPHRASE, readonly=True) as wb:
        stored = wb.rows("SELECT key, value, shown FROM published_figures")
        assert stored and any(not r["shown"] for r in stored)
        decided = public_plan.decide(wb, "2021/22")
        assert any(k.startswith("earlier 1/") for k in decided.model.values)  # planned with the edition
        assert audit_shown(decided).ok
    done = run(main, [*base, "--quarter", "4", "-o", str(tmp_path / "q4-revised.html")])
    assert done.exit_code == 0, done.output


def test_a_document_is_gated_by_the_audit_of_everything_shown_which_implies_its_own(demo: Workbook) -> None:
    from opcc_desktop.documents import annual_equality, performance_update
    from opcc_desktop.figures.plan_audit import audit_document

    for document in (annual_equality.build(demo, "2021/22"), performance_update.build(demo, "2021/22", 3)):
        plan = document.disclosure_plan
        assert plan.audit is not None and audit_document(plan) is plan.audit
        assert plan.audit.ok and audit_printed(plan).ok  # the implication, checked on the demo


def test_without_a_passing_plan_audit_the_document_is_audited_itself() -> None:
    from opcc_desktop.figures.plan_audit import audit_document

    decided = planned(offences(4))
    leaky = type(decided)(decided.policy, decided.values, decided.model, frozenset({"T/Theft/Female"}))
    every_cell(leaky)
    assert leaky.audit is None and not audit_document(leaky).ok
