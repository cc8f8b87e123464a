"""The reviewer's inbox: opened by a personal link, it shows only that reviewer's documents."""

from datetime import date
from pathlib import Path
from typing import Annotated, NamedTuple

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from appraisal.clock import today
from appraisal.db import session_scope
from appraisal.documents.recipients import SELF
from appraisal.models import Cycle, Document, ReviewerLink
from appraisal.models.vocab import Reply, Stage
from appraisal.paths import located
from appraisal.portal.limits import PersonCode, field
from appraisal.portal.sessions import begin
from appraisal.portal.uploads import UploadOutcome, accept_upload, discard, new_staging_file
from appraisal.portal.web import check_csrf, flash, log_access, page, visit
from appraisal.portal.web import reviewer_actor as _actor
from appraisal.settings import get_settings
from appraisal.stages import RESULT_NOTICE, takes_reply
from appraisal.store import reports, reviews
from appraisal.store.contact import office_contact
from appraisal.store.cycles import get_cycle
from appraisal.store.dashboard import InboxRow, reviewer_document, reviewer_documents
from appraisal.store.freeze import why_frozen
from appraisal.store.links import find_link, link_problem
from appraisal.store.nominations import NOMINATING_BODY, body_nominations, takes_nominations
from appraisal.store.sessions import ENDINGS
from appraisal.store.signoffs import SignOffError, record_reply

router = APIRouter()


class OwnReport(NamedTuple):
    row: reports.ReportRow
    due: date | None
    closed: str | None


NOT_FOUND = "没有这份文件 / no such document"


def _current_link(request: Request) -> ReviewerLink:
    """The link this browser opened. Revoking it ends the session at once (logged as refused)."""
    found = visit(request)
    if found is None or found.link is None:
        raise HTTPException(403, "请通过工作人员发给您的链接进入 / open the link you were sent")
    if found.ending is not None:
        raise HTTPException(403, ENDINGS[found.ending])
    return found.link


def _own_document(link: ReviewerLink, document_id: str) -> Document | None:
    with session_scope() as session:
        return reviewer_document(session, link, document_id)


def _denied(request: Request, link: ReviewerLink, document_id: str, action: str) -> HTTPException:
    with session_scope() as session:
        log_access(
            session, request, actor=_actor(link), action=action, outcome="denied",
            document_id=document_id, link_id=link.id, detail="not this reviewer's document",
        )  # fmt: skip
    return HTTPException(404, NOT_FOUND)


@router.get("/r/{token}")
def open_link(request: Request, token: str) -> Response:
    with session_scope() as session:
        link = find_link(session, token) if len(token) <= 128 else None
        problem = link_problem(link)
        log_access(
            session, request, actor=_actor(link) if link else "anonymous", action="open link",
            outcome="denied" if problem else "ok", link_id=link.id if link else None,
            detail=problem or "",
        )  # fmt: skip
    if problem or link is None:
        with session_scope() as session:
            contact = office_contact(session, link.cycle_id if link else None)
        return page(
            request, "refused.html", status_code=403, reason=problem, contact=contact, plain=True
        )
    response = RedirectResponse("/inbox", status_code=303)
    begin(request, response, link=link)  # a link never inherits a staff login or another's session
    return response


@router.get("/inbox", response_class=HTMLResponse)
def inbox(request: Request) -> Response:
    link = _current_link(request)
    with session_scope() as session:
        cycle = get_cycle(session, link.cycle_id)
        rows = reviewer_documents(session, link)
        contact = office_contact(session, link.cycle_id)
        nominating = _nominating(session, cycle, link)
        report = _own_report(session, cycle, link)
        log_access(session, request, actor=_actor(link), action="inbox", link_id=link.id)
    # A letter already returned but not yet answered is owed a reply, not a file; a return held
    # for staff review is owed nothing by the reviewer until staff decide.
    to_reply = sum(r.awaits_reply and not r.held for r in rows)
    held = sum(r.held for r in rows)
    to_return = sum(not r.done for r in rows) - to_reply - held
    heading = _heading(cycle.stage == Stage.DONE, bool(rows), to_return, to_reply, held)
    return page(
        request, "inbox.html", link=link, cycle=cycle, rows=rows, to_return=to_return,
        to_reply=to_reply, heading=heading, contact=contact, nominating=nominating, plain=True,
        reviews=_own_reviews(cycle, rows), today=today(), report=report,
    )  # fmt: skip


