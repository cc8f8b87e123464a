"""Portal sessions: a row per login (staff) or per opened link (reviewer), found by the hash of
the random ID its cookie carries, and ended at once when what it stands on goes away."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from appraisal.models import PortalSession, ReviewerLink, StaffUser
from appraisal.models.base import utcnow
from appraisal.secrets import new_token, token_digest
from appraisal.store.changes import chunks

# Why a session ended (stored in `end_reason`), in words for the person holding it.
ENDINGS = {
    "logout": "您已退出登录，请重新登录 / you logged out: log in again",
    "password": "密码已更改，请重新登录 / the password was changed: log in again",
    "deactivated": "该账户已停用 / this account has been deactivated",
    "changed": "账户的角色或单位已更改，请重新登录 / the account was changed: log in again",
    "replaced": "此浏览器已开始新的会话 / this browser started a new session",
    "revoked": "链接已被撤销，请联系工作人员 / this link was revoked: ask the office for a new one",
    "link expired": "链接已过期，请联系工作人员 / "
    "this link has expired: ask the office for a new one",
    "expired": "会话已过期，请重新登录或重新打开链接 / "
    "the session expired: log in or open your link again",
}
# Recording when a session was last used costs a write, so it is done at most this often.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Visit:
    """What a request's session cookie opened: who, and why it no longer opens anything."""

    row: PortalSession
    username: str | None  # a staff session
    link: ReviewerLink | None  # a reviewer's session
    ending: str | None  # a key of ENDINGS; None while the session is good
    user: StaffUser | None = None  # the staff account, for its role and office

    @property
    def live(self) -> bool:
        return self.ending is None


def as_utc(moment: datetime) -> datetime:
    # SQLite hands timestamps back without their zone; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def link_ending(link: ReviewerLink, now: datetime) -> str | None:
    """Why a link no longer opens anything (a key of ENDINGS), or None."""
    if link.revoked_at is not None:
        return "revoked"
    if as_utc(link.expires_at) <= now:
        return "link expired"
    return None


def open_session(
    session: Session,
    *,
    hours: int,
    client: str,
    user: StaffUser | None = None,
    link: ReviewerLink | None = None,
    now: datetime | None = None,
) -> str:
    """A new session for a staff member or a link, with a fresh CSRF token; returns the cookie's
    value, which is never stored. A link's session ends when the link expires, if sooner."""
    now = now or utcnow()
    expires = now + timedelta(hours=hours)
    if link is not None:
        expires = min(expires, as_utc(link.expires_at))
    token = new_token()
    session.add(
        PortalSession(
            token_hash=token_digest(token),
            staff_user_id=user.id if user else None,
            link_id=link.id if link else None,
            csrf=secrets.token_urlsafe(32),
            client=client[:64],
            created_at=now,
            last_seen_at=now,
            expires_at=expires,
        )
    )
    session.flush()
    return token


def find_session(session: Session, token: str, now: datetime | None = None) -> Visit | None:
    """The session a cookie names (one indexed lookup), or None for a value never issued.

    A session whose account was deactivated or whose link was revoked or expired is ended here
    too, in case that happened without going through the functions below."""
    now = now or utcnow()
    found = session.exec(
        select(PortalSession, StaffUser, ReviewerLink)
        .outerjoin(StaffUser, col(StaffUser.id) == col(PortalSession.staff_user_id))
        .outerjoin(ReviewerLink, col(ReviewerLink.id) == col(PortalSession.link_id))
        .where(PortalSession.token_hash == token_digest(token))
    ).first()
    if found is None:
        return None
    row, user, link = found
    ending = (row.end_reason or "expired") if row.ended_at is not None else None
    if ending is None and as_utc(row.expires_at) <= now:
        ending = "expired"
    if ending is None:
        if user is not None and not user.active:
            ending = "deactivated"
        elif link is not None:
            ending = link_ending(link, now)
        elif user is None:
            ending = "expired"  # its account or link is gone
        if ending is not None:
            _end(session, col(PortalSession.id) == row.id, ending, now)
        elif now - as_utc(row.last_seen_at) >= TOUCH_EVERY:
            row.last_seen_at = now
            session.add(row)
    return Visit(row, user.username if user else None, link, ending, user)


def end_session(session: Session, session_id: int, reason: str) -> None:
    _end(session, col(PortalSession.id) == session_id, reason)


def end_staff_sessions(session: Session, user_id: int, reason: str) -> int:
    return _end(session, col(PortalSession.staff_user_id) == user_id, reason)


def end_link_sessions(session: Session, link_ids: list[int], reason: str) -> int:
    return sum(
        _end(session, col(PortalSession.link_id).in_(part), reason) for part in chunks(link_ids)
    )


def _end(
    session: Session, which: sa.ColumnElement[bool], reason: str, now: datetime | None = None
) -> int:
    done = session.execute(
        sa.update(PortalSession)
        .where(which, col(PortalSession.ended_at).is_(None))
        .values(ended_at=now or utcnow(), end_reason=reason)
    )
    return int(done.rowcount)  # type: ignore[attr-defined]


def add_flash(session: Session, session_id: int, kind: str, message: str) -> None:
    row = session.get(PortalSession, session_id)
    if row is not None:
        row.flash = [*row.flash, [kind, message]]  # a new list, so the JSON column is written
        session.add(row)


def take_flash(session: Session, session_id: int) -> list[list[str]]:
    """The messages waiting for the next page, which then forgets them."""
    row = session.get(PortalSession, session_id)
    if row is None or not row.flash:
        return []
    messages, row.flash = row.flash, []
    session.add(row)
    return messages
