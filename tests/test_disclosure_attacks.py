"""The adversary's test suite: small workbooks built through the exchange format (an xlsx
imported with ``opcc-desktop import``), the public documents exported with the CLI, and then,
from the output files alone, everything a reader can put together attacked with the
independent auditor (:mod:`opcc_desktop.figures.audit`). See :mod:`attack_reader` for the
reader's model: table lines and totals, percentages of column totals, headlines, the same
population across tables and documents, editions as earlier edition plus an increment."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from attack_reader import NO_REQUIRED_SECTIONS, Knowledge, add_annual, add_update, export, read_html, read_pdf, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

YEAR = "2021/22"
SCHEME = "Divert"
OFFENCES = ("Theft", "Assault", "Criminal damage")
OUTCOMES = ("Needs met", "Non-engagement")
AGES = ("18-21", "22-25")
GENDERS = ("Female", "Male")
FEW = settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])


# -- the data ------------------------------------------------------------------------------------


@dataclass
class Scheme:
    """One scheme's year: offence and outcome counts by gender (each gender's offences and
    outcomes are the same people), ages by gender, referrals received and accepted."""

    offence: dict[tuple[str, str], int]
    outcome: dict[tuple[str, str], int] = field(default_factory=dict)
    age: dict[tuple[str, str], int] = field(default_factory=dict)
    extra_referrals: int = 7
    name: str = SCHEME
    never_publish: bool = False

    def __post_init__(self) -> None:
        people = self.people()
        if not self.outcome:  # split each gender's people between the two outcomes
            for g in GENDERS:
                self.outcome[(OUTCOMES[0], g)] = people[g] - people[g] // 2
                self.outcome[(OUTCOMES[1], g)] = people[g] // 2
        if not self.age:
            for g in GENDERS:
                self.age[(AGES[0], g)] = people[g] // 3
                self.age[(AGES[1], g)] = people[g] - people[g] // 3

    def people(self) -> dict[str, int]:
        return {g: sum(n for (_, gg), n in self.offence.items() if gg == g) for g in GENDERS}

    def truth(self, prefix: str = "") -> dict[str, int]:
        """Every count a reader could name, by the reader's names (attack_reader)."""
        p = f"{prefix}{self.name}"
        out: dict[str, int] = {}
        for kind, cells in (("offence", self.offence), ("outcome", self.outcome)):
            rows = list(dict.fromkeys(r for r, _ in cells))
            for r in rows:
                for g in GENDERS:
                    out[f"{p}/{kind}/{r}/{g}"] = cells.get((r, g), 0)
                out[f"{p}/{kind}/{r}/All"] = sum(cells.get((r, g), 0) for g in GENDERS)
            for g in GENDERS:
                out[f"{p}/{kind}/Total/{g}"] = sum(cells.get((r, g), 0) for r in rows)
            out[f"{p}/{kind}/Total/All"] = sum(cells.values())
        people = self.people()
        for g in GENDERS:
            out[f"{p}/participants/{g}"] = people[g]
            out[f"{p}/Age/records/{g}"] = sum(n for (_, gg), n in self.age.items() if gg == g)
            for a in AGES:
                out[f"{p}/Age/{a}/{g}"] = self.age.get((a, g), 0)
        out[f"{p}/participants/All"] = sum(people.values())
        out[f"{p}/accepted"] = sum(people.values())
        out[f"{p}/received"] = sum(people.values()) + self.extra_referrals
        return out


