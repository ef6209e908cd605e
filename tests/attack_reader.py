"""The adversary's reader: what someone holding only the public documents (HTML or PDF) knows
about a scheme's counts, as figures and relations for the independent auditor
(:mod:`opcc_desktop.figures.audit`).

Names are the reader's own and the same in every document, so that one count printed in two
documents is one figure: ``<scheme>/offence/<row>/<gender>`` and ``<scheme>/outcome/...``
(update tables; ``Total`` row, ``All`` column), ``<scheme>/participants/<gender>``,
``<scheme>/<characteristic>/records/<gender>`` and ``<scheme>/<characteristic>/<category>/<gender>``
(annual report), ``<scheme>/received`` and ``<scheme>/accepted`` (update headlines). A ``prefix``
keeps two editions' figures apart (``Q3:...``, ``Q4:...``).

A figure printed as the suppression symbol is "starred": a count of people whose floor is 1
when every group it is a part of (any relation but an edition link) has a printed total (the
documented rule: zeros are hidden only inside groups whose total is hidden), else 0; a
starred grand total, part of no group, is therefore at least 1 (a scheme with a table has someone in it). A figure never printed (a category count
behind a printed percentage, the scheme's total behind the chart's shares) is a plain unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner, Result

from opcc_desktop.figures.audit import Figure, Interval, Report, Share, Sum, audit
from ui.cli import main

SECRET = "adversary secret"


def run(*args: object) -> Result:
    """One ``opcc-desktop`` command, in process, with the adversary's passphrase."""
    return CliRunner().invoke(main, [str(a) for a in args], env={"OPCC_PASSPHRASE": SECRET}, catch_exceptions=False)


# The attacks read figures, not officers' text: the attacked workbooks require no section, so
# their final editions (the ones published) export without narrative.
NO_REQUIRED_SECTIONS = [["documents.required.annual-equality", ""], ["documents.required.performance-update", ""]]


def export(workbook: Path, out: Path, report: str, year: str, quarter: int | None = None,
           publish: bool = False) -> Path:  # fmt: skip
    """A public document of ``workbook`` written to ``out`` (its suffix, pdf or html, is the format)."""
    args = ["report", workbook, "--report", report, "--year", year, "-o", out, "--format", out.suffix[1:]]
    if quarter:
        args += ["--quarter", quarter]
    if publish:
        args.append("--publish")
    done = run(*args)
    assert done.exit_code == 0 and out.exists(), done.output
    return out

# -- reading the documents --------------------------------------------------------------------


@dataclass
class Table:
    caption: str
    head: list[list[str]] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)  # first cell: the row header


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[Table] = []
        self.items: list[str] = []  # list items and paragraphs, as text
        self._table: Table | None = None
        self._row: list[str] | None = None
        self._in_head = False
        self._text: list[str] | None = None
        self._block: list[str] | None = None
        self._caption: list[str] | None = None
        self._svg = 0

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self._svg += 1
        if self._svg:
            return
        if tag == "table":
            self._table = Table("")
        elif tag == "caption":
            self._caption = []
        elif tag == "thead":
            self._in_head = True
        elif tag == "tbody":
            self._in_head = False
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._text = []
        elif tag in ("li", "p") and self._table is None:
            self._block = []

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg -= 1
            return
        if self._svg:
            return
        if tag == "caption" and self._table is not None and self._caption is not None:
            self._table.caption = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._text is not None and self._row is not None:
            self._row.append(" ".join("".join(self._text).split()))
            self._text = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            (self._table.head if self._in_head else self._table.rows).append(self._row)
            self._row = None
        elif tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None
        elif tag in ("li", "p") and self._block is not None:
            self.items.append(" ".join("".join(self._block).split()))
            self._block = None

    def handle_data(self, data):
        if self._svg:
            return
        for sink in (self._caption, self._text, self._block):
            if sink is not None:
                sink.append(data)


