"""`appraisal reports`: each person's 年度履职报告, a tracked return of the assessment stage."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from appraisal.clock import today
from appraisal.commands._cycle_arg import named_cycle
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.settings import get_settings
from appraisal.store import reports

app = typer.Typer(
    help="年度履职报告 / Each person's annual report: who has submitted, and staff's uploads.",
    no_args_is_help=True,
)

CycleArg = Annotated[str, typer.Argument(help="Cycle number or name.")]


@app.command("list")
def list_(
    cycle: CycleArg,
    missing: Annotated[
        bool, typer.Option("--missing", help="Only those not yet submitted.")
    ] = False,
) -> None:
    """履职报告 / Everyone of the cycle: 已提交 (latest version, date, pages, how) or 未提交,
    with the assessment stage's deadline."""
    with session_scope() as session:
        found = named_cycle(session, cycle)
        rows = reports.list_reports(session, found)
        due = reports.due_on(session, found)
        closed = reports.closed_reason(session, found)
    table = Table("编号", "姓名", "状态", "版本", "提交日期", "文件", "页数", "方式")
    for r in rows:
        last = r.latest
        if last is None:
            table.add_row(r.code, r.name, "[bold]未提交[/]", "", "", "", "", "")
        elif not missing:
            how = last.channel + (f"（{last.note}）" if last.note else "")
            table.add_row(
                r.code, r.name, "已提交", str(last.version), last.submitted_on.isoformat(),
                escape(last.file_name), str(last.pages), escape(how),
            )  # fmt: skip
    out.print(table)
    done = sum(r.submitted for r in rows)
    when = f"截止 {due.isoformat()}" if due else "组织考核阶段尚未开始"
    out.print(f"共 {len(rows)} 人，已提交 {done} 人，未提交 {len(rows) - done} 人（{when}）")
    if closed:
        out.print(closed)


@app.command("upload")
def upload(
    cycle: CycleArg,
    code: Annotated[str, typer.Argument(help="The person's 编号.")],
    file: Annotated[Path, typer.Argument(help="The report, a PDF (a paper report scanned).")],
    note: Annotated[str, typer.Option(help="How it came in, e.g. 纸质报告扫描 (required).")],
    on: Annotated[
        str, typer.Option(help="The day it was handed in (YYYY-MM-DD); today if not.")
    ] = "",
) -> None:
    """代为上传 / Upload a person's report on their behalf, with a note. A second upload is a
    new version; the first is kept. Audit-logged."""
    try:
        day = date.fromisoformat(on) if on else today()
    except ValueError:
        fail(f"日期“{on}”无法识别：请写成 2026-12-01 / not a date")
    if not file.is_file():
        fail(f"{file}：文件不存在 / no such file")
    try:
        with session_scope() as session:
            row = reports.submit_report(
                session, cycle=named_cycle(session, cycle), code=code, source=file,
                file_name=file.name, actor=get_settings().actor, on=day, note=note,
            )  # fmt: skip
            version, pages = row.version, row.pages
    except reports.ReportError as exc:
        fail(str(exc))
    out.print(f"已登记 {code} 的年度履职报告第 {version} 版（{pages} 页，{day.isoformat()}）")
