"""`appraisal pool`: the rolling adjustment of the pool after a cycle (有进有出): the proposal,
staff's decision per person, approval, and the documents approval writes."""

from typing import Annotated

import typer
from rich.table import Table

from appraisal.clock import today
from appraisal.commands._cycle_arg import named_cycle
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.models.vocab import PoolMove
from appraisal.settings import get_settings
from appraisal.store import pool
from appraisal.store.pool_files import write_pool_files

app = typer.Typer(
    help="人才库滚动调整 / The pool's rolling adjustment (有进有出) after evaluation.",
    no_args_is_help=True,
)

CycleArg = Annotated[str, typer.Argument(help="Cycle number or name.")]
MOVES = "、".join(m.value for m in PoolMove)


def _board(cycle: str) -> pool.PoolBoard:
    with session_scope() as session:
        found = pool.board(session, named_cycle(session, cycle))
    if not found.scored:
        fail("尚无评价结果：综合评价阶段还未运行 / the evaluation stage has not run")
    return found


def _warnings(found: pool.PoolBoard) -> None:
    for warning in found.over.values():
        out.print(f"[yellow]名额提示：{warning}[/]")


@app.command("propose")
def propose(cycle: CycleArg) -> None:
    """调整建议 / What the scheme proposes for each person: 入库, 保留, 晋升 (精英→代表人士),
    调整 (代表人士→精英) or 出库, with the reason."""
    found = _board(cycle)
    table = Table("编号", "姓名", "原梯队", "建议", "新梯队", "理由", "名额提示")
    for r in found.rows:
        if r.proposed is not PoolMove.KEEP:
            table.add_row(r.code, r.name, _tier(r.from_tier), r.proposed.value,
                          _tier(r.to_tier), r.proposed_reason, r.warning)  # fmt: skip
    out.print(table)
    kept = sum(r.proposed is PoolMove.KEEP for r in found.rows)
    out.print(f"其余 {kept} 人建议保留")
    _warnings(found)


@app.command("list")
def list_decisions(cycle: CycleArg) -> None:
    """逐人决定 / Every person's proposal and decision, and whether the adjustment is approved."""
    found = _board(cycle)
    table = Table("编号", "姓名", "原梯队", "建议", "决定", "新梯队", "理由", "经办人")
    for r in found.rows:
        decided = r.decided.value if r.decided else "待决定"
        if r.changed:
            decided += "（已改变建议）"
        table.add_row(r.code, r.name, _tier(r.from_tier), r.proposed.value, decided,
                      _tier(r.to_tier), r.reason, r.decided_by)  # fmt: skip
    out.print(table)
    counts = "，".join(f"{m.value} {n} 人" for m, n in found.counts.items())
    out.print(f"合计：{counts}；待决定 {len(found.undecided)} 人")
    if found.approved:
        out.print(f"已由 {found.approved_by} 审核批准（{found.approved_at:%Y-%m-%d}）")
    _warnings(found)


@app.command("decide")
def decide(
    cycle: CycleArg,
    person: Annotated[str, typer.Argument(help="The person's 编号.")],
    kind: Annotated[str, typer.Argument(help=f"{MOVES}.")],
    reason: Annotated[
        str, typer.Option(help="Why; required when the decision differs from the proposal.")
    ] = "",
) -> None:
    """逐人决定 / Decide one person: confirm the proposal, or another move with --reason
    (audit-logged; tiers change only when the adjustment is approved)."""
    try:
        move = PoolMove(kind)
    except ValueError:
        fail(f"未知的调整“{kind}”：请用 {MOVES} / unknown move {kind!r}")
    try:
        with session_scope() as session:
            row = pool.decide(session, named_cycle(session, cycle), person, move,
                              reason=reason, actor=get_settings().actor)  # fmt: skip
    except pool.PoolError as exc:
        fail(str(exc))
    out.print(f"{row.code} {row.name}：{row.move.value}（{row.reason}）")
    if row.warning:
        out.print(f"[yellow]名额提示：{row.warning}[/]")


@app.command("confirm")
def confirm(cycle: CycleArg) -> None:
    """其余按建议 / Decide everyone not yet decided as proposed (audit-logged)."""
    try:
        with session_scope() as session:
            n = pool.confirm_rest(session, named_cycle(session, cycle), actor=get_settings().actor)
    except pool.PoolError as exc:
        fail(str(exc))
    out.print(f"已按建议决定 {n} 人")


@app.command("approve")
def approve(cycle: CycleArg) -> None:
    """审核批准 / Approve every decision: tiers and memberships change today, and the
    滚动调整审批表 and 人才库名单 are written. Approving again changes nothing."""
    settings = get_settings()
    try:
        with session_scope() as session:
            found = named_cycle(session, cycle)
            done = pool.approve(session, found, actor=settings.actor, on=today())
        with session_scope() as session:
            files = write_pool_files(session, found, settings.templates_dir)
    except pool.PoolError as exc:
        fail(str(exc))
    counts = "，".join(f"{m.value} {n} 人" for m, n in done.counts.items())
    out.print(f"已审核批准人才库调整：{counts}；本次变动 {done.changed} 人")
    for warning in done.warnings.values():
        out.print(f"[yellow]名额提示：{warning}[/]")
    out.print(f"审批表：{files.form}\n人才库名单：{files.pool_list}")


def _tier(tier: object) -> str:
    return getattr(tier, "value", "—")
