"""The portal's 计票 page: a form per 民主测评票 sheet, its checks said back in words, a waiver,
and the 计票汇总表 downloaded and uploaded. A bare cycle with sheet rows as the stage writes
them, so no LibreOffice is needed."""

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import delete, select

from appraisal.db import session_scope
from appraisal.models import AuditEntry, BallotTally, Document, Person
from appraisal.models.vocab import Stage
from appraisal.store import ballots
from appraisal.store.cycles import get_cycle
from tests.portal_helpers import csrf_of, staff_client


def _sheets(cycle_id: int) -> list[str]:
    """Two sheets, 领导班子 and 同事, listing everyone; no tallies on record."""
    with session_scope() as session:
        session.execute(delete(BallotTally))
        codes = list(session.exec(select(Person.code).order_by(Person.code)))
        cycle = get_cycle(session, cycle_id)
        cycle.stage = Stage.ASSESSMENT
        session.add(cycle)
        ids = []
        for n, group in enumerate(("领导班子", "同事")):
            ids.append(f"AP-{cycle_id:04d}-AS-SHEET{n}-00")
            session.add(Document(
                id=ids[-1], cycle_id=cycle_id, stage=Stage.ASSESSMENT,
                template_id="assessment_ballot", template_version="2", recipient_kind="测评人",
                recipient_name=group, docx_path="", docx_sha256="", people=codes,
                needs_signoff=False,
            ))  # fmt: skip
    return ids


def test_staff_enter_a_sheet_s_count_and_import_the_rest(
    bare_cycle: int, bare_portal: object
) -> None:
    leaders, _ = _sheets(bare_cycle)
    staff: TestClient = staff_client(bare_portal)
    page = f"/cycles/{bare_cycle}/ballots"
    shown = staff.get(page).text
    assert "测评票（2 张，未计票 2 张）" in shown and leaders in shown
    csrf = csrf_of(shown)
    with session_scope() as session:
        people = [p.code for p in ballots.find_sheet(
            ballots.ballot_sheets(session, bare_cycle), leaders).people]  # fmt: skip
    form: dict[str, str | list[str]] = {"csrf": csrf, "sheet": leaders, "issued": "7",
                                        "returned": "7"}  # fmt: skip
    wrong = [v for _ in people for v in ("4", "2", "0", "0", "0")]  # 6 of 7
    refused = staff.post(f"{page}/enter", data={**form, "votes": wrong})
    assert f"测评票 领导班子 第1张，共1张（{leaders}） {people[0]}" in refused.text
    assert "不等于收回 7 张" in refused.text
    right = [v for _ in people for v in ("4", "2", "0", "0", "1")]
    done = staff.post(f"{page}/enter", data={**form, "votes": right})
    assert "计票结果：已录入 1 张" in done.text and "尚有 1 张测评票未计票" in done.text

    book = staff.get(f"{page}/计票汇总表.xlsx")
    assert book.status_code == 200
    wb = load_workbook(io.BytesIO(book.content))
    ws = wb["计票汇总"]
    for row in ws.iter_rows():
        if row[0].value == "发出票数" and row[1].value is None:
            row[1].value, row[3].value = 15, 14
            r = row[0].row + 2
            while ws.cell(r, 2).value:
                for k, v in enumerate((8, 5, 1, 0, 0)):
                    ws.cell(r, 4 + k).value = v
                r += 1
    filled = io.BytesIO()
    wb.save(filled)
    imported = staff.post(f"{page}/import", data={"csrf": csrf},
                          files={"file": ("计票汇总表.xlsx", filled.getvalue())})  # fmt: skip
    assert "计票结果：已录入 1 张，未变 1 张" in imported.text, imported.text
    with session_scope() as session:
        sheets = ballots.ballot_sheets(session, bare_cycle)
        tallies = session.exec(select(BallotTally)).all()
        audited = session.exec(select(AuditEntry).where(AuditEntry.entity == ballots.ENTITY)).all()
    assert {s.state for s in sheets} == {ballots.COUNTED}
    assert len(tallies) == 2 * len(people) and len(audited) == 2
    colleague = [t for t in tallies if t.rater_group.value == "同事"]
    assert {(t.due, t.issued, t.returned, t.excellent) for t in colleague} == {(15, 15, 14, 8)}


def test_a_sheet_is_waived_with_a_reason(bare_cycle: int, bare_portal: object) -> None:
    leaders, _ = _sheets(bare_cycle)
    staff: TestClient = staff_client(bare_portal)
    page = f"/cycles/{bare_cycle}/ballots"
    csrf = csrf_of(staff.get(page).text)
    done = staff.post(f"{page}/waive", data={"csrf": csrf, "sheet": leaders,
                                             "reason": "该组测评票遗失"})  # fmt: skip
    assert "已免计票：领导班子 第1张，共1张" in done.text and "尚有 1 张测评票未计票" in done.text
    assert "已免计票" in staff.get(page).text
