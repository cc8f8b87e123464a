"""The browser's side of portal sessions: the cookie that names a session row, and the one-time
token of the login form (the only form shown before there is a session)."""

import hashlib
import hmac
import os
import secrets
import time

from fastapi import Request, Response

from appraisal.db import session_scope
from appraisal.models import ReviewerLink, StaffUser
from appraisal.settings import Settings, get_settings
from appraisal.store.sessions import Visit, end_session, find_session, open_session

COOKIE = "appraisal_session"
LOGIN_COOKIE = "appraisal_login"
LOGIN_FORM_SECONDS = 3600
_UNSET = object()


def client_of(request: Request | None) -> str:
    return request.client.host if request and request.client else ""


def lookup(request: Request) -> Visit | None:
    """The session this request's cookie names, looked up once per request."""
    found = getattr(request.state, "visit", _UNSET)
    if found is _UNSET:
        token = request.cookies.get(COOKIE, "")
        found = None
        if 0 < len(token) <= 128:
            with session_scope() as session:
                found = find_session(session, token)
        request.state.visit = found
    return found  # type: ignore[return-value]


def begin(
    request: Request,
    response: Response,
    *,
    user: StaffUser | None = None,
    link: ReviewerLink | None = None,
) -> None:
    """Open a new session for this browser, ending the one it had, and set its cookie."""
    settings = get_settings()
    previous = lookup(request)
    with session_scope() as session:
        if previous is not None and previous.live and previous.row.id is not None:
            end_session(session, previous.row.id, "replaced")
        token = open_session(
            session, hours=settings.portal_session_hours, client=client_of(request),
            user=user, link=link,
        )  # fmt: skip
    request.state.drop_session_cookie = False
    response.set_cookie(
        COOKIE, token, max_age=settings.portal_session_hours * 3600, path="/", httponly=True,
        samesite="lax", secure=settings.portal_secure_cookies,
    )  # fmt: skip


def finish(request: Request, response: Response, reason: str) -> None:
    """End this browser's session (logging out) and forget its cookie."""
    visit = lookup(request)
    if visit is not None and visit.live and visit.row.id is not None:
        with session_scope() as session:
            end_session(session, visit.row.id, reason)
    response.delete_cookie(COOKIE, path="/")


def session_secret(settings: Settings) -> str:
    """The configured key, or one made once and kept (owner-only) in the output folder."""
    if settings.portal_secret:
        return settings.portal_secret
    path = settings.output_dir / ".portal-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _login_mac(request: Request, body: str) -> str:
    key = request.app.state.secret.encode()
    return hmac.new(key, f"login:{body}".encode(), hashlib.sha256).hexdigest()


def new_login_token(request: Request) -> str:
    """A token for one login form: signed, so it can only come from this portal, and good for one
    attempt (the attempt keeps its hash), so each guess needs a new form. `keep_login_token`
    sets it as a cookie too, which ties it to the browser the form was shown in."""
    body = f"{secrets.token_urlsafe(24)}.{int(time.time())}"
    return f"{body}.{_login_mac(request, body)}"


def keep_login_token(response: Response, token: str) -> None:
    response.set_cookie(
        LOGIN_COOKIE, token, max_age=LOGIN_FORM_SECONDS, path="/login", httponly=True,
        samesite="lax", secure=get_settings().portal_secure_cookies,
    )  # fmt: skip


def login_token_ok(request: Request, sent: str) -> bool:
    """The login form's token is this browser's, signed here and not too old."""
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not sent or not hmac.compare_digest(sent.encode(), cookie.encode()):
        return False
    body, _, mac = sent.rpartition(".")
    issued = body.rpartition(".")[2]
    if not issued.isdigit() or not hmac.compare_digest(
        mac.encode(), _login_mac(request, body).encode()
    ):
        return False
    return 0 <= time.time() - int(issued) <= LOGIN_FORM_SECONDS
