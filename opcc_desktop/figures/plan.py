"""One disclosure plan for everything the public documents of a year print.

Why one plan: a small count hidden in one table can be worked out from another table that
shares its total, from a percentage, from a headline sentence or from an earlier edition of
the same figures. So every count a public document prints is a *figure* of one plan, with a
stable key ("Divert/offence type/Theft/Female"); the relations a reader knows between figures
(a total is the sum of its parts; the same count in two tables is one figure; this edition
is the earlier one plus what was added since) are *sums*. The plan decides what to hide over
all of them at once (:mod:`.planner`), and then every output reads its numbers from the
decided plan: a table cell, a percentage, a headline, a chart label. A figure the documents
did not register cannot be printed through it.

The rules a reader may rely on, and which the plan keeps:

* counts from 1 to threshold - 1 are hidden (primary); more are hidden so that none of them
  can be shown to be below the threshold (each must be able to reach it);
* a zero is printed as 0, except within a group of fewer than threshold people, where every
  part of the group is hidden, zeros too (otherwise "every woman on the scheme was referred
  for theft" could be read off); so a hidden figure is at least 1 unless it is part of a
  group whose total is hidden;
* the parts of a printed zero are zero too, and hiding them protects nobody ("nobody in any
  service is 18-24" is said of everyone counted), so they are hidden where their group is
  small but need no protection;
* a percentage is printed only when both its count and its base are shown (a percentage of a
  hidden base gives the base back);
* figures printed by an earlier, published edition are fixed: shown stays shown, hidden stays
  hidden, and the difference between editions is protected like any other small count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any
from decimal import Decimal

from ..areas.figure_keys import key_part
from ..areas.vocab import TOTAL
from .disclosure import Policy
from .formatting import Cell, percent

EARLIER = "earlier"  # key prefix of an earlier edition's figures
ADDED = "added since"  # key prefix of the change between editions


@dataclass
class _Figure:
    value: int
    people: bool = True  # a count of people, protected by the threshold
    latent: bool = False  # never printed; a reader knows it exists (e.g. records lacking a field)
    stable: bool = False  # a reader knows it is unchanged since an earlier edition unless marked revised


@dataclass(frozen=True)
class Printed:
    """What an earlier, published edition printed for one figure: its true value then, and
    whether it was shown."""

    value: int
    shown: bool


class Plan:
    """Collects the figures and relations; :meth:`decide` plans the suppression."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.figures: dict[str, _Figure] = {}
        self.sums: list[tuple[str, tuple[str, ...]]] = []
        self.earlier: list[dict[str, Printed]] = []

    def count(self, key: str, value: int, *, people: bool = True, stable: bool = False) -> str:
        """A count a document may print. The same key twice must be the same count.
        ``stable``: a figure of a period that has ended (a past quarter's KPI value), which
        an edition reprints unchanged unless it marks it revised."""
        known = self.figures.get(key)
        if known is not None and known.value != value:
            raise ValueError(f"figure {key!r} registered as {known.value} and as {value}")
        if known is None:
            self.figures[key] = _Figure(int(value), people, stable=stable)
        return key

    def total(self, key: str, parts: Sequence[str], *, people: bool = True) -> str:
        """A total of figures already registered, and the relation a reader knows."""
        self.count(key, sum(self.figures[p].value for p in parts), people=people)
        self.sums.append((key, tuple(parts)))
        return key

    def relate(self, total: str, parts: Sequence[str]) -> None:
        """A relation between figures already registered (a derived KPI that is the sum of
        others), kept only when the figures add up (a reader cannot rely on it otherwise)."""
        if self.figures[total].value == sum(self.figures[p].value for p in parts):
            self.sums.append((total, tuple(parts)))

    def at_least(self, whole: str, part: str, slack: str) -> None:
        """``whole`` is at least ``part`` (e.g. participants and the records holding one
        field); the difference is a figure nobody prints."""
        gap = self.figures[whole].value - self.figures[part].value
        if gap < 0:
            raise ValueError(f"figure {part!r} exceeds {whole!r}")
        self.figures[slack] = _Figure(gap, people=False, latent=True)
        self.sums.append((whole, (part, slack)))

    def same_if_equal(self, keys: Iterable[str]) -> None:
        """Counts of one population in different tables (a scheme's women by offence, by
        outcome, by age): where they are equal a reader would assume they are one number, so
        the plan treats them as linked."""
        first_of: dict[int, str] = {}
        for key in (k for k in keys if k in self.figures):
            first = first_of.setdefault(self.figures[key].value, key)
            if first != key:
                self.sums.append((first, (key,)))

    def table(self, name: str, counts: Mapping[tuple[str, str], int], rows: Sequence[str],
              columns: Sequence[str]) -> None:  # fmt: skip
        """A two-way table with its row, column and grand totals (keys ``name/row/column``,
        ``name/row/Total``, ``name/Total/column`` and ``name/Total/Total``, the row and
        column names made key parts)."""
        cell = {(r, c): f"{name}/{key_part(r)}/{key_part(c)}" for r in rows for c in columns}
        for r in rows:
            for c in columns:
                self.count(cell[r, c], int(counts.get((r, c)) or 0))
        for r in rows:
            self.total(f"{name}/{key_part(r)}/{TOTAL}", [cell[r, c] for c in columns])
        for c in columns:
            self.total(f"{name}/{TOTAL}/{key_part(c)}", [cell[r, c] for r in rows])
        self.total(f"{name}/{TOTAL}/{TOTAL}", [f"{name}/{TOTAL}/{key_part(c)}" for c in columns])
        self.sums.append((f"{name}/{TOTAL}/{TOTAL}", tuple(f"{name}/{key_part(r)}/{TOTAL}" for r in rows)))

    def distribution(self, name: str, counts: Mapping[str, int]) -> str:
        """Categories of one group and their total (``name/category``, ``name/Total``)."""
        parts = [self.count(f"{name}/{key_part(category)}", int(v or 0)) for category, v in counts.items()]
        return self.total(f"{name}/{TOTAL}", parts)

    def edition(self, printed: Mapping[str, Printed]) -> None:
        """An earlier, published edition of some of these figures: its shown figures stay
        shown, its hidden ones hidden, and what was added since is protected too."""
        if printed:
            self.earlier.append(dict(printed))

    def decide(self, time_limit: float = 60.0, also_hidden: frozenset[str] = frozenset()) -> Decided:
        """Plan the suppression; ``also_hidden``: figures to hide whatever the plan says
        (the audit's mends, see :func:`.plan_audit.decide_audited`)."""
        return _decide(self, time_limit, also_hidden)


