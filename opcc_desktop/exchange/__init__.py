"""Data exchange: spreadsheets in and out of the workbook, safe against bad files.

Imports write through the areas' own typed actions, so a file is held to the rules the window
keeps. May use ``areas`` and ``store``; never computes or writes a document.
"""
