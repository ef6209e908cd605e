"""Police and Crime Plan Performance and Delivery Update (public, quarterly).

Introduction; one numbered section per strategic outcome with, per KPI group, the table of
the baseline year's four quarters beside the report year's, the change on the same quarter
last year, a trend chart and the group's commentary; then the delivery update (narrative,
headline figures and the out-of-court schemes' tables, disclosure-controlled); conclusion.

Reads the workbook only through :mod:`opcc_desktop.figures.publishable` (import-linter enforces it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth

from ..figures import publishable
from ..figures.charts import ChartSpec, Series
from ..figures.disclosure import Policy, suppress_table
from ..figures.formatting import (
    Cell,
    CellState,
    format_count,
    format_percent,
    percent,
    round_half_up,
    to_decimal,
)
from ..figures.kpi_analysis import KpiGrid, KpiGroup, baseline_year, build_grids, build_groups, period_label
from ..store.workbook import Workbook
from .pdf import ReportDocument, fonts
from .pdf.styles import CONTENT_WIDTH, TABLE_SIZE
from .pdf.tables import PAD_X

REPORT = "performance-update"
TITLE = "Police and Crime Plan Performance and Delivery Update"
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
OFFENCE_DIMENSION, OUTCOME_DIMENSION = "offence_type", "outcome"
ENGAGED, NOT_ENGAGED = "Needs met", "Non-engagement"


def build(wb: Workbook, financial_year: str, quarter: int, document: Any = ReportDocument) -> Any:
    """The update for ``quarter`` of ``financial_year``; ``document`` is the class that
    renders it: the PDF's or the HTML edition's."""
    if quarter not in (1, 2, 3, 4):
        quarter = 4
    base = baseline_year(financial_year)
    period = period_label(financial_year, quarter)
    office = (
        publishable.office(wb)["office_name"]
        or "Office of the Police and Crime Commissioner"
    )
    doc = document(
        TITLE, office=office, period=period, logo=publishable.logo(wb),
        keywords=("Police and Crime Plan", "performance", "KPIs", financial_year, f"Quarter {quarter}"),
    )  # fmt: skip
    text = publishable.narrative(wb, REPORT, financial_year, quarter)

    doc.section("Introduction")
    doc.paragraphs(text.get("introduction") or
                   f"No introduction has been written for {period}.")  # fmt: skip
    doc.paragraphs(
        f"Each table below shows the {base} baseline year's four quarters beside the quarters of "
        f'{financial_year} to date. "-" means the figure is not available; a blank cell is a quarter '
        "not yet due; (p) marks a provisional figure and (r) a revised one. Changes compare a quarter "
        "with the same quarter last year; for a percentage the change is given in percentage points."
    )

    years = (base, financial_year)
    kpis = publishable.kpis(wb)
    grids = build_grids(
        kpis, publishable.kpi_values(wb, years), financial_year, quarter,
        inputs=publishable.kpi_inputs(wb), input_values=publishable.kpi_input_values(wb, years),
        comparators=publishable.kpi_comparators(wb),
    )  # fmt: skip
    outcomes = build_groups(
        grids, publishable.kpi_commentary(wb, financial_year), quarter
    )
    if not outcomes:
        doc.section("Performance")
        doc.paragraphs("No KPI data is recorded in the workbook for this period.")
    for outcome, groups in outcomes:
        doc.section(outcome)
        for group in groups:
            _group(doc, group, base, financial_year, quarter)

    _delivery(doc, wb, financial_year, text.get("delivery", ""))
    if text.get("conclusion"):
        doc.section("Conclusion")
        doc.paragraphs(text["conclusion"])
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


def _delivery(doc: ReportDocument, wb: Workbook, year: str, narrative: str) -> None:
    doc.section("Delivery update")
    if narrative:
        doc.paragraphs(narrative)
    schemes = publishable.schemes(wb)
    if not schemes:
        doc.paragraphs("No out-of-court scheme data is recorded in the workbook.")
        return
    rule = publishable.policy(wb)
    for scheme in schemes:
        name = scheme["name"]
        title = f"{name} ({scheme['age_range']})" if scheme.get("age_range") else name
        doc.subsection(title)
        counts = publishable.scheme_counts(wb, name, year)
        measures = publishable.scheme_measures(wb, name, year)
        if not counts and not measures:
            doc.paragraphs(f"No data is recorded for {name} in {year}.")
            continue
        headline = _headlines(name, year, counts, measures)
        if headline:
            doc.bullets(headline)
        for dimension, label in ((OFFENCE_DIMENSION, "referrals by offence type by gender"),
                                 (OUTCOME_DIMENSION, "case outcomes by gender")):  # fmt: skip
            rows = [r for r in counts if r["dimension"] == dimension]
            caption = f"{name} {label}, {year}"
            if rows:
                _gender_table(doc, caption, rows, rule, "Offence type" if dimension == OFFENCE_DIMENSION
                              else "Case outcome")  # fmt: skip
            else:
                doc.paragraphs(f"No data is recorded for {name} {label} in {year}.")


def _money(value: float) -> str:
    amount = to_decimal(value)
    if amount >= 1_000_000:
        return f"£{round_half_up(amount / 1_000_000, 3)}M"
    return f"£{round_half_up(amount, 0):,}"


def _engagement(counts: Sequence[Mapping[str, Any]]) -> Decimal | None:
    met = sum(
        r["count"] or 0
        for r in counts
        if r["dimension"] == OUTCOME_DIMENSION and r["category"] == ENGAGED
    )
    not_met = sum(r["count"] or 0 for r in counts
                  if r["dimension"] == OUTCOME_DIMENSION and r["category"] == NOT_ENGAGED)  # fmt: skip
    return percent(met, met + not_met)


def _headlines(
    name: str,
    year: str,
    counts: Sequence[Mapping[str, Any]],
    measures: Mapping[str, float],
) -> list[str]:
    items = []
    if measures.get("funding") is not None:
        items.append(f"**{_money(measures['funding'])}** in funding")
    received = measures.get("referrals_received")
    if received is not None:
        line = f"**{format_count(round_half_up(received, 0))}** referrals received in {year}"
        if measures.get("referrals_accepted") is not None:
            line += f", of which {format_count(round_half_up(measures['referrals_accepted'], 0))} were accepted"
        items.append(line)
    engagement = _engagement(counts)
    if engagement is None and measures.get("engagement_rate") is not None:
        engagement = round_half_up(measures["engagement_rate"], 1)
    if engagement is not None:
        items.append(f"**{format_percent(engagement)}** engagement rate (needs met as a share of cases closed "
                     "with needs met or non-engagement; archived cases are excluded)")  # fmt: skip
    if measures.get("reoffending_rate") is not None:
        line = (
            f"re-offending rate of **{format_percent(measures['reoffending_rate'])}**"
        )
        if measures.get("area_reoffending_rate") is not None:
            line += f" against the area average of {format_percent(measures['area_reoffending_rate'])}"
        items.append(line)
    return items


def _gender_table(doc: ReportDocument, caption: str, rows: Sequence[Mapping[str, Any]], rule: Policy,
                  first: str) -> None:  # fmt: skip
    categories: list[str] = []
    genders: list[str] = []
    for r in rows:
        if r["category"] not in categories:
            categories.append(r["category"])
        if r["gender"] not in genders:
            genders.append(r["gender"])
    lookup = {(r["category"], r["gender"]): r["count"] for r in rows}
    counts = [[lookup.get((c, g)) for g in genders] for c in categories]
    table = suppress_table(counts, rule)
    column_totals = [sum(lookup.get((c, g)) or 0 for c in categories) for g in genders]
    grand = sum(column_totals)

    def share(cell: Cell, value: int | None, total: int) -> Cell:
        if not cell.has_number:
            return (
                cell
                if cell.state.value == "suppressed"
                else Cell.not_collected("percent")
            )
        p = percent(value, total)
        return (
            Cell.not_applicable("percent") if p is None else Cell.number(p, "percent")
        )

    body = []
    for i, category in enumerate(categories):
        line: list[Any] = [category]
        for j in range(len(genders)):
            line += [
                table.cells[i][j],
                share(table.cells[i][j], counts[i][j], column_totals[j]),
            ]
        line += [
            table.row_totals[i],
            share(table.row_totals[i], sum(v or 0 for v in counts[i]), grand),
        ]
        body.append(line)
    total_line: list[Any] = ["Total"]
    for j in range(len(genders)):
        total_line += [
            table.column_totals[j],
            share(table.column_totals[j], column_totals[j], column_totals[j]),
        ]
    total_line += (
        [table.grand_total, share(table.grand_total, grand, grand)]
        if table.grand_total
        else ["", ""]
    )
    body.append(total_line)
    header = [first, *["Number", "%"] * (len(genders) + 1)]
    groups = [("", 1), *[(g, 2) for g in genders], ("All", 2)]
    footnote = "Percentages are of each column's total."
    if table.suppressed_count:
        footnote += (f" {rule.symbol} = fewer than {rule.threshold} people, or hidden so that a small number "
                     "cannot be worked out from the totals.")  # fmt: skip
    doc.table(caption, header, body, groups=groups, total_row=True, footnote=footnote)
