"""`appraisal figures`: 统战名人 kept as a record (honoured figures, not appraised each year), with
their 纪念场所 and 宣传活动; every change audited. The portal's 统战名人 pages call the same
functions."""

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from appraisal.clock import office_time
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.documents.figures import write_figure_list
from appraisal.models.vocab import ActivityKind, SiteKind
from appraisal.settings import get_settings
from appraisal.store.figures import (
    FigureError,
    activity_words,
    add_activity,
    add_figure,
    add_site,
    change_label,
    day_text,
    remove_activity,
    remove_site,
    set_figure_field,
)
from appraisal.store.figures_view import figure_entries, figure_record, list_figures
from appraisal.store.offices import EVERYWHERE

app = typer.Typer(
    help="统战名人 / Honoured figures (十百千's 名人): the record, sites, activities.",
    no_args_is_help=True,
)
site_app = typer.Typer(help="纪念场所 / A figure's memorial sites: add or remove.",
                       no_args_is_help=True)  # fmt: skip
activity_app = typer.Typer(help="宣传活动 / A figure's publicity activities: add or remove.",
                           no_args_is_help=True)  # fmt: skip
app.add_typer(site_app, name="site")
app.add_typer(activity_app, name="activity")

FigureId = Annotated[int, typer.Argument(metavar="ID", help="序号 of the figure (figures list).")]
Reason = Annotated[str, typer.Option("--reason", help="依据：why (kept in the audit log).")]
SITE_KINDS = "、".join(k.value for k in SiteKind)
ACTIVITY_KINDS = "、".join(k.value for k in ActivityKind)


@app.command("list")
def list_() -> None:
    """Every figure: 生卒年, 身份界别, how many 纪念场所, the latest 宣传活动; the quota."""
    with session_scope() as session:
        board = list_figures(session)
    cap = board.quota.cap
    title = f"统战名人 {len(board.rows)} 位" + (f"（名额 {cap} 位）" if cap is not None else "")
    table = Table("序号", "姓名", "生卒年", "身份界别", "纪念场所", "最近宣传活动", "人员编号",
                  title=title, title_justify="left")  # fmt: skip
    for r in board.rows:
        table.add_row(str(r.id), r.name, r.years, r.identity, str(r.sites), r.last_activity,
                      r.person_code)  # fmt: skip
    out.print(table if board.rows else "尚无统战名人记录 / no figures yet")
    if board.warning:
        out.print(f"[yellow]名额提示：[/]{escape(board.warning)}", highlight=False)
    if board.unrecorded:
        names = "、".join(f"{c} {n}" for c, n in board.unrecorded)
        out.print(f"[yellow]注意：[/]人员库中梯队为“名人”的 {names} 尚无统战名人记录"
                  "（不参加考核评价）；可用 appraisal figures add --person 编号 建立",
                  highlight=False)  # fmt: skip


