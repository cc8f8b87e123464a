"""`appraisal ballots`: the 民主测评票 sheets of a cycle and their counts, read back. The
portal's 计票 page calls the same functions."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from appraisal.ballot_sheets import VOTES
from appraisal.commands._cycle_arg import cycle_number
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.settings import get_settings
from appraisal.sheets import WorkbookError
from appraisal.sheets.ballots import read_count_book, write_count_book
from appraisal.store import ballots
from appraisal.store.ballots import BallotError, Entered, SheetCounts, Votes
from appraisal.store.cycles import get_cycle

app = typer.Typer(
    help="民主测评票 / The ballot sheets of a cycle and their counts (计票).",
    no_args_is_help=True,
)

CycleArg = Annotated[str, typer.Argument(help="Cycle number or name.")]
SheetArg = Annotated[str, typer.Argument(help="The sheet's 文档编号 (AP-0001-AS-…).")]
Reason = Annotated[
    str, typer.Option("--reason", help="依据：needed when counts differ from those on record.")
]


def _after(cycle_id: int, done: Entered) -> None:
    out.print(f"计票结果：{done.words()} / counts recorded", markup=False)
    for title in done.counted:
        out.print(f"  {title}", markup=False)
    with session_scope() as session:
        left = ballots.uncounted_sheets(session, cycle_id)
    if left:
        out.print(f"尚有 {len(left)} 张测评票未计票 / still to be counted", markup=False)
    else:
        out.print(
            f"全部测评票已计票：运行 appraisal cycle advance {cycle_id} 生成民主测评结果汇总表 / "
            "every sheet is counted",
            markup=False,
        )


@app.command("sheets")
def sheets(cycle: CycleArg) -> None:
    """Every sheet: its rater group, the people it lists, and whether it is counted."""
    cycle_id = cycle_number(cycle)
    with session_scope() as session:
        found = ballots.ballot_sheets(session, cycle_id)
    if not found:
        out.print("本周期尚未印制民主测评票（组织考核阶段生成）/ no sheets yet", markup=False)
        return
    table = Table("文档编号", "测评组别", "张次", "人数", "发出", "收回", "状态",
                  title=f"第{cycle_id}号考核周期 民主测评票（{len(found)} 张）",
                  title_justify="left")  # fmt: skip
    for s in found:
        state = f"{s.state}（{s.waived}）" if s.waived else s.state
        table.add_row(s.document_id, s.group, s.label, str(len(s.people)),
                      "" if s.issued is None else str(s.issued),
                      "" if s.returned is None else str(s.returned), state)  # fmt: skip
    out.print(table)
    left = sum(not s.counted for s in found)
    out.print(f"未计票 {left} 张 / uncounted: {left}", markup=False)


@app.command("show")
def show(cycle: CycleArg, sheet: SheetArg) -> None:
    """One sheet's people and the votes on record for each."""
    cycle_id = cycle_number(cycle)
    try:
        with session_scope() as session:
            found = ballots.find_sheet(ballots.ballot_sheets(session, cycle_id), sheet)
    except BallotError as exc:
        fail(str(exc))
    table = Table("序号", "编号", "姓名", *VOTES, title=f"{found.title}：{found.state}",
                  title_justify="left")  # fmt: skip
    for n, p in enumerate(found.people, 1):
        table.add_row(str(n), p.code, p.name, *(str(v) for v in (p.votes or ())))
    out.print(table)


def _votes(text: str) -> tuple[str, Votes]:
    code, _, rest = text.partition("=")
    parts = [v.strip() for v in rest.replace("，", ",").split(",")]
    try:
        numbers = [int(v) for v in parts]
    except ValueError:
        numbers = []
    if not code.strip() or len(numbers) != len(VOTES):
        fail(
            f"--votes “{text}” 应写成 编号=优秀,称职,基本称职,不称职,弃权，如 P00001=5,3,1,0,0 / "
            "give five numbers"
        )
    return code.strip(), (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4])


@app.command("enter")
def enter(
    cycle: CycleArg,
    sheet: SheetArg,
    issued: Annotated[int, typer.Option("--issued", help="发出: ballots handed out.")],
    returned: Annotated[int, typer.Option("--returned", help="收回: ballots back in the box.")],
    votes: Annotated[
        list[str],
        typer.Option(
            "--votes",
            help="编号=优秀,称职,基本称职,不称职,弃权 for each person on the sheet (repeat).",
        ),
    ],
    reason: Reason = "",
) -> None:
    """Enter one sheet's counts: for each person the votes and 弃权 add up to 收回 (a ballot
    with no tick for someone is an abstention for them); 收回 ≤ 发出."""
    cycle_id = cycle_number(cycle)
    counts = SheetCounts(issued, returned, dict(_votes(v) for v in votes))
    try:
        with session_scope() as session:
            done = ballots.enter_counts(session, cycle_id, [(sheet, counts)],
                                        actor=get_settings().actor, reason=reason)  # fmt: skip
    except BallotError as exc:
        fail(str(exc))
    _after(cycle_id, done)


@app.command("workbook")
def workbook(
    cycle: CycleArg, path: Annotated[Path, typer.Argument(help="The .xlsx to write.")]
) -> None:
    """Write the 计票汇总表: a block per sheet for the tellers to fill in."""
    cycle_id = cycle_number(cycle)
    with session_scope() as session:
        blocks = ballots.count_book_blocks(session, cycle_id)
        name = get_cycle(session, cycle_id).name
    if not blocks:
        fail("本周期尚未印制民主测评票（组织考核阶段生成）/ no sheets yet")
    write_count_book(path, name, blocks)
    out.print(f"已写出计票汇总表 {path}（{len(blocks)} 张测评票）/ written", markup=False)


@app.command("import")
def import_(
    cycle: CycleArg,
    path: Annotated[Path, typer.Argument(help="The filled 计票汇总表 (.xlsx).")],
    reason: Reason = "",
) -> None:
    """Import a filled 计票汇总表, all or nothing; blocks left blank are skipped."""
    cycle_id = cycle_number(cycle)
    try:
        blocks = read_count_book(path, max_bytes=get_settings().max_workbook_bytes)
        with session_scope() as session:
            done = ballots.import_count_book(session, cycle_id, path.name, blocks,
                                             actor=get_settings().actor, reason=reason)  # fmt: skip
    except (WorkbookError, BallotError) as exc:
        fail(str(exc))
    _after(cycle_id, done)


@app.command("waive")
def waive(
    cycle: CycleArg,
    sheet: SheetArg,
    reason: Annotated[str, typer.Option("--reason", help="Why the sheet is not counted.")],
) -> None:
    """Waive counting a sheet (lost, spoilt, the group did not meet), with a reason; its people
    are scored on their other groups' votes."""
    cycle_id = cycle_number(cycle)
    try:
        with session_scope() as session:
            found = ballots.waive_sheet(session, cycle_id, sheet, actor=get_settings().actor,
                                        reason=reason)  # fmt: skip
    except BallotError as exc:
        fail(str(exc))
    out.print(f"已免计票：{found.title}（{reason}）/ waived", markup=False)
