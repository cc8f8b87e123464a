"""`appraisal hold`: results an objection holds (暂缓) and staff's decision on each."""

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from appraisal.commands._cycle_arg import named_cycle
from appraisal.commands._grade_arg import kept_or_changed
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.models.vocab import HoldStatus
from appraisal.settings import get_settings
from appraisal.store.holds import HoldError, decide_hold, list_holds

app = typer.Typer(
    help="暂缓 / Results an objection holds until staff decide 核实后维持 or 调整.",
    no_args_is_help=True,
)

CycleArg = Annotated[str, typer.Argument(help="Cycle number or name.")]


@app.command("list")
def list_(cycle: CycleArg) -> None:
    """异议暂缓 / Every objection that holds a result: who objected, its words, the decision."""
    with session_scope() as session:
        rows = list_holds(session, named_cycle(session, cycle))
    if not rows:
        out.print("本周期没有因征求意见异议暂缓的结果")
        return
    table = Table("编号", "姓名", "等次", "提出单位", "异议", "状态", "决定")
    for r in rows:
        h = r.hold
        decided = ""
        if h.status != HoldStatus.PENDING:
            change = f"{h.original_grade}→{h.new_grade}：" if h.new_grade else ""
            decided = f"{change}{h.decision_reason}（{h.decided_by}）"
        table.add_row(r.code, r.name, r.grade, escape(h.body), escape(h.text),
                      h.status.value, escape(decided))  # fmt: skip
    out.print(table)
    pending = sum(r.hold.status == HoldStatus.PENDING for r in rows)
    out.print(f"异议 {len(rows)} 件，待核实 {pending} 件")


@app.command("decide")
def decide(
    cycle: CycleArg,
    code: Annotated[str, typer.Argument(help="The person's 编号.")],
    reason: Annotated[str, typer.Option(help="What the verification found.")],
    keep: Annotated[bool, typer.Option("--keep", help="核实后维持: the grade stands.")] = False,
    change: Annotated[
        str, typer.Option("--change", help="调整: the new grade, one of the scheme's.")
    ] = "",
) -> None:
    """核实决定 / Decide the objection holding a person's result: --keep (核实后维持) or
    --change GRADE (调整), with --reason; audit-logged. They are then put to 审定, and told once
    审定 (`appraisal cycle advance` makes their notice if the others were told already)."""
    new = kept_or_changed(keep, change, "核实后维持", "调整")
    try:
        with session_scope() as session:
            found = named_cycle(session, cycle)
            holds = decide_hold(session, cycle=found, code=code, new_grade=new, reason=reason,
                                actor=get_settings().actor)  # fmt: skip
            status = holds[0].status.value
    except HoldError as exc:
        fail(str(exc))
    grade = f"，等次调整为“{new.value}”" if new else ""
    out.print(f"{code} 异议核实：{status}{grade}；待审定（appraisal approve grade）")
