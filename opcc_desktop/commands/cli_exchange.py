"""The data exchange commands: ``import``, ``export-data`` and ``template``."""

from __future__ import annotations

from pathlib import Path

import click

from ..store.user_paths import check_input, check_output
from . import passphrase as pp
from .cli_options import passphrase_option, workbook_argument

KINDS = ["exchange", "monitoring-return", "hr-extract"]


@click.command("import")
@workbook_argument
@click.argument("data", type=click.Path(path_type=Path))
@passphrase_option
@click.option("--kind", type=click.Choice(KINDS),
              help="What DATA is; by default it is recognised from its sheets and columns.")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Check DATA and say what would change; write nothing.")
@click.option("--snapshot", help="HR extract: the date of the workforce snapshot it fills (YYYY-MM-DD).")
@click.option("--label", default="", help="HR extract: a label for the new snapshot.")
@click.option("--allow-empty", is_flag=True,
              help="Monitoring return: import one with no figures at all, clearing that quarter on purpose.")  # fmt: skip
@click.option("--mapping", type=click.Path(dir_okay=False, path_type=Path),
              help="HR extract: a JSON mapping of their headers and codes to ours; saved in FILE for next time.")  # fmt: skip
def import_command(
    file: Path, data: Path, passphrase_file: Path | None, kind: str | None, dry_run: bool,
    snapshot: str | None, label: str, mapping: Path | None, allow_empty: bool,
) -> None:
    """Import DATA into FILE: an exchange workbook (.xlsx or a folder of CSV files, as
    export-data writes), a completed service monitoring return, or an HR extract.

    All or nothing: every problem in DATA is listed and nothing is written unless there are
    none. The import is one edit, which undo takes back.
    """
    from ..exchange.importing import import_file
    from ..store.workbook import Workbook

    for given in (data, mapping):
        if given is not None:
            check_input(given, workbooks=[file])
    with Workbook.open(file, pp.resolve(passphrase_file), readonly=dry_run, auto_backup=not dry_run) as wb:
        result = import_file(wb, data, kind=kind, dry_run=dry_run, snapshot=snapshot, label=label,
                             mapping_file=mapping, allow_empty=allow_empty)  # fmt: skip
    for line in [*result.summary, *result.warnings]:
        click.echo(line)
    if dry_run:
        click.echo("Dry run: nothing was written.")
    elif result.changed:
        click.echo(f"Imported {data.name} into {file.name} as one edit.")
    else:
        click.echo("Nothing changed.")


@click.command("export-data")
@workbook_argument
@click.argument("out", type=click.Path(path_type=Path))
@passphrase_option
@click.option("--without-workforce", is_flag=True,
              help="Leave out the private workforce sheets (importing the file then keeps the workforce as it is).")  # fmt: skip
def export_data_command(file: Path, out: Path, passphrase_file: Path | None, without_workforce: bool) -> None:
    """Write everything in FILE to OUT: an exchange workbook (OUT.xlsx) or, for any other
    OUT, a folder of CSV files named after the sheets. Importing it into a new file
    reproduces FILE's data exactly."""
    from ..exchange.export import export_data
    from ..store.workbook import Workbook

    if out.suffix.lower() == ".xlsx":
        check_output(out, workbooks=[file])
    with Workbook.open(file, pp.resolve(passphrase_file), readonly=True) as wb:
        lines = export_data(wb, out, without=("workforce",) if without_workforce else ())
    for line in lines:
        click.echo(line)
    click.echo(f"Wrote {out}.")
    if not without_workforce:
        click.echo("It holds private workforce data, unencrypted: keep it as OFFICIAL-SENSITIVE"
                   " (or use --without-workforce).", err=True)  # fmt: skip


@click.command("template")
@workbook_argument
@passphrase_option
@click.option("--service", required=True, help="The service the return is for, as named in FILE.")
@click.option("--year", required=True, help="Financial year, e.g. 2021/22.")
@click.option("--quarter", required=True, type=click.IntRange(1, 4), help="Quarter (1 = Apr-Jun).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the blank return (.xlsx).")  # fmt: skip
def template_command(
    file: Path, passphrase_file: Path | None, service: str, year: str, quarter: int, output: Path
) -> None:
    """Write a blank service monitoring return for one service and quarter, to send to the
    service and import when it comes back."""
    from ..exchange.returns import write_template
    from ..store.workbook import Workbook

    check_output(output, workbooks=[file])
    with Workbook.open(file, pp.resolve(passphrase_file), readonly=True) as wb:
        write_template(wb, service, year, quarter, output)
    click.echo(f"Wrote the {year} Q{quarter} return for {service} to {output}.")


EXCHANGE_COMMANDS = (import_command, export_data_command, template_command)
