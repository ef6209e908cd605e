"""The statutory workforce statement: what is printed, and what the pre-flight warns about.

The Elected Local Policing Bodies (Specified Information) Order 2011 requires each Commissioner
to publish the office's staff headcount and the proportions of staff who are women, from an
ethnic minority and disabled. It has no small-numbers exemption, so the statement is never
suppressed: the headcount is printed exactly and each proportion is protected by rounding, as
the office's setting ``disclosure.workforce_rounding`` says:

* ``"whole"``: to the nearest 1% ("38%");
* ``"5"`` (the default): to the nearest 5% ("40%");
* ``"10"``: to the nearest 10%;
* ``"bands"``: the band the exact proportion falls in: "under 10%", "10% to under 25%",
  "25% to under 50%", "50% to under 75%", "75% to under 90%", "90% or more".

Rounding is half-up (12.5% to the nearest 5% is 15%), applied once to the exact proportion
(never to a proportion already rounded to one place). The denominator is all staff, including
those who did not declare.

0% and 100% are not special: a proportion that rounds to 0% prints "0%" whether nobody or a
few are in the group, and the lowest band ("under 10%") holds nobody as well as a few (the top
band holds everybody as well as all but a few). Printing a true zero apart from a small
number would tell readers, the year the first disabled person joins a small office, that the
joiner is disabled; this way that joiner is hidden whenever their share rounds to 0% (or stays
under 10%). The printed sentence says so.

Rounding cannot protect everyone in a small office (1 of 25 staff is 4%, which rounds to 5%,
and 5% of 25 can only be 1 person), so the pre-flight warns, in words an officer can act on
(:func:`small_group_warnings`, :func:`joiner_warnings`): the statement is still published, as
the law requires, but the officer decides with the information governance lead how.

Pure computation on plain numbers: :mod:`opcc_desktop.figures.publishable` reads the counts
(and the setting).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..areas.settings import WORKFORCE_ROUNDINGS
from .formatting import format_count, round_half_up

__all__ = [
    "BANDS",
    "DEFAULT_ROUNDING",
    "GROUPS",
    "ROUNDINGS",
    "StatementCounts",
    "WorkforceStatement",
    "consistent_counts",
    "joiner_warnings",
    "rounded_proportion",
    "rounding_sentence",
    "small_group_warnings",
    "statement",
]

ROUNDINGS = WORKFORCE_ROUNDINGS  # ("whole", "5", "10", "bands"): the setting's choices
DEFAULT_ROUNDING = "5"
_STEPS = {"whole": 1, "5": 5, "10": 10}
# (lowest percentage in the band, label), lowest first; a band runs up to the next one's start
BANDS: tuple[tuple[int, str], ...] = (
    (0, "under 10%"),
    (10, "10% to under 25%"),
    (25, "25% to under 50%"),
    (50, "50% to under 75%"),
    (75, "75% to under 90%"),
    (90, "90% or more"),
)
NOT_APPLICABLE = "n/a"  # a proportion of no staff (a snapshot without rows)

# group: (its field, the words for one member, for several, for the people outside it)
GROUPS: dict[str, tuple[str, str, str]] = {
    "women": ("a woman", "women", "not women (men, or sex not declared)"),
    "ethnic_minority": ("from an ethnic minority", "from an ethnic minority",
                        "not from an ethnic minority (or did not declare)"),
    "disabled": ("disabled", "disabled", "not disabled (or did not declare)"),
}  # fmt: skip
_NOUNS = {"women": "women", "ethnic_minority": "staff from an ethnic minority", "disabled": "disabled staff"}


@dataclass(frozen=True)
class StatementCounts:
    """The exact counts behind the statement at one snapshot. Private: the pre-flight reads
    them to warn; a public document prints a :class:`WorkforceStatement`, never these."""

    snapshot_date: str
    headcount: int
    women: int
    ethnic_minority: int
    disabled: int

    def count(self, group: str) -> int:
        if group not in GROUPS:
            raise KeyError(group)
        return int(getattr(self, group))


@dataclass(frozen=True)
class WorkforceStatement:
    """The statutory workforce statement as printed: the headcount (exact) and the three
    proportions already rounded (text such as "40%" or "under 10%"); it holds no exact count
    of a group, so a document cannot print one by mistake."""

    snapshot_date: str
    headcount: int
    rounding: str
    women: str
    ethnic_minority: str
    disabled: str

    @property
    def headcount_text(self) -> str:
        return format_count(self.headcount)

    @property
    def rounding_sentence(self) -> str:
        return rounding_sentence(self.rounding)


def _check_rounding(rounding: str) -> None:
    if rounding not in ROUNDINGS:
        raise ValueError(f"unknown workforce rounding {rounding!r}; expected one of {', '.join(ROUNDINGS)}")


def rounded_proportion(count: int, headcount: int, rounding: str = DEFAULT_ROUNDING) -> str:
    """``count`` of ``headcount`` staff as printed: 3 of 8 -> "38%" (whole), "40%" (5),
    "40%" (10), "25% to under 50%" (bands); 1 of 8 (12.5%) -> "15%" to the nearest 5 (half-up).
    "n/a" when there are no staff."""
    _check_rounding(rounding)
    if not 0 <= count <= headcount:
        raise ValueError(f"a count of {count} is not within a headcount of {headcount}")
    if headcount == 0:
        return NOT_APPLICABLE
    exact = Fraction(100 * count, headcount)
    if rounding == "bands":
        return next(label for start, label in reversed(BANDS) if exact >= start)
    step = _STEPS[rounding]
    return f"{int(round_half_up(exact / step, 0)) * step}%"


def rounding_sentence(rounding: str) -> str:
    """The sentence printed under the statement, saying how the proportions were protected."""
    _check_rounding(rounding)
    if rounding == "bands":
        labels = ", ".join(label for _, label in BANDS)
        return (f"Proportions are shown in bands ({labels}) to protect individuals; "
                "\"under 10%\" includes none, and \"90% or more\" includes all.")  # fmt: skip
    nearest = "1%" if rounding == "whole" else f"{rounding}%"
    return (f"Proportions are rounded to the nearest {nearest} to protect individuals, so 0% may mean "
            "a few staff rather than none, and 100% all but a few.")  # fmt: skip


def statement(counts: StatementCounts, rounding: str = DEFAULT_ROUNDING) -> WorkforceStatement:
    """The printable statement from the exact counts."""
    return WorkforceStatement(
        snapshot_date=counts.snapshot_date,
        headcount=counts.headcount,
        rounding=rounding,
        **{group: rounded_proportion(counts.count(group), counts.headcount, rounding) for group in GROUPS},
    )


def consistent_counts(printed: str, headcount: int, rounding: str) -> range:
    """Every count a reader who knows the headcount can infer from a printed proportion:
    "5%" of 25 staff to the nearest 5 -> range(1, 2) (2.5% to under 7.5% of 25 is only 1).
    Rounding never decreases as the count grows, so the counts form one run."""
    found = [n for n in range(headcount + 1) if rounded_proportion(n, headcount, rounding) == printed]
    return range(found[0], found[-1] + 1) if found else range(0)


def small_group_warnings(counts: StatementCounts, threshold: int, rounding: str = DEFAULT_ROUNDING) -> list[str]:
    """One sentence for each group (or the people outside it) of fewer than ``threshold``
    staff but more than none, or one for the whole statement when the headcount itself is
    below the threshold (then every group or its outside is small). Nothing when the
    threshold is 0 or 1 (the office switched small-number protection off)."""
    advice = "decide with the information governance lead how to publish it"
    if 0 < counts.headcount < threshold:
        return [(f"the headcount ({counts.headcount}) is below the disclosure threshold of {threshold}, so the "
                 f"rounded proportions of the workforce statement may still identify individual staff; {advice}")]
    found = []
    for group, (_, many, outside) in GROUPS.items():
        inside = counts.count(group)
        printed = rounded_proportion(inside, counts.headcount, rounding)
        for number, who in ((inside, many), (counts.headcount - inside, outside)):
            if 0 < number < threshold:
                found.append(f"fewer than {threshold} of the {counts.headcount} staff are {who}: the proportion "
                             f"of {_NOUNS[group]} printed ({printed}, rounded) may still identify them; {advice}")
    return found


def joiner_warnings(
    current: StatementCounts, previous: StatementCounts, previous_year: str, threshold: int,
    rounding: str = DEFAULT_ROUNDING,
) -> list[str]:  # fmt: skip
    """Differencing against the statement published for ``previous_year``: when the
    headcount changed by a few (1 to threshold-1, net) and, for a group, the counts a reader
    can infer from the two printed proportions leave only one possible change in that group
    that fits the people who came (or went) — all of them in it, or none — the printed
    figures tell the reader those people's characteristic.

    The reader's reasoning, and so the check: from each printed proportion and headcount,
    the possible counts of the group (:func:`consistent_counts`); from the two years, the
    possible changes in the group, from (lowest now - highest before) to (highest now -
    lowest before); if the change in headcount is ``k`` people joining (``-k`` leaving) and
    nobody else changed, the group changed by 0 to ``k`` (``-k`` to 0). When the two
    ranges meet at 0 alone or at ``k`` alone, the joiners' (leavers') group is known."""
    change = current.headcount - previous.headcount
    if not 0 < abs(change) < threshold:
        return []
    found = []
    for group, (one, many, _) in GROUPS.items():
        before_text = rounded_proportion(previous.count(group), previous.headcount, rounding)
        after_text = rounded_proportion(current.count(group), current.headcount, rounding)
        before = consistent_counts(before_text, previous.headcount, rounding)
        after = consistent_counts(after_text, current.headcount, rounding)
        low = max(after.start - before[-1], min(0, change))
        high = min(after[-1] - before.start, max(0, change))
        if low != high or low not in (0, change):
            continue
        every = low == change
        found.append(
            f"the headcount went {'up' if change > 0 else 'down'} by {abs(change)} since the statement "
            f"published for {previous_year} ({previous.headcount} to {current.headcount}) and the proportion "
            f"of {_NOUNS[group]} went from {before_text} to {after_text}, so a reader can conclude that "
            f"{_who(change, every, one, many)}; decide with the information governance lead how to publish it"
        )
    return found


def _who(change: int, every: bool, one: str, many: str) -> str:
    """'the person who joined is disabled', 'none of the 2 people who left was a woman'..."""
    joined = change > 0
    verb, verbs = ("is", "are") if joined else ("was", "were")
    moved = "joined" if joined else "left"
    if abs(change) == 1:
        return f"the person who {moved} {verb} {'' if every else 'not '}{one}"
    if every:
        return f"all {abs(change)} people who {moved} {verbs} {many}"
    return f"none of the {abs(change)} people who {moved} {verb} {one}"
