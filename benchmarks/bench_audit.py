"""The disclosure auditor on linked tables: TABLES two-way tables (8 categories x 3 genders,
with row totals), all sharing the gender totals and the grand total, so one hidden gender
total links every table into one integer program. About 40% of the distinct figures are
hidden at random (fixed seed), the Female total among them.

Run: .venv/bin/python benchmarks/bench_audit.py [TABLES ...]   (default: 6 and 12)

Prints, per size, the distinct figures, hidden figures and relations, and the median of 5
runs of ``audit``.
"""

from __future__ import annotations

import random
import statistics
import sys
import time

from opcc_desktop.figures.audit import Figure, Sum, audit

CATEGORIES = 8
GENDERS = ("Female", "Male", "Other")
HIDDEN_SHARE = 0.4
PEOPLE = 600
RUNS = 5


def linked_tables(tables: int, seed: int = 7) -> tuple[list[Figure], list[Sum]]:
    """The figures (true values known) and relations of ``tables`` classifications of the
    same PEOPLE, each by category and gender; skewed weights give some small cells."""
    rng = random.Random(seed)
    genders = rng.choices(GENDERS, weights=(45, 50, 5), k=PEOPLE)
    values: dict[str, int] = {f"Total/{g}": genders.count(g) for g in GENDERS}
    values["Total/All"] = PEOPLE
    sums = [Sum("Total/All", tuple(f"Total/{g}" for g in GENDERS))]
    for t in range(tables):
        weights = [rng.choice((1, 2, 5, 20, 40)) for _ in range(CATEGORIES)]
        categories = rng.choices(range(CATEGORIES), weights=weights, k=PEOPLE)
        for c in range(CATEGORIES):
            row = [f"T{t}/c{c}/{g}" for g in GENDERS]
            for name, g in zip(row, GENDERS):
                values[name] = sum(1 for k, h in zip(categories, genders) if k == c and h == g)
            values[f"T{t}/c{c}/All"] = sum(values[name] for name in row)
            sums.append(Sum(f"T{t}/c{c}/All", tuple(row)))
        for g in (*GENDERS, "All"):
            sums.append(Sum(f"Total/{g}", tuple(f"T{t}/c{c}/{g}" for c in range(CATEGORIES))))
    figures = [Figure(name, None if name == "Total/Female" or rng.random() < HIDDEN_SHARE else value,
                      true=value)
               for name, value in values.items()]
    return figures, sums


def main(sizes: list[int]) -> None:
    for tables in sizes:
        figures, sums = linked_tables(tables)
        hidden = sum(f.printed is None for f in figures)
        times, report = [], None
        for _ in range(RUNS):
            start = time.perf_counter()
            report = audit(figures, sums, [], threshold=5)
            times.append(time.perf_counter() - start)
        assert report is not None
        kinds = sorted({f.kind for f in report.findings})
        print(f"{tables} tables: {len(figures)} figures, {hidden} hidden, {len(sums)} relations, "
              f"{len(report.findings)} findings {kinds}: median {statistics.median(times):.3f} s "
              f"(min {min(times):.3f}, max {max(times):.3f})")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [6, 12])
