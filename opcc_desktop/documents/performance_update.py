"""Police and Crime Plan Performance and Delivery Update (public, quarterly).

Introduction; one numbered section per strategic outcome with, per KPI group, the table of
the baseline year's four quarters beside the report year's, the change on the same quarter
last year, a trend chart and the group's commentary; then the delivery update (narrative,
headline figures and the out-of-court schemes' tables, disclosure-controlled); conclusion.
That is the default outline; officers may rename and reorder its sections and add their own
for a year (areas/outline.py).

Built from the year's :class:`~opcc_desktop.figures.public_view.PublicView` alone (import-linter
forbids this module the storage layer and the readers); every count of people is read from
the year's disclosure plan.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from reportlab.pdfbase.pdfmetrics import stringWidth

from ..errors import counted
from ..figures import public_plan
from ..figures.charts import ChartSpec, Series
from ..figures.disclosure import rounding_sentence, symbol_sentence
from ..figures.equality_tables import strip_title_heading
from ..figures.formatting import (
    Cell,
    CellState,
    decimal_places,
    format_count,
    format_percent,
    round_half_up,
    to_decimal,
)
from ..figures.plan import TOTAL, Decided
from ..figures.public_view import PublicView, public_view
from ..figures.kpi_analysis import (BETTER_WORDS, KpiGrid, KpiGroup, baseline_year, build_grids, build_groups,
                                    judgement, kpi_note, period_label, to_date_words, year_to_date)
from . import about
from .pdf import ReportDocument, fonts
from .printed_outline import print_outline
from .release import FINAL, Release, Sections
from .pdf.styles import CONTENT_WIDTH, TABLE_SIZE
from .pdf.tables import PAD_X

if TYPE_CHECKING:
    from ..store.workbook import Workbook

REPORT = "performance-update"
TITLE = "Police and Crime Plan Performance and Delivery Update"
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
OFFENCE_DIMENSION, OUTCOME_DIMENSION = "offence_type", "outcome"
ENGAGED, NOT_ENGAGED = "Needs met", "Non-engagement"


def build(wb: Workbook, financial_year: str, quarter: int, document: Any = ReportDocument,
          release: Release = FINAL) -> Any:  # fmt: skip
    """The update for ``quarter`` of ``financial_year``; ``document`` is the class that
    renders it: the PDF's or the HTML edition's; ``release`` says whether it is a draft. The
    builder itself is given only the year's public view, never the workbook."""
    if quarter not in (1, 2, 3, 4):
        quarter = 4
    return render(public_view(wb, REPORT, financial_year, quarter), quarter, document, release)


def render(view: PublicView, quarter: int, document: Any = ReportDocument, release: Release = FINAL) -> Any:
    financial_year = view.financial_year
    base = baseline_year(financial_year)
    period = period_label(financial_year, quarter)
    office = view.office_name or "Office of the Police and Crime Commissioner"
    doc = document(
        TITLE, office=office, period=period, logo=view.logo,
        keywords=("Police and Crime Plan", "performance", "KPIs", financial_year, f"Quarter {quarter}"),
        draft=release.draft, published=release.published, next_update=release.next_update, pictures=view.pictures,
    )  # fmt: skip
    text = view.narrative
    # what a final edition lacks, for the export's check; the groups' commentary reads it too
    doc.release_sections = sections = Sections(release.draft, view.required_sections)
    groups = outcomes(view, quarter)

    def written(key: str, title: str) -> str:
        return sections.text(key, f"{title} ({key})", text.get(key, ""), _placeholder(key, period))

    parts = {
        "main_points": lambda title: about.main_points(doc, written("main_points", title),
                                                       _main_points(view, groups, quarter), title),
        "introduction": lambda title: _introduction(doc, view, title, written("introduction", title)),
        "performance": lambda title: performance(doc, groups, title, base, financial_year, quarter),
        "delivery": lambda title: _delivery(doc, view, title, written("delivery", title)),
    }
    print_outline(doc, view.outline, parts, written)  # as the officers shaped it
    _about(doc, view, period)
    about.contact_section(doc, view.contact, office, view.office_details)
    doc.contact = view.contact  # for the tables' spreadsheet
    doc.disclosure_plan = view.plan  # what it printed, for the audit and the record
    return doc


