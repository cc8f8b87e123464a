"""年度考核登记表: the cadre's own page, opened by their personal link (本人): they write their
个人总结 while the committee has not yet decided, and give their 本人意见 once there is a
result; they see the opinions others entered about them."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from appraisal.db import session_scope
from appraisal.documents.recipients import SELF
from appraisal.models import Cycle, ReviewerLink
from appraisal.portal.cadre_forms import form_text
from appraisal.portal.inbox import _current_link
from appraisal.portal.web import check_csrf, flash, log_access, page
from appraisal.portal.web import reviewer_actor as _actor
from appraisal.store import cadre, reports
from appraisal.store.contact import office_contact
from appraisal.store.cycles import get_cycle

router = APIRouter()
OWN_PAGE = "/inbox/cadre"
NOT_FOR_LINK = "这个链接不用于填写年度考核登记表 / this link is not for a registration form"


def _own(link: ReviewerLink) -> tuple[Cycle, cadre.RegistrationRow] | None:
    """The link's cycle and its holder's form; None unless it is a cadre's own link."""
    if link.reviewer_kind != SELF:
        return None
    with session_scope() as session:
        cycle = get_cycle(session, link.cycle_id)
        person = reports.link_person(session, cycle, link.reviewer_name)
        if person is None:
            return None
        try:
            return cycle, cadre.registration(session, cycle, person.code)
        except cadre.CadreError:
            return None  # not a cadre cycle


@router.get(OWN_PAGE)
def own_page(request: Request) -> Response:
    link = _current_link(request)
    own = _own(link)
    if own is None:
        raise HTTPException(404, NOT_FOR_LINK)
    cycle, row = own
    with session_scope() as session:
        contact = office_contact(session, cycle.id)
        log_access(session, request, actor=_actor(link), action="cadre page", link_id=link.id)
    return page(
        request, "cadre_own.html", link=link, cycle=cycle, row=row, contact=contact,
        open=cadre.summary_open(cycle), plain=True,
    )  # fmt: skip


@router.post(OWN_PAGE + "/{section}")
async def own_record(request: Request, section: str) -> Response:
    link = _current_link(request)
    form = await request.form(max_files=0, max_fields=4)
    check_csrf(request, form.get("csrf"))
    own = _own(link)
    if own is None or section not in ("summary", "opinion"):
        raise HTTPException(404, NOT_FOR_LINK)
    cycle, row = own
    label = cadre.SUMMARY if section == "summary" else cadre.OPINION
    error = ""
    try:
        with session_scope() as session:
            if section == "summary":
                cadre.record_summary(session, cycle=cycle, code=row.code, actor=_actor(link),
                                     text=form_text(form, "text"), by_link=True,
                                     reason=form_text(form, "reason"))  # fmt: skip
            else:
                cadre.record_opinion(session, cycle=cycle, code=row.code, actor=_actor(link),
                                     agrees=form_text(form, "agree") == "同意",
                                     text=form_text(form, "text"), by_link=True,
                                     reason=form_text(form, "reason"))  # fmt: skip
    except cadre.CadreError as exc:
        error = str(exc)
    with session_scope() as session:
        log_access(session, request, actor=_actor(link), action=f"cadre {section}",
                   link_id=link.id, outcome="refused" if error else "ok",
                   detail=error or label)  # fmt: skip
    flash(request, error or f"已收到您的{label}，谢谢", "error" if error else "ok")
    return RedirectResponse(OWN_PAGE, status_code=303)
