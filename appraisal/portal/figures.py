"""统战名人 for staff: the list (with the quota and the people whose tier is 名人 without a
record), one figure's page with its 纪念场所 and 宣传活动 and the forms that change them, and the
统战名人名录 download. Every staff member reads; the roles that edit people (经办) edit."""

from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from appraisal.clock import today
from appraisal.db import session_scope
from appraisal.documents.figures import TITLE, write_figure_list
from appraisal.models.vocab import ActivityKind, SiteKind
from appraisal.portal.access import staff
from appraisal.portal.limits import RowId, field
from appraisal.portal.web import (
    check_csrf,
    chinese_part,
    flash,
    log_access,
    page,
    staff_change,
)
from appraisal.roles import Action
from appraisal.store.figures import (
    FIELDS,
    FigureError,
    NoSuchFigure,
    add_activity,
    add_figure,
    add_site,
    change_label,
    day_text,
    figure_in_scope,
    remove_activity,
    remove_site,
    set_figure_field,
)
from appraisal.store.figures_view import figure_entries, figure_record, list_figures
from appraisal.store.offices import Scope

router = APIRouter()

NO_FIGURE = "没有这位统战名人，或其不属于您的单位"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/figures")
def figures(request: Request) -> Response:
    me = staff(request)
    with session_scope() as session:
        board = list_figures(session, me.scope, me.office_id)
    return page(
        request, "figures.html", user=me.username, me=me, board=board,
        can_edit=me.may(Action.RUN), labels=list(FIELDS),
    )  # fmt: skip


@router.get("/figures/export.xlsx")
def export(request: Request) -> Response:
    """The 统战名人名录 of the staff member's offices, made anew."""
    me = staff(request)
    with session_scope() as session:
        entries = figure_entries(session, me.scope)
        log_access(session, request, actor=me.actor, action="figures export", detail="")
    with TemporaryDirectory() as folder:
        path = Path(folder) / "list.xlsx"
        write_figure_list(path, entries)
        body = path.read_bytes()
    name = f"{TITLE}{today():%Y%m%d}.xlsx"
    disposition = f"attachment; filename*=utf-8''{quote(name)}"
    return Response(body, media_type=XLSX, headers={"Content-Disposition": disposition})


@router.post("/figures")
def add(
    request: Request,
    csrf: Annotated[str, field("csrf")] = "",
    name: Annotated[str, field("figure_name")] = "",
    years: Annotated[str, field("years")] = "",
    native_place: Annotated[str, field("native_place")] = "",
    identity: Annotated[str, field("identity")] = "",
    biography: Annotated[str, field("biography")] = "",
    selected_on: Annotated[str, field("selected_on")] = "",
    decided_by: Annotated[str, field("decided_by")] = "",
    number: Annotated[str, field("number")] = "",
    code: Annotated[str, field("code")] = "",
    reason: Annotated[str, field("reason")] = "",
) -> Response:
    """A new figure; or, with a person's 编号, a record linked to a person whose tier is 名人."""
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    given = {"姓名": name, "生卒年": years, "籍贯": native_place, "身份界别": identity,
             "生平事迹": biography, "入选时间": selected_on, "入选依据": decided_by,
             "文号": number}  # fmt: skip
    values = {k: v for k, v in given.items() if v.strip()}
    try:
        with session_scope() as session:
            added = add_figure(
                session, values=values, actor=me.actor, reason=reason, office_id=me.office_id,
                person_code=code, scope=me.scope,
            )  # fmt: skip
            fid, shown = added.figure.id, added.figure.name
            log_access(session, request, actor=me.actor, action="figure added", detail=shown)
    except FigureError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse("/figures", status_code=303)
    flash(request, f"已添加统战名人 {shown}", "ok")
    if added.warning:
        flash(request, f"名额提示：{chinese_part(added.warning)}（已记入变更记录）", "error")
    return _back(fid or 0)


@router.get("/figures/{figure_id}")
def figure(request: Request, figure_id: RowId) -> Response:
    me = staff(request)
    try:
        with session_scope() as session:
            record = figure_record(session, me.scope, figure_id)
    except NoSuchFigure:
        raise HTTPException(404, NO_FIGURE) from None
    changes = [
        {"at": e.at, "what": change_label(e.field), "before": e.before or "",
         "after": e.after or "", "actor": e.actor.removeprefix("staff:"), "reason": e.reason}
        for e in record.changes
    ]  # fmt: skip
    return page(
        request, "figure.html", user=me.username, me=me, record=record, changes=changes,
        can_edit=me.may(Action.RUN), labels=list(FIELDS), day_text=day_text,
        site_kinds=[k.value for k in SiteKind], activity_kinds=[k.value for k in ActivityKind],
    )  # fmt: skip


