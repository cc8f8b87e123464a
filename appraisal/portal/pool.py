"""The pool's rolling adjustment after a cycle (有进有出): the proposals, staff's decision per
person, approval by a 审核 user, and the two documents approval writes. The same core functions
as `appraisal pool propose / decide / confirm / approve`."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from appraisal.clock import today
from appraisal.db import session_scope
from appraisal.models.vocab import PoolMove
from appraisal.portal.access import scoped_cycle, staff
from appraisal.portal.limits import RowId, field
from appraisal.portal.web import check_csrf, flash, log_access, page
from appraisal.roles import Action
from appraisal.settings import get_settings
from appraisal.store import pool
from appraisal.store.pool_files import FORM_NAME, LIST_NAME, write_pool_files, written_files

router = APIRouter()
MOVES = [m.value for m in PoolMove]


@router.get("/cycles/{cycle_id}/pool")
def proposals(request: Request, cycle_id: RowId) -> Response:
    me = staff(request)
    cycle = scoped_cycle(me, cycle_id)
    with session_scope() as session:
        found = pool.board(session, cycle)
    return page(
        request, "pool.html", cycle=cycle, board=found, moves=MOVES,
        may_approve=me.may(Action.APPROVE), files=written_files(cycle_id),
    )  # fmt: skip


def _back(cycle_id: int) -> RedirectResponse:
    return RedirectResponse(f"/cycles/{cycle_id}/pool", status_code=303)


@router.post("/cycles/{cycle_id}/pool/decide")
def decide(
    request: Request,
    cycle_id: RowId,
    csrf: Annotated[str, field("csrf")] = "",
    code: Annotated[str, field("code")] = "",
    decision: Annotated[str, field("decision")] = "",
    reason: Annotated[str, field("reason")] = "",
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    cycle = scoped_cycle(me, cycle_id)
    if decision not in MOVES:
        flash(request, f"请选择：{'、'.join(MOVES)} / choose a move", "error")
        return _back(cycle_id)
    try:
        with session_scope() as session:
            row = pool.decide(session, cycle, code.strip(), PoolMove(decision), reason=reason,
                              actor=me.username)  # fmt: skip
            log_access(session, request, actor=me.actor, action="decide pool",
                       detail=f"cycle {cycle_id} {code}: {decision}")  # fmt: skip
    except pool.PoolError as exc:
        flash(request, str(exc), "error")
        return _back(cycle_id)
    said = f"已记录：{row.code} {row.name} {row.move.value}（{row.reason}）"
    flash(request, said + (f"；名额提示：{row.warning}" if row.warning else ""), "ok")
    return _back(cycle_id)


@router.post("/cycles/{cycle_id}/pool/confirm")
def confirm(
    request: Request, cycle_id: RowId, csrf: Annotated[str, field("csrf")] = ""
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    cycle = scoped_cycle(me, cycle_id)
    try:
        with session_scope() as session:
            n = pool.confirm_rest(session, cycle, actor=me.username)
            log_access(session, request, actor=me.actor, action="confirm pool",
                       detail=f"cycle {cycle_id}: {n}")  # fmt: skip
    except pool.PoolError as exc:
        flash(request, str(exc), "error")
        return _back(cycle_id)
    flash(request, f"其余 {n} 人已按建议决定（记入审计记录）", "ok")
    return _back(cycle_id)


@router.post("/cycles/{cycle_id}/pool/approve")
def approve(
    request: Request, cycle_id: RowId, csrf: Annotated[str, field("csrf")] = ""
) -> Response:
    me = staff(request, Action.APPROVE)
    check_csrf(request, csrf)
    cycle = scoped_cycle(me, cycle_id)
    try:
        with session_scope() as session:
            done = pool.approve(session, cycle, actor=me.username, on=today())
            log_access(session, request, actor=me.actor, action="approve pool",
                       detail=f"cycle {cycle_id}: {done.changed} changed")  # fmt: skip
        with session_scope() as session:
            write_pool_files(session, cycle, get_settings().templates_dir)
    except pool.PoolError as exc:
        flash(request, str(exc), "error")
        return _back(cycle_id)
    counts = "，".join(f"{m.value} {n} 人" for m, n in done.counts.items())
    flash(request, f"已审核批准人才库调整：{counts}；本次变动 {done.changed} 人", "ok")
    return _back(cycle_id)


@router.get("/cycles/{cycle_id}/pool/form.docx")
def form(request: Request, cycle_id: RowId) -> Response:
    return _download(request, cycle_id, FORM_NAME)


@router.get("/cycles/{cycle_id}/pool/list.xlsx")
def pool_list(request: Request, cycle_id: RowId) -> Response:
    return _download(request, cycle_id, LIST_NAME)


def _download(request: Request, cycle_id: int, name: str) -> Response:
    me = staff(request)
    scoped_cycle(me, cycle_id)
    files = written_files(cycle_id)
    if files is None:
        raise HTTPException(404, "人才库调整尚未审核批准，还没有审批表和名单")
    path = files.form if name == FORM_NAME else files.pool_list
    with session_scope() as session:
        log_access(session, request, actor=me.actor, action="download pool",
                   detail=f"cycle {cycle_id}: {name}")  # fmt: skip
    return FileResponse(path, filename=f"第{cycle_id}号周期 {name}")