@dataclass
class Document:
    tables: list[Table]
    text: list[str]  # list items / paragraphs / lines

    @property
    def flat(self) -> str:
        return " ".join(self.text + [c for t in self.tables for r in t.head + t.rows for c in r]
                        + [t.caption for t in self.tables])  # fmt: skip


def read_html(path: Path) -> Document:
    parser = _Html()
    parser.feed(path.read_text(encoding="utf-8"))
    return Document(parser.tables, parser.items)


def read_pdf(path: Path) -> Document:
    """The PDF edition: tables found by pdfplumber, captioned by the "Table n: ..." line
    printed above each one; the text lines for headlines."""
    import pdfplumber

    tables: list[Table] = []
    lines: list[str] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            text = page.extract_text() or ""
            page_lines = [" ".join(line.split()) for line in text.splitlines()]
            lines += page_lines
            captions = [line for line in page_lines if re.match(r"(Table|Data for Figure) \d+", line)]
            for found in page.find_tables():
                data = [[" ".join((c or "").split()) for c in row] for row in found.extract()]
                above = page.crop((0, 0, page.width, found.bbox[1])).extract_text() or ""
                mine = [line for line in (" ".join(x.split()) for x in above.splitlines())
                        if re.match(r"(Table|Data for Figure) \d+", line)]  # fmt: skip
                caption = mine[-1] if mine else (captions[0] if captions else "")
                head = [r for r in data[:2] if not any(re.fullmatch(r"[\d,.%* ]+", c or "") for c in r[1:])]
                body = data[len(head):]
                if head and any(c.endswith(" Number %") for c in head[-1]):
                    # a gender's Number and % drawn as one cell: split them as the HTML has them
                    genders = [c.removesuffix(" Number %") for c in head[-1][1:]]
                    head = [["", *genders], [head[-1][0], *["Number", "%"] * len(genders)]]
                    body = [[r[0], *[part for c in r[1:] for part in (c.split() + ["", ""])[:2]]] for r in body]
                tables.append(Table(caption, head, body))
    # a bullet's text may wrap: join lines that do not start a new bullet
    joined: list[str] = []
    for line in lines:
        if joined and not re.match(r"^(•|\u2022|-|\d+ |Table|Figure|Data for)", line):
            joined[-1] += " " + line
        else:
            joined.append(line)
    return Document(tables, [re.sub(r"^(•|\u2022)\s*", "", x) for x in joined])


# -- what the reader knows ---------------------------------------------------------------------


def number(text: str, symbol: str) -> int | None | str:
    """A printed count: an int, None for the suppression symbol, "" for anything else."""
    text = text.strip()
    if text == symbol:
        return None
    if re.fullmatch(r"\d{1,3}(,\d{3})*|\d+", text):
        return int(text.replace(",", ""))
    return ""


def percent(text: str) -> Decimal | None:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)%", text.strip())
    return Decimal(match.group(1)) if match else None