@app.command("show")
def show(figure_id: FigureId) -> None:
    """One figure: every field, its 纪念场所, its 宣传活动 and the history of changes."""
    # The CLI is the administrator's interface and sees every office, as `people` does.
    try:
        with session_scope() as session:
            r = figure_record(session, EVERYWHERE, figure_id)
    except FigureError as exc:
        fail(str(exc))
    table = Table("项目", "内容", title=f"统战名人 {r.figure.id} {r.figure.name}",
                  title_justify="left")  # fmt: skip
    for label, value in r.fields:
        table.add_row(label, value)
    if r.person:
        table.add_row("人员编号", f"{r.person[0]} {r.person[1]}")
    out.print(table)
    sites = Table("序号", "类别", "名称", "地址", "开放情况", "挂牌时间", title="纪念场所",
                  title_justify="left")  # fmt: skip
    for s in r.sites:
        sites.add_row(str(s.id), s.kind.value, s.name, s.address, s.opening,
                      day_text(s.plaque_on, s.plaque_day_known))  # fmt: skip
    out.print(sites if r.sites else "纪念场所：无")
    acts = Table("序号", "时间", "类别", "内容", "主办单位", title="宣传活动",
                 title_justify="left")  # fmt: skip
    for a in r.activities:
        acts.add_row(str(a.id), day_text(a.held_on, a.held_day_known), a.kind.value, a.summary,
                     a.organiser)  # fmt: skip
    out.print(acts if r.activities else "宣传活动：无")
    history = Table("时间", "项目", "原值", "新值", "经办", "依据", title="变更记录",
                    title_justify="left")  # fmt: skip
    for e in r.changes:
        history.add_row(local_time(e.at), change_label(e.field), e.before or "", e.after or "",
                        e.actor.removeprefix("staff:"), e.reason)  # fmt: skip
    out.print(history)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="姓名 (may be left out with --person).")] = "",
    years: Annotated[str, typer.Option("--years", help="生卒年, e.g. 1881—1936.")] = "",
    native_place: Annotated[str, typer.Option("--native-place", help="籍贯.")] = "",
    identity: Annotated[str, typer.Option("--identity", help="身份界别.")] = "",
    biography: Annotated[str, typer.Option("--biography", help="生平事迹.")] = "",
    selected_on: Annotated[str, typer.Option("--selected-on", help="入选时间, 2019.05.")] = "",
    decided_by: Annotated[str, typer.Option("--decided-by", help="入选依据: who decided.")] = "",
    number: Annotated[str, typer.Option("--number", help="文号 of the decision.")] = "",
    person: Annotated[
        str,
        typer.Option(
            "--person", help="编号 of a person kept (a living figure, e.g. one whose 梯队 is 名人)."
        ),
    ] = "",
    reason: Annotated[str, typer.Option("--reason", help="依据 (default: 入选依据 文号).")] = "",
) -> None:
    """Add a figure. Past the scheme's 名人 quota it is added with a warning (audited)."""
    given = {"姓名": name, "生卒年": years, "籍贯": native_place, "身份界别": identity,
             "生平事迹": biography, "入选时间": selected_on, "入选依据": decided_by,
             "文号": number}  # fmt: skip
    values = {k: v for k, v in given.items() if v.strip()}
    try:
        with session_scope() as session:
            added = add_figure(session, values=values, actor=get_settings().actor, reason=reason,
                               person_code=person)  # fmt: skip
            fid, shown = added.figure.id, added.figure.name
    except FigureError as exc:
        fail(str(exc))
    out.print(f"已添加统战名人 {shown}（序号 {fid}） / figure added", highlight=False)
    if added.warning:
        out.print(f"[yellow]名额提示：[/]{escape(added.warning)}（已记入变更记录）",
                  highlight=False)  # fmt: skip


@app.command("set")
def set_(
    figure_id: FigureId,
    field: Annotated[
        str,
        typer.Argument(help="姓名、生卒年、籍贯、身份界别、生平事迹、入选时间、入选依据 or 文号."),
    ],
    value: Annotated[str, typer.Argument(help='Its new value; "" clears it.')],
    reason: Reason,
) -> None:
    """Correct one field of a figure."""
    try:
        with session_scope() as session:
            before, after = set_figure_field(session, figure_id=figure_id, field=field,
                                             value=value, actor=get_settings().actor,
                                             reason=reason)  # fmt: skip
    except FigureError as exc:
        fail(str(exc))
    if before == after:
        out.print(f"{field} 未变 / unchanged", highlight=False)
    else:
        out.print(f"已修改 {field}：{before or '—'} → {after or '—'} / changed", highlight=False)


