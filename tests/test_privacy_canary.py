"""Canary: unique values planted in workforce rows and never-publish items must never reach
the text of a public document (PDF or HTML), whatever else the workbook holds."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pdfplumber
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opcc_desktop.areas import kpis, schemes, services, workforce
from opcc_desktop.areas.vocab import WORKFORCE_CHARACTERISTICS
from opcc_desktop.documents import annual_equality, performance_update
from opcc_desktop.documents.html_document import HtmlDocument
from opcc_desktop.store.workbook import Workbook

YEAR = "2021/22"
canary = st.from_regex(r"\AZq[A-Z]{3}[0-9]{3}\Z", fullmatch=True)


def plant(wb: Workbook, mark: str, counts: list[int], published_too: bool) -> None:
    snapshot = workforce.add_snapshot(wb, "2022-03-31").rows[0].key["id"]
    staff = {name: options[0] for name, options in WORKFORCE_CHARACTERISTICS.items()}
    workforce.add_staff(wb, snapshot, {**staff, "staff_ref": f"{mark}1", "role_grade": f"{mark} grade"})
    hidden = services.add_service(wb, {"name": f"{mark} service", "never_publish": True}).rows[0].key["id"]
    scheme = schemes.add_scheme(wb, {"name": f"{mark} scheme", "never_publish": True}).rows[0].key["id"]
    outcome = kpis.add_outcome(wb, "Outcome").rows[0].key["id"]
    group = kpis.add_group(wb, outcome, "Group").rows[0].key["id"]
    secret_kpi = kpis.add_kpi(wb, group, {"name": f"{mark} kpi", "unit": "count", "polarity": "neutral",
                                          "never_publish": True}).rows[0].key["id"]  # fmt: skip
    for quarter, count in enumerate(counts, start=1):
        services.set_service_count(wb, hidden, YEAR, quarter, "gender", f"{mark} category", count)
        schemes.set_scheme_count(wb, scheme, YEAR, "gender", f"{mark} gender", count)
        kpis.set_kpi_value(wb, secret_kpi, YEAR, quarter, count)
    if published_too:
        shown = services.add_service(wb, {"name": "Shown service"}).rows[0].key["id"]
        services.set_service_count(wb, shown, YEAR, 1, "gender", "Female", sum(counts) + 5)
        public_kpi = kpis.add_kpi(wb, group, {"name": "Public kpi", "unit": "count", "polarity": "neutral"})
        kpis.set_kpi_value(wb, public_kpi.rows[0].key["id"], YEAR, 1, 7)


def texts(wb: Workbook) -> list[str]:
    found = []
    for module, quarter in ((annual_equality, 0), (performance_update, 4)):
        pdf = module.build(wb, YEAR, quarter).to_bytes()
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            found.append("\n".join(page.extract_text() or "" for page in document.pages))
        found.append(module.build(wb, YEAR, quarter, document=HtmlDocument).to_bytes().decode("utf-8"))
    return found


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mark=canary, counts=st.lists(st.integers(0, 40), min_size=1, max_size=4), published_too=st.booleans())
def test_private_values_never_reach_a_public_document(mark: str, counts: list[int], published_too: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        with Workbook.create(Path(folder) / "canary.opcc", "canary") as wb:
            plant(wb, mark, counts, published_too)
            for text in texts(wb):
                assert mark not in text


def test_a_kpi_built_at_any_depth_on_a_never_publish_kpi_is_not_published(tmp_path: Path) -> None:
    """A sum of a sum that includes a never-publish KPI would reveal it: all of them stay out."""
    from opcc_desktop.figures import publishable

    with Workbook.create(tmp_path / "kpis.opcc", "canary") as wb:
        outcome = kpis.add_outcome(wb, "Outcome").rows[0].key["id"]
        group = kpis.add_group(wb, outcome, "Group").rows[0].key["id"]

        def kpi(name: str, never: bool = False, kind: str | None = None, inputs: tuple[int, ...] = ()) -> int:
            values = {"name": name, "unit": "count", "polarity": "neutral", "never_publish": never}
            return kpis.add_kpi(wb, group, values, derived_kind=kind, inputs=inputs).rows[0].key["id"]

        secret, shown = kpi("ZqSECRET kpi", never=True), kpi("Shown kpi")
        inner = kpi("ZqINNER sum", kind="sum", inputs=(secret, shown))
        kpi("ZqOUTER sum", kind="sum", inputs=(inner, shown))
        kpis.set_kpi_value(wb, secret, YEAR, 1, 3)
        kpis.set_kpi_value(wb, shown, YEAR, 1, 40)
        assert [k["id"] for k in publishable.kpis(wb, YEAR)] == [shown]
        assert {v["kpi_id"] for v in publishable.kpi_input_values(wb, (YEAR,))} == set()
        found = texts(wb)
        assert all("Shown kpi" in text for text in found[2:])  # the update's PDF and HTML
        for text in found:
            assert "ZqINNER" not in text and "ZqOUTER" not in text and "ZqSECRET" not in text
