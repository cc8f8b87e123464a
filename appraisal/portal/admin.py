"""管理员 pages: staff accounts (role, office, password) and the offices below the administrator's
own. The same core functions as `appraisal portal user` and `appraisal office`."""

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from appraisal.db import session_scope
from appraisal.models.vocab import DutyKind, Role
from appraisal.portal.access import staff
from appraisal.portal.limits import field
from appraisal.portal.web import check_csrf, flash, log_access, page
from appraisal.roles import Action
from appraisal.store.accounts import (
    AccountError,
    accounts,
    deactivate_account,
    parse_role,
    save_account,
)
from appraisal.store.offices import OfficeError, add_office, list_offices, office_of
from appraisal.store.recorders import RecordingError, parse_kinds, set_recording_scope

router = APIRouter()
BACK = "/admin"


@router.get("/admin")
def admin(request: Request) -> Response:
    me = staff(request, Action.MANAGE)
    with session_scope() as session:
        rows = accounts(session, me.scope)
        offices = [(o.id, o.name, depth, o.contact, o.phone, o.parent_id)
                   for o, depth in list_offices(session, me.scope)]  # fmt: skip
    return page(
        request, "admin.html", user=me.username, me=me, accounts=rows, offices=offices,
        roles=[r.value for r in Role], duty_kinds=[k.value for k in DutyKind],
    )  # fmt: skip


@router.post("/admin/accounts")
def save(
    request: Request,
    csrf: Annotated[str, field("csrf")] = "",
    username: Annotated[str, field("username")] = "",
    password: Annotated[str, field("password")] = "",
    role: Annotated[str, field("role")] = "",
    office_id: Annotated[int | None, field("office_id")] = None,
) -> Response:
    me = staff(request, Action.MANAGE)
    check_csrf(request, csrf)
    try:
        with session_scope() as session:
            saved = save_account(
                session, username, password=password or None, role=parse_role(role or None),
                office_id=office_id, scope=me.scope,
            )  # fmt: skip
            where = office_of(session, saved.office_id)
            log_access(session, request, actor=me.actor, action="save account",
                       detail=f"{username}: {saved.role.value}, {where}")  # fmt: skip
    except AccountError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(BACK, status_code=303)
    flash(request, f"账户 {username.strip()} 已保存：{saved.role.value}，{where}", "ok")
    return RedirectResponse(BACK, status_code=303)


@router.post("/admin/accounts/deactivate")
def deactivate(
    request: Request,
    csrf: Annotated[str, field("csrf")] = "",
    username: Annotated[str, field("username")] = "",
) -> Response:
    me = staff(request, Action.MANAGE)
    check_csrf(request, csrf)
    if username.strip() == me.username:
        flash(request, "不能停用自己的账户", "error")
        return RedirectResponse(BACK, status_code=303)
    try:
        with session_scope() as session:
            ended = deactivate_account(session, username, me.scope)
            log_access(session, request, actor=me.actor, action="deactivate account",
                       detail=username)  # fmt: skip
    except AccountError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(BACK, status_code=303)
    flash(request, f"账户 {username} 已停用，结束了 {ended} 个会话", "ok")
    return RedirectResponse(BACK, status_code=303)


@router.post("/admin/accounts/recording")
async def recording_scope(request: Request) -> Response:
    """A 登记 account's scope (the duty kinds it records) and department (记录单位)."""
    me = staff(request, Action.MANAGE)
    form = await request.form(max_files=0, max_fields=4 + len(DutyKind))
    check_csrf(request, form.get("csrf"))
    username = str(form.get("username") or "")[:64]
    words = [str(w)[:16] for w in form.getlist("duty_kind")]
    department = str(form.get("department") or "")[:64]
    try:
        with session_scope() as session:
            saved = set_recording_scope(session, username, kinds=parse_kinds(words),
                                        department=department, actor=me.actor,
                                        scope=me.scope)  # fmt: skip
            log_access(session, request, actor=me.actor, action="save recording scope",
                       detail=f"{username}: {saved.duty_kinds} / {saved.department}")  # fmt: skip
    except RecordingError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(BACK, status_code=303)
    flash(request, f"账户 {saved.username} 的登记范围：{saved.duty_kinds or '（空）'}，"
                   f"记录单位：{saved.department or '（本单位）'}", "ok")  # fmt: skip
    return RedirectResponse(BACK, status_code=303)


@router.post("/admin/offices")
def new_office(
    request: Request,
    csrf: Annotated[str, field("csrf")] = "",
    office_name: Annotated[str, field("office_name")] = "",
    office_id: Annotated[int | None, field("office_id")] = None,
    contact: Annotated[str, field("contact")] = "",
    phone: Annotated[str, field("phone")] = "",
) -> Response:
    me = staff(request, Action.MANAGE)
    check_csrf(request, csrf)
    parent_id = office_id or me.office_id
    try:
        if not me.scope.covers(parent_id):
            raise OfficeError("只能在本单位或下级单位之下添加单位")
        with session_scope() as session:
            add_office(session, name=office_name, parent_id=parent_id, contact=contact,
                       phone=phone)  # fmt: skip
            log_access(session, request, actor=me.actor, action="add office",
                       detail=office_name)  # fmt: skip
    except OfficeError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(BACK, status_code=303)
    flash(request, f"已添加单位 {office_name.strip()}", "ok")
    return RedirectResponse(BACK, status_code=303)
