"""The ``opcc-desktop`` entry point: the core's headless commands plus ``gui``.

Qt is imported only when ``gui`` actually opens a window, so headless commands stay light.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import click

from opcc_desktop.commands.cli import DEMO_PASSPHRASE, main


@main.command()
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--demo", "use_demo", is_flag=True, help="Open the demo workbook (built first if missing).")
def gui(file: Path | None, use_demo: bool) -> None:
    """Open the desktop window on FILE, on the demo workbook (--demo, built on first use;
    refused where IT turned the demo off), or on the start screen (recent workbooks, new,
    demo) when neither is given."""
    from opcc_desktop.commands.demo import demo_path, ensure_demo

    from ui.qt_start import missing_message, missing_xcb_libraries

    passphrase = None
    if missing := missing_xcb_libraries():
        raise click.ClickException(missing_message(missing))
    if file is None and has_display() and not use_demo:
        from ui.app import run

        click.echo("Opening the start screen (recent workbooks, new, demo) in a window.")
        sys.exit(run(None))
    if use_demo or file is None:
        file = ensure_demo(demo_path(), DEMO_PASSPHRASE)
        passphrase = DEMO_PASSPHRASE
        click.echo(f"Demo workbook: {file} (passphrase: {DEMO_PASSPHRASE})")
    if not has_display():
        explain_headless(file, passphrase)
        return
    from ui.opening import begin_opening

    opening = (begin_opening(file, passphrase), passphrase) if passphrase is not None else None
    from ui.app import run

    where = " offscreen (QT_QPA_PLATFORM=offscreen: nothing is shown)" if os.environ.get(
        "QT_QPA_PLATFORM") == "offscreen" else " in a window"  # fmt: skip
    click.echo(f"Opening {file}{where}. Close the window to end.")
    sys.exit(run(file, opening))


def has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY")) or (
        os.environ.get("QT_QPA_PLATFORM") == "offscreen"
    )


def explain_headless(file: Path, passphrase: str | None) -> None:
    """No screen: say so and show the headless command; for the demo, run it too."""
    from opcc_desktop.commands.check import check_workbook
    from opcc_desktop.store.workbook import Workbook

    prefix = f"OPCC_PASSPHRASE={passphrase} " if passphrase else ""
    click.echo(
        "No display is available (DISPLAY and WAYLAND_DISPLAY are unset), so the window "
        "cannot open here. The same workbook works headless, for example:\n"
        f'  {prefix}opcc-desktop check "{file}"\n'
    )
    if passphrase is None:
        return
    with Workbook.open(file, passphrase, readonly=True) as wb:
        for line in check_workbook(wb).lines():
            click.echo(line)


def entry() -> None:
    """The ``opcc-desktop`` command. A headless command's process ends when it returns: its
    objects are frozen out of the collector's sight so that the interpreter's last
    collection (30 ms after an export) is skipped, as the system frees the memory anyway.
    Everything that must be closed (workbooks, written files) is closed by then. Not after
    the window, whose Qt objects are torn down in order."""
    try:
        main()
    finally:
        if "PySide6" not in sys.modules:
            gc.freeze()


if __name__ == "__main__":
    entry()