@site_app.command("add")
def site_add(
    figure_id: FigureId,
    kind: Annotated[str, typer.Argument(help=f"{SITE_KINDS}.")],
    name: Annotated[str, typer.Argument(help="场所名称.")],
    address: Annotated[str, typer.Option("--address", help="地址.")] = "",
    opening: Annotated[str, typer.Option("--opening", help="开放情况.")] = "",
    plaque_on: Annotated[str, typer.Option("--plaque-on", help="挂牌时间, 2021.06.")] = "",
    reason: Annotated[str, typer.Option("--reason", help="依据 (optional).")] = "",
) -> None:
    """Add a 纪念场所 (名人故居, 纪念馆, 教育基地 ...) to a figure."""
    try:
        with session_scope() as session:
            site = add_site(session, figure_id=figure_id, kind=kind, name=name, address=address,
                            opening=opening, plaque_on=plaque_on, actor=get_settings().actor,
                            reason=reason)  # fmt: skip
            site_id = site.id
    except FigureError as exc:
        fail(str(exc))
    out.print(f"已添加纪念场所 {name}（序号 {site_id}） / site added", highlight=False)


@site_app.command("remove")
def site_remove(
    figure_id: FigureId,
    site_id: Annotated[int, typer.Argument(metavar="SITE", help="序号 as `figures show` lists.")],
    reason: Reason,
) -> None:
    """Remove a 纪念场所 (the audit log keeps what it said)."""
    try:
        with session_scope() as session:
            site = remove_site(session, figure_id=figure_id, site_id=site_id,
                               actor=get_settings().actor, reason=reason)  # fmt: skip
            name = site.name
    except FigureError as exc:
        fail(str(exc))
    out.print(f"已删除纪念场所 {name}（序号 {site_id}） / site removed", highlight=False)


@activity_app.command("add")
def activity_add(
    figure_id: FigureId,
    held_on: Annotated[str, typer.Argument(metavar="DATE", help="活动时间, 2024.10.19.")],
    kind: Annotated[str, typer.Argument(help=f"{ACTIVITY_KINDS}.")],
    summary: Annotated[str, typer.Argument(help="活动内容.")],
    organiser: Annotated[str, typer.Option("--organiser", help="主办单位.")] = "",
    reason: Annotated[str, typer.Option("--reason", help="依据 (optional).")] = "",
) -> None:
    """Add a dated 宣传活动 (纪念活动, 主题教育, 出版, 展览 ...) to a figure."""
    try:
        with session_scope() as session:
            made = add_activity(session, figure_id=figure_id, held_on=held_on, kind=kind,
                                summary=summary, organiser=organiser,
                                actor=get_settings().actor, reason=reason)  # fmt: skip
            activity_id, words = made.id, activity_words(made)
    except FigureError as exc:
        fail(str(exc))
    out.print(f"已添加宣传活动（序号 {activity_id}）：{words}", highlight=False)


@activity_app.command("remove")
def activity_remove(
    figure_id: FigureId,
    activity_id: Annotated[int, typer.Argument(metavar="ACTIVITY", help="序号, figures show.")],
    reason: Reason,
) -> None:
    """Remove a 宣传活动 (the audit log keeps what it said)."""
    try:
        with session_scope() as session:
            remove_activity(session, figure_id=figure_id, activity_id=activity_id,
                            actor=get_settings().actor, reason=reason)  # fmt: skip
    except FigureError as exc:
        fail(str(exc))
    out.print(f"已删除宣传活动（序号 {activity_id}） / activity removed", highlight=False)


@app.command("export")
def export(
    out_path: Annotated[Path, typer.Argument(metavar="OUT", help="The .xlsx to write.")],
) -> None:
    """统战名人名录: a workbook of every figure with its 纪念场所 and 宣传活动."""
    with session_scope() as session:
        entries = figure_entries(session)
    write_figure_list(out_path, entries)
    sites = sum(len(e.sites) for e in entries)
    acts = sum(len(e.activities) for e in entries)
    out.print(f"已写出统战名人名录：{out_path}（{len(entries)} 位，纪念场所 {sites} 处，"
              f"宣传活动 {acts} 项）", markup=False, highlight=False)  # fmt: skip


def local_time(at: datetime) -> str:
    return office_time(at).strftime("%Y-%m-%d %H:%M")
