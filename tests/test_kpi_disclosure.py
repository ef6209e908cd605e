"""KPIs that count people go through the year's disclosure plan in the performance update:
small quarterly values are hidden, a sum of such KPIs cannot give them back, and no change
is printed on a hidden value ("an increase of 100.0%" on 1 -> 2)."""

from __future__ import annotations

import io

import pdfplumber

from opcc_desktop.areas import kpis
from opcc_desktop.documents import performance_update
from opcc_desktop.figures import public_plan
from opcc_desktop.figures.plan_audit import audit_printed


def _group(wb) -> int:
    outcome = kpis.add_outcome(wb, "Fairness").rows[0].key["id"]
    return kpis.add_group(wb, outcome, "Hate and discrimination").rows[0].key["id"]


def _kpi(wb, group: int, name: str, people: bool) -> int:
    values = {"name": name, "unit": "count", "polarity": "neutral", "counts_people": int(people)}
    return kpis.add_kpi(wb, group, values).rows[0].key["id"]


def _text(wb, quarter: int = 2) -> str:
    document = performance_update.build(wb, "2021/22", quarter)
    with pdfplumber.open(io.BytesIO(document.to_bytes())) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_small_counts_of_people_are_hidden_and_no_change_is_printed_on_them(wb) -> None:
    group = _group(wb)
    complaints = _kpi(wb, group, "Complaints of discriminatory behaviour", people=True)
    calls = _kpi(wb, group, "Calls about hate incidents", people=False)
    for year, first, second in (("2020/21", 1, 40), ("2021/22", 2, 45)):
        kpis.set_kpi_value(wb, complaints, year, 1, first)
        kpis.set_kpi_value(wb, complaints, year, 2, second)
        kpis.set_kpi_value(wb, calls, year, 1, first)
        kpis.set_kpi_value(wb, calls, year, 2, second)
    text = _text(wb)
    complaints_row = next(line for line in text.splitlines() if line.startswith("Complaints of discriminatory"))
    calls_row = next(line for line in text.splitlines() if line.startswith("Calls about hate"))
    assert "*" in complaints_row and " 1 " not in f" {complaints_row} " and " 2 " not in f" {complaints_row} "
    assert {"1", "2"} <= set(calls_row.split())  # not people: printed as typed
    assert "an increase of 100.0%" not in text
    plan = public_plan.decide(wb, "2021/22")
    assert not plan.shown(public_plan.kpi_key("Complaints of discriminatory behaviour", "2021/22", 1))


def test_a_sum_of_people_kpis_does_not_give_a_hidden_part_back(wb) -> None:
    group = _group(wb)
    women = _kpi(wb, group, "Hate crimes against women", people=True)
    men = _kpi(wb, group, "Hate crimes against men", people=True)
    kpis.add_kpi(wb, group, {"name": "Hate crimes recorded", "unit": "count", "polarity": "neutral",
                             "counts_people": 1}, derived_kind="sum", inputs=[women, men])  # fmt: skip
    for quarter, (w, m) in enumerate(((3, 40), (12, 30)), 1):
        kpis.set_kpi_value(wb, women, "2021/22", quarter, w)
        kpis.set_kpi_value(wb, men, "2021/22", quarter, m)
    plan = public_plan.decide(wb, "2021/22")
    key = public_plan.kpi_key
    assert not plan.shown(key("Hate crimes against women", "2021/22", 1))
    assert not plan.shown(key("Hate crimes against men", "2021/22", 1)) or not plan.shown(
        key("Hate crimes recorded", "2021/22", 1))
    document = performance_update.build(wb, "2021/22", 2)
    assert audit_printed(document.disclosure_plan).ok


def test_the_kpis_the_plan_reads_are_those_counting_people_and_what_they_are_made_from(wb) -> None:
    """The KPIs tab makes the plan again only after an edit of one of these: a value of any
    other KPI must leave what the update hides exactly as it was."""
    group = _group(wb)
    women = _kpi(wb, group, "Hate crimes against women", people=False)  # counted in a sum that counts people
    men = _kpi(wb, group, "Hate crimes against men", people=True)
    total = kpis.add_kpi(wb, group, {"name": "Hate crimes recorded", "unit": "count", "polarity": "neutral",
                                     "counts_people": 0}, derived_kind="sum", inputs=[women, men]).rows[0].key["id"]  # fmt: skip
    calls = _kpi(wb, group, "Calls about hate incidents", people=False)
    assert public_plan.kpis_planned(wb, "2021/22") == {women, men, total}
    for quarter, (w, m, c) in enumerate(((30, 2, 2), (12, 30, 7)), 1):
        for kpi, value in ((women, w), (men, m), (calls, c)):
            kpis.set_kpi_value(wb, kpi, "2021/22", quarter, value)
    hidden = public_plan.decide(wb, "2021/22").hidden
    assert hidden  # something small is hidden
    for value in (1, 2, 500):
        kpis.set_kpi_value(wb, calls, "2021/22", 1, value)
        assert public_plan.decide(wb, "2021/22").hidden == hidden
    kpis.set_kpi_value(wb, men, "2021/22", 1, 41)
    assert public_plan.decide(wb, "2021/22").hidden != hidden
