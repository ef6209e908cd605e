"""Police and Crime Plan Performance and Delivery Update (public, quarterly).

Introduction; one numbered section per strategic outcome with, per KPI group, the table of
the baseline year's four quarters beside the report year's, the change on the same quarter
last year, a trend chart and the group's commentary; then the delivery update (narrative,
headline figures and the out-of-court schemes' tables, disclosure-controlled); conclusion.

Built from the year's :class:`~opcc_desktop.figures.public_view.PublicView` alone (import-linter
forbids this module the storage layer and the readers); every count of people is read from
the year's disclosure plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from reportlab.pdfbase.pdfmetrics import stringWidth

from ..figures import public_plan
from ..figures.charts import ChartSpec, Series
from ..figures.disclosure import rounding_sentence, symbol_sentence
from ..figures.formatting import (
    Cell,
    CellState,
    format_count,
    format_percent,
    round_half_up,
    to_decimal,
)
from ..figures.plan import TOTAL, Decided
from ..figures.public_view import PublicView, public_view
from ..figures.kpi_analysis import (KpiGrid, KpiGroup, baseline_year, build_grids, build_groups, period_label,
                                    to_date_words, year_to_date)
from .pdf import ReportDocument, fonts
from .pdf.styles import CONTENT_WIDTH, TABLE_SIZE
from .pdf.tables import PAD_X

if TYPE_CHECKING:
    from ..store.workbook import Workbook

REPORT = "performance-update"
TITLE = "Police and Crime Plan Performance and Delivery Update"
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
OFFENCE_DIMENSION, OUTCOME_DIMENSION = "offence_type", "outcome"
ENGAGED, NOT_ENGAGED = "Needs met", "Non-engagement"


def build(wb: Workbook, financial_year: str, quarter: int, document: Any = ReportDocument) -> Any:
    """The update for ``quarter`` of ``financial_year``; ``document`` is the class that
    renders it: the PDF's or the HTML edition's. The builder itself is given only the
    year's public view, never the workbook."""
    if quarter not in (1, 2, 3, 4):
        quarter = 4
    return render(public_view(wb, REPORT, financial_year, quarter), quarter, document)


def render(view: PublicView, quarter: int, document: Any = ReportDocument) -> Any:
    financial_year = view.financial_year
    base = baseline_year(financial_year)
    period = period_label(financial_year, quarter)
    office = view.office_name or "Office of the Police and Crime Commissioner"
    doc = document(
        TITLE, office=office, period=period, logo=view.logo,
        keywords=("Police and Crime Plan", "performance", "KPIs", financial_year, f"Quarter {quarter}"),
    )  # fmt: skip
    text = view.narrative

    doc.section("Introduction")
    doc.paragraphs(text.get("introduction") or
                   f"No introduction has been written for {period}.")  # fmt: skip
    doc.paragraphs(
        f"Each table below shows the {base} baseline year's four quarters beside the quarters of "
        f'{financial_year} to date. "-" means the figure is not available; a blank cell is a quarter '
        "not yet due; (p) marks a provisional figure and (r) a revised one. Changes compare a quarter "
        "with the same quarter last year; for a percentage the change is given in percentage points."
    )
    protected = " ".join(filter(None, (symbol_sentence(view.policy), rounding_sentence(view.policy))))
    if protected and any(key.startswith("KPI/") for key in view.plan.values):  # some KPIs count people
        doc.paragraphs(protected)

    grids = build_grids(
        view.kpis, view.kpi_values, financial_year, quarter,
        inputs=view.kpi_inputs, input_values=view.kpi_input_values, comparators=view.kpi_comparators,
    )  # fmt: skip
    plan = view.plan  # every count of people printed comes from it
    names = {k["id"]: k["name"] for k in view.kpis}
    grids = [public_plan.kpi_as_printed(plan, grid, base, financial_year,
                                        [names.get(i, "") for i in view.kpi_inputs.get(grid.id, ())])
             for grid in grids]  # fmt: skip
    outcomes = build_groups(grids, view.kpi_commentary, quarter)
    if not outcomes:
        doc.section("Performance")
        doc.paragraphs("No KPI data is recorded in the workbook for this period.")
    for outcome, groups in outcomes:
        doc.section(outcome)
        for group in groups:
            _group(doc, group, base, financial_year, quarter)

    _delivery(doc, view, text.get("delivery", ""))
    if text.get("conclusion"):
        doc.section("Conclusion")
        doc.paragraphs(text["conclusion"])
    doc.disclosure_plan = plan  # what it printed, for the audit and the record
    return doc


