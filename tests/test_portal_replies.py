"""A solicitation letter answered through the portal: the signed reply slip, then 有异议 with the
people it concerns, which flags them exactly as a reply recorded by staff would."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from appraisal.db import session_scope
from appraisal.models import Person, Result, SignOff
from appraisal.models.vocab import Reply, Stage
from appraisal.settings import get_settings
from tests.cycle_helpers import TODAY, documents, return_all, sqlite_only
from tests.portal_helpers import access_log, csrf_of, new_link, nomination_cycle, staff_client

pytestmark = pytest.mark.libreoffice


@sqlite_only
def test_a_reviewer_answers_a_letter(app_env: Path, prefect_harness: None, tmp_path: Path) -> None:
    from appraisal.flows.cycle import run_cycle
    from appraisal.portal.app import create_app

    get_settings.cache_clear()
    cycle = nomination_cycle(app_env, tmp_path / "data", people=3)
    for stage in (Stage.NOMINATION, Stage.ASSESSMENT, Stage.EVALUATION):
        return_all(cycle.cycle_id, stage, tmp_path / f"drop-{stage.value}")
        run_cycle(cycle.cycle_id, TODAY)
    letters = [d for d in documents(cycle.cycle_id, Stage.SOLICITATION) if len(d.people or []) >= 2]
    assert letters, "a letter concerning several people"
    letter = letters[0]
    return_all(cycle.cycle_id, Stage.SOLICITATION, tmp_path / "drop-sol", with_reply=False)

    _, token = new_link(cycle.cycle_id, letter.recipient_name, letter.recipient_kind)
    app = create_app()
    client = TestClient(app)
    inbox = client.get(f"/r/{token}")
    assert "回执意见" in inbox.text and "已回传，请填写回执意见" in inbox.text
    csrf = csrf_of(inbox.text)
    url = f"/inbox/documents/{letter.id}/reply"
    target = letter.people[0]

    empty = client.post(url, data={"csrf": csrf, "answer": "有异议", "person": [target]})
    assert "有异议时请写明具体意见" in empty.text
    nobody = client.post(url, data={"csrf": csrf, "answer": "有异议", "text": "正在核实"})
    assert "请勾选意见涉及的人员" in nobody.text
    too_long = client.post(
        url, data={"csrf": csrf, "answer": "有异议", "text": "核" * 4001, "person": [target]}
    )
    assert too_long.status_code == 422 and "具体意见最多 4000 个字，提交了 4001 个" in too_long.text
    objected = client.post(
        url, data={"csrf": csrf, "answer": "有异议", "text": "正在核实违规兼职", "person": [target]}
    )
    assert "已记录回执意见：有异议" in objected.text

    with session_scope() as session:
        slip = session.exec(select(SignOff).where(SignOff.document_id == letter.id)).one()
        flagged = session.exec(
            select(Person.code).join(Result, Result.person_id == Person.id).where(Result.flagged)
        ).all()
    assert slip.reply == Reply.OBJECTION and slip.reply_text == "正在核实违规兼职"
    assert flagged == [target]
    assert [e.detail for e in access_log() if e.action == "reply"] == ["有异议"]
    board = staff_client(app).get(f"/cycles/{cycle.cycle_id}").text
    assert target in board and "正在核实违规兼职" in board
