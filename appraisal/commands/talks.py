"""`appraisal talks`: the 谈心谈话 held with a person through the year, logged when held;
changes and removals need a reason and are audited. The portal's person page calls the same
functions."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.models.vocab import TalkKind
from appraisal.settings import get_settings
from appraisal.sheets import WorkbookError
from appraisal.sheets.talks import TALKS, read_talks, write_talk_template
from appraisal.store.offices import EVERYWHERE
from appraisal.store.person_info import PersonInfoError, person_in_scope
from appraisal.store.talks import (
    add_talk,
    change_talk,
    import_talks,
    parse_talk,
    person_talks,
    remove_talk,
)

app = typer.Typer(help="谈心谈话 talks through the year: add, list, change, remove, import.",
                  no_args_is_help=True)  # fmt: skip

Code = Annotated[str, typer.Argument(help="编号 of the person.")]
TalkId = Annotated[int, typer.Argument(metavar="ID", help="序号 as `talks list` shows it.")]
Reason = Annotated[str, typer.Option("--reason", help="依据：why (kept in the audit log).")]
KINDS = "、".join(k.value for k in TalkKind)


@app.command("add")
def add(
    code: Code,
    held_on: Annotated[str, typer.Option("--date", help="谈话时间, e.g. 2026-03-15.")],
    kind: Annotated[str, typer.Option("--kind", help=f"谈话类别: {KINDS}.")],
    talker: Annotated[str, typer.Option("--talker", help="谈话人 (name).")],
    summary: Annotated[str, typer.Option("--summary", help="谈话内容.")],
    post: Annotated[str, typer.Option("--post", help="谈话人职务.")] = "",
    place: Annotated[str, typer.Option("--place", help="谈话地点.")] = "",
    follow_up: Annotated[str, typer.Option("--follow-up", help="后续跟进 / 本人态度.")] = "",
) -> None:
    """Log a talk held with a person."""
    try:
        talk = parse_talk(held_on, kind, talker, summary, talker_post=post, place=place,
                          follow_up=follow_up)  # fmt: skip
        with session_scope() as session:
            row = add_talk(session, code=code, talk=talk, actor=get_settings().actor,
                           scope=EVERYWHERE)  # fmt: skip
            talk_id = row.id
    except PersonInfoError as exc:
        fail(str(exc))
    out.print(f"已记录 {code} 的{talk.kind.value}（序号 {talk_id}） / talk recorded", markup=False)


@app.command("list")
def list_(
    code: Code,
    year: Annotated[int | None, typer.Option("--year", help="Only this year's talks.")] = None,
) -> None:
    """A person's talks, oldest first."""
    try:
        with session_scope() as session:
            person = person_in_scope(session, EVERYWHERE, code)
            rows = person_talks(session, person.id or 0, year)
            name = person.name
    except PersonInfoError as exc:
        fail(str(exc))
    if not rows:
        out.print(f"{code} {name}：没有谈话记录 / no talks", markup=False)
        return
    table = Table("序号", "谈话时间", "类别", "谈话人", "地点", "谈话内容", "后续跟进",
                  title=f"{code} {name} 谈心谈话记录（{len(rows)} 次）",
                  title_justify="left")  # fmt: skip
    for t in rows:
        who = f"{t.talker}（{t.talker_post}）" if t.talker_post else t.talker
        table.add_row(str(t.id), f"{t.held_on:%Y-%m-%d}", t.kind.value, who, t.place,
                      t.summary, t.follow_up)  # fmt: skip
    out.print(table)


@app.command("change")
def change(
    code: Code,
    talk_id: TalkId,
    held_on: Annotated[str, typer.Option("--date", help="谈话时间, e.g. 2026-03-15.")],
    kind: Annotated[str, typer.Option("--kind", help=f"谈话类别: {KINDS}.")],
    talker: Annotated[str, typer.Option("--talker", help="谈话人 (name).")],
    summary: Annotated[str, typer.Option("--summary", help="谈话内容.")],
    reason: Reason,
    post: Annotated[str, typer.Option("--post", help="谈话人职务.")] = "",
    place: Annotated[str, typer.Option("--place", help="谈话地点.")] = "",
    follow_up: Annotated[str, typer.Option("--follow-up", help="后续跟进 / 本人态度.")] = "",
) -> None:
    """Correct a talk on record (every part is given again)."""
    try:
        talk = parse_talk(held_on, kind, talker, summary, talker_post=post, place=place,
                          follow_up=follow_up)  # fmt: skip
        with session_scope() as session:
            before, after = change_talk(session, code=code, talk_id=talk_id, talk=talk,
                                        actor=get_settings().actor, reason=reason,
                                        scope=EVERYWHERE)  # fmt: skip
    except PersonInfoError as exc:
        fail(str(exc))
    if before == after:
        out.print(f"{code} 第 {talk_id} 号谈话记录未变 / unchanged", markup=False)
    else:
        out.print(f"已修改 {code} 第 {talk_id} 号谈话记录：{after} / changed", markup=False)


@app.command("remove")
def remove(code: Code, talk_id: TalkId, reason: Reason) -> None:
    """Remove a talk entered by mistake (the audit log keeps what it said)."""
    try:
        with session_scope() as session:
            row = remove_talk(session, code=code, talk_id=talk_id, actor=get_settings().actor,
                              reason=reason, scope=EVERYWHERE)  # fmt: skip
            kind = row.kind.value
    except PersonInfoError as exc:
        fail(str(exc))
    out.print(f"已删除 {code} 的{kind}记录（序号 {talk_id}） / talk removed", markup=False)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="The talk workbook (.xlsx), sheet 谈心谈话.")],
) -> None:
    """Back-fill talks already held from a workbook (all or nothing; a second import adds
    nothing); every bad row is named by sheet, row and column."""
    from appraisal.commands.roster import show_counts, show_issues, show_warnings

    try:
        sheet = read_talks(file)
        with session_scope() as session:
            counts = import_talks(session, sheet=sheet, actor=get_settings().actor,
                                  scope=EVERYWHERE)  # fmt: skip
    except WorkbookError as exc:
        show_issues(exc)
    except OSError as exc:
        fail(f"无法读取 {file}：{exc}")
    show_warnings(sheet.warnings)
    show_counts(file.name, {TALKS.name: counts})


@app.command("template")
def template(
    out_path: Annotated[Path, typer.Argument(metavar="OUT", help="Where to write the .xlsx.")],
) -> None:
    """A blank talk workbook with one example row (编号 示例, skipped on import)."""
    write_talk_template(out_path)
    out.print(f"已生成 {out_path}", markup=False)
