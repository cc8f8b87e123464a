"""`appraisal nominate`: nominations from the nominating bodies (提名推荐) and staff's decisions."""

from pathlib import Path
from typing import Annotated

import typer

from appraisal.commands._cycle_arg import named_cycle
from appraisal.commands.roster import show_counts, show_issues, show_warnings
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.settings import get_settings
from appraisal.sheets import WorkbookError
from appraisal.sheets.nominations import write_nomination_template
from appraisal.store import nominations

app = typer.Typer(
    help="提名推荐 / Nominations from the nominating bodies and staff's decisions on them.",
    no_args_is_help=True,
)

CycleArg = Annotated[str, typer.Argument(help="Cycle number or name.")]


@app.command("template")
def template(
    out_path: Annotated[Path, typer.Argument(metavar="OUT", help="Where to write.")],
) -> None:
    """空白推荐表格 / Write a blank nomination workbook: 推荐人选 and 简历, one example row each."""
    write_nomination_template(out_path)
    out.print(f"已写出 {out_path}")


@app.command("import")
def import_(
    cycle: CycleArg,
    file: Annotated[Path, typer.Argument(help="The nomination workbook (.xlsx).")],
) -> None:
    """导入推荐人选 / Record a body's workbook for the cycle: all or nothing, every bad row named;
    importing it again adds no second row for the same body and candidate."""
    try:
        with session_scope() as session:
            done = nominations.import_nomination_file(
                session, named_cycle(session, cycle), file, actor=get_settings().actor
            )
    except WorkbookError as exc:
        show_issues(exc)
    except nominations.NominationError as exc:
        fail(str(exc))
    show_warnings([*done.warnings, *done.kept])
    show_counts(file.name, {"推荐人选": done.counts})
