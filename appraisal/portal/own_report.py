"""提交年度履职报告: the person's own page, opened by their personal link (本人): the cycle,
the due date, the upload form and what they have submitted."""

import shutil

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from appraisal.clock import today
from appraisal.db import session_scope
from appraisal.documents.recipients import SELF
from appraisal.models import Cycle, ReviewerLink
from appraisal.portal.inbox import _current_link
from appraisal.portal.reports import max_mb, staged_upload, submit
from appraisal.portal.web import check_csrf, flash, log_access, page
from appraisal.portal.web import reviewer_actor as _actor
from appraisal.store import reports
from appraisal.store.contact import office_contact
from appraisal.store.cycles import get_cycle

router = APIRouter()
OWN_PAGE = "/inbox/report"
NOT_FOR_LINK = "这个链接不用于提交年度履职报告 / this link is not for a report"


def _own(link: ReviewerLink) -> tuple[Cycle, reports.ReportRow] | None:
    """The link's cycle and its holder's reports; None unless it is a person's own link."""
    if link.reviewer_kind != SELF:
        return None
    with session_scope() as session:
        cycle = get_cycle(session, link.cycle_id)
        person = reports.link_person(session, cycle, link.reviewer_name)
        if person is None:
            return None
        return cycle, reports.person_reports(session, cycle, person.code)


@router.get(OWN_PAGE)
def own_page(request: Request) -> Response:
    link = _current_link(request)
    own = _own(link)
    if own is None:
        raise HTTPException(404, NOT_FOR_LINK)
    cycle, row = own
    with session_scope() as session:
        due = reports.due_on(session, cycle)
        closed = reports.closed_reason(session, cycle)
        contact = office_contact(session, cycle.id)
        log_access(session, request, actor=_actor(link), action="report page", link_id=link.id)
    return page(
        request, "report.html", link=link, cycle=cycle, row=row, due=due, closed=closed,
        contact=contact, today=today(), max_mb=max_mb(), plain=True,
    )  # fmt: skip


@router.post(OWN_PAGE)
async def own_upload(request: Request) -> Response:
    link = _current_link(request)
    form = await request.form(max_files=1, max_fields=2)
    check_csrf(request, form.get("csrf"))
    own = _own(link)
    if own is None:
        raise HTTPException(404, NOT_FOR_LINK)
    cycle, row = own
    got = await staged_upload(form)
    if got is None:
        flash(request, "请选择要上传的 PDF 文件 / choose the PDF file to upload", "error")
        return RedirectResponse(OWN_PAGE, status_code=303)
    staged, shown = got
    try:
        error, kept = await run_in_threadpool(
            lambda: submit(
                cycle.id or 0, row.code, staged, shown, _actor(link), today(), by_link=True
            )
        )
    finally:
        shutil.rmtree(staged.parent, ignore_errors=True)
    with session_scope() as session:
        log_access(
            session, request, actor=_actor(link), action="submit report", link_id=link.id,
            outcome="refused" if error else "ok", detail=error or shown,
        )  # fmt: skip
    if kept is not None:
        said = f"已收到您的年度履职报告（{shown}，{kept.pages} 页，第 {kept.version} 版），谢谢"
        flash(request, said, "ok")
    else:
        flash(request, error, "error")
    return RedirectResponse(OWN_PAGE, status_code=303)
