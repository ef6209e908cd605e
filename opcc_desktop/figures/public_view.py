"""What a public document may print for one year, read once: the only thing the public
documents' builders are given.

Why: a builder handed the workbook could run any query, or call a reader that returns a
never-publish item, and nothing but care would stop it. A :class:`PublicView` is plain,
frozen data built by :mod:`.publishable` (which leaves out never-publish items and every
workforce row beyond the statutory statement) and the year's disclosure plan (from which
every count of people is printed). It holds no connection and no function that reads the
file; import-linter forbids the builders the storage layer and ``publishable`` itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ..areas.outline import Part
from ..store.workbook import Workbook
from . import public_plan, publishable
from .disclosure import Policy
from .kpi_analysis import baseline_year
from .plan import Decided
from .workforce_statement import WorkforceStatement

Rows = tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class PublicView:
    financial_year: str
    office_name: str
    logo: bytes | None
    policy: Policy
    narrative: Mapping[str, str]
    pictures: Mapping[str, bytes]  # the workbook's pictures by name, for the narrative's image:NAME
    plan: Decided
    services: Rows
    service_counts: Rows
    schemes: Rows
    scheme_period: int  # the schemes' figures (and the plan's) are for the year to the end of this quarter
    scheme_periods: Mapping[str, tuple[int, ...]]  # the periods each scheme's figures are complete for
    scheme_counts: Mapping[str, Rows]
    scheme_measures: Mapping[str, Mapping[str, float]]
    kpis: Rows
    kpi_values: Rows
    kpi_inputs: Mapping[int, tuple[int, ...]]
    kpi_input_values: Rows
    kpi_comparators: Rows
    kpi_commentary: Rows
    goals: Rows
    goal_updates: Mapping[int, Mapping[str, Any]]
    edi_assessments: Rows
    workforce_statement: WorkforceStatement | None
    outline: tuple[Part, ...]  # the sections in order, as the officers shaped them (areas/outline.py)
    required_sections: frozenset[str]  # what a final edition cannot go without (documents/release.py)
    contact: str  # the release's contact, for the back page
    office_details: Mapping[str, str]  # address, telephone, email, website, holders (settings office.*)


def public_view(wb: Workbook, report: str, financial_year: str, quarter: int = 0) -> PublicView:
    """Everything the ``report`` document for ``financial_year`` (and ``quarter``) may print."""
    schemes = _rows(publishable.schemes(wb))
    years = (baseline_year(financial_year), financial_year)
    period = public_plan.plan_period(report, quarter)
    release = publishable.release(wb, report)
    return PublicView(
        financial_year=financial_year,
        office_name=publishable.office(wb)["office_name"],
        logo=publishable.logo(wb),
        policy=publishable.policy(wb),
        narrative=MappingProxyType(publishable.narrative(wb, report, financial_year, quarter)),
        pictures=MappingProxyType(publishable.pictures(wb)),
        plan=public_plan.decide(wb, financial_year, period),
        services=_rows(publishable.services(wb)),
        service_counts=_rows(publishable.service_counts(wb, financial_year)),
        schemes=schemes,
        scheme_period=period,
        scheme_periods=MappingProxyType({s["name"]: publishable.scheme_periods(wb, s["name"], financial_year)
                                         for s in schemes}),  # fmt: skip
        scheme_counts=MappingProxyType({s["name"]: _rows(publishable.scheme_counts(wb, s["name"], financial_year,
                                                                                   period)) for s in schemes}),  # fmt: skip
        scheme_measures=MappingProxyType({s["name"]: MappingProxyType(
            publishable.scheme_measures(wb, s["name"], financial_year, period)) for s in schemes}),  # fmt: skip
        kpis=_rows(publishable.kpis(wb, financial_year)),
        kpi_values=_rows(publishable.kpi_values(wb, years)),
        kpi_inputs=MappingProxyType({k: tuple(v) for k, v in publishable.kpi_inputs(wb).items()}),
        kpi_input_values=_rows(publishable.kpi_input_values(wb, years)),
        kpi_comparators=_rows(publishable.kpi_comparators(wb)),
        kpi_commentary=_rows(publishable.kpi_commentary(wb, financial_year)),
        goals=_rows(publishable.goals(wb)),
        goal_updates=MappingProxyType({k: MappingProxyType(v) for k, v in
                                       publishable.goal_updates(wb, financial_year).items()}),  # fmt: skip
        edi_assessments=_rows(publishable.edi_assessments(wb, financial_year)),
        workforce_statement=publishable.workforce_statement(wb, financial_year),
        outline=publishable.outline(wb, report, financial_year),
        required_sections=release["required"],
        contact=release["contact"],
        office_details=MappingProxyType(release["office"]),
    )


def _rows(rows: list[dict[str, Any]]) -> Rows:
    return tuple(MappingProxyType(row) for row in rows)
