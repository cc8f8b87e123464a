"""`appraisal approve`: 审定, the 审核's confirmation or adjustment of each grade before
notification, and the 审定表 it writes."""

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlmodel import Session

from appraisal.commands._cycle_arg import named_cycle
from appraisal.commands._grade_arg import kept_or_changed
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.models import Cycle
from appraisal.settings import get_settings
from appraisal.store.approval_files import write_approval_table
from appraisal.store.approvals import ApprovalError, approval_board, approve_grade, confirm_rest

app = typer.Typer(
    help="审定 / The 审核 confirms or adjusts each grade before anyone is told.",
    no_args_is_help=True,
)

CycleArg = Annotated[str, typer.Argument(help="Cycle number or name.")]


def _write_table(session: Session, cycle: Cycle) -> str:
    try:
        return str(write_approval_table(session, cycle, get_settings().templates_dir))
    except ApprovalError:
        return ""


@app.command("list")
def list_(cycle: CycleArg) -> None:
    """审定名单 / Everyone of the cycle: grade put to 审定, 审定 grade, reason; held and waiting."""
    with session_scope() as session:
        board = approval_board(session, named_cycle(session, cycle))
    table = Table("编号", "姓名", "综合得分", "评价等次", "审定等次", "理由", "状态")
    for r in board.rows:
        a = r.approval
        state = (
            r.decision
            or ("暂缓（异议待核实）" if r.held else "")
            or (f"已审定（{a.approved_by}）" if a else "待审定")
        )
        table.add_row(
            r.code, r.name, "—" if r.composite is None else f"{r.composite:.2f}",
            r.engine_grade or "—", a.grade.value if a else "", escape(a.reason if a else ""),
            state,
        )  # fmt: skip
    out.print(table)
    out.print(
        f"已审定 {len(board.approved)} 人（调整 {len(board.adjusted)} 人），待审定 "
        f"{len(board.waiting)} 人，暂缓 {len(board.held)} 人"
    )


@app.command("grade")
def grade(
    cycle: CycleArg,
    code: Annotated[str, typer.Argument(help="The person's 编号.")],
    keep: Annotated[bool, typer.Option("--keep", help="确认: the grade stands.")] = False,
    change: Annotated[
        str, typer.Option("--change", help="调整: the 审定 grade, one of the scheme's.")
    ] = "",
    reason: Annotated[str, typer.Option(help="Why the grade is adjusted.")] = "",
) -> None:
    """逐人审定 / 审定 one person: --keep, or --change GRADE --reason (audit-logged; the
    审定 grade is what the 结果通知书, 情况通报, register and dossier show)."""
    new = kept_or_changed(keep, change, "确认", "调整")
    try:
        with session_scope() as session:
            found = named_cycle(session, cycle)
            row = approve_grade(session, cycle=found, code=code, new_grade=new, reason=reason,
                                actor=get_settings().actor)  # fmt: skip
            what = f"调整为“{row.grade.value}”（{row.reason}）" if row.reason else "确认"
            written = _write_table(session, found)
    except ApprovalError as exc:
        fail(str(exc))
    out.print(f"{code} 审定：{escape(what)}")
    if written:
        out.print(f"审定表：{written}")


@app.command("confirm")
def confirm(cycle: CycleArg) -> None:
    """其余确认 / 审定 as they are the grades of everyone still waiting (not held by an
    objection, not decided 暂缓评定/免评, not already 审定), and write the 审定表."""
    try:
        with session_scope() as session:
            found = named_cycle(session, cycle)
            done = confirm_rest(session, cycle=found, actor=get_settings().actor)
            written = _write_table(session, found)
    except ApprovalError as exc:
        fail(str(exc))
    out.print(f"已确认 {len(done)} 人的等次")
    if written:
        out.print(f"审定表：{written}")


@app.command("table")
def table(cycle: CycleArg) -> None:
    """审定表 / Write the 审定表 again from the 审定 as it stands."""
    try:
        with session_scope() as session:
            path = write_approval_table(
                session, named_cycle(session, cycle), get_settings().templates_dir
            )
    except ApprovalError as exc:
        fail(str(exc))
    out.print(f"审定表：{path}")
