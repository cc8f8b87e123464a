"""`appraisal signoff`: take in signed returns, record replies, waive with a reason, and decide
on returns held for review."""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from appraisal.commands._cycle_arg import cycle_number
from appraisal.commands._running import locked_with_progress
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.files import shown_name
from appraisal.held_decisions import accept_held, reject_held
from appraisal.intake.listing import SKIPPED
from appraisal.models.vocab import Reply
from appraisal.settings import get_settings
from appraisal.store.held_returns import held_returns
from appraisal.store.signoffs import HELD, LEFT, QUARANTINED, SignOffError, record_reply, waive_many

app = typer.Typer(
    help="Signed returns: import, reply, waive; held returns: held, accept, reject.",
    no_args_is_help=True,
)

STYLE = {
    "recorded": "green",
    "duplicate": "yellow",
    "held": "yellow",
    "left": "yellow",
    "quarantined": "red",
    SKIPPED: "magenta",
}


@app.command("import")
def import_(
    cycle: Annotated[str, typer.Argument(help="Cycle number or name.")],
    folder: Annotated[Path, typer.Argument(help="The drop folder of returned PDFs.")],
    reply: Annotated[
        Reply | None,
        typer.Option(help="Record this reply for solicitation letters in this batch."),
    ] = None,
) -> None:
    """Match each returned file to its document and record it, or quarantine it with a reason.

    Prints one line per entry of the folder. Files leave it once recorded or quarantined; what
    is not a regular file (a link, a folder, a pipe, a hidden file) is left there, with the reason.
    """
    from appraisal.flows.intake import intake_returns

    if not folder.is_dir():
        fail(f"{folder}: no such folder")
    cycle_id = cycle_number(cycle)
    outcomes = locked_with_progress(
        cycle_id, "intake", lambda: intake_returns(cycle_id, folder, reply)
    )
    for o in outcomes:
        doc = f" {o.document_id}" if o.document_id else ""
        ver = f" v{o.version}" if o.version else ""
        note = f" ({escape(o.message)})" if o.message else ""
        name = escape(shown_name(o.file_name))
        out.print(f"{name}: [{STYLE[o.outcome]}]{o.outcome}[/]{doc}{ver}{note}", highlight=False)
    counts = {k: sum(o.outcome == k for o in outcomes) for k in STYLE}
    # Held and left are rare: named in the summary only when they happened.
    out.print(", ".join(f"{n} {k}" for k, n in counts.items() if n or k not in (HELD, LEFT)))
    if counts[QUARANTINED]:
        out.print(f"quarantined files are kept in output/cycle-{cycle_id:04d}/quarantine/")
    if counts[HELD]:
        out.print(f"held for staff review: appraisal signoff held {cycle_id}")


@app.command("reply")
def reply_(
    document: Annotated[str, typer.Argument(help="The document ID of the solicitation letter.")],
    answer: Annotated[Reply, typer.Argument(help="无异议 or 有异议.")],
    text: Annotated[str, typer.Option(help="What the objection says.")] = "",
    person: Annotated[
        list[str] | None, typer.Option(help="编号 of a person the objection concerns (repeat).")
    ] = None,
) -> None:
    """Record a solicitation reply; an objection flags the people it concerns."""
    try:
        with session_scope() as session:
            flagged = record_reply(
                session, document_id=document, reply=answer, text=text,
                people=list(person or []), actor=get_settings().actor,
            )  # fmt: skip
    except SignOffError as exc:
        fail(str(exc))
    out.print(f"{document}: 已记录回执意见 {answer.value} / recorded")
    if flagged:
        out.print(f"已标记待核 / flagged for staff review: {', '.join(flagged)}")


@app.command("waive")
def waive_(
    documents: Annotated[
        list[str], typer.Argument(help="文件编号，可写多个 / the document IDs (one or more).")
    ],
    reason: Annotated[str, typer.Option(help="免于回传的理由 / why no signed return is needed.")],
) -> None:
    """免于回传：关闭一份或多份文件的签署，记录同一理由；任一编号有误则全部不办。
    Close documents' sign-offs without a return, all or none; the reason is recorded."""
    try:
        with session_scope() as session:
            done = waive_many(
                session, document_ids=documents, reason=reason, actor=get_settings().actor
            )
    except SignOffError as exc:
        fail(str(exc))
    for w in done:
        out.print(f"{w.document_id}: 已免于回传（第 {w.version} 版）/ waived: {escape(reason)}")
    if len(done) > 1:
        out.print(f"共 {len(done)} 份文件已免于回传 / {len(done)} documents waived")


@app.command("held")
def held_(cycle: Annotated[str, typer.Argument(help="Cycle number or name.")]) -> None:
    """List the returns held for staff review: they show no signature or stamp."""
    cycle_id = cycle_number(cycle)
    with session_scope() as session:
        events = held_returns(session, cycle_id)
    if not events:
        out.print(f"cycle {cycle_id}: no returns held for review")
        return
    for e in events:
        out.print(
            f"#{e.id} {e.document_id} {escape(e.file_name)} (from {e.source}, "
            f"{e.at:%Y-%m-%d %H:%M})\n    {escape(e.reason)}\n    file: {escape(e.stored_path)}",
            highlight=False,
            soft_wrap=True,
        )
    out.print(
        f"look at each file, then: appraisal signoff accept {cycle_id} # --reason ... "
        f"(a signed return) or appraisal signoff reject {cycle_id} # --reason ... (quarantine)"
    )


@app.command("accept")
def accept_(
    cycle: Annotated[str, typer.Argument(help="Cycle number or name.")],
    event: Annotated[int, typer.Argument(help="The held return's number (signoff held).")],
    reason: Annotated[str, typer.Option(help="Why it counts as signed.")],
) -> None:
    """Record a held return as the document's signed return; the reason is audited."""
    cycle_id = cycle_number(cycle)
    try:
        outcome = accept_held(cycle_id, event, reason, get_settings().actor)
    except SignOffError as exc:
        fail(str(exc))
    out.print(f"#{event}: recorded as {outcome.document_id} v{outcome.version}")


@app.command("reject")
def reject_(
    cycle: Annotated[str, typer.Argument(help="Cycle number or name.")],
    event: Annotated[int, typer.Argument(help="The held return's number (signoff held).")],
    reason: Annotated[str, typer.Option(help="Why it is not a signed return.")],
) -> None:
    """Move a held return to quarantine; the reason is audited."""
    cycle_id = cycle_number(cycle)
    try:
        kept = reject_held(cycle_id, event, reason, get_settings().actor)
    except SignOffError as exc:
        fail(str(exc))
    out.print(f"#{event}: quarantined, kept as {escape(str(kept))}")
