"""The ``opcc-desktop`` headless commands. None of them imports Qt; ``ui.cli`` adds ``gui``.

Every failure the user can cause ends with one clear line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from .. import __version__
from ..areas.vocab import PUBLIC_REPORTS
from ..errors import OpccError, counted
from ..store import cipher
from ..store.policy import RULES, machine_policy, policy_file
from ..store.user_paths import check_output
from . import passphrase as pp
from .cli_exchange import EXCHANGE_COMMANDS
from .cli_file import FILE_COMMANDS
from .cli_options import passphrase_option, workbook_argument

if TYPE_CHECKING:
    from ..documents.preflight import Finding

DEMO_PASSPHRASE = "opcc-demo"
DEBUG_ENV = "OPCC_DEBUG"  # set: an unexpected failure shows its traceback
REPORT_NAMES = ["annual-equality", "performance-update", "workforce-pack", "panel-report"]


class Cli(click.Group):
    """Turns our errors into one line, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # usage mistakes, --help and the like: click says those itself
        except OpccError as exc:
            fail(str(exc))
        except BrokenPipeError:
            quiet_stdout()
            fail("the output was closed before all of it was written (it was piped to a command that "
                 "stopped reading); nothing else was affected")  # fmt: skip
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            fail(f"{exc.strerror or exc}{where}")
        except cipher.DatabaseError as exc:
            fail(f"the workbook could not be read or written ({exc}); it was left as it was")
        except KeyboardInterrupt:
            fail("Cancelled; nothing was changed by the unfinished step.", code=130, prefix="")
        except Exception as exc:  # a bug: still one line, with the way to see the details
            if os.environ.get(DEBUG_ENV):
                raise
            fail(f"something unexpected went wrong ({type(exc).__name__}: {exc}); the unfinished step "
                 f"changed nothing. This is a fault in OPCC Desktop: run again with {DEBUG_ENV}=1 for "
                 "the details to report")  # fmt: skip


def fail(message: str, *, code: int = 1, prefix: str = "Error: ") -> NoReturn:
    """Say what went wrong in one line and exit. Objects a failed writer left half-used (an
    xlsx writer's zip, its row generators) are finalised at exit and would print their own
    "Exception ignored" tracebacks: the failure has been told, so those are silenced."""
    click.echo(f"{prefix}{message.rstrip('.')}.", err=True)
    sys.unraisablehook = lambda unraisable: None
    sys.exit(code)


