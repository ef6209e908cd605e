"""The disclosure auditor: what a reader of a public document can work out about each hidden
number, checked independently of whatever planned the suppression, before export.

The attacker model, in plain words. A reader is assumed to know:

* every number the document prints (a count printed in several places is one figure);
* the relations the caller gives: table totals (a total is the sum of its line), the same
  count appearing in two tables, one edition being an earlier edition plus an increment, and
  every printed percentage with its rounding (half-up to the printed number of places);
* that counts are whole numbers, at least their floor (0, or 1 where the rules say a hidden
  cell is never zero) and at most any ceiling the caller gives.

Not assumed: other publications, data releases or private knowledge the caller does not pass
in, and knowledge of how the suppression was planned. An auditor is only as good as the list
of relations: a link a real reader knows but the caller leaves out is a blind spot.

How: every hidden figure is an integer unknown and every relation a linear constraint with
whole-number coefficients (a percentage becomes two inequalities, the upper one strict and
written as ``<= -1`` so that no fraction of a person slips in). The figures are split into
groups linked by relations, and each group is one integer program (HiGHS, through
``highspy``), solved twice per hidden figure with only the objective changed, for the
smallest and the largest value it can take. Every extreme the
solver reports comes with a completion of the document that attains it, and that completion
is checked again in exact integer arithmetic. A solve that runs out of time, or whose answer
fails that check, is reported as ``undecided``: the auditor never passes what it could not
prove.

Findings: ``printed_small`` (a count of people printed although small), ``exact`` (a hidden
count is pinned down), ``below_threshold`` (a hidden count is
provably 1..threshold-1 small), ``group_attribute`` (every member of a small group is provably
in one part of it), ``inconsistent`` (the printed figures contradict the relations) and
``undecided``.

One thing a reader learns is not held against a document: what a printed zero says. When a
total of people is printed as 0, every part of it is 0 too (counts are never negative), and
hiding those parts protects nobody: "nobody in any service is 18-24" is a fact about
everyone the document counts, not about a small group. So a hidden part of a printed zero
(at any depth) is not reported as exact, and a small group whose other categories are all
such zeros is not reported for sharing the one left: the whole published population shares
it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

__all__ = ["Figure", "Finding", "Interval", "Report", "Share", "Sum", "audit"]

Kind = Literal["printed_small", "exact", "below_threshold", "group_attribute", "inconsistent", "undecided"]


@dataclass(frozen=True)
class Figure:
    """One distinct count. ``printed`` is None when it is hidden (printed as the suppression
    symbol, or never printed at all); ``lower``/``upper`` are what a reader knows about it
    when hidden; ``true`` is its real value when the caller knows it; ``people`` is False for
    latent helpers that are not counts of people (never reported as exact or small)."""

    name: str
    printed: int | None
    lower: int = 0
    upper: int | None = None
    true: int | None = None
    people: bool = True


@dataclass(frozen=True)
class Sum:
    """``total == sum(parts)``, or ``sum(coefficient * part)`` when coefficients are given.
    ``group``: the parts split the total's people into categories (a table's row); False for
    a relation that is not such a split (an edition and what was added since)."""

    total: str
    parts: tuple[str, ...]
    coefficients: tuple[int, ...] | None = None
    group: bool = True


@dataclass(frozen=True)
class Share:
    """A printed percentage: ``100 * numerator / denominator`` rounded half-up to
    ``decimals`` places is ``printed``."""

    numerator: str
    denominator: str
    printed: Decimal
    decimals: int = 1


@dataclass(frozen=True)
class Interval:
    """The whole numbers a hidden figure could be; ``hi`` is None when nothing bounds it."""

    lo: int
    hi: int | None

    def __contains__(self, value: int) -> bool:
        return self.lo <= value and (self.hi is None or value <= self.hi)

    def __str__(self) -> str:
        if self.hi is None:
            return f"{self.lo} or more"
        if self.lo == self.hi:
            return f"exactly {self.lo}"
        return f"{self.lo} to {self.hi}"


@dataclass(frozen=True)
class Finding:
    """One problem, for an officer to read; ``figures`` names the figures it is about."""

    kind: Kind
    figures: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class Report:
    """The audit of one document: the range of every hidden figure that could be worked out
    (``hidden`` lists them all, in input order) and the findings."""

    hidden: tuple[str, ...]
    intervals: Mapping[str, Interval]
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not self.findings

    def summary(self) -> list[str]:
        """One heading per table (the name before its first "/"), then each hidden figure of
        that table with the range a reader can narrow it to. True values are never shown."""
        tables: dict[str, list[str]] = {}
        for name in self.hidden:
            interval = self.intervals.get(name)
            text = str(interval) if interval else "not worked out (see the findings)"
            tables.setdefault(name.split("/", 1)[0], []).append(f"  {name}: {text}")
        return [line for table, lines in tables.items() for line in (table, *lines)]


# --- relations as integer rows ---------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """``lo <= sum(coefficient * figure) <= hi`` over named figures; ``source`` says which
    relation it came from, in words."""

    terms: Mapping[str, int]
    lo: int | None
    hi: int | None
    source: str

    def holds(self, value: int) -> bool:
        return (self.lo is None or self.lo <= value) and (self.hi is None or value <= self.hi)


def _sum_rows(relation: Sum) -> list[Row]:
    coefficients = relation.coefficients or (1,) * len(relation.parts)
    if len(coefficients) != len(relation.parts):
        raise ValueError(f"the sum for {relation.total} has {len(relation.parts)} parts "
                         f"but {len(coefficients)} coefficients")
    terms: dict[str, int] = {relation.total: -1}
    for part, coefficient in zip(relation.parts, coefficients):
        terms[part] = terms.get(part, 0) + coefficient
    source = f"{relation.total} = " + " + ".join(
        part if c == 1 else f"{c} x {part}" for part, c in zip(relation.parts, coefficients))
    return [Row(terms, 0, 0, source)]


def _share_rows(share: Share) -> list[Row]:
    """(2P - 1) den <= 200 * 10^d * num < (2P + 1) den with P the printed percentage times
    10^d, all whole numbers; and den >= 1 (no percentage of nobody is printed)."""
    scale = 10**share.decimals
    points = share.printed * scale
    if points != points.to_integral_value():
        raise ValueError(f"{share.printed} has more than {share.decimals} decimal places")
    p, num, den = int(points), share.numerator, share.denominator
    source = f"{num} is printed as {share.printed}% of {den}"
    factor = 200 * scale

    def terms(num_coefficient: int, den_coefficient: int) -> dict[str, int]:
        if num == den:
            return {num: num_coefficient + den_coefficient}
        return {num: num_coefficient, den: den_coefficient}

    return [
        Row(terms(-factor, 2 * p - 1), None, 0, source),
        Row(terms(factor, -(2 * p + 1)), None, -1, source),
        Row({den: 1}, 1, None, source),
    ]


def _fix_printed(row: Row, printed: Mapping[str, int]) -> Row:
    """The row over hidden figures only, the printed ones moved into its bounds."""
    constant = sum(c * printed[name] for name, c in row.terms.items() if name in printed)
    terms = {name: c for name, c in row.terms.items() if name not in printed and c != 0}
    return Row(terms,
                None if row.lo is None else row.lo - constant,
                None if row.hi is None else row.hi - constant,
                row.source)


# --- one group of linked hidden figures ------------------------------------------------------


def _groups(hidden: Sequence[Figure], rows: Sequence[Row]) -> list[tuple[list[Figure], list[Row]]]:
    """Hidden figures split into groups linked by rows (union-find), each with its rows."""
    parent = {figure.name: figure.name for figure in hidden}

    def root(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for row in rows:
        first, *others = row.terms
        for name in others:
            parent[root(name)] = root(first)
    members: dict[str, list[Figure]] = {}
    for figure in hidden:
        members.setdefault(root(figure.name), []).append(figure)
    linked: dict[str, list[Row]] = {key: [] for key in members}
    for row in rows:
        linked[root(next(iter(row.terms)))].append(row)
    return [(members[key], linked[key]) for key in members]


# --- the audit -------------------------------------------------------------------------------


def audit(figures: Sequence[Figure], sums: Sequence[Sum], shares: Sequence[Share],
          threshold: int, *, time_limit: float = 10.0) -> Report:
    """What a reader can work out about every hidden figure (``printed is None``) from the
    printed ones and the relations, and the findings that should stop an export.

    ``time_limit`` is per integer program, in seconds. Raises ValueError for malformed input
    (a name used twice or unknown, a percentage with too many places); contradictory printed
    figures are a finding, not an error."""
    by_name = _named(figures)
    if threshold < 1:
        raise ValueError("the threshold must be at least 1")
    rows = [row for relation in sums for row in _sum_rows(relation)]
    rows += [row for share in shares for row in _share_rows(share)]
    for row in rows:
        unknown = [name for name in row.terms if name not in by_name]
        if unknown:
            raise ValueError(f"{row.source}: no figure named {', '.join(unknown)}")
    printed = {f.name: f.printed for f in figures if f.printed is not None}
    hidden = [f for f in figures if f.printed is None]
    findings: list[Finding] = []
    open_rows: list[Row] = []
    for row in rows:
        fixed = _fix_printed(row, printed)
        if fixed.terms:
            open_rows.append(fixed)
        elif not fixed.holds(0):
            findings.append(Finding("inconsistent", tuple(row.terms), "The printed figures do "
                                    f"not fit together: {row.source}."))
    intervals: dict[str, Interval] = {}
    for members, group_rows in _groups(hidden, open_rows):
        found, more = _audit_group(members, group_rows, time_limit)
        intervals.update(found)
        findings += more
    zeros = _public_zeros(by_name, sums)
    findings += _printed_small(figures, threshold)
    findings += _size_findings([f for f in hidden if f.name not in zeros], intervals, threshold)
    findings += _group_findings(by_name, sums, intervals, threshold, zeros)
    return Report(tuple(f.name for f in hidden), intervals, tuple(findings))


def _named(figures: Iterable[Figure]) -> dict[str, Figure]:
    by_name: dict[str, Figure] = {}
    for figure in figures:
        if figure.name in by_name:
            raise ValueError(f"two figures are named {figure.name}")
        by_name[figure.name] = figure
    return by_name


def _audit_group(members: Sequence[Figure], rows: Sequence[Row],
                 time_limit: float) -> tuple[dict[str, Interval], list[Finding]]:
    # numpy and HiGHS load here, when a document is audited
    from .audit_program import Group, Infeasible, Undecided

    group = Group(members, rows, time_limit)
    intervals: dict[str, Interval] = {}
    findings: list[Finding] = []
    for j, figure in enumerate(members):
        try:
            intervals[figure.name] = group.interval(j)
        except Infeasible:
            names = tuple(f.name for f in members)
            sources = sorted({row.source for row in rows}) or ["their floors and ceilings"]
            return {}, [Finding("inconsistent", names, "No whole numbers for the hidden figures "
                                f"{', '.join(names)} fit everything printed about them: "
                                f"{'; '.join(sources)}.")]
        except Undecided as reason:
            findings.append(Finding("undecided", (figure.name,), f"Could not work out what a "
                                    f"reader can tell about {figure.name}: {reason}. Treat the "
                                    "document as not checked."))
    return intervals, findings


def _printed_small(figures: Sequence[Figure], threshold: int) -> list[Finding]:
    """A count of people printed although it is 1..threshold-1."""
    return [Finding("printed_small", (f.name,), f"{f.name} is printed as {f.printed}, below the "
                    f"threshold of {threshold}.")
            for f in figures if f.people and f.printed is not None and 0 < f.printed < threshold]  # fmt: skip


def _size_findings(hidden: Sequence[Figure], intervals: Mapping[str, Interval],
                   threshold: int) -> list[Finding]:
    findings: list[Finding] = []
    for figure in hidden:
        interval = intervals.get(figure.name)
        if interval is None or not figure.people:
            continue
        if interval.lo == interval.hi:
            findings.append(Finding("exact", (figure.name,), f"{figure.name} is hidden but a "
                                    f"reader can work it out exactly: it must be {interval.lo}."))
        small = interval.hi is not None and interval.hi < threshold
        if small and (figure.true is None or figure.true > 0):
            findings.append(Finding("below_threshold", (figure.name,), f"{figure.name} is hidden "
                                    f"but a reader can tell it is {interval}, below the threshold "
                                    f"of {threshold}."))
    return findings


def _public_zeros(by_name: Mapping[str, Figure], sums: Sequence[Sum]) -> set[str]:
    """Hidden figures a printed zero makes zero: the parts of a zero total (each at least 0,
    with no negative coefficient), at any depth, and a total whose parts are all such zeros.
    A zero printed as a part of a small group is that group's own disclosure, not one of
    these."""
    plain = [s for s in sums if (s.coefficients is None or min(s.coefficients) > 0)
             and all(by_name[p].lower >= 0 for p in s.parts)]  # fmt: skip
    zeros = {name for name, f in by_name.items() if f.printed == 0}
    while True:
        more = {p for s in plain if s.total in zeros for p in s.parts}
        more |= {s.total for s in plain if all(p in zeros for p in s.parts)}
        if more <= zeros:
            return {name for name in zeros if by_name[name].printed is None}
        zeros |= more


def _group_findings(by_name: Mapping[str, Figure], sums: Sequence[Sum], intervals: Mapping[str, Interval],
                    threshold: int, zeros: set[str]) -> list[Finding]:  # fmt: skip
    """Every member of a small group (a total of 1..threshold-1 people) provably in one part:
    that part at least 1 and every other part provably 0, not all of them printed zeros'
    parts (see the module's note)."""
    findings: list[Finding] = []
    for relation in sums:
        if not relation.group or (relation.coefficients and set(relation.coefficients) != {1}) \
                or len(relation.parts) < 2:
            continue  # not a group split into categories (one part is the same count renamed)
        total = by_name[relation.total]
        if not total.people or not _small(total, intervals.get(total.name), threshold):
            continue
        ranges = {part: _range(by_name[part], intervals) for part in relation.parts}
        for part, interval in ranges.items():
            others = [ranges[other] for other in ranges if other != part]
            if all(other in zeros for other in ranges if other != part):
                continue
            if interval and interval.lo >= 1 and all(o and o.hi == 0 == o.lo for o in others):
                findings.append(Finding("group_attribute", (part, total.name), f"Everyone counted "
                                        f"in {total.name}, a small group, is provably counted in "
                                        f"{part}: a reader learns this about each of them."))
    return findings


def _small(total: Figure, interval: Interval | None, threshold: int) -> bool:
    known = total.true if total.true is not None else total.printed
    if known is not None:
        return 1 <= known < threshold
    return interval is not None and interval.hi is not None and interval.hi < threshold


def _range(figure: Figure, intervals: Mapping[str, Interval]) -> Interval | None:
    if figure.printed is not None:
        return Interval(figure.printed, figure.printed)
    return intervals.get(figure.name)
