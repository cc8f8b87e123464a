"""Staff pages: log in, follow each cycle, advance a stage, hand out links, download files."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlmodel import col, select

from appraisal.clock import today
from appraisal.cycles import CycleError, list_cycles
from appraisal.db import session_scope
from appraisal.gates import cycle_progress
from appraisal.portal import launcher
from appraisal.portal.chart import bar_chart
from appraisal.portal.web import check_csrf, flash, log_access, page
from appraisal.store.dashboard import cycle_board
from appraisal.store.freeze import can_reopen, reopen_cycle
from appraisal.store.links import check_staff, issue_link, reviewer_has_documents, revoke_link
from flows.paths import cycle_dir
from models import Cycle, Document, Dossier, Person, StaffUser
from models.base import utcnow

router = APIRouter()


class LoginRequired(Exception):
    """Raised by pages that need a staff login; answered with a redirect to /login."""


def _staff(request: Request) -> str:
    username = request.session.get("staff")
    if not isinstance(username, str):
        raise LoginRequired
    with session_scope() as session:
        user = session.exec(select(StaffUser).where(StaffUser.username == username)).first()
    if user is None or not user.active:
        request.session.clear()
        raise LoginRequired
    return username


def _cycle(cycle_id: int) -> Cycle:
    with session_scope() as session:
        cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        raise HTTPException(404, "没有这个考核周期 / no such cycle")
    return cycle


@router.get("/login")
def login_form(request: Request) -> Response:
    return page(request, "login.html")


@router.post("/login")
def login(
    request: Request,
    csrf: Annotated[str, Form()] = "",
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf)
    with session_scope() as session:
        user = check_staff(session, username.strip(), password)
        log_access(
            session, request, actor=f"staff:{username.strip()[:64]}", action="login",
            outcome="ok" if user else "denied",
        )  # fmt: skip
    if user is None:
        flash(request, "用户名或密码不正确 / wrong username or password", "error")
        return RedirectResponse("/login", status_code=303)
    request.session.clear()  # a fresh session (and CSRF token) after logging in
    request.session["staff"] = user.username
    return RedirectResponse("/", status_code=303)


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/")
def cycles(request: Request) -> Response:
    user = _staff(request)
    now = today()
    with session_scope() as session:
        rows = []
        for cycle in list_cycles(session):
            assert cycle.id is not None
            progress = cycle_progress(session, cycle.id, now)
            rows.append((cycle, progress.get(cycle.stage)))
    return page(request, "cycles.html", user=user, rows=rows)


@router.get("/cycles/{cycle_id}")
def board(request: Request, cycle_id: int) -> Response:
    user = _staff(request)
    cycle = _cycle(cycle_id)
    with session_scope() as session:
        data = cycle_board(session, cycle, today())
        reopenable = can_reopen(session, cycle)
    register = cycle_dir(cycle_id) / "register.xlsx"
    return page(
        request,
        "board.html",
        user=user,
        board=data,
        chart=Markup(bar_chart(data.grades)),
        register=register.is_file(),
        running=launcher.is_running(cycle_id),
        now=utcnow(),
        reopenable=reopenable,
    )


@router.post("/cycles/{cycle_id}/advance")
def advance(request: Request, cycle_id: int, csrf: Annotated[str, Form()] = "") -> Response:
    user = _staff(request)
    check_csrf(request, csrf)
    cycle = _cycle(cycle_id)
    with session_scope() as session:
        data = cycle_board(session, cycle, today())
    if not data.can_advance:
        flash(request, "本阶段仍有未回传的文件，不能进入下一阶段 / the gate is closed", "error")
    elif launcher.start_advance(cycle_id):
        with session_scope() as session:
            log_access(session, request, actor=f"staff:{user}", action="advance",
                       detail=f"cycle {cycle_id} from {cycle.stage.value}")  # fmt: skip
        flash(request, "已开始运行下一阶段，完成后本页会显示新的进度 / the next stage is running")
    else:
        flash(request, "上一次启动的阶段仍在运行 / a stage run is still going", "error")
    return RedirectResponse(f"/cycles/{cycle_id}", status_code=303)


@router.post("/cycles/{cycle_id}/links")
def new_link(
    request: Request,
    cycle_id: int,
    csrf: Annotated[str, Form()] = "",
    reviewer: Annotated[str, Form()] = "",
    days: Annotated[int, Form()] = 30,
) -> Response:
    user = _staff(request)
    check_csrf(request, csrf)
    kind, _, name = reviewer.partition("/")
    with session_scope() as session:
        if not reviewer_has_documents(session, cycle_id=cycle_id, kind=kind, name=name):
            flash(request, f"本周期没有发给“{reviewer}”的文件 / no documents for them", "error")
            return RedirectResponse(f"/cycles/{cycle_id}", status_code=303)
        _, token = issue_link(
            session, cycle_id=cycle_id, kind=kind, name=name, actor=user,
            days=max(1, min(days, 365)),
        )  # fmt: skip
    url = f"{str(request.base_url).rstrip('/')}/r/{token}"
    # Shown once: only the token's hash is kept.
    flash(request, f"{name} 的专用链接（只显示这一次）：{url}", "link")
    return RedirectResponse(f"/cycles/{cycle_id}", status_code=303)


@router.post("/links/{link_id}/revoke")
def revoke(request: Request, link_id: int, csrf: Annotated[str, Form()] = "") -> Response:
    _staff(request)
    check_csrf(request, csrf)
    with session_scope() as session:
        link = revoke_link(session, link_id)
        if link is None:
            raise HTTPException(404, "没有这个链接 / no such link")
        cycle_id = link.cycle_id
    flash(request, f"已撤销链接 #{link_id}")
    return RedirectResponse(f"/cycles/{cycle_id}", status_code=303)


@router.get("/cycles/{cycle_id}/register.xlsx")
def register(request: Request, cycle_id: int) -> Response:
    user = _staff(request)
    path = cycle_dir(_cycle(cycle_id).id or 0) / "register.xlsx"
    if not path.is_file():
        raise HTTPException(404, "名册在归档时生成 / the register is written by the archive")
    with session_scope() as session:
        log_access(session, request, actor=f"staff:{user}", action="download register")
    return FileResponse(path, filename=f"cycle-{cycle_id:04d}-register.xlsx")


@router.get("/cycles/{cycle_id}/dossiers/{code}.pdf")
def dossier(request: Request, cycle_id: int, code: str) -> Response:
    user = _staff(request)
    with session_scope() as session:
        found = session.exec(
            select(Dossier)
            .join(Person, col(Dossier.person_id) == col(Person.id))
            .where(Dossier.cycle_id == cycle_id, Person.code == code)
        ).first()
        if found is not None:
            log_access(session, request, actor=f"staff:{user}", action="download dossier",
                       detail=code)  # fmt: skip
    path = Path(found.path) / "data" / "dossier.pdf" if found else None
    if path is None or not path.is_file():
        raise HTTPException(404, "没有这份档案 / no such dossier")
    return FileResponse(path, media_type="application/pdf", filename=f"{code}-dossier.pdf")


@router.get("/cycles/{cycle_id}/documents/{document_id}.pdf")
def document_pdf(request: Request, cycle_id: int, document_id: str) -> Response:
    user = _staff(request)
    with session_scope() as session:
        doc = session.get(Document, document_id)
        if doc is not None and doc.cycle_id == cycle_id:
            log_access(session, request, actor=f"staff:{user}", action="download pdf",
                       document_id=doc.id)  # fmt: skip
    if doc is None or doc.cycle_id != cycle_id or not Path(doc.pdf_path).is_file():
        raise HTTPException(404, "没有这份文件 / no such document")
    return FileResponse(doc.pdf_path, media_type="application/pdf", filename=f"{doc.id}.pdf")


@router.post("/cycles/{cycle_id}/reopen")
def reopen(
    request: Request,
    cycle_id: int,
    csrf: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    user = _staff(request)
    check_csrf(request, csrf)
    _cycle(cycle_id)
    with session_scope() as session:
        cycle = session.get(Cycle, cycle_id)
        assert cycle is not None
        try:
            unfrozen = reopen_cycle(session, cycle, reason=reason, actor=f"staff:{user}"[:64])
        except CycleError as exc:
            problem = str(exc)
        else:
            problem = ""
        log_access(
            session, request, actor=f"staff:{user}", action="reopen",
            outcome="refused" if problem else "ok", detail=f"cycle {cycle_id}: {problem or reason}",
        )  # fmt: skip
    if problem:
        flash(request, problem, "error")
    else:
        flash(
            request,
            f"已重新开启本周期，{unfrozen} 份已封存的档案可以更正；更正后请重新归档"
            f"（appraisal archive {cycle_id}） / the cycle is reopened: {unfrozen} sealed"
            f" dossier(s) may be corrected; archive it again afterwards",
        )
    return RedirectResponse(f"/cycles/{cycle_id}", status_code=303)