# -- KPI groups ------------------------------------------------------------------------------


def _group(
    doc: ReportDocument, group: KpiGroup, base: str, year: str, quarter: int
) -> None:
    doc.subsection(group.name)
    header = ["KPI", *QUARTERS, *QUARTERS[:quarter]]
    rows = [[k.name, *k.cells] for k in group.kpis]
    texts = [
        c.text
        for k in group.kpis
        for c in k.cells
        if c.state is not CellState.UNDER_DEVELOPMENT
    ]
    fonts.register_house_faces()  # measured in the house face, for the HTML edition too
    figure_width = max(
        [
            40.0,
            *(stringWidth(t, fonts.REGULAR, TABLE_SIZE) + 2 * PAD_X + 2 for t in texts),
        ]
    )
    if any(_lone_marker(k.cells) for k in group.kpis):
        # a lone "Measurement under development" cell cannot be merged: make room for its
        # longest word, if the KPI names keep a readable column
        word = stringWidth("Measurement", fonts.REGULAR, TABLE_SIZE) + 2 * PAD_X + 2
        if CONTENT_WIDTH - word * (4 + quarter) >= 120:
            figure_width = max(figure_width, word)
    widths = [
        CONTENT_WIDTH - figure_width * (4 + quarter),
        *[figure_width] * (4 + quarter),
    ]
    comparators = [
        f"{k.name}: {c['comparator']} {_comparator_value(c['value'], k.unit)}"
        + (f" ({c['period']})" if c.get("period") else "")
        for k in group.kpis
        for c in k.comparators
    ]
    footnote = ("Comparators: " + "; ".join(comparators) + ".") if comparators else ""
    doc.table(f"{group.name} {base} and {year}", header, rows, col_widths=widths,
              align=["left", *["right"] * (4 + quarter)], groups=[("", 1), (base, 4), (year, quarter)],
              footnote=footnote, spans=_marker_spans([k.cells for k in group.kpis]))  # fmt: skip

    doc.heading("Change on the same quarter last year", minor=False)
    sentences = [_change_sentence(k, base, year, quarter) for k in group.kpis]
    said = [s for s in sentences if s]
    if said:
        doc.bullets(said)
    else:
        doc.paragraphs(f"No figures are recorded for both Q{quarter} {year} and Q{quarter} {base}, so no "
                       "change can be given for this group.")  # fmt: skip

    lead = _chart_kpi(group.kpis)
    if lead is not None:
        spec = ChartSpec(
            "line", lead.name, QUARTERS,
            (Series.from_cells(base, lead.baseline),
             Series.from_cells(year, [*lead.current, *[Cell.not_yet_due(lead.unit)] * (4 - quarter)])),  # type: ignore[arg-type]
            unit=lead.unit, value_label=_unit_label(lead.unit), category_label="Quarter",  # type: ignore[arg-type]
        )  # fmt: skip
        doc.chart(
            f"{lead.name}, {base} and {year} by quarter", spec, alternative="text"
        )

    doc.heading("Commentary")
    doc.paragraphs(group.commentary or "No commentary recorded.")


def _lone_marker(cells: Sequence[Cell]) -> bool:
    """True when an under-development cell has no such neighbour in its year to merge with."""
    ud = [c.state is CellState.UNDER_DEVELOPMENT for c in cells]
    for i, flag in enumerate(ud):
        left = i not in (0, 4) and ud[i - 1]
        right = i + 1 < len(ud) and i + 1 != 4 and ud[i + 1]
        if flag and not left and not right:
            return True
    return False


