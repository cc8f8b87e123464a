"""Every refusal and failure answered the same way: a page in the portal's frame, in Chinese
first, with the security headers, and a line in the access log."""

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from appraisal.db import session_scope
from appraisal.portal.limits import FIELDS
from appraisal.portal.sessions import lookup
from appraisal.portal.web import log_refusal, secured, shown_path, templates
from appraisal.store.contact import Contact, office_contact
from appraisal.store.sessions import Visit

log = logging.getLogger(__name__)

TITLES = {
    400: "请求有误",
    403: "无法打开",
    404: "找不到页面",
    405: "不支持的操作",
    413: "文件过大",
    422: "表单内容有误",
    429: "尝试次数过多",
    500: "系统出错",
}
# What to say when the exception carries no words of ours.
REASONS = {
    400: "无法读取提交的内容，请返回后重试 / the request could not be read: go back and try again",
    403: "无权访问 / not allowed",
    404: "没有这个页面 / there is no such page",
    405: "此页面不接受这种请求 / this page does not take that request",
    500: "处理请求时出错，已记入日志；请稍后重试或联系工作人员 / "
    "something went wrong and it was logged: try again later or ask the office",
}


def error_page(request: Request, exc: Exception) -> Response:
    """The handler for HTTPException, RequestValidationError and any other exception (500)."""
    status, reason, headers = _describe(exc)
    if not getattr(request.state, "refusal_logged", False):
        detail = f"{status} {shown_path(request)}: " + (
            f"{type(exc).__name__}: {exc}" if status >= 500 else reason
        )
        outcome = "error" if status >= 500 else "denied" if status in (403, 404) else "refused"
        try:
            log_refusal(request, action="request", outcome=outcome, detail=detail)
        except Exception:  # the database may be what failed; the page must still be shown
            log.exception("could not write the access log for %s", detail)
    try:
        found = lookup(request)
    except Exception:
        found = None
    back = "/inbox" if found is not None and found.live and found.link is not None else "/"
    staff_member = found is not None and found.username is not None
    response = templates.TemplateResponse(
        request,
        "refused.html",
        {
            "csrf": "", "messages": [], "title": TITLES.get(status), "reason": reason,
            "back": back, "plain": not staff_member,
            "contact": None if staff_member else _contact(found),
        },
        status_code=status,
        headers=headers,
    )  # fmt: skip
    return secured(response)


def _contact(found: Visit | None) -> Contact | None:
    """Whom a reviewer (or anyone without a staff login) should call; None if the database
    cannot say, since the page must still be shown."""
    try:
        with session_scope() as session:
            return office_contact(session, found.link.cycle_id if found and found.link else None)
    except Exception:
        log.exception("could not read the office contact")
        return None


def _describe(exc: Exception) -> tuple[int, str, Mapping[str, str] | None]:
    if isinstance(exc, RequestValidationError):
        errors = exc.errors()
        if any(e.get("loc", ("",))[0] == "path" for e in errors):
            return 404, REASONS[404], None  # a number out of range or not a number names nothing
        return 422, "；".join(dict.fromkeys(_field_problem(e) for e in errors)), None
    if isinstance(exc, HTTPException):
        status, detail = exc.status_code, str(exc.detail)
        fallback = REASONS.get(status, REASONS[400] if status < 500 else REASONS[500])
        if detail == HTTPStatus(status).phrase:
            reason = fallback
        elif detail.isascii():  # a framework's English words: ours first, theirs after
            ours, _, gloss = fallback.partition(" / ")  # kept with the Chinese a reviewer reads
            reason = f"{ours}（{detail}）" + (f" / {gloss}" if gloss else "")
        else:
            reason = detail
        return status, reason, exc.headers
    return 500, REASONS[500], None


def _field_problem(error: Any) -> str:
    loc = error.get("loc", ())
    name = str(loc[1]) if len(loc) > 1 else ""
    limit = FIELDS.get(name)
    if limit is None:
        return f"表单字段“{name}”无效 / the form field {name!r} is not valid"
    sent = error.get("input")
    if error.get("type") == "string_too_long" and len(loc) == 2 and isinstance(sent, str):
        return limit.rule(sent=len(sent))
    return limit.rule()
