"""Synthetic but plausible figures for the demo workbook, where nothing is published to copy.

Pure functions of a ``random.Random``: no workbook here. :mod:`opcc_desktop.commands.demo` writes what
they return through the core actions, in a fixed order, so one seed always gives one workbook.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..areas.vocab import NOT_DECLARED, NOT_DISCLOSED, PREFER_NOT, WORKFORCE_CHARACTERISTICS

Weights = dict[str, float]

# -- helpers ------------------------------------------------------------------


def split(rng: random.Random, total: int, weights: Sequence[float], jitter: float = 0.4) -> list[int]:
    """``total`` shared out by jittered ``weights`` (largest remainder), so the parts always
    add up to it exactly; small weights give the small cells real returns have."""
    jittered = [w * rng.uniform(1 - jitter, 1 + jitter) for w in weights]
    raw = [total * w / sum(jittered) for w in jittered]
    counts = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def quarters(first_year: str, last_year: str, ends: str | None) -> list[tuple[str, int]]:
    """(financial year, quarter) from ``first_year`` Q1 to ``last_year`` Q4, stopping at the
    first quarter that starts after ``ends`` (a contract end date)."""
    out = []
    for start in range(int(first_year[:4]), int(last_year[:4]) + 1):
        for q in (1, 2, 3, 4):
            begins = dt.date(start + (q == 4), (3 * q + 1) if q < 4 else 1, 1)
            if ends and begins.isoformat() > ends:
                return out
            out.append((f"{start}/{(start + 1) % 100:02d}", q))
    return out


# -- services -----------------------------------------------------------------

SERVICE_YEARS_END = "2022/23"
AGE_BANDS = ("Under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
ADULT_AGES = (0.02, 0.17, 0.29, 0.24, 0.15, 0.09, 0.04)
YOUNGER_AGES = (0.12, 0.30, 0.27, 0.16, 0.09, 0.04, 0.02)  # sexual violence services
YOUTH_AGES = (0.82, 0.18, 0, 0, 0, 0, 0)
SERVICE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "age": AGE_BANDS,
    "gender": ("Female", "Male", "Non-binary"),
    "disability": ("Disabled", "Not disabled"),
    "ethnicity": ("White British", "White Other", "Asian or Asian British",
                  "Black or Black British", "Mixed", "Other ethnic group"),  # fmt: skip
    "sexual_orientation": ("Heterosexual", "Gay or lesbian", "Bisexual", "Other"),
    "transgender": ("No", "Yes"),
}
DEFAULT_WEIGHTS: dict[str, tuple[float, ...]] = {
    "disability": (0.27, 0.73),
    "ethnicity": (0.88, 0.03, 0.05, 0.012, 0.02, 0.008),
    "sexual_orientation": (0.9, 0.045, 0.045, 0.01),
    "transgender": (0.985, 0.015),
}
# Share of each dimension not disclosed before a service's own factor (0.7-1.5) is applied.
NOT_DISCLOSED_BASE = {"age": 0.04, "gender": 0.01, "disability": 0.25, "ethnicity": 0.12,
                      "sexual_orientation": 0.5, "transgender": 0.52}  # fmt: skip


@dataclass(frozen=True)
class ServiceProfile:
    clients: tuple[int, int]  # typical clients supported per quarter
    female: float
    ages: tuple[float, ...] = ADULT_AGES
    ethnicity: tuple[float, ...] | None = None


SERVICE_PROFILES: dict[str, ServiceProfile] = {
    "Victim support": ServiceProfile((220, 380), 0.56),
    "Sexual violence": ServiceProfile((40, 110), 0.86, YOUNGER_AGES),
    "Sexual violence (ISVA)": ServiceProfile((80, 170), 0.88, YOUNGER_AGES),
    "Domestic abuse": ServiceProfile((70, 240), 0.93),
    "Honour-based abuse and forced marriage": ServiceProfile((20, 40), 0.86, ADULT_AGES,
                                                             (0.25, 0.08, 0.52, 0.05, 0.06, 0.04)),
    "Restorative justice": ServiceProfile((20, 50), 0.45),
    "Youth diversion": ServiceProfile((40, 110), 0.36, YOUTH_AGES),
}


@dataclass(frozen=True)
class ServiceReturn:
    """One quarter's monitoring return: activity figures and counts per dimension."""

    financial_year: str
    quarter: int
    activity: dict[str, int]
    counts: dict[str, list[tuple[str, int]]]