def quiet_stdout() -> None:
    """Point stdout at nothing, so the interpreter's own flush at exit cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


@click.group(cls=Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="opcc-desktop")
def main() -> None:
    """OPCC Desktop: equality and performance data in one encrypted workbook file.

    Passphrases come from --passphrase-file, the OPCC_PASSPHRASE environment variable or a
    prompt; never from the command line.
    """
    for problem in machine_policy().problems:  # each says how IT fixes it; never passed over quietly
        click.echo(f"Warning: {problem}", err=True)


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
    from .demo import build_demo, check_offered

    check_offered()
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
@click.option("--report", "report", required=True,
              type=click.Choice(REPORT_NAMES),
              help="Which document to export.")
@click.option("--year", required=True, help="Financial year, e.g. 2021/22.")
@click.option("--quarter", type=click.IntRange(1, 4),
              help="Quarter (1 = Apr-Jun), for the performance update and the panel report.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the document.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html"]), default="pdf", show_default=True,
              help="html: the accessible HTML edition (public documents only).")
@click.option("--publish", is_flag=True,
              help="Record this edition as published: later changes to its KPI figures are marked revised.")  # fmt: skip
@click.option("--draft", is_flag=True,
              help="A draft: DRAFT on every page, and a placeholder where a section has no text yet.")
@click.option("--published", "published_on", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="The publication date on the cover (default: today; a draft has none).")
@click.option("--next-update", default="", metavar="TEXT",
              help="The next update named on the cover, e.g. '9 March 2023' (default: the next edition, "
                   "date to be announced).")  # fmt: skip
@click.option("--tables", is_flag=True,
              help="Also write the tables as an accessible spreadsheet beside the document (OUTPUT with "
                   ".xlsx); a PDF carries it inside and the HTML links it.")  # fmt: skip
@click.option("--meeting", "meeting_on", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="The panel report only: the date of the Police and Crime Panel meeting it goes to, on its "
                   "cover (a final edition needs it; a draft without it says 'to be confirmed').")  # fmt: skip
def report(
    file: Path, passphrase_file: Path | None, report: str, year: str, quarter: int | None,
    output: Path, fmt: str, publish: bool, draft: bool, published_on: dt.datetime | None, next_update: str,
    tables: bool, meeting_on: dt.datetime | None,
) -> None:
    """Export one of the four documents of FILE as a PDF (or, for the three public ones, as
    accessible HTML). Pre-flight findings are listed first. A final edition (the default)
    is refused while a required section has no text: export a --draft to review it."""
    from ..areas.periods import long_date
    from ..documents.release import Release, check_release, next_edition
    from ..documents.requests import check_request, check_year_held
    from .ahead import OpenAhead

    year = check_request(report, year, quarter, fmt)
    check_output(output, workbooks=[file])
    release = Release(draft=draft,
                      published="" if draft and not published_on else long_date((published_on or dt.datetime.now()).date()),
                      next_update=next_update.strip() or next_edition(report, year, quarter),
                      meeting=long_date(meeting_on.date()) if meeting_on else "")  # fmt: skip
    check_release(report, output, publish, release, tables)
    if tables:
        check_output(output.with_suffix(".xlsx"), workbooks=[file])
    with OpenAhead(file, pp.resolve(passphrase_file), readonly=not publish) as ahead:
        ahead.then(functools.partial(check_year_held, report=report, financial_year=year))
        if report in PUBLIC_REPORTS:
            from ..figures import planner, public_plan  # noqa: F401  (imported here, not on its thread)

            period = public_plan.plan_period(report, quarter)
            ahead.then(functools.partial(public_plan.decide, financial_year=year, period=period))
        from ..documents.export import export_report, load_document
        from ..documents.preflight import preflight

        load_document(report, fmt)
        wb = ahead.workbook()
        show_findings(preflight(wb, report, year, quarter or 0))
        made = export_report(wb, report, year, quarter, output, fmt, publish=publish, release=release, tables=tables)
    click.echo(f"Wrote {made}." + (f" Its tables: {made.with_suffix('.xlsx')}." if tables else "")
               + (" Recorded as published." if publish else ""))  # fmt: skip


@main.command("policy")
def policy_command() -> None:
    """Show this computer's machine policy: each setting IT fixes, where it is set, and
    whether it is wrong (then the warnings above say how to fix it and the exit code is 2)."""
    found, path = machine_policy(), policy_file()
    click.echo(f"Policy file: {path}" + ("" if path.exists() else " (none)"))
    for key in RULES:
        if key not in found.where:
            click.echo(f"  {key}: not set")
            continue
        value = getattr(found, key)
        shown = "none" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        strict = ", its strictest reading until it is fixed" if key in found.wrong else ""
        click.echo(f"  {key}: {shown} (from {found.where[key]}{strict})")
    if found.problems:
        sys.exit(2)


@main.command("preflight")
@workbook_argument
@passphrase_option
@click.option("--report", "report", required=True, type=click.Choice(REPORT_NAMES), help="Which document.")
@click.option("--year", required=True, help="Financial year, e.g. 2021/22.")
@click.option("--quarter", type=click.IntRange(1, 4), help="Quarter, for the performance update and the panel report.")
def preflight_command(
    file: Path, passphrase_file: Path | None, report: str, year: str, quarter: int | None
) -> None:
    """List what needs attention before exporting a document from FILE (gaps, suppressed
    cells, high non-disclosure, goals without an update, KPI groups without commentary)."""
    from ..documents.preflight import preflight
    from ..documents.requests import check_request, check_year_held
    from ..store.workbook import Workbook

    year = check_request(report, year, quarter)
    with Workbook.open(file, pp.resolve(passphrase_file), readonly=True) as wb:
        check_year_held(wb, report, year)
        findings = preflight(wb, report, year, quarter or 0)
    show_findings(findings)
    if not findings:
        click.echo("Nothing needs attention.")


def show_findings(findings: list[Finding]) -> None:
    if findings:
        click.echo(f"Before publishing, {len(findings)} thing(s) need attention:", err=True)
    for finding in findings:
        click.echo(f"  - {finding}", err=True)


@main.group("picture")
@workbook_argument
@click.pass_context
def picture_command(ctx: click.Context, file: Path) -> None:
    """List, add, rename or remove the pictures in FILE that report text shows with
    ![what it shows](image:NAME). Each change is one edit, which undo takes back."""
    ctx.obj = file


@picture_command.command("list")
@passphrase_option
@click.pass_obj
def picture_list(file: Path, passphrase_file: Path | None) -> None:
    """List the pictures: name, kind, size in pixels and file size."""
    from ..areas.pictures import pictures
    from ..store.workbook import Workbook

    with Workbook.open(file, pp.resolve(passphrase_file), readonly=True) as wb:
        found = pictures(wb)
    click.echo(f"{file.name} holds {counted(len(found), 'picture')}{':' if found else '.'}")
    width = max((len(info.name) for info in found), default=0)
    for info in found:
        click.echo(f"  {info.name:<{width}}  {info.summary}")


@picture_command.command("add")
@click.argument("name")
@click.argument("image", type=click.Path(path_type=Path))
@passphrase_option
@click.pass_obj
def picture_add(file: Path, name: str, image: Path, passphrase_file: Path | None) -> None:
    """Add IMAGE (PNG or JPEG, up to 2 MB and 4000 x 4000 pixels) as the picture NAME
    (lowercase letters, digits and hyphens), replacing any picture of that name."""
    from ..areas.pictures import add_picture, picture_names, pictures, read_picture_file
    from ..store.workbook import Workbook

    data = read_picture_file(image, workbooks=[file])
    with Workbook.open(file, pp.resolve(passphrase_file)) as wb:
        replacing = name in picture_names(wb)
        add_picture(wb, name, data)
        info = next(p for p in pictures(wb) if p.name == name)
    click.echo(f"{'Replaced' if replacing else 'Added'} the picture {name} ({info.summary}). Show it in "
               f"report text with ![what it shows](image:{name}).")  # fmt: skip


@picture_command.command("rename")
@click.argument("old")
@click.argument("new")
@passphrase_option
@click.pass_obj
def picture_rename(file: Path, old: str, new: str, passphrase_file: Path | None) -> None:
    """Rename the picture OLD to NEW. Report text naming image:OLD must be edited to image:NEW."""
    from ..areas.pictures import rename_picture
    from ..store.workbook import Workbook

    with Workbook.open(file, pp.resolve(passphrase_file)) as wb:
        rename_picture(wb, old, new)
    click.echo(f"Renamed the picture {old} to {new}. Report text that shows it as image:{old} "
               f"must now say image:{new}.")  # fmt: skip


@picture_command.command("remove")
@click.argument("name")
@passphrase_option
@click.pass_obj
def picture_remove(file: Path, name: str, passphrase_file: Path | None) -> None:
    """Remove the picture NAME."""
    from ..areas.pictures import remove_picture
    from ..store.workbook import Workbook

    with Workbook.open(file, pp.resolve(passphrase_file)) as wb:
        remove_picture(wb, name)
    click.echo(f"Removed the picture {name} from {file.name}.")


for command in (*FILE_COMMANDS, *EXCHANGE_COMMANDS):
    main.add_command(command)

if __name__ == "__main__":
    main()
