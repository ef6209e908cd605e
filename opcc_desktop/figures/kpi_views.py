"""What the KPIs tab shows of the Performance and Delivery Update's small-number protection:
which quarterly values of KPIs marked as counting people the update will hide, and why.

Read from the year's disclosure plan (:mod:`.public_plan`), the one the update prints from, so
the screen marks exactly the values the update prints as the policy's symbol. KPIs not marked
as counting people, and never-published ones, are printed as recorded (or not at all) and are
never listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..store.workbook import Workbook
from . import public_plan, publishable
from .area_views import withheld_reason
from .kpi_analysis import baseline_year

__all__ = ["Withheld", "withheld_kpi_values"]


@dataclass(frozen=True)
class Withheld:
    """A KPI value the update hides: the symbol it prints instead, and why, in plain words."""

    symbol: str
    reason: str


def withheld_kpi_values(wb: Workbook, financial_year: str) -> dict[tuple[int, str, int], Withheld]:
    """(KPI id, financial year, quarter) -> how the update for ``financial_year`` withholds
    it, for the year and the baseline year before it (the update prints both). The year's
    plan is made only when some publishable KPI counts people, and read once for them all."""
    people = {k["id"]: k["name"] for k in publishable.kpis(wb, financial_year) if k["counts_people"]}
    if not people:
        return {}
    plan = public_plan.decide(wb, financial_year)
    symbol = plan.policy.symbol or "*"
    withheld = {}
    for kpi_id, name in people.items():
        for year in (baseline_year(financial_year), financial_year):
            for quarter in (1, 2, 3, 4):
                key = public_plan.kpi_key(name, year, quarter)
                if key in plan.hidden:
                    withheld[(kpi_id, year, quarter)] = Withheld(symbol, withheld_reason(plan, key))
    return withheld