@router.post("/figures/{figure_id}/fields")
def set_field(
    request: Request,
    figure_id: RowId,
    csrf: Annotated[str, field("csrf")] = "",
    name: Annotated[str, field("field")] = "",
    value: Annotated[str, field("figure_value")] = "",
    reason: Annotated[str, field("reason")] = "",
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    _owned(me.scope, figure_id)

    def change(session: Session) -> str:
        before, after = set_figure_field(session, figure_id=figure_id, field=name, value=value,
                                         actor=me.actor, reason=reason, scope=me.scope)  # fmt: skip
        return f"{name} " + ("未变" if before == after else
                              f"已修改：{before or '—'} → {after or '—'}")  # fmt: skip

    staff_change(request, me.actor, action="figure field", detail=f"{figure_id} {name}",
                 refused=FigureError, change=change)  # fmt: skip
    return _back(figure_id)


@router.post("/figures/{figure_id}/sites")
def new_site(
    request: Request,
    figure_id: RowId,
    csrf: Annotated[str, field("csrf")] = "",
    kind: Annotated[str, field("site_kind")] = "",
    name: Annotated[str, field("site_name")] = "",
    address: Annotated[str, field("address")] = "",
    opening: Annotated[str, field("opening")] = "",
    plaque_on: Annotated[str, field("plaque_on")] = "",
    reason: Annotated[str, field("reason")] = "",
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    _owned(me.scope, figure_id)

    def change(session: Session) -> str:
        site = add_site(session, figure_id=figure_id, kind=kind, name=name, address=address,
                        opening=opening, plaque_on=plaque_on, actor=me.actor, reason=reason,
                        scope=me.scope)  # fmt: skip
        return f"已添加纪念场所：{site.name}"

    staff_change(request, me.actor, action="figure site", detail=f"{figure_id} {name}",
                 refused=FigureError, change=change)  # fmt: skip
    return _back(figure_id)


@router.post("/figures/{figure_id}/sites/{site_id}/remove")
def drop_site(
    request: Request,
    figure_id: RowId,
    site_id: RowId,
    csrf: Annotated[str, field("csrf")] = "",
    reason: Annotated[str, field("reason")] = "",
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    _owned(me.scope, figure_id)

    def change(session: Session) -> str:
        site = remove_site(session, figure_id=figure_id, site_id=site_id, actor=me.actor,
                           reason=reason, scope=me.scope)  # fmt: skip
        return f"已删除纪念场所：{site.name}"

    staff_change(request, me.actor, action="figure site removed",
                 detail=f"{figure_id} {site_id}", refused=FigureError, change=change)  # fmt: skip
    return _back(figure_id)


@router.post("/figures/{figure_id}/activities")
def new_activity(
    request: Request,
    figure_id: RowId,
    csrf: Annotated[str, field("csrf")] = "",
    held_on: Annotated[str, field("activity_on")] = "",
    kind: Annotated[str, field("activity_kind")] = "",
    summary: Annotated[str, field("activity_summary")] = "",
    organiser: Annotated[str, field("organiser")] = "",
    reason: Annotated[str, field("reason")] = "",
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    _owned(me.scope, figure_id)

    def change(session: Session) -> str:
        activity = add_activity(session, figure_id=figure_id, held_on=held_on, kind=kind,
                                summary=summary, organiser=organiser, actor=me.actor,
                                reason=reason, scope=me.scope)  # fmt: skip
        return f"已添加宣传活动：{activity.summary}"

    staff_change(request, me.actor, action="figure activity", detail=f"{figure_id} {kind}",
                 refused=FigureError, change=change)  # fmt: skip
    return _back(figure_id)


@router.post("/figures/{figure_id}/activities/{activity_id}/remove")
def drop_activity(
    request: Request,
    figure_id: RowId,
    activity_id: RowId,
    csrf: Annotated[str, field("csrf")] = "",
    reason: Annotated[str, field("reason")] = "",
) -> Response:
    me = staff(request, Action.RUN)
    check_csrf(request, csrf)
    _owned(me.scope, figure_id)

    def change(session: Session) -> str:
        gone = remove_activity(session, figure_id=figure_id, activity_id=activity_id,
                               actor=me.actor, reason=reason, scope=me.scope)  # fmt: skip
        return f"已删除宣传活动：{gone.summary}"

    staff_change(request, me.actor, action="figure activity removed",
                 detail=f"{figure_id} {activity_id}", refused=FigureError,
                 change=change)  # fmt: skip
    return _back(figure_id)


def _owned(scope: Scope, figure_id: int) -> None:
    """404 for a figure outside the scope, before anything sent is looked at."""
    with session_scope() as session:
        try:
            figure_in_scope(session, scope, figure_id)
        except NoSuchFigure:
            raise HTTPException(404, NO_FIGURE) from None


def _back(figure_id: int) -> RedirectResponse:
    return RedirectResponse(f"/figures/{figure_id}", status_code=303)
