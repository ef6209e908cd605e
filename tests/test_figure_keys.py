"""Figure keys made from the officers' own names: a "/" in a name (the census's "Asian/Asian
British") stays inside its part, and no category can take the name of a table's total."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opcc_desktop.areas import schemes, services
from opcc_desktop.areas.figure_keys import key_part, key_parts
from opcc_desktop.documents.preflight import preflight
from opcc_desktop.errors import ValidationError
from opcc_desktop.figures import public_plan
from opcc_desktop.store.workbook import Workbook

YEAR = "2021/22"


@given(st.lists(st.text(alphabet="ab/\\", max_size=4), min_size=1, max_size=4))
def test_key_parts_undo_key_part(names: list[str]) -> None:
    assert key_parts("/".join(key_part(n) for n in names)) == names


def test_names_without_a_slash_keep_their_keys() -> None:
    """Keys recorded by published editions stay the same for every ordinary name."""
    assert public_plan.service_key("Harbour", "ethnicity", "White British") == "Services/Harbour/ethnicity/White British"
    assert public_plan.kpi_key("Hate crimes", YEAR, 2) == "KPI/Hate crimes/2021\\/22/Q2"


def service_with(wb: Workbook, name: str, counts: dict[str, int]) -> None:
    services.add_service(wb, {"name": name})
    service_id = next(s["id"] for s in services.services(wb) if s["name"] == name)
    for category, count in counts.items():
        services.set_service_count(wb, service_id, YEAR, 1, "ethnicity", category, count)


def test_a_slash_in_names_stays_in_its_part_in_the_plan_and_in_preflight(wb: Workbook) -> None:
    service_with(wb, "Drug/alcohol service", {"Asian/Asian British": 2, "White British": 40, "Mixed": 30})
    service_with(wb, "Drug", {"alcohol service": 20, "Asian/Asian British": 30, "White British": 40})
    plan = public_plan.decide(wb, YEAR)
    key = public_plan.service_key("Drug/alcohol service", "ethnicity", "Asian/Asian British")
    assert plan.values[key] == 2 and not plan.shown(key)
    assert plan.values[public_plan.service_key("Drug", "ethnicity", "alcohol service")] == 20
    lines = [str(f) for f in preflight(wb, "annual-equality", YEAR)]
    assert any("Services › Drug/alcohol service › ethnicity: hidden Asian/Asian British" in line for line in lines), lines


@pytest.mark.parametrize("name", ["Total", " total ", "TOTAL"])
def test_no_category_or_gender_is_called_total(wb: Workbook, name: str) -> None:
    services.add_service(wb, {"name": "Harbour"})
    (service,) = services.services(wb)
    with pytest.raises(ValidationError, match="the name of every table's total row and column"):
        services.set_service_count(wb, service["id"], YEAR, 1, "age", name, 3)
    schemes.add_scheme(wb, {"name": "Divert"})
    (scheme,) = schemes.schemes(wb)
    with pytest.raises(ValidationError, match="total"):
        schemes.set_scheme_count(wb, scheme["id"], YEAR, "offence_type", "Theft", 3, gender=name)
    with pytest.raises(ValidationError, match="total"):
        schemes.set_scheme_count(wb, scheme["id"], YEAR, "offence_type", name, 3, gender="Female")
    assert services.service_counts(wb, service["id"]) == []


def test_an_exchange_workbook_with_a_category_called_total_is_refused_where_it_says(wb: Workbook, tmp_path) -> None:
    import openpyxl

    from opcc_desktop.errors import ImportRefused
    from opcc_desktop.exchange.export import export_data
    from opcc_desktop.exchange.importing import import_file

    service_with(wb, "Harbour", {"White British": 40})
    path = tmp_path / "exchange.xlsx"
    export_data(wb, path)
    book = openpyxl.load_workbook(path)
    sheet = book["service_counts"]
    column = [c.value for c in sheet[1]].index("category") + 1
    sheet.cell(2, column).value = "Total"
    book.save(path)
    with pytest.raises(ImportRefused) as refused:
        import_file(wb, path)
    (problem,) = refused.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("service_counts", 2, "category")
    assert "total row and column" in str(problem)
    assert [r["category"] for r in services.service_counts(wb, services.services(wb)[0]["id"])] == ["White British"]
