"""What needs attention before a document is exported: gaps, suppressed cells, high
non-disclosure, goals without an update, KPI groups without commentary.

Findings are advice, not errors: the export still runs. The CLI prints them; the window lists
them beside the export button.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..areas.publications import publications
from ..areas.settings import floor_note, settings
from ..areas.figure_keys import key_parts
from ..areas.outline import text_sections
from ..areas.pictures import picture_names
from ..areas.vocab import DIMENSION_LABELS, GENERATED_SECTIONS, NOT_DISCLOSED, PUBLIC_REPORTS, QUARTERLY_REPORTS
from ..errors import counted
from ..figures import public_plan, publishable
from ..figures import workforce_statement as statement
from ..figures.formatting import percent
from ..store.workbook import Workbook
from .markup import pictures_used


@dataclass(frozen=True)
class Finding:
    area: str
    message: str

    def __str__(self) -> str:
        return f"{self.area}: {self.message}"


def preflight(wb: Workbook, report: str, financial_year: str, quarter: int = 0) -> list[Finding]:
    checks = {
        "annual-equality": _annual_equality,
        "performance-update": _performance_update,
        "workforce-pack": _workforce_pack,
        "panel-report": _performance_update,  # its appendix prints the update's KPI tables and commentary
    }
    quarter = quarter if report in QUARTERLY_REPORTS else 0
    findings = _narrative_gaps(wb, report, financial_year, quarter) + picture_problems(wb, report, financial_year, quarter)
    if report in PUBLIC_REPORTS:
        findings += _private_names_in_text(wb, report, financial_year, quarter) + _machine_floor(wb)
        findings += _disclosure(wb, financial_year, public_plan.plan_period(report, quarter))
    return findings + checks[report](wb, financial_year, quarter)


def _narrative_gaps(wb: Workbook, report: str, financial_year: str, quarter: int) -> list[Finding]:
    """Sections of the year's outline still without text (named by their printed titles)."""
    written = publishable.narrative(wb, report, financial_year, quarter)
    titles = {part.key: part.title for part in publishable.outline(wb, report, financial_year)}
    return [Finding("Narrative", f"the '{titles.get(section) or section.replace('_', ' ').capitalize()}' section "
                                 f"has no text for {financial_year}")
            for section in text_sections(wb, report, financial_year)
            if not written.get(section) and section not in GENERATED_SECTIONS]  # fmt: skip


def picture_problems(wb: Workbook, report: str, financial_year: str, quarter: int) -> list[Finding]:
    """Pictures the text shows without alt text (a reader who cannot see it learns nothing),
    or that are not in the workbook (the document would print a gap)."""
    held = picture_names(wb)
    found = []
    for section, text in publishable.narrative(wb, report, financial_year, quarter).items():
        for ref in pictures_used(text):
            where = f"the picture '{ref.name}' in the '{section.replace('_', ' ')}' text"
            if ref.name not in held:
                found.append(Finding("Pictures", f"{where} is not in the workbook: add it (Picture… in the Reports "
                                                 "tab, or the picture command) or take it out of the text"))  # fmt: skip
            if not ref.alt.strip():
                found.append(Finding("Pictures", f"{where} has no alt text: describe what it shows, as "
                                                 "![what it shows](image:NAME)"))  # fmt: skip
    return found


def _private_names_in_text(wb: Workbook, report: str, financial_year: str, quarter: int) -> list[Finding]:
    """Free text is the officers' own words, so it is printed as written: warn when it names
    something flagged never-publish."""
    names = [r["name"] for r in wb.rows(
        "SELECT name FROM services WHERE never_publish = 1 UNION ALL SELECT name FROM schemes"
        " WHERE never_publish = 1 UNION ALL SELECT name FROM kpis WHERE never_publish = 1")]  # fmt: skip
    texts = [(f"the '{section}' text", text)
             for section, text in publishable.narrative(wb, report, financial_year, quarter).items()]  # fmt: skip
    if report in QUARTERLY_REPORTS:  # the panel report prints the update's KPI tables and commentary
        texts += [("KPI commentary", r["text"]) for r in publishable.kpi_commentary(wb, financial_year)]
    return [Finding("Privacy", f"{where} names '{name}', which is flagged never to be published")
            for where, text in texts for name in names if name.casefold() in text.casefold()]  # fmt: skip


def _annual_equality(wb: Workbook, financial_year: str, _quarter: int) -> list[Finding]:
    return (
        _missing_service_quarters(wb, financial_year)
        + _service_disclosure(wb, financial_year)
        + _schemes_without_data(wb, financial_year)
        + _goals_without_update(wb, financial_year)
        + ([] if publishable.workforce_statement(wb, financial_year) else
           [Finding("Workforce", f"no workforce snapshot on or before the end of {financial_year}")])
        + _workforce_statement_disclosure(wb, financial_year)
    )  # fmt: skip


