"""Memory of the steps that read a whole cycle, on a copy of a benchmark's database.

Run `bench/cycle.py --people N --out DIR` first (at least through assessment), then point this at
its database. On a scratch copy it measures, with tracemalloc, the Python memory each step
allocates at its peak and its time: the gates of every stage (`cycle_progress`), planning the
assessment's e-mails (after removing them from the copy), planning the letters to bodies of
solicitation and notification (a run of letters at a time, as the stage makes them), writing
the cycle register (into a scratch folder), and scoring the cycle (after removing its results).
The database itself is never written.

    .venv/bin/python bench/memory.py DIR/prefect/appraisal.db [--cycle 1]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path


def measure(name: str, step: Callable[[], str]) -> None:
    tracemalloc.reset_peak()
    start = time.perf_counter()
    what = step()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    print(f"{name}_seconds: {seconds:.1f}")
    print(f"{name}_peak_mb: {peak:.0f} ({what})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--cycle", type=int, default=1)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-memory-")) / "copy.db"
    source = sqlite3.connect(f"file:{args.database}?mode=ro", uri=True)
    with sqlite3.connect(scratch) as copy:
        source.backup(copy)  # consistent even while a benchmark is writing
        copy.execute("DELETE FROM outboxmessage WHERE cycle_id = ?", (args.cycle,))
    source.close()
    os.environ["APPRAISAL_DATABASE_URL"] = f"sqlite:///{scratch}"
    os.environ.setdefault("APPRAISAL_OUTPUT_DIR", str(scratch.parent / "output"))

    from appraisal.db import session_scope
    from appraisal.flows.archive import register
    from appraisal.flows.runmode import plain_calls
    from appraisal.flows.stages import planned_letters
    from appraisal.flows.tasks import score_cycle
    from appraisal.models.vocab import Stage
    from appraisal.store.outbox import plan_document_messages
    from appraisal.store.progress import cycle_progress

    tracemalloc.start()

    def gates() -> str:
        with session_scope() as session:
            progress = cycle_progress(session, args.cycle, date.today())
        return f"{sum(p.generated for p in progress.values())} documents"

    def mail() -> str:
        with session_scope() as session:
            planned = plan_document_messages(session, args.cycle, Stage.ASSESSMENT)
            return f"{len(planned)} messages, {sum(len(m.document_ids) for m in planned)} documents"

    def letters(stage: Stage) -> str:
        # Planned as the stage makes them, a run at a time; each run is dropped before the next.
        count = listed = 0
        with plain_calls():
            for _, jobs in planned_letters(args.cycle, stage, date.today(), date.today()):
                count += len(jobs)
                listed += sum(len(j.people) for j in jobs)
        return f"{count} letters listing {listed} people"

    def register_book() -> str:
        with plain_calls():
            path = Path(register(args.cycle, date.today()))
        return f"{path.stat().st_size / 2**20:.1f} MB workbook"

    def scoring() -> str:
        with sqlite3.connect(scratch) as copy:
            copy.execute("DELETE FROM result WHERE cycle_id = ?", (args.cycle,))
        with plain_calls():
            return str(score_cycle(args.cycle))

    measure("gates", gates)
    measure("assessment_mail", mail)
    measure("solicitation_letters", lambda: letters(Stage.SOLICITATION))
    measure("notification_letters", lambda: letters(Stage.NOTIFICATION))
    measure("register", register_book)
    measure("scoring", scoring)
    scratch.unlink()


if __name__ == "__main__":
    main()
