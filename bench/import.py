"""Time the demo-data writer and the roster + records import, for 793 and 10,000 people.

Each size: write the workbooks with demo_data, then read and import both into a fresh SQLite
file, and into a scratch PostgreSQL database (created and dropped here) when one is reachable.
Prints lines like `import_793_sqlite_seconds: 1.23` (read + database work, one transaction), the
read and database parts on their own, and a second import of the same files (nothing changes).

    .venv/bin/python bench/import.py [--sizes 793 10000] [--pg postgresql://postgres@127.0.0.1/postgres]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import sqlalchemy as sa
from sqlmodel import Session

from appraisal.db import make_engine, migrate
from appraisal.demo_data import write_demo_data
from appraisal.sheets import read_records, read_roster
from appraisal.store import import_people, import_records

PG_ADMIN = os.environ.get("APPRAISAL_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def import_once(engine: sa.Engine, roster: Path, records: Path) -> tuple[float, float, float, bool]:
    """(read seconds, read CPU seconds, database seconds, whether anything changed)."""
    start, cpu = time.perf_counter(), time.process_time()
    people = read_roster(roster)
    book = read_records(records)
    read, read_cpu = time.perf_counter() - start, time.process_time() - cpu
    start = time.perf_counter()
    with Session(engine) as session:
        counts = import_people(session, rows=people.rows, actor="bench")
        record_counts = import_records(session, book=book, actor="bench")
        session.commit()
    changed = counts.changed or any(c.changed for c in record_counts.values())
    return read, read_cpu, time.perf_counter() - start, changed


@contextmanager
def scratch_postgres(admin_url: str) -> Iterator[str | None]:
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        yield None
        return
    name = f"appraisal_bench_{uuid.uuid4().hex[:10]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_database(label: str, size: int, url: str, roster: Path, records: Path) -> None:
    engine = make_engine(url)
    migrate(engine)
    try:
        read, read_cpu, db, _ = import_once(engine, roster, records)
        print(f"import_{size}_{label}_seconds: {read + db:.2f}")
        print(f"import_{size}_{label}_read_seconds: {read:.2f}")
        # Wall time swings when the machine is busy; CPU time of the read part does not.
        print(f"import_{size}_{label}_read_cpu_seconds: {read_cpu:.2f}")
        print(f"import_{size}_{label}_database_seconds: {db:.2f}")
        read, _, db, changed = import_once(engine, roster, records)
        assert not changed, "a second import of the same files changed something"
        print(f"reimport_{size}_{label}_seconds: {read + db:.2f}")
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[793, 10_000])
    parser.add_argument("--pg", default=PG_ADMIN, help="admin URL to create a scratch database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, scratch_postgres(args.pg) as pg_url:
        for size in args.sizes:
            folder = Path(tmp) / str(size)
            start = time.perf_counter()
            roster, records = write_demo_data(folder, people=size)
            print(f"demo_data_{size}_seconds: {time.perf_counter() - start:.2f}")
            bench_database("sqlite", size, f"sqlite:///{folder / 'bench.db'}", roster, records)
            if pg_url is None:
                print(f"import_{size}_postgres_seconds: skipped (no server at {args.pg})")
                continue
            bench_database("postgres", size, pg_url, roster, records)
            with Session(make_engine(pg_url)) as session:  # empty it for the next size
                tables = "person, poolmembership, dutyrecord, ballottally, assessmentscore, "
                session.execute(sa.text(f"TRUNCATE {tables} finding, auditentry CASCADE"))
                session.commit()


if __name__ == "__main__":
    main()
