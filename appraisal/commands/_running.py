"""Running a flow from a command, with Rich progress bars fed by appraisal.progress."""

from collections.abc import Callable
from typing import TypeVar

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeElapsedColumn

from appraisal.console import err, fail
from appraisal.progress import reporting
from appraisal.store.locks import LockBusy, cycle_lock

T = TypeVar("T")


def with_progress(run: Callable[[], T]) -> T:
    """Call `run` (which starts flows in this process) while showing its progress reports.

    Prefect's temporary server (when no server is configured) is started first, tied to this
    command: it stops when the command ends, however it ends."""
    from appraisal.ephemeral_server import start_guarded

    start_guarded()
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as progress:
        bars: dict[str, TaskID] = {}

        def show(what: str, done: int, total: int) -> None:
            if what not in bars:
                bars[what] = progress.add_task(what, total=total)
            progress.update(bars[what], completed=done, total=total)

        with reporting(show):
            return run()


def locked_with_progress(cycle_id: int, purpose: str, run: Callable[[], T]) -> T:
    """`with_progress(run)` holding the cycle's lock; a busy cycle is a one-line error.

    Taken here as well as in the flow, so a refusal is refused before Prefect starts a run (whose
    failure it would log with a traceback); the flow's own lock is then the same one, re-entered.
    """
    try:
        with cycle_lock(cycle_id, purpose):
            return with_progress(run)
    except LockBusy as exc:
        fail(str(exc))
