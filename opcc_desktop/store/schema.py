"""The workbook's tables, created and upgraded by migrations.

Every table is STRICT. Ids use AUTOINCREMENT so an undone delete can put a row back under
its old id. Foreign keys have no ON DELETE CASCADE: the core deletes children itself so that
each removed row is audited and can be restored exactly.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from . import cipher
from .database import new_migrations

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

APPLICATION_ID = 0x4F504343  # "OPCC": marks the file as ours
MIGRATION_SET = "opcc_desktop"

INITIAL_SCHEMA = """
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE assets (
    name TEXT PRIMARY KEY,
    media_type TEXT NOT NULL,
    data BLOB NOT NULL
) STRICT;

CREATE TABLE workforce_snapshots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    snapshot_date TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE staff (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    snapshot_id INTEGER NOT NULL REFERENCES workforce_snapshots(id),
    staff_ref TEXT NOT NULL,
    age_band TEXT NOT NULL,
    sex TEXT NOT NULL,
    gender_identity_same TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    disability TEXT NOT NULL,
    religion TEXT NOT NULL,
    sexual_orientation TEXT NOT NULL,
    pregnancy_maternity TEXT NOT NULL,
    role_grade TEXT NOT NULL DEFAULT '',
    fte REAL,
    start_date TEXT,
    UNIQUE (snapshot_id, staff_ref)
) STRICT;

CREATE TABLE leave_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    leave_type TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    outcome TEXT NOT NULL,
    UNIQUE (staff_id, leave_type, start_date)
) STRICT;

CREATE TABLE services (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    service_type TEXT NOT NULL DEFAULT '',
    first_year TEXT,
    contract_end TEXT,
    never_publish INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE service_categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id INTEGER NOT NULL REFERENCES services(id),
    dimension TEXT NOT NULL,
    category TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (service_id, dimension, category)
) STRICT;

CREATE TABLE service_counts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id INTEGER NOT NULL REFERENCES services(id),
    financial_year TEXT NOT NULL,
    quarter INTEGER NOT NULL,
    dimension TEXT NOT NULL,
    category TEXT NOT NULL,
    count INTEGER NOT NULL CHECK (count >= 0),
    UNIQUE (service_id, financial_year, quarter, dimension, category)
) STRICT;

CREATE TABLE service_activity (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id INTEGER NOT NULL REFERENCES services(id),
    financial_year TEXT NOT NULL,
    quarter INTEGER NOT NULL,
    measure TEXT NOT NULL,
    value REAL NOT NULL,
    UNIQUE (service_id, financial_year, quarter, measure)
) STRICT;

CREATE TABLE schemes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    age_range TEXT NOT NULL DEFAULT '',
    never_publish INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE scheme_categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id INTEGER NOT NULL REFERENCES schemes(id),
    dimension TEXT NOT NULL,
    category TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (scheme_id, dimension, category)
) STRICT;

CREATE TABLE scheme_counts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id INTEGER NOT NULL REFERENCES schemes(id),
    financial_year TEXT NOT NULL,
    dimension TEXT NOT NULL,
    category TEXT NOT NULL,
    gender TEXT NOT NULL DEFAULT 'All',
    count INTEGER NOT NULL CHECK (count >= 0),
    UNIQUE (scheme_id, financial_year, dimension, category, gender)
) STRICT;

CREATE TABLE scheme_measures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id INTEGER NOT NULL REFERENCES schemes(id),
    financial_year TEXT NOT NULL,
    measure TEXT NOT NULL,
    value REAL NOT NULL,
    UNIQUE (scheme_id, financial_year, measure)
) STRICT;

CREATE TABLE strategic_outcomes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE kpi_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    outcome_id INTEGER NOT NULL REFERENCES strategic_outcomes(id),
    name TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    UNIQUE (outcome_id, name)
) STRICT;

CREATE TABLE kpis (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id INTEGER NOT NULL REFERENCES kpi_groups(id),
    name TEXT NOT NULL UNIQUE,
    unit TEXT NOT NULL,
    polarity TEXT NOT NULL,
    derived_kind TEXT,
    never_publish INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE kpi_inputs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    position INTEGER NOT NULL,
    input_kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    UNIQUE (kpi_id, position)
) STRICT;

CREATE TABLE kpi_values (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    financial_year TEXT NOT NULL,
    quarter INTEGER NOT NULL,
    value REAL,
    status TEXT NOT NULL DEFAULT '',
    provisional INTEGER NOT NULL DEFAULT 0,
    revised INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kpi_id, financial_year, quarter)
) STRICT;

CREATE TABLE kpi_comparators (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    comparator TEXT NOT NULL,
    period TEXT NOT NULL,
    value REAL NOT NULL,
    UNIQUE (kpi_id, comparator, period)
) STRICT;

CREATE TABLE kpi_commentary (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id INTEGER NOT NULL REFERENCES kpi_groups(id),
    financial_year TEXT NOT NULL,
    quarter INTEGER NOT NULL,
    text TEXT NOT NULL,
    UNIQUE (group_id, financial_year, quarter)
) STRICT;

