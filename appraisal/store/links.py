"""Reviewers' personal links and staff accounts."""

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from appraisal.portal.secrets import hash_password, new_token, token_digest, verify_password
from models import Document, ReviewerLink, StaffUser
from models.base import utcnow

LINK_DAYS = 30


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


def _aware(moment: datetime) -> datetime:
    # SQLite hands timestamps back without their zone; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def link_problem(link: ReviewerLink | None, now: datetime | None = None) -> str | None:
    """Why a link does not open, in words for the person holding it; None when it is good."""
    if link is None:
        return "链接无效 / this link is not valid"
    if link.revoked_at is not None:
        return "链接已被撤销，请联系工作人员 / this link was revoked: ask the office for a new one"
    if _aware(link.expires_at) <= (now or utcnow()):
        return "链接已过期，请联系工作人员 / this link has expired: ask the office for a new one"
    return None


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


def revoke_link(session: Session, link_id: int) -> ReviewerLink | None:
    link = session.get(ReviewerLink, link_id)
    if link is not None and link.revoked_at is None:
        link.revoked_at = utcnow()
        session.add(link)
    return link


def set_staff_password(session: Session, username: str, password: str) -> StaffUser:
    if len(password) < 10:
        raise LinkError("a staff password needs at least 10 characters")
    user = session.exec(select(StaffUser).where(StaffUser.username == username)).first()
    user = user or StaffUser(username=username, password_hash="")
    user.password_hash = hash_password(password)
    user.active = True
    session.add(user)
    return user


def check_staff(session: Session, username: str, password: str) -> StaffUser | None:
    user = session.exec(select(StaffUser).where(StaffUser.username == username)).first()
    if user is None or not user.active:
        # Same cost as a real check, so timing does not tell which usernames exist.
        verify_password(password, hash_password("-"))
        return None
    return user if verify_password(password, user.password_hash) else None
