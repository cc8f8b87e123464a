"""No stage goes on without data: a cycle starts only when everyone can be graded (or staff say
so, recorded); the evaluation gate waits for every grade or staff's decision; people decided
暂缓评定 or 免评 get no 结果通知书; a dossier is sealed only once the cycle is complete for the
person, unless staff seal it early with a reason."""

import json
import zipfile
from pathlib import Path

import pytest
from sqlmodel import col, delete, select
from typer.testing import CliRunner

from appraisal.archive.contents import PersonFile, missing
from appraisal.cli import app
from appraisal.db import session_scope
from appraisal.models import AssessmentScore, AuditEntry, BallotTally, Cycle, Person
from appraisal.models.vocab import PoolMove, Stage
from appraisal.paths import located
from appraisal.store import ballots
from appraisal.store.cycles import get_cycle
from appraisal.store.pool import board
from appraisal.store.progress import cycle_progress
from tests.cycle_helpers import (
    TODAY,
    documents,
    import_pool,
    require_soffice,
    return_all,
    scheme_file,
    sqlite_only,
)

runner = CliRunner()
START = ["cycle", "start", "--name", "试点", "--year", "2026", "--no-run"]


def _drop_records(code: str, *, scores: bool = True, ballots: bool = True) -> None:
    with session_scope() as session:
        pid = session.exec(select(Person.id).where(Person.code == code)).one()
        if scores:
            session.execute(delete(AssessmentScore).where(col(AssessmentScore.person_id) == pid))
        if ballots:
            session.execute(delete(BallotTally).where(col(BallotTally.person_id) == pid))


@pytest.fixture
def lacking(app_env: Path, tmp_path: Path) -> Path:
    """Three people; P00002 has neither 组织考核 score nor ballots, P00003 no score."""
    import_pool(tmp_path / "data", people=3)
    _drop_records("P00002")
    _drop_records("P00003", ballots=False)
    return app_env


def test_start_names_who_lacks_what_and_starts_only_when_allowed(lacking: Path) -> None:
    refused = runner.invoke(app, START)
    assert refused.exit_code == 1
    text = " ".join(refused.output.split())
    assert "P00002" in text and "P00003" in text and "P00001" not in text
    # No tally is no gap: the assessment prints the 民主测评票 and waits for their counts.
    assert "缺少组织考核得分" in text and "缺少民主测评票数" not in text
    assert "--allow-missing" in text
    with session_scope() as session:
        assert session.exec(select(Cycle)).all() == []  # nothing half-started

    started = runner.invoke(app, [*START, "--allow-missing"])
    assert started.exit_code == 0, started.output
    assert "已启动第1号考核周期" in started.output and "其中 2 人缺少数据" in started.output
    with session_scope() as session:
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.field == "started with missing inputs")
        ).one()
    assert entry.after is not None and entry.after.startswith("2人")
    assert "P00002 缺少组织考核得分" in entry.after and "民主测评" not in entry.after
    assert "P00003 缺少组织考核得分" in entry.after


def test_start_again_finishes_a_cycle_whose_nomination_did_not(lacking: Path) -> None:
    assert runner.invoke(app, [*START, "--allow-missing"]).exit_code == 0
    again = runner.invoke(app, [*START, "--allow-missing"])
    assert again.exit_code == 0 and "其动员部署或提名推荐未完成" in again.output, again.output
    other_year = runner.invoke(app, ["cycle", "start", "--name", "试点", "--year", "2025"])
    assert other_year.exit_code == 1 and "已有名为“试点”的考核周期" in other_year.output
    with session_scope() as session:
        assert len(session.exec(select(Cycle)).all()) == 1


def _person_file(result: dict[str, object] | None) -> PersonFile:
    return PersonFile(
        cycle_id=1, cycle_name="c", year=2026, scheme_name="s", scheme_version="1",
        scheme_sha256="x", code="P1", name="甲", person={}, result=result, documents=(),
    )  # fmt: skip


def test_a_complete_file_without_grade_or_decision_is_not_sealed() -> None:
    assert missing(_person_file({"grade": "称职"})) == []
    assert missing(_person_file({"grade": None, "decision": "免评"})) == []
    gaps = missing(_person_file({"grade": None}))
    assert gaps and "没有等次" in gaps[0]
    assert missing(_person_file(None))


def _gate(cycle_id: int, stage: Stage) -> tuple[bool, list[str]]:
    with session_scope() as session:
        p = cycle_progress(session, cycle_id, TODAY, [stage])[stage]
    return p.gate_open, [o.code or o.document_id for o in p.outstanding]


def _text(docx: str) -> str:
    with zipfile.ZipFile(docx) as z:
        return z.read("word/document.xml").decode()


