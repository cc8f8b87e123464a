"""履职登记 pages (谁组织谁记录): the year's events and records with filters, an event's member list
with 出席 / 请假 / 缺席 for each (made for a phone), and the 提案 form. A 登记 account records the
duty kinds of its scope; 经办 and 管理员 any kind. The same core functions as `appraisal duties`."""

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from appraisal.clock import today
from appraisal.db import session_scope
from appraisal.models.vocab import Attendance, DutyKind, DutySource
from appraisal.portal.access import staff
from appraisal.portal.limits import RowId
from appraisal.portal.web import check_csrf, page, staff_change
from appraisal.recording_rules import (
    ATTENDED,
    AUTHORED,
    OUTCOMES,
    RuleError,
    event_facts,
    parse_kind,
    parse_outcome,
)
from appraisal.roles import Action
from appraisal.store.duty_events import (
    NoSuchEvent,
    add_event,
    event_records,
    get_event,
    members,
    record_attendance,
)
from appraisal.store.duty_view import DutyFilter, list_events, list_records, organisers
from appraisal.store.proposals import add_proposal, set_outcome
from appraisal.store.recorders import recorder_of

router = APIRouter()
Text = Query(default="", max_length=64)
# A member list of this many people fits one form (three choices each).
MAX_MEMBERS = 2000


def _text(form: FormData, name: str, limit: int = 256) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def _may_record(me: Any) -> list[str]:
    """The kinds the member may record, in DutyKind's order."""
    if not me.may(Action.RECORD):
        return []
    if me.may(Action.RUN):
        return [k.value for k in DutyKind]
    return [k.value for k in DutyKind if k in me.duty_kinds]


@router.get("/duties")
def duties(
    request: Request,
    year: int | None = Query(default=None, ge=1900, le=2100),
    kind: str = Text,
    organiser: str = Text,
    source: str = Text,
    person: str = Text,
) -> Response:
    me = staff(request)
    chosen = next((k for k in DutyKind if k.value == kind), None)
    where = DutyFilter(
        year or today().year, chosen, organiser.strip(),
        next((s for s in DutySource if s.value == source), None), person.strip(),
    )  # fmt: skip
    with session_scope() as session:
        events = list_events(session, me.scope, where)
        records = list_records(session, me.scope, where)
        departments = organisers(session, me.scope, where.year)
    mine = _may_record(me)
    query = {"year": year or "", "kind": kind, "organiser": organiser, "source": source,
             "person": person}  # fmt: skip
    return page(
        request, "duties.html", where=where, events=events, records=records,
        kinds=[k.value for k in DutyKind], sources=[s.value for s in DutySource],
        departments=departments, query=query, kept=urlencode({k: v for k, v in query.items() if v}),
        event_kinds=[k for k in mine if parse_kind(k) in ATTENDED],
        authored_kinds=[k for k in mine if parse_kind(k) in AUTHORED], today=today(),
    )  # fmt: skip


@router.post("/duties/events")
async def new_event(request: Request) -> Response:
    me = staff(request, Action.RECORD)
    form = await request.form(max_files=0, max_fields=8)
    check_csrf(request, form.get("csrf"))
    made: list[int] = []

    def change(session: Any) -> str:
        facts = event_facts(parse_kind(_text(form, "kind", 16)), _text(form, "title"),
                            _text(form, "held_on", 16), place=_text(form, "place"),
                            notes=_text(form, "notes", 1024))  # fmt: skip
        event = add_event(session, recorder=recorder_of(me), facts=facts)
        made.append(event.id or 0)
        return f"已登记{event.kind.value}“{event.title}”：请在下面登记出席情况"

    staff_change(request, me.actor, action="add duty event", detail=_text(form, "title"),
                 refused=RuleError, change=change)  # fmt: skip
    return RedirectResponse(f"/duties/events/{made[0]}" if made else "/duties", status_code=303)


def _scoped_event(me: Any, event_id: int) -> None:
    """404 for an event no office of the member's holds (the same answer as for no event)."""
    with session_scope() as session:
        try:
            get_event(session, event_id, me.scope)
        except NoSuchEvent as exc:
            raise HTTPException(404, str(exc)) from None


