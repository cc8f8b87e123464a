"""`appraisal duties`: duties recorded through the year by the department that organises them
(谁组织谁记录): events and their attendance, 提案 and the like with their authors and outcomes.
`--account` records as a staff account (its 登记范围 and department); without it the CLI records
as the configured actor, any kind. The portal's 履职登记 pages call the same functions."""

from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from appraisal.clock import office_time, today
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.models.office import ROOT_OFFICE_ID
from appraisal.models.vocab import Attendance, DutySource
from appraisal.recording_rules import AUTHORED, RuleError, event_facts, parse_kind, parse_outcome
from appraisal.settings import get_settings
from appraisal.store.duty_events import NoSuchEvent, add_event, members, record_attendance
from appraisal.store.duty_view import DutyFilter, list_events, list_records
from appraisal.store.offices import office_of
from appraisal.store.proposals import add_proposal, set_outcome
from appraisal.store.recorders import Recorder, recorder_for_account

app = typer.Typer(help="履职登记: duties recorded through the year (events, attendance, 提案).",
                  no_args_is_help=True)  # fmt: skip
event_app = typer.Typer(help="Events (meetings, activities, 调研 ...): add.", no_args_is_help=True)
proposal_app = typer.Typer(help="提案, 社情民意, 发言, 建议, 询问: add.", no_args_is_help=True)
app.add_typer(event_app, name="event")
app.add_typer(proposal_app, name="proposal")

Account = Annotated[
    str | None, typer.Option("--account", help="Record as this staff account (its 登记范围).")
]
EventId = Annotated[int, typer.Argument(metavar="EVENT", help="The event's 编号 (duties events).")]
Codes = Annotated[list[str] | None, typer.Option(help="编号 of a person; repeat for more.")]


def _recorder(session: Session, account: str | None) -> Recorder:
    if account:
        return recorder_for_account(session, account)
    department = office_of(session, ROOT_OFFICE_ID)
    return Recorder(get_settings().actor, department, None, ROOT_OFFICE_ID)


@app.command("events")
def events(
    year: Annotated[int | None, typer.Option(help="年度 (default: this year).")] = None,
    kind: Annotated[str | None, typer.Option(help="履职类别, e.g. 全会.")] = None,
) -> None:
    """List the year's recorded events with their 记录单位 and how many were recorded."""
    try:
        where = DutyFilter(year or today().year, parse_kind(kind) if kind else None)
    except RuleError as exc:
        fail(str(exc))
    with session_scope() as session:
        rows = list_events(session, _recorder(session, None).scope, where)
    table = Table("编号", "日期", "类别", "名称", "记录单位", "办理结果", "已登记", "登记人")
    for row in rows:
        e = row.event
        table.add_row(str(e.id), e.held_on.isoformat(), e.kind.value, e.title, e.organiser,
                      e.outcome.value, str(row.recorded), e.created_by)  # fmt: skip
    out.print(table)


@event_app.command("add")
def event_add(
    kind: Annotated[str, typer.Argument(help="履职类别: 全会, 常委会, 其他会议, 活动, 调研 ...")],
    title: Annotated[str, typer.Argument(help="名称.")],
    held_on: Annotated[str, typer.Option("--date", help="日期, e.g. 2026-03-15.")],
    place: Annotated[str, typer.Option(help="地点.")] = "",
    notes: Annotated[str, typer.Option(help="备注.")] = "",
    account: Account = None,
) -> None:
    """Add an event organised by the recording department; prints its 编号."""
    try:
        with session_scope() as session:
            facts = event_facts(parse_kind(kind), title, held_on, place=place, notes=notes)
            event = add_event(session, recorder=_recorder(session, account), facts=facts)
    except RuleError as exc:
        fail(str(exc))
    out.print(
        f"已登记{event.kind.value}“{event.title}”，编号 {event.id}（记录单位 {event.organiser}）"
    )


