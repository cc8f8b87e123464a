"""The stage flows for real: Prefect, LibreOffice, the database. Gates, waivers, reruns, crashes."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import func, select

from appraisal.db import session_scope
from appraisal.files import sha256_file
from appraisal.models import Document, IntakeEvent, SignOff
from appraisal.models.vocab import Stage
from appraisal.paths import located
from appraisal.simulate import eseal_return
from appraisal.store.progress import cycle_progress
from appraisal.store.signoffs import SignOffError, waive
from tests.cycle_helpers import TODAY, documents, import_pool, require_soffice, start

pytestmark = pytest.mark.libreoffice


@pytest.fixture
def pool(app_env: Path, prefect_harness: None, tmp_path: Path) -> Path:
    require_soffice()
    import_pool(tmp_path / "data", people=4)
    return app_env


def _gate(cycle_id: int, stage: Stage) -> tuple[bool, list[str]]:
    with session_scope() as session:
        progress = cycle_progress(session, cycle_id, TODAY)[stage]
    return progress.gate_open, [o.document_id for o in progress.outstanding]


def test_gate_opens_only_when_every_return_is_in_or_waived(pool: Path, tmp_path: Path) -> None:
    from appraisal.flows.cycle import run_cycle
    from appraisal.flows.intake import intake_returns

    cycle_id = start()
    outcome = run_cycle(cycle_id, TODAY)
    # No body to write to: 动员部署 sends nothing, its gate is open, and 提名推荐 follows.
    assert outcome.ran == ["mobilization", "nomination"] and outcome.stage == "nomination"
    assert documents(cycle_id, Stage.MOBILIZATION) == []
    docs = documents(cycle_id, Stage.NOMINATION)
    assert len(docs) == 4
    assert all(located(d.pdf_path).is_file() and d.delivered_at for d in docs)
    is_open, missing = _gate(cycle_id, Stage.NOMINATION)
    assert not is_open and sorted(missing) == sorted(d.id for d in docs)
    assert outcome.blocked is not None and len(outcome.blocked["outstanding"]) == 4

    # Advancing with the gate closed runs nothing.
    assert run_cycle(cycle_id, TODAY).ran == []

    with session_scope() as session, pytest.raises(SignOffError, match="reason"):
        waive(session, document_id=docs[0].id, reason="  ", actor="test")
    with session_scope() as session:
        waive(session, document_id=docs[0].id, reason="推荐单位已电话确认，书面件后补", actor="t")
    drop = tmp_path / "drop"
    drop.mkdir()
    for n, d in enumerate(docs[1:]):
        eseal_return(located(d.pdf_path), drop / f"return-{n}.pdf", seed=n, seal_text="推荐单位")
    outcomes = intake_returns(cycle_id, drop)
    assert [o.outcome for o in outcomes] == ["recorded"] * 3
    assert not list(drop.iterdir())  # every file now lives in one place
    assert _gate(cycle_id, Stage.NOMINATION) == (True, [])

    outcome = run_cycle(cycle_id, TODAY)
    assert outcome.ran == ["assessment"] and outcome.stage == "assessment"
    assessment = documents(cycle_id, Stage.ASSESSMENT)
    ballots = [d for d in assessment if d.template_id == "assessment_ballot"]
    assert ballots and not any(d.needs_signoff for d in ballots)
    assert not _gate(cycle_id, Stage.ASSESSMENT)[0]


def test_running_a_stage_again_changes_nothing(pool: Path) -> None:
    from appraisal.flows.stages import nomination

    cycle_id = start()
    first = nomination(cycle_id, TODAY)
    before = {
        d.id: (d.docx_sha256, d.pdf_sha256, d.delivered_at)
        for d in documents(cycle_id, Stage.NOMINATION)
    }
    second = nomination(cycle_id, TODAY)
    after = {
        d.id: (d.docx_sha256, d.pdf_sha256, d.delivered_at)
        for d in documents(cycle_id, Stage.NOMINATION)
    }
    assert first["planned"] == second["planned"] == 4
    assert second["changed"] == 0 and second["delivered"] == 0
    assert before == after


def _kill_when(proc: subprocess.Popen[bytes], ready: "callable[[], bool]", limit: float) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        if ready():
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("chunk", ["1", "400"])
def test_a_stage_killed_mid_batch_is_finished_by_a_rerun(
    pool: Path, db_url: str, tmp_path: Path, chunk: str
) -> None:
    from appraisal.flows.stages import nomination

    cycle_id = start()
    cache = pool.resolve() / f"cycle-{cycle_id:04d}" / ".pdf-cache"
    env = {
        **os.environ,
        "APPRAISAL_OUTPUT_DIR": str(pool),
        "APPRAISAL_DATABASE_URL": db_url,
        "APPRAISAL_BATCH_SIZE": "1",
        # One LibreOffice call per document (time to strike between calls), or all four in
        # one call: then a PDF must reach the cache while the others are still converting. One
        # converter and a form a group, so the four come one after another, not in one split.
        "APPRAISAL_CONVERT_CHUNK": chunk,
        "APPRAISAL_CONVERTERS": "1",
        "APPRAISAL_CONVERT_GROUP": "1",
        "PREFECT_HOME": str(tmp_path / "prefect-child"),
    }
    code = f"from appraisal.flows.stages import nomination; nomination({cycle_id})"
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, start_new_session=True)
    enough = 2 if chunk == "1" else 1
    killed = _kill_when(proc, lambda: len(list(cache.glob("*.pdf"))) >= enough, limit=240)
    assert killed, f"the stage finished or failed before it could be killed ({proc.returncode})"
    survivors = {p.name: (sha256_file(p), p.stat().st_mtime_ns) for p in cache.glob("*.pdf")}
    assert len(survivors) < 4, "PDFs reached the cache only once the whole call had ended"
    rendered = pool / f"cycle-{cycle_id:04d}" / "documents"
    docx_before = {p.name: sha256_file(p) for p in rendered.rglob("*.docx")}

    result = nomination(cycle_id, TODAY)
    assert result["planned"] == 4 and result["failed"] == 0
    docs = documents(cycle_id, Stage.NOMINATION)
    assert len(docs) == 4
    for name, sha in docx_before.items():  # the same inputs rendered the same bytes
        assert sha256_file(next(rendered.rglob(name))) == sha
    for name, (sha, mtime) in survivors.items():  # converted before the kill: not again
        assert sha256_file(cache / name) == sha and (cache / name).stat().st_mtime_ns == mtime
    leftovers = [
        p
        for p in (pool / f"cycle-{cycle_id:04d}").rglob("*")
        if p.name.startswith(".") and p.is_file()
    ]
    assert leftovers == []

    again = nomination(cycle_id, TODAY)
    assert again["changed"] == 0
    with session_scope() as session:
        count = session.exec(select(func.count()).select_from(Document)).one()
        assert count == 4
        assert session.exec(select(func.count()).select_from(SignOff)).one() == 0
        assert session.exec(select(func.count()).select_from(IntakeEvent)).one() == 0
