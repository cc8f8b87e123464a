"""我的履职记录: the member's own page, opened by their personal link (本人): their duty records
of the year with the points each earns and the rule behind them, the category totals and their
points as they stand, their 履职申报 with the office's decisions, and the form to claim a duty the
office did not record (with evidence)."""

import shutil
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from appraisal.claim_words import (
    CLAIM_FIELDS,
    CLAIM_KINDS,
    CLAIM_ROLES,
    ClaimFieldError,
    claim_day,
    claim_kind,
    claim_role,
)
from appraisal.db import session_scope
from appraisal.models import ReviewerLink
from appraisal.portal.inbox import _current_link
from appraisal.portal.reports import _text, max_mb, staged_upload
from appraisal.portal.web import check_csrf, flash, log_access, page
from appraisal.portal.web import reviewer_actor as _actor
from appraisal.store import claims
from appraisal.store.contact import office_contact
from appraisal.store.own_duties import link_member, own_year

router = APIRouter()
OWN_PAGE = "/inbox/duties"
NOT_FOR_LINK = "这个链接不用于查看履职记录 / this link is not a member's own"


@router.get(OWN_PAGE)
def own_page(request: Request) -> Response:
    link = _current_link(request)
    with session_scope() as session:
        found = link_member(session, link)
        if found is None:
            raise HTTPException(404, NOT_FOR_LINK)
        year = own_year(session, *found)
        contact = office_contact(session, link.cycle_id)
        log_access(session, request, actor=_actor(link), action="duties page", link_id=link.id)
    return page(
        request, "own_duties.html", link=link, own=year, contact=contact, max_mb=max_mb(),
        kinds=CLAIM_KINDS, roles=CLAIM_ROLES, plain=True,
    )  # fmt: skip


def _claim(link: ReviewerLink, form: dict[str, str], staged: Path, shown: str) -> str:
    """Record the claim; the refusal in words, or "" when it was recorded."""
    try:
        kind = claim_kind(form["duty_kind"])
        role, held_on = claim_role(form["duty_role"]), claim_day(form["duty_on"])
        with session_scope() as session:
            found = link_member(session, link)
            if found is None:
                return NOT_FOR_LINK
            cycle, person = found
            claims.submit_claim(
                session, cycle=cycle, code=person.code, kind=kind, title=form["title"],
                held_on=held_on, role=role, note=form["note"], source=staged, file_name=shown,
                actor=_actor(link)[:64], by_link=True,
            )  # fmt: skip
    except (ClaimFieldError, claims.ClaimError) as exc:
        return str(exc)
    return ""


@router.post(OWN_PAGE)
async def own_claim(request: Request) -> Response:
    link = _current_link(request)
    form = await request.form(max_files=1, max_fields=7)
    check_csrf(request, form.get("csrf"))
    with session_scope() as session:
        if link_member(session, link) is None:
            raise HTTPException(404, NOT_FOR_LINK)
    fields = {n: _text(form, n) for n in CLAIM_FIELDS}
    got = await staged_upload(form)
    if got is None:
        flash(request, "请选择证明材料（PDF、JPG 或 PNG 文件） / choose the evidence", "error")
        return RedirectResponse(OWN_PAGE + "#claim-form", status_code=303)
    staged, shown = got
    try:
        error = await run_in_threadpool(_claim, link, fields, staged, shown)
    finally:
        shutil.rmtree(staged.parent, ignore_errors=True)
    with session_scope() as session:
        log_access(
            session, request, actor=_actor(link), action="claim duty", link_id=link.id,
            outcome="refused" if error else "ok", detail=error or f"{fields['title']}：{shown}",
        )  # fmt: skip
    if error:
        flash(request, error, "error")
        return RedirectResponse(OWN_PAGE + "#claim-form", status_code=303)
    flash(request, f"已收到您的履职申报“{fields['title']}”，工作人员审核后将在本页显示结果", "ok")
    return RedirectResponse(OWN_PAGE + "#claims", status_code=303)