class Knowledge:
    """Figures, relations and percentages a reader has collected, with identifications (one
    count seen in several places under several names)."""

    def __init__(self, symbol: str = "*") -> None:
        self.symbol = symbol
        self.printed: dict[str, int] = {}
        self.starred: set[str] = set()
        self.names: list[str] = []
        self.sums: list[tuple[str, tuple[str, ...], bool]] = []  # total, parts, splits a group
        self.shares: list[tuple[str, str, Decimal, int]] = []
        self.helpers: set[str] = set()  # latent non-people unknowns (slacks)
        self._parent: dict[str, str] = {}
        self.seen_text: list[str] = []

    # naming
    def _find(self, name: str) -> str:
        while self._parent.get(name, name) != name:
            name = self._parent[name]
        return name

    def know(self, name: str) -> str:
        if name not in self._parent:
            self._parent[name] = name
            self.names.append(name)
        return name

    def same(self, a: str, b: str) -> None:
        """The reader takes a and b to be the same count."""
        ra, rb = self._find(self.know(a)), self._find(self.know(b))
        if ra != rb:
            self._parent[rb] = ra

    def cell(self, name: str, text: str) -> bool:
        """Record a printed count; True when it is a count (printed or starred)."""
        value = number(text, self.symbol)
        if value == "":
            return False
        self.know(name)
        if value is None:
            self.starred.add(name)
        else:
            self.printed[name] = value  # type: ignore[assignment]
        return True

    def total(self, total: str, parts: list[str], group: bool = True) -> None:
        """``total`` is the sum of ``parts``; ``group``: the parts split the total's people (every
        relation but an edition's link to the one before)."""
        for n in (total, *parts):
            self.know(n)
        self.sums.append((total, tuple(parts), group))

    def at_most(self, small: str, large: str) -> None:
        slack = f"{small} <= {large}"
        self.helpers.add(self.know(slack))
        self.total(large, [small, slack])

    def share(self, numerator: str, denominator: str, text: str) -> None:
        value = percent(text)
        if value is not None and numerator != denominator:
            self.know(numerator)
            self.know(denominator)
            places = len(text.strip().rstrip("%").partition(".")[2])
            self.shares.append((numerator, denominator, value, places))

    # the audit
    def figures(self, truth: dict[str, int] | None = None, people: set[str] | None = None
                ) -> tuple[list[Figure], list[Sum], list[Share], dict[str, str]]:  # fmt: skip
        canon = {n: self._find(n) for n in self.names}
        printed: dict[str, int] = {}
        for name, value in self.printed.items():
            c = canon[name]
            if c in printed and printed[c] != value:
                raise AssertionError(f"{name} is printed as {value} and elsewhere as {printed[c]}")
            printed[c] = value
        starred = {canon[n] for n in self.starred} - set(printed)
        sums, seen = [], set()
        group_of: dict[str, list[str]] = {}  # the published rule: zeros are hidden only in a
        for total, parts, group in self.sums:  # group whose total is hidden
            t, ps = canon[total], tuple(canon[p] for p in parts)
            if (t, ps) in seen:
                continue
            seen.add((t, ps))
            sums.append(Sum(t, ps))
            for p in ps if group else ():
                group_of.setdefault(p, []).append(t)
        shares = []
        for num, den, value, places in self.shares:
            if canon[num] != canon[den]:
                shares.append(Share(canon[num], canon[den], value, places))
        people = None if people is None else {canon[n] for n in people if n in canon}
        true = {canon[n]: v for n, v in (truth or {}).items() if n in canon}
        figures = []
        for c in dict.fromkeys(canon.values()):
            if c in printed:
                figures.append(Figure(c, printed[c]))
                continue
            floor = 0
            if c in starred and all(t in printed for t in group_of.get(c, ())):
                floor = 1
            is_people = c in starred if people is None else c in people
            figures.append(Figure(c, None, floor, true=true.get(c),
                                  people=is_people and c not in self.helpers))
        return figures, sums, shares, canon

    def attack(self, threshold: int, people: set[str] | None = None, truth: dict[str, int] | None = None
               ) -> Attack:  # fmt: skip
        """The audit of what the reader knows; ``truth`` (the real values) only decides which
        findings matter (a group is small; a count proved small is not zero), never what the
        reader can work out."""
        figures, sums, shares, canon = self.figures(truth, people=people)
        report = audit(figures, sums, shares, threshold)
        return Attack(report, canon, {f.name: f for f in figures}, threshold)


