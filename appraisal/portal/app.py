"""The portal application: staff dashboard and reviewers' inbox, server-rendered, no build step."""

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from appraisal.db import get_engine
from appraisal.portal import held, inbox, staff
from appraisal.portal.limits import BodyLimit, BodyTooLarge, too_large_page
from appraisal.portal.web import page, session_secret
from appraisal.settings import get_settings

# Room for the multipart envelope and form fields around the file itself.
FORM_OVERHEAD = 64 * 1024

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",  # a link's token never leaks through Referer
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'",
}


def create_app() -> FastAPI:
    settings = get_settings()
    get_engine()  # migrate before the first request, not during it
    app = FastAPI(title="appraisal portal", docs_url=None, redoc_url=None, openapi_url=None)
    limit = settings.max_return_bytes + FORM_OVERHEAD
    app.add_middleware(BodyLimit, max_bytes=limit)
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(settings),
        session_cookie="appraisal_session",
        max_age=settings.portal_session_hours * 3600,
        same_site="lax",
        https_only=settings.portal_secure_cookies,
    )
    app.mount("/static", StaticFiles(packages=[("appraisal.portal", "static")]), name="static")
    app.include_router(staff.router)
    app.include_router(inbox.router)
    app.include_router(held.router)

    @app.middleware("http")
    async def headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(staff.LoginRequired)
    async def to_login(request: Request, exc: staff.LoginRequired) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, exc: BodyTooLarge) -> Response:
        return HTMLResponse(too_large_page(limit), status_code=413)

    @app.exception_handler(HTTPException)
    async def error_page(request: Request, exc: HTTPException) -> Response:
        return page(request, "refused.html", status_code=exc.status_code, reason=exc.detail)

    return app