def _placeholder(key: str, period: str) -> str:
    """What a draft prints where the officers have written nothing (main points are then
    generated from the figures)."""
    if key == "main_points":
        return ""
    what = {"introduction": "introduction", "delivery": "delivery update", "conclusion": "conclusion"}
    if key in what:
        return f"No {what[key]} has been written for {period}."
    return f"No text has been written for this section for {period}."


def _introduction(doc: ReportDocument, view: PublicView, title: str, written: str) -> None:
    """The officers' introduction, then how to read the KPI tables and the symbols."""
    doc.section(title)
    if written:
        doc.paragraphs(written)
    doc.paragraphs(kpi_note(view.kpis, baseline_year(view.financial_year), view.financial_year))
    protected = " ".join(filter(None, (symbol_sentence(view.policy), rounding_sentence(view.policy))))
    if protected and any(key.startswith("KPI/") for key in view.plan.values):  # some KPIs count people
        doc.paragraphs(protected)


def performance(doc: Any, groups: Sequence[tuple[str, Sequence[KpiGroup]]], title: str, base: str, year: str,
                quarter: int) -> None:  # fmt: skip
    """One section per strategic outcome, with its KPI groups' tables, charts and commentary
    (``title`` heads the one section saying there are none)."""
    if not groups:
        doc.section(title)
        doc.paragraphs("No KPI data is recorded in the workbook for this period.")
    for outcome, kpi_groups in groups:
        doc.section(outcome)
        for group in kpi_groups:
            kpi_group(doc, group, base, year, quarter)


def outcomes(view: PublicView, quarter: int) -> list[tuple[str, list[KpiGroup]]]:
    """The KPI groups by strategic outcome, each KPI as the year's plan lets it print."""
    financial_year = view.financial_year
    base = baseline_year(financial_year)
    grids = build_grids(
        view.kpis, view.kpi_values, financial_year, quarter,
        inputs=view.kpi_inputs, input_values=view.kpi_input_values, comparators=view.kpi_comparators,
    )  # fmt: skip
    names = {k["id"]: k["name"] for k in view.kpis}
    grids = [public_plan.kpi_as_printed(view.plan, grid, base, financial_year,
                                        [names.get(i, "") for i in view.kpi_inputs.get(grid.id, ())])
             for grid in grids]  # fmt: skip
    return build_groups(grids, view.kpi_commentary, quarter)


def _main_points(view: PublicView, outcomes: Sequence[tuple[str, Sequence[KpiGroup]]], quarter: int) -> list[str]:
    """Main points from the figures this edition prints: how the KPIs moved on the same quarter
    last year, and each scheme's referrals to date."""
    points = []
    judged = [k.judgement for _, groups in outcomes for g in groups for k in g.kpis
              if not k.is_survey and k.change is not None]  # fmt: skip
    if judged:
        better, worse = judged.count("an improvement"), judged.count("a deterioration")
        points.append(f"{counted(len(judged), 'KPI')} can be compared with Quarter {quarter} last year: **{better}** "
                      f"improved, **{worse}** deteriorated and {len(judged) - better - worse} did not change or "
                      "have no better direction.")  # fmt: skip
    year, period = view.financial_year, view.scheme_period
    when = _when(year, period)
    for scheme in view.schemes:
        name = scheme["name"]
        received = _people(view.plan, public_plan.measure_key(name, "referrals_received"))
        accepted = _people(view.plan, public_plan.measure_key(name, "referrals_accepted"))
        if received is not None:
            points.append(f"{name} received **{received}** referrals {when}"
                          + (f", of which {accepted} were accepted." if accepted is not None else "."))  # fmt: skip
    return points


def _when(year: str, period: int) -> str:
    """The schemes' period in a sentence: "in 2021/22", "between 1 April 2021 and 31 December 2021"."""
    return f"in {year}" if period == 4 else "between {} and {}".format(*year_to_date(year, period))