@dataclass
class Attack:
    report: Report
    canon: dict[str, str]
    figures: dict[str, Figure]
    threshold: int

    def interval(self, name: str) -> Interval | None:
        c = self.canon.get(name)
        if c is None:
            return None  # never seen by the reader
        figure = self.figures[c]
        if figure.printed is not None:
            return Interval(figure.printed, figure.printed)
        return self.report.intervals.get(c)

    def problems(self, truth: dict[str, int], large_may_be_exact: bool = False) -> list[str]:
        """Everything this attack learned that it must not: findings other than
        below_threshold about counts that are not truly small, and any truly small count
        (1..threshold-1) whose range a reader can narrow below the threshold.
        ``large_may_be_exact``: a count that is not small may also be worked out exactly
        (a large count behind printed percentages is a shown figure)."""
        t = self.threshold
        forgiven = ("exact", "below_threshold") if large_may_be_exact else ("below_threshold",)
        out = []
        for f in self.report.findings:
            if f.kind in forgiven:
                names = [n for n, c in self.canon.items() if c in f.figures]
                if not any(0 < truth.get(n, t) < t for n in names):
                    continue
            out.append(f"{f.kind}: {f.message}")
        for name, value in truth.items():
            if 0 < value < t:
                got = self.interval(name)
                if got is None:
                    continue
                if got.hi is not None and got.hi < t:
                    out.append(f"{name} (truly {value}) narrowed to {got}")
        return out


# -- a scheme's figures in the two public documents --------------------------------------------

GENDER_COLUMNS = ("Female", "Male")
KINDS = {"offence": "participants by offence type by gender", "outcome": "case outcomes by gender"}


def _genders(table: Table) -> list[str]:
    return [c for c in table.head[0] if c and c not in ("Number", "%")] if table.head else []


def add_update(k: Knowledge, doc: Document, scheme: str, prefix: str = "", linked: bool = True) -> None:
    """The update's offence and outcome tables and headlines of ``scheme``."""
    p = f"{prefix}{scheme}"
    for kind, words in KINDS.items():
        tables = [t for t in doc.tables if f"{scheme} {words}" in t.caption]
        for table in tables:
            genders = _genders(table)
            rows = [r for r in table.rows if r and r[0]]
            labels = [r[0] for r in rows if r[0] != "Total"]

            def key(row: str, gender: str) -> str:
                return f"{p}/{kind}/{row}/{gender}"

            for r in rows:
                for i, g in enumerate(genders):
                    number_text, pct_text = r[1 + 2 * i], r[2 + 2 * i]
                    if k.cell(key(r[0], g), number_text):
                        k.share(key(r[0], g), key("Total", g), pct_text)
                    elif percent(pct_text) is not None:  # a % beside a "-" (not collected) cell
                        k.share(key(r[0], g), key("Total", g), pct_text)
            parts = [g for g in genders if g != "All"]
            if "All" in genders:
                for label in [*labels, "Total"]:
                    k.total(key(label, "All"), [key(label, g) for g in parts])
            for g in genders:
                k.total(key("Total", g), [key(label, g) for label in labels])
    if linked:
        for g in (*GENDER_COLUMNS, "All"):
            k.same(f"{p}/offence/Total/{g}", f"{p}/outcome/Total/{g}")
    for text in doc.text:
        found = re.search(r"(\S+) referrals received in \S+?(?:, of which (\S+) were accepted)?$", text)
        if found:
            k.cell(f"{p}/received", found.group(1))
            if found.group(2):
                k.cell(f"{p}/accepted", found.group(2))
        found = re.search(r"(\S+) referrals accepted in", text)
        if found:
            k.cell(f"{p}/accepted", found.group(1))
        found = re.search(r"(\S+%) engagement rate", text)
        if found:
            met, other = f"{p}/outcome/Needs met/All", f"{p}/outcome/Non-engagement/All"
            k.total(f"{p}/closed", [met, other])
            k.share(met, f"{p}/closed", found.group(1))
    if linked:
        k.same(f"{p}/accepted", f"{p}/offence/Total/All")
        k.at_most(f"{p}/accepted", f"{p}/received")


