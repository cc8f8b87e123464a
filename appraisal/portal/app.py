"""The portal application: staff dashboard and reviewers' inbox, server-rendered, no build step."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from appraisal.db import get_engine
from appraisal.portal import (
    admin,
    approval,
    assessment,
    ballots,
    body_nominations,
    cadre_forms,
    career,
    claims,
    duties,
    figures,
    grading,
    held,
    imports,
    inbox,
    nominations,
    outstanding,
    own_cadre,
    own_duties,
    own_report,
    people,
    pool,
    reports,
    reviews,
    revoking,
    staff,
    start,
    term,
)
from appraisal.portal.access import LoginRequired
from appraisal.portal.errors import error_page
from appraisal.portal.limits import BodyLimit
from appraisal.portal.sessions import COOKIE, session_secret
from appraisal.portal.web import secured
from appraisal.settings import get_settings

# Room for the multipart envelope and form fields around the file itself.
FORM_OVERHEAD = 64 * 1024


def create_app() -> FastAPI:
    settings = get_settings()
    get_engine()  # migrate before the first request, not during it
    app = FastAPI(title="appraisal portal", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.secret = session_secret(settings)
    app.add_middleware(BodyLimit, max_bytes=settings.max_return_bytes + FORM_OVERHEAD)
    app.mount("/static", StaticFiles(packages=[("appraisal.portal", "static")]), name="static")
    app.include_router(start.router)  # /cycles/new before staff's /cycles/{cycle_id}
    app.include_router(staff.router)
    app.include_router(inbox.router)
    app.include_router(body_nominations.router)
    app.include_router(grading.router)
    app.include_router(held.router)
    app.include_router(ballots.router)
    app.include_router(admin.router)
    app.include_router(nominations.router)
    app.include_router(pool.router)
    app.include_router(approval.router)
    app.include_router(reviews.router)
    app.include_router(reports.router)
    app.include_router(own_report.router)
    app.include_router(own_duties.router)
    app.include_router(claims.router)
    app.include_router(cadre_forms.router)
    app.include_router(own_cadre.router)
    app.include_router(assessment.router)
    app.include_router(outstanding.router)
    app.include_router(revoking.router)
    app.include_router(imports.router)
    app.include_router(people.router)
    app.include_router(career.router)
    app.include_router(figures.router)
    app.include_router(duties.router)
    app.include_router(term.router)

    @app.middleware("http")
    async def headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        if getattr(request.state, "drop_session_cookie", False):
            response.delete_cookie(COOKIE, path="/")  # it names a session that has ended
        return secured(response)

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse("/login", status_code=303)

    for caught in (HTTPException, RequestValidationError, Exception):
        app.add_exception_handler(caught, error_page)
    return app
