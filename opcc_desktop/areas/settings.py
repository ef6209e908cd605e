"""The office's settings kept in the workbook: name, logo, disclosure policy, level labels.

Preferences of the person using the app (window layout, recent files) are not here: they live
in the user's profile, not in the shared document.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import Problem, ValidationError
from ..store.backups import Retention
from ..store.changes import Changes
from ..store.compaction import KEEP_DAYS
from ..store.policy import machine_policy
from ..store.workbook import Workbook
from .editing import recorded
from .validation import Field, Invalid, choice, integer, number, refuse, text, validate
from .vocab import DEFAULT_EDI_LEVELS, GENERATED_SECTIONS, QUARTERLY_REPORTS, REPORT_SECTIONS

THRESHOLD = integer(low=0, high=100)  # disclosure.threshold in any workbook
FLOOR = "disclosure_threshold_floor"  # the machine policy's key (store/policy.py)
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
MAX_LOGO_BYTES = 2 * 1024 * 1024


def _levels_check(value: Any) -> str:
    parts = [p.strip() for p in str(value).split("|")]
    if len(parts) != 3 or not all(parts) or len(set(parts)) != 3:
        raise Invalid("is not three level names", "three different names separated by |, lowest first")
    return "|".join(parts)


# How the statutory workforce statement's proportions are rounded (figures/workforce_statement.py)
WORKFORCE_ROUNDINGS = ("whole", "5", "10", "bands")


def _workforce_rounding_check(value: Any) -> str:
    """'whole', '5', '10' or 'bands'; a spreadsheet's 5 or 5.0, and "5%", are "5"."""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        value = int(value)
    key = str(value).strip().casefold().removesuffix("%").strip()
    if key in WORKFORCE_ROUNDINGS:
        return key
    raise Invalid("is not a way of rounding the workforce statement",
                  "'whole' (nearest 1%), '5' (nearest 5%), '10' (nearest 10%) or 'bands'")  # fmt: skip


def _sections_check(report: str) -> Field:
    """A document's required sections: names from its own list, comma-separated."""
    known = tuple(s for s in REPORT_SECTIONS[report] if s not in GENERATED_SECTIONS)
    known += ("commentary",) if report in QUARTERLY_REPORTS else ()

    def check(value: Any) -> str:
        names = [n.strip().casefold() for n in str(value or "").split(",") if n.strip()]
        unknown = [n for n in names if n not in known]
        if unknown:
            raise Invalid(f"names {', '.join(unknown)}, not a section of the {report} document",
                          f"section names separated by commas, from: {', '.join(known)}")  # fmt: skip
        return ", ".join(dict.fromkeys(names))

    return Field(check, required=False, empty="")


def _email_check(value: Any) -> str:
    address = text(max_len=120).check(value)
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
        raise Invalid("is not an email address", "an address such as enquiries@example.gov.uk")
    return address


def _website_check(value: Any) -> str:
    address = text(max_len=200).check(value)
    if not re.fullmatch(r"https?://[^\s]+", address):
        raise Invalid("is not a web address", "an address starting http:// or https://")
    return address


def _threshold_check(value: Any) -> int:
    """0 to 100, and on this computer not below the machine policy's floor (set by IT)."""
    threshold = THRESHOLD.check(value)
    policy = machine_policy()
    floor = policy.disclosure_threshold_floor
    if threshold < floor:
        raise Invalid(f"is below this computer's disclosure threshold floor of {floor}, set by "
                      f"{policy.set_by(FLOOR)}", f"{floor} to 100")  # fmt: skip
    return threshold


def floor_note(wb: Workbook) -> str:
    """What pre-flight and ``check`` say when this computer's disclosure floor raises the
    workbook's threshold for the public documents ("" when it does not, or when the stored
    threshold is not a number: ``check`` reports that in its own right)."""
    policy = machine_policy()
    stored, floor = settings(wb)["disclosure.threshold"], policy.disclosure_threshold_floor
    if not stored.isdigit() or floor <= (own := int(stored)):
        return ""
    return (f"{policy.set_by(FLOOR)} set this computer's disclosure threshold floor to {floor}, above this "
            f"workbook's threshold of {own}: public documents exported here hide counts of people below {floor}")  # fmt: skip


# The office's details, for the contact block on the public documents' back page
OFFICE_DETAILS = {
    "office.address": text(max_len=300, required=False),  # one line per line of the address
    "office.telephone": text(max_len=40, required=False),
    "office.email": Field(_email_check, required=False, empty=""),
    "office.website": Field(_website_check, required=False, empty=""),
    "office.holders": text(max_len=500, required=False),  # "Police and Crime Commissioner: Name", one a line
}

# The sections a final edition cannot go without (documents/release.py); the rest are left out
# of a final edition when empty.
REQUIRED_SECTIONS = {
    "annual-equality": "introduction, governance, consultation, achievements, conclusion",
    "performance-update": "introduction",
    "panel-report": "purpose",
}