def service_returns(rng: random.Random, service_type: str, first_year: str,
                    contract_end: str | None) -> list[ServiceReturn]:  # fmt: skip
    profile = SERVICE_PROFILES[service_type]
    base = rng.randint(*profile.clients)
    reticence = rng.uniform(0.7, 1.5)  # how much this service's users leave undisclosed
    out = []
    for step, (year, q) in enumerate(quarters(first_year or "2020/21", SERVICE_YEARS_END, contract_end)):
        clients = max(18, round(base * (1 + 0.025 * step) * rng.uniform(0.85, 1.15)))
        referrals = round(clients * rng.uniform(1.15, 1.5))
        counts = {dim: _dimension(rng, dim, clients, profile, reticence) for dim in SERVICE_CATEGORIES}
        out.append(ServiceReturn(year, q, {"referrals_received": referrals, "clients_supported": clients},
                                 counts))  # fmt: skip
    return out


def _dimension(rng: random.Random, dim: str, clients: int, profile: ServiceProfile,
               reticence: float) -> list[tuple[str, int]]:  # fmt: skip
    share = min(0.85, NOT_DISCLOSED_BASE[dim] * reticence * rng.uniform(0.85, 1.15))
    undisclosed = round(clients * share)
    weights = {
        "age": profile.ages,
        "gender": (profile.female, (1 - profile.female) * 0.98, (1 - profile.female) * 0.02 + 0.005),
        "ethnicity": profile.ethnicity or DEFAULT_WEIGHTS["ethnicity"],
    }.get(dim) or DEFAULT_WEIGHTS[dim]
    parts = split(rng, clients - undisclosed, weights)
    return [*zip(SERVICE_CATEGORIES[dim], parts), (NOT_DISCLOSED, undisclosed)]


# -- schemes ------------------------------------------------------------------

SCHEME_YEARS = ("2020/21", "2021/22")
ADULT_AGE_BANDS = ("18-21", "22-25", "26-30", "31-40", "41-50", "51-65", "Over 65")
ADULT_AGE_WEIGHTS = (0.16, 0.15, 0.17, 0.24, 0.15, 0.11, 0.02)
YOUTH_AGE_BANDS = tuple(str(age) for age in range(10, 18))
YOUTH_AGE_WEIGHTS = (0.02, 0.04, 0.08, 0.13, 0.18, 0.2, 0.19, 0.16)
ADULT_ETHNICITY: Weights = {"White British": 0.82, "White Other": 0.04, "Asian or Asian British": 0.06,
                            "Black or Black British": 0.02, "Mixed": 0.03, "Other": 0.01,
                            "Not recorded": 0.02}  # fmt: skip
YOUTH_ETHNICITY: Weights = {"White": 0.85, "Asian": 0.05, "Black": 0.02, "Mixed": 0.04, "Other": 0.01,
                            "Not recorded": 0.03}  # fmt: skip
TRANSGENDER: Weights = {"No": 0.86, "Yes": 0.006, "Not recorded": 0.134}
DISABILITY: Weights = {"Yes": 0.18, "No": 0.64, "Not known": 0.18}
OFFENCES: Weights = {"Violence against the person": 0.3, "Theft": 0.22, "Criminal damage": 0.12,
                     "Drugs possession": 0.18, "Public order": 0.12, "Other": 0.06}  # fmt: skip
OUTCOMES = ("Needs met", "Non-engagement", "Archived")


@dataclass(frozen=True)
class SchemeSpec:
    name: str
    age_range: str
    participants: tuple[int, int]  # per year
    male: float
    ages: Weights
    ethnicity: Weights
    never_publish: bool = False