def _marker_spans(rows: Sequence[Sequence[Cell]]) -> list[tuple[int, int, int]]:
    """Runs of "Measurement under development" cells in a row, merged into one cell as the
    published tables do (the phrase does not fit one narrow quarter column); a run stops at
    the year boundary. Columns count the KPI name column as 0."""
    spans = []
    for r, cells in enumerate(rows):
        c = 0
        while c < len(cells):
            end = c
            while (cells[c].state is CellState.UNDER_DEVELOPMENT and end + 1 < len(cells) and end + 1 != 4
                   and cells[end + 1].state is CellState.UNDER_DEVELOPMENT):  # fmt: skip
                end += 1
            if end > c:
                spans.append((r, c + 1, end + 1))
            c = end + 1
    return spans


def _comparator_value(value: Any, unit: str) -> str:
    if value is None:
        return "-"
    try:
        return Cell.number(value, unit).text  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)


def _change_sentence(k: KpiGrid, base: str, year: str, quarter: int) -> str | None:
    if k.change is None:
        return None
    now, before = k.current[quarter - 1], k.baseline[quarter - 1]
    return (f"{k.name}: {now.text} in Q{quarter} {year} against {before.text} in Q{quarter} {base}, "
            f"{k.change_phrase}.")  # fmt: skip


def _chart_kpi(kpis: Sequence[KpiGrid]) -> KpiGrid | None:
    """The group's lead KPI for its trend chart: the first with numbers in both years."""
    for k in kpis:
        if any(c.has_number for c in k.baseline) and any(
            c.has_number for c in k.current
        ):
            return k
    return None


def _unit_label(unit: str) -> str:
    return {"count": "Number", "percent": "Percentage", "seconds": "Seconds",
            "rate_per_1000": "Rate per 1,000"}.get(unit, "")  # fmt: skip


# -- delivery update -------------------------------------------------------------------------


def _delivery(doc: ReportDocument, view: PublicView, narrative: str) -> None:
    plan, year, period = view.plan, view.financial_year, view.scheme_period
    doc.section("Delivery update")
    if narrative:
        doc.paragraphs(narrative)
    schemes = view.schemes
    if not schemes:
        doc.paragraphs("No out-of-court scheme data is recorded in the workbook.")
        return
    when = f"in {year}" if period == 4 else "between {} and {}".format(*year_to_date(year, period))
    span = year if period == 4 else to_date_words(year, period)
    for scheme in schemes:
        name = scheme["name"]
        title = f"{name} ({scheme['age_range']})" if scheme.get("age_range") else name
        doc.subsection(title)
        counts = view.scheme_counts[name]
        measures = view.scheme_measures[name]
        if not counts and not measures:
            doc.paragraphs(_no_figures(name, year, period, view.scheme_periods[name]))
            continue
        headline = _headlines(plan, name, when, counts, measures)
        if headline:
            doc.bullets(headline)
        for dimension, label in ((OFFENCE_DIMENSION, "referrals by offence type by gender"),
                                 (OUTCOME_DIMENSION, "case outcomes by gender")):  # fmt: skip
            rows = [r for r in counts if r["dimension"] == dimension]
            caption = f"{name} {label}, {span}"
            if rows:
                _gender_table(doc, plan, caption, name, dimension, rows,
                              "Offence type" if dimension == OFFENCE_DIMENSION else "Case outcome")  # fmt: skip
            else:
                doc.paragraphs(f"No data is recorded for {name} {label} {when}.")


def _no_figures(name: str, year: str, period: int, periods: tuple[int, ...]) -> str:
    """Why a scheme has no figures for the period: none recorded, recorded for the whole year
    only (a quarterly update before Q4 cannot print the year), or a quarter still missing."""
    if not periods:
        return f"No data is recorded for {name} in {year}."
    if periods == (4,) and period < 4:
        return (f"{name}'s figures for {year} are recorded for the whole year only, so they are published "
                "in the Quarter 4 update and the annual report, not for part of the year.")  # fmt: skip
    return (f"{name}'s figures are not yet recorded for every quarter from 1 April to the end of this "
            f"quarter ({to_date_words(year, period)}), so none are published for that period.")  # fmt: skip


def _money(value: float) -> str:
    amount = to_decimal(value)
    if amount >= 1_000_000:
        return f"£{round_half_up(amount / 1_000_000, 3)}M"
    return f"£{round_half_up(amount, 0):,}"


