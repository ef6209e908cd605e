"""The headless command line (``opcc-desktop``), the ``check`` of a workbook's rules, the
passphrase sources a command accepts, and the demo workbook's builder.

The top of the core: may use every other folder. Never imports Qt; ``ui.cli`` adds ``gui``.
"""
