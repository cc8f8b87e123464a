"""The person's page keeps their information current: staff of the 经办 role correct a field and
add or remove a dated entry, each with a reason the page's history then shows; a 只读 account
sees it all and changes nothing."""

import io
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sheetbuilders import person, roster_file
from sqlmodel import select

from appraisal.db import session_scope
from appraisal.models import Person, PersonEntry
from appraisal.models.vocab import Role
from appraisal.store.accounts import save_account
from tests.portal_helpers import PASSWORD, STAFF, csrf_of, log_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _client(app: object, username: str) -> TestClient:
    client = TestClient(app)  # type: ignore[arg-type]
    assert log_in(client, username, PASSWORD).url.path == "/"
    return client


@pytest.fixture
def portal(app_env: Path, tmp_path: Path) -> object:
    from appraisal.portal.app import create_app

    with session_scope() as session:
        save_account(session, STAFF, password=PASSWORD, role=Role.CLERK)
        save_account(session, "reader", password=PASSWORD, role=Role.READER)
    app = create_app()
    client = _client(app, STAFF)
    rows = [person("P001", "张三", employer="某大学教授、某公司独立董事")]
    path = roster_file(tmp_path / "r.xlsx", rows)
    page = client.get("/imports")
    done = client.post("/imports/roster", data={"csrf": csrf_of(page.text)},
                       files={"file": (path.name, path.read_bytes(), XLSX)})  # fmt: skip
    assert done.status_code == 200 and "新增 1 人" in done.text
    return app


def test_staff_split_the_unit_and_add_then_remove_an_entry(portal: object) -> None:
    client = _client(portal, STAFF)
    listed = client.get("/people").text
    assert 'id="unsplit-people"' in listed and "P001 张三</a>：某大学教授、某公司独立董事" in listed
    page = client.get("/people/P001")
    assert 'id="unsplit"' in page.text and 'id="edit-field"' in page.text
    csrf = csrf_of(page.text)
    for name, value in (("工作单位", "某大学"), ("职务", "教授")):
        sent = {"csrf": csrf, "name": name, "value": value, "reason": "本人确认"}
        done = client.post("/people/P001/fields", data=sent)
        assert done.status_code == 200 and done.url.path == "/people/P001"
    assert "已修改 职务：— → 教授" in done.text and 'id="unsplit"' not in done.text
    assert 'id="unsplit-people"' not in client.get("/people").text
    added = client.post("/people/P001/entries", data={
        "csrf": csrf, "kind": "培训", "start": "2023.09", "end": "2023.10",
        "text": "省社会主义学院进修班", "merit": "奖励", "reason": "结业证书"})  # fmt: skip
    assert "已添加培训记录" in added.text
    assert "<td>2023.09</td><td>2023.10</td>" in added.text and "省社会主义学院进修班" in added.text
    refused = client.post("/people/P001/entries", data={
        "csrf": csrf, "kind": "简历", "start": "2023.09", "text": "x", "reason": ""})  # fmt: skip
    assert "请说明修改依据" in refused.text
    with session_scope() as session:
        (entry,) = session.exec(select(PersonEntry)).all()
        p = session.exec(select(Person)).one()
    assert (p.employer, p.post, entry.merit) == ("某大学", "教授", None)  # 奖励 is for 奖惩 only
    removed = client.post(f"/people/P001/entries/{entry.id}/remove",
                          data={"csrf": csrf, "reason": "重复录入"})  # fmt: skip
    assert "已删除培训记录" in removed.text
    history = removed.text[removed.text.index('id="changes"') :]
    for reason in ("本人确认", "结业证书", "重复录入"):
        assert reason in history
    assert "<td>培训</td>" in history and f"<td>{STAFF}</td>" in history


def test_a_reader_sees_the_information_and_cannot_change_it(portal: object) -> None:
    client = _client(portal, "reader")
    page = client.get("/people/P001")
    assert page.status_code == 200 and "<h3>简历</h3>" in page.text
    assert 'id="edit-field"' not in page.text and 'id="add-entry"' not in page.text
    refused = client.post("/people/P001/fields", data={
        "csrf": csrf_of(page.text), "name": "职务", "value": "x", "reason": "r"})  # fmt: skip
    assert refused.status_code == 403
    with session_scope() as session:
        assert session.exec(select(Person)).one().post == ""


def test_an_unknown_field_or_a_bad_date_is_said_and_changes_nothing(portal: object) -> None:
    client = _client(portal, STAFF)
    csrf = csrf_of(client.get("/people/P001").text)
    for name, value, said in (("梯队", "名人", "不能修改“梯队”"),
                              ("入党派时间", "去年", "不是日期")):  # fmt: skip
        done = client.post(
            "/people/P001/fields", data={"csrf": csrf, "name": name, "value": value, "reason": "r"}
        )
        assert said in done.text
    with session_scope() as session:
        p = session.exec(select(Person)).one()
    assert (p.tier.value, p.party_joined_on) == ("精英", None)


def test_the_information_form_downloads_from_the_person_page(portal: object) -> None:
    client = _client(portal, "reader")
    page = client.get("/people/P001")
    assert 'href="/people/P001/form.docx"' in page.text
    got = client.get("/people/P001/form.docx")
    assert got.status_code == 200 and got.headers["content-type"].endswith("document")
    assert "filename*=utf-8''P001%20" in got.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(got.content)) as docx:
        body = docx.read("word/document.xml").decode()
    assert "张三" in body and "某大学教授、某公司独立董事" in body
    assert client.get("/people/P404/form.docx").status_code == 404


def test_the_roster_upload_counts_the_entries_of_its_extra_sheets(
    portal: object, tmp_path: Path
) -> None:
    from sheetbuilders import write_xlsx

    client = _client(portal, STAFF)
    header = ["编号", "姓名", "性别", "民族", "出生年月", "党派", "界别", "工作单位", "职务",
              "梯队"]  # fmt: skip
    path = write_xlsx(tmp_path / "r2.xlsx", {
        "花名册": [header, ["P001", "张三", "男", "汉族", "1975.03", "民盟", "教育界", "某大学",
                            "教授", "精英"]],
        "简历": [["编号", "起始年月", "截止年月", "单位及职务"],
                 ["P001", "1997.08", "", "某大学教授"]],
    })  # fmt: skip
    page = client.get("/imports")
    for times in ("新增 1 条、更新 0 条、未变 0 条", "新增 0 条、更新 0 条、未变 1 条"):
        done = client.post("/imports/roster", data={"csrf": csrf_of(page.text)},
                           files={"file": (path.name, path.read_bytes(), XLSX)})  # fmt: skip
        assert f"简历：{times}" in done.text
    person = client.get("/people/P001").text
    assert "某大学教授" in person and "名册导入 r2.xlsx 工作表 简历 第2行" in person
    assert 'id="unsplit"' not in person