SCHEMES = (
    SchemeSpec("Divert", "18+", (520, 680), 0.71, dict(zip(ADULT_AGE_BANDS, ADULT_AGE_WEIGHTS)),
               ADULT_ETHNICITY),
    SchemeSpec("Youth Triage", "10-17", (160, 290), 0.77, dict(zip(YOUTH_AGE_BANDS, YOUTH_AGE_WEIGHTS)),
               YOUTH_ETHNICITY),
    SchemeSpec("Checkpoint Plus treatment programme", "18+", (12, 12), 0.75,
               dict(zip(ADULT_AGE_BANDS, ADULT_AGE_WEIGHTS)), ADULT_ETHNICITY, never_publish=True),
)  # fmt: skip
# Figures quoted in the published reports (adult diversion, 2021/22).
DIVERT_HEADLINES = {"reoffending_rate": 5.85, "area_reoffending_rate": 33.2, "funding": 1009000,
                    "engagement_rate": 62.75}  # fmt: skip
DIVERT_CLOSED_2122 = (251, 149)  # needs met, non-engagement: 251 / 400 = the 62.75% engagement rate
AREA_REOFFENDING = {"2020/21": 32.8, "2021/22": 33.2}

Count = tuple[str, str, str, int]  # dimension, category, gender, count


