"""Publishing an edition: later changes to its KPI figures are marked revised; and the
upgrade that added the record of publications."""

from __future__ import annotations

import io

import pdfplumber
import sqlcipher3.dbapi2 as dbapi
from click.testing import CliRunner
from conftest import PASSPHRASE

from opcc_desktop.areas import kpis, narrative
from opcc_desktop.areas.publications import publications, record_publication
from opcc_desktop.documents import performance_update
from opcc_desktop.store import schema
from opcc_desktop.store.backups import list_backups
from opcc_desktop.store.cipher import quote
from opcc_desktop.store.workbook import Workbook
from ui.cli import main


def _kpi(wb) -> int:
    outcome = kpis.add_outcome(wb, "Confidence").rows[0].key["id"]
    group = kpis.add_group(wb, outcome, "Calls").rows[0].key["id"]
    return kpis.add_kpi(wb, group, {"name": "999 calls", "unit": "count", "polarity": "neutral"}).rows[0].key["id"]


def _update_text(wb) -> str:
    with pdfplumber.open(io.BytesIO(performance_update.build(wb, "2021/22", 2).to_bytes())) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def _revised(wb, kpi: int, quarter: int) -> int:
    return wb.scalar("SELECT revised FROM kpi_values WHERE kpi_id = ? AND quarter = ?", [kpi, quarter])


def test_changing_a_published_figure_marks_it_revised(wb) -> None:
    kpi = _kpi(wb)
    kpis.set_kpi_value(wb, kpi, "2021/22", 1, 24995)
    kpis.set_kpi_value(wb, kpi, "2021/22", 2, 27860)
    record_publication(wb, "performance-update", "2021/22", 1, "2021-08-01")
    kpis.set_kpi_value(wb, kpi, "2021/22", 2, 27861)  # Q2 not yet published
    assert _revised(wb, kpi, 2) == 0
    change = kpis.set_kpi_value(wb, kpi, "2021/22", 1, 25001)
    assert _revised(wb, kpi, 1) == 1
    assert "25,001 (r)" in _update_text(wb)
    kpis.set_kpi_value(wb, kpi, "2021/22", 1, 25001)  # the same number again: still revised, no edit
    wb.revert(change.edit_id)
    assert _revised(wb, kpi, 1) == 0
    assert wb.scalar("SELECT value FROM kpi_values WHERE kpi_id = ? AND quarter = 1", [kpi]) == 24995


def test_a_first_figure_for_a_published_quarter_is_not_a_revision(wb) -> None:
    kpi = _kpi(wb)
    record_publication(wb, "performance-update", "2021/22", 4)
    kpis.set_kpi_value(wb, kpi, "2020/21", 3, 100)
    assert _revised(wb, kpi, 3) == 0


def test_cli_publish_records_the_edition(wb, workbook_path, tmp_path) -> None:
    kpis.set_kpi_value(wb, _kpi(wb), "2021/22", 1, value=120)  # a year it holds figures for
    narrative.set_narrative(wb, "performance-update", "2021/22", "introduction", "Quarter 2.", 2)  # required
    wb.close()
    result = CliRunner().invoke(main, [
        "report", str(workbook_path), "--report", "performance-update", "--year", "2021/22",
        "--quarter", "2", "-o", str(tmp_path / "q2.pdf"), "--publish"], env={"OPCC_PASSPHRASE": PASSPHRASE})  # fmt: skip
    assert result.exit_code == 0, result.output
    with Workbook.open(workbook_path, PASSPHRASE, readonly=True) as book:
        assert [(p["report"], p["financial_year"], p["quarter"]) for p in publications(book)] == [
            ("performance-update", "2021/22", 2)]  # fmt: skip


def test_a_version_1_workbook_is_upgraded_after_a_backup(workbook_path) -> None:
    Workbook.create(workbook_path, PASSPHRASE).close()
    conn = dbapi.connect(str(workbook_path), isolation_level=None)
    conn.execute(f"PRAGMA key = {quote(PASSPHRASE)}")
    conn.execute("DROP TABLE publications")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'add_publications'")
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    with Workbook.open(workbook_path, PASSPHRASE) as wb:
        assert wb.scalar("PRAGMA user_version") == schema.SCHEMA_VERSION
        assert publications(wb) == []
    backups = list_backups(workbook_path, "before-upgrade-from-v1")
    assert len(backups) == 1
    old = dbapi.connect(str(backups[0].path), isolation_level=None)  # the file itself (the app reads it upgraded)
    old.execute(f"PRAGMA key = {quote(PASSPHRASE)}")
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    old.close()