CREATE TABLE goals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    set_for_year TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    UNIQUE (set_for_year, title)
) STRICT;

CREATE TABLE goal_updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    goal_id INTEGER NOT NULL REFERENCES goals(id),
    report_year TEXT NOT NULL,
    update_date TEXT,
    text TEXT NOT NULL,
    UNIQUE (goal_id, report_year)
) STRICT;

CREATE TABLE edi_areas (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE edi_assessments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    area_id INTEGER NOT NULL REFERENCES edi_areas(id),
    financial_year TEXT NOT NULL,
    level TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '',
    UNIQUE (area_id, financial_year)
) STRICT;

CREATE TABLE narratives (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report TEXT NOT NULL,
    financial_year TEXT NOT NULL,
    quarter INTEGER NOT NULL DEFAULT 0,
    section TEXT NOT NULL,
    text TEXT NOT NULL,
    UNIQUE (report, financial_year, quarter, section)
) STRICT;

CREATE TABLE edits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    os_user TEXT NOT NULL,
    description TEXT NOT NULL,
    reverts INTEGER REFERENCES edits(id)
) STRICT;

CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    edit_id INTEGER NOT NULL REFERENCES edits(id),
    at TEXT NOT NULL,
    os_user TEXT NOT NULL,
    table_name TEXT NOT NULL,
    row_key TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
) STRICT;
CREATE INDEX audit_edit ON audit (edit_id);
"""

# Tables holding the office's data (not its history); undo and round trips compare these.
DATA_TABLES = (
    "settings", "assets", "workforce_snapshots", "staff", "leave_events",
    "services", "service_categories", "service_counts", "service_activity",
    "schemes", "scheme_categories", "scheme_counts", "scheme_measures",
    "strategic_outcomes", "kpi_groups", "kpis", "kpi_inputs", "kpi_values",
    "kpi_comparators", "kpi_commentary", "goals", "goal_updates",
    "edi_areas", "edi_assessments", "narratives", "report_outlines", "publications", "published_figures",
)  # fmt: skip


def initial_schema(db: Database) -> None:
    for statement in INITIAL_SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)


def add_publications(db: Database) -> None:
    """Which editions were published, so a later change to a figure in them is marked revised."""
    db.execute(
        "CREATE TABLE publications (id INTEGER PRIMARY KEY AUTOINCREMENT, report TEXT NOT NULL,"
        " financial_year TEXT NOT NULL, quarter INTEGER NOT NULL DEFAULT 0,"
        " published_on TEXT NOT NULL) STRICT"
    )


def add_workbook_id(db: Database) -> None:
    """A random id kept in the file, by which its backups are found wherever it is moved. A
    table of its own, not a setting: it is not the office's data, so exports, imports and undo
    never copy or compare it. Also an index on ``edits.reverts``: trimming old history deletes
    edits, and each delete looks for edits still pointing at it."""
    db.execute("CREATE TABLE workbook_id (id TEXT NOT NULL) STRICT")
    db.execute("INSERT INTO workbook_id (id) VALUES (?)", [secrets.token_hex(16)])
    db.execute("CREATE INDEX edits_reverts ON edits (reverts)")


def add_published_figures(db: Database) -> None:
    """What each published edition printed, figure by figure (its true value then, and
    whether it was shown), so a later edition of the same year is planned with it and a
    hidden count cannot be worked out by comparing the two."""
    db.execute(
        "CREATE TABLE published_figures (id INTEGER PRIMARY KEY, publication_id INTEGER NOT NULL"
        " REFERENCES publications (id) ON DELETE CASCADE, key TEXT NOT NULL, value INTEGER NOT NULL,"
        " shown INTEGER NOT NULL CHECK (shown IN (0, 1)), UNIQUE (publication_id, key)) STRICT"
    )


def add_kpi_counts_people(db: Database) -> None:
    """Whether a KPI counts people (complaints of discriminatory behaviour, hate crimes
    recorded...), so its figures go through the small-number policy in public documents: a
    handful of people a quarter could be identified. Most KPIs (call times, percentages,
    survey scores, 999 calls answered) count no one; existing KPIs start unmarked."""
    db.execute(
        "ALTER TABLE kpis ADD COLUMN counts_people INTEGER NOT NULL DEFAULT 0"
        " CHECK (counts_people IN (0, 1))"
    )


def add_scheme_quarters(db: Database) -> None:
    """Scheme figures by quarter, as the schemes report them: a quarter's counts (people
    referred, accepted, by offence, by outcome... in that quarter), so a quarterly update
    prints the year to date and the year is the sum of its quarters. Quarter 0 is a figure
    recorded for the whole year only; every figure saved before is one."""
    for table, columns, unique in (
        ("scheme_counts", "dimension TEXT NOT NULL, category TEXT NOT NULL, gender TEXT NOT NULL DEFAULT 'All',"
         " count INTEGER NOT NULL CHECK (count >= 0)", "dimension, category, gender"),
        ("scheme_measures", "measure TEXT NOT NULL, value REAL NOT NULL", "measure"),
    ):  # fmt: skip
        kept = ", ".join(c.split()[0] for c in columns.split(", "))
        sequence = db.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", [table]).fetchone()
        db.execute(f"CREATE TABLE {table}_new (id INTEGER PRIMARY KEY AUTOINCREMENT, scheme_id INTEGER NOT NULL"
                   " REFERENCES schemes(id), financial_year TEXT NOT NULL, quarter INTEGER NOT NULL DEFAULT 0"
                   f" CHECK (quarter BETWEEN 0 AND 4), {columns},"
                   f" UNIQUE (scheme_id, financial_year, quarter, {unique})) STRICT")  # fmt: skip
        db.execute(f"INSERT INTO {table}_new (id, scheme_id, financial_year, {kept})"
                   f" SELECT id, scheme_id, financial_year, {kept} FROM {table}")  # fmt: skip
        db.execute(f"DROP TABLE {table}")
        db.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
        if sequence is not None:  # ids of deleted rows are never given again (an undo puts them back)
            db.execute("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", [sequence[0], table])


def add_kpi_survey_periods(db: Database) -> None:
    """Survey KPIs and the precision KPIs print at. A KPI is measured each quarter, or by a
    survey reported once a year or less often (``frequency``); a survey KPI's value is stored
    at the quarter its survey period ends in, with the period's own label (``period``:
    "March 2020", "year ending March 2020"), and a comparator can say which quarter its
    figure is for, so the update prints each survey's most recent figure beside the national
    one, each with its period. ``decimals`` fixes the places a KPI's values print with (empty:
    the most places its values were entered with). Existing KPIs are quarterly, with their
    places worked out from their values."""
    db.execute("ALTER TABLE kpis ADD COLUMN frequency TEXT NOT NULL DEFAULT 'quarterly'"
               " CHECK (frequency IN ('quarterly', 'survey'))")  # fmt: skip
    db.execute("ALTER TABLE kpis ADD COLUMN decimals INTEGER CHECK (decimals BETWEEN 0 AND 3)")
    db.execute("ALTER TABLE kpi_values ADD COLUMN period TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE kpi_comparators ADD COLUMN financial_year TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE kpi_comparators ADD COLUMN quarter INTEGER NOT NULL DEFAULT 0"
               " CHECK (quarter BETWEEN 0 AND 4)")  # fmt: skip


def add_report_outlines(db: Database) -> None:
    """Each document's outline as the officers shaped it for a year: its sections in order
    with the titles printed, including sections of their own. A year without rows uses the
    last outline shaped before it, or the document's default (areas/outline.py)."""
    db.execute(
        "CREATE TABLE report_outlines (id INTEGER PRIMARY KEY AUTOINCREMENT, report TEXT NOT NULL,"
        " financial_year TEXT NOT NULL, position INTEGER NOT NULL, section TEXT NOT NULL,"
        " title TEXT NOT NULL, UNIQUE (report, financial_year, section)) STRICT"
    )


