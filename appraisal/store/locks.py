"""One run at a time per cycle: a lock that whatever kills its holder also releases.

On PostgreSQL it is a session-level advisory lock on a connection held open for the run: the
server drops it when that session ends, however the process ended. On SQLite it is an `flock` on
a file beside the database: the kernel drops it when the process dies. Either way a crash never
leaves a cycle locked, and a second run is refused at once with who holds the lock since when.

The lock is re-entrant within one call chain (a command that takes it and then starts a flow
that takes it again), not across threads or processes.
"""

import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from appraisal.db import get_engine
from appraisal.settings import get_settings

# The first key of every advisory lock we take ("appr"), so ours never meet another program's.
_PG_NAMESPACE = 0x61707072
_PURPOSES = {"intake": "导入回执", "archive": "归档", "stage": "阶段运行"}
# Which runs exclude each other: intake and the archive (a dossier sealed while returns arrive
# would miss them), and stage runs among themselves. A stage run does not stop returns of an
# earlier stage from being taken in: at 10,000 people a stage runs for most of an hour.
_SLOTS = {"intake": 0, "archive": 0, "stage": 1}
_HELD: ContextVar[frozenset[tuple[int, int]]] = ContextVar(
    "appraisal_cycle_locks", default=frozenset()
)


class LockBusy(Exception):
    """Another run holds the cycle's lock; the message says which, since when, and what to do."""


@dataclass(frozen=True)
class Holder:
    purpose: str
    since: str
    pid: int
    host: str

    def label(self) -> str:
        return f"{self.purpose}|{self.since}|{self.pid}|{self.host}"

    @classmethod
    def parse(cls, label: str) -> "Holder | None":
        parts = label.split("|")
        if len(parts) != 4 or not parts[2].isdigit():
            return None
        return cls(parts[0], parts[1], int(parts[2]), parts[3])


def _me(purpose: str) -> Holder:
    since = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S")
    return Holder(purpose, since, os.getpid(), socket.gethostname())


def _busy(cycle_id: int, wanted: str, holder: Holder | None) -> LockBusy:
    if holder is None:
        who, what = "另一进程", "another run"
    else:
        who = f"{_PURPOSES.get(holder.purpose, holder.purpose)}（{holder.since}起）"
        what = f"{holder.purpose} since {holder.since}, process {holder.pid} on {holder.host}"
    return LockBusy(
        f"第{cycle_id}号考核周期正被{who}占用，本次{_PURPOSES.get(wanted, wanted)}未执行 / "
        f"cycle {cycle_id} is busy ({what}); nothing was done: wait until that run ends, then "
        "run this again (if that process has ended, the lock is already free)"
    )


@contextmanager
def cycle_lock(cycle_id: int, purpose: str, engine: sa.Engine | None = None) -> Iterator[None]:
    """Hold cycle `cycle_id` for `purpose` ("intake", "archive", "stage") or raise LockBusy."""
    held = (cycle_id, _SLOTS[purpose])
    if held in _HELD.get():
        yield
        return
    engine = engine or get_engine()
    hold = _pg_lock if engine.dialect.name == "postgresql" else _file_lock
    with hold(engine, cycle_id, _me(purpose)):
        token = _HELD.set(_HELD.get() | {held})
        try:
            yield
        finally:
            _HELD.reset(token)


@contextmanager
def _pg_lock(engine: sa.Engine, cycle_id: int, me: Holder) -> Iterator[None]:
    keys = {"ns": _PG_NAMESPACE + _SLOTS[me.purpose], "cycle": cycle_id}
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        got = conn.scalar(sa.text("SELECT pg_try_advisory_lock(:ns, :cycle)"), keys)
        if not got:
            label = conn.scalar(
                sa.text(
                    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a "
                    "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
                    "AND l.classid = :ns AND l.objid = :cycle AND l.objsubid = 2"
                ),
                keys,
            )
            raise _busy(cycle_id, me.purpose, Holder.parse(label or ""))
        # Who holds it, for the run that is refused: the session's name is what others can see.
        conn.execute(sa.text("SELECT set_config('application_name', :label, false)"),
                     {"label": me.label()})  # fmt: skip
        try:
            yield
        finally:
            # If the connection broke, the server has already let the lock go with the session.
            with suppress(sa.exc.DBAPIError):
                conn.execute(sa.text("SELECT pg_advisory_unlock(:ns, :cycle)"), keys)
                conn.execute(sa.text("RESET application_name"))


def _lock_path(engine: sa.Engine, cycle_id: int, purpose: str) -> Path:
    name = f"cycle-{cycle_id:04d}" + (f".{_SLOTS[purpose]}" if _SLOTS[purpose] else "")
    database = engine.url.database
    if database and database != ":memory:":
        return Path(f"{database}.{name}.lock")
    return get_settings().output_dir / f".{name}.lock"


@contextmanager
def _file_lock(engine: sa.Engine, cycle_id: int, me: Holder) -> Iterator[None]:
    path = _lock_path(engine, cycle_id, me.purpose)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Its own open file description each time: flock then excludes other threads too.
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            # Empty when the holder has not written its name yet.
            label = os.pread(fd, 4096, 0).decode("utf-8", errors="replace")
            raise _busy(cycle_id, me.purpose, Holder.parse(label)) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, me.label().encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing the only descriptor releases the lock
