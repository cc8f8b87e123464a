"""A finished cycle is frozen, and so is a sealed dossier: returns, replies and waivers that would
change them are refused with the reason and logged, until staff reopen the cycle (audited)."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from appraisal.cli import app
from appraisal.db import session_scope
from appraisal.flows.runmode import plain_calls
from appraisal.identity import document_id
from appraisal.models import (
    AuditEntry,
    Document,
    Dossier,
    IntakeEvent,
    Person,
    Result,
    SignOff,
)
from appraisal.models.base import utcnow
from appraisal.models.vocab import Reply, Stage
from appraisal.paths import located
from appraisal.store.cycles import CycleError, get_cycle, set_stage
from appraisal.store.freeze import reopen_cycle
from appraisal.store.signoffs import SignOffError, record_reply, waive
from tests.cycle_helpers import answered_letter, import_pool, start
from tests.intake_helpers import blank_scan


@dataclass(frozen=True)
class Setup:
    cycle_id: int
    codes: list[str]
    notice: str  # the result notice of codes[0], a personal document
    letter: str  # a 征求意见函 listing everyone, its signed return recorded


@pytest.fixture
def setup(app_env: Path, tmp_path: Path) -> Setup:
    import_pool(tmp_path / "data", people=3)
    cycle_id = start()
    letter = document_id(
        cycle_id=cycle_id, stage=Stage.SOLICITATION, template_id="solicitation_letter",
        person_code="", recipient="纪委监委",
    )  # fmt: skip
    codes = answered_letter(cycle_id, letter)
    notice = document_id(
        cycle_id=cycle_id, stage=Stage.NOTIFICATION, template_id="result_notice",
        person_code=codes[0], recipient="本人",
    )  # fmt: skip
    with session_scope() as session:
        person = session.exec(select(Person).where(Person.code == codes[0])).one()
        session.add(Document(
            id=notice, cycle_id=cycle_id, stage=Stage.NOTIFICATION,
            template_id="result_notice", template_version="1", person_id=person.id,
            recipient_kind="本人", recipient_name=person.name, docx_path="", docx_sha256="",
        ))  # fmt: skip
    return Setup(cycle_id, codes, notice, letter)


def _to_stage(cycle_id: int, stage: Stage) -> None:
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        set_stage(session, cycle, stage, actor="test", reason="test")


def _seal(cycle_id: int, code: str) -> None:
    with session_scope() as session:
        person = session.exec(select(Person).where(Person.code == code)).one()
        assert person.id is not None
        session.add(Dossier(cycle_id=cycle_id, person_id=person.id, path="", fingerprint="",
                            pages=1, files=1, bytes=1, sealed_at=utcnow()))  # fmt: skip


def _reply(doc_id: str, reply: Reply, people: list[str], text: str = "在审查中") -> list[str]:
    with session_scope() as session:
        return record_reply(session, document_id=doc_id, reply=reply, text=text, people=people,
                            actor="t")  # fmt: skip


def _waive(doc_id: str) -> None:
    with session_scope() as session:
        waive(session, document_id=doc_id, reason="原件已当面交回", actor="t")


def _signoffs(doc_id: str) -> int:
    with session_scope() as session:
        return len(session.exec(select(SignOff).where(SignOff.document_id == doc_id)).all())


def test_a_done_cycle_refuses_imports_replies_and_waivers_until_reopened(
    setup: Setup, tmp_path: Path
) -> None:
    from appraisal.flows.intake import intake_returns

    _to_stage(setup.cycle_id, Stage.DONE)
    drop = tmp_path / "drop"
    drop.mkdir()
    blank_scan(drop / f"{setup.notice}.pdf")  # matched by its file name
    with plain_calls():
        (outcome,) = intake_returns.fn(setup.cycle_id, drop)
    assert outcome.outcome == "quarantined" and outcome.document_id == setup.notice
    assert f"{setup.notice}.pdf" in outcome.message and "已办结归档" in outcome.message
    assert f"appraisal cycle reopen {setup.cycle_id}" in outcome.message
    with session_scope() as session:
        event = session.exec(select(IntakeEvent)).one()
    assert event.problem == "frozen" and event.reason == outcome.message
    assert located(event.stored_path).is_file() and not list(drop.iterdir())
    assert _signoffs(setup.notice) == 0

    runner = CliRunner()
    waived = runner.invoke(app, ["signoff", "waive", setup.notice, "--reason", "当面交回"])
    assert waived.exit_code == 1 and "已办结归档" in waived.output, waived.output
    replied = runner.invoke(app, ["signoff", "reply", setup.letter, "无异议"])
    assert replied.exit_code == 1 and "finished and archived" in replied.output, replied.output
    assert _signoffs(setup.notice) == 0

    blank = runner.invoke(app, ["cycle", "reopen", str(setup.cycle_id), "--reason", "  "])
    assert blank.exit_code == 1 and "重新开启周期须写明原因" in blank.output
    reopened = runner.invoke(
        app, ["cycle", "reopen", str(setup.cycle_id), "--reason", "纪委监委更正回复"]
    )
    assert reopened.exit_code == 0, reopened.output
    assert "现处于归档阶段" in reopened.output
    with session_scope() as session:
        cycle = get_cycle(session, setup.cycle_id)
        assert cycle.reopened_at is not None
        trail = session.exec(select(AuditEntry).where(AuditEntry.entity == "cycle")).all()
    assert cycle.stage == Stage.ARCHIVE
    reopen = next(a for a in trail if a.field == "reopened")
    assert reopen.reason == "纪委监委更正回复" and reopen.actor == "staff"
    assert any(a.field == "stage" and (a.before, a.after) == ("done", "archive") for a in trail)

    _waive(setup.notice)
    assert _reply(setup.letter, Reply.NO_OBJECTION, []) == []
    assert _signoffs(setup.notice) == 1


def test_a_sealed_dossier_freezes_what_it_records(setup: Setup) -> None:
    first, second, third = setup.codes
    _to_stage(setup.cycle_id, Stage.ARCHIVE)
    _seal(setup.cycle_id, first)
    with pytest.raises(SignOffError, match=f"{first}）的档案已于.*封存"):
        _waive(setup.notice)
    # The letter lists several people: it stays open, but no objection may name the sealed one.
    with pytest.raises(SignOffError, match=first):
        _reply(setup.letter, Reply.OBJECTION, [first, second])
    assert _reply(setup.letter, Reply.OBJECTION, [second]) == [second]

    # Once the person the standing objection names is sealed, the letter takes nothing more.
    _seal(setup.cycle_id, second)
    with pytest.raises(SignOffError, match=second):
        _reply(setup.letter, Reply.NO_OBJECTION, [])
    with pytest.raises(SignOffError, match=second):
        _waive(setup.letter)
    with session_scope() as session:
        flagged = session.exec(select(Result).where(Result.flagged)).all()
    assert len(flagged) == 1

    # Reopening unfreezes the dossiers sealed before it; one sealed after it is frozen again.
    with session_scope() as session:
        cycle = get_cycle(session, setup.cycle_id)
        assert reopen_cycle(session, cycle, reason="补充材料", actor="t") == 2
        assert cycle.stage == Stage.ARCHIVE  # it was not done: the stage stays
    _waive(setup.notice)
    assert _reply(setup.letter, Reply.OBJECTION, [third]) == [third]
    _seal(setup.cycle_id, third)
    with pytest.raises(SignOffError, match=third):
        _reply(setup.letter, Reply.NO_OBJECTION, [])


def test_reopening_needs_a_reason_and_something_frozen(setup: Setup) -> None:
    with session_scope() as session:
        cycle = get_cycle(session, setup.cycle_id)
        with pytest.raises(CycleError, match="nothing is frozen"):
            reopen_cycle(session, cycle, reason="试一下", actor="t")
        set_stage(session, cycle, Stage.DONE, actor="t", reason="t")
        with pytest.raises(CycleError, match="needs a reason"):
            reopen_cycle(session, cycle, reason=" ", actor="t")
        assert cycle.stage == Stage.DONE and cycle.reopened_at is None
