"""Staff pages: log in, follow each cycle, advance a stage, hand out links, download files."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from markupsafe import Markup

from appraisal.clock import today
from appraisal.db import session_scope
from appraisal.kinds import work_stages
from appraisal.models.base import utcnow
from appraisal.models.vocab import Stage
from appraisal.paths import cycle_dir, located
from appraisal.portal import launcher
from appraisal.portal.access import scoped_cycle, staff
from appraisal.portal.chart import bar_chart
from appraisal.portal.downloads import download_name
from appraisal.portal.limits import RowId, field
from appraisal.portal.sessions import begin, client_of, finish, keep_login_token, new_login_token
from appraisal.portal.web import (
    FORM_EXPIRED,
    actor_of,
    check_csrf,
    check_login_token,
    flash,
    live_visit,
    log_access,
    page,
)
from appraisal.reminding import document_titles, overdue
from appraisal.roles import Action
from appraisal.secrets import token_digest
from appraisal.store.cycles import CycleError, get_cycle, list_cycles
from appraisal.store.dashboard import cycle_board, cycle_document, dossier_name, person_dossier
from appraisal.store.freeze import can_reopen, reopen_cycle
from appraisal.store.links import issue_link, may_have_link, revoke_link, scoped_link
from appraisal.store.logins import OK, REUSED, THROTTLED, attempt_login
from appraisal.store.outstanding import document_people, stage_account
from appraisal.store.progress import cycle_progress

router = APIRouter()


def _login_page(request: Request, error: str = "") -> Response:
    token = new_login_token(request)  # a new one for every form: each is good for one attempt
    response = page(request, "login.html", csrf=token, error=error)
    keep_login_token(response, token)
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    return _login_page(request)


@router.post("/login")
def login(
    request: Request,
    csrf: Annotated[str, field("csrf")] = "",
    username: Annotated[str, field("username")] = "",
    password: Annotated[str, field("password")] = "",
) -> Response:
    check_login_token(request, csrf)
    name = username.strip()
    with session_scope() as session:
        result = attempt_login(
            session, username=name, password=password, client=client_of(request),
            form_hash=token_digest(csrf),
        )  # fmt: skip
        log_access(
            session, request, actor=f"staff:{name}", action="login",
            outcome={OK: "ok", THROTTLED: "throttled"}.get(result.outcome, "denied"),
            detail=result.outcome,
        )  # fmt: skip
    if result.outcome == THROTTLED:
        minutes = -(-result.retry_after // 60)
        raise HTTPException(
            429,
            f"登录失败次数过多，请 {minutes} 分钟后再试 / "
            f"too many failed logins: try again in {minutes} minutes",
            headers={"Retry-After": str(result.retry_after)},
        )
    if result.outcome == REUSED:
        raise HTTPException(403, FORM_EXPIRED)
    if result.user is None:
        return _login_page(request, error="用户名或密码不正确 / wrong username or password")
    response = RedirectResponse("/", status_code=303)
    begin(request, response, user=result.user)  # a new session, with its own CSRF token
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, field("csrf")] = "") -> Response:
    found = live_visit(request)
    if found is not None:
        check_csrf(request, csrf)
        with session_scope() as session:
            log_access(session, request, actor=actor_of(found), action="logout")
    response = RedirectResponse("/login", status_code=303)
    finish(request, response, "logout")
    return response


@router.get("/")
def cycles(request: Request) -> Response:
    me = staff(request)
    now = today()
    with session_scope() as session:
        rows = []
        for cycle in list_cycles(session, me.scope):
            assert cycle.id is not None
            progress = cycle_progress(session, cycle.id, now)
            rows.append((cycle, progress.get(cycle.stage)))
    return page(request, "cycles.html", user=me.username, me=me, rows=rows)


@router.get("/cycles/{cycle_id}")
def board(request: Request, cycle_id: RowId) -> Response:
    me = staff(request)
    cycle = scoped_cycle(me, cycle_id)
    titles = document_titles()
    with session_scope() as session:
        data = cycle_board(session, cycle, today())
        reopenable = can_reopen(session, cycle)
        stage = cycle.stage if cycle.stage in work_stages(cycle.kind) else None
        account = stage_account(session, cycle_id, stage, today(), titles) if stage else None
    register = cycle_dir(cycle_id) / "register.xlsx"
    return page(
        request,
        "board.html",
        user=me.username,
        me=me,
        board=data,
        chart=Markup(bar_chart(data.grades)),
        register=register.is_file(),
        running=launcher.is_running(cycle_id),
        now=utcnow(),
        reopenable=reopenable,
        account=account,
        late=overdue(cycle_id, today()),
    )


@router.post("/cycles/{cycle_id}/advance")
def advance(
    request: Request, cycle_id: RowId, csrf: Annotated[str, field("csrf")] = ""
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    cycle = scoped_cycle(me, cycle_id)
    with session_scope() as session:
        data = cycle_board(session, cycle, today())
    if not data.can_advance:
        flash(request, "本阶段仍有未回传的文件，不能进入下一阶段 / the gate is closed", "error")
    elif launcher.start_advance(cycle_id):
        with session_scope() as session:
            log_access(session, request, actor=me.actor, action="advance",
                       detail=f"cycle {cycle_id} from {cycle.stage.value}")  # fmt: skip
        flash(request, "已开始运行下一阶段，完成后本页会显示新的进度 / the next stage is running")
    else:
        flash(request, "上一次启动的阶段仍在运行 / a stage run is still going", "error")
    return RedirectResponse(f"/cycles/{cycle_id}", status_code=303)


@router.post("/cycles/{cycle_id}/archive")
def archive(
    request: Request, cycle_id: RowId, csrf: Annotated[str, field("csrf")] = ""
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    cycle = scoped_cycle(me, cycle_id)
    if cycle.stage not in (Stage.ARCHIVE, Stage.DONE):
        flash(request, "情况通报阶段结束、进入归档阶段后才能归档", "error")
    elif launcher.start_archive(cycle_id):
        with session_scope() as session:
            log_access(session, request, actor=me.actor, action="archive",
                       detail=f"cycle {cycle_id}")  # fmt: skip
        flash(request, "已开始归档：封存每人的档案并生成考核结果名册，完成后本页显示下载链接")
    else:
        flash(request, "上一次启动的运行仍未结束", "error")
    return RedirectResponse(f"/cycles/{cycle_id}", status_code=303)


@router.post("/cycles/{cycle_id}/links")
def new_link(
    request: Request,
    cycle_id: RowId,
    csrf: Annotated[str, field("csrf")] = "",
    reviewer: Annotated[str, field("reviewer")] = "",
    days: Annotated[int, field("days")] = 30,
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    scoped_cycle(me, cycle_id)
    kind, _, name = reviewer.partition("/")
    with session_scope() as session:
        if not may_have_link(session, cycle_id=cycle_id, kind=kind, name=name):
            flash(request, f"本周期没有发给“{reviewer}”的文件 / no documents for them", "error")
            return RedirectResponse(f"/cycles/{cycle_id}", status_code=303)
        _, token = issue_link(
            session, cycle_id=cycle_id, kind=kind, name=name, actor=me.username, days=days
        )
    url = f"{str(request.base_url).rstrip('/')}/r/{token}"
    # Shown once: only the token's hash is kept.
    flash(request, f"{name} 的专用链接（只显示这一次）：{url}", "link")
    return RedirectResponse(f"/cycles/{cycle_id}", status_code=303)


@router.post("/links/{link_id}/revoke")
def revoke(
    request: Request,
    link_id: RowId,
    csrf: Annotated[str, field("csrf")] = "",
    confirm: Annotated[str, field("confirm")] = "",
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    with session_scope() as session:
        if scoped_link(session, link_id, me.scope) is None:
            raise HTTPException(404, "没有这个链接")
    if confirm != "yes":  # the board's 撤销 leads to a page that asks first
        return RedirectResponse(f"/links/{link_id}/revoke", status_code=303)
    with session_scope() as session:
        link = revoke_link(session, link_id, me.scope)
        if link is None:
            raise HTTPException(404, "没有这个链接")
        cycle_id = link.cycle_id
    flash(request, f"已撤销链接 #{link_id}")
    return RedirectResponse(f"/cycles/{cycle_id}", status_code=303)


@router.get("/cycles/{cycle_id}/register.xlsx")
def register(request: Request, cycle_id: RowId) -> Response:
    me = staff(request)
    path = cycle_dir(scoped_cycle(me, cycle_id).id or 0) / "register.xlsx"
    if not path.is_file():
        raise HTTPException(404, "名册在归档时生成 / the register is written by the archive")
    with session_scope() as session:
        log_access(session, request, actor=me.actor, action="download register")
    return FileResponse(path, filename=f"cycle-{cycle_id:04d}-register.xlsx")


@router.get("/cycles/{cycle_id}/dossiers/{code}.pdf")
def dossier(request: Request, cycle_id: RowId, code: str) -> Response:
    me = staff(request)
    scoped_cycle(me, cycle_id)
    with session_scope() as session:
        found = person_dossier(session, cycle_id, code)
        if found is not None:
            log_access(session, request, actor=me.actor, action="download dossier",
                       detail=code)  # fmt: skip
        name = dossier_name(session, code) if found is not None else ""
    path = located(found.path) / "data" / "dossier.pdf" if found else None
    if path is None or not path.is_file():
        raise HTTPException(404, "没有这份档案 / no such dossier")
    return FileResponse(path, media_type="application/pdf", filename=download_name(code, name))


@router.get("/cycles/{cycle_id}/documents/{document_id}.pdf")
def document_pdf(request: Request, cycle_id: RowId, document_id: str) -> Response:
    me = staff(request)
    scoped_cycle(me, cycle_id)
    with session_scope() as session:
        doc = cycle_document(session, cycle_id, document_id)
        if doc is not None:
            log_access(session, request, actor=me.actor, action="download pdf",
                       document_id=doc.id)  # fmt: skip
            names = [n for _, n in document_people(session, doc)]
    if doc is None or not located(doc.pdf_path).is_file():
        raise HTTPException(404, "没有这份文件 / no such document")
    pdf = located(doc.pdf_path)
    title = document_titles().get(doc.template_id, "")
    about = names[0] if len(names) == 1 else (f"{names[0]}等{len(names)}人" if names else "")
    return FileResponse(pdf, media_type="application/pdf",
                        filename=download_name(doc.id, title, about))  # fmt: skip


@router.post("/cycles/{cycle_id}/reopen")
def reopen(
    request: Request,
    cycle_id: RowId,
    csrf: Annotated[str, field("csrf")] = "",
    reason: Annotated[str, field("reason")] = "",
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    scoped_cycle(me, cycle_id)
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id, me.scope)
        try:
            unfrozen = reopen_cycle(session, cycle, reason=reason, actor=me.actor[:64])
        except CycleError as exc:
            problem = str(exc)
        else:
            problem = ""
        log_access(
            session, request, actor=me.actor, action="reopen",
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