@router.get("/duties/events/{duty_event_id}")
def event_page(request: Request, duty_event_id: RowId) -> Response:
    me = staff(request)
    _scoped_event(me, duty_event_id)
    with session_scope() as session:
        event = get_event(session, duty_event_id, me.scope)
        records = event_records(session, event)
        people = members(session, me.scope)[:MAX_MEMBERS]
        listed = {p.id for p in people}
        authors = [(p, records[p.id or 0]) for p in people if p.id in records]
    rows = [(p, records.get(p.id or 0)) for p in people]
    missing = len([pid for pid in records if pid not in listed])
    may = event.kind.value in _may_record(me)
    return page(
        request, "duty_event.html", event=event, rows=rows, authors=authors, may=may,
        attended=event.kind in ATTENDED, choices=[a.value for a in Attendance],
        outcomes=[o.value for o in OUTCOMES.get(event.kind, ())], missing=missing,
        recorded=len(records),
    )  # fmt: skip


@router.post("/duties/events/{duty_event_id}/attendance")
async def attendance(request: Request, duty_event_id: RowId) -> Response:
    me = staff(request, Action.RECORD)
    _scoped_event(me, duty_event_id)
    form = await request.form(max_files=0, max_fields=2 + MAX_MEMBERS)
    check_csrf(request, form.get("csrf"))
    words = {a.value: a for a in Attendance}
    marks = {
        key.removeprefix("a-")[:64]: words[value]
        for key, value in form.multi_items()
        if key.startswith("a-") and isinstance(value, str) and value in words
    }
    back = RedirectResponse(f"/duties/events/{duty_event_id}", status_code=303)
    if not marks:
        return back

    def change(session: Any) -> str:
        done = record_attendance(session, event_id=duty_event_id, marks=marks,
                                 recorder=recorder_of(me))  # fmt: skip
        return (f"已保存出席情况：新登记 {done.added} 人，更改 {done.updated} 人，"
                f"未变 {done.unchanged} 人")  # fmt: skip

    staff_change(request, me.actor, action="record attendance", detail=f"event {duty_event_id}",
                 refused=(RuleError, NoSuchEvent), change=change)  # fmt: skip
    return back


@router.post("/duties/events/{duty_event_id}/outcome")
async def outcome(request: Request, duty_event_id: RowId) -> Response:
    me = staff(request, Action.RECORD)
    _scoped_event(me, duty_event_id)
    form = await request.form(max_files=0, max_fields=2)
    check_csrf(request, form.get("csrf"))
    back = RedirectResponse(f"/duties/events/{duty_event_id}", status_code=303)
    if not _text(form, "outcome", 8):
        return back

    def change(session: Any) -> str:
        result = parse_outcome(_text(form, "outcome", 8))
        done = set_outcome(session, event_id=duty_event_id, outcome=result,
                           recorder=recorder_of(me))  # fmt: skip
        return f"办理结果已记为“{result.value}”，更改 {done.updated} 条记录"

    staff_change(request, me.actor, action="record outcome", detail=f"event {duty_event_id}",
                 refused=(RuleError, NoSuchEvent), change=change)  # fmt: skip
    return back


@router.get("/duties/proposals/new")
def proposal_form(request: Request) -> Response:
    me = staff(request, Action.RECORD)
    with session_scope() as session:
        people = members(session, me.scope)[:MAX_MEMBERS]
    kinds = [k for k in _may_record(me) if parse_kind(k) in AUTHORED]
    return page(request, "duty_proposal.html", people=people, kinds=kinds, today=today())


@router.post("/duties/proposals")
async def new_proposal(request: Request) -> Response:
    me = staff(request, Action.RECORD)
    form = await request.form(max_files=0, max_fields=8 + MAX_MEMBERS)
    check_csrf(request, form.get("csrf"))
    made: list[int] = []
    cosigners = [v[:64] for v in form.getlist("cosigner") if isinstance(v, str)]

    def change(session: Any) -> str:
        facts = event_facts(parse_kind(_text(form, "kind", 16) or DutyKind.PROPOSAL.value),
                            _text(form, "title"), _text(form, "held_on", 16),
                            notes=_text(form, "notes", 1024), kinds=AUTHORED)  # fmt: skip
        event = add_proposal(session, recorder=recorder_of(me), facts=facts,
                             lead=_text(form, "lead", 64), cosigners=cosigners)  # fmt: skip
        made.append(event.id or 0)
        return f"已登记{event.kind.value}“{event.title}”，共 {1 + len(set(cosigners))} 人署名"

    staff_change(request, me.actor, action="add proposal", detail=_text(form, "title"),
                 refused=RuleError, change=change)  # fmt: skip
    return RedirectResponse(
        f"/duties/events/{made[0]}" if made else "/duties/proposals/new", status_code=303
    )