def _about(doc: ReportDocument, view: PublicView, period: str) -> None:
    year = view.financial_year
    schemes = ("the year's scheme figures" if view.scheme_period == 4
               else f"scheme figures cover the year to date ({to_date_words(year, view.scheme_period)})")  # fmt: skip
    about.about_section(
        doc,
        sources=(("KPI figures are those reported to the Office each quarter by the force and its partners; "
                  "survey results come from the surveys named beside them; scheme figures from the schemes' "
                  "own records."),),  # fmt: skip
        coverage=(f"This edition covers {period}: each KPI's quarters of {year} to date beside the "
                  f"{baseline_year(year)} baseline year, and {schemes}. A KPI, service or scheme recorded as "
                  "not for publication is left out."),  # fmt: skip
        definitions=(
            "Referrals accepted: the people a scheme took on; its tables describe them.",
            ("Engagement rate: cases closed with needs met as a percentage of cases closed with needs met "
             "or non-engagement (archived cases are excluded)."),
            "Re-offending rate: as the scheme reports it, beside the area average for all offenders.",
        ),
        policy=view.policy,
    )


# -- KPI groups ------------------------------------------------------------------------------


def kpi_group(
    doc: ReportDocument, group: KpiGroup, base: str, year: str, quarter: int
) -> None:
    """A group's KPIs: the quarterly ones' table, changes and trend chart; the survey ones'
    table of their most recent results beside the comparators'; then the commentary."""
    doc.subsection(group.name)
    quarterly = [k for k in group.kpis if not k.is_survey]
    if quarterly:
        _quarterly(doc, group.name, quarterly, base, year, quarter)
    surveys = [k for k in group.kpis if k.is_survey]
    if surveys:
        _surveys(doc, group.name, surveys, year, quarter)

    _commentary(doc, group)


def _commentary(doc: ReportDocument, group: KpiGroup) -> None:
    """The group's commentary under its heading; a draft's placeholder, or nothing in a final
    edition, when none is recorded ("commentary" required: listed as missing)."""
    text = doc.release_sections.text("commentary", f"Commentary on {group.name} (commentary)",
                                     group.commentary or "", "No commentary recorded.")  # fmt: skip
    if text:
        doc.heading("Commentary")
        doc.paragraphs(text)


def _quarterly(doc: ReportDocument, name: str, kpis: Sequence[KpiGrid], base: str, year: str, quarter: int) -> None:
    header = ["KPI", *QUARTERS, *QUARTERS[:quarter]]
    rows = [[k.name, *k.cells] for k in kpis]
    texts = [
        c.text
        for k in kpis
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
    if any(_lone_marker(k.cells) for k in kpis):
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
        f"{k.name}: {c['comparator']} {_comparator_value(c['value'], k)}"
        + (f" ({c['period']})" if c.get("period") else "")
        for k in kpis
        for c in k.comparators
    ]
    footnote = ("Comparators: " + "; ".join(comparators) + ".") if comparators else ""
    doc.table(f"{name} {base} and {year}", header, rows, col_widths=widths,
              align=["left", *["right"] * (4 + quarter)], groups=[("", 1), (base, 4), (year, quarter)],
              footnote=footnote, spans=_marker_spans([k.cells for k in kpis]),
              source=f"KPI returns to the Office, {base} and {year} to date.")  # fmt: skip

    doc.heading("Change on the same quarter last year", minor=False)
    reasons = {_no_change_reason(k, base, year, quarter) for k in kpis if k.change is None}
    if any(k.change is not None for k in kpis) or len(reasons) > 1:
        doc.bullets([_change_sentence(k, base, year, quarter) for k in kpis])
    else:
        doc.paragraphs(f"No change on the same quarter last year can be given for this group: {reasons.pop()}.")

    lead = _chart_kpi(kpis)
    if lead is not None:
        spec = ChartSpec(
            "line", lead.name, QUARTERS,
            (Series.from_cells(base, lead.baseline),
             Series.from_cells(year, [*lead.current, *[Cell.not_yet_due(lead.unit)] * (4 - quarter)])),  # type: ignore[arg-type]
            unit=lead.unit, value_label=_unit_label(lead.unit), category_label="Quarter",  # type: ignore[arg-type]
        )  # fmt: skip
        doc.chart(f"{lead.name}, {base} and {year} by quarter", spec, alternative="text",
                  source=f"KPI returns to the Office, {base} and {year} to date.")


