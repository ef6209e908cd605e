"""Writes the disk refuses are explained, and lose nothing."""

from __future__ import annotations

import pytest
from conftest import dump

from opcc_desktop.areas import services
from opcc_desktop.errors import StorageError


def test_full_disk_is_explained_and_loses_nothing(wb) -> None:
    services.add_service(wb, {"name": "Kept service"})
    before = dump(wb)
    edits = wb.scalar("SELECT count(*) FROM edits")
    wb.conn.execute(f"PRAGMA max_page_count = {wb.scalar('PRAGMA page_count')}")  # disk now "full"
    with pytest.raises(StorageError, match="full"):
        with wb.batch("Many services"):
            for number in range(400):
                services.add_service(wb, {"name": f"Service {number}", "service_type": "x" * 100})
    assert dump(wb) == before
    assert wb.scalar("SELECT count(*) FROM edits") == edits
    assert wb.integrity_problems() == []
    wb.conn.execute("PRAGMA max_page_count = 1073741823")
    services.add_service(wb, {"name": "Saved once space is freed"})
