"""The nominations page: a body's workbook uploaded (every bad row shown, nothing imported),
the list with problems and warnings, a decision per nomination by 经办 (不采纳 needs a reason),
and the 汇总表 to download."""

import io
from pathlib import Path

from docx import Document as Docx
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import select

from appraisal.db import session_scope
from appraisal.models import CycleMember, Nomination, Person
from appraisal.models.vocab import Role
from appraisal.sheets.nominations import write_nomination_template
from appraisal.store.accounts import save_account
from tests.portal_helpers import PASSWORD, csrf_of, log_in, staff_client

A, B = "民盟滨江市委", "滨江市工商联"


def _new(seq: str, body: str, kind: str, name: str, born: str | None) -> list[object]:
    person = ["女", "汉族", born, "民盟盟员", "民主党派成员", "教育", "滨江大学", "副教授"]
    return [seq, body, kind, None, name, *person, "博士研究生", "副教授", "139", "精英", "推荐"]


def _workbook(path: Path, rows: list[list[object]]) -> bytes:
    write_nomination_template(path)
    book = load_workbook(path)
    for row in rows:
        book["推荐人选"].append(row)
    book["简历"].append(["1", "2010.07", None, "滨江大学化学系讲师"])
    book.save(path)
    return path.read_bytes()


def _upload(client: TestClient, page: str, content: bytes) -> str:
    csrf = csrf_of(client.get(page).text)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    files = {"file": ("推荐.xlsx", content, xlsx)}
    return client.post(f"{page}/import", data={"csrf": csrf}, files=files).text


def test_upload_decide_and_download(bare_cycle: int, bare_portal: object, tmp_path: Path) -> None:
    staff: TestClient = staff_client(bare_portal)
    page = f"/cycles/{bare_cycle}/nominations"
    assert page in staff.get(f"/cycles/{bare_cycle}").text
    assert "尚无推荐人选" in staff.get(page).text

    bad = _upload(
        staff, page, _workbook(tmp_path / "bad.xlsx", [_new("1", A, "民主党派", "林晓", None)])
    )
    assert "未导入任何数据" in bad and "新人选（未填编号）必须填写出生年月" in bad

    rows = [
        _new("1", A, "民主党派", "林晓", "1988.05"),
        _new("2", B, "非公经济", "林晓", "1988.05"),
    ]
    shown = _upload(staff, page, _workbook(tmp_path / "ok.xlsx", rows))
    assert "新增 2 条" in shown and "一并决定" in shown
    with session_scope() as session:
        first = session.exec(select(Nomination.id).where(Nomination.body == A)).one()

    save_account_as = "dave"
    with session_scope() as session:
        save_account(session, save_account_as, password=PASSWORD, role=Role.APPROVER)
    approver = TestClient(bare_portal)  # type: ignore[arg-type]
    assert log_in(approver, save_account_as, PASSWORD).url.path == "/"
    assert 'action="/cycles/' not in approver.get(page).text.split('id="nominations"')[1]
    refused = approver.post(
        f"{page}/decide",
        data={
            "csrf": csrf_of(approver.get(page).text),
            "nomination": str(first),
            "decision": "采纳",
        },
    )
    assert refused.status_code == 403

    csrf = csrf_of(staff.get(page).text)
    bare = staff.post(f"{page}/decide", data={"csrf": csrf, "nomination": str(first),
                                              "decision": "不采纳"})  # fmt: skip
    assert "不采纳须写明理由" in bare.text
    done = staff.post(f"{page}/decide", data={"csrf": csrf, "nomination": str(first),
                                              "decision": "采纳"})  # fmt: skip
    assert "一并决定" in done.text and "已列入本周期评价对象" in done.text
    with session_scope() as session:
        lin = session.exec(select(Person).where(Person.name == "林晓")).one()
        assert session.exec(select(CycleMember).where(CycleMember.person_id == lin.id)).one()

    summary = staff.get(f"{page}/summary.docx")
    assert summary.status_code == 200
    doc = Docx(io.BytesIO(summary.content))
    text = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "林晓" in text and A in text and B in text
    template = staff.get("/imports/templates/nominations.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