def _nominating(session: Session, cycle: Cycle, link: ReviewerLink) -> tuple[bool, int] | None:
    """For a nominating body: whether it may still nominate, and how many it has; else None
    (the page is only offered while nominations are taken, or to show the body's own)."""
    if link.reviewer_kind != NOMINATING_BODY:
        return None
    open_, made = takes_nominations(cycle), len(body_nominations(session, cycle, link))
    return (open_, made) if open_ or made else None


def _own_report(session: Session, cycle: Cycle, link: ReviewerLink) -> OwnReport | None:
    """For a person's own link: their 年度履职报告 so far, its due date and whether the cycle
    still takes it; None for anyone else's link."""
    if link.reviewer_kind != SELF:
        return None
    person = reports.link_person(session, cycle, link.reviewer_name)
    if person is None:
        return None
    return OwnReport(
        reports.person_reports(session, cycle, person.code),
        reports.due_on(session, cycle),
        reports.closed_reason(session, cycle),
    )


def _own_reviews(cycle: Cycle, rows: list[InboxRow]) -> dict[str, reviews.ReviewRow]:
    """The 复核 of the person each of their own 考核结果通知书 is to, by the notice's ID."""
    found = {}
    with session_scope() as session:
        for r in rows:
            if (review := reviews.notice_review(session, cycle, r.document)) is not None:
                found[r.document.id] = review
    return found


@router.post("/inbox/documents/{document_id}/review")
async def ask_review(request: Request, document_id: str) -> Response:
    """申请复核 through the person's own link, against the notice it shows them."""
    link = _current_link(request)
    form = await request.form(max_files=1, max_fields=3)
    check_csrf(request, form.get("csrf"))
    doc = _own_document(link, document_id)
    if doc is None or doc.template_id != RESULT_NOTICE or doc.person_id is None:
        raise _denied(request, link, document_id, "ask review")
    grounds = form.get("grounds")
    text = grounds[:4096] if isinstance(grounds, str) else ""
    upload = form.get("file")
    staged: Path | None = None
    if isinstance(upload, UploadFile) and upload.filename:
        staged = new_staging_file(doc.cycle_id)
    try:
        if staged is not None and isinstance(upload, UploadFile):
            with staged.open("wb") as out:
                while chunk := await upload.read(1 << 20):
                    out.write(chunk)
        error = await run_in_threadpool(_ask, link, doc, text, staged)
    finally:
        if staged is not None:
            discard(staged)
    with session_scope() as session:
        log_access(
            session, request, actor=_actor(link), action="ask review", document_id=doc.id,
            link_id=link.id, outcome="refused" if error else "ok", detail=error,
        )  # fmt: skip
    flash(
        request,
        error or "已提交复核申请，工作人员决定后将向您送达复核决定书",
        "error" if error else "ok",
    )
    return RedirectResponse("/inbox", status_code=303)


def _ask(link: ReviewerLink, doc: Document, grounds: str, staged: Path | None) -> str:
    try:
        with session_scope() as session:
            cycle = get_cycle(session, doc.cycle_id)
            own = reviews.notice_review(session, cycle, doc)
            assert own is not None
            reviews.request_review(
                session, cycle=cycle, code=own.code,
                grounds=grounds, actor=_actor(link)[:64], on=today(), by_link=True, file=staged,
            )  # fmt: skip
    except reviews.ReviewError as exc:
        return str(exc)
    return ""


def _heading(closed: bool, any_rows: bool, to_return: int, to_reply: int, held: int) -> str:
    """What is still to do, in the words the page opens with."""
    if closed:
        return "本周期已办结归档"
    owed = [
        *([f"{to_return} 份文件待回传"] if to_return else []),
        *([f"{to_reply} 份回执待填写意见"] if to_reply else []),
    ]
    if owed:
        return "还有 " + "，".join(owed)
    if held:
        return f"文件已收到，{held} 份待工作人员核对"
    return "全部文件已回传，谢谢" if any_rows else "目前没有需要您办理的文件"


@router.get("/inbox/documents/{document_id}.{ext}")
def download(request: Request, document_id: str, ext: str) -> Response:
    link = _current_link(request)
    doc = _own_document(link, document_id)
    if doc is None or ext not in ("pdf", "docx"):
        raise _denied(request, link, document_id, f"download {ext}")
    path = located(doc.pdf_path if ext == "pdf" else doc.docx_path)
    if not path.is_file():
        raise HTTPException(404, NOT_FOUND)
    with session_scope() as session:
        log_access(
            session, request, actor=_actor(link), action=f"download {ext}",
            document_id=doc.id, link_id=link.id,
        )  # fmt: skip
    media = "application/pdf" if ext == "pdf" else (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )  # fmt: skip
    return FileResponse(path, media_type=media, filename=f"{doc.id}.{ext}")


