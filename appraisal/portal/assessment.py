"""组织考核 of a cycle for the assessment team: every member's four dimension ratings, the score
the scheme's weights make and the written 考核材料, and a page per person to enter or correct
them (a correction with its reason, audited). The same core functions as `appraisal assess`."""

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from appraisal.db import session_scope
from appraisal.models import Cycle
from appraisal.models.vocab import Dimension
from appraisal.portal.access import scoped_cycle, staff
from appraisal.portal.limits import RowId, field
from appraisal.portal.web import check_csrf, flash, page, staff_change
from appraisal.roles import Action
from appraisal.scheme import Scheme, parse_scheme
from appraisal.store.assessment import (
    AssessmentRow,
    assessment_rows,
    parse_assessment,
    set_assessment,
)
from appraisal.store.person_info import PersonInfoError

router = APIRouter()

# Each dimension's form field, in the dimensions' order.
FORM_FIELDS = {
    Dimension.POLITICAL: "political",
    Dimension.THINKING: "thinking",
    Dimension.DUTY: "duty",
    Dimension.INTEGRITY: "integrity",
}


def _rows(cycle: Cycle) -> tuple[Scheme, list[AssessmentRow]]:
    scheme = parse_scheme(cycle.scheme_toml, cycle.name)
    with session_scope() as session:
        return scheme, assessment_rows(session, cycle, scheme)


def _weights(scheme: Scheme) -> dict[str, str]:
    if scheme.assessment is None:
        return {}
    return {d.value: f"{float(w):.0%}" for d, w in scheme.assessment.weights.items()}


@router.get("/cycles/{cycle_id}/assessment")
def listing(request: Request, cycle_id: RowId) -> Response:
    me = staff(request)
    cycle = scoped_cycle(me, cycle_id)
    scheme, rows = _rows(cycle)
    return page(
        request, "assessment.html", cycle=cycle, rows=rows, weights=_weights(scheme),
        dimensions=[d.value for d in Dimension],
        entered=sum(1 for r in rows if r.view is not None and r.view.ratings),
    )  # fmt: skip


@router.get("/cycles/{cycle_id}/assessment/{code}")
def person(request: Request, cycle_id: RowId, code: str) -> Response:
    me = staff(request)
    return _person_page(request, scoped_cycle(me, cycle_id), code[:64])


def _person_page(
    request: Request, cycle: Cycle, code: str, typed: dict[str, str] | None = None
) -> Response:
    """The person's form, with what is on record or, after a refusal, with what was typed (a
    refused 考核材料 is not lost)."""
    scheme, rows = _rows(cycle)
    row = next((r for r in rows if r.code == code), None)
    if row is None:
        flash(request, f"{code} 不是本周期的参评人员 / not a member of the cycle", "error")
        return RedirectResponse(f"/cycles/{cycle.id}/assessment", status_code=303)
    view = row.view
    ratings = {k: f"{v:g}" for k, v in view.ratings} if view else {}
    values = typed or {
        **{name: ratings.get(d.value, "") for d, name in FORM_FIELDS.items()},
        "material": view.material if view else "",
        "assessor": view.assessor if view else "",
    }
    return page(
        request, "assessment_person.html", cycle=cycle, row=row, weights=_weights(scheme),
        fields=[(d.value, name) for d, name in FORM_FIELDS.items()], values=values,
        recorded=bool(view),
    )  # fmt: skip


@router.post("/cycles/{cycle_id}/assessment/{code}")
def save(
    request: Request,
    cycle_id: RowId,
    code: str,
    csrf: Annotated[str, field("csrf")] = "",
    political: Annotated[str, field("political")] = "",
    thinking: Annotated[str, field("thinking")] = "",
    duty: Annotated[str, field("duty")] = "",
    integrity: Annotated[str, field("integrity")] = "",
    material: Annotated[str, field("material")] = "",
    assessor: Annotated[str, field("assessor")] = "",
    reason: Annotated[str, field("reason")] = "",
) -> Response:
    """One person's ratings and 考核材料; replacing a recorded value needs the reason."""
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    cycle = scoped_cycle(me, cycle_id)
    code = code[:64]
    typed = {
        Dimension.POLITICAL.value: political,
        Dimension.THINKING.value: thinking,
        Dimension.DUTY.value: duty,
        Dimension.INTEGRITY.value: integrity,
    }

    def change(session: Session) -> str:
        entry = parse_assessment(typed, material, assessor)
        diff = set_assessment(
            session, code=code, year=cycle.year, entry=entry, actor=me.actor, reason=reason,
            scope=me.scope,
        )  # fmt: skip
        return f"已保存 {code} 的组织考核" if diff else f"{code} 的组织考核未变"

    if staff_change(request, me.actor, action="assessment", detail=f"cycle {cycle_id} {code}",
                    refused=PersonInfoError, change=change):  # fmt: skip
        return RedirectResponse(f"/cycles/{cycle_id}/assessment#{code}", status_code=303)
    typed = {**dict(zip(FORM_FIELDS.values(), (political, thinking, duty, integrity),
                        strict=True)), "material": material, "assessor": assessor}  # fmt: skip
    return _person_page(request, cycle, code, typed)
