"""A finished cycle in the portal: the inbox shows its documents as finished and offers no forms,
a forged upload or reply is refused and logged, and staff reopen the cycle from its page."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from appraisal.db import session_scope
from appraisal.models import AuditEntry
from appraisal.models.vocab import Stage
from appraisal.paths import located
from appraisal.simulate import eseal_return
from appraisal.store.cycles import get_cycle, set_stage
from tests.portal_helpers import (
    access_log,
    csrf_of,
    new_link,
    nomination_cycle,
    staff_client,
    stored_state,
)

pytestmark = pytest.mark.libreoffice


def test_a_finished_cycle_takes_nothing_until_staff_reopen_it(
    app_env: Path, prefect_harness: None, tmp_path: Path
) -> None:
    from appraisal.portal.app import create_app

    cycle = nomination_cycle(app_env, tmp_path / "data", people=3)
    (_, name), *_ = cycle.reviewers()
    doc = cycle.docs_of(name)[0]
    _, token = new_link(cycle.cycle_id, name)
    app = create_app()
    reviewer = TestClient(app)
    csrf = csrf_of(reviewer.get(f"/r/{token}").text)  # a page opened before the cycle finished
    with session_scope() as session:
        found = get_cycle(session, cycle.cycle_id)
        set_stage(session, found, Stage.DONE, actor="test", reason="all dossiers sealed")
    inbox = reviewer.get("/inbox").text
    assert "本周期已办结归档" in inbox and doc.id in inbox
    assert "/return" not in inbox and "/reply" not in inbox  # no forms offered

    before = stored_state(cycle.output)
    signed = eseal_return(located(doc.pdf_path), tmp_path / "sealed.pdf", seed=1, seal_text=name)
    signed = signed.read_bytes()
    upload = reviewer.post(
        f"/inbox/documents/{doc.id}/return",
        data={"csrf": csrf},
        files={"file": ("签署件.pdf", signed, "application/pdf")},
    )
    reply = reviewer.post(
        f"/inbox/documents/{doc.id}/reply", data={"csrf": csrf, "answer": "无异议"}
    )
    for response in (upload, reply):
        assert response.url.path == "/inbox" and "已办结归档，本文件不再接收" in response.text
    assert stored_state(cycle.output) == before
    refused = [(e.action, e.document_id) for e in access_log("refused")]
    assert refused == [("upload", doc.id), ("reply", doc.id)]
    assert all("appraisal cycle reopen" in e.detail for e in access_log("refused"))

    staff = staff_client(app)
    board = staff.get(f"/cycles/{cycle.cycle_id}").text
    assert 'id="reopen"' in board
    url = f"/cycles/{cycle.cycle_id}/reopen"
    blank = staff.post(url, data={"csrf": csrf_of(board), "reason": " "})
    assert "重新开启周期须写明原因" in blank.text
    forged = staff.post(url, data={"csrf": "forged", "reason": "更正"})
    assert forged.status_code == 403
    done = staff.post(url, data={"csrf": csrf_of(board), "reason": "推荐单位更正签署件"})
    assert "已重新开启本周期" in done.text and 'id="reopen"' not in done.text
    with session_scope() as session:
        found = get_cycle(session, cycle.cycle_id)
        assert found.stage == Stage.ARCHIVE
        audit = session.exec(select(AuditEntry).where(AuditEntry.field == "reopened")).one()
    assert audit.reason == "推荐单位更正签署件" and audit.actor == "staff:alice"
    assert [e.outcome for e in access_log() if e.action == "reopen"] == ["refused", "ok"]

    inbox = reviewer.get("/inbox").text
    assert "/return" in inbox
    accepted = reviewer.post(
        f"/inbox/documents/{doc.id}/return",
        data={"csrf": csrf_of(inbox)},
        files={"file": ("签署件.pdf", signed, "application/pdf")},
    )
    assert "已收到 签署件.pdf（第 1 版）" in accepted.text