@router.post("/inbox/documents/{document_id}/return")
async def upload_return(request: Request, document_id: str) -> Response:
    link = _current_link(request)
    form = await request.form(max_files=1, max_fields=4)
    check_csrf(request, form.get("csrf"))
    doc = _own_document(link, document_id)
    if doc is None:
        raise _denied(request, link, document_id, "upload")
    if refused := _frozen(request, link, doc, "upload"):
        return refused
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        flash(request, "请选择要上传的 PDF 文件 / choose the PDF file to upload", "error")
        return RedirectResponse("/inbox", status_code=303)
    shown = Path(upload.filename).name[:120]
    staged = new_staging_file(doc.cycle_id)
    try:
        with staged.open("wb") as out:
            while chunk := await upload.read(1 << 20):
                out.write(chunk)
        outcome = await run_in_threadpool(_record, link, doc, staged, shown)
    finally:
        discard(staged)
    flash(request, outcome.message, "ok" if outcome.accepted else "error")
    return RedirectResponse("/inbox", status_code=303)


def _frozen(
    request: Request, link: ReviewerLink, doc: Document, action: str, named: list[str] | None = None
) -> Response | None:
    """Refuse, and log, a change to a document of a finished cycle or a sealed dossier."""
    with session_scope() as session:
        frozen = why_frozen(session, doc.id, named or [])
        if frozen is None:
            return None
        log_access(
            session, request, actor=_actor(link), action=action, outcome="refused",
            document_id=doc.id, link_id=link.id, detail=str(frozen),
        )  # fmt: skip
    flash(request, frozen.for_reviewer(), "error")
    return RedirectResponse("/inbox", status_code=303)


def _record(link: ReviewerLink, doc: Document, staged: Path, shown: str) -> UploadOutcome:
    settings = get_settings()
    with session_scope() as session:
        outcome = accept_upload(
            session, cycle=get_cycle(session, doc.cycle_id), document=doc, staged=staged,
            shown_name=shown, settings=settings, actor=_actor(link)[:64],
        )  # fmt: skip
    # A refusal leaves nothing behind but its line in the access log.
    with session_scope() as session:
        log_access(
            session, None, actor=_actor(link), action="upload",
            outcome="ok" if outcome.accepted else "refused", document_id=doc.id,
            link_id=link.id, detail=outcome.message,
        )  # fmt: skip
    return outcome


@router.post("/inbox/documents/{document_id}/reply")
def reply(
    request: Request,
    document_id: str,
    csrf: Annotated[str, field("csrf")] = "",
    answer: Annotated[str, field("answer")] = "",
    text: Annotated[str, field("text")] = "",
    person: Annotated[list[PersonCode] | None, field("person")] = None,
) -> Response:
    link = _current_link(request)
    check_csrf(request, csrf)
    doc = _own_document(link, document_id)
    if doc is None:
        raise _denied(request, link, document_id, "reply")
    if refused := _frozen(request, link, doc, "reply", person if answer == Reply.OBJECTION else []):
        return refused
    if not takes_reply(doc.stage) or answer not in (Reply.NO_OBJECTION, Reply.OBJECTION):
        flash(request, "请选择 无异议 或 有异议 / choose 无异议 or 有异议", "error")
        return RedirectResponse("/inbox", status_code=303)
    try:
        with session_scope() as session:
            record_reply(
                session, document_id=doc.id, reply=Reply(answer), text=text,
                people=person or [], actor=_actor(link)[:64],
            )  # fmt: skip
            log_access(
                session, request, actor=_actor(link), action="reply", document_id=doc.id,
                link_id=link.id, detail=answer,
            )  # fmt: skip
    except SignOffError as exc:
        flash(request, reply_problem(str(exc)), "error")
        return RedirectResponse("/inbox", status_code=303)
    flash(request, f"已记录回执意见：{answer}", "ok")
    return RedirectResponse("/inbox", status_code=303)


def reply_problem(message: str) -> str:
    if "signed return first" in message:
        return "请先上传签章后的回执，再填写意见 / upload the signed reply slip first"
    if "objection needs its text" in message:
        return "有异议时请写明具体意见 / an objection needs its reasons"
    if "name the people" in message:
        return "请勾选意见涉及的人员 / tick the people the objection concerns"
    return message
