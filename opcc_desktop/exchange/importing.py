"""``import``: recognise what a file is and hand it to its importer."""

from __future__ import annotations

from pathlib import Path

from ..errors import ImportProblem, ImportRefused
from ..workbook import Workbook
from .load import import_exchange, is_exchange_workbook
from .result import ImportResult
from .returns import import_return, is_monitoring_return
from .sources import Source, read

KIND_NAMES = {
    "exchange": "an exchange workbook (as export-data writes)",
    "monitoring-return": "a service monitoring return (as the template command writes)",
    "hr-extract": "an HR extract (give --snapshot, and --mapping the first time)",
}


def import_file(
    wb: Workbook, path: Path, *, kind: str | None = None, dry_run: bool = False,
    snapshot: str | None = None, label: str = "", mapping_file: Path | None = None,
) -> ImportResult:
    """Import ``path`` into ``wb`` as ``kind`` (recognised when None). HR extracts need the
    snapshot date; their mapping comes from ``mapping_file`` (then saved in ``wb`` by the same
    edit) or the one saved before."""
    source = read(Path(path))
    kind = kind or detect(source, snapshot is not None or mapping_file is not None)
    if kind == "monitoring-return":
        return import_return(wb, source, dry_run=dry_run)
    if kind == "exchange":
        return import_exchange(wb, source, dry_run=dry_run)
    return _import_hr_extract(wb, source, snapshot, label, mapping_file, dry_run)


def _import_hr_extract(
    wb: Workbook, source: Source, snapshot: str | None, label: str, mapping_file: Path | None, dry_run: bool
) -> ImportResult:
    from . import hr_extract

    mapping = hr_extract.read_mapping(mapping_file) if mapping_file else None
    if not snapshot:
        raise ImportRefused(source.path.name, [ImportProblem(
            "", None, "", None, "is an HR extract, but no snapshot date was given",
            "--snapshot YYYY-MM-DD: the date the extract describes")])  # fmt: skip
    return hr_extract.import_hr_extract(wb, source, snapshot, mapping, label=label, dry_run=dry_run)


def detect(source: Source, hr_hinted: bool) -> str:
    if hr_hinted:
        return "hr-extract"
    if is_monitoring_return(source):
        return "monitoring-return"
    if is_exchange_workbook(source):
        return "exchange"
    raise ImportRefused(source.path.name, [ImportProblem(
        "", None, "", None, "is not a kind of file OPCC Desktop recognises",
        "; ".join(KIND_NAMES.values()) + ". Or say which with --kind")])  # fmt: skip
