"""The pool adjustment a cycle proposes (有进有出), and applying it: the same core functions as
`appraisal pool propose` and `appraisal pool apply`."""

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from appraisal.clock import today
from appraisal.db import session_scope
from appraisal.portal.access import scoped_cycle, staff
from appraisal.portal.limits import RowId, field
from appraisal.portal.web import check_csrf, flash, log_access, page
from appraisal.roles import Action
from appraisal.store import pool

router = APIRouter()


@router.get("/cycles/{cycle_id}/pool")
def proposals(request: Request, cycle_id: RowId) -> Response:
    me = staff(request)
    cycle = scoped_cycle(me, cycle_id)
    with session_scope() as session:
        rows = pool.propose(session, cycle)
    moving = [p for p in rows if p.decision != pool.STAY]
    return page(
        request, "pool.html", cycle=cycle, moving=moving, staying=len(rows) - len(moving),
        scored=bool(rows),
    )  # fmt: skip


@router.post("/cycles/{cycle_id}/pool/apply")
def apply(request: Request, cycle_id: RowId, csrf: Annotated[str, field("csrf")] = "") -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    cycle = scoped_cycle(me, cycle_id)
    with session_scope() as session:
        counts = pool.apply(session, cycle, on=today(), actor=me.actor)
        log_access(session, request, actor=me.actor, action="apply pool",
                   detail=f"cycle {cycle_id}: {counts}")  # fmt: skip
    if not any(counts.values()):
        flash(request, "还没有评价结果：综合评价阶段运行后才能调整人才库", "error")
    else:
        done = "，".join(f"{word} {n} 人" for word, n in counts.items())
        flash(request, f"已按建议调整人才库：{done}（记入审计记录）", "ok")
    return RedirectResponse(f"/cycles/{cycle_id}/pool", status_code=303)