@pytest.mark.libreoffice
@sqlite_only
def test_the_evaluation_gate_waits_for_every_grade_or_a_decision(
    lacking: Path, prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from appraisal.flows.cycle import run_cycle

    require_soffice()
    monkeypatch.setenv("APPRAISAL_TODAY", TODAY.isoformat())
    # No nominating body: 动员部署 sends nothing and the cycle goes straight on to nomination.
    no_bodies = ["--scheme", str(scheme_file({}))]
    assert runner.invoke(app, [*START, "--allow-missing", *no_bodies]).exit_code == 0
    for stage in (Stage.NOMINATION, Stage.ASSESSMENT, Stage.EVALUATION):
        assert run_cycle(1, TODAY).stage == stage.value
        if stage == Stage.ASSESSMENT:
            # P00002 has no tally: the 民主测评票 listing them are not counted but waived, and
            # the stage, run again, makes their 民主测评结果汇总表 (without a tally).
            with session_scope() as session:
                for sheet in ballots.uncounted_sheets(session, 1):
                    ballots.waive_sheet(session, 1, sheet.document_id, actor="test",
                                        reason="测评票遗失")  # fmt: skip
            assert run_cycle(1, TODAY).ran == ["assessment"]
        return_all(1, stage, tmp_path / f"drop-{stage.value}")
    # Every evaluation form is signed, yet two people have no grade: the gate stays closed.
    assert _gate(1, Stage.EVALUATION) == (False, ["P00002", "P00003"])
    blocked = runner.invoke(app, ["cycle", "advance", "1"])
    assert blocked.exit_code == 1 and "等次未评定" in blocked.output

    decided = runner.invoke(
        app, ["cycle", "decide", "1", "P00002", "暂缓评定", "--reason", "组织考核材料待补报"]
    )
    assert decided.exit_code == 0, decided.output
    assert _gate(1, Stage.EVALUATION) == (False, ["P00003"])
    # The missing score arrives; scoring again grades P00003 and the gate opens.
    with session_scope() as session:
        pid = session.exec(select(Person.id).where(Person.code == "P00003")).one()
        session.add(AssessmentScore(person_id=pid, year=2026, score=88.0, assessor="考核组"))
    rescored = runner.invoke(app, ["cycle", "rescore", "1"])
    assert rescored.exit_code == 0, rescored.output
    assert _gate(1, Stage.EVALUATION) == (True, [])

    assert run_cycle(1, TODAY).stage == Stage.SOLICITATION.value
    return_all(1, Stage.SOLICITATION, tmp_path / "drop-solicitation")
    assert run_cycle(1, TODAY).stage == Stage.APPROVAL.value
    return_all(1, Stage.APPROVAL, tmp_path / "drop-approval")
    assert run_cycle(1, TODAY).stage == Stage.NOTIFICATION.value
    notified = documents(1, Stage.NOTIFICATION)
    with session_scope() as session:
        codes = dict(session.exec(select(Person.id, Person.code)).all())
    notices = sorted(codes[d.person_id] for d in notified if d.template_id == "result_notice")
    # No 结果通知书 for the deferred person; P00001, a 名人, is not in a cycle unless named.
    assert notices == ["P00003"]
    briefings = [d for d in notified if d.template_id != "result_notice"]
    assert briefings and any("暂缓评定" in _text(located(d.docx_path)) for d in briefings)
    assert not any(
        "未评定" in _text(located(d.docx_path)).replace("暂缓评定", "") for d in notified
    )

    with session_scope() as session:
        cycle = get_cycle(session, 1)
        deferred = next(r for r in board(session, cycle).rows if r.code == "P00002")
    assert deferred.proposed is PoolMove.KEEP and "暂缓评定" in deferred.proposed_reason

    return_all(1, Stage.NOTIFICATION, tmp_path / "drop-notification")
    assert run_cycle(1, TODAY).stage == Stage.ARCHIVE.value
    sealed = runner.invoke(app, ["archive", "1"])
    assert sealed.exit_code == 0, sealed.output
    record = json.loads(
        (lacking / "cycle-0001" / "dossiers" / "P00002" / "data" / "record.json").read_text()
    )
    assert record["result"]["decision"] == "暂缓评定"
    assert record["result"]["decision_reason"] == "组织考核材料待补报"
    assert any(e["field"] == "decision" for e in record["audit"])


@pytest.mark.libreoffice
def test_a_dossier_is_sealed_early_only_when_staff_say_why(
    app_env: Path, prefect_harness: None, tmp_path: Path
) -> None:
    from appraisal.flows.cycle import run_cycle

    require_soffice()
    import_pool(tmp_path / "data", people=3)
    assert runner.invoke(app, [*START, "--scheme", str(scheme_file({}))]).exit_code == 0
    run_cycle(1, TODAY)  # 动员部署 (nothing to send) and nomination: nothing is complete yet

    refused = runner.invoke(app, ["archive", "1", "--person", "P00003"])
    assert refused.exit_code == 1 and "组织考核阶段尚未运行" in "".join(refused.output.split())
    no_reason = runner.invoke(app, ["archive", "1", "--person", "P00003", "--early"])
    assert no_reason.exit_code == 1 and "--reason" in no_reason.output
    nobody = runner.invoke(app, ["archive", "1", "--early", "--reason", "x"])
    assert nobody.exit_code == 1

    early = ["archive", "1", "--person", "P00003", "--early", "--reason", "本人调离本市"]
    sealed = runner.invoke(app, early)
    assert sealed.exit_code == 0, sealed.output
    assert "已封存 P00003" in sealed.output
    package = app_env / "cycle-0001" / "dossiers" / "P00003"
    record = json.loads((package / "data" / "record.json").read_text())
    (entry,) = [e for e in record["audit"] if e["field"] == "sealed early"]
    assert entry["reason"] == "本人调离本市" and "组织考核" in entry["after"]
    again = runner.invoke(app, early)  # the same exception again changes nothing
    assert again.exit_code == 0 and "自上次封存以来未变：1 份" in again.output
    with session_scope() as session:
        notes = session.exec(select(AuditEntry).where(AuditEntry.field == "sealed early")).all()
    assert len(notes) == 1
    assert not (app_env / "cycle-0001" / "dossiers" / "P00002").exists()
