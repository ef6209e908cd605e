"""A decided plan handed to the independent auditor (:mod:`.audit`) as a reader sees it.

:func:`audit_printed` audits what one document printed (the keys it read from the plan,
its percentages) together with what earlier editions printed; :func:`audit_shown` audits
every figure the plan shows, as if one document printed them all, which is the most a
reader of the year's documents can ever see. The plan is re-planned until that passes.

The floor a reader may assume for a hidden figure follows the plan's published rule: a
hidden count is at least 1 unless it is part of a group whose total is not printed (zeros
are hidden only within groups of fewer than threshold people, whose totals are hidden).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from .audit import Figure, Report, Share, Sum, audit
from .plan import ADDED, Decided, Plan

TIME_LIMIT = 10.0  # per integer program


def audit_printed(plan: Decided) -> Report:
    """The audit of one document: the figures it printed, and earlier editions'. A figure
    the plan shows but this document does not print is unknown to its reader."""
    printed = {k: p.value for k, p in plan.printed.items() if p.shown}
    return _audit(plan, printed, set(plan.printed), plan.shares)


def audit_document(plan: Decided) -> Report:
    """The audit that gates a document. When the plan passed the audit of everything it
    shows, a document printing from it passes too, for its reader knows less: some of those
    figures, floors no higher (a hidden count is taken as at least 1 only where its group's
    total is printed), percentages only of counts that are shown, the same earlier editions.
    So that audit stands for the document; otherwise the document's own is run."""
    if plan.audit is not None and plan.audit.ok and all(p.shown == plan.shown(k) for k, p in plan.printed.items()):
        return plan.audit
    return audit_printed(plan)


def audit_shown(plan: Decided) -> Report:
    """The audit of everything the plan shows (the most any reader can see)."""
    own = {k for k in plan.values if k not in plan.model.latent}
    printed = {k: plan.values[k] for k in own if k not in plan.hidden}
    return _audit(plan, printed, own, {})


def _audit(plan: Decided, printed: Mapping[str, int], read: set[str], shares: Mapping[tuple[str, str], object]
           ) -> Report:  # fmt: skip
    """A figure the plan shows may be worked out by a reader (it is unprinted in this
    document, or printed rounded): that discloses nothing, so only figures the plan hides
    are held against the plan for being exact or small."""
    model = plan.model
    printed = {**printed, **{k: model.values[k] for k in model.shown}}
    read = read | model.shown | model.hidden
    seen = _linked_to_printed(plan, set(printed) | {k for pair in shares for k in pair})
    threshold = max(plan.policy.threshold, 1)
    figures = [_figure(plan, k, printed, read) for k in model.values if k in seen]
    sums = [Sum(t, parts, group=(t, parts) not in model.links) for t, parts in model.sums if t in seen]
    percentages = [Share(num, den, value) for (num, den), value in shares.items()]  # type: ignore[arg-type]
    found = audit(figures, sums, percentages, threshold, time_limit=TIME_LIMIT)
    held = [f for f in found.findings
            if f.kind not in ("exact", "below_threshold") or f.figures[0] in plan.model_hidden]  # fmt: skip
    return replace(found, findings=tuple(held))


def _figure(plan: Decided, key: str, printed: Mapping[str, int], read: set[str]) -> Figure:
    """A figure as a reader knows it: printed exactly, printed rounded (a range), or hidden."""
    true, people = plan.model.values[key], _people(plan, key)
    if key not in printed:
        return Figure(key, None, _floor(plan, key, printed, read), true=true, people=people)
    low, high = plan.policy.could_be(printed[key], key in plan.model.people)
    if low == high:
        return Figure(key, printed[key], true=true, people=people)
    return Figure(key, None, low, high, true=true, people=people)


def _people(plan: Decided, key: str) -> bool:
    """Counts of people; what was added since an earlier edition only while it is small and
    not zero (a large or nil change between two printed figures discloses nobody)."""
    if key.startswith(ADDED):
        return 0 < plan.model.values[key] < plan.policy.threshold
    return key in plan.model.people


def _floor(plan: Decided, key: str, printed: Mapping[str, int], read: set[str]) -> int:
    if key in printed:
        return 0
    if key in plan.model.latent or key not in read:
        return min(0, plan.model.values[key])
    groups = [t for t, parts in plan.model.sums if key in parts]
    return 1 if all(t in printed for t in groups) else 0


def _linked_to_printed(plan: Decided, start: set[str]) -> set[str]:
    """Figures linked by relations to something printed; the rest tell a reader nothing."""
    links: dict[str, set[str]] = {}
    for total, parts in plan.model.sums:
        for a in (total, *parts):
            links.setdefault(a, set()).update((total, *parts))
    seen, stack = set(start), list(start)
    while stack:
        for other in links.get(stack.pop(), ()):
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return seen


ROUNDS = 12


def decide_audited(plan: Plan, time_limit: float = 60.0) -> Decided:
    """Plan, audit everything shown, and while the audit finds something, hide one more
    figure beside each figure found (the smallest shown one in its relations) and plan
    again. Returns the last plan; its documents are audited again before export."""
    also: set[str] = set()
    for _ in range(ROUNDS):
        decided = plan.decide(time_limit, frozenset(also))
        report = audit_shown(decided)
        mends = {m for finding in report.findings for f in finding.figures if (m := _mend(decided, f))}
        decided.audit = report
        if report.ok or not mends:
            return decided
        also |= mends
    return decided


def _mend(plan: Decided, key: str) -> str | None:
    """The smallest shown, non-zero figure of the plan's own in a relation with ``key``
    (or, if none, with a figure related to it)."""
    model = plan.model
    ring, seen = {key}, {key}
    for _ in range(3):
        ring = {m for t, parts in model.sums if ring & {t, *parts} for m in (t, *parts)} - seen
        seen |= ring
        shown = [k for k in ring if k in plan.values and k not in plan.hidden and k not in model.latent
                 and plan.values[k] > 0]  # fmt: skip
        if shown:
            return min(shown, key=lambda k: (plan.values[k], k))
    return None
