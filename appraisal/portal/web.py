"""What every page needs: templates, the session's CSRF token and flash messages, the access log."""

import hmac
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from appraisal.clock import office_time
from appraisal.db import session_scope
from appraisal.models import ReviewerLink
from appraisal.portal.limits import FIELDS
from appraisal.portal.sessions import client_of, login_token_ok, lookup
from appraisal.render.manifest import MANIFEST, default_templates_dir, load_manifest
from appraisal.stages import STAGE_NAMES
from appraisal.store.access_log import record_access
from appraisal.store.links import link_actor
from appraisal.store.sessions import Visit, add_flash, take_flash

FORM_EXPIRED = "表单已失效，请刷新页面后重试 / the form expired: reload the page"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",  # a link's token never leaks through Referer
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'",
    "Cache-Control": "no-store",
}

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.globals["stage_names"] = {stage.value: name for stage, name in STAGE_NAMES.items()}
templates.env.globals["template_names"] = {
    spec.id: spec.title for spec in load_manifest(default_templates_dir() / MANIFEST)[1]
}
templates.env.globals["limits"] = {name: field.max_length for name, field in FIELDS.items()}


_GLOSS = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef）」』】]) / (?=[A-Za-z])")


def chinese_part(message: str) -> str:
    """The Chinese words of a bilingual message ("中文 / English"): what staff and reviewers
    read. Only a " / " between Chinese and an English word starts the gloss, so "无异议 / 有异议"
    inside a message stays whole; each line of a message of several lines has its own gloss."""
    return "\n".join(_GLOSS.split(line, maxsplit=1)[0] for line in message.split("\n"))


templates.env.filters["zh"] = chinese_part


def local_time(at: datetime, shape: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) timestamp as Beijing time: the people reading the pages are in China."""
    return office_time(at).strftime(shape)


def local_date(at: datetime) -> str:
    return local_time(at, "%Y-%m-%d")


templates.env.filters["local_time"] = local_time
templates.env.filters["local_date"] = local_date


def secured(response: Response) -> Response:
    """The security headers, on every answer (error pages set them too: a 500 is answered
    outside the middleware that sets them on the others)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def visit(request: Request) -> Visit | None:
    """The session the request's cookie names. One that has ended or expired opens nothing; its
    use is logged (once a request) and the browser is told to forget the cookie."""
    found = lookup(request)
    if found is not None and not found.live and not getattr(request.state, "ended_seen", False):
        request.state.ended_seen = True
        request.state.drop_session_cookie = True
        with session_scope() as session:
            log_access(
                session, request, actor=actor_of(found), action="session", outcome="denied",
                link_id=found.row.link_id, detail=f"{found.ending}: {shown_path(request)}",
            )  # fmt: skip
    return found


def live_visit(request: Request) -> Visit | None:
    found = visit(request)
    return found if found is not None and found.live else None


def reviewer_actor(link: ReviewerLink) -> str:
    return link_actor(link)


def actor_of(found: Visit | None) -> str:
    if found is not None and found.username is not None:
        return f"staff:{found.username}"
    if found is not None and found.link is not None:
        return reviewer_actor(found.link)
    return "anonymous"


def shown_path(request: Request) -> str:
    """The method and path as the access log shows them; a link's token is never written down."""
    path = request.url.path
    return f"{request.method} {'/r/…' if path.startswith('/r/') else path[:200]}"


def csrf_token(request: Request) -> str:
    found = live_visit(request)
    return found.row.csrf if found else ""


def check_csrf(request: Request, sent: object) -> None:
    """The form came from a page of this session; otherwise 403, logged."""
    expected = csrf_token(request)
    if (
        not expected
        or not isinstance(sent, str)
        or not hmac.compare_digest(expected.encode(), sent.encode())
    ):
        _refuse_form(request)


def check_login_token(request: Request, sent: str) -> None:
    """The login form (shown before there is a session) came from this portal, to this browser."""
    if not login_token_ok(request, sent):
        _refuse_form(request)


def _refuse_form(request: Request) -> NoReturn:
    log_refusal(request, action="csrf", detail=f"{shown_path(request)}: no valid CSRF token")
    raise HTTPException(403, FORM_EXPIRED)


def flash(request: Request, message: str, kind: str = "info") -> None:
    """A message for the next page of this session."""
    found = live_visit(request)
    if found is None or found.row.id is None:
        return  # only pages of a session show messages; without one there is no next page
    with session_scope() as session:
        add_flash(session, found.row.id, kind, message)
    found.row.flash = [*found.row.flash, [kind, message]]


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    found = live_visit(request)
    messages: list[list[str]] = []
    if found is not None and found.row.id is not None and found.row.flash:
        with session_scope() as session:
            messages = take_flash(session, found.row.id)
        found.row.flash = []
    # Staff pages show who is working, as what, for which office (portal/access.py sets it).
    member = getattr(request.state, "staff_member", None)
    defaults = {"me": member, "user": member.username if member else None}
    return templates.TemplateResponse(
        request,
        name,
        {**defaults, "csrf": found.row.csrf if found else "", "messages": messages, **context},
        status_code=status_code,
    )


def staff_change(
    request: Request,
    actor: str,
    *,
    action: str,
    detail: str,
    refused: type[Exception] | tuple[type[Exception], ...],
    change: Callable[[Session], str],
) -> bool:
    """One staff change made in one transaction with its access-log row; what it did, or why it
    was refused, is shown on the next page. True when it was made."""
    try:
        with session_scope() as session:
            said = change(session)
            log_access(session, request, actor=actor, action=action, detail=detail)
    except refused as exc:
        flash(request, str(exc), "error")
        return False
    flash(request, said, "ok")
    return True


def log_access(
    session: Session,
    request: Request | None,
    *,
    actor: str,
    action: str,
    outcome: str = "ok",
    document_id: str = "",
    link_id: int | None = None,
    detail: str = "",
) -> None:
    record_access(
        session, actor=actor, action=action, outcome=outcome, document_id=document_id,
        link_id=link_id, detail=detail, client=client_of(request),
    )  # fmt: skip
    if request is not None and outcome != "ok":
        request.state.refusal_logged = True  # the error page need not log it again


def log_refusal(
    request: Request, *, action: str, detail: str, outcome: str = "denied", document_id: str = ""
) -> None:
    """Log a refused request, by whoever the session says is asking."""
    found = lookup(request)
    with session_scope() as session:
        log_access(
            session, request, actor=actor_of(found), action=action, outcome=outcome,
            document_id=document_id, link_id=found.row.link_id if found else None, detail=detail,
        )  # fmt: skip