def add_annual(k: Knowledge, doc: Document, scheme: str, prefix: str = "", linked: bool = True) -> None:
    """The annual report's demographic table of ``scheme`` and the participants chart."""
    p = f"{prefix}{scheme}"
    for table in doc.tables:
        if f"{scheme} Participants Demographic Breakdown" not in table.caption:
            continue
        genders = table.head[0][1:]
        categories: dict[tuple[str, str], list[str]] = {}
        for row in table.rows:
            label, cells = row[0], row[1:]
            for g, text in zip(genders, cells):
                if label == "Participants (number)":
                    k.cell(f"{p}/participants/{g}", text)
                elif m := re.fullmatch(r"(.+): records \(number\)", label):
                    k.cell(f"{p}/{m.group(1)}/records/{g}", text)
                    k.at_most(f"{p}/{m.group(1)}/records/{g}", f"{p}/participants/{g}")
                elif m := re.fullmatch(r"(.+?): (.+)", label):
                    name = f"{p}/{m.group(1)}/{m.group(2)}/{g}"
                    k.know(name)
                    categories.setdefault((m.group(1), g), []).append(name)
                    if text.strip() == k.symbol:
                        k.starred.add(name)
                    k.share(name, f"{p}/{m.group(1)}/records/{g}", text)
        for (characteristic, g), names in categories.items():
            k.total(f"{p}/{characteristic}/records/{g}", names)
        k.total(f"{p}/participants/All", [f"{p}/participants/{g}" for g in genders])
    for table in doc.tables:
        if "Participants by Gender" not in table.caption or not table.head:
            continue
        genders = table.head[0][1:]
        for row in table.rows:
            if row[0] == scheme:
                for g, text in zip(genders, row[1:]):
                    k.share(f"{p}/participants/{g}", f"{p}/participants/All", text)
    if linked:
        for g in (*GENDER_COLUMNS, "All"):
            if f"{p}/participants/{g}" in k._parent:
                k.same(f"{p}/participants/{g}", f"{p}/offence/Total/{g}")
                k.same(f"{p}/participants/{g}", f"{p}/outcome/Total/{g}")


# -- the services' figures in the annual report ------------------------------------------------
#
# Names: ``all/<characteristic>/<category>`` and ``all/<characteristic>/Total`` (all services
# together: the profile charts), ``svc/<service>/<characteristic>/<category>`` and
# ``.../Total`` (the appendix and the by-service non-disclosure table),
# ``activity/<measure>/Q<n>`` and ``activity/<measure>/year`` (the quarterly chart).
# Characteristics by the report's labels (Age, Gender, ...). No count but the quarterly
# activity is printed as a number: the rest are unknowns behind printed percentages.

PROFILE = re.compile(r"Service User (.+) Breakdown$")
BY_SERVICE = re.compile(r"\d{4}-\d{4} (.+) of service users by service$")
NOT_DISCLOSED_TABLE = "Percentage of service users for whom each characteristic was not disclosed"
ACTIVITY = re.compile(r"Referrals Received and Clients Supported by Quarter$")
MEASURES = {"Referrals received": "referrals_received", "Clients supported": "clients_supported"}


