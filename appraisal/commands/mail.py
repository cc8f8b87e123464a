"""`appraisal mail`: where a cycle's e-mail stands, send it, and send again what staff decide."""

import json
from typing import Annotated

import typer
from rich.markup import escape

from appraisal.commands._cycle_arg import cycle_number
from appraisal.commands._running import with_progress
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.settings import get_settings
from appraisal.stages import WORK_STAGES
from appraisal.store.outbox import (
    FAILED,
    MAX_ATTEMPTS,
    NO_ADDRESS,
    PENDING,
    SENDING,
    SENT,
    outbox_counts,
    plan_document_messages,
    requeue,
    unsent_messages,
)

app = typer.Typer(help="E-mail to reviewers: status, send, retry.", no_args_is_help=True)

STYLE = {PENDING: "yellow", SENDING: "magenta", SENT: "green", FAILED: "red", NO_ADDRESS: "dim"}
OFF = "e-mail is off: set APPRAISAL_SMTP_HOST (and _SMTP_PORT, _SMTP_USER, ... as needed)"


def _send(cycle_id: int) -> dict[str, int]:
    from appraisal.flows.mail import send_outbox

    counts = with_progress(lambda: send_outbox(cycle_id))
    out.print(f"sent {counts[SENT]}, failed {counts[FAILED]}")
    if counts[FAILED]:
        out.print(f"`appraisal mail status {cycle_id}` shows the errors")
    if counts[SENDING]:
        out.print(
            f"{counts[SENDING]} message(s) were being sent when a run stopped and may have gone "
            f"out: `appraisal mail retry {cycle_id}` sends them again"
        )
    if counts[NO_ADDRESS]:
        out.print(
            f"{counts[NO_ADDRESS]} message(s) wait for an address: "
            "`appraisal reviewers set KIND NAME EMAIL` or `appraisal reviewers import`"
        )
    return counts


@app.command("status")
def status(
    cycle: Annotated[str, typer.Argument(help="Cycle number or name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Messages per status, and every message not sent yet with its error."""
    cycle_id = cycle_number(cycle)
    with session_scope() as session:
        counts = outbox_counts(session, cycle_id)
        rows = [
            {
                "id": m.id,
                "purpose": m.purpose,
                "stage": m.stage,
                "kind": m.reviewer_kind,
                "name": m.reviewer_name,
                "to": m.to_addr,
                "status": m.status,
                "attempts": m.attempts,
                "error": m.error,
                "documents": len(m.document_ids),
            }
            for m in unsent_messages(session, cycle_id)
        ]
    if as_json:
        print(json.dumps({"counts": counts, "unsent": rows}, ensure_ascii=False, indent=2))
        return
    shown = ", ".join(f"[{STYLE[k]}]{n} {k}[/]" for k, n in counts.items() if n)
    out.print(f"cycle {cycle_id}: {shown or 'no e-mail planned yet'}")
    if not get_settings().smtp_host:
        out.print(OFF)
    if not rows:
        return
    # One line per message (and one for its error): errors are long and would crush a table.
    out.print("not sent:")
    for r in rows:
        stage = f" {r['stage']}" if r["stage"] else ""
        to = f" <{r['to']}>" if r["to"] else ""
        status = r["status"]
        out.print(
            f"  #{r['id']} {r['purpose']}{stage} → {escape(str(r['kind']))} "
            f"{escape(str(r['name']))}{escape(to)}: [{STYLE[str(status)]}]{status}[/]"
            f" ({r['attempts']}/{MAX_ATTEMPTS} attempts)",
            highlight=False,
        )
        if r["error"]:
            out.print(f"      {escape(str(r['error']))}", highlight=False)


@app.command("send")
def send(cycle: Annotated[str, typer.Argument(help="Cycle number or name.")]) -> None:
    """Send the cycle's pending messages (and failed ones with attempts left).

    Messages for stages that ran before e-mail was set up are planned first; nothing is ever
    sent twice. Exits with 1 when a message failed.
    """
    from appraisal.render.manifest import template_titles

    if not get_settings().smtp_host:
        fail(OFF)
    cycle_id = cycle_number(cycle)
    titles = template_titles(get_settings().templates_dir)
    with session_scope() as session:
        planned = sum(
            len(plan_document_messages(session, cycle_id, stage, titles=titles))
            for stage in WORK_STAGES
        )
    if planned:
        out.print(f"planned {planned} message(s)")
    if _send(cycle_id)[FAILED]:
        raise typer.Exit(1)


@app.command("retry")
def retry(
    cycle: Annotated[str, typer.Argument(help="Cycle number or name.")],
    message: Annotated[
        list[int] | None, typer.Option("--id", help="Only this message (repeat); see `status`.")
    ] = None,
) -> None:
    """Requeue messages stuck in `sending` or out of attempts, then send the outbox.

    A message is left in `sending` when a run stopped during its SMTP call: it may have gone out
    already, so only staff decide to send it again. Failed messages get fresh attempts.
    """
    cycle_id = cycle_number(cycle)
    with session_scope() as session:
        again = requeue(session, cycle_id, message or [])
    for r in again:
        out.print(
            f"message {r.id} ({escape(r.reviewer_kind)} {escape(r.reviewer_name)}, was {r.was}): "
            "pending again",
            highlight=False,
        )
    if not again:
        out.print("nothing to retry: no message is stuck in sending or out of attempts")
    if not get_settings().smtp_host:
        out.print(OFF)
        return
    if _send(cycle_id)[FAILED]:
        raise typer.Exit(1)
