"""Sealing killed with SIGKILL at each step (extracts made, covers made, a dossier sealed, the
letters filed, the register written) is finished by running `appraisal archive` again, and ends
as a run that was never interrupted: every package whole and verified, nothing left half-made,
and a further run changes nothing."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import func, select
from typer.testing import CliRunner

from appraisal.archive.bag import find_bags
from appraisal.archive.verify import verify_package
from appraisal.cli import app
from appraisal.crashpoints import ARCHIVE_POINTS
from appraisal.db import session_scope
from appraisal.models import Cycle, Dossier
from appraisal.models.vocab import Stage
from appraisal.settings import get_settings
from tests.cycle_helpers import STOPS, TODAY, import_pool, require_soffice, return_all, start

pytestmark = pytest.mark.libreoffice


def _archive_until_killed(point: str, out: Path, db_url: str, home: Path) -> None:
    env = {
        **os.environ,
        "APPRAISAL_OUTPUT_DIR": str(out),
        "APPRAISAL_DATABASE_URL": db_url,
        "APPRAISAL_TODAY": TODAY.isoformat(),
        "APPRAISAL_SLICE_PEOPLE": "1",  # one person a slice: a kill falls between dossiers
        "APPRAISAL_CRASH_AT": point,
        "PREFECT_HOME": str(home),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "appraisal", "archive", "1"],
        env=env, capture_output=True, timeout=900,
    )  # fmt: skip
    assert proc.returncode == -signal.SIGKILL, (point, proc.stderr.decode()[-2000:])


def test_sealing_killed_at_each_step_is_finished_by_running_it_again(
    app_env: Path,
    harness_api: str,
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from appraisal.flows.cycle import run_cycle

    require_soffice()
    import_pool(tmp_path / "data", people=3)
    cycle_id = start()
    for stage in STOPS:
        assert run_cycle(cycle_id, TODAY).stage == stage.value
        return_all(cycle_id, stage, tmp_path / f"drop-{stage.value}")
    assert run_cycle(cycle_id, TODAY).stage == Stage.ARCHIVE.value

    dossiers = app_env / "cycle-0001" / "dossiers"
    # Each run is killed one step further on; each rerun picks up what the last one left.
    for n, point in enumerate(ARCHIVE_POINTS):
        _archive_until_killed(point, app_env, db_url, tmp_path / f"prefect-{n}")
        with session_scope() as session:
            assert session.exec(select(Cycle.stage)).one() == Stage.ARCHIVE
    with session_scope() as session:
        assert session.exec(select(func.count()).select_from(Dossier)).one() == 3

    monkeypatch.setenv("APPRAISAL_TODAY", TODAY.isoformat())
    get_settings.cache_clear()
    finished = CliRunner().invoke(app, ["archive", "1"])
    assert finished.exit_code == 0, finished.output
    assert "自上次封存以来未变：3 份" in finished.output
    assert "现处于完成阶段" in finished.output
    bags = find_bags(dossiers)
    assert len(bags) == 4  # three people and the letters
    assert all(verify_package(b) == [] for b in bags)
    leftovers = sorted(p.name for p in dossiers.iterdir() if p.name.startswith("."))
    assert leftovers == []
    assert (app_env / "cycle-0001" / "register.xlsx").is_file()
