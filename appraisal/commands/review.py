"""`appraisal review`: 复核 requests and staff's decisions on them."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from appraisal.clock import today
from appraisal.commands._cycle_arg import cycle_number, named_cycle
from appraisal.commands._grade_arg import kept_or_changed
from appraisal.commands._running import locked_with_progress
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.models.vocab import ReviewStatus
from appraisal.settings import get_settings
from appraisal.store import reviews

app = typer.Typer(
    help="复核 / A person's request for a review of their result, and staff's decision.",
    no_args_is_help=True,
)

CycleArg = Annotated[str, typer.Argument(help="Cycle number or name.")]
CodeArg = Annotated[str, typer.Argument(help="The person's 编号.")]


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"日期“{text}”无法识别：请写成 2026-12-01 / not a date")


@app.command("request")
def request(
    cycle: CycleArg,
    code: CodeArg,
    grounds: Annotated[str, typer.Option(help="申请理由: the grounds, as the person wrote them.")],
    file: Annotated[
        Path | None, typer.Option(help="The written request or evidence, a PDF (kept as is).")
    ] = None,
    on: Annotated[
        str, typer.Option(help="The day the paper request was made (YYYY-MM-DD); today if not.")
    ] = "",
    late_reason: Annotated[
        str, typer.Option(help="逾期受理: why a request after the window is taken all the same.")
    ] = "",
) -> None:
    """登记书面复核申请 / Record a person's paper 复核申请 (within the scheme's window of working
    days after their 考核结果通知书; after it only with --late-reason). Audit-logged."""
    day = _day(on) if on else today()
    if file is not None and not file.is_file():
        fail(f"{file}：文件不存在 / no such file")
    try:
        with session_scope() as session:
            row = reviews.request_review(
                session, cycle=named_cycle(session, cycle), code=code, grounds=grounds,
                actor=get_settings().actor, on=day, file=file, late_reason=late_reason,
            )  # fmt: skip
            late = f"（{reviews.LATE_NOTE}：{row.late_reason}）" if row.late_reason else ""
    except reviews.ReviewError as exc:
        fail(str(exc))
    out.print(f"已登记 {code} 的复核申请，申请日期 {day.isoformat()}{escape(late)}，待决定")


@app.command("list")
def list_(cycle: CycleArg) -> None:
    """复核申请 / Everyone sent a 考核结果通知书: their window, request and decision."""
    with session_scope() as session:
        rows = reviews.list_reviews(session, named_cycle(session, cycle))
    if not rows:
        out.print("本周期尚未发出考核结果通知书，也没有复核申请")
        return
    table = Table("编号", "姓名", "等次", "申请期限", "申请", "状态", "决定")
    for r in rows:
        window = f"至 {r.window.closes_on.isoformat()}" if r.window else "—"
        q = r.request
        if q is None:
            table.add_row(r.code, r.name, r.grade, window, "", "", "")
            continue
        made = f"{q.requested_on.isoformat()} {q.channel}" + (
            f"（{reviews.LATE_NOTE}）" if q.late_reason else ""
        )
        decided = ""
        if q.status != ReviewStatus.PENDING:
            change = (
                f"{q.original_grade.value if q.original_grade else '未评定'}→{q.new_grade.value}："
                if q.new_grade
                else ""
            )
            decided = f"{change}{q.decision_reason}（{q.decided_by}，{q.decided_on}）"
        table.add_row(r.code, r.name, r.grade, window, escape(made), q.status.value,
                      escape(decided))  # fmt: skip
    out.print(table)
    asked = [r.request for r in rows if r.request is not None]
    out.print(
        f"通知书 {len(rows)} 人，复核申请 {len(asked)} 件，其中待决定 "
        f"{sum(q.status == ReviewStatus.PENDING for q in asked)} 件"
    )


@app.command("decide")
def decide(
    cycle: CycleArg,
    code: CodeArg,
    reason: Annotated[str, typer.Option(help="Why: printed on the 复核决定书.")],
    keep: Annotated[bool, typer.Option("--keep", help="维持: the grade stands.")] = False,
    change: Annotated[
        str, typer.Option("--change", help="变更: the new grade, one of the scheme's.")
    ] = "",
) -> None:
    """复核决定 / Decide a person's request: --keep (维持) or --change GRADE (变更), with a
    reason. Writes the 复核决定书; a changed grade updates the result and the register, and a
    sealed dossier is sealed again (the old package kept beside it as 编号.superseded-TIME)."""
    from appraisal.flows.review import reseal_changed
    from appraisal.reviewing import decide as decide_review

    grade = kept_or_changed(keep, change, "维持", "变更")
    cycle_id = cycle_number(cycle)
    settings = get_settings()
    try:
        done = decide_review(
            cycle_id, code, new_grade=grade, reason=reason, actor=settings.actor, on=today(),
            templates_dir=settings.templates_dir,
        )  # fmt: skip
    except reviews.ReviewError as exc:
        fail(str(exc))
    if done.status == ReviewStatus.CHANGED:
        # Sealing again runs the archive flow, under the cycle's archive lock.
        locked_with_progress(cycle_id, "archive", lambda: reseal_changed(cycle_id, code, done))
    out.print(f"{code} 复核决定：{done.status.value}；复核决定书 {done.document_id}：{done.docx}")
    if done.superseded:
        out.print(f"原档案包已保留：{done.superseded}")
    if done.resealed:
        out.print(f"[green]已重新封存[/] {code}")
    if done.register:
        out.print(f"考核登记表已更新：{done.register}")
    for problem in done.problems:
        out.print(f"[red]{escape(problem)}[/]")
    if done.problems:
        raise typer.Exit(1)
