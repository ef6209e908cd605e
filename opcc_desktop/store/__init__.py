"""The encrypted file itself: SQLCipher connections and their key, the schema and its
migrations, recorded changes (audit, undo and redo), trimming old history (``compaction``),
the write-ahead log read as SQLite recovers it (``wal``), backups, and where files live.

Also the guard on files the user names (``user_paths``): outputs never land on a workbook,
inputs are never the open workbook under another name.

Uses nothing else of the core but ``opcc_desktop.errors``; everything above builds on it.
"""
