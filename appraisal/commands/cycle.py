"""`appraisal cycle`: start cycles, follow them, move them on when their gates open."""

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from appraisal.clock import today
from appraisal.commands._cycle_arg import cycle_number, named_cycle
from appraisal.commands._running import locked_with_progress
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.gates import StageProgress
from appraisal.launch import Gap, MissingInputs, launch
from appraisal.models.vocab import CycleKind, Decision
from appraisal.settings import get_settings
from appraisal.store.cycles import CycleError, Selection, list_cycles
from appraisal.store.decisions import record_decision
from appraisal.store.freeze import reopen_cycle
from appraisal.store.progress import cycle_progress
from appraisal.store.stage_runs import closed_gate

app = typer.Typer(help="Evaluation cycles: start, list, status, advance.", no_args_is_help=True)


def _run(cycle_id: int) -> None:
    from appraisal.flows.cycle import run_cycle

    outcome = locked_with_progress(cycle_id, "stage", lambda: run_cycle(cycle_id))
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
    allow_missing: Annotated[
        bool,
        typer.Option(
            help="Start although some people lack scores, ballots or records (recorded); "
            "they cannot be graded until their data is in or staff decide 暂缓评定/免评."
        ),
    ] = False,
) -> None:
    """Start a cycle over the pool: checks the scheme, the templates and everyone's records,
    then runs nomination. With the name of a cycle whose nomination never finished, finishes it."""
    try:
        started = launch(
            name=name, kind=kind, year=year, scheme_path=scheme,
            selection=Selection.parse(people), allow_missing=allow_missing,
        )  # fmt: skip
    except MissingInputs as exc:
        _gaps(exc.gaps, f"未启动：{len(exc.gaps)} 人缺少数据 / not started: people lack inputs")
        fail(str(exc))
    except CycleError as exc:
        fail(str(exc))
    if started.resumed:
        out.print(f"cycle {started.cycle_id} ({name}) exists and its nomination did not finish:")
        out.print("finishing it")
    else:
        out.print(f"started cycle {started.cycle_id}: {name}")
    if started.gaps:
        _gaps(
            started.gaps,
            f"已启动，其中 {len(started.gaps)} 人缺少数据（已记入审计日志）"
            " / started with people lacking inputs",
        )
    if run:
        _run(started.cycle_id)


def _gaps(gaps: list[Gap], title: str, show: int = 50) -> None:
    table = Table("编号", "姓名", "缺少", title=title, title_justify="left")
    for g in gaps[:show]:
        table.add_row(g.code, g.name, "、".join(g.missing))
    out.print(table)
    if len(gaps) > show:
        out.print(f"……另有 {len(gaps) - show} 人 / and {len(gaps) - show} more")


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
        cycle = named_cycle(session, ref)
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
            o.document_id, o.recipient, f"{o.code} {o.person}".strip(), o.missing,
            o.since.isoformat(),
            f"[red]{due} overdue[/]" if o.overdue else due,
        )  # fmt: skip
    out.print(table)
    if len(progress.outstanding) > show:
        out.print(f"... and {len(progress.outstanding) - show} more (--show N, or --json)")


@app.command("advance")
def advance(cycle: Annotated[str, typer.Argument(help="Cycle number or name.")]) -> None:
    """Finish the current stage if its run did not, then run the next stage if the gate is
    open; otherwise list what is missing."""
    cycle_id = cycle_number(cycle)
    with session_scope() as session:
        closed = closed_gate(session, cycle_id, today())
    if closed is not None:
        out.print(f"the gate of [bold]{closed.stage.value}[/] is closed:")
        _outstanding(closed, 50)
        raise typer.Exit(1)
    _run(cycle_id)


DECISIONS = {"暂缓评定": Decision.DEFERRED, "免评": Decision.EXEMPT, "撤销": None}


@app.command("decide")
def decide(
    cycle: Annotated[str, typer.Argument(help="Cycle number or name.")],
    person: Annotated[str, typer.Argument(help="The person's 编号.")],
    decision: Annotated[str, typer.Argument(help="暂缓评定, 免评, or 撤销 (withdraw one).")],
    reason: Annotated[str, typer.Option(help="Why (recorded in the audit log).")],
) -> None:
    """Record 暂缓评定 or 免评 for a person the engine could not (or should not yet) grade: the
    evaluation gate no longer waits for their grade, and they get no 结果通知书."""
    if decision not in DECISIONS:
        fail(f"unknown decision {decision!r}: use 暂缓评定, 免评 or 撤销")
    try:
        with session_scope() as session:
            found = named_cycle(session, cycle)
            record_decision(
                session, cycle=found, code=person, decision=DECISIONS[decision],
                reason=reason, actor=get_settings().actor,
            )  # fmt: skip
    except CycleError as exc:
        fail(str(exc))
    out.print(f"{person}: {decision} recorded ({reason})")


@app.command("rescore")
def rescore(cycle: Annotated[str, typer.Argument(help="Cycle number or name.")]) -> None:
    """Score the cycle again after importing missing records (only while it is at evaluation);
    evaluation forms whose content changed are made and delivered again."""
    from appraisal.flows.cycle import rescore_cycle

    cycle_id = cycle_number(cycle)
    try:
        counts = locked_with_progress(cycle_id, "stage", lambda: rescore_cycle(cycle_id))
    except ValueError as exc:
        fail(str(exc))
    out.print(f"cycle {cycle_id} scored again; {counts['changed']} evaluation form(s) changed")
    _status_after(cycle_id)


def _status_after(cycle_id: int) -> None:
    with session_scope() as session:
        closed = closed_gate(session, cycle_id, today())
    if closed is None:
        out.print(f"the gate is open: `appraisal cycle advance {cycle_id}` moves on")
    else:
        _outstanding(closed, 50)


@app.command("reopen")
def reopen(
    cycle: Annotated[str, typer.Argument(help="Cycle number or name.")],
    reason: Annotated[str, typer.Option(help="Why the finished cycle must change (audited).")],
) -> None:
    """Reopen a finished cycle: its sealed dossiers may change again until it is archived anew."""
    try:
        with session_scope() as session:
            found = named_cycle(session, cycle)
            unfrozen = reopen_cycle(session, found, reason=reason, actor=get_settings().actor)
            head = f"cycle {found.id} ({found.name}) reopened: now at stage {found.stage.value}"
    except CycleError as exc:
        fail(str(exc))
    out.print(head)
    out.print(
        f"{unfrozen} sealed dossier(s) may change again; record the correction, then"
        f" `appraisal archive {found.id}` reseals what changed and closes the cycle"
    )
