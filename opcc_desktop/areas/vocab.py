"""Closed lists the data model validates against. Open lists (service and scheme categories,
role/grade, measures) belong to the data and are not here."""

from __future__ import annotations

PREFER_NOT = "Prefer not to say"
NOT_DECLARED = "Not declared"
UNDECLARED = (PREFER_NOT, NOT_DECLARED)

# Workforce characteristics (ONS 2021 census groupings; every one allows both non-answers).
WORKFORCE_CHARACTERISTICS: dict[str, tuple[str, ...]] = {
    "age_band": ("16-24", "25-34", "35-44", "45-54", "55-64", "65+", *UNDECLARED),
    "sex": ("Female", "Male", *UNDECLARED),
    "gender_identity_same": ("Yes", "No", *UNDECLARED),
    "ethnicity": (
        "White British",
        "White other",
        "Mixed or multiple ethnic groups",
        "Asian or Asian British",
        "Black, Black British, Caribbean or African",
        "Other ethnic group",
        *UNDECLARED,
    ),
    "disability": ("Yes", "No", *UNDECLARED),
    "religion": (
        "No religion", "Christian", "Buddhist", "Hindu", "Jewish", "Muslim", "Sikh",
        "Any other religion", *UNDECLARED,
    ),
    "sexual_orientation": (
        "Heterosexual or straight", "Gay or lesbian", "Bisexual", "Other sexual orientation",
        *UNDECLARED,
    ),
    "pregnancy_maternity": ("Yes", "No", *UNDECLARED),
}  # fmt: skip
CHARACTERISTIC_LABELS = {
    "age_band": "Age band",
    "sex": "Sex",
    "gender_identity_same": "Gender identity same as at birth",
    "ethnicity": "Ethnicity",
    "disability": "Disability",
    "religion": "Religion or belief",
    "sexual_orientation": "Sexual orientation",
    "pregnancy_maternity": "Pregnancy and maternity",
}
# "From an ethnic minority" in the statutory statement: every group except the White ones,
# as in the Home Office's police workforce statistics.
ETHNIC_MINORITY = (
    "Mixed or multiple ethnic groups",
    "Asian or Asian British",
    "Black, Black British, Caribbean or African",
    "Other ethnic group",
)
LEAVE_TYPES = ("Maternity", "Paternity", "Adoption", "Shared parental")
LEAVE_OUTCOMES = ("Returned", "Did not return", "Still on leave")

# KPIs
UNITS = ("count", "percent", "seconds", "rate_per_1000")
POLARITIES = ("higher", "lower", "neutral")
VALUE_STATUSES = ("not available", "under development")  # a cell with neither is blank
DERIVED_KINDS = ("sum", "ratio")
QUARTERS = (1, 2, 3, 4)
QUARTER_MONTHS = {1: "Apr-Jun", 2: "Jul-Sep", 3: "Oct-Dec", 4: "Jan-Mar"}

# Services and schemes
DIMENSION_LABELS = {
    "age": "age", "gender": "gender", "disability": "disability", "ethnicity": "ethnicity",
    "sexual_orientation": "sexual orientation", "transgender": "transgender status",
    "offence_type": "offence type", "outcome": "case outcome",
}  # fmt: skip
SERVICE_DIMENSIONS = ("age", "gender", "disability", "ethnicity", "sexual_orientation", "transgender")
SCHEME_DIMENSIONS = ("gender", "transgender", "age", "ethnicity", "disability", "offence_type", "outcome")
ALL_GENDERS = "All"
TOTAL = "Total"  # a table's total row and column: no category may be called so
NOT_DISCLOSED = "Not disclosed"
SCHEME_MEASURES = {
    "referrals_received": "count",
    "referrals_accepted": "count",
    "declined_criteria": "count",
    "declined_judgement": "count",
    "reoffending_rate": "percent",
    "area_reoffending_rate": "percent",
    "funding": "money",
    "engagement_rate": "percent",
}

# Goals and EDI framework
GOAL_STATUSES = ("not started", "in progress", "achieved", "rolled over", "dropped")
DEFAULT_EDI_LEVELS = ("Developing", "Achieving", "Advancing")

# Reports and their narrative sections (in document order)
REPORT_SECTIONS: dict[str, tuple[str, ...]] = {
    "annual-equality": (
        "foreword", "main_points", "introduction", "governance", "workforce", "services", "non_disclosure",
        "consultation", "schemes", "achievements", "goals", "conclusion",
    ),
    "performance-update": ("main_points", "introduction", "delivery", "conclusion"),
    "workforce-pack": ("summary", "observations"),
    "panel-report": ("purpose", "background", "performance", "delivery", "recommendations"),
}  # fmt: skip
GENERATED_SECTIONS = ("main_points",)  # written from the figures when the officers write none
QUARTERLY_REPORTS = ("performance-update", "panel-report")
PUBLIC_REPORTS = ("annual-equality", "performance-update", "panel-report")
