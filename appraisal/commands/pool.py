"""`appraisal pool`: the pool adjustment a cycle proposes, and applying it."""

from typing import Annotated

import typer
from rich.table import Table

from appraisal.clock import today
from appraisal.commands._cycle_arg import named_cycle
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.settings import get_settings
from appraisal.store import pool

app = typer.Typer(
    help="人才库调整 / The talent pool (人才库) adjustment after evaluation.", no_args_is_help=True
)


@app.command("propose")
def propose(cycle: Annotated[str, typer.Argument(help="Cycle number or name.")]) -> None:
    """人才库调整建议 / Show what the scheme proposes for each person: leave, stay or eligible
    to move up."""
    with session_scope() as session:
        rows = pool.propose(session, named_cycle(session, cycle))
    if not rows:
        fail("尚无评价结果：综合评价阶段还未运行 / the evaluation stage has not run")
    table = Table("编号", "姓名", "梯队", "建议", "理由")
    for p in rows:
        if p.decision != pool.STAY:
            table.add_row(p.code, p.name, p.tier, p.decision, p.reason)
    out.print(table)
    out.print(f"其余 {sum(p.decision == pool.STAY for p in rows)} 人保留")


@app.command("apply")
def apply(cycle: Annotated[str, typer.Argument(help="Cycle number or name.")]) -> None:
    """执行人才库调整 / Record the proposed adjustment with reasons and today's date
    (audit-logged)."""
    with session_scope() as session:
        found = named_cycle(session, cycle)
        counts = pool.apply(session, found, on=today(), actor=get_settings().actor)
    out.print("，".join(f"{k} {n} 人" for k, n in counts.items()))
