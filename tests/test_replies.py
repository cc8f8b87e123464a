"""Solicitation replies: the gate waits for them, and an objection flags the people it names."""

from pathlib import Path

import pytest
from sqlmodel import select

from appraisal.db import session_scope
from appraisal.models import AuditEntry, Document, Person, Result, SignOff
from appraisal.models.vocab import Reply, SignOffMethod, Stage
from appraisal.store.progress import cycle_progress
from appraisal.store.signoffs import SignOffError, record_reply
from tests.cycle_helpers import TODAY, answered_letter, import_pool, start


@pytest.fixture
def letter(app_env: Path, tmp_path: Path) -> tuple[str, list[str]]:
    import_pool(tmp_path / "data", people=3)
    doc_id = "AP-0001-ZQ-TEST000000-00"
    return doc_id, answered_letter(start(), doc_id)


def _outstanding(doc_id: str) -> list[str]:
    with session_scope() as session:
        progress = cycle_progress(session, 1, TODAY)[Stage.SOLICITATION]
        return [o.missing for o in progress.outstanding if o.document_id == doc_id]


def test_the_gate_waits_for_the_reply(letter: tuple[str, list[str]]) -> None:
    doc_id, _ = letter
    assert _outstanding(doc_id) == ["reply (无异议 / 有异议)"]
    with session_scope() as session:
        record_reply(session, document_id=doc_id, reply=Reply.NO_OBJECTION, text="", people=[],
                     actor="t")  # fmt: skip
    assert _outstanding(doc_id) == []


def test_an_objection_names_its_people_and_flags_them(letter: tuple[str, list[str]]) -> None:
    doc_id, codes = letter
    with session_scope() as session, pytest.raises(SignOffError, match=codes[0]):
        record_reply(session, document_id=doc_id, reply=Reply.OBJECTION, text="在审查中",
                     people=[], actor="t")  # fmt: skip
    with session_scope() as session, pytest.raises(SignOffError, match="needs its text"):
        record_reply(session, document_id=doc_id, reply=Reply.OBJECTION, text=" ",
                     people=[codes[1]], actor="t")  # fmt: skip
    with session_scope() as session:
        flagged = record_reply(session, document_id=doc_id, reply=Reply.OBJECTION,
                               text="在审查中", people=[codes[1]], actor="t")  # fmt: skip
    assert flagged == [codes[1]]
    with session_scope() as session:
        results = {
            p.code: r
            for r, p in session.exec(select(Result, Person).where(Result.person_id == Person.id))
        }
        audit = session.exec(select(AuditEntry).where(AuditEntry.field == "flagged")).all()
    assert [c for c, r in results.items() if r.flagged] == [codes[1]]
    assert "纪委监委：在审查中" in results[codes[1]].detail["objection"]
    assert [a.entity_key for a in audit] == [codes[1]]


def test_a_reply_needs_a_return_and_a_letter(letter: tuple[str, list[str]]) -> None:
    with session_scope() as session, pytest.raises(SignOffError, match="no document"):
        record_reply(session, document_id="AP-0001-ZQ-NOPE000000-00", reply=Reply.NO_OBJECTION,
                     text="", people=[], actor="t")  # fmt: skip


def test_the_register_and_the_extracts_show_an_objection_against_whom_it_names(
    letter: tuple[str, list[str]],
) -> None:
    from appraisal.archive.contents import extract_rows
    from appraisal.store import archive_data

    doc_id, codes = letter
    with session_scope() as session:
        record_reply(session, document_id=doc_id, reply=Reply.OBJECTION, text="在审查中",
                     people=[codes[1]], actor="t")  # fmt: skip
    with session_scope() as session:
        rows, _stages, _audit = archive_data.register_inputs(session, 1, TODAY)
        column = {r.code: r.solicitation for r in rows}
        files = archive_data.person_files(session, 1, {})
        (slip,) = session.exec(select(SignOff)).all()
    assert column == {
        codes[0]: "无异议",
        codes[1]: "有异议（纪委监委）：在审查中",
        codes[2]: "无异议",
    }
    replies = {
        pf.code: [r["回复情况"] for r in extract_rows(pf, Stage.SOLICITATION)] for pf in files
    }
    assert replies == {codes[0]: ["无异议"], codes[1]: ["有异议：在审查中"], codes[2]: ["无异议"]}
    assert slip.reply_people == [codes[1]]


def test_the_upgrade_names_the_people_of_objections_recorded_before(
    letter: tuple[str, list[str]],
) -> None:
    """Objections recorded before 0007 get their people: from the flags the reply wrote, or the
    one person a letter lists."""
    from alembic import command

    from appraisal.db import alembic_config, get_engine, migrate

    doc_id, codes = letter
    alone = "AP-0001-ZQ-TEST000001-00"
    with session_scope() as session:
        session.add(Document(
            id=alone, cycle_id=1, stage=Stage.SOLICITATION, template_id="solicitation_letter",
            template_version="1", recipient_kind="组织部", recipient_name="组织部", docx_path="",
            docx_sha256="", people=[codes[2]],
        ))  # fmt: skip
        session.flush()
        session.add(SignOff(document_id=alone, version=1, method=SignOffMethod.SCAN, sha256="y"))
    for doc, named in ((doc_id, [codes[0], codes[2]]), (alone, [])):
        with session_scope() as session:
            record_reply(session, document_id=doc, reply=Reply.OBJECTION, text="在审查中",
                         people=named, actor="t")  # fmt: skip
    engine = get_engine()
    try:
        command.downgrade(alembic_config(engine), "0008")
    finally:
        migrate(engine)
    with session_scope() as session:
        named = dict(session.exec(select(SignOff.document_id, SignOff.reply_people)).all())
    assert named == {doc_id: [codes[0], codes[2]], alone: [codes[2]]}


def test_the_extract_dates_a_return_by_the_day_in_beijing(letter: tuple[str, list[str]]) -> None:
    """A reply recorded at 23:30 UTC came in at 07:30 the next morning in the office."""
    from datetime import datetime

    from appraisal.archive.contents import extract_rows
    from appraisal.store import archive_data

    with session_scope() as session:
        (slip,) = session.exec(select(SignOff)).all()
        slip.recorded_at = datetime(2026, 12, 19, 23, 30)
        session.add(slip)
    with session_scope() as session:
        files = archive_data.person_files(session, 1, {})
    dates = {r["回件日期"] for pf in files for r in extract_rows(pf, Stage.SOLICITATION)}
    assert dates == {"2026.12.20"}
