"""An output folder moved elsewhere (another disk, a restore from backup) still matches its
database: the database names files relative to the folder, and names written before that, as
absolute paths, are converted by the migration."""

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlmodel import select
from typer.testing import CliRunner

from appraisal.cli import app
from appraisal.db import alembic_config, get_engine, migrate, session_scope
from appraisal.models import Document, Dossier, IntakeEvent, SignOff
from appraisal.models.vocab import Stage
from appraisal.paths import located
from appraisal.settings import get_settings
from tests.cycle_helpers import (
    STOPS,
    TODAY,
    documents,
    import_pool,
    require_soffice,
    return_all,
    sqlite_only,
    start,
)

pytestmark = pytest.mark.libreoffice
runner = CliRunner()


def _names() -> list[str]:
    """Every file name the database keeps."""
    with session_scope() as session:
        names = [n for d in session.exec(select(Document)) for n in (d.docx_path, d.pdf_path)]
        names += [s.file_path for s in session.exec(select(SignOff))]
        names += [e.stored_path for e in session.exec(select(IntakeEvent))]
        names += [d.path for d in session.exec(select(Dossier))]
    return [n for n in names if n]


def _move(old: Path, new: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    get_engine().dispose()
    shutil.move(old, new)
    monkeypatch.setenv("APPRAISAL_OUTPUT_DIR", str(new))
    get_settings.cache_clear()
    get_engine.cache_clear()


@sqlite_only
def test_a_moved_output_folder_still_works(
    app_env: Path, prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from appraisal.flows.cycle import run_cycle

    require_soffice()
    monkeypatch.setenv("APPRAISAL_TODAY", TODAY.isoformat())
    get_settings.cache_clear()
    import_pool(tmp_path / "data", people=3)
    cycle_id = start()
    held_back = ""
    for stage in STOPS:
        assert run_cycle(cycle_id, TODAY).stage == stage.value
        keep = set()
        if stage == Stage.NOTIFICATION:
            held_back = next(
                d.id for d in documents(cycle_id, stage) if d.template_id == "result_notice"
            )
            keep = {held_back}
        return_all(cycle_id, stage, tmp_path / f"drop-{stage.value}", keep=keep)
    sealed = runner.invoke(app, ["archive", str(cycle_id)])
    assert sealed.exit_code == 0 and sealed.output.count("已封存 P") == 2, sealed.output
    names = _names()
    assert names and not any(n.startswith("/") for n in names)  # relative to the folder

    moved = tmp_path / "restored" / "output"
    moved.parent.mkdir()
    _move(app_env, moved, monkeypatch)
    assert all(located(n).exists() for n in _names())
    status = runner.invoke(app, ["cycle", "status", str(cycle_id), "--json"])
    assert status.exit_code == 0 and '"stage": "notification"' in status.output

    # The last receipt comes in at the new place; the archive seals the third dossier there.
    return_all(cycle_id, Stage.NOTIFICATION, tmp_path / "drop-late", only=held_back)
    assert run_cycle(cycle_id, TODAY).stage == Stage.ARCHIVE.value
    done = runner.invoke(app, ["archive", str(cycle_id)])
    assert done.exit_code == 0, done.output
    assert "自上次封存以来未变：2 份" in done.output and "现处于完成阶段" in done.output
    verified = runner.invoke(app, ["archive", "verify", str(moved / "cycle-0001" / "dossiers")])
    assert verified.exit_code == 0, verified.output
    assert "已核验 4 个档案包，0 个有问题" in verified.output
    assert not (app_env).exists()


def test_absolute_names_of_older_rows_are_made_relative(
    app_env: Path, prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from appraisal.flows.cycle import run_cycle

    require_soffice()
    import_pool(tmp_path / "data", people=3)
    cycle_id = start()
    run_cycle(cycle_id, TODAY)
    return_all(cycle_id, Stage.NOMINATION, tmp_path / "drop")
    engine = get_engine()
    command.downgrade(alembic_config(engine), "0009")  # as the database was before
    with engine.connect() as conn:
        old = conn.execute(sa.text("SELECT pdf_path FROM document")).scalars().all()
    assert old and all(n.startswith(str(app_env.resolve())) for n in old)

    moved = tmp_path / "elsewhere"
    _move(app_env, moved, monkeypatch)
    migrate(get_engine())
    names = _names()
    assert names and all(n.startswith("cycle-0001/") for n in names)
    assert all(located(n).is_file() and str(located(n)).startswith(str(moved)) for n in names)
