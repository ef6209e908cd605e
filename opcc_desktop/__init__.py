"""OPCC Desktop core: the workbook file, its data model and rules, reports and the CLI.

This package never imports Qt, pyqtgraph or the ``ui`` package (import-linter checks it),
so every command runs headless.
"""

__version__ = "0.1.0"
