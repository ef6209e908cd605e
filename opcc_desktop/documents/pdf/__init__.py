"""The PDF house style: fonts, styles, tables, charts and the report document builder.

Data-agnostic: the three documents are written on top of :class:`ReportDocument`; nothing
here knows about workforce, services or KPIs. reportlab is imported only when this package is
(it costs ~0.3 s), so the Qt start-up never pays for it.
"""

import os

from reportlab import rl_config

# reportlab's production settings, made before its graphics modules load (they read them on
# import). Checking every attribute set on a chart widget is a development aid that costs
# ~15 ms a report: off, unless RL_shapeChecking=1 asks for it (a test builds with it on and
# expects the same bytes). Binary streams instead of ASCII85: smaller files, ~5 ms less.
if "RL_shapeChecking" not in os.environ:
    rl_config.shapeChecking = 0
rl_config.useA85 = 0

from opcc_desktop.documents.pdf.chart_drawing import draw_chart  # noqa: E402 - after the settings
from opcc_desktop.documents.pdf.document import ReportDocument  # noqa: E402
from opcc_desktop.documents.pdf.fonts import register_fonts  # noqa: E402
from opcc_desktop.documents.pdf.tables import house_table  # noqa: E402

__all__ = ["ReportDocument", "draw_chart", "house_table", "register_fonts"]
