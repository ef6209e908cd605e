"""OPCC Desktop core: the workbook file, its data model and rules, reports and the CLI.

Grouped by layer, each folder using only those below it: ``commands`` › ``documents`` ›
``exchange`` › ``figures`` › ``areas`` › ``store`` (plus ``errors``, which all may use).

This package never imports Qt, pyqtgraph or the ``ui`` package (import-linter checks it),
so every command runs headless.
"""

__version__ = "0.1.0"
APP_NAME = "OPCC Desktop"  # names its folders: the user's data, the machine policy's
