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
from appraisal.gates import Outstanding
from appraisal.settings import get_settings
from appraisal.store.progress import cycle_progress


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
    """List overdue returns by reviewer (per the scheme's stage deadlines), to chase them."""
    now = today()
    with session_scope() as session:
        found = named_cycle(session, cycle)
        assert found.id is not None
        progress = cycle_progress(session, found.id, now)
    if send:
        _send_reminders(found.id, now)
    by_reviewer: dict[str, list[Outstanding]] = {}
    for stage in progress.values():
        for o in stage.outstanding:
            if o.overdue:
                by_reviewer.setdefault(o.recipient, []).append(o)
    if as_json:
        data = {
            r: [{"document_id": o.document_id, "person": o.person, "due_on": str(o.due_on)}
                for o in items]
            for r, items in sorted(by_reviewer.items())
        }  # fmt: skip
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if not by_reviewer:
        out.print(f"nothing overdue on {now.isoformat()}")
        return
    table = Table("reviewer", "overdue", "oldest due", "documents", title=f"overdue on {now}")
    for reviewer, items in sorted(by_reviewer.items(), key=lambda kv: -len(kv[1])):
        oldest = min(o.due_on for o in items if o.due_on)
        docs = ", ".join(o.document_id for o in items[:3]) + (" …" if len(items) > 3 else "")
        table.add_row(reviewer, str(len(items)), oldest.isoformat(), docs)
    out.print(table)
    total = sum(len(v) for v in by_reviewer.values())
    out.print(f"{total} overdue return(s) from {len(by_reviewer)} reviewer(s)")


def _send_reminders(cycle_id: int, now: date) -> None:
    """Plan today's reminders and send the outbox; reported on stderr, so --json stays clean."""
    from appraisal.commands._running import with_progress
    from appraisal.flows.mail import send_outbox
    from appraisal.render.manifest import template_titles
    from appraisal.store.outbox import plan_reminders

    titles = template_titles(get_settings().templates_dir)
    with session_scope() as session:
        planned = len(plan_reminders(session, cycle_id, now, titles=titles))
    err.print(f"{planned} reminder(s) planned for {now.isoformat()}")
    if not get_settings().smtp_host:
        err.print("e-mail is off (APPRAISAL_SMTP_HOST is empty): they wait as pending")
        return
    counts = with_progress(lambda: send_outbox(cycle_id))
    err.print(f"e-mail: sent {counts['sent']}, failed {counts['failed']}"
              f" (`appraisal mail status {cycle_id}` for details)")  # fmt: skip
