"""A nominating body's 提名推荐 pages, opened by its link: it proposes candidates (someone on
the roster, by 编号 and 姓名, or a new person with 推荐理由 and 简历), corrects or withdraws them
while staff have not decided, uploads its own workbook, and follows each nomination's status.
The same store functions and checks as staff's import; the body is always the link's."""

import shutil
from itertools import zip_longest
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from appraisal.db import session_scope
from appraisal.models import Cycle, ReviewerLink
from appraisal.models.vocab import BodyKind
from appraisal.nomination_checks import NOMINATED_TIERS
from appraisal.portal.imports import TEMPLATES, XLSX, _shown_name, _staging
from appraisal.portal.inbox import _current_link
from appraisal.portal.limits import RowId
from appraisal.portal.web import check_csrf, flash, log_access, page
from appraisal.portal.web import reviewer_actor as _actor
from appraisal.scheme import parse_scheme
from appraisal.settings import get_settings
from appraisal.sheets import WorkbookError
from appraisal.sheets.errors import SheetIssue
from appraisal.sheets.nominations import CAREER, NOMINEES, read_nomination_form
from appraisal.store import nominations
from appraisal.store.contact import office_contact
from appraisal.store.cycles import get_cycle

router = APIRouter()
PAGE = "/inbox/nominations"
NOT_FOUND = "没有这条推荐 / no such nomination"
# The form's fields: the workbook's columns but 序号 and 推荐单位 (the link says which body).
FIELDS = tuple(c for c in NOMINEES.columns if c.field not in ("seq", "body"))
# Room for the 简历 lines a form may carry, and the few fields around them.
CAREER_LINES = 30
MAX_FIELDS = len(FIELDS) + 3 * CAREER_LINES + 4
BLANK_LINES = 4  # empty 简历 lines a form offers
# Someone on the roster is named by 编号 and 姓名; the rest of them is the roster's.
POOL_FIELDS = ("body_kind", "person_code", "name", "tier", "reason")


def _body_link(request: Request) -> ReviewerLink:
    """The link of a nominating body; any other reviewer's link has no such page (logged)."""
    link = _current_link(request)
    if link.reviewer_kind != nominations.NOMINATING_BODY:
        with session_scope() as session:
            log_access(
                session, request, actor=_actor(link), action="nominations", outcome="denied",
                link_id=link.id, detail="not a nominating body",
            )  # fmt: skip
        raise HTTPException(404, "没有这个页面 / no such page")
    return link


def _form_values(form: FormData | None) -> dict[str, Any]:
    """What the form sent, to show it back when it is refused: nothing typed is lost."""
    if form is None:
        return {}
    values: dict[str, Any] = {c.field: str(form.get(c.field) or "") for c in FIELDS}
    values["career"] = _career_lines(form)
    values["form"] = "pool" if form.get("form") == "pool" else "new"
    return values


def _career_lines(form: FormData) -> list[tuple[str, str, str]]:
    parts = [[str(v) for v in form.getlist(name)] for name in ("start", "end", "line")]
    lines = zip_longest(*parts, fillvalue="")
    return [(a.strip(), b.strip(), c.strip()) for a, b, c in lines][:CAREER_LINES]


def _stored_values(view: nominations.BodyNominationView) -> dict[str, Any]:
    n = view.nomination
    values: dict[str, Any] = {}
    for c in FIELDS:
        value = getattr(n, c.field)
        if c.field == "birth_date":
            value = f"{value.year}.{value.month:02d}" if value else ""
        values[c.field] = getattr(value, "value", value) or ""
    values["career"] = [(_month(c["start"]), _month(c["end"]), c["text"]) for c in n.career]
    return values


def _month(iso: str) -> str:
    return iso[:7].replace("-", ".") if iso else ""


def _issues(exc: WorkbookError) -> list[str]:
    """The form's problems, each naming its field (a 简历 line by its number)."""
    shown = []
    for issue in exc.issues:
        if issue.sheet == CAREER.name and issue.row is not None:
            shown.append(f"简历第{issue.row - 1}条 {issue.column}：{issue.reason}")
        else:
            shown.append(f"{issue.column}：{issue.reason}" if issue.column else issue.reason)
    return shown