def _workforce_statement_disclosure(wb: Workbook, financial_year: str) -> list[Finding]:
    """The statutory workforce statement is always published (rounded, never suppressed), so
    say when its rounded figures may still identify someone: a small group (or few staff
    outside one, or a small headcount), and a few joiners or leavers since the statement last
    published whose group the change in the printed figures gives away."""
    counts = publishable.workforce_counts(wb, financial_year)
    if counts is None:
        return []
    threshold = publishable.policy(wb).threshold
    rounding = settings(wb)["disclosure.workforce_rounding"]
    messages = statement.small_group_warnings(counts, threshold, rounding)
    published = [p["financial_year"] for p in publications(wb)
                 if p["report"] == "annual-equality" and p["financial_year"] < financial_year]  # fmt: skip
    before = publishable.workforce_counts(wb, max(published)) if published else None
    if before is not None:
        messages += statement.joiner_warnings(counts, before, max(published), threshold, rounding)
    return [Finding("Workforce", message) for message in messages]


def _missing_service_quarters(wb: Workbook, financial_year: str) -> list[Finding]:
    have: dict[str, set[int]] = defaultdict(set)
    for row in publishable.service_counts(wb, financial_year):
        have[row["service"]].add(row["quarter"])
    findings = []
    for service in publishable.services(wb):
        missing = [q for q in (1, 2, 3, 4) if q not in have[service["name"]]]
        if have[service["name"]] and missing:
            quarters = ", ".join(f"Q{q}" for q in missing)
            findings.append(Finding("Services", f"{service['name']} has no monitoring return for {quarters}"))
    return findings


def _service_disclosure(wb: Workbook, financial_year: str) -> list[Finding]:
    """Services and characteristics whose non-disclosure is above the set level (what the
    disclosure plan hides is listed by :func:`_disclosure`)."""
    warn = float(settings(wb)["nondisclosure.warn_percent"])
    by_service: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in publishable.service_counts(wb, financial_year):
        by_service[(row["service"], row["dimension"])][row["category"]] += row["count"]
    findings = []
    for (service, dimension), counts in by_service.items():
        share = percent(counts.get(NOT_DISCLOSED, 0), sum(counts.values()))
        if share is not None and share > warn:
            findings.append(Finding("Services", f"{service}: {share}% of service users did not disclose "
                                                f"their {DIMENSION_LABELS[dimension]} (above {warn:g}%)"))  # fmt: skip
    return findings


def _schemes_without_data(wb: Workbook, financial_year: str) -> list[Finding]:
    return [Finding("Divert / Triage", f"{scheme['name']} has no participant figures for {financial_year}")
            for scheme in publishable.schemes(wb)
            if not publishable.scheme_counts(wb, scheme["name"], financial_year)]  # fmt: skip


def _goals_without_update(wb: Workbook, financial_year: str) -> list[Finding]:
    updates = publishable.goal_updates(wb, financial_year)
    return [Finding("Goals", f"'{goal['title']}' ({goal['set_for_year']}) has no update for {financial_year}")
            for goal in publishable.goals(wb)
            if goal["set_for_year"] == financial_year and goal["id"] not in updates]  # fmt: skip


def _performance_update(wb: Workbook, financial_year: str, quarter: int) -> list[Finding]:
    commentary = {(r["group_id"], r["quarter"]) for r in publishable.kpi_commentary(wb, financial_year)}
    filled = {(r["kpi_id"], r["quarter"]) for r in publishable.kpi_values(wb, (financial_year,))}
    findings, groups_seen = [], set()
    for kpi in publishable.kpis(wb, financial_year):
        if kpi["group_id"] not in groups_seen and (kpi["group_id"], quarter) not in commentary:
            findings.append(Finding("KPIs", f"{kpi['group_name']} has no commentary for {financial_year} Q{quarter}"))
        groups_seen.add(kpi["group_id"])
        if kpi["frequency"] == "survey":  # measured once a year or less, at its own period
            continue
        missing = [q for q in range(1, quarter + 1) if (kpi["id"], q) not in filled]
        if missing and not kpi["derived_kind"]:
            quarters = ", ".join(f"Q{q}" for q in missing)
            findings.append(Finding("KPIs", f"'{kpi['name']}' has no figure for {financial_year} {quarters}"))
    return findings


def _workforce_pack(wb: Workbook, financial_year: str, _quarter: int) -> list[Finding]:
    if publishable.workforce_statement(wb, financial_year) is None:
        return [Finding("Workforce", f"no workforce snapshot on or before the end of {financial_year}")]
    return []


def _machine_floor(wb: Workbook) -> list[Finding]:
    """This computer's disclosure floor, when it hides more than the workbook's threshold would."""
    note = floor_note(wb)
    return [Finding("Disclosure", note)] if note else []


def _disclosure(wb: Workbook, financial_year: str, period: int) -> list[Finding]:
    """What the document's disclosure plan hides, table by table, and what a reader of every
    figure it shows could still work out about each hidden count (its range)."""
    plan = public_plan.decide(wb, financial_year, period)
    report = plan.audit  # the audit of everything shown, made with the plan
    tables: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for key in sorted(plan.hidden - plan.model.latent):
        *table, cell = key_parts(key)
        found = report.intervals.get(key)
        tables[tuple(table)].append(f"{cell} ({found})" if found else cell)
    findings = [Finding("Disclosure", f"{public_plan.readable(table)}: hidden {', '.join(cells)}")
                for table, cells in tables.items()]  # fmt: skip
    findings += [Finding("Disclosure", finding.message) for finding in report.findings]
    if plan.fallback_groups:
        findings.append(Finding("Disclosure", f"{counted(plan.fallback_groups, 'group')} of figures could not be "
                                "planned in time and are hidden whole"))
    return findings