def exchange_file(path: Path, schemes: list[Scheme], threshold: int = 5, symbol: str = "*",
                  quarter: dict[int, list[Scheme]] | None = None) -> Path:  # fmt: skip
    """The schemes as an exchange workbook (docs/exchange-format.md): ``schemes`` for the
    whole year, or ``quarter`` mapping each quarter to its schemes' counts in that quarter."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    page = book.create_sheet("settings")
    page.append(["key", "value"])
    page.append(["disclosure.threshold", str(threshold)])
    page.append(["disclosure.symbol", symbol])
    for row in NO_REQUIRED_SECTIONS:
        page.append(row)
    listed = book.create_sheet("schemes")
    listed.append(["scheme", "age_range", "never_publish"])
    counts = book.create_sheet("scheme_counts")
    counts.append(["scheme", "financial_year", "quarter", "dimension", "category", "gender", "count"])
    measures = book.create_sheet("scheme_measures")
    measures.append(["scheme", "financial_year", "quarter", "measure", "value"])
    for s in schemes or quarter[min(quarter)]:
        listed.append([s.name, "18+", "yes" if s.never_publish else "no"])
    for q, given in (quarter or {None: schemes}).items():
        for s in given:
            for g, n in s.people().items():
                counts.append([s.name, YEAR, q, "gender", g, "All", n])
            for dimension, cells in (("offence_type", s.offence), ("outcome", s.outcome), ("age", s.age)):
                for (category, g), n in cells.items():
                    counts.append([s.name, YEAR, q, dimension, category, g, n])
            accepted = sum(s.people().values())
            measures.append([s.name, YEAR, q, "referrals_received", accepted + s.extra_referrals])
            measures.append([s.name, YEAR, q, "referrals_accepted", accepted])
    book.save(path)
    return path


class Office:
    """A workbook file filled through ``opcc-desktop import`` and read through its exports."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "office.opcc"
        self.n = 0
        made = run("new", self.path)
        assert made.exit_code == 0, made.output

    def load(self, schemes: list[Scheme], threshold: int = 5, symbol: str = "*",
             quarter: dict[int, list[Scheme]] | None = None) -> None:  # fmt: skip
        self.n += 1
        source = exchange_file(self.folder / f"in{self.n}.xlsx", schemes, threshold, symbol, quarter)
        done = run("import", self.path, source)
        assert done.exit_code == 0, done.output

    def export(self, report: str, quarter: int | None = None, fmt: str = "html", publish: bool = False) -> Path:
        self.n += 1
        return export(self.path, self.folder / f"{report}-{self.n}.{fmt}", report, YEAR, quarter, publish)


@pytest.fixture
def office(tmp_path_factory: pytest.TempPathFactory) -> callable:
    return lambda: Office(tmp_path_factory.mktemp("office"))


def attack_year(office: Office, scheme: Scheme, threshold: int = 5, symbol: str = "*") -> tuple[Knowledge, list[str]]:
    """Export both documents and attack them together; returns the knowledge and problems."""
    update = read_html(office.export("performance-update", quarter=4))
    annual = read_html(office.export("annual-equality"))
    k = Knowledge(symbol)
    add_update(k, update, scheme.name)
    add_annual(k, annual, scheme.name)
    attack = k.attack(threshold, truth=scheme.truth())
    return k, attack.problems(scheme.truth())


def check_year(office: Office, scheme: Scheme, threshold: int = 5, symbol: str = "*") -> Knowledge:
    k, problems = attack_year(office, scheme, threshold, symbol)
    assert not problems, "\n".join(problems)
    assert k.printed or k.starred, "the reader found none of the scheme's figures"
    return k


def column(small: dict[str, int], male: dict[str, int]) -> dict[tuple[str, str], int]:
    cells = {(o, "Female"): n for o, n in small.items()}
    cells |= {(o, "Male"): n for o, n in male.items()}
    return cells


large = st.integers(10, 40)


# -- 1. percentages beside hidden totals ---------------------------------------------------------


@FEW
@given(small=st.integers(1, 4), others=st.tuples(large, large), male=st.tuples(large, large, large))
def test_percentages_beside_a_small_cell_do_not_give_it_away(office, small, others, male):
    scheme = Scheme(column({"Theft": small, "Assault": others[0], "Criminal damage": others[1]},
                           dict(zip(OFFENCES, male))))  # fmt: skip
    o = office()
    o.load([scheme])
    k = check_year(o, scheme)
    assert f"{SCHEME}/offence/Theft/Female" in k.starred


# -- 2. a tiny scheme ----------------------------------------------------------------------------


tiny_rows = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)).filter(lambda r: sum(r) >= 1),
                    min_size=3, max_size=3).filter(
    lambda rows: sum(map(sum, rows)) <= 4 and all(sum(r[g] for r in rows) for g in (0, 1)))  # fmt: skip


def tiny_scheme_is_silent(office, scheme: Scheme) -> None:
    o = office()
    o.load([scheme])
    update = read_html(o.export("performance-update", quarter=4))
    annual = read_html(o.export("annual-equality"))
    for doc in (update, annual):
        text = " ".join(doc.text)
        assert not re.search(r"referrals (received|accepted)", text), text
        assert "engagement rate" not in text
    k = Knowledge()
    add_update(k, update, SCHEME)
    add_annual(k, annual, SCHEME)
    assert not [n for n, v in k.printed.items() if v != 0], k.printed
    problems = k.attack(5, truth=scheme.truth()).problems(scheme.truth())
    assert not problems, "\n".join(problems)


