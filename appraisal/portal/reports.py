"""年度履职报告 for staff: who of a cycle has submitted and who has not, with the assessment
stage's deadline, and uploads on a person's behalf (a paper report scanned, with a note). The
same core functions as `appraisal reports list / upload`; the person's own page is
portal/own_report.py."""

import shutil
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from appraisal.clock import today
from appraisal.db import session_scope
from appraisal.models import AnnualReport, Cycle
from appraisal.portal.access import scoped_cycle, staff
from appraisal.portal.imports import _staging
from appraisal.portal.limits import FIELDS, RowId
from appraisal.portal.web import check_csrf, flash, log_access, page
from appraisal.roles import Action
from appraisal.settings import get_settings
from appraisal.store import reports
from appraisal.store.cycles import get_cycle
from appraisal.store.offices import StaffMember

router = APIRouter()


def _shown(filename: str) -> str:
    """The uploader's file name, kept for the record and the messages; never a path."""
    name = Path(filename.replace("\\", "/")).name.strip()[-120:]
    return name if name not in ("", ".", "..") else "upload.pdf"


async def staged_upload(form: FormData) -> tuple[Path, str] | None:
    """The form's file written to a fresh folder, and its name; None when none was chosen."""
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    staged = _staging() / "report.pdf"
    with staged.open("wb") as out:
        while chunk := await upload.read(1 << 20):
            out.write(chunk)
    return staged, _shown(upload.filename)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    text = value if isinstance(value, str) else ""
    return text[: FIELDS[name].max_length or len(text)]


def submit(
    cycle_id: int, code: str, staged: Path, shown: str, actor: str, on: date, *,
    by_link: bool, note: str = "",
) -> tuple[str, AnnualReport | None]:  # fmt: skip
    try:
        with session_scope() as session:
            row = reports.submit_report(
                session, cycle=get_cycle(session, cycle_id), code=code, source=staged,
                file_name=shown, actor=actor[:64], on=on, by_link=by_link, note=note,
            )  # fmt: skip
            session.expunge(row)
    except reports.ReportError as exc:
        return str(exc), None
    return "", row


def max_mb() -> int:
    return get_settings().max_return_bytes // 1048576


def _back(cycle_id: int) -> RedirectResponse:
    return RedirectResponse(f"/cycles/{cycle_id}/reports", status_code=303)


def _page(request: Request, me: StaffMember, cycle: Cycle, **context: Any) -> Response:
    with session_scope() as session:
        rows = reports.list_reports(session, cycle)
        due = reports.due_on(session, cycle)
        closed = reports.closed_reason(session, cycle)
    return page(
        request, "reports.html", me=me, cycle=cycle, rows=rows, due=due, closed=closed,
        submitted=sum(r.submitted for r in rows), today=today(), max_mb=max_mb(), **context,
    )  # fmt: skip


@router.get("/cycles/{cycle_id}/reports")
def listing(request: Request, cycle_id: RowId) -> Response:
    me = staff(request)
    return _page(request, me, scoped_cycle(me, cycle_id))


@router.post("/cycles/{cycle_id}/reports/upload")
async def upload_for(request: Request, cycle_id: RowId) -> Response:
    """A report staff upload on the person's behalf (a paper report scanned), with a note."""
    me = staff(request, Action.RUN)
    scoped_cycle(me, cycle_id)
    form = await request.form(max_files=1, max_fields=5)
    check_csrf(request, form.get("csrf"))
    code, note = _text(form, "code"), _text(form, "note")
    try:
        on = date.fromisoformat(_text(form, "on")) if _text(form, "on") else today()
    except ValueError:
        flash(request, "提交日期无法识别，请写成 2026-12-01 / not a date", "error")
        return _back(cycle_id)
    got = await staged_upload(form)
    if got is None:
        flash(request, "请选择要上传的 PDF 文件 / choose the PDF file to upload", "error")
        return _back(cycle_id)
    staged, shown = got
    try:
        error, kept = await run_in_threadpool(
            lambda: submit(cycle_id, code, staged, shown, me.username, on, by_link=False, note=note)
        )
    finally:
        shutil.rmtree(staged.parent, ignore_errors=True)
    with session_scope() as session:
        log_access(session, request, actor=me.actor, action="upload report",
                   outcome="refused" if error else "ok",
                   detail=f"cycle {cycle_id} {code}: {error or shown}")  # fmt: skip
    if kept is not None:
        flash(request, f"已登记 {code} 的年度履职报告第 {kept.version} 版（{kept.pages} 页）", "ok")
    else:
        flash(request, error, "error")
    return _back(cycle_id)


@router.get("/cycles/{cycle_id}/reports/{report_id}.pdf")
def download(request: Request, cycle_id: RowId, report_id: RowId) -> Response:
    me = staff(request)
    cycle = scoped_cycle(me, cycle_id)
    with session_scope() as session:
        row = reports.cycle_report(session, cycle, report_id)
        if row is None:
            raise HTTPException(404, "没有这份履职报告 / no such report")
        log_access(session, request, actor=me.actor, action="download report",
                   detail=f"cycle {cycle_id} report {report_id}")  # fmt: skip
        path = reports.report_file(row)
    if not path.is_file():
        raise HTTPException(404, "履职报告文件不在输出目录中 / the file is missing")
    return FileResponse(path, media_type="application/pdf", filename=f"履职报告-{report_id}.pdf")
