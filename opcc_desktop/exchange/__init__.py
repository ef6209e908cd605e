"""Data exchange: spreadsheets in and out of the workbook, safe against bad files."""
