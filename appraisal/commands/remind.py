"""`appraisal remind`: overdue returns, grouped by the reviewer who owes them."""

import json
from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from appraisal.clock import today
from appraisal.commands._cycle_arg import named_cycle
from appraisal.console import err, out
from appraisal.db import session_scope
from appraisal.reminding import overdue, queue_reminders
from appraisal.settings import get_settings
from appraisal.store.outstanding import AwaitedDocument


def register(app: typer.Typer) -> None:
    app.command("remind")(remind)


def remind(
    cycle: Annotated[str, typer.Argument(help="Cycle number or name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    send: Annotated[
        bool,
        typer.Option("--send", help="E-mail each reviewer a reminder (at most one a day)."),
    ] = False,
) -> None:
    """列出逾期未回传的文件（按接收方，附文件名称和人员姓名），用于催办。
    List overdue returns by reviewer (per the scheme's stage deadlines), to chase them."""
    now = today()
    with session_scope() as session:
        found = named_cycle(session, cycle)
        assert found.id is not None
    cycle_id = found.id
    if send:
        _send_reminders(cycle_id, now)
    by_reviewer: dict[str, list[AwaitedDocument]] = {}
    for d in overdue(cycle_id, now):
        by_reviewer.setdefault(d.reviewer, []).append(d)
    if as_json:
        data = {
            r: [
                {
                    "document_id": d.document_id,
                    "title": d.title,
                    "reviewer_kind": d.reviewer_kind,
                    "reviewer_name": d.reviewer_name,
                    "people": [{"code": c, "name": n} for c, n in d.people],
                    "person": d.about,
                    "due_on": str(d.due_on),
                    "days_overdue": d.days_overdue,
                }
                for d in items
            ]
            for r, items in sorted(by_reviewer.items())
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if not by_reviewer:
        out.print(f"截至 {now.isoformat()} 没有逾期未回传的文件 / nothing overdue")
        return
    table = Table(
        "接收方", "文件编号", "文件", "涉及人员", "截止", "逾期", title=f"{now} 逾期未回传"
    )
    for reviewer, items in sorted(by_reviewer.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        for n, d in enumerate(items):
            table.add_row(
                reviewer if n == 0 else "", d.document_id, d.title, d.about or "—",
                str(d.due_on or ""), f"{d.days_overdue} 天",
            )  # fmt: skip
    out.print(table)
    total = sum(len(v) for v in by_reviewer.values())
    out.print(
        f"共 {total} 份逾期，涉及 {len(by_reviewer)} 个接收方 / "
        f"{total} overdue return(s) from {len(by_reviewer)} reviewer(s)"
    )


def _send_reminders(cycle_id: int, now: date) -> None:
    """Plan today's reminders and send the outbox; reported on stderr, so --json stays clean."""
    from appraisal.commands._running import with_progress
    from appraisal.flows.mail import send_outbox

    planned = queue_reminders(cycle_id, now)
    err.print(f"已排入催办邮件 {planned} 封 / {planned} reminder(s) planned for {now.isoformat()}")
    if not get_settings().smtp_host:
        err.print("e-mail is off (APPRAISAL_SMTP_HOST is empty): they wait as pending")
        return
    counts = with_progress(lambda: send_outbox(cycle_id))
    err.print(f"e-mail: sent {counts['sent']}, failed {counts['failed']}"
              f" (`appraisal mail status {cycle_id}` for details)")  # fmt: skip