@dataclass
class Decided:
    """The decided plan. Documents print through :meth:`cell` and :meth:`share`; each key
    read is remembered, so a published edition can store what it printed."""

    policy: Policy
    values: dict[str, int]
    model: _Model  # with earlier editions, for the audit
    model_hidden: frozenset[str]  # the model's figures hidden (this plan's and the editions')
    fallback_groups: int = 0
    printed: dict[str, Printed] = field(default_factory=dict)
    shares: dict[tuple[str, str], Decimal] = field(default_factory=dict)

    audit: Any = None  # the audit of everything shown, when the plan was audited

    @cached_property
    def hidden(self) -> frozenset[str]:
        """This plan's own figures that are hidden."""
        return self.model_hidden & self.values.keys()

    def fresh(self) -> Decided:
        """The same decisions with nothing printed yet (for another document)."""
        return replace(self, printed={}, shares={})

    def shown(self, key: str) -> bool:
        if key not in self.values:
            raise KeyError(f"{key!r} is not a figure of the plan")
        return key not in self.hidden

    def value(self, key: str) -> int | None:
        """The number to print (rounded, when the policy rounds), or None when it is hidden."""
        self._read(key)
        return self.policy.shown(self.values[key]) if key not in self.hidden else None

    def cell(self, key: str) -> Cell:
        value = self.value(key)
        return Cell.suppressed(self.policy.symbol) if value is None else Cell.number(value, symbols=self.policy.symbols)

    def share(self, numerator: str, base: str) -> Cell:
        """A percentage, printed only when both the count and its base are shown."""
        num, den = self.value(numerator), self.value(base)
        if num is None or den is None:
            return Cell.suppressed(self.policy.symbol, "percent")
        share = percent(num, den)
        if share is None:
            return Cell.not_applicable("percent", symbols=self.policy.symbols)
        if not self.policy.round_to:  # a share of rounded counts tells nothing more than they do
            self.shares[(numerator, base)] = share
        return Cell.number(share, "percent", symbols=self.policy.symbols)

    def _read(self, key: str) -> None:
        shown = self.shown(key)
        self.printed[key] = Printed(self.values[key], shown)


@dataclass
class _Model:
    """The plan's figures plus, for each earlier edition, its figures (fixed as printed),
    the same sums over them, and what was added since (people nobody printed)."""

    values: dict[str, int]
    sums: list[tuple[str, tuple[str, ...]]]
    people: set[str]
    latent: set[str]
    hidden: set[str] = field(default_factory=set)
    shown: set[str] = field(default_factory=set)
    links: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)  # edition = earlier + added


