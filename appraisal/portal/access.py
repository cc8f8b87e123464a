"""Who is asking, and may they: every staff page starts here. The role decides what a page may
do; the scope it carries keeps the store's queries to the member's offices."""

from fastapi import HTTPException, Request

from appraisal.db import session_scope
from appraisal.models import Cycle
from appraisal.portal.limits import MAX_ROW_ID
from appraisal.portal.web import live_visit, log_refusal, shown_path
from appraisal.roles import Action, refusal
from appraisal.store.cycles import NoSuchCycle, get_cycle
from appraisal.store.offices import StaffMember, staff_member

NO_CYCLE = "没有这个考核周期，或它不属于您的单位"


class LoginRequired(Exception):
    """Raised by pages that need a staff login; answered with a redirect to /login."""


def staff(request: Request, action: Action = Action.READ) -> StaffMember:
    """The logged-in staff member, if their role allows `action`; anyone else goes to the
    login page, and a role that does not allow it is refused (403, logged)."""
    found = live_visit(request)
    if found is None or found.user is None:
        raise LoginRequired
    member: StaffMember | None = getattr(request.state, "staff_member", None)
    if member is None:
        with session_scope() as session:
            member = staff_member(session, found.user)
        request.state.staff_member = member
    if not member.may(action):
        log_refusal(request, action="role", detail=f"{shown_path(request)}: {member.role.value}")
        raise HTTPException(403, refusal(member.role, action))
    return member


def scoped_cycle(member: StaffMember, cycle_id: int) -> Cycle:
    """The cycle, if it is one of the member's offices'; 404 otherwise (the same answer as for a
    number no cycle has)."""
    # A number no row can have is looked up by no database (SQLite would overflow).
    if 0 < cycle_id <= MAX_ROW_ID:
        with session_scope() as session:
            try:
                return get_cycle(session, cycle_id, member.scope)
            except NoSuchCycle:
                pass
    raise HTTPException(404, NO_CYCLE)