def add_services(k: Knowledge, doc: Document) -> dict[str, list[str]]:
    """The profile charts' data tables, the non-disclosure sentence and table, the appendix
    and the quarterly activity chart; returns each characteristic's services as the appendix
    lists them. Relations: a characteristic's categories add up to its total, all services
    and each service alike; a category of all services is the sum over the services."""
    symbol = k.symbol
    listed: dict[str, list[str]] = {}
    labels: list[str] = []
    for table in doc.tables:
        if m := PROFILE.search(table.caption):
            label = m.group(1)
            labels.append(label)
            names = []
            for category, text in (r[:2] for r in table.rows if len(r) >= 2):
                name = k.know(f"all/{label}/{category}")
                names.append(name)
                if text.strip() == symbol:
                    k.starred.add(name)
                k.share(name, f"all/{label}/Total", text)
            k.total(f"all/{label}/Total", names)
        elif m := BY_SERVICE.search(table.caption):
            label = m.group(1)
            categories = table.head[0][1:]
            members: dict[str, list[str]] = {c: [] for c in categories}
            for row in table.rows:
                service, cells = row[0], row[1:]
                listed.setdefault(label, []).append(service)
                names = []
                for category, text in zip(categories, cells):
                    if text.strip() == "-":  # not collected
                        continue
                    name = k.know(f"svc/{service}/{label}/{category}")
                    names.append(name)
                    members[category].append(name)
                    if text.strip() == symbol:
                        k.starred.add(name)
                    k.share(name, f"svc/{service}/{label}/Total", text)
                k.total(f"svc/{service}/{label}/Total", names)
            for category, names in members.items():
                k.total(f"all/{label}/{category}", names)
        elif table.caption.startswith(NOT_DISCLOSED_TABLE):
            columns = table.head[0][1:]
            for row in table.rows:
                for label, text in zip(columns, row[1:]):
                    if text.strip() in ("-", "n/a"):
                        continue
                    name = k.know(f"svc/{row[0]}/{label}/Not disclosed")
                    if text.strip() == symbol:
                        k.starred.add(name)
                    k.share(name, f"svc/{row[0]}/{label}/Total", text)
        elif ACTIVITY.search(table.caption):
            measures = [MEASURES.get(c, c) for c in table.head[0][1:]]
            for row in table.rows:
                quarter = re.match(r"Q(\d)", row[0])
                if not quarter:
                    continue
                for measure, text in zip(measures, row[1:]):
                    k.cell(f"activity/{measure}/Q{quarter.group(1)}", text)
            for measure in measures:
                k.total(f"activity/{measure}/year", [f"activity/{measure}/Q{q}" for q in (1, 2, 3, 4)])
    for text in doc.text:
        if "not disclosed was:" not in text:
            continue
        for label in labels:
            found = re.search(rf"\b{re.escape(label.lower())} (\d+(?:\.\d+)?%|{re.escape(symbol)})", text)
            if found:
                name = k.know(f"all/{label}/Not disclosed")
                if found.group(1) == symbol:
                    k.starred.add(name)
                k.share(name, f"all/{label}/Total", found.group(1))
    return listed


# -- KPIs in the performance update ------------------------------------------------------------
#
# Names: ``KPI/<kpi>/<financial year>/Q<n>``, from the group tables and the trend chart's data.

CHANGE = re.compile(r"^(.+): (\S+) in Q(\d) (\d{4}/\d{2}) against (\S+) in Q\d (\d{4}/\d{2}), (.+)\.$")


def add_kpis(k: Knowledge, doc: Document, prefix: str = "") -> list[tuple[str, str, str, str]]:
    """The KPI tables, the chart data and the change bullets; returns the change bullets as
    (kpi, quarter, what is printed for this year, for last year)."""
    for table in doc.tables:
        if len(table.head) == 2 and table.head[1][:1] == ["KPI"]:
            years = [c for c in table.head[0] if c]
            quarters = table.head[1][1:]
            for row in table.rows:
                for i, text in enumerate(row[1:len(quarters) + 1]):
                    year = years[0] if i < 4 else years[1]
                    k.cell(f"{prefix}KPI/{row[0]}/{year}/{quarters[i]}", text)
        elif m := re.search(r"Data for Figure \d+: (.+), (\d{4}/\d{2}) and (\d{4}/\d{2}) by quarter$", table.caption):
            years = table.head[0][1:]
            for row in table.rows:
                for year, text in zip(years, row[1:]):
                    k.cell(f"{prefix}KPI/{m.group(1)}/{year}/{row[0]}", text)
    changes = []
    for text in doc.text:
        if m := CHANGE.match(text):
            kpi, now, quarter, year, before, base = m.group(1, 2, 3, 4, 5, 6)
            changes.append((kpi, quarter, now, before))
            k.cell(f"{prefix}KPI/{kpi}/{year}/Q{quarter}", now)
            k.cell(f"{prefix}KPI/{kpi}/{base}/Q{quarter}", before)
    return changes
