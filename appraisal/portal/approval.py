"""审定 and the results objections hold: the cycle's 审定 page. A 审核 confirms or adjusts each
grade (with a reason) or confirms the rest at once; staff decide each objection that holds a
result (核实后维持 or 调整). The same core functions as `appraisal approve` and `appraisal hold`."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlmodel import Session

from appraisal.db import session_scope
from appraisal.models.vocab import Grade, HoldStatus
from appraisal.portal.access import scoped_cycle, staff
from appraisal.portal.limits import RowId, field
from appraisal.portal.web import check_csrf, flash, page, staff_change
from appraisal.roles import Action
from appraisal.scheme import parse_scheme
from appraisal.settings import get_settings
from appraisal.store.approval_files import table_path, write_approval_table
from appraisal.store.approvals import ApprovalError, approval_board, approve_grade, confirm_rest
from appraisal.store.holds import HoldError, decide_hold, list_holds

router = APIRouter()


@router.get("/cycles/{cycle_id}/approval")
def approval(request: Request, cycle_id: RowId) -> Response:
    me = staff(request)
    cycle = scoped_cycle(me, cycle_id)
    with session_scope() as session:
        board = approval_board(session, cycle)
        holds = list_holds(session, cycle)
    grades = [g.grade.value for g in parse_scheme(cycle.scheme_toml, cycle.name).grades]
    return page(
        request, "approval.html", cycle=cycle, board=board, holds=holds, grades=grades,
        pending=HoldStatus.PENDING, may_approve=me.may(Action.APPROVE),
        table=table_path(cycle_id).is_file(),
    )  # fmt: skip


def _back(cycle_id: int) -> RedirectResponse:
    return RedirectResponse(f"/cycles/{cycle_id}/approval", status_code=303)


def _grade(request: Request, text: str) -> tuple[bool, Grade | None]:
    """(whether `text` is a choice, the grade chosen: None to confirm or keep)."""
    if not text:
        return True, None
    try:
        return True, Grade(text)
    except ValueError:
        flash(request, f"未知的等次“{text}” / not a grade", "error")
        return False, None


def _table(session: Session, cycle_id: int) -> None:
    from appraisal.store.cycles import get_cycle

    write_approval_table(session, get_cycle(session, cycle_id), get_settings().templates_dir)


@router.post("/cycles/{cycle_id}/approval/grade")
def grade(
    request: Request,
    cycle_id: RowId,
    csrf: Annotated[str, field("csrf")] = "",
    code: Annotated[str, field("code")] = "",
    grade: Annotated[str, field("grade")] = "",
    reason: Annotated[str, field("reason")] = "",
) -> Response:
    me = staff(request, Action.APPROVE)
    check_csrf(request, csrf)
    cycle = scoped_cycle(me, cycle_id)
    chosen, new = _grade(request, grade.strip())
    if not chosen:
        return _back(cycle_id)

    def change(session: Session) -> str:
        row = approve_grade(session, cycle=cycle, code=code.strip(), new_grade=new,
                            reason=reason, actor=me.username)  # fmt: skip
        _table(session, cycle_id)
        if row.reason:
            return f"已审定 {code}：调整为“{row.grade.value}”（{row.reason}）"
        return f"已审定 {code}：确认“{row.grade.value}”"

    staff_change(request, me.actor, action="approve grade", detail=f"cycle {cycle_id} {code}",
                 refused=ApprovalError, change=change)  # fmt: skip
    return _back(cycle_id)


@router.post("/cycles/{cycle_id}/approval/confirm")
def confirm(
    request: Request, cycle_id: RowId, csrf: Annotated[str, field("csrf")] = ""
) -> Response:
    me = staff(request, Action.APPROVE)
    check_csrf(request, csrf)
    cycle = scoped_cycle(me, cycle_id)

    def change(session: Session) -> str:
        done = confirm_rest(session, cycle=cycle, actor=me.username)
        _table(session, cycle_id)
        return f"已确认 {len(done)} 人的等次（记入审计记录），审定表已生成"

    staff_change(request, me.actor, action="confirm grades", detail=f"cycle {cycle_id}",
                 refused=ApprovalError, change=change)  # fmt: skip
    return _back(cycle_id)


@router.post("/cycles/{cycle_id}/holds/decide")
def decide(
    request: Request,
    cycle_id: RowId,
    csrf: Annotated[str, field("csrf")] = "",
    code: Annotated[str, field("code")] = "",
    grade: Annotated[str, field("grade")] = "",
    reason: Annotated[str, field("reason")] = "",
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    cycle = scoped_cycle(me, cycle_id)
    chosen, new = _grade(request, grade.strip())
    if not chosen:
        return _back(cycle_id)

    def change(session: Session) -> str:
        holds = decide_hold(session, cycle=cycle, code=code.strip(), new_grade=new,
                            reason=reason, actor=me.username)  # fmt: skip
        what = f"调整为“{new.value}”" if new else holds[0].status.value
        return f"{code} 异议核实：{what}；请审核人员审定"

    staff_change(request, me.actor, action="decide hold", detail=f"cycle {cycle_id} {code}",
                 refused=HoldError, change=change)  # fmt: skip
    return _back(cycle_id)


@router.get("/cycles/{cycle_id}/approval/table.docx")
def table(request: Request, cycle_id: RowId) -> Response:
    me = staff(request)
    scoped_cycle(me, cycle_id)
    path = table_path(cycle_id)
    if not path.is_file():
        raise HTTPException(404, "尚未审定，还没有审定表")
    return FileResponse(path, filename=f"第{cycle_id}号周期 审定表.docx")
