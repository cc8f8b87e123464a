"""`appraisal cycle`: start cycles, follow them, move them on when their gates open."""

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from appraisal.clock import today
from appraisal.commands._running import with_progress
from appraisal.console import fail, out
from appraisal.cycles import CycleError, Selection, find_cycle, list_cycles
from appraisal.db import session_scope
from appraisal.gates import StageProgress, cycle_progress
from appraisal.launch import launch_cycle
from appraisal.settings import get_settings
from appraisal.store.freeze import reopen_cycle
from models.vocab import CycleKind

app = typer.Typer(help="Evaluation cycles: start, list, status, advance.", no_args_is_help=True)


def _run(cycle_id: int) -> None:
    from flows.cycle import run_cycle

    outcome = with_progress(lambda: run_cycle(cycle_id))
    if outcome.ran:
        out.print(f"ran: {', '.join(outcome.ran)}")
    out.print(f"cycle {cycle_id} is now at stage [bold]{outcome.stage}[/]")
    if outcome.blocked:
        n = len(outcome.blocked["outstanding"])  # type: ignore[arg-type]
        out.print(f"waiting for {n} sign-off(s): `appraisal cycle status {cycle_id}` lists them")


@app.command("start")
def start(
    name: Annotated[
        str, typer.Option(help="A name for the cycle, e.g. 2026年度党外代表人士综合评价.")
    ],
    year: Annotated[int, typer.Option(help="The year assessed; records of this year are used.")],
    kind: Annotated[CycleKind, typer.Option(help="The kind of cycle.")] = CycleKind.NON_PARTY,
    scheme: Annotated[
        Path | None, typer.Option(help="Scheme file (default: the shipped default scheme).")
    ] = None,
    people: Annotated[
        str, typer.Option(help="all | tier:精英 | P00001,P00002 | @file with one 编号 per line.")
    ] = "all",
    run: Annotated[bool, typer.Option(help="Run the nomination stage right away.")] = True,
) -> None:
    """Start a cycle over the pool: checks the scheme and templates, then runs nomination."""
    try:
        cycle_id = launch_cycle(
            name=name, kind=kind, year=year, scheme_path=scheme, selection=Selection.parse(people)
        )
    except CycleError as exc:
        fail(str(exc))
    out.print(f"started cycle {cycle_id}: {name}")
    if run:
        _run(cycle_id)


@app.command("list")
def list_(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List the cycles."""
    with session_scope() as session:
        rows = [
            {
                "id": c.id,
                "name": c.name,
                "kind": c.kind.value,
                "year": c.year,
                "stage": c.stage.value,
                "scheme": f"{c.scheme_name} {c.scheme_version}",
                "started": c.created_at.date().isoformat(),
            }
            for c in list_cycles(session)
        ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("id", "name", "kind", "year", "stage", "scheme", "started")
    for r in rows:
        table.add_row(*(str(v) for v in r.values()))
    out.print(table)


def _status(ref: str) -> tuple[dict[str, object], list[StageProgress]]:
    with session_scope() as session:
        try:
            cycle = find_cycle(session, ref)
        except CycleError as exc:
            fail(str(exc))
        assert cycle.id is not None
        progress = list(cycle_progress(session, cycle.id, today()).values())
        head = {"id": cycle.id, "name": cycle.name, "stage": cycle.stage.value}
    return head, progress


@app.command("status")
def status(
    cycle: Annotated[str, typer.Argument(help="Cycle number or name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    show: Annotated[int, typer.Option(help="How many outstanding sign-offs to list.")] = 20,
) -> None:
    """Per stage: generated, delivered, returned, waived, overdue, objections, and the gate."""
    head, progress = _status(cycle)
    if as_json:
        print(json.dumps({**head, "stages": [p.as_dict() for p in progress]}, ensure_ascii=False))
        return
    table = Table(
        "stage", "generated", "delivered", "returned", "waived", "overdue", "objections", "gate",
        title=f"cycle {head['id']}: {head['name']} (now: {head['stage']})", title_justify="left",
    )  # fmt: skip
    for p in progress:
        gate = "[green]open[/]" if p.gate_open else ("closed" if p.generated else "-")
        table.add_row(
            p.stage.value,
            *(str(v) for v in (p.generated, p.delivered, p.returned, p.waived)),
            f"[red]{p.overdue}[/]" if p.overdue else "0",
            f"[yellow]{p.objections}[/]" if p.objections else "0",
            gate,
        )
    out.print(table)
    current = next((p for p in progress if p.stage.value == head["stage"]), None)
    if current and current.outstanding:
        _outstanding(current, show)


def _outstanding(progress: StageProgress, show: int) -> None:
    table = Table(
        "document", "reviewer", "person", "missing", "since", "due",
        title=f"{len(progress.outstanding)} outstanding in {progress.stage.value}",
        title_justify="left",
    )  # fmt: skip
    for o in progress.outstanding[:show]:
        due = o.due_on.isoformat() if o.due_on else ""
        table.add_row(
            o.document_id, o.recipient, o.person, o.missing, o.since.isoformat(),
            f"[red]{due} overdue[/]" if o.overdue else due,
        )  # fmt: skip
    out.print(table)
    if len(progress.outstanding) > show:
        out.print(f"... and {len(progress.outstanding) - show} more (--show N, or --json)")


@app.command("advance")
def advance(cycle: Annotated[str, typer.Argument(help="Cycle number or name.")]) -> None:
    """Run the next stage if the current stage's gate is open; otherwise list what is missing."""
    head, progress = _status(cycle)
    current = next((p for p in progress if p.stage.value == head["stage"]), None)
    if current and current.generated and not current.gate_open:
        out.print(f"the gate of [bold]{current.stage.value}[/] is closed:")
        _outstanding(current, 50)
        raise typer.Exit(1)
    _run(int(str(head["id"])))


@app.command("reopen")
def reopen(
    cycle: Annotated[str, typer.Argument(help="Cycle number or name.")],
    reason: Annotated[str, typer.Option(help="Why the finished cycle must change (audited).")],
) -> None:
    """Reopen a finished cycle: its sealed dossiers may change again until it is archived anew."""
    try:
        with session_scope() as session:
            found = find_cycle(session, cycle)
            unfrozen = reopen_cycle(session, found, reason=reason, actor=get_settings().actor)
            head = f"cycle {found.id} ({found.name}) reopened: now at stage {found.stage.value}"
    except CycleError as exc:
        fail(str(exc))
    out.print(head)
    out.print(
        f"{unfrozen} sealed dossier(s) may change again; record the correction, then"
        f" `appraisal archive {found.id}` reseals what changed and closes the cycle"
    )
