"""The PDF floor: our house-style layer against bare reportlab, whole process each time.

(a) a bare reportlab script: 16-page A4 document with a cover, a contents page (multiBuild),
    10 tables and 8 vector charts, in reportlab's defaults (Helvetica, plain string cells);
(b) the same pages, tables and charts through ``opcc_desktop.documents.pdf`` (embedded TrueType font,
    numbered captions, data tables beside charts, "Page X of Y", bookmarks, metadata).

Each is run as its own Python process (imports included, as the user waits for them) five
times; the medians and their ratio are printed. Goal: (b) <= 1.7 x (a). (c) is (b) with the
default text alternative, each chart's data table beside it (8 more small tables).

Run: .venv/bin/python benchmarks/bench_pdf_floor.py [RUNS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FILLER = (
    "Service providers returned quarterly monitoring information throughout the year. Where a "
    "characteristic was not recorded, or the service user preferred not to say, the figure is shown "
    "as not disclosed; non-disclosure remains high and improving it is one of next year's goals. "
)

# Shared plan: 8 sections, each with narrative, one table and one chart, two extra tables.
COMMON = f'''
FILLER = {FILLER!r}
SECTIONS = 8
CATEGORIES = ["Under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", "Not disclosed"]
def values(s):
    return [((s * 7 + i * 13) % 17) + 2 for i in range(len(CATEGORIES))]
def rows(t):
    return [[f"Row {{r}} of table {{t}}", f"{{(r * 37 + t) % 400}}", f"{{(r * 13 + t) % 90}}.5%", f"{{r * 3}}"] for r in range(14)]
'''

BARE = COMMON + '''
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (BaseDocTemplate, Frame, PageBreak, PageTemplate, Paragraph, Spacer,
                                Table, TableStyle)
from reportlab.platypus.tableofcontents import TableOfContents
import sys

ss = getSampleStyleSheet()

class Doc(BaseDocTemplate):
    def __init__(self, path):
        super().__init__(path, pagesize=A4, invariant=1)
        frame = Frame(2 * cm, 2 * cm, A4[0] - 4 * cm, A4[1] - 4 * cm)
        self.addPageTemplates([PageTemplate("p", [frame], onPage=self.footer)])
    def footer(self, canv, doc):
        canv.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Page {doc.page}")
    def afterFlowable(self, f):
        if isinstance(f, Paragraph) and f.style.name == "Heading1":
            self.notify("TOCEntry", (0, f.getPlainText(), self.page))

def chart(s):
    d = Drawing(450, 180)
    c = VerticalBarChart()
    c.x, c.y, c.width, c.height = 40, 30, 400, 140
    c.data = [values(s)]
    c.categoryAxis.categoryNames = CATEGORIES
    c.bars[0].fillColor = colors.HexColor("#12436D")
    c.barLabelFormat = "%d"
    d.add(c)
    return d

def table(t):
    tb = Table([["Name", "Count", "Percent", "Other"], *rows(t)], repeatRows=1)
    tb.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#12436D")),
                            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                            ("ALIGN", (1, 0), (-1, -1), "RIGHT")]))
    return tb

story = [Spacer(1, 6 * cm), Paragraph("Annual Equality Monitoring Report", ss["Title"]), PageBreak(),
         Paragraph("Contents", ss["Heading1"]), TableOfContents(), PageBreak()]
t = 0
for s in range(SECTIONS):
    story.append(Paragraph(f"{s + 1} Section {s + 1}", ss["Heading1"]))
    story += [Paragraph(FILLER * 6, ss["BodyText"]) for _ in range(3)]
    story += [Paragraph(f"Table {t + 1}: table {t + 1}", ss["Heading4"]), table(t)]
    t += 1
    if s < 2:
        story += [Paragraph(f"Table {t + 1}: table {t + 1}", ss["Heading4"]), table(t)]
        t += 1
    story += [Paragraph(f"Figure {s + 1}: chart {s + 1}", ss["Heading4"]), chart(s)]
doc = Doc(sys.argv[1])
doc.multiBuild(story)
print(doc.page)
'''

LAYER = COMMON + '''
import sys
from opcc_desktop.figures.charts import ChartSpec
from opcc_desktop.documents.pdf import ReportDocument

doc = ReportDocument("Annual Equality Monitoring Report", office="Office of the Police and Crime Commissioner",
                     period="1 April 2020 to 31 March 2021")
t = 0
for s in range(SECTIONS):
    doc.section(f"Section {s + 1}")
    doc.paragraphs(FILLER * (7 if s < SECTIONS - 1 else 12))  # larger type: fewer words per page
    for _ in range(2 if s < 2 else 1):
        doc.table(f"table {t + 1}", ["Name", "Count", "Percent", "Other"], rows(t))
        t += 1
    doc.chart(f"chart {s + 1}", ChartSpec.bar(f"chart {s + 1}", CATEGORIES, values(s),
                                             value_label="Service users", orientation="vertical"),
              alternative="text")
print(doc.build(sys.argv[1]))
'''


def run(script: Path, out: Path, repeat: int) -> tuple[float, str]:
    times = []
    pages = ""
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, str(script), str(out)], capture_output=True, text=True, check=True,
                              cwd=Path(__file__).resolve().parent.parent)
        times.append(time.perf_counter() - start)
        pages = done.stdout.strip()
    return statistics.median(times), pages


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        (tmp / "bare.py").write_text(BARE)
        (tmp / "layer.py").write_text(LAYER)
        (tmp / "tables.py").write_text(LAYER.replace('alternative="text"', 'alternative="table"'))
        bare, bare_pages = run(tmp / "bare.py", tmp / "bare.pdf", repeat)
        layer, layer_pages = run(tmp / "layer.py", tmp / "layer.pdf", repeat)
        tables, tables_pages = run(tmp / "tables.py", tmp / "tables.pdf", repeat)
        kb = {name: (tmp / f"{name}.pdf").stat().st_size / 1024 for name in ("bare", "layer", "tables")}
    print(f"(a) bare reportlab     {bare:6.2f} s  {bare_pages} pages  {kb['bare']:4.0f} KB   (median of {repeat})")
    print(f"(b) opcc_desktop.documents.pdf   {layer:6.2f} s  {layer_pages} pages  {kb['layer']:4.0f} KB")
    print(f"ratio (b)/(a)          {layer / bare:6.2f} x   (goal <= 1.7 x)")
    print(f"(c) = (b) with each chart's data table beside it (the default): "
          f"{tables:.2f} s, {tables_pages} pages, {kb['tables']:.0f} KB, {tables / bare:.2f} x")


if __name__ == "__main__":
    main()
