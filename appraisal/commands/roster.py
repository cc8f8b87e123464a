"""`appraisal roster`: import the roster (花名册) and write its blank template."""

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer
from rich.table import Table
from sqlmodel import Session

from appraisal.console import err, fail, out
from appraisal.db import get_engine
from appraisal.settings import get_settings
from appraisal.sheets import WorkbookError, read_roster, write_roster_template
from appraisal.store import ImportCounts, import_people

app = typer.Typer(help="The roster (花名册): import people, write a blank template.",
                  no_args_is_help=True)  # fmt: skip


@app.command("import")
def import_roster(
    file: Annotated[Path, typer.Argument(help="The roster workbook (.xlsx).")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and count, change nothing.")
    ] = False,
) -> None:
    """Add new people and update changed ones (keyed on 编号); every change is audit-logged."""
    try:
        roster = read_roster(file)
    except WorkbookError as exc:
        show_issues(exc)
    show_warnings(roster.warnings)
    try:
        with Session(get_engine(), expire_on_commit=False) as session:
            counts = import_people(
                session, rows=roster.rows, actor=get_settings().actor, source=file.name
            )
            if dry_run:
                session.rollback()
            else:
                session.commit()
    except sa.exc.OperationalError as exc:
        fail(f"the database cannot be reached: {exc.orig}")
    show_counts(f"{file.name} ({roster.sheet})", {roster.sheet: counts}, dry_run=dry_run)


@app.command("template")
def template(
    out_path: Annotated[Path, typer.Argument(metavar="OUT", help="Where to write.")],
) -> None:
    """Write a blank roster workbook: header, one example row, drop-downs."""
    write_roster_template(out_path)
    out.print(f"wrote {out_path}")


def show_issues(exc: WorkbookError) -> None:
    """Print every problem as a table and stop with exit code 1; nothing was imported."""
    table = Table(title=f"{len(exc.issues)} problem(s): nothing was imported", title_justify="left")
    for header in ("file", "sheet", "row", "column", "reason"):
        table.add_column(header, overflow="fold")
    for issue in exc.issues:
        column = f"{issue.column} ({issue.cell})" if issue.cell else issue.column
        row = "" if issue.row is None else str(issue.row)
        table.add_row(issue.file, issue.sheet, row, column, issue.reason)
    err.print(table)
    raise typer.Exit(1)


def show_warnings(warnings: Iterable[str]) -> None:
    for warning in warnings:
        err.print(f"[yellow]warning:[/] {warning}", highlight=False)


def show_counts(title: str, counts: Mapping[str, ImportCounts], *, dry_run: bool = False) -> None:
    suffix = " — dry run, nothing changed" if dry_run else ""
    table = Table(title=f"{title}{suffix}", title_justify="left")
    for header in ("sheet", "added", "updated", "unchanged"):
        table.add_column(header, justify="left" if header == "sheet" else "right")
    for sheet, count in counts.items():
        table.add_row(sheet, str(count.added), str(count.updated), str(count.unchanged))
    out.print(table)
