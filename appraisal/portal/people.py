"""The pool as staff look it up: a person list with search and filters, and one person's page
(every field the roster declares, pool stays, cycles and results, history of changes)."""

from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from appraisal.db import session_scope
from appraisal.employer_split import unsplit
from appraisal.information_form import write_information_form
from appraisal.models.vocab import EntryKind, Merit, TalkKind, Tier
from appraisal.person_words import change_what, person_facts
from appraisal.portal.access import staff
from appraisal.portal.downloads import download_name
from appraisal.portal.limits import RowId, field
from appraisal.portal.web import check_csrf, flash, log_access, page, staff_change
from appraisal.roles import Action
from appraisal.store.changes import as_text
from appraisal.store.figures_view import figure_of
from appraisal.store.offices import Scope
from appraisal.store.people_view import PeopleFilter, filter_choices, find_people, person_record
from appraisal.store.person_info import (
    EDITABLE,
    NoSuchPerson,
    PersonInfoError,
    add_entry,
    parse_entry,
    person_in_scope,
    remove_entry,
    set_person_field,
    unsplit_people,
)
from appraisal.store.talks import add_talk, change_talk, parse_talk, remove_talk

router = APIRouter()

NO_PERSON = "没有这个人员，或其不属于您的单位"
Text = Annotated[str, Query(max_length=64)]


