"""Engines, sessions and schema migrations, for SQLite and PostgreSQL alike."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlmodel import Session

from appraisal.settings import get_settings


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL and a busy timeout let the portal read while a flow writes.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return sa.create_engine(url, pool_pre_ping=True)


# Alembic's command API keeps its context in module globals: two threads migrating at once (the
# first database use of a process, from a thread pool) break each other.
_MIGRATING = threading.Lock()


@lru_cache
def get_engine(url: str | None = None) -> sa.Engine:
    """The engine for `url` (default: the configured database), migrated to the latest schema."""
    engine = make_engine(url or get_settings().resolved_database_url)
    with _MIGRATING:
        migrate(engine)
    return engine


def database_configured() -> bool:
    """Whether there is a database to consult: one named in the settings, or the default
    SQLite file made by an earlier run (asking must not create an empty one)."""
    url = get_settings().resolved_database_url
    return not url.startswith("sqlite:///") or Path(url.removeprefix("sqlite:///")).is_file()


def alembic_config(engine: sa.Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("appraisal") / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: sa.Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def begin_writing(session: Session) -> None:
    """Make the session's transaction a writer now, before it reads what it will write after.

    On SQLite this is BEGIN IMMEDIATE: it waits (busy_timeout) for the one write lock and then
    reads the latest data, whereas a transaction that read first and writes later is answered
    "database is locked" at once when another writer committed in between. The Python driver
    opens a transaction only at the first INSERT or UPDATE, so a session that has only read is
    not in one yet; a session that has written already holds the lock. PostgreSQL needs nothing
    here: callers lock the rows they depend on.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def session_scope(engine: sa.Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
