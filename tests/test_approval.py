"""An objection holds one person's result (暂缓) while the others are told, until staff decide;
the 审核's 审定 confirms or adjusts each grade before notification, and the 审定表 records it.
Checked through the 结果通知书, the 情况通报, the 审定表, the register and the dossier."""

import json
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from appraisal.archive.register import REGISTER_SHEET
from appraisal.db import session_scope
from appraisal.models import AuditEntry, Document, Person, Result
from appraisal.models.vocab import Grade, HoldStatus, Reply, Stage
from appraisal.paths import located, register_path
from appraisal.store.approval_files import table_path, write_approval_table
from appraisal.store.approvals import ApprovalError, approval_board, approve_grade, confirm_rest
from appraisal.store.cycles import get_cycle
from appraisal.store.documents import first_document_to
from appraisal.store.holds import HoldError, decide_hold, list_holds
from appraisal.store.signoffs import record_reply
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

OBJECTION = "该同志存在违规兼职问题，正在核实"


def _text(docx: str) -> str:
    with zipfile.ZipFile(located(docx)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return re.sub(r"<[^>]+>", "", xml)


def _grades(cycle_id: int) -> dict[str, Grade | None]:
    with session_scope() as session:
        query = select(Person.code, Result.grade).join(Result, Result.person_id == Person.id)
        return dict(session.exec(query.where(Result.cycle_id == cycle_id)).all())


def _notices(cycle_id: int) -> dict[str, Document]:
    with session_scope() as session:
        codes = dict(session.exec(select(Person.id, Person.code)).all())
    return {
        codes[d.person_id]: d
        for d in documents(cycle_id, Stage.NOTIFICATION)
        if d.template_id == "result_notice" and d.person_id is not None
    }


def _other_grade(grade: Grade) -> Grade:
    return Grade.EXCELLENT if grade != Grade.EXCELLENT else Grade.COMPETENT


@pytest.mark.libreoffice
@sqlite_only
def test_a_hold_and_an_adjusted_grade_through_to_the_dossier(
    app_env: Path, prefect_harness: None, tmp_path: Path
) -> None:
    from appraisal.flows.archive import archive_cycle
    from appraisal.flows.cycle import run_cycle

    require_soffice()
    import_pool(tmp_path / "data", people=4)
    cycle_id = start()
    for stage in STOPS[: STOPS.index(Stage.SOLICITATION) + 1]:
        assert run_cycle(cycle_id, TODAY).stage == stage.value
        return_all(cycle_id, stage, tmp_path / f"drop-{stage.value}")
    graded = {c: g for c, g in _grades(cycle_id).items() if g is not None}
    held, adjusted, *_ = sorted(graded)
    # 纪委监委 objects to one person on its reply slip: their result is held.
    with session_scope() as session:
        letter = first_document_to(session, cycle_id, "纪委监委")
        assert letter is not None and held in letter.people
        record_reply(session, document_id=letter.id, reply=Reply.OBJECTION, text=OBJECTION,
                     people=[held], actor="staff")  # fmt: skip

    # 审定 comes before notification: the gate waits for everyone not held.
    outcome = run_cycle(cycle_id, TODAY)
    assert outcome.stage == Stage.APPROVAL.value and outcome.blocked is not None
    waiting = {o["code"] for o in outcome.blocked["outstanding"]}  # type: ignore[index, union-attr]
    assert waiting == set(graded) - {held}
    assert documents(cycle_id, Stage.NOTIFICATION) == []
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        (row,) = list_holds(session, cycle)
        assert (row.code, row.hold.body, row.hold.text) == (held, "纪委监委", OBJECTION)
        with pytest.raises(ApprovalError, match="暂缓"):
            approve_grade(session, cycle=cycle, code=held, new_grade=None, reason="", actor="审核")
        new = _other_grade(graded[adjusted])
        with pytest.raises(ApprovalError, match="理由"):
            approve_grade(session, cycle=cycle, code=adjusted, new_grade=new, reason=" ",
                          actor="审核")  # fmt: skip
        approve_grade(session, cycle=cycle, code=adjusted, new_grade=new,
                      reason="经组织部、统战部共同研究上调", actor="审核")  # fmt: skip
        confirmed = confirm_rest(session, cycle=cycle, actor="审核")
        assert set(confirmed) == set(graded) - {held, adjusted}
        assert [r.code for r in approval_board(session, cycle).held] == [held]
        write_approval_table(session, cycle)
    table = _text(str(table_path(cycle_id)))
    assert "考核评价结果审定表" in table and "经组织部、统战部共同研究上调" in table
    assert f"{graded[adjusted].value}{new.value}经组织部" in table  # 评价等次, 审定等次, 理由
    assert "暂缓" in table and "组织部负责人" in table and "统战部负责人" in table

    # The others are told; the held person is not, and the 情况通报 lists them as 暂缓.
    assert run_cycle(cycle_id, TODAY).stage == Stage.NOTIFICATION.value
    notices = _notices(cycle_id)
    assert set(notices) == set(graded) - {held}
    assert f"等次为“{new.value}”" in _text(notices[adjusted].docx_path)
    briefings = [
        d for d in documents(cycle_id, Stage.NOTIFICATION) if d.template_id != "result_notice"
    ]
    assert briefings and all("暂缓" in _text(d.docx_path) for d in briefings if held in d.people)
    before = {d.id: d.docx_sha256 for d in documents(cycle_id, Stage.NOTIFICATION)}
    return_all(cycle_id, Stage.NOTIFICATION, tmp_path / "drop-notification")
    assert run_cycle(cycle_id, TODAY).stage == Stage.ARCHIVE.value

    # Staff decide the objection: 调整, with the reason; then 审定, and a rerun makes the notice.
    lowered = Grade.BASIC if graded[held] != Grade.BASIC else Grade.COMPETENT
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        with pytest.raises(HoldError, match="理由"):
            decide_hold(session, cycle=cycle, code=held, new_grade=lowered, reason="", actor="s")
        (hold,) = decide_hold(session, cycle=cycle, code=held, new_grade=lowered,
                              reason="经核实确有兼职未报备", actor="staff")  # fmt: skip
        assert hold.status == HoldStatus.ADJUSTED and hold.original_grade == graded[held]
        approve_grade(session, cycle=cycle, code=held, new_grade=None, reason="", actor="审核")
    archive_cycle(cycle_id, None, TODAY)  # the held person has no notice yet: not sealed
    assert run_cycle(cycle_id, TODAY).stage == Stage.ARCHIVE.value
    notices = _notices(cycle_id)
    assert f"等次为“{lowered.value}”" in _text(notices[held].docx_path)
    after = {d.id: d.docx_sha256 for d in documents(cycle_id, Stage.NOTIFICATION)}
    assert {k: after[k] for k in before} == before  # the rest, the 情况通报 too, as issued
    assert set(after) - set(before) == {notices[held].id}
    return_all(cycle_id, Stage.NOTIFICATION, tmp_path / "drop-late", only=notices[held].id)
    outcome = archive_cycle(cycle_id, None, TODAY)
    assert held in outcome.sealed or outcome.stage == Stage.DONE

    sheet = load_workbook(register_path(cycle_id))[REGISTER_SHEET]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[adjusted][header.index("等次")] == new.value
    assert rows[held][header.index("等次")] == lowered.value
    for code, grade in ((adjusted, new), (held, lowered)):
        package = register_path(cycle_id).parent / "dossiers" / code
        record = json.loads((package / "data" / "record.json").read_text(encoding="utf-8"))
        assert record["result"]["grade"] == grade.value
    assert record["result"]["approval"]["engine_grade"] == lowered.value
    with session_scope() as session:
        audited = session.exec(
            select(AuditEntry.field, AuditEntry.reason).where(AuditEntry.entity == "hold")
        ).all()
    assert any("经核实确有兼职未报备" in (r or "") for _, r in audited)
