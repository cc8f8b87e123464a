"""履职申报 for staff: the claims members made through their links (or staff entered from paper),
pending first, with the evidence to open, and 采纳 / 不予采纳 (with a reason) on each. The same
core functions as `appraisal claims list / show / accept / decline`; the member's own page is
portal/own_duties.py."""

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from appraisal.db import session_scope
from appraisal.evidence_files import MEDIA
from appraisal.models.vocab import ClaimStatus
from appraisal.portal.access import staff
from appraisal.portal.limits import RowId, field
from appraisal.portal.web import check_csrf, flash, log_access, page
from appraisal.roles import Action
from appraisal.store import claims
from appraisal.store.offices import StaffMember

router = APIRouter()
PAGE = "/claims"


@router.get(PAGE)
def listing(request: Request, show: Literal["pending", "all"] = "pending") -> Response:
    me = staff(request)
    with session_scope() as session:
        rows = claims.list_claims(session, scope=me.scope)
    pending = [r for r in rows if r.claim.status is ClaimStatus.PENDING]
    decided = [r for r in reversed(rows) if r.claim.status is not ClaimStatus.PENDING]
    return page(
        request, "claims.html", me=me, user=me.username, pending=pending,
        decided=decided if show == "all" else decided[:20], show=show, total=len(decided),
    )  # fmt: skip


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