def scheme_year(rng: random.Random, spec: SchemeSpec, year: str) -> tuple[list[Count], dict[str, float]]:
    """One scheme's participant counts and measures for one financial year."""
    total = rng.randint(*spec.participants)
    male = round(total * spec.male * rng.uniform(0.95, 1.05))
    genders = {"Male": male, "Female": total - male}
    counts: list[Count] = [("gender", g, "All", n) for g, n in genders.items()]
    closed = _closed_cases(rng, spec, year, total)
    for index, (gender, n) in enumerate(genders.items()):
        lacking = rng.randint(1, max(1, n // 25))  # records without a disability field
        for dim, weights, size in (("transgender", TRANSGENDER, n), ("age", spec.ages, n),
                                   ("ethnicity", spec.ethnicity, n), ("disability", DISABILITY, n - lacking),
                                   ("offence_type", OFFENCES, n)):  # fmt: skip
            counts += [(dim, cat, gender, c) for cat, c in zip(weights, split(rng, size, list(weights.values())))]
        counts += [("outcome", cat, gender, c) for cat, c in zip(OUTCOMES, [part[index] for part in closed])]
    return counts, _measures(rng, spec, year, total)


QUARTERLY_SCHEME_YEARS = ("2021/22",)  # 2020/21 stays recorded for the whole year only
QUARTER_WEIGHTS = (0.23, 0.26, 0.25, 0.26)
Quarter = tuple[int, list[Count], dict[str, float]]


def scheme_quarters(rng: random.Random, counts: Sequence[Count], measures: dict[str, float]) -> list[Quarter]:
    """A scheme's year shared out over its four quarters person by person, so each quarter's
    tables agree with one another as the year's do and the quarters add up to the year.
    Counts of referrals are shared out alongside; a rate is the year's in Q4 and near it
    before; the funding is the year's throughout."""
    quarterly: list[list[Count]] = [[], [], [], []]
    for _, gender, _, people in (c for c in counts if c[0] == "gender"):
        joined = [q for q, size in enumerate(split(rng, people, QUARTER_WEIGHTS, jitter=0.1)) for _ in range(size)]
        for index, size in enumerate(_people_per_quarter(joined)):
            quarterly[index].append(("gender", gender, "All", size))
        for dim in dict.fromkeys(c[0] for c in counts if c[2] == gender):
            for q, part in enumerate(_share_by_person(rng, [c for c in counts if c[0] == dim and c[2] == gender], joined)):
                quarterly[q] += part
    declined = {name: split(rng, int(measures[name]), QUARTER_WEIGHTS, jitter=0.2)
                for name in ("declined_criteria", "declined_judgement")}  # fmt: skip
    return [(q + 1, part, _quarter_measures(rng, measures, q, part, {k: v[q] for k, v in declined.items()}))
            for q, part in enumerate(quarterly)]  # fmt: skip


def _people_per_quarter(joined: Sequence[int]) -> list[int]:
    return [joined.count(q) for q in range(4)]


def _share_by_person(rng: random.Random, rows: Sequence[Count], joined: Sequence[int]) -> list[list[Count]]:
    """One table's cells shared out over the quarters in which its people joined: each person
    takes one category (people the table does not cover, such as open cases, take none)."""
    people = [row[1] for row in rows for _ in range(row[3])]
    people += [None] * (len(joined) - len(people))
    rng.shuffle(people)
    quarter_of = [*joined, *(rng.randrange(4) for _ in range(len(people) - len(joined)))]
    return [[(dim, cat, gender, sum(1 for p, q in zip(people, quarter_of) if p == cat and q == quarter))
             for dim, cat, gender, _ in rows] for quarter in range(4)]  # fmt: skip


def _quarter_measures(rng: random.Random, year: dict[str, float], quarter: int, counts: Sequence[Count],
                      declined: dict[str, int]) -> dict[str, float]:  # fmt: skip
    accepted = sum(c[3] for c in counts if c[0] == "gender")
    out: dict[str, float] = {"referrals_received": accepted + sum(declined.values()),
                             "referrals_accepted": accepted, **declined}  # fmt: skip
    for name in ("reoffending_rate", "engagement_rate"):
        if name in year:
            out[name] = year[name] if quarter == 3 else round(year[name] * rng.uniform(0.9, 1.1), 2)
    for name in ("area_reoffending_rate", "funding"):
        if name in year:
            out[name] = year[name]
    return out


def _closed_cases(rng: random.Random, spec: SchemeSpec, year: str, total: int) -> list[list[int]]:
    """Per outcome, [male, female] closed cases; archived cases sit outside the engagement rate."""
    if spec.name == "Divert" and year == "2021/22":
        engaged = DIVERT_CLOSED_2122
    else:
        decided = round(total * rng.uniform(0.6, 0.75))
        met = round(decided * rng.uniform(0.55, 0.72))
        engaged = (met, decided - met)
    archived = round(total * rng.uniform(0.05, 0.1))
    return [split(rng, n, [spec.male, 1 - spec.male], jitter=0.05) for n in (*engaged, archived)]


def _measures(rng: random.Random, spec: SchemeSpec, year: str, accepted: int) -> dict[str, float]:
    criteria = round(accepted * rng.uniform(0.08, 0.15))
    judgement = round(accepted * rng.uniform(0.03, 0.07))
    out: dict[str, float] = {"referrals_received": accepted + criteria + judgement,
                             "referrals_accepted": accepted, "declined_criteria": criteria,
                             "declined_judgement": judgement}  # fmt: skip
    if spec.never_publish:
        return out
    if spec.name == "Divert" and year == "2021/22":
        return {**out, **DIVERT_HEADLINES}
    rate = round(rng.uniform(5.5, 9.5), 2)
    return {**out, "reoffending_rate": rate, "area_reoffending_rate": AREA_REOFFENDING[year]}


# -- workforce ----------------------------------------------------------------

SNAPSHOTS = ("2021-03-31", "2022-03-31")
STAFF_2021 = 24
LEAVERS, JOINERS = 3, 4
ROLES: Weights = {
    "Chief Executive and Monitoring Officer": 0.3, "Chief Finance Officer": 0.3,
    "Head of Partnerships and Commissioning": 0.3, "Commissioning Officer (Grade 7)": 1.5,
    "Policy Officer (Grade 6)": 1.5, "Performance and Data Officer (Grade 6)": 1.0,
    "Communications and Engagement Officer (Grade 6)": 1.0, "Victims Coordinator (Grade 5)": 1.2,
    "Casework Officer (Grade 5)": 1.0, "Business Support Officer (Grade 3)": 2.0,
}  # fmt: skip
# Weights per characteristic, in vocab order (the last two: prefer not to say, not declared).
STAFF_WEIGHTS: dict[str, tuple[float, ...]] = {
    "age_band": (0.06, 0.24, 0.27, 0.25, 0.14, 0.01, 0.02, 0.01),
    "sex": (0.72, 0.24, 0.02, 0.02),
    "gender_identity_same": (0.8, 0.0, 0.1, 0.1),
    "ethnicity": (0.8, 0.03, 0.02, 0.04, 0.01, 0.0, 0.04, 0.06),
    "disability": (0.1, 0.7, 0.08, 0.12),
    "religion": (0.26, 0.3, 0.0, 0.0, 0.0, 0.02, 0.0, 0.02, 0.18, 0.22),
    "sexual_orientation": (0.52, 0.04, 0.04, 0.0, 0.18, 0.22),
    "pregnancy_maternity": (0.0, 0.86, 0.06, 0.08),
}
FTES = {1.0: 0.7, 0.8: 0.12, 0.6: 0.1, 0.5: 0.08}


def staff_snapshots(rng: random.Random) -> list[list[dict[str, Any]]]:
    """Staff rows for each snapshot: the same people keep their reference, a few leave and
    join, and a few undeclared answers are declared by the second snapshot."""
    first = [_person(rng, n, "2005-01-01", SNAPSHOTS[0]) for n in range(1, STAFF_2021 + 1)]
    leavers = set(rng.sample(range(STAFF_2021), LEAVERS))
    stayers = [_a_year_on(rng, row) for i, row in enumerate(first) if i not in leavers]
    joiners = [_person(rng, STAFF_2021 + n, "2021-04-01", SNAPSHOTS[1]) for n in range(1, JOINERS + 1)]
    return [first, sorted(stayers + joiners, key=lambda r: r["staff_ref"])]


def _person(rng: random.Random, number: int, earliest: str, latest: str) -> dict[str, Any]:
    row: dict[str, Any] = {"staff_ref": f"OPCC{number:04d}"}
    for name, options in WORKFORCE_CHARACTERISTICS.items():
        row[name] = rng.choices(options, STAFF_WEIGHTS[name])[0]
    row["role_grade"] = rng.choices(list(ROLES), list(ROLES.values()))[0]
    row["fte"] = rng.choices(list(FTES), list(FTES.values()))[0]
    start, end = dt.date.fromisoformat(earliest), dt.date.fromisoformat(latest)
    row["start_date"] = (start + dt.timedelta(days=rng.randint(0, (end - start).days))).isoformat()
    return row


def _a_year_on(rng: random.Random, row: dict[str, Any]) -> dict[str, Any]:
    later = dict(row)
    for name in ("sexual_orientation", "religion", "disability"):
        if later[name] in (PREFER_NOT, NOT_DECLARED) and rng.random() < 0.15:
            later[name] = WORKFORCE_CHARACTERISTICS[name][0 if name != "disability" else 1]
    return later


LEAVE_EVENTS = (  # (sex of the person, event) recorded in the 2022 snapshot
    ("Female", {"leave_type": "Maternity", "start_date": "2021-05-10", "end_date": "2022-02-07",
                "outcome": "Returned"}),
    ("Male", {"leave_type": "Paternity", "start_date": "2021-09-13", "end_date": "2021-09-24",
              "outcome": "Returned"}),
)  # fmt: skip


# -- KPIs -----------------------------------------------------------------------

KPI_YEARS = ("2020/21", "2021/22")
COMPLAINT_CATEGORIES: Weights = {
    "Complaint allegations: delivery of duties and service": 150,
    "Complaint allegations: police powers, policies and procedures": 55,
    "Complaint allegations: individual behaviours": 70,
    "Complaint allegations: discriminatory behaviour": 7,
}


def stop_search_values(rng: random.Random) -> tuple[list[int], list[int]]:
    """Per quarter (2020/21 Q1 to 2021/22 Q4): searches carried out, and those with a positive outcome."""
    carried = [round(rng.uniform(850, 1250)) for _ in range(8)]
    return carried, [round(n * rng.uniform(0.21, 0.31)) for n in carried]


def complaint_values(rng: random.Random) -> dict[str, list[int]]:
    return {name: [max(0, round(mean * rng.uniform(0.75, 1.3))) for _ in range(8)]
            for name, mean in COMPLAINT_CATEGORIES.items()}  # fmt: skip


# -- text -----------------------------------------------------------------------

GROUP_NOTES: dict[str, str] = {  # each group's commentary: context, not the figures the tables give
    "Public Access to Services": "Demand in the control room remains high and recruitment of call handlers continues.",
    "Policing Resources in Cleveland": "Officer numbers continue to rise with the national uplift programme.",
    "Use of Drones": "Drones are now routinely used in missing person searches.",
    "Single Online Home": "Reporting will begin once the force's data has been validated.",
    "Victims Code of Practice (VCOP)": "The OPCC continues to scrutinise compliance through the Victims Board.",
    "Stop and Search": "The Stop and Search Scrutiny Panel reviews body-worn video each quarter.",
    "Complaints": "Complaints are reviewed by the OPCC's complaint review officer.",
}
EDI_ASSESSMENTS = {  # area -> (level index, lowest first; evidence)
    "Understanding and working with your communities": (
        1, "The Consultation & Engagement Strategy 2021-2024 sets out how we reach seldom-heard groups."),
    "Leadership and Organisational Commitment": (
        0, "Equality objectives are set annually and reviewed by the senior management team."),
    "Responsive Services": (
        1, "Commissioned services now report protected-characteristic data through performance workbooks."),
    "Diverse and Engaged Workforce": (
        0, "Declaration rates remain low, so a staff campaign on equality monitoring is planned."),
}  # fmt: skip
ANNUAL_EQUALITY: dict[str, str] = {
    "introduction": (
        "# Introduction\n\nThe Equality Act 2010 and the **Public Sector Equality Duty** require the "
        "Police and Crime Commissioner to eliminate discrimination, advance equality of opportunity and "
        "foster good relations. This report sets out how the Office met those duties in 2021/22."),
    "governance": (
        "The Commissioner holds the Chief Constable to account through the Scrutiny, Delivery and "
        "Performance Board. Equality matters are a standing item, and the Ethics Committee reviewed "
        "stop and search and use of force data during the year."),
    "workforce": (
        "The Office is a small team, so fuller breakdowns are not published. Non-declaration remains "
        "high for religion and sexual orientation, and staff are being encouraged to update their "
        "records."),
    "services": (
        "The Commissioner funds services for victims of crime, including domestic abuse and sexual "
        "violence support. The figures below show who used those services in 2021/22."),
    "non_disclosure": (
        "Non-disclosure is high for **sexual orientation** and **transgender status**, where many "
        "services do not yet ask the question. Improving these data is one of our goals."),
    "consultation": (
        "We consulted on the Police and Crime Plan through:\n\n- an online survey\n- community events "
        "in all four local authority areas\n- focus groups with young people and victims"),
    "schemes": (
        "Divert and Youth Triage offer people an alternative to prosecution for low-level offences. "
        "The tables below show who took part in each scheme."),
    "achievements": (
        "During the year the Office:\n\n- completed 12 Equality Impact Assessments\n- published the "
        "Victims Needs Assessment\n- launched the Consultation & Engagement Strategy\n\n"
        "::: case-study A second chance through Divert\n\n"
        "A 19-year-old arrested for possession of cannabis was offered Divert instead of a caution. He "
        "completed a drugs awareness course and six sessions with a mentor, and has not re-offended.\n\n"
        "> I didn't think anyone would give me a chance. Now I'm at college.\n>\n> -- Divert participant, 2021\n\n"
        ":::"),
    "goals": (
        "Progress against last year's equality goals is set out below, with the goals for 2022/23."),
    "conclusion": (
        "# Conclusion\n\nThe Office has made progress on its equality objectives, but better data from "
        "commissioned services remains a priority for the year ahead."),
}
PERFORMANCE_UPDATE: dict[int, dict[str, str]] = {
    1: {
        "introduction": ("This report updates the Police and Crime Panel on delivery of the Police and "
                         "Crime Plan in **Quarter 1** (April to June 2021), the first quarter of the year."),
        "delivery": ("- Divert and Youth Triage continued to take referrals from every local policing area\n"
                     "- the new victim services contracts began on 1 April"),
    },
    2: {
        "introduction": ("This report updates the Police and Crime Panel on delivery of the Police and "
                         "Crime Plan to the end of **Quarter 2** (July to September 2021)."),
        "delivery": "- Divert's three-year funding was confirmed\n- Youth Triage extended its hours to weekends",
    },
    3: {
        "introduction": ("This report updates the Police and Crime Panel on delivery of the Police and "
                         "Crime Plan to the end of **Quarter 3** (October to December 2021)."),
        "delivery": ("Highlights to date:\n\n- Divert is backed by three-year funding\n- victim services "
                     "have received more than 5,500 referrals so far this year"),
        "conclusion": "Performance is broadly in line with the same period last year.",
    },
    4: {
        "introduction": ("This report updates the Police and Crime Panel on delivery of the Police and "
                         "Crime Plan for **Quarter 4** and the full year 2021/22."),
        "delivery": ("# Delivery\n\n- commissioned victim services received more than **7,500 referrals** "
                     "in the year\n- Divert's engagement and re-offending rates for the year are below, "
                     "beside the area average"),
        "conclusion": "The Commissioner will continue to scrutinise performance through the Board.",
    },
}
_PANEL_PURPOSE = ("To update the Police and Crime Panel on the Commissioner's delivery of the Police and Crime "
                  "Plan and on performance against it {period}.")
_PANEL_BACKGROUND = (
    "The Police Reform and Social Responsibility Act 2011 requires the Police and Crime Panel to review and "
    "scrutinise the decisions and actions of the Commissioner, and to support the Commissioner in carrying out "
    "their functions.\n\n"
    "The Police and Crime Plan 2021-2024 sets out the Commissioner's objectives for policing and community "
    "safety in Cleveland. Performance against the Plan is measured through the key performance indicators "
    "(KPIs) agreed with the Chief Constable, which the Commissioner scrutinises at the Scrutiny, Delivery and "
    "Performance Board.")
_PANEL_NOTE = "That the Panel notes the content of this report."
PANEL_REPORT: dict[int, dict[str, str]] = {
    1: {"purpose": _PANEL_PURPOSE.format(period="in Quarter 1 2021/22 (April to June 2021)"),
        "background": _PANEL_BACKGROUND, "recommendations": _PANEL_NOTE},
    2: {"purpose": _PANEL_PURPOSE.format(period="to the end of Quarter 2 2021/22 (July to September 2021)"),
        "background": _PANEL_BACKGROUND, "recommendations": _PANEL_NOTE},
    3: {"purpose": _PANEL_PURPOSE.format(period="to the end of Quarter 3 2021/22 (October to December 2021)"),
        "background": _PANEL_BACKGROUND, "recommendations": _PANEL_NOTE},
    4: {
        "purpose": _PANEL_PURPOSE.format(period="in Quarter 4 (January to March 2022) and the full year 2021/22"),
        "background": _PANEL_BACKGROUND + (
            "\n\nThis is the last report on the 2021/22 year. The full Police and Crime Plan Performance and "
            "Delivery Update for Quarter 4 is published on the Commissioner's website."),
        "delivery": (
            "# Victims and witnesses\n\n"
            "The new contracts for victim support services began on 1 April 2021 and have run for a full year. "
            "Commissioned services received more than **7,500 referrals** in 2021/22.\n\n"
            "The Victims Needs Assessment was published in March 2022 and will shape the services commissioned "
            "from 2023.\n\n"
            "# Reducing offending\n\n"
            "Divert, the adult out-of-court disposal scheme, has three-year funding confirmed and continues to "
            "take referrals from every local policing area.\n\n"
            "Youth Triage extended its hours to weekends in Quarter 2 and now sees young people on the day they "
            "are brought into custody.\n\n"
            "# Public confidence and accountability\n\n"
            "The Commissioner held four meetings of the Scrutiny, Delivery and Performance Board during the "
            "quarter. Stop and search and use of force were scrutinised by the Ethics Committee in February "
            "2022."),
        "recommendations": _PANEL_NOTE,
    },
}
WORKFORCE_PACK: dict[str, str] = {
    "summary": ("Workforce profile at **31 March 2022**, compared with 31 March 2021. The team grew "
                "slightly, with three leavers and four new starters."),
    "observations": ("- Declaration rates for religion and sexual orientation remain low\n- the "
                     "workforce is predominantly female, as is typical of small offices\n- all staff "
                     "returning from family leave returned to their roles"),
}
GOAL_UPDATE_DATE = "2022-06-30"
