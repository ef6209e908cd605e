"""The rounding method: counts of people shown rounded to 5 or 10 (small ones still hidden),
percentages from the rounded counts, and the plan and the audit knowing a reader can tell a
rounded count only to within half the base."""

from __future__ import annotations

import io
import re
import shutil

import pdfplumber
import pytest
from conftest import DEMO_PASSPHRASE

from opcc_desktop.areas import settings
from opcc_desktop.documents import annual_equality, performance_update
from opcc_desktop.errors import OpccError
from opcc_desktop.figures import publishable
from opcc_desktop.figures.disclosure import Policy
from opcc_desktop.figures.plan import Plan
from opcc_desktop.figures.plan_audit import audit_printed, decide_audited
from opcc_desktop.store.workbook import Workbook


def test_rounding_half_up_and_what_a_reader_can_tell() -> None:
    five = Policy(8, "*", 5)
    assert [five.shown(v) for v in (0, 8, 12, 13, 17)] == [0, 10, 10, 15, 15]
    assert five.could_be(12) == (8, 12) and five.could_be(13) == (13, 17) and five.could_be(0) == (0, 0)
    ten = Policy(8, "*", 10)
    assert ten.shown(15) == 20 and ten.could_be(15) == (15, 24)
    with pytest.raises(ValueError, match="threshold above 2"):
        Policy(2, "*", 5)
    with pytest.raises(ValueError):
        Policy(8, "*", 3)


def test_rounding_protects_what_exact_counts_would_need_more_hidden_for() -> None:
    counts = {("Theft", "Male"): 151, ("Theft", "Female"): 9, ("Other", "Male"): 30, ("Other", "Female"): 6}
    hidden = {}
    for policy in (Policy(8, "*"), Policy(8, "*", 5)):
        plan = Plan(policy)
        plan.table("T", counts, ["Theft", "Other"], ["Male", "Female"])
        decided = decide_audited(plan)
        for r in ("Theft", "Other", "Total"):
            for c in ("Male", "Female", "Total"):
                decided.cell(f"T/{r}/{c}")
        assert audit_printed(decided).ok
        hidden[policy.round_to] = decided.hidden
    assert "T/Other/Female" in hidden[0] and "T/Other/Female" in hidden[5]
    assert len(hidden[5]) <= len(hidden[0])


def test_settings_that_do_not_fit_together_are_one_clear_message(wb) -> None:
    settings.set_setting(wb, "disclosure.threshold", 2)
    settings.set_setting(wb, "disclosure.round_to", 5)
    with pytest.raises(OpccError, match="disclosure.threshold or disclosure.round_to"):
        publishable.policy(wb)


@pytest.fixture
def rounded_demo(demo_path, tmp_path):
    copy = tmp_path / "demo.opcc"
    shutil.copyfile(demo_path, copy)
    with Workbook.open(copy, DEMO_PASSPHRASE) as book:
        settings.set_setting(book, "disclosure.threshold", 8)
        settings.set_setting(book, "disclosure.round_to", 5)
        yield book


def _text(document) -> str:
    with pdfplumber.open(io.BytesIO(document.to_bytes())) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_the_demo_documents_print_rounded_counts_and_pass_the_audit(rounded_demo) -> None:
    update = performance_update.build(rounded_demo, "2021/22", 4)
    assert audit_printed(update.disclosure_plan).ok
    text = _text(update)
    start = re.search(r"Table \d+: Divert participants by offence type", text).start()
    table = text[start:text.index("Table ", start + 6)]
    counts = [int(n) for n in re.findall(r"(?<![\d.,])(\d+)(?= \d+\.\d%)", table)]
    assert counts and all(n % 5 == 0 for n in counts)
    assert "45 33.3%" in table  # 45 of the rounded 135 women, not of the true 136
    assert "rounded to the nearest 5" in text
    annual = annual_equality.build(rounded_demo, "2021/22")
    assert audit_printed(annual.disclosure_plan).ok
    assert "rounded to the nearest 5" in _text(annual)


def test_no_change_or_ratio_of_counts_of_people_undoes_the_rounding(rounded_demo) -> None:
    text = _text(performance_update.build(rounded_demo, "2021/22", 4))
    bullets = [line for line in text.splitlines() if line.startswith("• Complaint allegations")]
    # a change worked out from exact counts would give them back: each says why there is none
    assert bullets and all("no change can be given" in b and "%" not in b for b in bullets)
    ratio = next(line for line in text.splitlines() if line.startswith("% of stop and searches"))
    assert "%" not in ratio.removeprefix("% of stop and searches")  # every quarter "*"


def test_a_figure_that_is_no_count_of_people_can_be_below_the_threshold_when_rounded() -> None:
    five = Policy(8, "*", 5)
    assert five.could_be(3, people=False) == (3, 7)  # printed 5: a count of people would be at least 8
    assert five.could_be(12, people=False) == (8, 12) and five.could_be(13, people=False) == (13, 17)