def _page(
    request: Request,
    link: ReviewerLink,
    cycle: Cycle,
    *,
    editing: nominations.BodyNominationView | None = None,
    status_code: int = 200,
    **context: Any,
) -> Response:
    with session_scope() as session:
        views = nominations.body_nominations(session, cycle, link)
        contact = office_contact(session, cycle.id)
    rules = parse_scheme(cycle.scheme_toml, f"cycle {cycle.id}").nomination
    kinds = [v.nomination.body_kind.value for v in views]
    defaults = {"body_kind": kinds[-1] if kinds else ""}
    return page(
        request, "body_nominations.html", status_code=status_code, link=link, cycle=cycle,
        views=views, open=nominations.takes_nominations(cycle), fields=FIELDS,
        body_kinds=[k.value for k in BodyKind], required=set(rules.required if rules else ()),
        categories=rules.categories if rules else [], editing=editing, defaults=defaults,
        blank_lines=BLANK_LINES, contact=contact, plain=True,
        tiers=[t.value for t in NOMINATED_TIERS], pool_fields=POOL_FIELDS,
        online=nominations.ONLINE, **{"values": {}, **context},
    )  # fmt: skip


def _cycle(link: ReviewerLink) -> Cycle:
    with session_scope() as session:
        return get_cycle(session, link.cycle_id)


@router.get(PAGE)
def listing(request: Request) -> Response:
    link = _body_link(request)
    with session_scope() as session:
        log_access(session, request, actor=_actor(link), action="nominations", link_id=link.id)
    return _page(request, link, _cycle(link))


@router.get(f"{PAGE}/template.xlsx")
def template(request: Request) -> Response:
    """The blank workbook staff use (`appraisal nominate template`), for the body to fill in."""
    link = _body_link(request)
    name, write = TEMPLATES["nominations"]
    folder = _staging()
    try:
        data = write(folder / "template.xlsx").read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    with session_scope() as session:
        log_access(session, request, actor=_actor(link), action="nomination template",
                   link_id=link.id)  # fmt: skip
    disposition = f"attachment; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=XLSX, headers={"Content-Disposition": disposition})


def _own(link: ReviewerLink, cycle: Cycle, nomination_id: int) -> nominations.BodyNominationView:
    with session_scope() as session:
        views = nominations.body_nominations(session, cycle, link)
    found = next((v for v in views if v.nomination.id == nomination_id), None)
    if found is None:
        raise HTTPException(404, NOT_FOUND)
    return found


def _refused(request: Request, link: ReviewerLink, action: str, detail: str) -> None:
    with session_scope() as session:
        log_access(session, request, actor=_actor(link), action=action, outcome="refused",
                   link_id=link.id, detail=detail[:500])  # fmt: skip


@router.get(PAGE + "/{nomination_id}")
def edit(request: Request, nomination_id: RowId) -> Response:
    link = _body_link(request)
    cycle = _cycle(link)
    view = _own(link, cycle, nomination_id)
    if not view.pending or not nominations.takes_nominations(cycle):
        flash(request, f"第{nomination_id}号推荐已{view.nomination.status.value}，不能再修改"
              if not view.pending else "提名推荐已结束，不能再修改", "error")  # fmt: skip
        return RedirectResponse(PAGE, status_code=303)
    return _page(request, link, cycle, editing=view, values=_stored_values(view))


@router.post(PAGE)
async def propose(request: Request) -> Response:
    return await _propose(request, None)