SETTING_RULES: dict[str, Field] = {
    "office_name": text(max_len=150, required=False),
    # the release's contact, printed on the back page of the public documents
    "release.contact": text(max_len=500, required=False),
    **OFFICE_DETAILS,
    **{f"documents.required.{report}": _sections_check(report) for report in REQUIRED_SECTIONS},
    "disclosure.threshold": Field(_threshold_check),
    "disclosure.symbol": choice(("*", "<5", "[c]", "x", "~")),
    "disclosure.rounding": choice(("half-up",)),
    "disclosure.workforce_rounding": Field(_workforce_rounding_check),
    "disclosure.round_to": choice(("0", "5", "10")),  # counts shown rounded to a base; 0 exact
    "nondisclosure.warn_percent": number(low=0, high=100),
    "edi.levels": Field(_levels_check),
    "backups.keep": integer(low=1, high=100),
    "backups.days": integer(low=0, high=366),
    "backups.weeks": integer(low=0, high=520),
    "audit.keep_days": integer(low=0, high=3650),  # see store/compaction.py
    # what printed cells show for not available, not applicable, provisional and revised: the
    # house symbols ("-", "n/a", "(p)", "(r)") or the Analysis Function's ("[x]", "[z]", "[p]", "[r]")
    "cells.symbols": choice(("standard", "analysis-function")),
    # a KPI's percentage change is given only when both figures are at least this; else the difference
    "kpis.percent_change_from": integer(low=0, high=1_000_000),
    "kpis.area_name": text(max_len=80, required=False),  # the survey tables' local column, e.g. Cleveland
}
# The rules a stored value keeps on any computer (``check``): the floor is this computer's, and
# it applies to what is set here and to every public document exported here, not to the file.
STORED_RULES: dict[str, Field] = {**SETTING_RULES, "disclosure.threshold": THRESHOLD}
DEFAULTS: dict[str, str] = {
    "office_name": "",
    "release.contact": "",
    **{key: "" for key in OFFICE_DETAILS},
    **{f"documents.required.{report}": sections for report, sections in REQUIRED_SECTIONS.items()},
    "disclosure.threshold": "5",
    "disclosure.symbol": "*",
    "disclosure.round_to": "0",
    "disclosure.rounding": "half-up",
    "disclosure.workforce_rounding": "5",
    "nondisclosure.warn_percent": "30",
    "edi.levels": "|".join(DEFAULT_EDI_LEVELS),
    "backups.keep": str(Retention.keep),
    "backups.days": str(Retention.days),
    "backups.weeks": str(Retention.weeks),
    "audit.keep_days": str(KEEP_DAYS),
    "cells.symbols": "standard",
    "kpis.percent_change_from": "10",
    "kpis.area_name": "",
}


def set_setting(wb: Workbook, key: str, value: Any) -> Changes:
    """Set one setting. New EDI level labels rename the levels already assessed, by position
    (lowest first), in the same edit, so every assessment keeps a level the settings name."""
    if key not in SETTING_RULES:
        raise ValidationError("setting", [Problem("key", key, "is not a setting", ", ".join(SETTING_RULES))])
    clean = validate("setting", {key: SETTING_RULES[key]}, {key: value})[key]
    stored = "" if clean is None else (f"{clean:g}" if isinstance(clean, float) else str(clean))
    description = f"Set {key}"
    with recorded(wb, "setting", description) as tx:
        if key == "edi.levels":
            renamed = dict(zip(edi_levels(wb), stored.split("|")))
            assessed = tx.conn.execute("SELECT id, level FROM edi_assessments ORDER BY id").fetchall()
            for assessment_id, level in assessed:
                if level in renamed:
                    tx.update("edi_assessments", {"id": assessment_id}, {"level": renamed[level]})
        set_key = {"key": key}
        if tx.fetch("settings", set_key) is None:
            if stored != DEFAULTS[key]:  # setting the default changes nothing
                tx.insert("settings", {"key": key, "value": stored}, pk="key")
        else:
            tx.update("settings", set_key, {"value": stored})
    return tx.changes(description)


def settings(wb: Workbook) -> dict[str, str]:
    """Every setting, with defaults for those never set."""
    stored = {r["key"]: r["value"] for r in wb.rows("SELECT key, value FROM settings")}
    return {**DEFAULTS, **stored}


def edi_levels(wb: Workbook) -> tuple[str, ...]:
    return tuple(settings(wb)["edi.levels"].split("|"))


def set_logo(wb: Workbook, data: bytes | None) -> Changes:
    """Store the office logo (PNG or JPEG, up to 2 MB); ``None`` removes it."""
    if data is not None:
        check_logo(data)
        data = bytes(data)
    description = "Remove logo" if data is None else "Set logo"
    with recorded(wb, "logo", description) as tx:
        existing = tx.fetch("assets", {"name": "logo"})
        if data is None:
            if existing:
                tx.delete("assets", {"name": "logo"})
        elif existing:
            tx.update("assets", {"name": "logo"}, {"data": data, "media_type": _media_type(data)})
        else:
            tx.insert("assets", {"name": "logo", "media_type": _media_type(data), "data": data}, pk="name")
    return tx.changes(description)


def logo(wb: Workbook) -> bytes | None:
    return wb.scalar("SELECT data FROM assets WHERE name = 'logo'")


def _media_type(data: bytes) -> str:
    return next(kind for magic, kind in LOGO_TYPES.items() if data.startswith(magic))


def check_logo(data: Any) -> None:
    if not isinstance(data, (bytes, bytearray)):
        raise ValidationError("logo", [Problem("logo", type(data).__name__, "is not image data",
                                               "the bytes of a PNG or JPEG file")])  # fmt: skip
    problems = []
    if len(data) > MAX_LOGO_BYTES:
        problems.append(Problem("logo", f"{len(data)} bytes", "is too large", "up to 2 MB"))
    if not any(data.startswith(magic) for magic in LOGO_TYPES):
        problems.append(Problem("logo", bytes(data[:8]), "is not a PNG or JPEG image", "PNG or JPEG"))
    refuse("logo", problems)