@app.command("attend")
def attend(
    event: EventId,
    excused: Codes = None,
    absent: Codes = None,
    only: Annotated[
        list[str] | None,
        typer.Option(help="Record only these people (编号); without it, every member in scope."),
    ] = None,
    account: Account = None,
) -> None:
    """Record attendance: everyone given (or every member) present, except --excused and
    --absent. Recording again changes the records and keeps the old values in the audit log."""
    try:
        with session_scope() as session:
            recorder = _recorder(session, account)
            codes = only or [p.code for p in members(session, recorder.scope)]
            marks = {c: Attendance.PRESENT for c in codes}
            marks |= {c: Attendance.EXCUSED for c in excused or []}
            marks |= {c: Attendance.UNEXCUSED for c in absent or []}
            done = record_attendance(session, event_id=event, marks=marks, recorder=recorder)
    except (RuleError, NoSuchEvent) as exc:
        fail(str(exc))
    out.print(
        f"活动 {event}：新登记 {done.added} 人，更改 {done.updated} 人，未变 {done.unchanged} 人"
    )


@proposal_app.command("add")
def proposal_add(
    title: Annotated[str, typer.Argument(help="题目.")],
    lead: Annotated[str, typer.Option(help="领衔人 (or sole author): 编号.")],
    held_on: Annotated[str, typer.Option("--date", help="提交日期, e.g. 2026-03-15.")],
    cosigner: Codes = None,
    kind: Annotated[str, typer.Option(help="提案, 社情民意, 发言, 建议 or 询问.")] = "提案",
    account: Account = None,
) -> None:
    """Record a 提案 (or 社情民意, 发言, 建议, 询问) with its lead author and co-signers."""
    try:
        with session_scope() as session:
            facts = event_facts(parse_kind(kind), title, held_on, kinds=AUTHORED)
            event = add_proposal(session, recorder=_recorder(session, account), facts=facts,
                                 lead=lead, cosigners=cosigner or [])  # fmt: skip
    except RuleError as exc:
        fail(str(exc))
    signed = 1 + len(cosigner or [])
    out.print(f"已登记{event.kind.value}“{event.title}”，编号 {event.id}，共 {signed} 人署名")


@app.command("outcome")
def outcome(
    event: EventId,
    result: Annotated[str, typer.Argument(metavar="OUTCOME", help="立案, 重点, 优秀, 采用, 批示.")],
    account: Account = None,
) -> None:
    """Record a 提案's (or 社情民意's ...) outcome on it and on each author's record."""
    try:
        with session_scope() as session:
            done = set_outcome(session, event_id=event, outcome=parse_outcome(result),
                               recorder=_recorder(session, account))  # fmt: skip
    except (RuleError, NoSuchEvent) as exc:
        fail(str(exc))
    out.print(f"编号 {event}：办理结果 {result}，更改 {done.updated} 条记录")


@app.command("list")
def list_(
    year: Annotated[int | None, typer.Option(help="年度 (default: this year).")] = None,
    kind: Annotated[str | None, typer.Option(help="履职类别.")] = None,
    person: Annotated[str | None, typer.Option(help="编号 or 姓名.")] = None,
    source: Annotated[str | None, typer.Option(help="导入, 登记 or 本人申报.")] = None,
) -> None:
    """List the year's duty records with who recorded each and when."""
    try:
        found = next((s for s in DutySource if s.value == source), None) if source else None
        if source and found is None:
            raise RuleError(f"没有“{source}”这种来源；可选：导入、登记、本人申报")
        where = DutyFilter(year or today().year, parse_kind(kind) if kind else None,
                           source=found, person=person or "")  # fmt: skip
    except RuleError as exc:
        fail(str(exc))
    with session_scope() as session:
        rows = list_records(session, _recorder(session, None).scope, where)
    table = Table(
        "编号", "姓名", "日期", "类别", "名称", "情况", "来源", "记录单位", "登记人", "登记时间"
    )
    for row in rows:
        r = row.record
        state = str(r.attendance or r.role or "")
        if r.outcome.value != "无":
            state += f" {r.outcome.value}"
        at = office_time(r.recorded_at).strftime("%Y-%m-%d %H:%M") if r.recorded_at else ""
        table.add_row(row.code, row.name, r.held_on.isoformat() if r.held_on else "",
                      r.kind.value, r.title, state.strip(), r.source.value, row.organiser,
                      r.recorded_by.removeprefix("staff:"), at)  # fmt: skip
    out.print(table)