def _model(plan_: Plan) -> _Model:
    model = _Model(
        values={k: f.value for k, f in plan_.figures.items()},
        sums=list(plan_.sums),
        people={k for k, f in plan_.figures.items() if f.people},
        latent={k for k, f in plan_.figures.items() if f.latent},
    )
    for n, edition in enumerate(plan_.earlier):
        before = {k: p for k, p in edition.items() if k in plan_.figures}
        earlier = {k: f"{EARLIER} {n + 1}/{k}" for k in before}
        added = {k: f"{ADDED} {EARLIER} {n + 1}/{k}" for k in before}
        for key, printed in before.items():
            model.values[earlier[key]] = printed.value
            model.values[added[key]] = model.values[key] - printed.value
            model.sums.append((key, (earlier[key], added[key])))
            model.links.add((key, (earlier[key], added[key])))
            model.people |= {earlier[key]} if key in model.people else set()
            if plan_.figures[key].stable and model.values[added[key]] == 0:
                model.shown.add(added[key])  # unchanged and not marked revised: a reader knows it
                (model.shown if printed.shown else model.hidden).add(key)  # so it stays as printed
            else:
                model.people.add(added[key])
                model.latent.add(added[key])
            (model.shown if printed.shown else model.hidden).add(earlier[key])
        for total, parts in plan_.sums:
            if total in before and all(p in before for p in parts):
                model.sums.append((earlier[total], tuple(earlier[p] for p in parts)))
                model.sums.append((added[total], tuple(added[p] for p in parts)))
    return model


def _decide(plan_: Plan, time_limit: float, also_hidden: frozenset[str]) -> Decided:
    from .planner import Problem, plan  # the solver loads only when a plan is made
    model = _model(plan_)
    values, keys = model.values, list(model.values)
    index = {k: i for i, k in enumerate(keys)}
    threshold = plan_.policy.threshold if plan_.policy.active else 0
    small = {k for k in model.people if 0 < values[k] < threshold}
    in_small_group = _small_groups(model, small)
    hidden = small | model.latent | in_small_group | model.hidden | also_hidden
    never = {k for k in keys if values[k] == 0} - hidden  # a zero is hidden only in a small group
    zeros = _public_zeros(model, never | {k for k in model.shown if values[k] == 0})
    protect = {k: threshold - values[k] for k in small} | {
        k: 1 for k in in_small_group - zeros if values[k] == 0}
    ceiling = max([*values.values(), threshold, 1]) * 4
    problem = Problem(
        values=[values[k] for k in keys],
        floors=[_floor(model, k, in_small_group) for k in keys],
        ceilings=[ceiling] * len(keys),
        sums=[(index[t], [index[p] for p in parts]) for t, parts in model.sums],
        hidden=frozenset(index[k] for k in hidden),
        shown=frozenset(index[k] for k in (model.shown | never) - hidden),
        protect={index[k]: need for k, need in protect.items()},
        shown_ranges=[plan_.policy.could_be(values[k], k in model.people) for k in keys],
    )
    outcome = plan(problem, time_limit) if threshold else None
    chosen = {keys[i] for i in outcome.hidden} if outcome else set()
    own = {k: f.value for k, f in plan_.figures.items()}
    return Decided(plan_.policy, own, model, frozenset(chosen), outcome.fallback_groups if outcome else 0)


def _small_groups(model: _Model, small: set[str]) -> set[str]:
    """Every part of a group of fewer than threshold people, and so on down (a part that is
    itself a total), and whatever is the same number in another table: all hidden, zeros
    too, or "everyone in the group is in this part" could be read off."""
    group = set(small)
    while True:
        more = {p for total, parts in model.sums if total in group and (total, parts) not in model.links
                for p in parts}  # fmt: skip
        more |= {a for a, parts in model.sums if len(parts) == 1 and parts[0] in group}
        more = (more & model.people) - group
        if not more:
            return group - small
        group |= more


def _public_zeros(model: _Model, printed: set[str]) -> set[str]:
    """Figures the printed zeros make zero: parts of a zero total at any depth, and totals
    whose parts are all zero. What was added since an edition can be negative, so the
    relations of editions are left out."""
    plain = [(t, parts) for t, parts in model.sums
             if (t, parts) not in model.links and not any(p.startswith(ADDED) for p in parts)]  # fmt: skip
    zeros = set(printed)
    while True:
        more = {p for t, parts in plain if t in zeros for p in parts}
        more |= {t for t, parts in plain if all(p in zeros for p in parts)}
        if more <= zeros:
            return zeros
        zeros |= more


def _floor(model: _Model, key: str, in_small_group: set[str]) -> int:
    """What a reader may assume a hidden figure is at least (see the module's rules)."""
    value = model.values[key]
    if key in model.latent:
        return min(0, value)  # what was added since an edition is negative after a revision
    return 0 if key in in_small_group or value == 0 else 1
