"""Intake of signed returns from a drop folder: inspect each file (bounded, in its own process),
then record or quarantine it. A file leaves the drop folder only after its outcome is committed,
so a crash never loses one."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from prefect import flow

from appraisal.db import session_scope
from appraisal.intake import Inspection, inspect_return
from appraisal.progress import report
from appraisal.settings import get_settings
from appraisal.store.signoffs import IntakeOutcome, move_out, record_return
from flows.paths import quarantine_dir, returns_dir
from flows.runmode import task
from models import Cycle
from models.vocab import Reply

BATCH = 50


@task(name="inspect returned files")
def inspect_files(paths: list[Path]) -> list[Inspection]:
    settings = get_settings()

    def one(path: Path) -> Inspection:
        return inspect_return(
            path, max_bytes=settings.max_return_bytes, trust_roots=settings.trust_root_paths
        )

    # Each inspection runs in a child process; two at a time keeps both cores busy.
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(one, paths))


@task(name="record returned files")
def record_files(
    cycle_id: int, inspections: list[Inspection], reply: Reply | None
) -> list[IntakeOutcome]:
    settings = get_settings()
    with session_scope() as session:
        cycle = session.get(Cycle, cycle_id)
        assert cycle is not None
        outcomes = [
            record_return(
                session,
                cycle=cycle,
                ins=ins,
                returns_dir=returns_dir(cycle_id),
                quarantine_dir=quarantine_dir(cycle_id),
                reply=reply,
                actor=settings.actor,
            )
            for ins in inspections
        ]
    for ins in inspections:  # committed: each file now lives in exactly one place
        move_out(ins.path)
    return outcomes


@flow(name="intake of signed returns", flow_run_name="intake for cycle {cycle_id}")
def intake_returns(cycle_id: int, folder: Path, reply: Reply | None = None) -> list[IntakeOutcome]:
    files = sorted(p for p in Path(folder).iterdir() if p.is_file() and not p.name.startswith("."))
    outcomes: list[IntakeOutcome] = []
    for start in range(0, len(files), BATCH):
        batch = files[start : start + BATCH]
        outcomes += record_files(cycle_id, inspect_files(batch), reply)
        report("returns", len(outcomes), len(files))
    return outcomes
