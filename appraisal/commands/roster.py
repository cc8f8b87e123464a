"""`appraisal roster`: import the roster (花名册) and write its blank template."""

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer
from rich.table import Table

from appraisal.console import err, fail, out
from appraisal.db import session_scope
from appraisal.importing import import_roster_file
from appraisal.models.office import ROOT_OFFICE_ID
from appraisal.settings import get_settings
from appraisal.sheets import WorkbookError, write_roster_template
from appraisal.store import ImportCounts
from appraisal.store.offices import OfficeError, office_named

app = typer.Typer(help="The roster (花名册): import people, write a blank template.",
                  no_args_is_help=True)  # fmt: skip


@app.command("import")
def import_roster(
    file: Annotated[Path, typer.Argument(help="The roster workbook (.xlsx).")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and count, change nothing.")
    ] = False,
    office: Annotated[
        str, typer.Option(help="The office (单位) whose pool new people join; default the top one.")
    ] = "",
) -> None:
    """Add new people and update changed ones (keyed on 编号); every change is audit-logged."""
    try:
        office_id = ROOT_OFFICE_ID
        if office:
            with session_scope() as session:
                office_id = office_named(session, office).id or ROOT_OFFICE_ID
        done = import_roster_file(
            file, actor=get_settings().actor, dry_run=dry_run, office_id=office_id
        )
    except OfficeError as exc:
        fail(str(exc))
    except WorkbookError as exc:
        show_issues(exc)
    except sa.exc.OperationalError as exc:
        fail(f"无法连接数据库 / the database cannot be reached: {exc.orig}")
    show_warnings(done.warnings)
    show_counts(file.name, done.counts, dry_run=dry_run)


@app.command("template")
def template(
    out_path: Annotated[Path, typer.Argument(metavar="OUT", help="Where to write.")],
) -> None:
    """Write a blank roster workbook: header, one example row, drop-downs."""
    write_roster_template(out_path)
    out.print(f"wrote {out_path}")


def show_issues(exc: WorkbookError) -> None:
    """Print every problem as a table and stop with exit code 1; nothing was imported."""
    title = f"发现 {len(exc.issues)} 处问题，未导入任何数据 / nothing was imported"
    table = Table(title=title, title_justify="left")
    for header in ("文件", "表", "行", "列", "原因"):
        table.add_column(header, overflow="fold")
    for issue in exc.issues:
        column = f"{issue.column} ({issue.cell})" if issue.cell else issue.column
        row = "" if issue.row is None else str(issue.row)
        table.add_row(issue.file, issue.sheet, row, column, issue.reason)
    err.print(table)
    raise typer.Exit(1)


def show_warnings(warnings: Iterable[str]) -> None:
    for warning in warnings:
        err.print(f"[yellow]提示：[/]{warning}", highlight=False)


def show_counts(title: str, counts: Mapping[str, ImportCounts], *, dry_run: bool = False) -> None:
    suffix = " — 试运行，未做任何更改 / dry run, nothing changed" if dry_run else ""
    table = Table(title=f"{title}{suffix}", title_justify="left")
    for header in ("表", "新增", "更新", "未变"):
        table.add_column(header, justify="left" if header == "表" else "right")
    for sheet, count in counts.items():
        table.add_row(sheet, str(count.added), str(count.updated), str(count.unchanged))
    out.print(table)
    kept = sum(c.kept for c in counts.values())
    if kept:
        out.print(f"{kept} 行与全年登记的履职记录相同，保留登记、未导入 / {kept} rows kept off "
                  "duties recorded through the year")  # fmt: skip
