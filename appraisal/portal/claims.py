"""履职申报 for staff: the claims members made through their links (or staff entered from paper),
pending first, with the evidence to open, and 采纳 / 不予采纳 (with a reason) on each. The same
core functions as `appraisal claims list / show / accept / decline`; the member's own page is
portal/own_duties.py."""

import shutil
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, RedirectResponse, Response

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
from appraisal.evidence_files import MEDIA
from appraisal.models.vocab import ClaimStatus
from appraisal.portal.access import scoped_cycle, staff
from appraisal.portal.limits import RowId, field
from appraisal.portal.reports import _text, max_mb, staged_upload
from appraisal.portal.web import check_csrf, flash, log_access, page
from appraisal.roles import Action
from appraisal.store import claims
from appraisal.store.cycles import get_cycle, list_cycles
from appraisal.store.offices import StaffMember

router = APIRouter()
PAGE = "/claims"


@router.get(PAGE)
def listing(request: Request, show: Literal["pending", "all"] = "pending") -> Response:
    me = staff(request)
    with session_scope() as session:
        rows = claims.list_claims(session, scope=me.scope)
        cycles = [
            c for c in list_cycles(session, me.scope) if claims.closed_reason(session, c) is None
        ]
    pending = [r for r in rows if r.claim.status is ClaimStatus.PENDING]
    decided = [r for r in reversed(rows) if r.claim.status is not ClaimStatus.PENDING]
    return page(
        request, "claims.html", me=me, user=me.username, pending=pending,
        decided=decided if show == "all" else decided[:20], show=show, total=len(decided),
        cycles=cycles, kinds=CLAIM_KINDS, roles=CLAIM_ROLES, max_mb=max_mb(),
    )  # fmt: skip


@router.post("/claims/submit")
async def submit_for(request: Request) -> Response:
    """A paper claim staff enter on a member's behalf, with its scanned evidence."""
    me = staff(request, Action.RUN)
    form = await request.form(max_files=1, max_fields=9)
    check_csrf(request, form.get("csrf"))
    fields = {n: _text(form, n) for n in ("cycle", "code", *CLAIM_FIELDS)}
    cycle = scoped_cycle(me, int(fields["cycle"]) if fields["cycle"].isdigit() else 0)
    got = await staged_upload(form)
    if got is None:
        flash(request, "请选择证明材料（PDF、JPG 或 PNG 文件） / choose the evidence", "error")
        return RedirectResponse(PAGE + "#paper", status_code=303)
    staged, shown = got
    try:
        error = await run_in_threadpool(
            lambda: _submit(cycle.id or 0, fields, staged, shown, me.username)
        )
    finally:
        shutil.rmtree(staged.parent, ignore_errors=True)
    with session_scope() as session:
        log_access(session, request, actor=me.actor, action="submit claim",
                   outcome="refused" if error else "ok",
                   detail=f"cycle {cycle.id} {fields['code']}: {error or shown}")  # fmt: skip
    if error:
        flash(request, error, "error")
        return RedirectResponse(PAGE + "#paper", status_code=303)
    flash(request, f"已代录 {fields['code']} 的履职申报“{fields['title']}”，待审核", "ok")
    return RedirectResponse(PAGE, status_code=303)


def _submit(cycle_id: int, fields: dict[str, str], staged: Path, shown: str, actor: str) -> str:
    try:
        kind = claim_kind(fields["duty_kind"])
        role, held_on = claim_role(fields["duty_role"]), claim_day(fields["duty_on"])
        with session_scope() as session:
            claims.submit_claim(
                session, cycle=get_cycle(session, cycle_id), code=fields["code"], kind=kind,
                title=fields["title"], held_on=held_on, role=role, note=fields["note"],
                source=staged, file_name=shown, actor=actor,
            )  # fmt: skip
    except (ClaimFieldError, claims.ClaimError) as exc:
        return str(exc)
    return ""


def _scoped(me: StaffMember, claim_id: int) -> claims.ClaimRow:
    """The claim, if it is of a cycle of the member's offices; 404 otherwise (the same answer
    as for a number no claim has)."""
    try:
        with session_scope() as session:
            return claims.get_claim(session, claim_id, me.scope)
    except claims.ClaimError as exc:
        raise HTTPException(404, "没有这份履职申报 / no such claim") from exc


@router.get("/claims/{claim_id}/evidence")
def evidence(request: Request, claim_id: RowId) -> Response:
    me = staff(request)
    row = _scoped(me, claim_id)
    with session_scope() as session:
        log_access(session, request, actor=me.actor, action="view claim evidence",
                   detail=f"#{claim_id}")  # fmt: skip
    path = claims.evidence_file(row.claim)
    if not path.is_file():
        raise HTTPException(404, "证明材料不在输出目录中 / the file is missing")
    return FileResponse(path, media_type=MEDIA.get(path.suffix, "application/octet-stream"),
                        filename=f"履职申报-{claim_id}{path.suffix}")  # fmt: skip


@router.post("/claims/{claim_id}/{decision}")
def decide(
    request: Request,
    claim_id: RowId,
    decision: Literal["accept", "decline"],
    csrf: Annotated[str, field("csrf")] = "",
    reason: Annotated[str, field("reason")] = "",
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    _scoped(me, claim_id)
    try:
        with session_scope() as session:
            if decision == "accept":
                record = claims.accept_claim(
                    session, claim_id=claim_id, actor=me.username, note=reason, scope=me.scope
                )
                message = f"第{claim_id}号履职申报已采纳，计入履职记录 {record.record_key}"
            else:
                claims.decline_claim(
                    session, claim_id=claim_id, actor=me.username, reason=reason, scope=me.scope
                )
                message = f"第{claim_id}号履职申报未采纳，申报人将看到理由"
    except claims.ClaimError as exc:
        error = str(exc)
        with session_scope() as session:
            log_access(session, request, actor=me.actor, action=f"{decision} claim",
                       outcome="refused", detail=f"#{claim_id}: {error}")  # fmt: skip
        flash(request, error, "error")
        return RedirectResponse(PAGE, status_code=303)
    with session_scope() as session:
        log_access(session, request, actor=me.actor, action=f"{decision} claim",
                   detail=f"#{claim_id}: {reason}")  # fmt: skip
    flash(request, message, "ok")
    return RedirectResponse(PAGE, status_code=303)
