"""`appraisal people`: a person's information (信息管理), shown and kept current; every change
is audited with its reason. The portal's person page calls the same functions."""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from appraisal.clock import today
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.employer_split import unsplit
from appraisal.information_form import write_information_form
from appraisal.person_fields import ROSTER_FIELDS, field_text
from appraisal.settings import get_settings
from appraisal.store.offices import EVERYWHERE, Scope
from appraisal.store.person_info import (
    PersonInfoError,
    add_entry,
    parse_entry,
    person_entries,
    person_in_scope,
    remove_entry,
    set_person_field,
    unsplit_people,
)

app = typer.Typer(help="人员信息 people's information: show, correct, dated entries.",
                  no_args_is_help=True)  # fmt: skip
record_app = typer.Typer(
    help="简历、奖惩、培训、挂职 entries: add or remove.", no_args_is_help=True
)
app.add_typer(record_app, name="record")

Reason = Annotated[str, typer.Option("--reason", help="依据：why (kept in the audit log).")]


@app.command("show")
def show(code: Annotated[str, typer.Argument(help="编号 of the person.")]) -> None:
    """Every field and every dated entry of one person."""
    try:
        with session_scope() as session:
            p = person_in_scope(session, _scope(), code)
            entries = person_entries(session, p.id or 0)
            fields = [(f.roster.header, field_text(p, f.name)) for f in ROSTER_FIELDS if f.roster]
            flagged = unsplit(p.employer, p.post)
    except PersonInfoError as exc:
        fail(str(exc))
    table = Table("项目", "内容", title=f"{p.code} {p.name}", title_justify="left")
    for label, value in fields:
        table.add_row(label, value)
    out.print(table)
    if flagged:
        hint = f"appraisal people set {p.code} 工作单位 … --reason …"
        out.print(f"[yellow]提示：[/]工作单位似乎仍是“工作单位及职务”，请分别填写：{hint}",
                  highlight=False)  # fmt: skip
    for kind, rows in entries.items():
        listing = Table("序号", "起始", "截止", "内容", "来源", title=kind.value,
                        title_justify="left")  # fmt: skip
        for e in rows:
            text = f"{e.merit.value}：{e.text}" if e.merit else e.text
            end = f"{e.ended_on:%Y.%m}" if e.ended_on else ("" if e.merit else "至今")
            listing.add_row(str(e.id), f"{e.started_on:%Y.%m}", end, text, e.source)
        out.print(listing if rows else f"{kind.value}：无")


@app.command("set")
def set_(
    code: Annotated[str, typer.Argument(help="编号 of the person.")],
    field: Annotated[str, typer.Argument(help="The field as the roster heads it, e.g. 职务.")],
    value: Annotated[str, typer.Argument(help='Its new value; "" clears an optional one.')],
    reason: Reason,
) -> None:
    """Correct one field (not 编号 or 梯队: the pool's adjustment moves tiers)."""
    try:
        with session_scope() as session:
            before, after = set_person_field(
                session, code=code, field=field, value=value, actor=get_settings().actor,
                reason=reason, scope=_scope(),
            )  # fmt: skip
    except PersonInfoError as exc:
        fail(str(exc))
    if before == after:
        out.print(f"{code} {field} 未变 / unchanged")
    else:
        out.print(f"已修改 {code} {field}：{before or '—'} → {after or '—'} / changed")


@record_app.command("add")
def record_add(
    code: Annotated[str, typer.Argument(help="编号 of the person.")],
    kind: Annotated[str, typer.Argument(help="简历、奖惩、培训 or 挂职.")],
    text: Annotated[str, typer.Argument(help="单位及职务, the award, the course, the post.")],
    start: Annotated[str, typer.Option("--start", help="起始年月, e.g. 2001.07.")],
    reason: Reason,
    end: Annotated[str, typer.Option("--end", help="截止年月; leave out if it runs on.")] = "",
    merit: Annotated[str, typer.Option("--merit", help="奖励 or 惩处 (for 奖惩).")] = "",
) -> None:
    """Add a dated entry to a person's file."""
    try:
        entry = parse_entry(kind, start, end, text, merit)
        with session_scope() as session:
            row = add_entry(session, code=code, entry=entry, actor=get_settings().actor,
                            reason=reason, scope=_scope())  # fmt: skip
            entry_id = row.id
    except PersonInfoError as exc:
        fail(str(exc))
    out.print(f"已添加 {code} 的{kind}记录（序号 {entry_id}） / entry added")


@record_app.command("remove")
def record_remove(
    code: Annotated[str, typer.Argument(help="编号 of the person.")],
    entry_id: Annotated[int, typer.Argument(metavar="ID", help="序号 as `people show` lists.")],
    reason: Reason,
) -> None:
    """Remove a dated entry (the audit log keeps what it said)."""
    try:
        with session_scope() as session:
            row = remove_entry(session, code=code, entry_id=entry_id, actor=get_settings().actor,
                               reason=reason, scope=_scope())  # fmt: skip
            kind = row.kind.value
    except PersonInfoError as exc:
        fail(str(exc))
    out.print(f"已删除 {code} 的{kind}记录（序号 {entry_id}） / entry removed")


@app.command("form")
def form(
    code: Annotated[str, typer.Argument(help="编号 of the person.")],
    out_path: Annotated[Path, typer.Argument(metavar="OUT", help="Where to write the .docx.")],
) -> None:
    """The person's 信息采集表, filled with what is on record, for them to check and sign."""
    try:
        written = write_information_form(code, out_path, scope=_scope())
    except PersonInfoError as exc:
        fail(str(exc))
    out.print(f"已生成信息采集表：{written}")


@app.command("unsplit")
def unsplit_() -> None:
    """People whose 工作单位 still holds the old 工作单位及职务, for staff to split."""
    with session_scope() as session:
        rows = [(p.code, p.name, p.employer) for p in unsplit_people(session, _scope())]
    if not rows:
        out.print("没有待拆分的工作单位及职务 / nothing to split")
        return
    title = f"{len(rows)} 人的工作单位及职务无法自动拆分"
    table = Table("编号", "姓名", "工作单位（待拆分）", title=title, title_justify="left")
    for row in rows:
        table.add_row(*row)
    out.print(table)
    out.print("请逐人修改：appraisal people set 编号 工作单位 … --reason …；"
              "再 appraisal people set 编号 职务 … --reason …", highlight=False)  # fmt: skip


def _scope() -> Scope:
    # The CLI is the administrator's interface and sees every office, as `roster import` does.
    return EVERYWHERE


@app.command("file")
def person_file(
    code: Annotated[str, typer.Argument(help="The person's 编号.")],
    target: Annotated[
        Path | None,
        typer.Option("--out", help="The package folder (default: output/people/编号)."),
    ] = None,
) -> None:
    """一人一档 / Write a person's growing file: their information, pool stays, every cycle's
    result, every change, and each sealed dossier, as one PDF with bookmarks inside a
    verifiable package. Made anew each time from the database and the sealed dossiers."""
    from appraisal.career_file import CareerFileError, make_career_file

    try:
        made = make_career_file(
            code.strip(), made_on=today(), issuer=get_settings().office_name, target=target
        )
    except CareerFileError as exc:
        fail(escape(str(exc)))
    out.print(f"已写出 {made.pdf}", markup=False)
    out.print(
        f"共 {made.pages} 页，含 {made.dossiers} 份封存档案；档案包 {made.package}"
        f"（{made.bytes / 1_000_000:.1f} MB，可用 appraisal archive verify 核验）",
        markup=False,
    )
