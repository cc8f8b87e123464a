"""Staff logins, throttled: after too many failures for an account or from an address within
a window, the password is not even checked until a window has passed since the last of them."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from appraisal.models import LoginAttempt, StaffUser
from appraisal.models.base import utcnow
from appraisal.store.links import check_staff
from appraisal.store.sessions import as_utc

FAILURES_ALLOWED = 10
WINDOW = timedelta(minutes=15)

OK, FAILED, THROTTLED, REUSED = "ok", "failed", "throttled", "reused"
PENDING = "pending"  # being checked; counts as a failure, so parallel guesses are held too


@dataclass(frozen=True)
class LoginResult:
    outcome: str  # ok | failed | throttled | reused (the login form was used before)
    user: StaffUser | None = None
    retry_after: int = 0  # seconds, when throttled


def attempt_login(
    session: Session,
    *,
    username: str,
    password: str,
    client: str,
    form_hash: str,
    now: datetime | None = None,
) -> LoginResult:
    """Check a staff login unless the account or the address is throttled.

    The attempt is committed before anything is counted, so attempts made at the same moment by
    other requests or portal processes see each other; a login form's token (its hash in
    `form_hash`) is good for one attempt only."""
    now = now or utcnow()
    attempt = LoginAttempt(at=now, username=username, client=client[:64], form_hash=form_hash)
    session.add(attempt)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return LoginResult(REUSED)
    until = _throttled_until(session, attempt, now)
    if until is not None:
        attempt.outcome = THROTTLED
        session.add(attempt)
        return LoginResult(THROTTLED, retry_after=math.ceil((until - now).total_seconds()))
    user = check_staff(session, username, password)
    attempt.outcome = OK if user else FAILED
    session.add(attempt)
    return LoginResult(attempt.outcome, user)


def _throttled_until(session: Session, attempt: LoginAttempt, now: datetime) -> datetime | None:
    """Once FAILURES_ALLOWED failures fall within one WINDOW, for the account or from the address,
    attempts are refused until a WINDOW after the last of them. Attempts still being checked
    count as failures: of any number made at once, at most the allowance is checked."""
    ends = []
    for column, value in [
        (LoginAttempt.username, attempt.username),
        (LoginAttempt.client, attempt.client),
    ]:
        # Only checked attempts fail, and at most an allowance of them a window, so this is short.
        failures = session.exec(
            select(LoginAttempt.at)
            .where(
                col(column) == value,
                col(LoginAttempt.id) != attempt.id,
                col(LoginAttempt.at) > now - 2 * WINDOW,
                col(LoginAttempt.outcome).in_((PENDING, FAILED)),
            )
            .order_by(col(LoginAttempt.at))
        ).all()
        times = [as_utc(at) for at in failures]
        for first, last in zip(times, times[FAILURES_ALLOWED - 1 :], strict=False):
            if last - first <= WINDOW and last + WINDOW > now:
                ends.append(last + WINDOW)
    return max(ends, default=None)
