"""复核 of a cycle for staff: everyone sent a 考核结果通知书 with their window, the requests and
their decisions, a decide form per pending request and a form to record a paper request. The
same core functions as `appraisal review request / list / decide`."""

import shutil
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from appraisal.clock import today
from appraisal.db import session_scope
from appraisal.models import Cycle
from appraisal.models.vocab import Grade
from appraisal.paths import located
from appraisal.portal import launcher
from appraisal.portal.access import scoped_cycle, staff
from appraisal.portal.imports import _staging
from appraisal.portal.limits import FIELDS, RowId
from appraisal.portal.web import check_csrf, flash, log_access, page
from appraisal.reviewing import Decided, decide, rewrite_register, stale_dossier, supersede
from appraisal.roles import Action
from appraisal.scheme import parse_scheme
from appraisal.settings import get_settings
from appraisal.store import reviews
from appraisal.store.offices import StaffMember

router = APIRouter()


def _grades(cycle: Cycle) -> list[str]:
    return [g.grade.value for g in parse_scheme(cycle.scheme_toml, cycle.name).grades]


def _page(request: Request, me: StaffMember, cycle: Cycle, **context: Any) -> Response:
    with session_scope() as session:
        rows = reviews.list_reviews(session, cycle)
    return page(
        request, "reviews.html", me=me, cycle=cycle, rows=rows, grades=_grades(cycle),
        today=today(), **context,
    )  # fmt: skip


def _back(cycle_id: int) -> RedirectResponse:
    return RedirectResponse(f"/cycles/{cycle_id}/reviews", status_code=303)


@router.get("/cycles/{cycle_id}/reviews")
def listing(request: Request, cycle_id: RowId) -> Response:
    me = staff(request)
    return _page(request, me, scoped_cycle(me, cycle_id))


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    text = value if isinstance(value, str) else ""
    return text[: FIELDS[name].max_length or len(text)]


@router.post("/cycles/{cycle_id}/reviews/request")
async def record_request(request: Request, cycle_id: RowId) -> Response:
    """A paper request staff record, with its date and the scanned request if there is one."""
    me = staff(request, Action.RUN)
    cycle = scoped_cycle(me, cycle_id)
    form = await request.form(max_files=1, max_fields=6)
    check_csrf(request, form.get("csrf"))
    code, grounds = _text(form, "code"), _text(form, "grounds")
    late = _text(form, "late_reason")
    try:
        on = date.fromisoformat(_text(form, "on")) if _text(form, "on") else today()
    except ValueError:
        flash(request, "申请日期无法识别，请写成 2026-12-01 / not a date", "error")
        return _back(cycle_id)
    upload = form.get("file")
    folder = _staging()
    staged: Path | None = None
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            staged = folder / "request.pdf"
            with staged.open("wb") as out:
                while chunk := await upload.read(1 << 20):
                    out.write(chunk)
        error = await run_in_threadpool(_request, cycle, code, grounds, on, staged, late, me)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    with session_scope() as session:
        log_access(session, request, actor=me.actor, action="record review request",
                   outcome="refused" if error else "ok",
                   detail=f"cycle {cycle_id} {code}: {error}" if error else code)  # fmt: skip
    if error:
        flash(request, error, "error")
    else:
        flash(request, f"已登记 {code} 的复核申请（{on.isoformat()}），待决定", "ok")
    return _back(cycle_id)


def _request(
    cycle: Cycle, code: str, grounds: str, on: date, staged: Path | None, late: str,
    me: StaffMember,
) -> str:  # fmt: skip
    try:
        with session_scope() as session:
            reviews.request_review(
                session, cycle=cycle, code=code, grounds=grounds, actor=me.username, on=on,
                file=staged, late_reason=late,
            )  # fmt: skip
    except reviews.ReviewError as exc:
        return str(exc)
    return ""


@router.post("/cycles/{cycle_id}/reviews/decide")
async def decide_request(request: Request, cycle_id: RowId) -> Response:
    me = staff(request, Action.RUN)
    cycle = scoped_cycle(me, cycle_id)
    form = await request.form(max_files=0, max_fields=5)
    check_csrf(request, form.get("csrf"))
    code, decision = _text(form, "code"), _text(form, "decision")
    grade, reason = _text(form, "grade"), _text(form, "reason")
    if decision not in ("维持", "变更") or (decision == "变更" and grade not in _grades(cycle)):
        flash(request, "请选择维持，或选择变更并选定新的等次 / choose 维持, or 变更 and a grade",
              "error")  # fmt: skip
        return _back(cycle_id)
    new = Grade(grade) if decision == "变更" else None
    try:
        done: Decided = await run_in_threadpool(
            lambda: decide(
                cycle_id, code, new_grade=new, reason=reason, actor=me.username, on=today(),
                templates_dir=get_settings().templates_dir,
            )
        )  # fmt: skip
    except reviews.ReviewError as exc:
        flash(request, str(exc), "error")
        return _back(cycle_id)
    said = f"已决定：{code} 复核{done.status.value}，复核决定书 {done.document_id} 已生成"
    if new is not None and stale_dossier(cycle_id, code):
        # The old package is kept before the archive (a background run) seals them again.
        kept = await run_in_threadpool(supersede, cycle_id, code)
        started = launcher.start_archive(cycle_id)
        said += "；原档案包已保留" if kept else ""
        said += (
            "，正在重新封存本人档案并更新考核登记表"
            if started
            else "；另一运行尚未结束，请稍后在周期页面点击“归档”重新封存"
        )
    elif new is not None and (located_register := _register(cycle_id)) is not None:
        await run_in_threadpool(rewrite_register, cycle_id)
        said += f"；考核登记表已更新（{located_register.name}）"
    with session_scope() as session:
        log_access(session, request, actor=me.actor, action="decide review",
                   detail=f"cycle {cycle_id} {code}: {done.status.value}")  # fmt: skip
    flash(request, said + ("；" + "；".join(done.problems) if done.problems else ""),
          "error" if done.problems else "ok")  # fmt: skip
    return _back(cycle_id)


def _register(cycle_id: int) -> Path | None:
    from appraisal.paths import register_path

    path = register_path(cycle_id)
    return path if path.is_file() else None


@router.get("/cycles/{cycle_id}/reviews/{code}/file.pdf")
def attachment(request: Request, cycle_id: RowId, code: str) -> Response:
    me = staff(request)
    cycle = scoped_cycle(me, cycle_id)
    try:
        with session_scope() as session:
            row = reviews.person_review(session, cycle, code[:64]).request
    except reviews.ReviewError as exc:
        flash(request, str(exc), "error")
        return _back(cycle_id)
    if row is None or not row.file_path:
        flash(request, f"{code} 的复核申请没有附件 / no attachment", "error")
        return _back(cycle_id)
    return FileResponse(located(row.file_path), filename=f"{code} 复核申请.pdf")