@router.get("/people")
def people(
    request: Request,
    q: Text = "",
    tier: Text = "",
    category: Text = "",
    sector: Text = "",
    unit: Text = "",
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    me = staff(request)
    chosen_tier = next((t for t in Tier if t.value == tier), None)
    where = PeopleFilter(
        text=q.strip(), tier=chosen_tier, category=category, sector=sector, unit=unit.strip()
    )
    with session_scope() as session:
        found = find_people(session, me.scope, where, page_no)
        choices = filter_choices(session, me.scope)
        waiting = [(p.code, p.name, p.employer) for p in unsplit_people(session, me.scope)]
    query = {"q": q, "tier": tier, "category": category, "sector": sector, "unit": unit}
    kept = urlencode({k: v for k, v in query.items() if v})
    return page(
        request, "people.html", user=me.username, me=me, found=found, query=query,
        tiers=[t.value for t in Tier], choices=choices, kept=kept,
        filtered=any(query.values()), unsplit=waiting,
    )  # fmt: skip


@router.get("/people/{code}")
def person(request: Request, code: str) -> Response:
    me = staff(request)
    with session_scope() as session:
        record = person_record(session, me.scope, code[:64])
        figure = figure_of(session, record.person.id or 0) if record is not None else None
    if record is None:
        raise HTTPException(404, NO_PERSON)
    p = record.person
    fields = person_facts(p)
    changes = [
        {
            "at": e.at,
            "what": change_what(e.entity, e.entity_key, e.field),
            "before": e.before or "",
            "after": e.after or "",
            "actor": e.actor.removeprefix("staff:"),
            "reason": e.reason,
        }
        for e in record.changes
    ]
    return page(
        request, "person.html", user=me.username, me=me, record=record, fields=fields,
        changes=changes, can_edit=me.may(Action.RUN), editable=list(EDITABLE),
        unsplit=unsplit(p.employer, p.post), kinds=[k.value for k in EntryKind],
        merits=[m.value for m in Merit], figure=figure,
        talk_kinds=[k.value for k in TalkKind],
    )  # fmt: skip


@router.post("/people/{code}/fields")
def set_field(
    request: Request,
    code: str,
    csrf: Annotated[str, field("csrf")] = "",
    name: Annotated[str, field("field")] = "",
    value: Annotated[str, field("value")] = "",
    reason: Annotated[str, field("reason")] = "",
) -> Response:
    """One field corrected, with the reason the audit log keeps."""
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    code = _owned(me.scope, code)
    try:
        with session_scope() as session:
            before, after = set_person_field(
                session, code=code, field=name, value=value, actor=me.actor, reason=reason,
                scope=me.scope,
            )  # fmt: skip
            log_access(session, request, actor=me.actor, action="person field",
                       detail=f"{code} {name}")  # fmt: skip
    except PersonInfoError as exc:
        flash(request, str(exc), "error")
    else:
        if before == after:
            flash(request, f"{name} 未变 / unchanged")
        else:
            flash(request, f"已修改 {name}：{as_text(before) or '—'} → {as_text(after) or '—'}",
                  "ok")  # fmt: skip
    return _back(code)


@router.post("/people/{code}/entries")
def add_record(
    request: Request,
    code: str,
    csrf: Annotated[str, field("csrf")] = "",
    kind: Annotated[str, field("entry_kind")] = "",
    start: Annotated[str, field("start")] = "",
    end: Annotated[str, field("end")] = "",
    text: Annotated[str, field("entry_text")] = "",
    merit: Annotated[str, field("merit")] = "",
    reason: Annotated[str, field("reason")] = "",
) -> Response:
    """A 简历, 奖惩, 培训 or 挂职 entry added to the person's file."""
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    code = _owned(me.scope, code)

    def change(session: Session) -> str:
        entry = parse_entry(kind, start, end, text, merit if kind == EntryKind.MERIT else "")
        add_entry(session, code=code, entry=entry, actor=me.actor, reason=reason, scope=me.scope)
        return f"已添加{kind}记录：{text.strip()}"

    staff_change(request, me.actor, action="person entry", detail=f"{code} {kind}",
                 refused=PersonInfoError, change=change)  # fmt: skip
    return _back(code)


@router.post("/people/{code}/entries/{entry_id}/remove")
def remove_record(
    request: Request,
    code: str,
    entry_id: RowId,
    csrf: Annotated[str, field("csrf")] = "",
    reason: Annotated[str, field("reason")] = "",
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    code = _owned(me.scope, code)

    def change(session: Session) -> str:
        row = remove_entry(session, code=code, entry_id=entry_id, actor=me.actor, reason=reason,
                           scope=me.scope)  # fmt: skip
        return f"已删除{row.kind.value}记录：{row.text}"

    staff_change(request, me.actor, action="person entry removed", detail=f"{code} {entry_id}",
                 refused=PersonInfoError, change=change)  # fmt: skip
    return _back(code)


@router.post("/people/{code}/talks")
def add_talk_record(
    request: Request,
    code: str,
    csrf: Annotated[str, field("csrf")] = "",
    held_on: Annotated[str, field("held_on")] = "",
    kind: Annotated[str, field("talk_kind")] = "",
    talker: Annotated[str, field("talker")] = "",
    talker_post: Annotated[str, field("talker_post")] = "",
    place: Annotated[str, field("place")] = "",
    summary: Annotated[str, field("summary")] = "",
    follow_up: Annotated[str, field("follow_up")] = "",
) -> Response:
    """A 谈心谈话 logged when held (五位一体: talks all year)."""
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    code = _owned(me.scope, code)

    def change(session: Session) -> str:
        talk = parse_talk(held_on, kind, talker, summary, talker_post=talker_post, place=place,
                          follow_up=follow_up)  # fmt: skip
        add_talk(session, code=code, talk=talk, actor=me.actor, scope=me.scope)
        return f"已记录{talk.kind.value}：{talk.held_on:%Y-%m-%d} {talk.talker}"

    staff_change(request, me.actor, action="talk", detail=f"{code} {kind}",
                 refused=PersonInfoError, change=change)  # fmt: skip
    return _back(code, "#talks")


@router.post("/people/{code}/talks/{talk_id}")
def change_talk_record(
    request: Request,
    code: str,
    talk_id: RowId,
    csrf: Annotated[str, field("csrf")] = "",
    held_on: Annotated[str, field("held_on")] = "",
    kind: Annotated[str, field("talk_kind")] = "",
    talker: Annotated[str, field("talker")] = "",
    talker_post: Annotated[str, field("talker_post")] = "",
    place: Annotated[str, field("place")] = "",
    summary: Annotated[str, field("summary")] = "",
    follow_up: Annotated[str, field("follow_up")] = "",
    reason: Annotated[str, field("reason")] = "",
) -> Response:
    """A talk on record corrected, with the reason the audit log keeps."""
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    code = _owned(me.scope, code)

    def change(session: Session) -> str:
        talk = parse_talk(held_on, kind, talker, summary, talker_post=talker_post, place=place,
                          follow_up=follow_up)  # fmt: skip
        before, after = change_talk(session, code=code, talk_id=talk_id, talk=talk,
                                    actor=me.actor, reason=reason, scope=me.scope)  # fmt: skip
        return "谈话记录未变 / unchanged" if before == after else f"已修改谈话记录：{after}"

    staff_change(request, me.actor, action="talk changed", detail=f"{code} {talk_id}",
                 refused=PersonInfoError, change=change)  # fmt: skip
    return _back(code, "#talks")


@router.post("/people/{code}/talks/{talk_id}/remove")
def remove_talk_record(
    request: Request,
    code: str,
    talk_id: RowId,
    csrf: Annotated[str, field("csrf")] = "",
    reason: Annotated[str, field("reason")] = "",
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    code = _owned(me.scope, code)

    def change(session: Session) -> str:
        row = remove_talk(session, code=code, talk_id=talk_id, actor=me.actor, reason=reason,
                          scope=me.scope)  # fmt: skip
        return f"已删除{row.kind.value}记录：{row.held_on:%Y-%m-%d} {row.talker}"

    staff_change(request, me.actor, action="talk removed", detail=f"{code} {talk_id}",
                 refused=PersonInfoError, change=change)  # fmt: skip
    return _back(code, "#talks")


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.get("/people/{code}/form.docx")
def information_form(request: Request, code: str) -> Response:
    """The person's 信息采集表, filled with what is on record today."""
    me = staff(request)
    code = code[:64]
    with TemporaryDirectory() as folder:
        try:
            path = write_information_form(code, Path(folder) / "form.docx", scope=me.scope)
        except NoSuchPerson:
            raise HTTPException(404, NO_PERSON) from None
        body = path.read_bytes()
    with session_scope() as session:
        log_access(session, request, actor=me.actor, action="information form", detail=code)
    name = download_name(code, "信息采集表", suffix=".docx")
    disposition = f"attachment; filename*=utf-8''{quote(name)}"
    return Response(body, media_type=DOCX, headers={"Content-Disposition": disposition})


def _owned(scope: Scope, code: str) -> str:
    """The 编号 of a person in scope; 404 otherwise, before anything sent is looked at."""
    code = code[:64]
    with session_scope() as session:
        try:
            person_in_scope(session, scope, code)
        except NoSuchPerson:
            raise HTTPException(404, NO_PERSON) from None
    return code


def _back(code: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/people/{quote(code)}{anchor}", status_code=303)
