"""Staff run a stage from the browser: what is still awaited, by reviewer and by person, waived
many at once with one reason; reminders queued; a document's own page, where a solicitation
reply received on paper is entered."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from appraisal.clock import today
from appraisal.db import session_scope
from appraisal.kinds import work_stages
from appraisal.models.vocab import Reply, Stage
from appraisal.portal.access import scoped_cycle, staff
from appraisal.portal.inbox import reply_problem
from appraisal.portal.limits import DocumentId, PersonCode, RowId, field
from appraisal.portal.web import check_csrf, flash, log_access, page
from appraisal.reminding import document_titles, overdue, queue_reminders
from appraisal.roles import Action
from appraisal.stages import takes_reply
from appraisal.store.dashboard import cycle_document
from appraisal.store.outstanding import document_people, document_signoffs, stage_account
from appraisal.store.signoffs import SignOffError, record_reply, waive_many

router = APIRouter()


def _stage(cycle_stage: Stage, asked: str, stages: tuple[Stage, ...]) -> Stage:
    """The stage the page is about: the one asked for if it is a working stage of the cycle's
    kind, else the cycle's current one (or its last working stage once the cycle is past them)."""
    for stage in stages:
        if stage.value == asked:
            return stage
    return cycle_stage if cycle_stage in stages else stages[-1]


@router.get("/cycles/{cycle_id}/outstanding")
def outstanding(request: Request, cycle_id: RowId, stage: str = "") -> Response:
    me = staff(request)
    cycle = scoped_cycle(me, cycle_id)
    stages = work_stages(cycle.kind)
    shown = _stage(cycle.stage, stage, stages)
    with session_scope() as session:
        account = stage_account(session, cycle_id, shown, today(), document_titles())
    return page(
        request, "outstanding.html", user=me.username, me=me, cycle=cycle, account=account,
        stages=stages,
    )  # fmt: skip


@router.post("/cycles/{cycle_id}/waive")
def waive(
    request: Request,
    cycle_id: RowId,
    csrf: Annotated[str, field("csrf")] = "",
    reason: Annotated[str, field("reason")] = "",
    stage: Annotated[str, field("stage")] = "",
    doc: Annotated[list[DocumentId] | None, field("doc")] = None,
    group: Annotated[str, field("group")] = "",
) -> Response:
    """Waive the ticked documents, or (a group's button) every awaited document of one reviewer
    ("reviewer:<kind>/<name>") or one person ("person:<编号>")."""
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    cycle = scoped_cycle(me, cycle_id)
    shown = _stage(cycle.stage, stage, work_stages(cycle.kind))
    back = RedirectResponse(f"/cycles/{cycle_id}/outstanding?stage={shown.value}", status_code=303)
    chosen = list(doc or [])
    if group:
        with session_scope() as session:
            account = stage_account(session, cycle_id, shown, today())
        how, _, which = group.partition(":")
        if how == "reviewer":
            chosen = next(
                ([d.document_id for d in g.documents] for g in account.by_reviewer()
                 if g.key == which), [],
            )  # fmt: skip
        elif how == "person":
            chosen = next(
                ([d.document_id for d in g.documents] for g in account.by_person()
                 if g.code == which), [],
            )  # fmt: skip
    try:
        with session_scope() as session:
            done = waive_many(
                session, document_ids=chosen, reason=reason, actor=me.actor[:64],
                cycle_id=cycle_id,
            )  # fmt: skip
            log_access(session, request, actor=me.actor, action="waive",
                       detail=f"cycle {cycle_id}: {len(done)}: {reason.strip()}"[:500])  # fmt: skip
    except SignOffError as exc:
        flash(request, str(exc), "error")
        return back
    flash(request, f"已将 {len(done)} 份文件免于回传，理由：{reason.strip()}", "ok")
    return back


@router.post("/cycles/{cycle_id}/remind")
def remind(request: Request, cycle_id: RowId, csrf: Annotated[str, field("csrf")] = "") -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    scoped_cycle(me, cycle_id)
    now = today()
    late = overdue(cycle_id, now)
    planned = queue_reminders(cycle_id, now) if late else 0
    with session_scope() as session:
        log_access(session, request, actor=me.actor, action="remind",
                   detail=f"cycle {cycle_id}: {planned} queued")  # fmt: skip
    if not late:
        flash(request, "没有逾期未回传的文件，无需催办")
    elif planned:
        flash(
            request,
            f"已将 {planned} 封催办邮件放入待发邮件（每个接收方每天至多一封），"
            f"由邮件发送任务发出（appraisal mail send {cycle_id}）",
            "ok",
        )
    else:
        flash(request, "今天已为这些接收方排过催办邮件，不再重复")
    return RedirectResponse(f"/cycles/{cycle_id}#remind", status_code=303)


@router.get("/cycles/{cycle_id}/files/{document_id}")
def document_page(request: Request, cycle_id: RowId, document_id: DocumentId) -> Response:
    me = staff(request)
    cycle = scoped_cycle(me, cycle_id)
    with session_scope() as session:
        doc = cycle_document(session, cycle_id, document_id)
        if doc is None:
            raise HTTPException(404, "本周期没有这份文件")
        people = document_people(session, doc)
        returns = document_signoffs(session, doc.id)
        account = stage_account(session, cycle_id, doc.stage, today(), document_titles(), [doc.id])
    awaited = account.awaited[0] if account.awaited else None
    latest = next((s for s in reversed(returns) if s.method.value != "waiver"), None)
    return page(
        request, "document.html", user=me.username, me=me, cycle=cycle, doc=doc,
        people=people, returns=returns, awaited=awaited, latest=latest,
        takes_reply=takes_reply(doc.stage), title=document_titles().get(doc.template_id, ""),
    )  # fmt: skip


@router.post("/cycles/{cycle_id}/files/{document_id}/reply")
def reply(
    request: Request,
    cycle_id: RowId,
    document_id: DocumentId,
    csrf: Annotated[str, field("csrf")] = "",
    answer: Annotated[str, field("answer")] = "",
    text: Annotated[str, field("text")] = "",
    person: Annotated[list[PersonCode] | None, field("person")] = None,
) -> Response:
    """A reply received on paper, entered by staff: the same core as `signoff reply`."""
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    scoped_cycle(me, cycle_id)
    back = RedirectResponse(f"/cycles/{cycle_id}/files/{document_id}", status_code=303)
    with session_scope() as session:
        doc = cycle_document(session, cycle_id, document_id)
    if doc is None:
        raise HTTPException(404, "本周期没有这份文件")
    if answer not in (Reply.NO_OBJECTION, Reply.OBJECTION):
        flash(request, "请选择 无异议 或 有异议", "error")
        return back
    try:
        with session_scope() as session:
            flagged = record_reply(
                session, document_id=doc.id, reply=Reply(answer), text=text,
                people=list(person or []), actor=me.actor[:64],
            )  # fmt: skip
            log_access(session, request, actor=me.actor, action="reply", document_id=doc.id,
                       detail=answer)  # fmt: skip
    except SignOffError as exc:
        flash(request, _staff_problem(str(exc)), "error")
        return back
    note = f"，已标记待核：{'、'.join(flagged)}" if flagged else ""
    flash(request, f"已记录回执意见：{answer}{note}", "ok")
    return back


def _staff_problem(message: str) -> str:
    if "signed return first" in message:
        return (
            "这份函还没有记录签章回执：请先导入回执扫描件（appraisal signoff import），"
            "再录入回执意见"
        )
    return reply_problem(message)