def add_kpi_retirement(db: Database) -> None:
    """A KPI no longer measured is retired from a financial year (``retired_from``, "2023/24"):
    it stays in the workbook with its figures, printed in the documents of the years before
    and in none from that year on (areas/kpis.py). Existing KPIs are all still measured."""
    db.execute("ALTER TABLE kpis ADD COLUMN retired_from TEXT"
               " CHECK (retired_from GLOB '[0-9][0-9][0-9][0-9]/[0-9][0-9]')")  # fmt: skip


# The migrations, in order; each is recorded by its function's name once applied.
STEPS = (initial_schema, add_publications, add_workbook_id, add_published_figures, add_kpi_counts_people,
         add_scheme_quarters, add_kpi_survey_periods, add_report_outlines, add_kpi_retirement)
SCHEMA_VERSION = len(STEPS)


def workbook_id(conn: Any) -> str | None:
    """The file's id; None for a file saved before ids (it gets one when upgraded)."""
    try:
        row = conn.execute("SELECT id FROM workbook_id").fetchone()
    except cipher.OperationalError:  # no such table
        return None
    return row[0] if row else None


def renew_id(conn: Any) -> str:
    """Give the file a new id: a copy becomes a workbook of its own, with backups of its own."""
    new = secrets.token_hex(16)
    conn.execute("UPDATE workbook_id SET id = ?", [new])
    return new


def migration_set() -> Migrations:
    """The migrations as sqlite-utils runs them (and records them in ``_sqlite_migrations``)."""
    steps = new_migrations(MIGRATION_SET)
    for step in STEPS:
        steps()(step)
    return steps


def migrate(db: Database) -> None:
    """Apply pending migrations and stamp the file, all in one transaction."""
    with db.atomic():
        migration_set().apply(db)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
