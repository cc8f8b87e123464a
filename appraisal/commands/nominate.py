"""`appraisal nominate`: nominations from the nominating bodies (提名推荐) and staff's decisions."""

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from appraisal.clock import today
from appraisal.commands._cycle_arg import named_cycle
from appraisal.commands.roster import show_counts, show_issues, show_warnings
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.models.vocab import NominationStatus
from appraisal.settings import get_settings
from appraisal.sheets import WorkbookError
from appraisal.sheets.nominations import write_nomination_template
from appraisal.store import nominations
from appraisal.store.nomination_files import write_nomination_summary

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


@app.command("list")
def list_(cycle: CycleArg) -> None:
    """推荐人选 / Every nomination of the cycle by body: its problems, warnings and decision."""
    with session_scope() as session:
        views = nominations.nominations_of(session, named_cycle(session, cycle))
    if not views:
        out.print("尚无推荐人选：`appraisal nominate import` 导入推荐表格")
        return
    table = Table(
        "序号", "推荐单位", "姓名", "编号", "统战对象类别", "推荐层级", "决定", "问题", "提示"
    )
    for v in views:
        n = v.nomination
        decided = n.status.value + (f"（{n.decision_reason}）" if n.decision_reason else "")
        body = n.body + ("（网上提交）" if n.source == nominations.ONLINE else "")
        table.add_row(str(v.id), body, v.candidate.name, n.person_code or "（新）",
                      v.candidate.category, n.tier.value, decided,
                      "；".join(v.findings.problems), "；".join(v.findings.warnings))  # fmt: skip
    out.print(table)
    counts = Counter(v.nomination.status.value for v in views)
    out.print("合计：" + "，".join(f"{s.value} {counts[s.value]} 条" for s in NominationStatus))


@app.command("decide")
def decide(
    cycle: CycleArg,
    nomination: Annotated[int, typer.Argument(help="The nomination's 序号 (from `list`).")],
    status: Annotated[str, typer.Argument(help="采纳 or 不采纳.")],
    reason: Annotated[str, typer.Option(help="Why; required for 不采纳.")] = "",
) -> None:
    """采纳或不采纳 / Decide a nomination (and the other bodies' nominations of the same person):
    采纳 makes the candidate a member of the cycle. Audit-logged; only at the mobilization and
    nomination stages."""
    if status not in (NominationStatus.ACCEPTED.value, NominationStatus.DECLINED.value):
        fail(f"未知的决定“{status}”：请用 采纳 或 不采纳 / decide 采纳 or 不采纳")
    try:
        with session_scope() as session:
            done = nominations.decide_nomination(
                session, named_cycle(session, cycle), nomination, NominationStatus(status),
                reason=reason, actor=get_settings().actor,
            )  # fmt: skip
            person = (done.person.code, done.person.name) if done.person else None
    except nominations.NominationError as exc:
        fail(str(exc))
    together = (
        f"（与第{'、'.join(map(str, done.decided))}号一并决定）" if len(done.decided) > 1 else ""
    )
    out.print(f"第{nomination}号推荐：{done.status.value}{together}")
    if person:
        made = "新建人员记录，" if done.created else ""
        out.print(
            f"{made}{person[0]} {person[1]} 已列入本周期评价对象（入库待周期结束后调整时决定）"
        )


@app.command("summary")
def summary(cycle: CycleArg) -> None:
    """推荐人选汇总表 / Write the cycle's 推荐人选汇总表 (by body and by 统战对象类别)."""
    try:
        with session_scope() as session:
            done = write_nomination_summary(
                session, named_cycle(session, cycle), on=today(),
                templates_dir=get_settings().templates_dir,
            )  # fmt: skip
    except nominations.NominationError as exc:
        fail(str(exc))
    out.print(f"已写出推荐人选汇总表（{done.nominations} 条推荐）：{done.path}")
