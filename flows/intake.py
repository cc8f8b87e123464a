"""Intake of signed returns from a drop folder: inspect each file (bounded, in its own process),
then record, hold or quarantine it. A file leaves the drop folder only after its outcome is
committed, so a crash never loses one; each file is its own transaction, so a portal upload or
another import waits for one file, never for a whole batch. Only regular files are taken in;
every other entry is named with the reason it was left alone. One intake (or archive) of a
cycle runs at a time."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from prefect import flow

from appraisal.db import session_scope
from appraisal.flows.runmode import task
from appraisal.intake import Inspection, inspect_return
from appraisal.intake.inspection import LEFT_ALONE
from appraisal.intake.listing import SKIPPED, list_drop_folder
from appraisal.models.vocab import Reply
from appraisal.paths import held_dir, quarantine_dir, returns_dir
from appraisal.progress import report
from appraisal.settings import get_settings
from appraisal.store.cycles import get_cycle
from appraisal.store.locks import cycle_lock
from appraisal.store.signoffs import LEFT, IntakeOutcome, generated_pdf, move_out, record_return

BATCH = 50


@task(name="inspect returned files")
def inspect_files(paths: list[Path]) -> list[Inspection]:
    settings = get_settings()

    def original(document_id: str) -> Path | None:
        with session_scope() as session:
            return generated_pdf(session, document_id)

    def one(path: Path) -> Inspection:
        return inspect_return(
            path,
            max_bytes=settings.max_return_bytes,
            trust_roots=settings.trust_root_paths,
            original_of=original,
        )

    # Each inspection runs in a child process; two at a time keeps both cores busy.
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(one, paths))


@task(name="record returned files")
def record_files(
    cycle_id: int, inspections: list[Inspection], reply: Reply | None
) -> list[IntakeOutcome]:
    settings = get_settings()
    outcomes = []
    for ins in inspections:
        with session_scope() as session:
            outcome = record_return(
                session,
                cycle=get_cycle(session, cycle_id),
                ins=ins,
                returns_dir=returns_dir(cycle_id),
                quarantine_dir=quarantine_dir(cycle_id),
                held_dir=held_dir(cycle_id),
                reply=reply,
                actor=settings.actor,
            )
        if outcome.outcome != LEFT:  # committed: the file now lives in exactly one place
            move_out(ins.path)
        outcomes.append(outcome)
    return outcomes


@flow(name="intake of signed returns", flow_run_name="intake for cycle {cycle_id}")
def intake_returns(cycle_id: int, folder: Path, reply: Reply | None = None) -> list[IntakeOutcome]:
    """Every entry of `folder` with its outcome; LockBusy if the cycle is taken by another run."""
    with cycle_lock(cycle_id, "intake"):
        files, skipped = list_drop_folder(Path(folder))
        outcomes = [IntakeOutcome(s.name, SKIPPED, message=s.reason) for s in skipped]
        for start in range(0, len(files), BATCH):
            inspections = inspect_files(files[start : start + BATCH])
            # Changed into a link or a pipe, or gone, since it was listed: nothing to store.
            outcomes += [
                IntakeOutcome(i.path.name, SKIPPED, message=i.reason)
                for i in inspections
                if i.problem in LEFT_ALONE
            ]
            taken = [i for i in inspections if i.problem not in LEFT_ALONE]
            outcomes += record_files(cycle_id, taken, reply)
            report("returns", start + len(inspections), len(files))
        return outcomes
