"""The PDF house style: fonts, styles, tables, charts and the report document builder.

Data-agnostic: the three documents are written on top of :class:`ReportDocument`; nothing
here knows about workforce, services or KPIs. reportlab is imported only when this package is
(it costs ~0.3 s), so the Qt start-up never pays for it.
"""

from opcc_desktop.pdf.chart_drawing import draw_chart
from opcc_desktop.pdf.document import ReportDocument
from opcc_desktop.pdf.fonts import register_fonts
from opcc_desktop.pdf.tables import house_table

__all__ = ["ReportDocument", "draw_chart", "house_table", "register_fonts"]
