"""`appraisal reviewers`: the directory of who documents go to and their e-mail addresses."""

import json
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer
from rich.markup import escape
from rich.table import Table
from sqlmodel import Session

from appraisal.commands._cycle_arg import cycle_number
from appraisal.commands.roster import show_counts, show_issues, show_warnings
from appraisal.console import fail, out
from appraisal.db import get_engine, session_scope
from appraisal.settings import get_settings
from appraisal.sheets import WorkbookError
from appraisal.sheets.reviewers import read_reviewers, write_reviewers
from appraisal.store.reviewers import (
    ReviewerEntry,
    ReviewerError,
    cycle_reviewers,
    document_recipients,
    import_reviewers,
    list_reviewers,
    set_reviewer,
)

app = typer.Typer(
    help="收件方名录 / Reviewers (收件单位) and their e-mail addresses: import, set, list,"
    " template.",
    no_args_is_help=True,
)


OUTCOME_WORDS = {"added": "已添加", "updated": "已更新", "unchanged": "未变"}
HEADERS = {"kind": "类别", "name": "名称", "email": "电子邮箱", "documents": "文件数",
           "updated": "更新时间"}  # fmt: skip


def _unmatched(session: Session, entries: list[ReviewerEntry]) -> list[ReviewerEntry]:
    """Entries no document is addressed to, when documents exist at all (a likely typo)."""
    known = document_recipients(session)
    if not known:
        return []
    return [e for e in entries if (e.kind, e.name) not in known]


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="The workbook (.xlsx): 类别, 名称, 电子邮箱.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and count, change nothing.")
    ] = False,
) -> None:
    """导入收件方名录 / Add reviewers and update their addresses, keyed on (类别, 名称);
    changes are audit-logged.

    Every bad row is listed (sheet, row, column, why) and then nothing is imported. An empty
    电子邮箱 means the reviewer gets no e-mail.
    """
    try:
        sheet = read_reviewers(file)
    except WorkbookError as exc:
        show_issues(exc)
    try:
        with Session(get_engine(), expire_on_commit=False) as session:
            counts = import_reviewers(
                session, sheet.entries, actor=get_settings().actor, source=file.name
            )
            unmatched = _unmatched(session, sheet.entries)
            if dry_run:
                session.rollback()
            else:
                session.commit()
    except sa.exc.OperationalError as exc:
        fail(f"无法连接数据库 / the database cannot be reached: {exc.orig}")
    if sheet.skipped:
        show_warnings([f"已跳过 {sheet.skipped} 行示例 / skipped example row(s)"])
    if unmatched:
        names = "、".join(f"{e.kind} {e.name}" for e in unmatched[:5])
        more = f" 等，另有 {len(unmatched) - 5} 个" if len(unmatched) > 5 else ""
        show_warnings(
            [
                f"{len(unmatched)} 个收件方尚无对应文件：{names}{more}"
                "（类别和名称须与文件上写的完全一致："
                "`appraisal reviewers list --cycle N` 列出它们）"
            ]
        )
    show_counts(f"{file.name} ({sheet.sheet})", {sheet.sheet: counts}, dry_run=dry_run)


@app.command("set")
def set_(
    kind: Annotated[str, typer.Argument(help="The kind, e.g. 推荐单位.")],
    name: Annotated[str, typer.Argument(help="The name, exactly as on the documents.")],
    email: Annotated[str, typer.Argument(help='The address; "" removes it.')],
) -> None:
    """设置收件方邮箱 / Add one reviewer or change their address (audit-logged)."""
    try:
        with session_scope() as session:
            outcome = set_reviewer(
                session, kind=kind, name=name, email=email, actor=get_settings().actor
            )
    except ReviewerError as exc:
        fail(str(exc))
    said = OUTCOME_WORDS.get(outcome, outcome)
    out.print(f"{escape(kind.strip())} {escape(name.strip())}：{said}", highlight=False)


@app.command("list")
def list_(
    cycle: Annotated[
        str | None,
        typer.Option(help="Everyone this cycle's documents go to, with or without an address."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """收件方列表 / The directory, or (with --cycle) the cycle's recipients and who has no
    address."""
    if cycle is not None:
        cycle_id = cycle_number(cycle)
        with session_scope() as session:
            rows = [
                {"kind": r.kind, "name": r.name, "email": r.email, "documents": r.documents}
                for r in cycle_reviewers(session, cycle_id)
            ]
    else:
        with session_scope() as session:
            rows = [
                {"kind": r.kind, "name": r.name, "email": r.email,
                 "updated": r.updated_at.isoformat(timespec="seconds")}
                for r in list_reviewers(session)
            ]  # fmt: skip
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        out.print("尚无收件方" if cycle is None else "该周期尚未生成文件")
        return
    table = Table(*(HEADERS[k] for k in rows[0]), title_justify="left")
    for row in rows:
        table.add_row(*(escape(str(v)) if v != "" else "[red]无邮箱[/]" for v in row.values()))
    out.print(table)
    missing = sum(not r["email"] for r in rows)
    if missing:
        out.print(f"{missing} 个没有邮箱：他们收不到邮件")


@app.command("template")
def template(
    out_path: Annotated[Path, typer.Argument(metavar="OUT", help="Where to write (.xlsx).")],
    cycle: Annotated[
        str | None, typer.Option(help="List this cycle's recipients, to fill in their addresses.")
    ] = None,
) -> None:
    """导出收件方名录表 / Write the directory workbook, to fill in and import.

    It lists the whole directory, or with --cycle that cycle's recipients with the addresses
    known so far; edit it and `appraisal reviewers import` it.
    """
    with session_scope() as session:
        if cycle is not None:
            cycle_id = cycle_number(cycle)
            entries = [
                ReviewerEntry(r.kind, r.name, r.email) for r in cycle_reviewers(session, cycle_id)
            ]
        else:
            entries = [ReviewerEntry(r.kind, r.name, r.email) for r in list_reviewers(session)]
    write_reviewers(out_path, entries)
    out.print(f"已写出 {out_path}（{len(entries)} 个收件方）")