def _surveys(doc: ReportDocument, name: str, kpis: Sequence[KpiGrid], year: str, quarter: int) -> None:
    """Survey KPIs as the published reports print them: each one's most recent result with
    the period it covers, beside each comparator's (national...) with its own."""
    figures = [k.survey for k in kpis if k.survey is not None]
    none = kpis[0].symbols.not_available
    names = list(dict.fromkeys(c.name for f in figures for c in f.comparators))
    header = ["KPI", *["Result", "Period"] * (1 + len(names))]
    rows = []
    for k in kpis:
        figure = k.survey
        assert figure is not None
        line: list[Any] = [k.name, figure.local, figure.period or none]
        compared = {c.name: c for c in figure.comparators}
        for other in names:
            found = compared.get(other)
            line += [found.cell, found.period or none] if found else [Cell.missing(k.unit, k.symbols), none]  # type: ignore[arg-type]
        rows.append(line)
    area = figures[0].area if figures else ""
    changes = [_survey_sentence(k) for k in kpis if k.survey is not None and k.survey.change is not None]
    footnote = ("Survey results are published when each survey reports, so each is the most recent available "
                f"by the end of Quarter {quarter} {year}, with the period it covers; they are not quarterly "
                "figures, so no change on the same quarter last year is given.")  # fmt: skip
    if not changes:
        footnote += " No earlier result is recorded, so no change on a previous survey is given."
    doc.table(f"{name}: most recent survey results", header, rows,
              align=["left", *["right", "left"] * (1 + len(names))],
              groups=[("", 1), (area, 2), *[(n, 2) for n in names]], footnote=footnote,
              source="The surveys, local and national, for the periods shown.")  # fmt: skip
    if changes:
        doc.heading("Change on the previous survey", minor=False)
        doc.bullets(changes)


def _survey_sentence(k: KpiGrid) -> str:
    figure = k.survey
    assert figure is not None and figure.previous is not None
    said = (f"{k.name}: {figure.local.text} ({figure.period}) against {figure.previous.text} "
            f"({figure.previous_period}), {figure.change_phrase}")  # fmt: skip
    verdict = judgement(figure.change, k.polarity)
    return said + (f", {verdict} ({BETTER_WORDS[k.polarity]})." if verdict else ".")


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


def _comparator_value(value: Any, k: KpiGrid) -> str:
    """A comparator's figure as the KPI's own print: at its places, 75 as "75%"."""
    if value is None:
        return k.symbols.not_available
    try:
        return Cell.number(value, k.unit, None if k.unit == "count" else k.places, k.symbols).text  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)


def _change_sentence(k: KpiGrid, base: str, year: str, quarter: int) -> str:
    """The change on the same quarter last year in words, with whether it is an improvement
    or a deterioration (by the KPI's polarity), or why no change can be given."""
    if k.change is None:
        return f"{k.name}: no change can be given, as {_no_change_reason(k, base, year, quarter)}."
    now, before = k.current[quarter - 1], k.baseline[quarter - 1]
    said = (f"{k.name}: {now.text} in Q{quarter} {year} against {before.text} in Q{quarter} {base}, "
            f"{k.change_phrase}")  # fmt: skip
    return said + (f", {k.judgement} ({BETTER_WORDS[k.polarity]})." if k.judgement else ".")


_GAPS = {CellState.UNDER_DEVELOPMENT: "development", CellState.SUPPRESSED: "withheld",
         CellState.NOT_APPLICABLE: "not applicable"}  # fmt: skip


def _no_change_reason(k: KpiGrid, base: str, year: str, quarter: int) -> str:
    """Why a KPI has no change on the same quarter last year, naming the quarter(s) at fault:
    "there is no figure for Q3 2020/21"."""
    sides = ((k.current[quarter - 1], f"Q{quarter} {year}"), (k.baseline[quarter - 1], f"Q{quarter} {base}"))
    if all(cell.has_number for cell, _ in sides):
        return "its counts of people are printed rounded, and a change between rounded counts could mislead"
    gaps: dict[str, list[str]] = {}
    for cell, label in sides:
        if not cell.has_number:
            gaps.setdefault(_GAPS.get(cell.state, "none"), []).append(label)
    parts = []
    for gap, labels in gaps.items():
        both = " and ".join(labels)
        if gap == "none":
            parts.append(f"there is no figure for {' or '.join(labels)}")
        elif gap == "development":
            parts.append(f"the measure was under development in {both}")
        elif gap == "withheld":
            parts.append(f"the figure{'s' if len(labels) > 1 else ''} for {both} "
                         f"{'are' if len(labels) > 1 else 'is'} withheld to protect privacy")  # fmt: skip
        else:
            parts.append(f"the figure{'s' if len(labels) > 1 else ''} for {both} "
                         f"{'are' if len(labels) > 1 else 'is'} not applicable (a share of nothing)")  # fmt: skip
    return " and ".join(parts)


