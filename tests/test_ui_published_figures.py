"""The Services and KPIs tabs show what the public documents will print, read from the year's
disclosure plan (the one the documents print from), and say in plain words why a figure is
withheld; the plan is read once per refresh, never per cell."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from ui_support import tab_opener

from opcc_desktop.areas import kpis, services
from opcc_desktop.areas.vocab import SERVICE_DIMENSIONS
from opcc_desktop.figures import area_views as av
from opcc_desktop.figures import equality_tables as et
from opcc_desktop.figures import public_plan, publishable
from opcc_desktop.figures.kpi_views import withheld_kpi_values
from opcc_desktop.figures.plan import Decided
from ui.tabs.kpis import WITHHELD_ROLE, KpisTab
from ui.tabs.services import ServicesTab

PRIMARY = "Hidden: fewer than 5 people."
SECONDARY = "Hidden so that a small number cannot be worked out from the totals or the year's other figures."
RANGE = "A reader can tell only that it is between"
SARC = "Teesside Sexual Assault Referral Centre"
DISCRIMINATORY = "Complaint allegations: discriminatory behaviour"
CALLS = "Number of 999 calls received"


@pytest.fixture
def open_services(qtbot):
    yield from tab_opener(qtbot, ServicesTab)


@pytest.fixture
def open_kpis(qtbot):
    yield from tab_opener(qtbot, KpisTab)


@pytest.fixture
def plans_made(monkeypatch) -> list[str]:
    """The financial years a plan was made for (not read from the cache)."""
    made: list[str] = []
    real = public_plan._decide

    def counted(wb, financial_year: str, period: int) -> Decided:  # type: ignore[no-untyped-def]
        made.append(financial_year)
        return real(wb, financial_year, period)

    monkeypatch.setattr(public_plan, "_decide", counted)
    return made


def published_column(tab: ServicesTab) -> int:
    return [c.key for c in tab.count_model.columns].index("published")


def choose_service(tab: ServicesTab, name: str) -> None:
    row = next(i for i, r in enumerate(tab.service_model.rows) if r["name"] == name)
    tab.service_table.setCurrentIndex(tab.service_model.index(row, 0))


def choose_year(tab: ServicesTab, year: str) -> None:
    tab.year.setCurrentIndex(tab.year.findData(year))


def printed_profile(wb, year: str, service: str) -> dict[tuple[str, str], str]:  # type: ignore[no-untyped-def]
    """(characteristic, category) -> what the annual report's appendix prints for ``service``."""
    plan, rows = public_plan.decide(wb, year), publishable.service_counts(wb, year)
    printed = {}
    for dimension in SERVICE_DIMENSIONS:
        header, body = et.profile_by_service(plan, rows, dimension)
        for line in body:
            if line[0] == service:
                printed |= {(dimension, c): text for c, text in zip(header[1:], line[1:])}
    return printed


# -- Services ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", ["2022/23", "2021/22"])
def test_services_tab_shows_exactly_what_the_annual_report_prints(open_services, demo, year) -> None:
    tab = open_services(demo)
    choose_service(tab, SARC)
    choose_year(tab, year)
    assert tab.count_model.headerData(published_column(tab), Qt.Orientation.Horizontal) == "% of year\n(published)"
    printed = printed_profile(demo.wb, year, SARC)
    shown = {(r["dimension"], r["category"]): r["published"] for r in tab.count_model.rows}
    assert shown == {key: printed[key] for key in shown}  # every category the tab lists, as printed
    assert len(shown) == len(tab.count_model.rows) > 20
    texts = set(shown.values())
    assert "*" in texts and any(t.endswith("%") for t in texts)  # some withheld, some printed
    column = published_column(tab)
    for at, row in enumerate(tab.count_model.rows):
        assert tab.count_model.index(at, column).data() == row["published"]


def test_a_withheld_figure_shows_the_symbol_and_says_why(open_services, demo) -> None:
    tab = open_services(demo)
    choose_service(tab, SARC)
    year = tab.year.currentData()
    plan = public_plan.decide(demo.wb, year)
    column = published_column(tab)
    kinds = set()
    for at, row in enumerate(tab.count_model.rows):
        key = public_plan.service_key(SARC, row["dimension"], row["category"])
        index = tab.count_model.index(at, column)
        tip = index.data(Qt.ItemDataRole.ToolTipRole)
        if key not in plan.hidden:
            assert "Hidden" not in tip and index.data(Qt.ItemDataRole.BackgroundRole) is None
            continue
        assert index.data() == "*" and index.data(Qt.ItemDataRole.BackgroundRole) is not None
        interval = plan.audit.intervals[key]
        assert f"{RANGE} {interval.lo} and {interval.hi}." in tip
        small = 0 < plan.values[key] < 5
        assert (PRIMARY if small else SECONDARY) in tip and (SECONDARY if small else PRIMARY) not in tip
        kinds.add(small)
    assert kinds == {True, False}  # the demo has both primary and secondary suppression here


def test_an_edit_replans_once_and_the_published_column_follows(open_services, demo, plans_made) -> None:
    tab = open_services(demo)
    choose_service(tab, SARC)
    year = tab.year.currentData()
    at = next(i for i, r in enumerate(tab.count_model.rows) if (r["dimension"], r["category"]) == ("age", "65+"))
    assert tab.count_model.rows[at]["published"] == "*"
    plans_made.clear()
    count = [c.key for c in tab.count_model.columns].index("count")
    assert tab.count_model.setData(tab.count_model.index(at, count), "40")
    assert plans_made == [year]  # one plan for the whole grid, not one per cell
    assert tab.count_model.rows[at]["published"] == printed_profile(demo.wb, year, SARC)[("age", "65+")]
    assert tab.count_model.rows[at]["published"].endswith("%")
    plans_made.clear()
    tab.quarter.setCurrentIndex(0)  # another quarter of the same year: the plan is as it was
    assert plans_made == []