def _people(plan: Decided, key: str) -> str | None:
    """A headline count of people as the plan allows: the number, or None when hidden (a
    headline never prints the suppression symbol; it leaves the figure out)."""
    if key not in plan.values:
        return None
    value = plan.value(key)
    return None if value is None else format_count(value)


def _headlines(plan: Decided, name: str, when: str, counts: Sequence[Mapping[str, Any]],
               measures: Mapping[str, float]) -> list[str]:  # fmt: skip
    """The scheme's headline figures for the period (``when``: "in 2021/22", "between 1 April
    2021 and 31 December 2021")."""
    items = []
    if measures.get("funding") is not None:
        items.append(f"**{_money(measures['funding'])}** in funding")
    received = _people(plan, public_plan.measure_key(name, "referrals_received"))
    accepted = _people(plan, public_plan.measure_key(name, "referrals_accepted"))
    if received is not None:
        line = f"**{received}** referrals received {when}"
        if accepted is not None:
            line += f", of which {accepted} were accepted"
        items.append(line)
    elif accepted is not None:
        items.append(f"**{accepted}** referrals accepted {when}")
    engagement = _engagement(plan, name)
    if engagement is None and measures.get("engagement_rate") is not None and not any(
            r["dimension"] == OUTCOME_DIMENSION for r in counts):  # fmt: skip
        engagement = Cell.number(round_half_up(measures["engagement_rate"], 1), "percent")
    if engagement is not None:
        items.append(f"**{engagement.text}** engagement rate (needs met as a share of cases closed "
                     "with needs met or non-engagement; archived cases are excluded)")  # fmt: skip
    if measures.get("reoffending_rate") is not None:
        line = (
            f"re-offending rate of **{format_percent(measures['reoffending_rate'])}**"
        )
        if measures.get("area_reoffending_rate") is not None:
            line += f" against the area average of {format_percent(measures['area_reoffending_rate'])}"
        items.append(line)
    return items


def _engagement(plan: Decided, name: str) -> Cell | None:
    """Needs met as a share of cases closed with needs met or non-engagement, when the plan
    shows both counts; None otherwise (the headline is left out rather than starred)."""
    met = public_plan.table_key(name, OUTCOME_DIMENSION, ENGAGED)
    base = public_plan.engagement_base_key(name)
    if base not in plan.values or not plan.shown(met) or not plan.shown(base):
        return None
    share = plan.share(met, base)
    return share if share.has_number else None


def _gender_table(doc: ReportDocument, plan: Decided, caption: str, name: str, dimension: str,
                  rows: Sequence[Mapping[str, Any]], first: str) -> None:  # fmt: skip
    categories = list(dict.fromkeys(r["category"] for r in rows))
    genders = list(dict.fromkeys(r["gender"] for r in rows))
    collected = {(r["category"], r["gender"]) for r in rows if r["count"] is not None}

    def key(row: str = TOTAL, gender: str = TOTAL) -> str:
        return public_plan.table_key(name, dimension, row, gender)

    def pair(row: str, gender: str, base: str) -> list[Cell]:
        if row != TOTAL and gender != TOTAL and (row, gender) not in collected:
            return [Cell.not_collected(), Cell.not_collected("percent")]
        return [plan.cell(key(row, gender)), plan.share(key(row, gender), base)]

    body: list[list[Any]] = []
    for row in [*categories, TOTAL]:
        line: list[Any] = [row]
        for gender in genders:
            line += pair(row, gender, key(TOTAL, gender))
        body.append(line + pair(row, TOTAL, key()))
    header = [first, *["Number", "%"] * (len(genders) + 1)]
    groups = [("", 1), *[(g, 2) for g in genders], ("All", 2)]
    footnote = "Percentages are of each column's total."
    hidden = any(not plan.shown(key(r, g)) for r in [*categories, TOTAL] for g in [*genders, TOTAL])
    if hidden:
        footnote += (f" {plan.policy.symbol} = fewer than {plan.policy.threshold} people, or hidden so that a "
                     "small number cannot be worked out from the totals or the year's other figures.")  # fmt: skip
    if plan.policy.round_to:
        footnote += f" {rounding_sentence(plan.policy)}"
    doc.table(caption, header, body, groups=groups, total_row=True, footnote=footnote)
