"""The Annual Equality Monitoring Report (public).

Built from the year's :class:`~opcc_desktop.figures.public_view.PublicView` alone (import-linter
forbids this module the storage layer and the readers), so never-publish services and schemes
and private workforce rows cannot reach the page; every count of people is read from the
year's disclosure plan. Sections follow the year's outline (areas/outline.py), which by
default frames the report as a statistics release: Message from the Commissioner (when
written), Main points, Introduction, Governance, Workforce, Services (profile, consultation,
schemes), Achievements, Equality goals, Conclusion; officers may rename, reorder and add to
it. About these statistics, the appendix and the contact back page always close it. An empty
optional section is left out of a final edition (see :mod:`.release`), so the numbers follow
what is printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..areas.periods import long_date
from ..areas.vocab import QUARTER_MONTHS
from ..figures import equality_tables as et
from ..figures.charts import ChartSpec, Series
from ..figures import public_plan
from ..figures.public_plan import participants_key
from ..figures.disclosure import Policy, rounding_sentence
from ..figures.public_view import PublicView, public_view
from . import about
from .pdf import ReportDocument
from .printed_outline import print_outline
from .release import FINAL, Release, Sections

if TYPE_CHECKING:
    from ..store.workbook import Workbook

TITLE = "Annual Equality Monitoring Report"
REPORT = "annual-equality"
NO_TEXT = "No text has been written for this section for {year}."


def build(wb: Workbook, financial_year: str, quarter: int = 0, document: Any = ReportDocument,
          release: Release = FINAL) -> Any:  # fmt: skip
    """The report for ``financial_year`` ("2021/22"); ``quarter`` is not used (annual).
    ``document`` is the class that renders it: the PDF's or the HTML edition's; ``release``
    says whether it is a draft. The builder itself is given only the year's public view,
    never the workbook."""
    del quarter
    return render(public_view(wb, REPORT, financial_year), document, release)


def render(view: PublicView, document: Any = ReportDocument, release: Release = FINAL) -> Any:
    return _Builder(view, document, release).build()


class _Builder:
    def __init__(self, view: PublicView, document: Any, release: Release) -> None:
        financial_year = view.financial_year
        self.view = view
        self.fy = financial_year
        self.label = et.year_label(financial_year)
        self.policy: Policy = view.policy
        self.text = view.narrative
        self.service_rows = view.service_counts
        self.plan = view.plan  # every count printed comes from it
        self.sections = Sections(release.draft, view.required_sections)
        self.returns = f"Commissioned services' quarterly monitoring returns, {self.label}"
        self.office = office = view.office_name or "Office of the Police and Crime Commissioner"
        self.doc = document(
            TITLE,
            office=office,
            # on the cover as the subtitle; the running header is too narrow for it and shows
            # the title alone
            subtitle=et.period_text(financial_year),
            logo=view.logo,
            subject=f"{TITLE} {self.label}",
            keywords=("equality", "Public Sector Equality Duty", "Equality Act 2010", self.label),
            draft=release.draft, published=release.published, next_update=release.next_update,
            pictures=view.pictures,
        )

    def build(self) -> Any:
        generated = {"main_points": self.main_points, "workforce": self.workforce, "services": self.services,
                     "goals": self.goals}  # fmt: skip
        print_outline(self.doc, self.view.outline, generated, self.written)  # as the officers shaped it
        self.about()
        self.appendix()
        about.contact_section(self.doc, self.view.contact, self.office, self.view.office_details)
        self.doc.contact = self.view.contact  # for the tables' spreadsheet
        self.doc.disclosure_plan = self.plan  # what it printed, for the audit and the record
        self.doc.release_sections = self.sections  # what a final edition lacks, for the export's check
        return self.doc

    # -- helpers -----------------------------------------------------------------------------

    def written(self, key: str, title: str) -> str:
        """The officers' text for section ``key``, or a draft's placeholder ("" in a final
        edition without it)."""
        text = et.strip_title_heading(self.text.get(key, ""), title)
        return self.sections.text(key, f"{title} ({key})", text, NO_TEXT.format(year=self.label))

    def narrative(self, key: str, title: str) -> None:
        text = self.written(key, title)
        if text:
            self.doc.paragraphs(text)

    def narrative_subsection(self, key: str, title: str) -> None:
        """A subsection that holds the officers' text alone: left out of a final edition,
        heading and all, when they wrote none."""
        text = self.written(key, title)
        if text:
            self.doc.subsection(title)
            self.doc.paragraphs(text)

    def main_points(self, title: str) -> None:
        written = self.sections.text("main_points", f"{title} (main_points)", self.text.get("main_points", ""), "")
        about.main_points(self.doc, written, self.generated_points(), title)

    def _plain_table(self, lead_in: str, header: list[str], rows: list[list[str]]) -> None:
        """Without a number: Table 1 and 2 are the schemes', as in the published report."""
        self.doc.plain_table(lead_in, header, rows)

    def generated_points(self) -> list[str]:
        """Main points from the figures this edition prints (none that it hides)."""
        points = []
        profiles = et.service_profiles(self.plan, self.service_rows)
        if profiles and profiles[0].base.has_number:
            points.append(f"Commissioned services' monitoring returns for {self.label} recorded the "
                          f"{profiles[0].label.lower()} of **{profiles[0].base.text}** service users.")  # fmt: skip
        for scheme in self.view.schemes:
            cell = self.plan.cell(participants_key(scheme["name"])) if participants_key(scheme["name"]) in self.plan.values else None
            if cell is not None and cell.has_number:
                points.append(f"{scheme['name']} had **{cell.text}** participants.")
        current = [g for g in self.view.goals if g["set_for_year"] == self.fy]
        if current:
            achieved = sum(1 for g in current if g["status"] == "achieved")
            points.append(f"**{achieved}** of the {len(current)} equality goals set for {self.label} were achieved.")
        statement = self.view.workforce_statement
        if statement is not None and statement.headcount:
            points.append(f"The Office had **{statement.headcount_text}** staff at "
                          f"{long_date(statement.snapshot_date)}.")  # fmt: skip
        return points

    def about(self) -> None:
        about.about_section(
            self.doc,
            sources=(("Service-user figures come from the quarterly monitoring returns of the services the "
                      "Commissioner funds; scheme figures from the schemes' own records; the workforce statement "
                      "from the Office's staff records."),),  # fmt: skip
            coverage=(f"The report covers the financial year {et.period_text(self.fy)}. A service or "
                      "scheme recorded as not for publication is left out."),  # fmt: skip
            definitions=(
                ("Percentages are of the people recorded for that characteristic (the base, shown with each "
                 "table and chart), so people whose record lacks it are not counted."),
                "\"Not disclosed\": the person did not say, or was not asked.",
                ("Engagement rate: cases closed with needs met as a percentage of cases closed with needs met "
                 "or non-engagement."),
            ),
            policy=self.policy,
        )

    # -- sections ----------------------------------------------------------------------------

    def workforce(self, title: str) -> None:
        doc = self.doc
        doc.section(title)
        self.narrative("workforce", title)
        statement = self.view.workforce_statement
        doc.heading("Workforce statement")
        if statement is None:
            doc.paragraphs(f"No workforce data is recorded for {self.label}.")
            return
        date = long_date(statement.snapshot_date)
        doc.paragraphs(
            "The Elected Local Policing Bodies (Specified Information) Order requires the "
            f"Commissioner to publish the make-up of the Office's staff. At {date}:"
        )
        if not statement.headcount:
            doc.bullets(["staff headcount: **0**"])
            return
        doc.bullets([
            f"staff headcount: **{statement.headcount_text}**",
            f"women: **{statement.women}** of staff",
            f"from an ethnic minority: **{statement.ethnic_minority}** of staff",
            f"disabled: **{statement.disabled}** of staff",
        ])
        doc.paragraphs(
            "The headcount is exact; proportions are of all staff, including those who did not declare. "
            + statement.rounding_sentence + " "
            "Fuller breakdowns by protected characteristic are not published because the Office "
            "has fewer than 150 staff, and publishing them could identify individuals."
        )

    def _symbol_sentence(self) -> str:
        rounded = f" {rounding_sentence(self.policy)}" if self.policy.round_to else ""
        if not self.policy.active:
            return rounded
        return (f" Figures based on fewer than {self.policy.threshold} people, and figures from which "
                f"they could be worked out, are shown as \"{self.policy.symbol}\"." + rounded)

    def services(self, title: str) -> None:
        doc = self.doc
        doc.section(title)
        self.narrative("services", title)
        listed = et.services_in_year(self.view.services, self.fy)
        if listed:
            self._plain_table(
                f"The Commissioner funded the following services in {self.label}:",
                ["Service", "Type of service", "Contract ends"],
                [[s["name"], s["service_type"] or "-", long_date(s["contract_end"]) if s["contract_end"] else "-"]
                 for s in listed],
            )
        else:
            doc.paragraphs(f"No commissioned services are recorded for {self.label}.")
        self.service_profile()
        self.narrative_subsection("consultation", "Consultation")
        self.schemes()

    def service_profile(self) -> None:
        doc = self.doc
        doc.subsection("Service user demographic profile")
        profiles = et.service_profiles(self.plan, self.service_rows)
        if not profiles:
            doc.paragraphs(f"No service-user monitoring data is recorded for {self.label}.")
            return
        doc.paragraphs(
            f"The figures below combine every quarterly monitoring return for {self.label} from the "
            "commissioned services. Each chart shows the percentage of service users in each group, "
            "out of all service users recorded for that characteristic; \"Not disclosed\" is shown as "
            "a group of its own." + self._symbol_sentence()
        )
        for profile in profiles:
            spec = ChartSpec(
                "bar", f"{self.label} service users by {profile.label.lower()}", profile.categories,
                (Series.from_cells("Percentage", profile.percents),),
                unit="percent", value_label="Percentage of service users", category_label=profile.label,
                orientation="horizontal", missing_label=self.policy.symbol,
            )
            doc.chart(f"{self.label} Service User {profile.label} Breakdown", spec, alternative="both",
                      source=f"{self.returns}. Base: {profile.base.text} service users recorded for "
                             f"{profile.label.lower()}.")  # fmt: skip
        doc.heading("Non-disclosure")
        self.narrative("non_disclosure", "Non-disclosure")
        doc.note(et.non_disclosure_sentence(profiles), label="Non-disclosure rates")
        header, rows = et.non_disclosure_by_service(self.plan, self.service_rows)
        self._plain_table(
            f"Percentage of service users for whom each characteristic was not disclosed, by service, "
            f"{self.label} (\"{self.policy.symbols.not_available}\": not collected; "
            f"\"{self.policy.symbols.not_applicable}\": no \"Not disclosed\" category returned).",
            list(header), [list(row) for row in rows],
        )
        self.activity_chart()

    def activity_chart(self) -> None:
        names = {"referrals_received": "Referrals received", "clients_supported": "Clients supported"}
        # counts of people, from the plan like any other (a quarter of a small office's
        # returns can be a handful of people)
        series = [Series.from_cells(names[m], [self.plan.cell(public_plan.activity_key(m, q)) for q in (1, 2, 3, 4)])
                  for m in names if public_plan.activity_key(m, 1) in self.plan.values]
        if not series:
            return
        categories = [f"Q{q} ({QUARTER_MONTHS[q]})" for q in (1, 2, 3, 4)]
        spec = ChartSpec("grouped_bar", f"{self.label} referrals and clients by quarter", categories,
                         tuple(series), unit="count", value_label="Number of people",
                         category_label="Quarter", orientation="vertical")
        self.doc.paragraphs("Demand for the services across the year, all services combined:")
        self.doc.chart(f"{self.label} Referrals Received and Clients Supported by Quarter", spec, source=self.returns,
                       alternative="both")

    def schemes(self) -> None:
        doc = self.doc
        doc.subsection("Criminal justice schemes")
        self.narrative("schemes", "Criminal justice schemes")
        found: list[tuple[str, Any]] = []
        for scheme in self.view.schemes:
            table = et.scheme_table(self.plan, scheme["name"],
                                    self.view.scheme_counts[scheme["name"]])
            if table is not None:
                found.append((scheme, table))
        if not found:
            doc.paragraphs(f"No criminal justice scheme data is recorded for {self.label}.")
            return
        doc.paragraphs(
            "Each table shows, within each gender, the percentage of participants in each group. "
            "Each characteristic has its own base (the number of records holding it, shown first), so "
            "the groups of one characteristic add up to 100% of that base, which can be smaller than "
            "the number of participants when some records lack the field." + self._symbol_sentence()
        )
        for scheme, table in found:
            caption = _scheme_caption(scheme["name"], self.label)
            doc.table(caption, list(table.header), [list(r) for r in table.rows],
                      source=f"{scheme['name']} scheme records, {self.label}. Bases: the records (number) rows.")
        by_gender = [(scheme, table) for scheme, table in found if table.participants]
        if not by_gender:
            return
        spec = ChartSpec(
            "grouped_bar", f"{self.label} scheme participants by gender", [s["name"] for s, _ in by_gender],
            tuple(Series.from_cells(g, [t.participants[g] for _, t in by_gender]) for g in public_plan.SCHEME_GENDERS),
            unit="percent", value_label="Percentage of participants", category_label="Scheme",
            orientation="horizontal", missing_label=self.policy.symbol,
        )
        doc.chart(f"{self.label} Scheme Participants by Gender", spec, alternative="both",
                  source=f"Scheme records, {self.label}. Base: each scheme's participants.")

    def goals(self, title: str) -> None:
        doc = self.doc
        doc.section(title)
        self.narrative("goals", title)
        all_goals = self.view.goals
        updates = self.view.goal_updates
        doc.heading(f"Update on the goals for {self.label}")
        current = [g for g in all_goals if g["set_for_year"] == self.fy]
        if current:
            rows = []
            for g in current:
                update = updates.get(g["id"])
                rows.append([g["title"], et.status_words(g["status"]),
                             update["text"] if update else "No update recorded."])
            doc.table(f"{self.label} Equality Goals: Progress", ["Goal", "Status", "Update"], rows,
                      source=f"The Office's equality goals and their updates, {self.label}.")
        else:
            doc.paragraphs(f"No equality goals are recorded for {self.label}.")
        following = et.next_year(self.fy)
        following_label = et.year_label(following)
        doc.heading(f"Equality goals for {following_label}")
        upcoming = [g for g in all_goals if g["set_for_year"] == following]
        if upcoming:
            doc.table(f"{following_label} Equality Goals", ["Goal", "Description"],
                      [[g["title"], g["description"] or "-"] for g in upcoming],
                      source=f"The Office's equality goals for {following_label}.")
        else:
            doc.paragraphs(f"No equality goals are recorded yet for {following_label}.")
        doc.heading("EDI Quality Framework self-assessment")
        assessed = [a for a in self.view.edi_assessments if a["level"]]
        if assessed:
            doc.table(f"{self.label} EDI Quality Framework Self-Assessment", ["Area", "Level", "Evidence"],
                      [[a["area"], a["level"], a["evidence"] or "-"] for a in assessed],
                      source=f"The Office's self-assessment against the EDI Quality Framework, {self.label}.")
        else:
            doc.paragraphs(f"No EDI Quality Framework self-assessment is recorded for {self.label}.")


    def appendix(self) -> None:
        """Each characteristic by service, so commissioners can compare providers."""
        rows = self.service_rows
        if not rows:
            return
        self.doc.appendix("Service-user profile by service")
        self.doc.paragraphs(
            f"Each row is one service's users in {self.label}, as a percentage of those recorded "
            f"for the characteristic by that service. \"{self.policy.symbols.not_available}\" means the service "
            "did not collect the category." + self._symbol_sentence()
        )
        for dimension, label in et.SERVICE_DIMENSIONS:
            header, body = et.profile_by_service(self.plan, rows, dimension)
            if body:
                self.doc.table(f"{self.label} {label} of service users by service", header, body,
                               source=f"{self.returns}. Bases: each service's users recorded for "
                                      f"{label.lower()}.")  # fmt: skip


def _scheme_caption(name: str, label: str) -> str:
    if name.lower() == "divert":
        return f"{label} Divert Participants Demographic Breakdown"
    if name.lower() == "youth triage":
        return f"{label} Youth Triage Participant Breakdown"
    return f"{label} {name} Participant Breakdown"
