"""The demo workbook: Cleveland's published figures plus synthetic private data.

Everything goes in through the core actions (the same validation and audit as a person's
edits), inside one batch: one transaction, so the build is fast (one fsync, not thousands)
and all or nothing. A build that fails leaves no file behind.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

from ..areas import goals, kpis, narrative, schemes, services, settings, workforce
from ..errors import PolicyError
from ..store import paths
from ..store.backups import private_folder
from ..store.changes import Changes
from ..store.policy import machine_policy
from ..store.workbook import Workbook, remove_workbook_files
from . import demo_synthetic as synth

SEED = 2021
OFFICE_NAME = "Office of the Police and Crime Commissioner for Cleveland"
DEMO_NAME = "OPCC demo.opcc"
CONFIDENCE_OUTCOME = "Build confidence and put the pride back into Cleveland Police"
CONFIDENCE_GROUP = "Public Confidence"
ACCOUNTABILITY_OUTCOME = "Police Accountability"
COMMENTARY_YEAR = "2021/22"
NARRATIVE_YEAR = "2021/22"
STOP_SEARCH_CARRIED = "Number of stop and searches carried out"
STOP_SEARCH_POSITIVE = "Number of stop and searches with a positive outcome"
TOTAL_COMPLAINTS = "Total complaint allegations"
# The KPIs counting people, or incidents each involving a person (a person searched, a
# complainant, a victim): their figures go through the small-number policy. Headcounts of
# officers and drone pilots, calls, deployments, percentages and survey scores count no one
# who could be identified from a small figure.
COUNTS_PEOPLE = frozenset({
    STOP_SEARCH_CARRIED, STOP_SEARCH_POSITIVE, *synth.COMPLAINT_CATEGORIES, TOTAL_COMPLAINTS,
    "Number of crimes audited by Cleveland Police where VCOP meets required standard",
})  # fmt: skip

Cell = float | str  # a number, or a status such as "not available"


def demo_path() -> Path:
    return paths.user_data_dir() / "demo" / DEMO_NAME


def check_offered() -> None:
    """Refuse the demo where IT turned it off (offer_demo in the machine policy)."""
    found = machine_policy()
    if not found.offer_demo:
        raise PolicyError(f"The demo is turned off on this computer by {found.set_by('offer_demo')}. "
                          "Open or create a workbook instead.")  # fmt: skip


def ensure_demo(path: Path, passphrase: str) -> Path:
    """The demo workbook at ``path``, built first if it is not there yet; refused where the
    machine policy turns the demo off."""
    check_offered()
    if not path.exists():
        private_folder(path.parent)
        build_demo(path, passphrase)
    return path


def build_demo(path: Path, passphrase: str) -> None:
    """Create a new demo workbook at ``path`` (refused if the file exists); on any failure
    the partly built file is removed and the error re-raised."""
    path = Path(path)
    wb = Workbook.create(path, passphrase)  # WorkbookExists leaves an existing file alone
    try:
        with wb.batch("Build demo workbook"):
            _fill(wb, random.Random(SEED))
    except BaseException:
        wb.close()
        remove_workbook_files(path)
        raise
    wb.close()


def _fill(wb: Workbook, rng: random.Random) -> None:
    """Every area, in a fixed order so the seed fixes the data."""
    settings.set_setting(wb, "office_name", OFFICE_NAME)
    settings.set_setting(wb, "disclosure.threshold", 5)
    settings.set_setting(wb, "disclosure.symbol", "*")
    _KpiBuilder(wb, rng).build()
    _add_services(wb, rng)
    _add_schemes(wb, rng)
    _add_workforce(wb, rng)
    _add_goals(wb)
    _add_narratives(wb)


def _new_id(changes: Changes) -> int:
    return int(changes.rows[0].key["id"])


def reference_rows(name: str) -> list[dict[str, str]]:
    """One published reference table, from the app's resources."""
    with open(paths.resources_dir() / "reference" / name, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# -- KPIs ----------------------------------------------------------------------------------


class _KpiBuilder:
    """Adds outcomes, groups and KPIs by name (creating each once) and remembers the cells
    it set, so each group's commentary can quote its own figures."""

    def __init__(self, wb: Workbook, rng: random.Random) -> None:
        self.wb, self.rng = wb, rng
        self.outcomes: dict[str, int] = {}
        self.groups: dict[tuple[str, str], int] = {}
        self.kpis: dict[str, tuple[int, str, int]] = {}  # name -> (id, unit, group id)
        self.cells: dict[str, dict[tuple[str, int], Cell]] = {}

    def build(self) -> None:
        self.add_reference_values()
        self.add_public_confidence()
        self.add_stop_and_search()
        self.add_complaints()
        self.add_commentary()

    def group(self, outcome: str, name: str) -> int:
        if outcome not in self.outcomes:
            self.outcomes[outcome] = _new_id(kpis.add_outcome(self.wb, outcome))
        if (outcome, name) not in self.groups:
            self.groups[(outcome, name)] = _new_id(kpis.add_group(self.wb, self.outcomes[outcome], name))
        return self.groups[(outcome, name)]

    def kpi(self, outcome: str, group: str, name: str, unit: str, polarity: str,
            derived_kind: str | None = None, inputs: tuple[str, ...] = (), frequency: str = "quarterly") -> int:  # fmt: skip
        if name not in self.kpis:
            group_id = self.group(outcome, group)
            input_ids = [self.kpis[i][0] for i in inputs]
            values = {"name": name, "unit": unit, "polarity": polarity, "counts_people": name in COUNTS_PEOPLE,
                      "frequency": frequency}  # fmt: skip
            added = kpis.add_kpi(self.wb, group_id, values, derived_kind, input_ids)
            self.kpis[name] = (_new_id(added), unit, group_id)
        return self.kpis[name][0]

    def value(self, name: str, year: str, quarter: int, cell: Cell) -> None:
        kpi_id, unit, _ = self.kpis[name]
        if isinstance(cell, str):
            kpis.set_kpi_value(self.wb, kpi_id, year, quarter, status=cell)
        else:
            kpis.set_kpi_value(self.wb, kpi_id, year, quarter, int(cell) if unit == "count" else cell)
        self.cells.setdefault(name, {})[(year, quarter)] = cell

    def add_reference_values(self) -> None:
        for row in reference_rows("kpi_values.csv"):
            self.kpi(row["strategic_outcome"], row["group"], row["kpi"], row["unit"], row["polarity"])
            cell: Cell | None = float(row["value"]) if row["value"].strip() else (row["status"].strip() or None)
            if cell is not None:  # neither a number nor a status: the cell stays blank
                self.value(row["kpi"], row["financial_year"], int(row["quarter"]), cell)

    def add_public_confidence(self) -> None:
        """Survey KPIs: each area's figure at the quarter its survey period ends in, labelled
        with the period ("March 2020"); the local one a value, the national one a comparator."""
        for row in reference_rows("public_confidence.csv"):
            name = row["indicator"]
            kpi_id = self.kpi(CONFIDENCE_OUTCOME, CONFIDENCE_GROUP, name, "percent", "higher", frequency="survey")
            year, quarter, period = self.survey_period(row["as_at"])
            if row["area"] == "National":
                kpis.set_comparator(self.wb, kpi_id, "National", period, float(row["value_percent"]), year, quarter)
            else:
                settings.set_setting(self.wb, "kpis.area_name", row["area"])
                kpis.set_kpi_value(self.wb, kpi_id, year, quarter, float(row["value_percent"]), period=period)

    @staticmethod
    def survey_period(as_at: str) -> tuple[str, int, str]:
        """A survey's "2020-03" (the month its period ends) as the financial year and quarter
        it is stored at and its label: ("2019/20", 4, "March 2020")."""
        months = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")  # fmt: skip
        year, month = (int(part) for part in as_at.split("-")[:2])
        start = year if month >= 4 else year - 1
        return f"{start}/{(start + 1) % 100:02d}", (month - 4) % 12 // 3 + 1, f"{months[month - 1]} {year}"

    def add_stop_and_search(self) -> None:
        carried_name, positive_name = STOP_SEARCH_CARRIED, STOP_SEARCH_POSITIVE
        carried, positive = synth.stop_search_values(self.rng)
        for name, series in ((carried_name, carried), (positive_name, positive)):
            self.kpi(ACCOUNTABILITY_OUTCOME, "Stop and Search", name, "count", "neutral")
            self.series(name, series)
        self.kpi(ACCOUNTABILITY_OUTCOME, "Stop and Search", "% of stop and searches with a positive outcome",
                 "percent", "higher", "ratio", (positive_name, carried_name))  # fmt: skip

    def add_complaints(self) -> None:
        series = synth.complaint_values(self.rng)
        for name, values in series.items():
            self.kpi(ACCOUNTABILITY_OUTCOME, "Complaints", name, "count", "neutral")
            self.series(name, values)
        self.kpi(ACCOUNTABILITY_OUTCOME, "Complaints", TOTAL_COMPLAINTS, "count", "neutral",
                 "sum", tuple(series))  # fmt: skip

    def series(self, name: str, values: list[int]) -> None:
        """Eight quarters, 2020/21 Q1 to 2021/22 Q4."""
        for index, value in enumerate(values):
            self.value(name, synth.KPI_YEARS[index // 4], index % 4 + 1, value)

    def add_commentary(self) -> None:
        for (_, group), group_id in self.groups.items():
            names = [name for name, (_, _, g) in self.kpis.items() if g == group_id]
            for quarter in (1, 2, 3, 4):
                text = self.commentary(group, names, quarter)
                if text:
                    kpis.set_commentary(self.wb, group_id, COMMENTARY_YEAR, quarter, text)

    def commentary(self, group: str, names: list[str], quarter: int) -> str | None:
        """The group's note, as an officer would write it beside the figures (it quotes none of
        them: the table and the change sentences give those); None when the group has no cell
        that quarter."""
        cells = [self.cells.get(n, {}).get((COMMENTARY_YEAR, quarter)) for n in names]
        present = [c for c in cells if c is not None]
        if not present:
            return None
        note = synth.GROUP_NOTES.get(group, "")
        if all(isinstance(c, str) for c in present):
            return f"This measure is {present[0]}. {note}".strip()
        return note or "Figures are in line with the force's own reporting."


# -- services, schemes, workforce ----------------------------------------------------------


def _add_services(wb: Workbook, rng: random.Random) -> None:
    for row in reference_rows("services.csv"):
        service_id = _new_id(services.add_service(wb, {
            "name": row["service"], "service_type": row["service_type"], "first_year": row["first_year"],
            "contract_end": row["contract_end"] or None, "never_publish": False}))  # fmt: skip
        for ret in synth.service_returns(rng, row["service_type"], row["first_year"], row["contract_end"] or None):
            for measure, value in ret.activity.items():
                services.set_service_activity(wb, service_id, ret.financial_year, ret.quarter, measure, value)
            for dimension, counts in ret.counts.items():
                for category, count in counts:
                    services.set_service_count(wb, service_id, ret.financial_year, ret.quarter,
                                               dimension, category, count)  # fmt: skip


def _add_schemes(wb: Workbook, rng: random.Random) -> None:
    """Each scheme's years from ``rng``, as before quarters were recorded; a quarterly year
    is then shared out over its quarters from a stream of its own, so the years, and every
    area after the schemes, are the same whether or not a year is recorded by quarter."""
    by_quarter = random.Random(SEED + 1)
    for spec in synth.SCHEMES:
        scheme_id = _new_id(schemes.add_scheme(wb, {
            "name": spec.name, "age_range": spec.age_range, "never_publish": spec.never_publish}))  # fmt: skip
        for year in synth.SCHEME_YEARS:
            counts, measures = synth.scheme_year(rng, spec, year)
            periods = (synth.scheme_quarters(by_quarter, counts, measures)
                       if year in synth.QUARTERLY_SCHEME_YEARS else [(0, counts, measures)])  # fmt: skip
            for quarter, quarter_counts, quarter_measures in periods:
                for dimension, category, gender, count in quarter_counts:
                    schemes.set_scheme_count(wb, scheme_id, year, dimension, category, count, gender, quarter)
                for measure, value in quarter_measures.items():
                    schemes.set_scheme_measure(wb, scheme_id, year, measure, value, quarter)


def _add_workforce(wb: Workbook, rng: random.Random) -> None:
    people: list[dict[str, Any]] = []
    for date, rows in zip(synth.SNAPSHOTS, synth.staff_snapshots(rng)):
        snapshot_id = _new_id(workforce.add_snapshot(wb, date, f"Year end {date[:4]}"))
        added = workforce.add_staff_rows(wb, snapshot_id, rows)
        people = [change.after for change in added.rows if change.after]
    # Family leave taken during 2021/22, recorded against people in the latest snapshot.
    for sex, event in synth.LEAVE_EVENTS:
        person = next((p for p in people if p["sex"] == sex and p["start_date"] < event["start_date"]), None)
        if person is not None:
            workforce.add_leave_event(wb, person["id"], event)


# -- goals, EDI, narrative -----------------------------------------------------------------


def _add_goals(wb: Workbook) -> None:
    for row in reference_rows("equality_goals.csv"):
        goal_id = _new_id(goals.add_goal(wb, {key: row[key] for key in
                                              ("set_for_year", "title", "description", "status")}))  # fmt: skip
        if row["latest_update"].strip():
            goals.set_goal_update(wb, goal_id, NARRATIVE_YEAR, row["latest_update"], synth.GOAL_UPDATE_DATE)
    areas = reference_rows("edi_framework.csv")
    settings.set_setting(wb, "edi.levels", areas[0]["levels"])
    levels = settings.edi_levels(wb)
    for row in areas:
        area_id = _new_id(goals.add_edi_area(wb, row["area"]))
        index, evidence = synth.EDI_ASSESSMENTS[row["area"]]
        goals.set_edi_assessment(wb, area_id, NARRATIVE_YEAR, levels[index], evidence)


def _add_narratives(wb: Workbook) -> None:
    texts: list[tuple[str, int, dict[str, str]]] = [
        ("annual-equality", 0, synth.ANNUAL_EQUALITY),
        *(("performance-update", q, sections) for q, sections in synth.PERFORMANCE_UPDATE.items()),
        ("workforce-pack", 0, synth.WORKFORCE_PACK),
        *(("panel-report", q, sections) for q, sections in synth.PANEL_REPORT.items()),
    ]
    for report, quarter, sections in texts:
        for section, text in sections.items():
            narrative.set_narrative(wb, report, NARRATIVE_YEAR, section, text, quarter)