@FEW
@given(rows=tiny_rows)
def test_a_tiny_scheme_prints_no_count_and_no_headline(office, rows):
    """1-4 people, someone of each gender and in every offence: every count hidden, no headline."""
    tiny_scheme_is_silent(office, Scheme(column(dict(zip(OFFENCES, [f for f, _ in rows])),
                                                dict(zip(OFFENCES, [m for _, m in rows]))), extra_referrals=1))  # fmt: skip


def test_a_one_person_scheme_with_empty_offences(office):
    """Minimal: one man, in Criminal damage; nobody else."""
    tiny_scheme_is_silent(office, Scheme(column({"Theft": 0, "Assault": 0, "Criminal damage": 0},
                                                {"Theft": 0, "Assault": 0, "Criminal damage": 1}),
                                         extra_referrals=1))  # fmt: skip



def test_a_tiny_scheme_with_nobody_of_one_gender(office):
    """Minimal: three men, one in each offence; no women."""
    tiny_scheme_is_silent(office, Scheme(column({"Theft": 0, "Assault": 0, "Criminal damage": 0},
                                                {"Theft": 1, "Assault": 1, "Criminal damage": 1}),
                                         extra_referrals=1))  # fmt: skip

# -- 3. the same count in two documents ------------------------------------------------------


@FEW
@given(female=st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(0, 3)), male=st.tuples(large, large, large))
def test_a_gender_hidden_in_one_document_is_not_derivable_from_the_other(office, female, male):
    """Women a few more than the threshold in all, spread thinly over the offences: the
    update hides the women's cells; the annual report prints the participants and their
    ages. Read together, no small cell may come out."""
    scheme = Scheme(column(dict(zip(OFFENCES, female)), dict(zip(OFFENCES, male))))
    o = office()
    o.load([scheme])
    k, problems = attack_year(o, scheme)
    assert not problems, "\n".join(problems)
    # and each document alone is consistent with the other: a count printed in both is one figure
    k.figures()


# -- 4. editions ---------------------------------------------------------------------------------


