"""Reviewers' personal links and staff accounts; changing either ends the sessions opened
through it."""

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from appraisal.documents.recipients import SELF
from appraisal.models import Cycle, CycleMember, Document, Person, ReviewerLink, StaffUser
from appraisal.models.base import utcnow
from appraisal.secrets import (
    hash_password,
    new_token,
    token_digest,
    verify_password,
)
from appraisal.store.offices import EVERYWHERE, Scope
from appraisal.store.sessions import ENDINGS, end_link_sessions, link_ending

LINK_DAYS = 30
# The channel recorded for what a person sends through their own link (a 复核申请, a 履职报告).
BY_LINK = "本人链接"


class LinkError(Exception):
    """A staff request about links or accounts that cannot be carried out, with the reason."""


def issue_link(
    session: Session,
    *,
    cycle_id: int,
    kind: str,
    name: str,
    actor: str,
    days: int = LINK_DAYS,
    now: datetime | None = None,
) -> tuple[ReviewerLink, str]:
    """A new link for one reviewer of one cycle; the raw token is returned once, never stored."""
    token = new_token()
    link = ReviewerLink(
        cycle_id=cycle_id,
        reviewer_kind=kind,
        reviewer_name=name,
        token_hash=token_digest(token),
        expires_at=(now or utcnow()) + timedelta(days=days),
        created_by=actor,
    )
    session.add(link)
    session.flush()
    return link, token


def link_actor(link: ReviewerLink) -> str:
    """Who acted through a link, as the access log and the audit trail name them."""
    return f"reviewer:{link.reviewer_kind}/{link.reviewer_name}"


def link_problem(link: ReviewerLink | None, now: datetime | None = None) -> str | None:
    """Why a link does not open, in words for the person holding it; None when it is good."""
    if link is None:
        return "链接无效 / this link is not valid"
    ending = link_ending(link, now or utcnow())
    return ENDINGS[ending] if ending else None


def find_link(session: Session, token: str) -> ReviewerLink | None:
    return session.exec(
        select(ReviewerLink).where(ReviewerLink.token_hash == token_digest(token))
    ).first()


def revoke_links(
    session: Session, *, cycle_id: int, kind: str | None = None, name: str | None = None
) -> int:
    """Revoke the open links of a cycle (of one reviewer when kind and name are given)."""
    query = select(ReviewerLink).where(
        ReviewerLink.cycle_id == cycle_id, col(ReviewerLink.revoked_at).is_(None)
    )
    if name is not None:
        query = query.where(ReviewerLink.reviewer_name == name)
    if kind is not None:
        query = query.where(ReviewerLink.reviewer_kind == kind)
    links = session.exec(query).all()
    now = utcnow()
    for link in links:
        link.revoked_at = now
        session.add(link)
    end_link_sessions(session, [link.id for link in links if link.id is not None], "revoked")
    return len(links)


def reviewer_has_documents(session: Session, *, cycle_id: int, kind: str, name: str) -> bool:
    """Links are only made for someone the cycle has sent documents to."""
    found = session.exec(
        select(Document.id).where(
            Document.cycle_id == cycle_id,
            Document.recipient_kind == kind,
            Document.recipient_name == name,
        )
    ).first()
    return found is not None


def may_have_link(session: Session, *, cycle_id: int, kind: str, name: str) -> bool:
    """Whether a link may be made: for someone the cycle has sent documents to, or for a person
    of the cycle (本人), who submits their 年度履职报告 before any document is addressed to them."""
    if reviewer_has_documents(session, cycle_id=cycle_id, kind=kind, name=name):
        return True
    if kind != SELF:
        return False
    found = session.exec(
        select(Person.id)
        .join(CycleMember, col(CycleMember.person_id) == col(Person.id))
        .where(CycleMember.cycle_id == cycle_id, Person.name == name)
    ).first()
    return found is not None


def scoped_link(session: Session, link_id: int, scope: Scope = EVERYWHERE) -> ReviewerLink | None:
    """The link, if there is one and its cycle is within `scope`."""
    link = session.get(ReviewerLink, link_id)
    if link is None:
        return None
    cycle = session.get(Cycle, link.cycle_id)
    return link if cycle is not None and scope.covers(cycle.office_id) else None


def revoke_link(session: Session, link_id: int, scope: Scope = EVERYWHERE) -> ReviewerLink | None:
    """Revoke one link; None if there is none, or it is of a cycle outside `scope`."""
    link = scoped_link(session, link_id, scope)
    if link is not None and link.revoked_at is None:
        link.revoked_at = utcnow()
        session.add(link)
        end_link_sessions(session, [link_id], "revoked")
    return link


def _staff_user(session: Session, username: str) -> StaffUser | None:
    return session.exec(select(StaffUser).where(StaffUser.username == username)).first()


def check_staff(session: Session, username: str, password: str) -> StaffUser | None:
    user = _staff_user(session, username)
    if user is None or not user.active:
        # Same cost as a real check, so timing does not tell which usernames exist.
        verify_password(password, hash_password("-"))
        return None
    return user if verify_password(password, user.password_hash) else None
