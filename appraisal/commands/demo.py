"""`appraisal demo`: the main job of the README, a complete cycle on the embedded defaults."""

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from appraisal.console import out

DEFAULT_PEOPLE = 12


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    people: Annotated[int, typer.Option(help="How many people in the generated pool.")] = (
        DEFAULT_PEOPLE
    ),
    seed: Annotated[int, typer.Option(help="Seed of the generated data.")] = 2026,
    output: Annotated[Path, typer.Option(help="Folder for everything the demo makes.")] = Path(
        "output/demo"
    ),
) -> None:
    """Run a whole cycle over a generated pool with simulated reviewers, then summarise it."""
    # Importing flows prepares Prefect (its home under output/, outside the demo folder the
    # demo wipes and rebuilds).
    from appraisal.flows.demo import run_demo

    out.print(f"[bold]appraisal demo[/]: {people} people, everything under {output}/")
    run = run_demo(people=people, seed=seed, output=output.resolve(), say=out.print)
    _summary(run.cycle_id)
    out.print(f"returns: {dict(sorted(run.returns.items()))}")
    out.print(f"finished in {run.seconds:.0f} s; per stage: "
              + ", ".join(f"{k} {v:.0f} s" for k, v in run.stage_seconds.items()))  # fmt: skip
    out.print("time by step: " + ", ".join(f"{k} {v:.0f} s" for k, v in run.step_seconds.items()))
    base = output / f"cycle-{run.cycle_id:04d}"
    out.print(f"documents: {base}/documents/   outboxes: {base}/outbox/")
    out.print(f"signed returns: {base}/returns/   quarantine: {base}/quarantine/")
    out.print(f"dossiers: {run.dossiers}/   register: {run.register}")
    out.print(f"check the packages: appraisal archive verify {run.dossiers}")
    out.print(f"database: {output}/appraisal.db   try: appraisal cycle status {run.cycle_id}"
              f"  (with APPRAISAL_OUTPUT_DIR={output})")  # fmt: skip


def _summary(cycle_id: int) -> None:
    from appraisal.clock import today
    from appraisal.db import session_scope
    from appraisal.store.progress import cycle_progress
    from appraisal.store.results import results_best_first

    with session_scope() as session:
        progress = cycle_progress(session, cycle_id, today())
        rows = results_best_first(session, cycle_id)
    table = Table("stage", "documents", "returned", "waived", "objections", "gate",
                  title="the cycle", title_justify="left")  # fmt: skip
    for p in progress.values():
        table.add_row(p.stage.value, str(p.generated), str(p.returned), str(p.waived),
                      str(p.objections), "open" if p.gate_open else "closed")  # fmt: skip
    out.print(table)
    grades = Counter(r.grade.value if r.grade else "未评定" for r, _ in rows)
    bands = Counter(r.band.value if r.band else "—" for r, _ in rows)
    out.print("grades: " + ", ".join(f"{g} {n}" for g, n in grades.most_common()))
    out.print("bands: " + ", ".join(f"{b} {n}" for b, n in sorted(bands.items())))
    results = Table("编号", "姓名", "综合得分", "等次", "档次", "notes",
                    title="top results and every flagged person", title_justify="left")  # fmt: skip
    for i, (r, person) in enumerate(rows):
        notes = "；".join([*(["否决: " + "、".join(r.vetoes)] if r.vetoes else []),
                          *(["征求意见有异议"] if r.flagged else []), *r.actions])  # fmt: skip
        if i < 5 or notes:
            composite = f"{r.composite:.2f}" if r.composite is not None else "—"
            results.add_row(
                person.code, person.name, composite, r.grade or "未评定", r.band or "—", notes
            )
    out.print(results)