def minus(later: dict[tuple[str, str], int], earlier: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    """A quarter's own counts: the year to date at its end less the year to date before."""
    return {cell: later[cell] - earlier.get(cell, 0) for cell in later}



@settings(max_examples=3, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=st.tuples(st.integers(5, 12), large, large), added=st.tuples(st.integers(0, 4), st.integers(0, 4)))
def test_a_later_edition_does_not_reveal_a_small_increment(office, base, added):
    before = Scheme(column({"Theft": base[0], "Assault": base[1]}, {"Theft": base[2], "Assault": base[1]}))
    after = Scheme(column({"Theft": base[0] + added[0], "Assault": base[1]},
                          {"Theft": base[2] + added[1], "Assault": base[1]}))  # fmt: skip
    added = Scheme(*(minus(getattr(after, f), getattr(before, f)) for f in ("offence", "outcome", "age")),
                   extra_referrals=after.extra_referrals - before.extra_referrals)  # fmt: skip
    nobody = Scheme(*(minus(getattr(before, f), getattr(before, f)) for f in ("offence", "outcome", "age")),
                    extra_referrals=0)  # fmt: skip
    o = office()
    o.load([], quarter={1: [before], 2: [nobody], 3: [nobody]})
    q3 = read_html(o.export("performance-update", quarter=3, publish=True))
    o.load([], quarter={1: [before], 2: [nobody], 3: [nobody], 4: [added]})
    q4 = read_html(o.export("performance-update", quarter=4))
    k = Knowledge()
    add_update(k, q3, SCHEME, prefix="Q3:")
    add_update(k, q4, SCHEME, prefix="Q4:")
    truth = before.truth("Q3:") | after.truth("Q4:")
    people = set(k.starred)
    old, new = before.truth(), after.truth()
    for name in list(k.names):
        if name.startswith("Q4:") and name.replace("Q4:", "Q3:", 1) in k.names and "<=" not in name:
            plain = name[3:]
            increment = f"added:{plain}"
            k.total(name, [name.replace("Q4:", "Q3:", 1), increment], group=False)
            if plain in new and plain in old:
                truth[increment] = new[plain] - old[plain]
                if 0 < truth[increment] < 5:
                    people.add(increment)
    attack = k.attack(5, people=people, truth=truth)
    problems = attack.problems(truth)
    assert not problems, "\n".join(problems)


# -- 5. zeros in tiny groups ---------------------------------------------------------------------


@FEW
@given(women=st.integers(1, 4), offence=st.sampled_from(OFFENCES), male=st.tuples(large, large, large))
def test_a_tiny_gender_all_in_one_offence_is_not_exposed(office, women, offence, male):
    female = {o: (women if o == offence else 0) for o in OFFENCES}
    scheme = Scheme(column(female, dict(zip(OFFENCES, male))))
    o = office()
    o.load([scheme])
    k, problems = attack_year(o, scheme)
    assert not problems, "\n".join(problems)
    found = k.attack(5, truth=scheme.truth()).report.findings
    assert not [f for f in found if f.kind == "group_attribute"]


# -- 6. two small cells summing to a small number -----------------------------------------------


@FEW
@given(a=st.integers(1, 2), b=st.integers(1, 2), rest=large, male=st.tuples(large, large, large))
def test_two_small_cells_with_a_shown_column_total(office, a, b, rest, male):
    scheme = Scheme(column({"Theft": a, "Assault": b, "Criminal damage": rest}, dict(zip(OFFENCES, male))))
    o = office()
    o.load([scheme])
    check_year(o, scheme)


# -- 7. thresholds -------------------------------------------------------------------------------


@pytest.mark.parametrize("threshold", [3, 5, 10])
@settings(max_examples=3, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_thresholds(office, threshold, data):
    small = st.integers(1, threshold - 1)
    female = data.draw(st.tuples(small, st.integers(threshold, threshold + 20), small))
    male = data.draw(st.tuples(large, small, st.integers(threshold, 40)))
    scheme = Scheme(column(dict(zip(OFFENCES, female)), dict(zip(OFFENCES, male))))
    o = office()
    o.load([scheme], threshold=threshold, symbol="[c]")
    k = check_year(o, scheme, threshold=threshold, symbol="[c]")
    for (offence, g), n in scheme.offence.items():
        if 0 < n < threshold:
            assert f"{SCHEME}/offence/{offence}/{g}" in k.starred


# -- 8. the never-publish canary ------------------------------------------------------------------


def test_a_never_publish_scheme_never_appears(office):
    canary = Scheme(column({"Theft": 7777, "Assault": 3}, {"Theft": 4321, "Assault": 9898}),
                    name="Zebracanary Scheme", never_publish=True, extra_referrals=6543)  # fmt: skip
    public = Scheme(column({"Theft": 12, "Assault": 20}, {"Theft": 15, "Assault": 25}))
    o = office()
    o.load([canary, public])
    outputs = [o.export("performance-update", quarter=4), o.export("annual-equality"),
               o.export("performance-update", quarter=4, fmt="pdf"), o.export("annual-equality", fmt="pdf")]  # fmt: skip
    for out in outputs:
        doc = read_html(out) if out.suffix == ".html" else read_pdf(out)
        text = doc.flat + (out.read_text(encoding="utf-8") if out.suffix == ".html" else "")
        assert "Zebracanary" not in text
        for n in ("7,777", "7777", "4,321", "4321", "9,898", "9898", "12,098", "12098", "28,549", "28549"):
            assert n not in text, (out.name, n)
        assert SCHEME in text  # the public scheme is there


# -- the PDF edition ------------------------------------------------------------------------------


def test_the_pdf_edition_tells_no_more_than_the_html_one(office):
    scheme = Scheme(column({"Theft": 3, "Assault": 22, "Criminal damage": 14}, {"Theft": 18, "Assault": 2,
                                                                                "Criminal damage": 30}))  # fmt: skip
    o = office()
    o.load([scheme])
    pdf = read_pdf(o.export("performance-update", quarter=4, fmt="pdf"))
    html = read_html(o.export("performance-update", quarter=4))
    from_pdf, from_html = Knowledge(), Knowledge()
    add_update(from_pdf, pdf, SCHEME)
    add_update(from_html, html, SCHEME)
    assert from_pdf.printed == from_html.printed
    assert from_pdf.starred == from_html.starred and from_pdf.starred
    problems = from_pdf.attack(5, truth=scheme.truth()).problems(scheme.truth())
    assert not problems, "\n".join(problems)
