"""`appraisal records`: import duty records, tallies, scores and findings; write the template."""

from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer

from appraisal.commands.roster import show_counts, show_issues, show_warnings
from appraisal.console import fail, out
from appraisal.importing import import_records_file
from appraisal.settings import get_settings
from appraisal.sheets import WorkbookError, write_records_template

app = typer.Typer(
    help="Records: 履职记录, 民主测评, 组织考核, 负面清单 (import and template).",
    no_args_is_help=True,
)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="The records workbook (.xlsx).")],
    year: Annotated[
        int | None, typer.Option("--year", help="The year for rows without 年度.")
    ] = None,
) -> None:
    """Add and update the records of every sheet present; all or nothing."""
    import_workbook(file, year)


def import_workbook(file: Path, year: int | None) -> None:
    """Import the records workbook and say what it added, or every bad row by sheet, row and
    column (`appraisal records import`, and `appraisal assess import` for its 组织考核 sheet)."""
    try:
        done = import_records_file(file, actor=get_settings().actor, year=year)
    except WorkbookError as exc:
        show_issues(exc)
    except sa.exc.OperationalError as exc:
        fail(f"无法连接数据库 / the database cannot be reached: {exc.orig}")
    show_warnings(done.warnings)
    show_counts(file.name, done.counts)


@app.command("template")
def template(
    out_path: Annotated[Path, typer.Argument(metavar="OUT", help="Where to write.")],
) -> None:
    """Write a blank records workbook: four sheets, header, one example row, drop-downs."""
    write_records_template(out_path)
    out.print(f"wrote {out_path}")
