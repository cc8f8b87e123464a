"""What every page needs: templates, the session's CSRF token, flash messages, the access log."""

import hmac
import os
import secrets
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from appraisal.render.manifest import MANIFEST, default_templates_dir, load_manifest
from appraisal.settings import Settings
from models import AccessLog
from models.vocab import STAGE_NAMES

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.globals["stage_names"] = {stage.value: name for stage, name in STAGE_NAMES.items()}
templates.env.globals["template_names"] = {
    spec.id: spec.title for spec in load_manifest(default_templates_dir() / MANIFEST)[1]
}


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


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def check_csrf(request: Request, sent: object) -> None:
    expected = request.session.get("csrf")
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(expected, sent):
        raise HTTPException(403, "表单已失效，请刷新页面后重试 / the form expired: reload the page")


def flash(request: Request, message: str, kind: str = "info") -> None:
    request.session.setdefault("flash", []).append([kind, message])


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    messages = request.session.pop("flash", [])
    return templates.TemplateResponse(
        request,
        name,
        {"csrf": csrf_token(request), "messages": messages, **context},
        status_code=status_code,
    )


def client_of(request: Request | None) -> str:
    return request.client.host if request and request.client else ""


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
    session.add(
        AccessLog(
            actor=actor[:200],
            link_id=link_id,
            document_id=document_id[:64],
            action=action,
            outcome=outcome,
            detail=detail[:1024],
            client=client_of(request)[:64],
        )
    )
