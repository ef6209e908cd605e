"""The pre-flight list: what needs attention before a document is exported."""

from __future__ import annotations

from click.testing import CliRunner
from conftest import PASSPHRASE

from opcc_desktop.areas import goals, kpis, narrative, services, settings
from opcc_desktop.documents.preflight import preflight
from ui.cli import main


def _service(wb, name: str, never_publish: bool = False) -> int:
    return services.add_service(wb, {"name": name, "never_publish": never_publish}).rows[0].key["id"]


def messages(wb, report: str, quarter: int = 0) -> list[str]:
    return [str(finding) for finding in preflight(wb, report, "2021/22", quarter)]


def test_missing_quarters_and_high_non_disclosure(wb) -> None:
    harbour = _service(wb, "Harbour")
    services.set_service_count(wb, harbour, "2021/22", 1, "sexual_orientation", "Heterosexual", 6)
    services.set_service_count(wb, harbour, "2021/22", 1, "sexual_orientation", "Not disclosed", 14)
    found = messages(wb, "annual-equality")
    assert "Services: Harbour has no monitoring return for Q2, Q3, Q4" in found
    assert ("Services: Harbour: 70.0% of service users did not disclose their sexual orientation "
            "(above 30%)") in found  # fmt: skip
    settings.set_setting(wb, "nondisclosure.warn_percent", 75)
    assert not any("did not disclose" in line for line in messages(wb, "annual-equality"))


def test_what_the_plan_hides_is_listed_with_what_a_reader_can_narrow_it_to(wb) -> None:
    harbour = _service(wb, "Harbour")
    services.set_service_count(wb, harbour, "2021/22", 1, "gender", "Female", 40)
    services.set_service_count(wb, harbour, "2021/22", 1, "gender", "Male", 3)
    services.set_service_count(wb, harbour, "2021/22", 1, "gender", "Not disclosed", 9)
    found = [line for line in messages(wb, "annual-equality") if line.startswith("Disclosure: Services › Harbour")]
    assert found == ["Disclosure: Services › Harbour › gender: hidden Male (1 to 11), Not disclosed (1 to 11)"]


def test_never_publish_items_are_not_mentioned(wb) -> None:
    secret = _service(wb, "Secret Pilot Service", never_publish=True)
    services.set_service_count(wb, secret, "2021/22", 1, "gender", "Not disclosed", 9)
    assert not any("Secret Pilot" in line for line in messages(wb, "annual-equality"))


def test_goals_without_update_and_narrative_gaps(wb) -> None:
    goal = goals.add_goal(wb, {"set_for_year": "2021/22", "title": "Consultation", "status": "in progress"})
    found = messages(wb, "annual-equality")
    assert "Goals: 'Consultation' (2021/22) has no update for 2021/22" in found
    assert "Narrative: the 'Introduction' section has no text for 2021/22" in found
    goals.set_goal_update(wb, goal.rows[0].key["id"], "2021/22", "Strategy published.")
    narrative.set_narrative(wb, "annual-equality", "2021/22", "introduction", "Hello")
    found = messages(wb, "annual-equality")
    assert not any(line.startswith("Goals:") for line in found)
    assert "Narrative: the 'Introduction' section has no text for 2021/22" not in found


def test_kpi_groups_without_commentary_and_missing_figures(wb) -> None:
    outcome = kpis.add_outcome(wb, "Confidence").rows[0].key["id"]
    group = kpis.add_group(wb, outcome, "Public Access").rows[0].key["id"]
    calls = kpis.add_kpi(wb, group, {"name": "999 calls", "unit": "count", "polarity": "neutral"}).rows[0].key["id"]
    kpis.set_kpi_value(wb, calls, "2021/22", 1, 24995)
    found = messages(wb, "performance-update", quarter=2)
    assert "KPIs: Public Access has no commentary for 2021/22 Q2" in found
    assert "KPIs: '999 calls' has no figure for 2021/22 Q2" in found
    kpis.set_commentary(wb, group, "2021/22", 2, "Demand rose.")
    kpis.set_kpi_value(wb, calls, "2021/22", 2, 27860)
    assert not any(line.startswith("KPIs:") for line in messages(wb, "performance-update", quarter=2))


def test_cli_lists_findings(wb, workbook_path) -> None:
    wb.close()
    result = CliRunner().invoke(
        main, ["preflight", str(workbook_path), "--report", "workforce-pack", "--year", "2021/22"],
        env={"OPCC_PASSPHRASE": PASSPHRASE},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Workforce: no workforce snapshot on or before the end of 2021/22" in result.output


def test_free_text_naming_a_never_publish_item_is_flagged(wb) -> None:
    _service(wb, "Secret Pilot Service", never_publish=True)
    narrative.set_narrative(wb, "annual-equality", "2021/22", "achievements",
                            "We launched the secret pilot service this year.")  # fmt: skip
    assert ("Privacy: the 'achievements' text names 'Secret Pilot Service', which is flagged never "
            "to be published") in messages(wb, "annual-equality")  # fmt: skip
    assert not any(line.startswith("Privacy") for line in messages(wb, "workforce-pack"))
