"""Shared fixtures: a fresh real database per test (SQLite file, and PostgreSQL when reachable)."""

import os

# pytest-xdist's workers start with COLUMNS=80, and Rich fixes a console's width from it when the
# console is made, at import: tables would be cut where a test passes a wider COLUMNS. Drop it
# before anything imports our consoles, as in a plain pytest run.
for _name in ("COLUMNS", "LINES"):
    os.environ.pop(_name, None)

import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from sqlmodel import Session

from appraisal import models
from appraisal.db import make_engine, migrate
from appraisal.settings import get_settings
from appraisal.store.offices import root_office

# No telemetry and a private Prefect home before anything imports Prefect.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

PG_ADMIN = os.environ.get("APPRAISAL_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of this test run's own on the real server, dropped at the end."""
    name = f"appraisal_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL not reachable at {PG_ADMIN}: {exc}".strip()
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI must run the PostgreSQL tests, not skip them)")
        pytest.skip(reason)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    yield url
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _empty_postgres(engine: sa.Engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in models.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    with Session(engine) as session:  # the top office the migration made goes with the rest
        root_office(session)
        session.commit()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database: a SQLite file, then the real PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        return url
    url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    _empty_postgres(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str) -> Iterator[Path]:
    """Point the CLI's settings at a temporary output folder and the test database."""
    from appraisal.db import get_engine

    out = tmp_path / "output"
    monkeypatch.setenv("APPRAISAL_OUTPUT_DIR", str(out))
    monkeypatch.setenv("APPRAISAL_DATABASE_URL", db_url)
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield out
    get_settings.cache_clear()
    for eng in [get_engine()]:
        eng.dispose()
    get_engine.cache_clear()


@pytest.fixture
def clock_at(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[date], None]]:
    """Sets APPRAISAL_TODAY, as staff and the demo do, for code that reads the clock."""

    def set_day(day: date) -> None:
        monkeypatch.setenv("APPRAISAL_TODAY", day.isoformat())
        get_settings.cache_clear()

    yield set_day
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One temporary Prefect server for the whole run: flows run for real against it."""
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    import prefect.testing.utilities as harness

    from appraisal.prefect_template import template_path

    # The harness makes its database in a new mkdtemp folder and migrates it, 11 s per xdist
    # worker; start it from `make setup`'s migrated copy instead, as a command's server does.
    # Should Prefect rename its file, the copy is only unused and the harness migrates.
    template, make_folder = template_path(), harness.mkdtemp

    def seeded_folder() -> str:
        folder = make_folder()
        if template.is_file():
            shutil.copyfile(template, Path(folder) / "prefect-test.db")
        return folder

    harness.mkdtemp = seeded_folder  # type: ignore[attr-defined]
    try:
        with harness.prefect_test_harness(server_startup_timeout=120):
            yield
    finally:
        harness.mkdtemp = make_folder  # type: ignore[attr-defined]


@pytest.fixture
def harness_api(prefect_harness: None, monkeypatch: pytest.MonkeyPatch) -> str:
    """The harness's server for this test's child commands (a stage run the portal starts, a
    run killed on purpose): they record their runs there, as a worker would, instead of each
    starting a temporary server of its own, several seconds apiece."""
    from prefect.settings import PREFECT_API_URL

    url = str(PREFECT_API_URL.value())
    monkeypatch.setenv("PREFECT_API_URL", url)
    return url


@pytest.fixture
def bare_cycle(app_env: Path, tmp_path: Path) -> int:
    """A started cycle with its people and no documents (no LibreOffice), and a staff account."""
    from tests.portal_helpers import cycle_without_documents

    return cycle_without_documents(tmp_path / "data")


@pytest.fixture
def bare_portal(bare_cycle: int) -> object:
    """The portal over `bare_cycle`."""
    from appraisal.portal.app import create_app

    return create_app()
