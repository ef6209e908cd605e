"""``import``: recognise what a file is and hand it to its importer."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ImportProblem, ImportRefused
from ..store.workbook import Workbook
from .load import import_exchange, is_exchange_workbook
from .result import ImportResult
from .returns import import_return, is_monitoring_return
from .sources import Source, read

if TYPE_CHECKING:
    from .hr_extract import HrMapping

KIND_NAMES = {
    "exchange": "an exchange workbook (as export-data writes)",
    "monitoring-return": "a service monitoring return (as the template command writes)",
    "hr-extract": "an HR extract (give --snapshot, and --mapping the first time)",
}


def import_file(
    wb: Workbook, path: Path, *, kind: str | None = None, dry_run: bool = False,
    snapshot: str | None = None, label: str = "", mapping_file: Path | None = None, allow_empty: bool = False,
) -> ImportResult:  # fmt: skip
    """Import ``path`` into ``wb`` as ``kind`` (recognised when None). HR extracts need the
    snapshot date; their mapping comes from ``mapping_file`` (then saved in ``wb`` by the same
    edit) or the one saved before. A monitoring return with no figures is refused unless
    ``allow_empty``. ``path`` is never the workbook under another name."""
    source = read(Path(path))
    kind = kind or detect(source, snapshot is not None or mapping_file is not None)
    mapping = _read_mapping(mapping_file) if kind == "hr-extract" and mapping_file else None
    return import_source(wb, source, kind, dry_run=dry_run, snapshot=snapshot, label=label, mapping=mapping,
                         allow_empty=allow_empty)  # fmt: skip


def import_source(
    wb: Workbook, source: Source, kind: str, *, dry_run: bool = False, snapshot: str | None = None,
    label: str = "", mapping: HrMapping | None = None, allow_empty: bool = False,
) -> ImportResult:  # fmt: skip
    """Import a file already read as ``kind``: the window checks it (a dry run) and then
    imports it without reading it again. Importers never change ``source``."""
    if kind == "monitoring-return":
        return import_return(wb, source, dry_run=dry_run, allow_empty=allow_empty)
    if kind == "exchange":
        return import_exchange(wb, source, dry_run=dry_run)
    from .hr_extract import import_hr_extract

    if not snapshot:
        raise ImportRefused(source.path.name, [ImportProblem(
            "", None, "", None, "is an HR extract, but no snapshot date was given",
            "--snapshot YYYY-MM-DD: the date the extract describes")])  # fmt: skip
    return import_hr_extract(wb, source, snapshot, mapping, label=label, dry_run=dry_run)


def _read_mapping(path: Path) -> HrMapping:
    from .hr_extract import read_mapping

    return read_mapping(path)


def recognise(wb: Workbook, source: Source) -> str | None:
    """What ``source`` looks like: a monitoring return, an exchange workbook, or an HR extract
    (by the staff reference column, under the saved mapping's header), else None."""
    if is_monitoring_return(source):
        return "monitoring-return"
    if is_exchange_workbook(source):
        return "exchange"
    from .hr_extract import looks_like_hr_extract, saved_mapping

    return "hr-extract" if looks_like_hr_extract(source, saved_mapping(wb)) else None


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
