"""The 统战名人 pages: 经办 staff add a figure, its 纪念场所 and 宣传活动, correct a field and
remove what was wrong, each with the reason the page's history shows; the eleventh figure is
added with the quota's warning; a person whose tier is 名人 without a record is named and can be
linked; a 只读 account reads it all, downloads the 名录 and changes nothing."""

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sheetbuilders import person, roster_file
from sqlmodel import select

from appraisal.db import session_scope
from appraisal.models import AuditEntry, Figure
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
    rows = [person("P001", "陈守仁", tier="名人"), person("P002", "李四")]
    path = roster_file(tmp_path / "r.xlsx", rows)
    page = client.get("/imports")
    done = client.post("/imports/roster", data={"csrf": csrf_of(page.text)},
                       files={"file": (path.name, path.read_bytes(), XLSX)})  # fmt: skip
    assert done.status_code == 200 and "新增 2 人" in done.text
    return app


def test_staff_keep_a_figure_with_its_sites_and_activities(portal: object) -> None:
    client = _client(portal, STAFF)
    home = client.get("/")
    assert 'href="/figures">统战名人</a>' in home.text
    listed = client.get("/figures")
    assert 'id="unrecorded"' in listed.text and "P001 陈守仁" in listed.text
    assert "P002" not in listed.text and "尚无统战名人记录" in listed.text
    csrf = csrf_of(listed.text)
    added = client.post("/figures", data={
        "csrf": csrf, "name": "王伯谦", "years": "1881—1936", "identity": "民主党派创始人之一",
        "biography": "早年留学日本。\n归国后兴办新学。", "selected_on": "2019.05",
        "decided_by": "中共滨江市委统战部", "number": "滨统〔2019〕12号",
    })  # fmt: skip
    assert added.status_code == 200 and added.url.path == "/figures/1", added.text[:300]
    assert "已添加统战名人 王伯谦" in added.text and "滨统〔2019〕12号" in added.text
    for url, data in (
        ("/figures/1/sites", {"kind": "名人故居", "name": "王伯谦故居", "address": "青石巷12号",
                              "opening": "周二至周日开放", "plaque_on": "2020.09"}),
        ("/figures/1/sites", {"kind": "教育基地", "name": "爱国统一战线教育基地"}),
        ("/figures/1/activities", {"held_on": "2024.10.19", "kind": "纪念活动",
                                   "summary": "逝世88周年座谈会", "organiser": "民盟滨江市委"}),
        ("/figures/1/fields", {"name": "籍贯", "value": "滨江市青石镇", "reason": "据地方志"}),
        ("/figures/1/sites/2/remove", {"reason": "重复录入"}),
    ):  # fmt: skip
        done = client.post(url, data={"csrf": csrf, **data})
        assert done.status_code == 200 and done.url.path == "/figures/1", (url, done.text[:300])
    page = done.text
    assert "已删除纪念场所：爱国统一战线教育基地" in page
    assert "纪念场所（1 处）" in page and "宣传活动（1 项）" in page and "滨江市青石镇" in page
    assert "据地方志" in page and "重复录入" in page  # the history, with the reasons
    bad = {"csrf": csrf, "held_on": "明年", "kind": "展览", "summary": "x"}
    refused = client.post("/figures/1/activities", data=bad)
    assert "活动时间：不是日期" in refused.text and "宣传活动（1 项）" in refused.text
    linked = client.post("/figures", data={"csrf": csrf, "code": "P001"})
    assert linked.url.path == "/figures/2" and 'href="/people/P001"' in linked.text
    listed = client.get("/figures").text
    assert 'id="unrecorded"' not in listed and "共 2 位，名额 10 位" in listed
    assert "2024.10.19 纪念活动：逝世88周年座谈会（民盟滨江市委）" in listed
    assert "1 处" in listed
    people = client.get("/people").text
    assert '名人 <span class="hint">（荣誉记录，不参加考核评价）</span>' in people
    shown = client.get("/people/P001").text
    assert 'id="prominent"' in shown and '<a href="/figures/2">陈守仁</a>' in shown
    assert 'id="figure-record"' not in client.get("/people/P002").text


def test_the_eleventh_figure_is_added_with_a_warning(portal: object) -> None:
    client = _client(portal, STAFF)
    csrf = csrf_of(client.get("/figures").text)
    for n in range(1, 11):
        done = client.post("/figures", data={"csrf": csrf, "name": f"名人{n:02d}"})
        assert "名额提示" not in done.text
    done = client.post("/figures", data={"csrf": csrf, "name": "名人11"})
    assert done.url.path == "/figures/11"
    assert "名额提示：统战名人已有 11 位，超过名额 10 位（默认方案）（已记入变更记录）" in done.text
    assert 'id="quota-warning"' in client.get("/figures").text
    with session_scope() as session:
        rows = session.exec(select(AuditEntry).where(AuditEntry.field == "quota")).all()
        assert [(r.entity_key, r.actor) for r in rows] == [("figure/11", f"staff:{STAFF}")]


def test_a_reader_reads_and_downloads_but_changes_nothing(portal: object) -> None:
    clerk = _client(portal, STAFF)
    csrf = csrf_of(clerk.get("/figures").text)
    clerk.post("/figures", data={"csrf": csrf, "name": "王伯谦", "years": "1881—1936"})
    clerk.post("/figures/1/sites", data={"csrf": csrf, "kind": "纪念馆", "name": "王伯谦纪念馆"})
    reader = _client(portal, "reader")
    page = reader.get("/figures/1")
    assert page.status_code == 200 and "王伯谦纪念馆" in page.text
    assert 'id="add-site"' not in page.text and 'id="edit-figure"' not in page.text
    assert 'id="add-figure"' not in reader.get("/figures").text
    token = csrf_of(page.text)
    refused = reader.post("/figures/1/fields", data={"csrf": token, "name": "姓名",
                                                     "value": "x", "reason": "y"})  # fmt: skip
    assert refused.status_code == 403
    assert reader.get("/figures/999").status_code == 404
    book = reader.get("/figures/export.xlsx")
    assert book.status_code == 200 and book.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(book.content))["统战名人"]
    assert [sheet["B3"].value, sheet["C3"].value, sheet["I3"].value] == ["王伯谦", "1881—1936", 1]
    with session_scope() as session:
        assert [f.name for f in session.exec(select(Figure))] == ["王伯谦"]
