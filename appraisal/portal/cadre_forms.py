"""干部年度考核登记表 for staff: every cadre of a cycle with the sections recorded, and one
cadre's page to enter the 个人总结 (from paper), the 主管领导评语, the 考核委员会意见 with the
indicator ratings and the 本人意见. The same core functions as `appraisal cadre`; the cadre's own
page is portal/own_cadre.py."""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from appraisal.db import session_scope
from appraisal.models import Cycle
from appraisal.portal.access import scoped_cycle, staff
from appraisal.portal.limits import PersonCode, RowId
from appraisal.portal.web import check_csrf, flash, log_access, page
from appraisal.roles import Action
from appraisal.store import cadre

router = APIRouter()
# The longest a form field may be read: the longest section (个人总结) with room to refuse it.
FORM_TEXT = 8000


def form_text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value[:FORM_TEXT] if isinstance(value, str) else ""


def _listing(cycle_id: int) -> str:
    return f"/cycles/{cycle_id}/cadre"


def _rules(cycle: Cycle) -> Any:
    try:
        return cadre.cadre_scheme(cycle).cadre
    except cadre.CadreError as exc:
        raise HTTPException(404, str(exc)) from None


@router.get("/cycles/{cycle_id}/cadre")
def listing(request: Request, cycle_id: RowId) -> Response:
    me = staff(request)
    cycle = scoped_cycle(me, cycle_id)
    rules = _rules(cycle)
    with session_scope() as session:
        rows = cadre.registration_rows(session, cycle)
    counts = {s: sum(r.done(s) for r in rows) for s in cadre.SECTIONS}
    return page(
        request, "cadre.html", me=me, cycle=cycle, rows=rows, sections=cadre.SECTIONS,
        counts=counts, rules=rules, open=cadre.summary_open(cycle),
    )  # fmt: skip


@router.get("/cycles/{cycle_id}/cadre/{code}")
def person_page(request: Request, cycle_id: RowId, code: PersonCode) -> Response:
    me = staff(request)
    cycle = scoped_cycle(me, cycle_id)
    rules = _rules(cycle)
    try:
        with session_scope() as session:
            row = cadre.registration(session, cycle, code)
    except cadre.CadreError as exc:
        raise HTTPException(404, str(exc)) from None
    scale = [g.grade.value for g in cadre.cadre_scheme(cycle).grades]
    return page(
        request, "cadre_person.html", me=me, cycle=cycle, row=row, rules=rules, scale=scale,
        open=cadre.summary_open(cycle), when=cadre.when,
    )  # fmt: skip


Recorder = Callable[[Session, Cycle, str, FormData, str], dict[str, tuple[object, object]]]


def _summary(s: Session, c: Cycle, code: str, f: FormData, who: str) -> dict[str, Any]:
    return cadre.record_summary(s, cycle=c, code=code, text=form_text(f, "text"), actor=who,
                                reason=form_text(f, "reason"))  # fmt: skip


def _comment(s: Session, c: Cycle, code: str, f: FormData, who: str) -> dict[str, Any]:
    return cadre.record_comment(s, cycle=c, code=code, text=form_text(f, "text"),
                                commenter=form_text(f, "leader"), proposed=form_text(f, "grade"),
                                actor=who, reason=form_text(f, "reason"))  # fmt: skip


def _committee(s: Session, c: Cycle, code: str, f: FormData, who: str) -> dict[str, Any]:
    ratings: dict[str, float] = {}
    rules = cadre.cadre_scheme(c).cadre
    assert rules is not None
    for name in rules.indicators:
        text = form_text(f, f"rating-{name}").strip()
        try:
            ratings[name] = float(text)
        except ValueError:
            raise cadre.CadreError(f"{name} 评分应为 0 到 100 的数，不是“{text}”") from None
    return cadre.record_committee(s, cycle=c, code=code, text=form_text(f, "text"),
                                  ratings=ratings, actor=who,
                                  reason=form_text(f, "reason"))  # fmt: skip


def _opinion(s: Session, c: Cycle, code: str, f: FormData, who: str) -> dict[str, Any]:
    return cadre.record_opinion(s, cycle=c, code=code, agrees=form_text(f, "agree") == "同意",
                                text=form_text(f, "text"), actor=who,
                                reason=form_text(f, "reason"))  # fmt: skip


SECTION_FORMS: dict[str, tuple[str, Recorder]] = {
    "summary": (cadre.SUMMARY, _summary),
    "comment": (cadre.COMMENT, _comment),
    "committee": (cadre.COMMITTEE, _committee),
    "opinion": (cadre.OPINION, _opinion),
}


@router.post("/cycles/{cycle_id}/cadre/{code}/{section}")
async def record(request: Request, cycle_id: RowId, code: PersonCode, section: str) -> Response:
    me = staff(request, Action.RUN)
    cycle = scoped_cycle(me, cycle_id)
    if section not in SECTION_FORMS:
        raise HTTPException(404, "没有这一栏 / no such section")
    label, recorder = SECTION_FORMS[section]
    form = await request.form(max_files=0, max_fields=12)
    check_csrf(request, form.get("csrf"))
    error = ""
    try:
        with session_scope() as session:
            diff = recorder(session, cycle, code, form, me.username)
    except cadre.CadreError as exc:
        error = str(exc)
    with session_scope() as session:
        log_access(session, request, actor=me.actor, action=f"cadre {section}",
                   outcome="refused" if error else "ok",
                   detail=f"cycle {cycle_id} {code}: {error or label}")  # fmt: skip
    if error:
        flash(request, error, "error")
    elif diff:
        flash(request, f"已记录 {code} 的{label}", "ok")
    else:
        flash(request, f"{code} 的{label}与记录相同，未作修改", "info")
    return RedirectResponse(f"{_listing(cycle_id)}/{code}", status_code=303)
