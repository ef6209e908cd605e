"""The ``opcc-desktop`` headless commands. None of them imports Qt; ``ui.cli`` adds ``gui``.

Every failure the user can cause ends with one clear line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import __version__
from ..documents.preflight import Finding, preflight
from ..errors import OpccError
from ..store import cipher
from ..store.user_paths import check_new_file, check_output
from . import passphrase as pp
from .cli_exchange import EXCHANGE_COMMANDS
from .cli_options import passphrase_option, workbook_argument

DEMO_PASSPHRASE = "opcc-demo"
REPORT_NAMES = ["annual-equality", "performance-update", "workforce-pack"]


class Cli(click.Group):
    """Turns our errors into one line, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except OpccError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            click.echo(f"Error: {exc.strerror or exc}{where}.", err=True)
            sys.exit(1)
        except cipher.DatabaseError as exc:
            click.echo(f"Error: the workbook could not be read or written ({exc}).", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Cancelled; nothing was changed by the unfinished step.", err=True)
            sys.exit(130)


@click.group(cls=Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="opcc-desktop")
def main() -> None:
    """OPCC Desktop: equality and performance data in one encrypted workbook file.

    Passphrases come from --passphrase-file, the OPCC_PASSPHRASE environment variable or a
    prompt; never from the command line.
    """


@main.command()
@workbook_argument
@passphrase_option
@click.option("--office", default="", help="The office's name, shown on report covers.")
def new(file: Path, passphrase_file: Path | None, office: str) -> None:
    """Create an empty, encrypted workbook FILE."""
    from ..areas.settings import set_setting
    from ..store.workbook import Workbook

    secret = pp.resolve(passphrase_file, prompt="New passphrase: ", confirm=True)
    with Workbook.create(file, secret) as wb:
        if office:
            set_setting(wb, "office_name", office)
    click.echo(f"Created {file}.")


@main.command()
@workbook_argument
@passphrase_option
def demo(file: Path, passphrase_file: Path | None) -> None:
    """Build a demo workbook FILE from published figures plus synthetic private data.

    Without a passphrase (file, environment or prompt) the documented demo passphrase
    'opcc-demo' is used and printed.
    """
    from .demo import build_demo

    secret = pp.resolve(passphrase_file, prompt="Passphrase (Enter for the demo one): ",
                        confirm=True, default=DEMO_PASSPHRASE)  # fmt: skip
    build_demo(file, secret)
    click.echo(f"Created the demo workbook {file}.")
    if secret == DEMO_PASSPHRASE:
        click.echo(f"Its passphrase is: {DEMO_PASSPHRASE}")


@main.command()
@workbook_argument
@passphrase_option
def check(file: Path, passphrase_file: Path | None) -> None:
    """Check FILE: integrity of the encrypted file and the data's own rules."""
    from ..store.workbook import Workbook
    from .check import check_workbook

    with Workbook.open(file, pp.resolve(passphrase_file), readonly=True) as wb:
        report = check_workbook(wb)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        sys.exit(2)


@main.command()
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


@main.command()
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


@main.command()
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


@main.command()
@workbook_argument
@passphrase_option
@click.option("--report", "report", required=True,
              type=click.Choice(REPORT_NAMES),
              help="Which document to export.")
@click.option("--year", required=True, help="Financial year, e.g. 2021/22.")
@click.option("--quarter", type=click.IntRange(1, 4), help="Quarter (1 = Apr-Jun), for the performance update.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the document.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html"]), default="pdf", show_default=True,
              help="html: the accessible HTML edition (public documents only).")
@click.option("--publish", is_flag=True,
              help="Record this edition as published: later changes to its KPI figures are marked revised.")  # fmt: skip
def report(
    file: Path, passphrase_file: Path | None, report: str, year: str, quarter: int | None,
    output: Path, fmt: str, publish: bool,
) -> None:
    """Export one of the three documents of FILE as a PDF (or, for the two public ones, as
    accessible HTML). Pre-flight findings are listed first."""
    from ..documents.export import check_request, export_report
    from ..store.workbook import Workbook

    check_request(report, quarter, fmt)
    check_output(output, workbooks=[file])
    with Workbook.open(file, pp.resolve(passphrase_file), readonly=not publish) as wb:
        show_findings(preflight(wb, report, year, quarter or 0))
        made = export_report(wb, report, year, quarter, output, fmt)
        if publish:
            from ..areas.publications import record_publication

            record_publication(wb, report, year, quarter or 0)
    click.echo(f"Wrote {made}." + (" Recorded as published." if publish else ""))


@main.command("preflight")
@workbook_argument
@passphrase_option
@click.option("--report", "report", required=True, type=click.Choice(REPORT_NAMES), help="Which document.")
@click.option("--year", required=True, help="Financial year, e.g. 2021/22.")
@click.option("--quarter", type=click.IntRange(1, 4), help="Quarter, for the performance update.")
def preflight_command(
    file: Path, passphrase_file: Path | None, report: str, year: str, quarter: int | None
) -> None:
    """List what needs attention before exporting a document from FILE (gaps, suppressed
    cells, high non-disclosure, goals without an update, KPI groups without commentary)."""
    from ..store.workbook import Workbook

    with Workbook.open(file, pp.resolve(passphrase_file), readonly=True) as wb:
        findings = preflight(wb, report, year, quarter or 0)
    show_findings(findings)
    if not findings:
        click.echo("Nothing needs attention.")


def show_findings(findings: list[Finding]) -> None:
    if findings:
        click.echo(f"Before publishing, {len(findings)} thing(s) need attention:", err=True)
    for finding in findings:
        click.echo(f"  - {finding}", err=True)


for command in EXCHANGE_COMMANDS:
    main.add_command(command)

if __name__ == "__main__":
    main()