async def _propose(request: Request, nomination_id: int | None) -> Response:
    link = _body_link(request)
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    check_csrf(request, form.get("csrf"))
    cycle = _cycle(link)
    editing = _own(link, cycle, nomination_id) if nomination_id is not None else None
    if editing is not None and not (editing.pending and nominations.takes_nominations(cycle)):
        editing = None  # refused below; a form for what may no longer change is not shown again
    values = _form_values(form)
    action = (
        "propose nomination" if nomination_id is None else f"correct nomination #{nomination_id}"
    )

    def again(problems: list[str]) -> Response:
        _refused(request, link, action, "；".join(problems))
        return _page(request, link, cycle, editing=editing, values=values, problems=problems,
                     status_code=400)  # fmt: skip

    given = {c.field: values[c.field] for c in FIELDS}
    try:
        row = read_nomination_form(link.reviewer_name, given, values["career"])
    except WorkbookError as exc:
        return again(_issues(exc))
    try:
        with session_scope() as session:
            done = nominations.propose_nomination(
                session, cycle, link, row, nomination_id=nomination_id
            )
            said = f"第{done.nomination.id}号推荐（{done.nomination.name}）"
            detail = f"cycle {cycle.id} #{done.nomination.id}: {done.outcome}"
            log_access(session, request, actor=_actor(link), action=action, link_id=link.id,
                       detail=detail)  # fmt: skip
    except nominations.NominationError as exc:
        return again([str(exc)])
    message = {
        "新增": f"已提交{said}，待工作人员审核",
        "修改": f"已修改{said}",
        "未变": f"{said}此前已提交，内容未变",
    }[done.outcome]
    flash(request, message, "ok")
    return RedirectResponse(PAGE, status_code=303)


@router.post(PAGE + "/{nomination_id}/withdraw")
async def withdraw(request: Request, nomination_id: RowId) -> Response:
    link = _body_link(request)
    form = await request.form(max_files=0, max_fields=2)
    check_csrf(request, form.get("csrf"))
    cycle = _cycle(link)
    try:
        with session_scope() as session:
            gone = nominations.withdraw_nomination(session, cycle, link, nomination_id)
            said = f"已撤回第{nomination_id}号推荐（{gone.name or gone.person_code}）"
            log_access(session, request, actor=_actor(link), action="withdraw nomination",
                       link_id=link.id, detail=f"cycle {cycle.id} #{nomination_id}")  # fmt: skip
    except nominations.NominationError as exc:
        _refused(request, link, "withdraw nomination", str(exc))
        flash(request, str(exc), "error")
        return RedirectResponse(PAGE, status_code=303)
    flash(request, said, "ok")
    return RedirectResponse(PAGE, status_code=303)


@router.post(PAGE + "/import")
async def upload(request: Request) -> Response:
    link = _body_link(request)
    form = await request.form(max_files=1, max_fields=2)
    check_csrf(request, form.get("csrf"))
    cycle = _cycle(link)
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        return _page(request, link, cycle, error="请选择要上传的推荐表格（.xlsx）", status_code=400)
    shown = _shown_name(file.filename)
    folder = _staging()
    staged = folder / shown
    try:
        with staged.open("wb") as out:
            while chunk := await file.read(1 << 20):
                out.write(chunk)
        done, issues, error = await run_in_threadpool(_import, cycle, link, staged)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    refused = bool(issues or error)
    with session_scope() as session:
        log_access(
            session, request, actor=_actor(link), action="import nominations", link_id=link.id,
            outcome="refused" if refused else "ok",
            detail=f"cycle {cycle.id} {shown}: {len(issues)} problem(s) {error}"[:500]
            if refused else f"cycle {cycle.id} {shown}",
        )  # fmt: skip
    return _page(request, link, cycle, file=shown, issues=issues, done=done, error=error,
                 status_code=400 if refused else 200)  # fmt: skip


def _import(
    cycle: Cycle, link: ReviewerLink, path: Any
) -> tuple[nominations.NominationImport | None, list[SheetIssue], str]:
    try:
        with session_scope() as session:
            done = nominations.import_body_nominations(
                session, cycle, link, path, max_bytes=get_settings().max_workbook_bytes
            )
    except WorkbookError as exc:
        return None, list(exc.issues), ""
    except nominations.NominationError as exc:
        return None, [], str(exc)
    return done, [], ""


# After /import: a path of the same shape, which a number does not name.
@router.post(PAGE + "/{nomination_id}")
async def correct(request: Request, nomination_id: RowId) -> Response:
    return await _propose(request, nomination_id)
