"""Staff look at returns held for review (no signature or stamp seen) and decide on each."""

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from appraisal.db import session_scope
from appraisal.held_decisions import accept_held, reject_held
from appraisal.paths import located
from appraisal.portal.access import scoped_cycle, staff
from appraisal.portal.limits import RowId, field
from appraisal.portal.web import check_csrf, flash, log_access, page
from appraisal.roles import Action
from appraisal.store.held_returns import held_return, held_returns
from appraisal.store.signoffs import SignOffError

router = APIRouter()


@router.get("/cycles/{cycle_id}/held")
def held(request: Request, cycle_id: RowId) -> Response:
    me = staff(request)
    cycle = scoped_cycle(me, cycle_id)
    with session_scope() as session:
        events = held_returns(session, cycle_id)
    return page(request, "held.html", user=me.username, cycle=cycle, held=events)


@router.get("/cycles/{cycle_id}/held/{event_id}.pdf")
def held_file(request: Request, cycle_id: RowId, event_id: RowId) -> Response:
    me = staff(request)
    scoped_cycle(me, cycle_id)
    try:
        with session_scope() as session:
            event = held_return(session, cycle_id, event_id)
            log_access(session, request, actor=me.actor, action="view held return",
                       document_id=event.document_id, detail=f"#{event_id}")  # fmt: skip
    except SignOffError as exc:
        raise HTTPException(404, "没有这份待核对的回件 / no such held return") from exc
    return FileResponse(located(event.stored_path), media_type="application/pdf",
                        filename=f"{event.document_id}-held-{event_id}.pdf")  # fmt: skip


@router.post("/cycles/{cycle_id}/held/{event_id}/{decision}")
def decide(
    request: Request,
    cycle_id: RowId,
    event_id: RowId,
    decision: Literal["accept", "reject"],
    csrf: Annotated[str, field("csrf")] = "",
    reason: Annotated[str, field("reason")] = "",
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    scoped_cycle(me, cycle_id)
    try:
        if decision == "accept":
            done = accept_held(cycle_id, event_id, reason, me.actor)
            message = f"#{event_id} 已记为回件 {done.document_id} 第 {done.version} 版"
        else:
            reject_held(cycle_id, event_id, reason, me.actor)
            message = f"#{event_id} 已退回，转入隔离区"
    except SignOffError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(f"/cycles/{cycle_id}/held", status_code=303)
    with session_scope() as session:
        log_access(session, request, actor=me.actor, action=f"{decision} held return",
                   detail=f"#{event_id}: {reason}")  # fmt: skip
    flash(request, message, "ok")
    return RedirectResponse(f"/cycles/{cycle_id}/held", status_code=303)