def test_a_never_published_service_is_internal_and_shown_in_full(open_services, demo, plans_made) -> None:
    tab = open_services(demo)
    choose_service(tab, SARC)
    never = [c.key for c in tab.service_model.columns].index("never_publish")
    row = next(i for i, r in enumerate(tab.service_model.rows) if r["name"] == SARC)
    assert tab.service_model.setData(tab.service_model.index(row, never), "Yes")
    assert tab.marker.isVisible() and "never published" in tab.note.text()
    assert tab.count_model.headerData(published_column(tab), Qt.Orientation.Horizontal) == "% of year\n(internal)"
    assert all(r["published"] != "*" and not r["published_reason"] for r in tab.count_model.rows)
    plan, name = av.service_plan(demo.wb, services.services(demo.wb)[row]["id"], tab.year.currentData())
    assert name == SARC and not plan.hidden and plan.policy.threshold == 0


def test_the_tab_says_what_the_column_and_the_symbol_mean(open_services, demo) -> None:
    tab = open_services(demo)
    assert "annual report" in tab.note.text() and "“*”" in tab.note.text() and "fewer than 5" in tab.note.text()
    tip = tab.count_model.headerData(published_column(tab), Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "whole year" in tip


# -- KPIs ---------------------------------------------------------------------------------------------


def choose_group(tab: KpisTab, name: str) -> None:
    found = tab.tree_model.match(tab.tree_model.index(0, 0), Qt.ItemDataRole.DisplayRole, name, 1,
                                 Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)  # fmt: skip
    tab.tree.setCurrentIndex(found[0])


def kpi(context, name: str) -> dict:  # type: ignore[no-untyped-def]
    return next(k for k in kpis.kpi_tree(context.wb) if k["name"] == name)


def cell_index(tab: KpisTab, name: str, title: str):  # type: ignore[no-untyped-def]
    row = next(i for i, r in enumerate(tab.grid_model.rows) if r["name"] == name)
    column = next(i for i, c in enumerate(tab.grid_model.columns) if c.title == title)
    return tab.grid_model.index(row, column)


def test_a_small_count_of_people_is_shown_as_hidden_with_the_reason(open_kpis, demo, plans_made) -> None:
    tab = open_kpis(demo)
    marked = kpi(demo, DISCRIMINATORY)
    assert marked["counts_people"] and not withheld_kpi_values(demo.wb, "2021/22")  # nothing hidden yet
    choose_group(tab, marked["group_name"])
    plans_made.clear()
    assert demo.do(kpis.set_kpi_value, marked["id"], "2021/22", 2, 3) is not None
    assert plans_made == ["2021/22"]  # once for the refresh
    index = cell_index(tab, DISCRIMINATORY, "2021/22\nQ2")
    assert index.data() == "3" and index.data(Qt.ItemDataRole.EditRole) == "3"  # still typed as it is
    assert index.data(WITHHELD_ROLE) == "*" and index.data(Qt.ItemDataRole.BackgroundRole) is not None
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert "prints “*”" in tip and PRIMARY in tip and RANGE in tip
    assert "“*”" in tab.hint.text()
    plan = public_plan.decide(demo.wb, "2021/22")
    key = public_plan.kpi_key(DISCRIMINATORY, "2021/22", 2)
    assert key in plan.hidden
    grid = next(g for g in tab.grids if g.id == marked["id"])  # the update prints the symbol there
    assert public_plan.kpi_as_printed(plan, grid, "2020/21", "2021/22").current[1].text == "*"
    tagged = {(r["name"], c.title) for at, r in enumerate(tab.grid_model.rows)
              for col, c in enumerate(tab.grid_model.columns) if tab.grid_model.index(at, col).data(WITHHELD_ROLE)}
    hidden = {(r["name"], f"{year}\nQ{q}") for r in tab.grid_model.rows for year in ("2020/21", "2021/22")
              for q in (1, 2, 3, 4) if public_plan.kpi_key(r["name"], year, q) in plan.hidden}  # fmt: skip
    assert tagged == hidden and len(tagged) >= 2  # a secondary hides it from the totals too
    secondary = next(t for t in tagged if t[0] != DISCRIMINATORY)
    assert SECONDARY in cell_index(tab, *secondary).data(Qt.ItemDataRole.ToolTipRole)
    unmarked = cell_index(tab, DISCRIMINATORY, "2021/22\nQ1")
    assert unmarked.data(WITHHELD_ROLE) is None and "Hidden" not in (unmarked.data(Qt.ItemDataRole.ToolTipRole) or "")


def test_a_kpi_not_counting_people_is_unaffected(open_kpis, demo) -> None:
    tab = open_kpis(demo)
    calls = kpi(demo, CALLS)
    assert not calls["counts_people"]
    assert demo.do(kpis.set_kpi_value, calls["id"], "2021/22", 2, 3) is not None
    choose_group(tab, calls["group_name"])
    index = cell_index(tab, CALLS, "2021/22\nQ2")
    assert index.data() == "3" and index.data(WITHHELD_ROLE) is None
    assert "Hidden" not in (index.data(Qt.ItemDataRole.ToolTipRole) or "") and "“*”" not in tab.hint.text()


def test_no_plan_is_made_when_no_kpi_counts_people(open_kpis, demo, plans_made) -> None:
    for row in kpis.kpi_tree(demo.wb):
        if row["counts_people"]:
            assert demo.do(kpis.edit_kpi, row["id"], {"counts_people": False}) is not None
    tab = open_kpis(demo)
    assert tab.withheld == {} and plans_made == []
