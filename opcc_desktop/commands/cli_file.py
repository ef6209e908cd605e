"""The commands that look after the workbook file itself: ``passwd``, ``backup``, ``restore``
and ``compact``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from ..errors import OpccError
from ..store.user_paths import check_new_file
from . import passphrase as pp
from .cli_options import passphrase_option, workbook_argument

LISTING = ("Backups are kept by an id inside FILE; the passphrase is asked for (to read it) only when this "
           "computer has no record of FILE, such as a copy of it never opened for editing here.")  # fmt: skip


@click.command()
@workbook_argument
@passphrase_option
@click.option("--new-passphrase-file", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Read the new passphrase from this file; otherwise ${pp.NEW_PASSPHRASE_ENV} or a prompt.")  # fmt: skip
@click.option("--backups", "backups", type=click.Choice(["reencrypt", "delete"]), default="reencrypt",
              show_default=True, help="What becomes of FILE's backups, which the old passphrase opens.")  # fmt: skip
def passwd(file: Path, passphrase_file: Path | None, new_passphrase_file: Path | None, backups: str) -> None:
    """Change the passphrase of FILE (a backup is made first). Its backups are re-encrypted
    with the new passphrase, or deleted (--backups delete) when the old one may have leaked."""
    from ..store.workbook import Workbook

    secret = pp.resolve(passphrase_file)
    new_secret = pp.resolve(new_passphrase_file, env=pp.NEW_PASSPHRASE_ENV, prompt="New passphrase: ",
                            confirm=True, option="--new-passphrase-file")  # fmt: skip
    with Workbook.open(file, secret, auto_backup=False) as wb:
        done = wb.change_passphrase(new_secret, backups=backups)
    click.echo(f"Changed the passphrase of {file}. {done}")


@click.command()
@workbook_argument
@passphrase_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the backup to this new file (default: the backups folder).")  # fmt: skip
@click.option("--list", "list_only", is_flag=True, help=f"List this workbook's backups and stop. {LISTING}")
def backup(file: Path, passphrase_file: Path | None, output: Path | None, list_only: bool) -> None:
    """Make an encrypted backup of FILE (same passphrase), or --list the backups kept. FILE is
    only read, so a workbook that cannot be opened for editing (its write-ahead log damaged)
    can still be saved as it reads to a new file with -o."""
    from ..store.workbook import Workbook

    if list_only:
        show_backups(file, passphrase_file)
        return
    if output:
        check_new_file(output, workbooks=[file])
    with Workbook.open(file, pp.resolve(passphrase_file), readonly=True) as wb:
        made = wb.backup(output) if output else wb.backup_rotating("manual")
    click.echo(f"Backed up {file.name} to {made}.")


@click.command()
@workbook_argument
@passphrase_option
@click.option("--backup", "number", type=click.IntRange(min=1),
              help="The number of the backup to restore, as listed without this option.")  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The new workbook file to restore it as (never an existing file).")  # fmt: skip
def restore(file: Path, passphrase_file: Path | None, number: int | None, output: Path | None) -> None:
    """List FILE's backups with their dates, or restore one (--backup N -o NEW.opcc) as a new
    workbook, with backups of its own; FILE itself is left as it is (or may be gone: its
    backups are found by where it was). Backups are kept by an id inside FILE; the passphrase
    is asked for (to read it) only when this computer has no record of FILE."""
    from ..store.backups import backups_in, copy_backup

    if number is None:
        show_backups(file, passphrase_file)
        return
    if output is None:
        raise click.UsageError("Give -o NEW.opcc: a backup is restored as a new file.")
    secret = pp.resolve(passphrase_file)
    found = backups_in(folder_of(file, lambda: secret))
    if number > len(found):
        raise OpccError(f"There is no backup number {number} of {file.name} (there are {len(found)}). "
                        f"List them with: opcc-desktop restore {file}")  # fmt: skip
    check_new_file(output, workbooks=[file])
    copy_backup(found[number - 1].path, secret, output, new_id=True)
    click.echo(f"Restored the backup of {found[number - 1].made:%d %B %Y %H:%M} UTC as {output}.")


def folder_of(file: Path, secret: Callable[[], str]) -> Path:
    """FILE's backups folder: found without the passphrase where this computer has a record
    of FILE, else named by the id inside FILE, read with the passphrase ``secret`` gives."""
    from ..store.backups import find_folder
    from ..store.workbook import Workbook

    found = find_folder(file)
    if found is not None:
        return found
    with Workbook.open(file, secret(), readonly=True) as wb:
        return wb.backup_folder


def show_backups(file: Path, passphrase_file: Path | None) -> None:
    from ..store.backups import backups_in

    folder = folder_of(file, lambda: pp.resolve(passphrase_file))
    found = backups_in(folder)
    click.echo(f"Backups of {file.name} in {folder}:" if found else
               f"No backups of {file.name} yet (they go in {folder}).")  # fmt: skip
    for number, item in enumerate(found, start=1):
        size = item.path.stat().st_size / 1_048_576
        click.echo(f"  {number:>3}  {item.made:%Y-%m-%d %H:%M:%S} UTC  {item.reason:<28} {size:8.1f} MB")


@click.command()
@workbook_argument
@passphrase_option
@click.option("--keep-days", type=click.IntRange(min=0),
              help="Days of history to keep (default: the workbook's audit.keep_days setting, 90 unless changed).")  # fmt: skip
def compact(file: Path, passphrase_file: Path | None, keep_days: int | None) -> None:
    """Make FILE smaller: back it up, trim the history (the audit of each edit) older than
    --keep-days that a backup holds, and rewrite the file without the space it took. Trimmed
    edits can no longer be undone. Opening FILE for editing does the same when it is due,
    without the backup (it trims only what an earlier backup holds)."""
    from ..store.workbook import Workbook

    with Workbook.open(file, pp.resolve(passphrase_file), auto_backup=False, compact=False) as wb:
        click.echo(wb.compact(keep_days))


FILE_COMMANDS = (passwd, backup, restore, compact)
