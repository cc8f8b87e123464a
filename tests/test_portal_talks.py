"""The person's page keeps the talk log (谈心谈话): a 经办 logs a talk, corrects it and removes it,
each change with the reason the page's history shows; a 只读 account sees the log and changes
nothing; a bad talk is refused naming the part."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sheetbuilders import person, roster_file
from sqlmodel import select

from appraisal.db import session_scope
from appraisal.importing import import_roster_file
from appraisal.models import Talk
from appraisal.models.vocab import Role
from appraisal.store.accounts import save_account
from tests.portal_helpers import PASSWORD, STAFF, csrf_of, log_in

TALK = {"held_on": "2026-03-15", "kind": "提醒谈话", "talker": "王明",
        "talker_post": "统战部副部长", "place": "统战部会议室", "summary": "提醒按时参加界别活动",
        "follow_up": "本人表示接受"}  # fmt: skip


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
    import_roster_file(roster_file(tmp_path / "r.xlsx", [person("P001", "张三")]), actor="t")
    return create_app()


def test_staff_log_correct_and_remove_a_talk(portal: object) -> None:
    client = _client(portal, STAFF)
    page = client.get("/people/P001")
    assert 'id="no-talks"' in page.text and 'action="/people/P001/talks"' in page.text
    csrf = csrf_of(page.text)
    added = client.post("/people/P001/talks", data={"csrf": csrf, **TALK})
    assert added.status_code == 200 and added.url.path == "/people/P001"
    assert "已记录提醒谈话：2026-03-15 王明" in added.text
    log = added.text[added.text.index('id="talk-log"') :]
    shown = ('>2026-03-15</td><td data-label="类别">提醒谈话</td>', "王明（统战部副部长）",
             "统战部会议室", "提醒按时参加界别活动", "本人表示接受")  # fmt: skip
    for words in shown:
        assert words in log, words
    with session_scope() as session:
        talk_id = session.exec(select(Talk.id)).one()

    unreasoned = client.post(f"/people/P001/talks/{talk_id}",
                             data={"csrf": csrf, **TALK, "held_on": "2026-03-16"})  # fmt: skip
    assert "请说明修改依据" in unreasoned.text
    changed = client.post(f"/people/P001/talks/{talk_id}", data={
        "csrf": csrf, **TALK, "held_on": "2026-03-16", "reason": "日期误录"})  # fmt: skip
    assert "已修改谈话记录：2026-03-16 提醒谈话" in changed.text
    bad = client.post("/people/P001/talks", data={"csrf": csrf, **TALK, "kind": "诫勉谈话"})
    assert "谈话类别应为 日常谈心、提醒谈话、谈话函询 之一" in bad.text
    removed = client.post(f"/people/P001/talks/{talk_id}/remove",
                          data={"csrf": csrf, "reason": "重复录入"})  # fmt: skip
    assert "已删除提醒谈话记录：2026-03-16 王明" in removed.text
    assert 'id="no-talks"' in removed.text
    history = removed.text[removed.text.index('id="changes"') :]
    for words in (
        "<td>谈心谈话</td>",
        "录入谈话记录",
        "日期误录",
        "重复录入",
        "2026-03-15 提醒谈话",
    ):
        assert words in history, words
    with session_scope() as session:
        assert session.exec(select(Talk)).all() == []


def test_a_reader_sees_the_talks_and_cannot_add_one(portal: object) -> None:
    staff = _client(portal, STAFF)
    csrf = csrf_of(staff.get("/people/P001").text)
    staff.post("/people/P001/talks", data={"csrf": csrf, **TALK})
    reader = _client(portal, "reader")
    page = reader.get("/people/P001")
    assert "提醒按时参加界别活动" in page.text
    assert 'action="/people/P001/talks"' not in page.text and "删除理由" not in page.text
    refused = reader.post("/people/P001/talks", data={"csrf": csrf_of(page.text), **TALK})
    assert refused.status_code == 403
    assert reader.post("/people/P404/talks", data={"csrf": csrf_of(page.text), **TALK}
                       ).status_code == 403  # fmt: skip
    with session_scope() as session:
        assert len(session.exec(select(Talk)).all()) == 1
