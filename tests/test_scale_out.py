"""Scale-out for real: a Prefect server on PostgreSQL, two process workers pulling from one work
pool, and a stage of a few hundred people made in parts that both workers share. The documents
must be byte-identical to the embedded run's (SQLite, Prefect's ephemeral mode)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from appraisal.db import get_engine
from appraisal.files import sha256_file
from appraisal.models.vocab import Stage
from appraisal.paths import located
from appraisal.settings import get_settings
from tests.conftest import PG_ADMIN
from tests.cycle_helpers import TODAY, documents, import_pool, require_soffice, start

pytestmark = [pytest.mark.postgres, pytest.mark.libreoffice]

PEOPLE = 240
PARTS = 4
REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _clean_env(**extra: str) -> dict[str, str]:
    """This machine's environment without our or Prefect's settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("APPRAISAL_", "PREFECT_"))}
    env.update(DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false")
    env.update(extra)
    return env


def _tail(path: Path, lines: int = 40) -> str:
    if not path.is_file():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _run(args: list[str], env: dict[str, str], log: Path, timeout: float = 900) -> None:
    with log.open("ab") as out:
        done = subprocess.run(args, env=env, cwd=REPO, stdout=out, stderr=out, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{_tail(log)}"


@dataclass(frozen=True)
class Server:
    api: str
    database: str  # the server's own PostgreSQL database


@pytest.fixture
def prefect_server(tmp_path: Path) -> Iterator[Server]:
    """A Prefect server on loopback whose own database is a fresh PostgreSQL database."""
    name = f"prefect_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    db = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + f"/{name}"
    port = _free_port()
    log = tmp_path / "prefect-server.log"
    env = _clean_env(
        PREFECT_HOME=str(tmp_path / "prefect-server-home"),
        PREFECT_API_DATABASE_CONNECTION_URL=db,
        PREFECT_SERVER_UI_ENABLED="false",
    )
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=out,
        )
    api = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, f"the Prefect server stopped:\n{_tail(log)}"
            try:
                with urllib.request.urlopen(f"{api}/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"no Prefect server after 180 s:\n{_tail(log)}"
            time.sleep(1)
        yield Server(api, name)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _seed(folder: Path) -> int:
    import_pool(folder, people=PEOPLE, seed=11)
    return start("扩展测试")


def _use(monkeypatch: pytest.MonkeyPatch, url: str, out: Path) -> None:
    monkeypatch.setenv("APPRAISAL_DATABASE_URL", url)
    monkeypatch.setenv("APPRAISAL_OUTPUT_DIR", str(out))
    get_settings.cache_clear()
    get_engine.cache_clear()


def _documents(cycle_id: int) -> dict[str, str]:
    docs = documents(cycle_id, Stage.NOMINATION)
    for d in docs:
        assert sha256_file(located(d.docx_path)) == d.docx_sha256, d.id
        assert located(d.pdf_path).is_file(), d.id
    return {d.id: d.docx_sha256 for d in docs}


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_stage_in_parts_on_two_workers_matches_the_embedded_run(
    db_url: str,
    prefect_server: Server,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    require_soffice()
    from appraisal.flows.parts import read_part_records

    logs = tmp_path / "logs"
    logs.mkdir()
    today = {"APPRAISAL_TODAY": TODAY.isoformat()}

    # The embedded run: SQLite and Prefect's ephemeral mode, as the demo runs.
    embedded_out, embedded_db = tmp_path / "embedded", f"sqlite:///{tmp_path / 'embedded.db'}"
    _use(monkeypatch, embedded_db, embedded_out)
    embedded_cycle = _seed(tmp_path / "data")
    cli = str(BIN / "appraisal")
    embedded_env = _clean_env(
        APPRAISAL_DATABASE_URL=embedded_db, APPRAISAL_OUTPUT_DIR=str(embedded_out), **today
    )
    _run([cli, "cycle", "advance", str(embedded_cycle)], embedded_env, logs / "embedded.log")

    # The scaled run: the project database on PostgreSQL, a work pool, two workers.
    scaled_out = tmp_path / "scaled"
    _use(monkeypatch, db_url, scaled_out)
    scaled_cycle = _seed(tmp_path / "data")
    assert scaled_cycle == embedded_cycle
    shared = {
        "PREFECT_API_URL": prefect_server.api,
        "APPRAISAL_DATABASE_URL": db_url,
        "APPRAISAL_OUTPUT_DIR": str(scaled_out),
        **today,
    }
    prefect = str(BIN / "prefect")
    staff = _clean_env(PREFECT_HOME=str(tmp_path / "staff-home"), **shared)
    _run([prefect, "work-pool", "create", "appraisal", "--type", "process"], staff, logs / "d.log")
    _run([cli, "deploy"], staff, logs / "d.log")
    workers = []
    for name in ["w1", "w2"]:
        env = _clean_env(
            PREFECT_HOME=str(tmp_path / f"{name}-home"),
            PREFECT_WORKER_QUERY_SECONDS="1",
            APPRAISAL_WORKER_NAME=name,
            APPRAISAL_CONVERTERS="1",  # two workers on a two-core machine
            **shared,
        )
        args = [prefect, "worker", "start", "--pool", "appraisal", "--name", name, "--limit", "1"]
        out = (logs / f"{name}.log").open("wb")
        workers.append(subprocess.Popen(args, env=env, cwd=REPO, stdout=out, stderr=out))
    try:
        started = time.monotonic()
        scaled_env = {
            **staff,
            "APPRAISAL_STAGE_PARTS": str(PARTS),
            "APPRAISAL_PART_DEPLOYMENT": "stage part/stage-part",
        }
        _run([cli, "cycle", "advance", str(scaled_cycle)], scaled_env, logs / "scaled.log")
        seconds = time.monotonic() - started
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            try:
                w.wait(30)
            except subprocess.TimeoutExpired:
                w.kill()

    records = read_part_records(scaled_cycle, Stage.NOMINATION, PARTS)
    assert len(records) == PARTS, _tail(logs / "scaled.log")
    assert {r.worker for r in records} == {"w1", "w2"}, [(r.part, r.worker) for r in records]
    assert sum(r.planned for r in records) == PEOPLE
    scaled = _documents(scaled_cycle)

    _use(monkeypatch, embedded_db, embedded_out)
    embedded = _documents(embedded_cycle)
    assert len(embedded) == PEOPLE
    assert scaled == embedded
    for doc_id in list(scaled)[:: PEOPLE // 8]:
        a = next((scaled_out / f"cycle-{scaled_cycle:04d}").rglob(f"{doc_id}.docx"))
        b = next((embedded_out / f"cycle-{embedded_cycle:04d}").rglob(f"{doc_id}.docx"))
        assert a.read_bytes() == b.read_bytes(), doc_id

    # The server kept its runs in PostgreSQL: one completed run per part, from the deployment.
    server_db = PG_ADMIN.rsplit("/", 1)[0] + f"/{prefect_server.database}"
    with psycopg.connect(server_db) as conn:
        row = conn.execute(
            "SELECT count(*) FROM flow_run WHERE deployment_id IS NOT NULL"
            " AND state_type = 'COMPLETED'"
        ).fetchone()
    assert row is not None and row[0] == PARTS
    print(f"scaled nomination of {PEOPLE} people in {PARTS} parts: {seconds:.0f} s")
