"""Nominations (提名推荐) of a cycle: the list with each one's problems and warnings, staff's
decision per nomination, the bodies' workbook uploaded, and the 推荐人选汇总表. The same core
functions as `appraisal nominate list / decide / import / summary`."""

import shutil
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from appraisal.clock import today
from appraisal.db import session_scope
from appraisal.models import Cycle
from appraisal.models.vocab import NominationStatus
from appraisal.portal.access import scoped_cycle, staff
from appraisal.portal.imports import _shown_name, _staging
from appraisal.portal.limits import RowId, field
from appraisal.portal.web import check_csrf, flash, log_access, page
from appraisal.roles import Action
from appraisal.settings import get_settings
from appraisal.sheets import WorkbookError
from appraisal.store import nominations
from appraisal.store.nomination_files import SUMMARY_NAME, write_nomination_summary
from appraisal.store.offices import StaffMember

router = APIRouter()
DECISIONS = (NominationStatus.ACCEPTED.value, NominationStatus.DECLINED.value)


def _page(request: Request, me: StaffMember, cycle: Cycle, **context: Any) -> Response:
    with session_scope() as session:
        views = nominations.nominations_of(session, cycle)
    return page(
        request, "nominations.html", me=me, cycle=cycle, views=views, decisions=DECISIONS,
        open=cycle.stage in nominations.OPEN_STAGES, **context,
    )  # fmt: skip


def _back(cycle_id: int) -> RedirectResponse:
    return RedirectResponse(f"/cycles/{cycle_id}/nominations", status_code=303)


@router.get("/cycles/{cycle_id}/nominations")
def listing(request: Request, cycle_id: RowId) -> Response:
    me = staff(request)
    return _page(request, me, scoped_cycle(me, cycle_id))


@router.post("/cycles/{cycle_id}/nominations/decide")
def decide(
    request: Request,
    cycle_id: RowId,
    csrf: Annotated[str, field("csrf")] = "",
    nomination: Annotated[int, field("nomination")] = 0,
    decision: Annotated[str, field("decision")] = "",
    reason: Annotated[str, field("reason")] = "",
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    cycle = scoped_cycle(me, cycle_id)
    if decision not in DECISIONS:
        flash(request, "请选择采纳或不采纳 / choose 采纳 or 不采纳", "error")
        return _back(cycle_id)
    try:
        with session_scope() as session:
            done = nominations.decide_nomination(
                session, cycle, nomination, NominationStatus(decision), reason=reason,
                actor=me.username,
            )  # fmt: skip
            who = f"{done.person.code} {done.person.name}" if done.person else ""
            log_access(session, request, actor=me.actor, action="decide nomination",
                       detail=f"cycle {cycle_id} #{nomination}: {decision}")  # fmt: skip
    except nominations.NominationError as exc:
        flash(request, str(exc), "error")
        return _back(cycle_id)
    together = (
        f"（与第{'、'.join(map(str, done.decided))}号一并决定）" if len(done.decided) > 1 else ""
    )
    said = f"已记录：第{nomination}号推荐{decision}{together}"
    if who:
        said += f"；{who} 已列入本周期评价对象" + ("（新建人员记录）" if done.created else "")
    flash(request, said, "ok")
    return _back(cycle_id)


@router.post("/cycles/{cycle_id}/nominations/import")
async def upload(request: Request, cycle_id: RowId) -> Response:
    me = staff(request, Action.RUN)
    cycle = scoped_cycle(me, cycle_id)
    form = await request.form(max_files=1, max_fields=2)
    check_csrf(request, form.get("csrf"))
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        return _page(request, me, cycle, error="请选择要上传的推荐表格（.xlsx）")
    shown = _shown_name(file.filename)
    folder = _staging()
    staged = folder / shown
    issues: list[Any] = []
    done: nominations.NominationImport | None = None
    error = ""
    try:
        with staged.open("wb") as out:
            while chunk := await file.read(1 << 20):
                out.write(chunk)
        done, issues, error = await run_in_threadpool(_import, cycle, staged, me)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    with session_scope() as session:
        log_access(
            session, request, actor=me.actor, action="import nominations",
            outcome="refused" if issues or error else "ok",
            detail=f"cycle {cycle_id} {shown}: {len(issues)} problem(s)" if issues else shown,
        )  # fmt: skip
    return _page(request, me, cycle, file=shown, issues=issues, done=done, error=error)


def _import(
    cycle: Cycle, path: Any, me: StaffMember
) -> tuple[nominations.NominationImport | None, list[Any], str]:
    try:
        with session_scope() as session:
            done = nominations.import_nomination_file(session, cycle, path, actor=me.username)
    except WorkbookError as exc:
        return None, list(exc.issues), ""
    except nominations.NominationError as exc:
        return None, [], str(exc)
    return done, [], ""


@router.get("/cycles/{cycle_id}/nominations/summary.docx")
def summary(request: Request, cycle_id: RowId) -> Response:
    """The 汇总表 as the nominations stand now, written by the same function as
    `appraisal nominate summary`."""
    me = staff(request)
    cycle = scoped_cycle(me, cycle_id)
    try:
        with session_scope() as session:
            done = write_nomination_summary(
                session, cycle, on=today(), templates_dir=get_settings().templates_dir
            )
            log_access(session, request, actor=me.actor, action="download nomination summary",
                       detail=f"cycle {cycle_id}")  # fmt: skip
    except nominations.NominationError as exc:
        flash(request, str(exc), "error")
        return _back(cycle_id)
    return FileResponse(done.path, filename=f"第{cycle_id}号周期 {SUMMARY_NAME}")
