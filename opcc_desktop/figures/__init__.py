"""Everything that computes what is shown, on screen and in print: number formatting and cell
states, the analyses of each area, charts as data, the disclosure policy with its
suppression, and ``publishable``, the public view that is the only door public documents
have into the workbook.

May use ``areas`` and ``store``; knows nothing of PDF, HTML or Qt.
"""