def _chart_kpi(kpis: Sequence[KpiGrid]) -> KpiGrid | None:
    """The group's lead KPI for its trend chart: the first quarterly one with numbers in both
    years."""
    for k in kpis:
        if not k.is_survey and any(c.has_number for c in k.baseline) and any(c.has_number for c in k.current):
            return k
    return None


def _unit_label(unit: str) -> str:
    return {"count": "Number", "percent": "Percentage", "seconds": "Seconds",
            "rate_per_1000": "Rate per 1,000"}.get(unit, "")  # fmt: skip


# -- delivery update -------------------------------------------------------------------------


def _delivery(doc: ReportDocument, view: PublicView, title: str, narrative: str) -> None:
    plan, year, period = view.plan, view.financial_year, view.scheme_period
    doc.section(title)
    if narrative:
        doc.paragraphs(strip_title_heading(narrative, title))
    schemes = view.schemes
    if not schemes:
        doc.paragraphs("No out-of-court scheme data is recorded in the workbook.")
        return
    when = _when(year, period)
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
        headline = [line for line in _headlines(plan, name, when, counts, measures)
                    if not _already_said(line, view.narrative.get("delivery", ""))]  # fmt: skip
        if headline:
            doc.bullets(headline)
        for dimension, label in ((OFFENCE_DIMENSION, "participants by offence type by gender"),
                                 (OUTCOME_DIMENSION, "case outcomes by gender")):  # fmt: skip
            rows = [r for r in counts if r["dimension"] == dimension]
            caption = f"{name} {label}, {span}"
            if rows:
                _gender_table(doc, plan, caption, name, dimension, rows,
                              "Offence type" if dimension == OFFENCE_DIMENSION else "Case outcome",
                              f"{name} scheme records, {span}. Bases: the Total row and column.")  # fmt: skip
            else:
                doc.paragraphs(f"No data is recorded for {name} {label} {when}.")


def _already_said(line: str, narrative: str) -> bool:
    """True when the officers' text already gives the line's figure (its bold part): one
    figure per fact, so the generated line is left out."""
    figure = line.split("**")[1] if line.count("**") >= 2 else ""
    return bool(figure) and re.search(rf"(?<![\w.,£]){re.escape(figure)}(?![\w]|[.,]\d)", narrative) is not None


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


def _as_entered(value: float) -> str:
    """A scheme's rate at the precision it was entered with (5.85 prints "5.85%")."""
    return format_percent(value, decimal_places(value))


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
        engagement = Cell.number(measures["engagement_rate"], "percent", places=decimal_places(measures["engagement_rate"]))
    if engagement is not None:
        items.append(f"**{engagement.text}** engagement rate (needs met as a share of cases closed "
                     "with needs met or non-engagement; archived cases are excluded)")  # fmt: skip
    if measures.get("reoffending_rate") is not None:
        line = (
            f"re-offending rate of **{_as_entered(measures['reoffending_rate'])}**"
        )
        if measures.get("area_reoffending_rate") is not None:
            line += f" against the area average of {_as_entered(measures['area_reoffending_rate'])}"
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
                  rows: Sequence[Mapping[str, Any]], first: str, source: str) -> None:  # fmt: skip
    categories = list(dict.fromkeys(r["category"] for r in rows))
    genders = list(dict.fromkeys(r["gender"] for r in rows))
    if genders == [public_plan.ALL_GENDERS]:  # no gender split: the total column alone
        genders = []
    collected = {(r["category"], r["gender"]) for r in rows if r["count"] is not None}

    def key(row: str = TOTAL, gender: str = TOTAL) -> str:
        return public_plan.table_key(name, dimension, row, gender)

    def pair(row: str, gender: str, base: str) -> list[Cell]:
        if row != TOTAL and gender != TOTAL and (row, gender) not in collected:
            return [Cell.not_collected(symbols=plan.policy.symbols), Cell.not_collected("percent", plan.policy.symbols)]
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
    doc.table(caption, header, body, groups=groups, total_row=True, footnote=footnote, source=source)
