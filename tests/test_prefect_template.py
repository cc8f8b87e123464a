"""A new output folder starts Prefect's temporary database from the migrated template."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from appraisal.prefect_template import build_template, seed_database, template_path

FLOW = """
import os
from pathlib import Path

output = Path(os.environ["APPRAISAL_OUTPUT_DIR"])
database = output / ".prefect" / "prefect.db"
assert not database.exists()
import appraisal.flows  # sets Prefect's home under the output folder, seeding its database
from appraisal.flows.demo import use_fresh_output
from prefect import flow

assert database.is_file()  # before Prefect's server has started: the copy
use_fresh_output(output)  # as the benchmarks do: the folder emptied, Prefect's home with it
assert database.is_file()

@flow(name="seeded")
def seeded() -> int:
    return 41 + 1

assert seeded() == 42
"""


def _alembic_version(database: Path) -> str:
    with sqlite3.connect(database) as db:
        return str(db.execute("select version_num from alembic_version").fetchone()[0])


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for key in ("PREFECT_API_URL", "PREFECT_API_DATABASE_CONNECTION_URL"):
        monkeypatch.delenv(key, raising=False)
    return tmp_path / "cache" / "appraisal"


def test_a_new_home_gets_a_copy_and_a_used_one_is_left_alone(cache: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    assert not seed_database(home)  # no template yet: Prefect migrates by itself
    assert not (home / "prefect.db").exists()
    template_path().write_bytes(b"the template")
    assert seed_database(home)
    assert (home / "prefect.db").read_bytes() == b"the template"
    (home / "prefect.db").write_bytes(b"runs of a cycle")
    assert not seed_database(home)
    assert (home / "prefect.db").read_bytes() == b"runs of a cycle"
    assert sorted(p.name for p in home.iterdir()) == ["prefect.db"]


def test_nothing_is_copied_when_a_server_or_database_is_configured(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template_path().write_bytes(b"the template")
    for key, value in (
        ("PREFECT_API_URL", "http://127.0.0.1:4200/api"),
        ("PREFECT_API_DATABASE_CONNECTION_URL", "postgresql+asyncpg://postgres@127.0.0.1/x"),
    ):
        monkeypatch.setenv(key, value)
        assert not seed_database(tmp_path)
        monkeypatch.delenv(key)
    assert not (tmp_path / "prefect.db").exists()


def test_prefect_runs_a_flow_on_the_copied_database(tmp_path: Path) -> None:
    template = build_template()  # `make setup` made it; a few seconds if not
    output = tmp_path / "output"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(APPRAISAL_OUTPUT_DIR=str(output))
    env.pop("APPRAISAL_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", FLOW], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    database = output / ".prefect" / "prefect.db"
    assert _alembic_version(database) == _alembic_version(template)
    with sqlite3.connect(database) as db:
        names = [r[0] for r in db.execute("select name from flow_run")]
    assert len(names) == 1
