"""The commands that look after the workbook file itself: ``passwd``, ``backup`` and ``restore``."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import OpccError
from ..store.user_paths import check_new_file
from . import passphrase as pp
from .cli_options import passphrase_option, workbook_argument


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
@click.option("--list", "list_only", is_flag=True, help="List this workbook's backups and stop.")
def backup(file: Path, passphrase_file: Path | None, output: Path | None, list_only: bool) -> None:
    """Make an encrypted backup of FILE (same passphrase), or --list the backups kept."""
    from ..store.workbook import Workbook

    if list_only:
        show_backups(file)
        return
    if output:
        check_new_file(output, workbooks=[file])
    with Workbook.open(file, pp.resolve(passphrase_file), auto_backup=False) as wb:
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
    workbook beside it; FILE itself is left as it is."""
    from ..store.backups import copy_backup, list_backups

    found = list_backups(file)
    if number is None:
        show_backups(file)
        return
    if output is None:
        raise click.UsageError("Give -o NEW.opcc: a backup is restored as a new file.")
    if number > len(found):
        raise OpccError(f"There is no backup number {number} of {file.name} (there are {len(found)}). "
                        f"List them with: opcc-desktop restore {file}")  # fmt: skip
    check_new_file(output, workbooks=[file])
    copy_backup(found[number - 1].path, pp.resolve(passphrase_file), output)
    click.echo(f"Restored the backup of {found[number - 1].made:%d %B %Y %H:%M} UTC as {output}.")


def show_backups(file: Path) -> None:
    from ..store.backups import backup_folder, list_backups

    found = list_backups(file)
    click.echo(f"Backups of {file.name} in {backup_folder(file)}:" if found else
               f"No backups of {file.name} yet (they go in {backup_folder(file)}).")  # fmt: skip
    for number, item in enumerate(found, start=1):
        size = item.path.stat().st_size / 1_048_576
        click.echo(f"  {number:>3}  {item.made:%Y-%m-%d %H:%M:%S} UTC  {item.reason:<28} {size:8.1f} MB")


FILE_COMMANDS = (passwd, backup, restore)
