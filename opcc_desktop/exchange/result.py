"""What an import did (or, on a dry run, would do)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..store.changes import Changes


@dataclass(frozen=True)
class ImportResult:
    """``changes`` is the edit made (None on a dry run or when nothing differed); ``summary``
    is what a person reads: one line per thing imported, e.g. "24 staff rows"."""

    kind: str  # "exchange", "monitoring-return" or "hr-extract"
    summary: list[str] = field(default_factory=list)
    changes: Changes | None = None
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)

