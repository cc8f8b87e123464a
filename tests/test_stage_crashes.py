"""A stage killed with SIGKILL at each step boundary is finished by `cycle advance`, and ends
exactly where an uninterrupted run ends: the same documents byte for byte, each delivered once,
one e-mail per reviewer, the run closed, no debris.

The kill comes from the process itself at a named point (appraisal.crashpoints), so each test
stops at the same place every time: after rendering, converting, recording, delivering,
planning e-mail, and closing the run."""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select
from typer.testing import CliRunner

from appraisal.cli import app
from appraisal.crashpoints import STAGE_POINTS
from appraisal.db import get_engine, session_scope
from appraisal.files import sha256_file
from appraisal.models import Document, OutboxMessage, Person, StageRun
from appraisal.models.vocab import Stage
from appraisal.paths import located
from appraisal.settings import get_settings
from tests.cycle_helpers import TODAY, import_pool, require_soffice, start

pytestmark = pytest.mark.libreoffice
PEOPLE = 3


def snapshot(out: Path, cycle_id: int) -> dict[str, Any]:
    """What a stage run leaves, in terms that do not depend on where the output folder is; the
    .docx checksums are compared as they are (rendering is deterministic), PDFs for agreeing
    with the database (LibreOffice stamps each conversion)."""
    cycle = out / f"cycle-{cycle_id:04d}"
    with session_scope() as session:
        codes = dict(session.exec(select(Person.id, Person.code)).all())
        docs = session.exec(
            select(Document).where(Document.cycle_id == cycle_id).order_by(Document.id)
        ).all()
        rows = {}
        for d in docs:
            pdf = located(d.pdf_path)
            outbox = list((cycle / "outbox").rglob(f"{d.id}.pdf"))
            rows[d.id] = {
                "who": (
                    d.stage.value,
                    d.template_id,
                    codes.get(d.person_id or 0),
                    d.recipient_name,
                ),
                "docx": d.docx_sha256,
                "docx on disk": sha256_file(located(d.docx_path)) == d.docx_sha256,
                "pdf on disk": pdf.is_file() and sha256_file(pdf) == d.pdf_sha256,
                "delivered": d.delivered_at is not None,
                "outbox": [sha256_file(p) == d.pdf_sha256 for p in outbox],
            }
        messages = sorted(
            (m.stage, m.reviewer_kind, m.reviewer_name, tuple(m.document_ids), m.status)
            for m in session.exec(select(OutboxMessage).where(OutboxMessage.cycle_id == cycle_id))
        )
        runs = sorted(
            (r.stage.value, r.started_on.isoformat(), r.finished_at is not None)
            for r in session.exec(select(StageRun).where(StageRun.cycle_id == cycle_id))
        )
    cache = cycle / ".pdf-cache"
    debris = sorted(
        str(p.relative_to(cycle))
        for p in cycle.rglob("*")
        if (p.name.startswith(".") and p != cache)
        or (p.parent == cache and not (p.is_file() and p.suffix == ".pdf"))
    )
    cached = sorted(p.name for p in cache.glob("*.pdf"))
    return {"documents": rows, "messages": messages, "runs": runs, "debris": debris,
            "cached": len(cached)}  # fmt: skip


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> dict[str, Any]:
    """Nomination run once without interruption, in a database and output folder of its own."""
    from appraisal.flows.cycle import run_cycle

    require_soffice()
    base = tmp_path_factory.mktemp("reference")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("APPRAISAL_OUTPUT_DIR", str(base / "output"))
        mp.setenv("APPRAISAL_DATABASE_URL", f"sqlite:///{base / 'reference.db'}")
        get_settings.cache_clear()
        get_engine.cache_clear()
        try:
            import_pool(base / "data", people=PEOPLE)
            cycle_id = start()
            assert run_cycle(cycle_id, TODAY).ran == ["mobilization", "nomination"]
            return snapshot(base / "output", cycle_id)
        finally:
            get_engine().dispose()
            get_settings.cache_clear()
            get_engine.cache_clear()


@pytest.fixture
def pool(app_env: Path, harness_api: str, tmp_path: Path) -> Iterator[Path]:
    """The pool; the child runs record theirs on the test's Prefect server, as a worker would."""
    require_soffice()
    import_pool(tmp_path / "data", people=PEOPLE)
    yield app_env


def _advance_until_killed(cycle_id: int, point: str, out: Path, db_url: str, home: Path) -> None:
    env = {
        **os.environ,
        "APPRAISAL_OUTPUT_DIR": str(out),
        "APPRAISAL_DATABASE_URL": db_url,
        "APPRAISAL_TODAY": TODAY.isoformat(),
        "APPRAISAL_CRASH_AT": point,
        "PREFECT_HOME": str(home),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "appraisal", "cycle", "advance", str(cycle_id)],
        env=env, capture_output=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, proc.stderr.decode()[-2000:])


@pytest.mark.parametrize("point", STAGE_POINTS)
def test_a_stage_killed_at_each_step_is_finished_by_advance(
    pool: Path,
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    reference: dict[str, Any],
    point: str,
) -> None:
    from appraisal.flows.stages import mobilization

    cycle_id = start()
    # 动员部署 first, whole: the scheme lists no body, so it sends nothing and its gate is open;
    # the advance killed is the one that moves on to nomination and runs it.
    mobilization(cycle_id, TODAY)
    _advance_until_killed(cycle_id, point, pool, db_url, tmp_path / "prefect-child")
    with session_scope() as session:
        run = session.exec(
            select(StageRun).where(
                StageRun.cycle_id == cycle_id, StageRun.stage == Stage.NOMINATION
            )
        ).one()
        assert (run.finished_at is not None) == (point == "closed")

    monkeypatch.setenv("APPRAISAL_TODAY", TODAY.isoformat())
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["cycle", "advance", str(cycle_id)])
    if point == "closed":  # the run had ended: only returns can move the cycle on
        assert result.exit_code == 1 and "提名推荐的闸门未开启" in result.output
    else:
        assert result.exit_code == 0, result.output
        assert "已运行：提名推荐" in result.output
    after = snapshot(pool, cycle_id)
    assert after == reference

    # And again: nothing left to do, nothing changes.
    again = CliRunner().invoke(app, ["cycle", "advance", str(cycle_id)])
    assert again.exit_code == 1 and "闸门未开启" in again.output
    assert snapshot(pool, cycle_id) == reference
    with session_scope() as session:
        delivered = session.exec(
            select(Document.id).where(col(Document.delivered_at).is_not(None))
        ).all()
    assert len(delivered) == PEOPLE
