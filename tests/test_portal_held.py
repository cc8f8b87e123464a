"""Unsigned returns through the portal: the reviewer is told to sign and stamp, a return that
shows no mark is held, and staff decide on it on their own page."""

import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from appraisal.db import session_scope
from appraisal.models import IntakeEvent, SignOff
from appraisal.paths import located
from tests.portal_helpers import (
    PortalCycle,
    access_log,
    csrf_of,
    new_link,
    nomination_cycle,
    staff_client,
    stored_state,
)

pytestmark = pytest.mark.libreoffice


@pytest.fixture
def cycle(app_env: Path, prefect_harness: None, tmp_path: Path) -> PortalCycle:
    return nomination_cycle(app_env, tmp_path / "data", people=3)


def test_unsigned_uploads_are_refused_or_held_and_staff_decide(
    cycle: PortalCycle, tmp_path: Path
) -> None:
    from appraisal.portal.app import create_app

    app = create_app()
    name = cycle.reviewers()[0][1]
    doc = cycle.docs_of(name)[0]
    _, token = new_link(cycle.cycle_id, name)
    reviewer = TestClient(app)
    csrf = csrf_of(reviewer.get(f"/r/{token}").text)
    url = f"/inbox/documents/{doc.id}/return"

    before = stored_state(cycle.output)
    downloaded = reviewer.get(f"/inbox/documents/{doc.id}.pdf").content
    sent_back = reviewer.post(
        url, data={"csrf": csrf}, files={"file": ("回执.pdf", downloaded, "application/pdf")}
    )
    assert "回执.pdf" in sent_back.text and "请打印后签字、盖章" in sent_back.text
    assert stored_state(cycle.output) == before  # refused: nothing kept

    printed = tmp_path / "printed.pdf"
    subprocess.run(["pdftocairo", "-pdf", str(located(doc.pdf_path)), str(printed)], check=True)
    held = reviewer.post(
        url, data={"csrf": csrf}, files={"file": ("打印件.pdf", printed.read_bytes())}
    )
    assert "已收到 打印件.pdf，但看不出签字或盖章，已转工作人员核对" in held.text
    with session_scope() as session:
        (event,) = session.exec(select(IntakeEvent).where(IntakeEvent.outcome == "held")).all()
        assert session.exec(select(SignOff)).all() == []
    assert [e.outcome for e in access_log() if e.action == "upload"] == ["refused", "ok"]
    inbox = reviewer.get("/inbox").text
    assert "已收到，待工作人员核对" in inbox  # not 待签署回传: the reviewer has sent it

    staff = staff_client(app)
    board = staff.get(f"/cycles/{cycle.cycle_id}").text
    assert f'href="/cycles/{cycle.cycle_id}/held"' in board
    page = staff.get(f"/cycles/{cycle.cycle_id}/held").text
    assert f"#{event.id}" in page and doc.id in page
    shown = staff.get(f"/cycles/{cycle.cycle_id}/held/{event.id}.pdf")
    assert shown.status_code == 200 and shown.content == printed.read_bytes()
    assert TestClient(app).get(f"/cycles/{cycle.cycle_id}/held").url.path == "/login"
    assert reviewer.get(f"/cycles/{cycle.cycle_id}/held/{event.id}.pdf").url.path == "/login"

    decide = f"/cycles/{cycle.cycle_id}/held/{event.id}/accept"
    forged = staff.post(decide, data={"csrf": "forged", "reason": "已核对"})
    assert forged.status_code == 403
    csrf_staff = csrf_of(page)
    no_reason = staff.post(decide, data={"csrf": csrf_staff, "reason": " "})
    assert "认定待核对回件须写明理由" in no_reason.text
    assert "needs a reason" not in no_reason.text  # staff read the Chinese only
    accepted = staff.post(decide, data={"csrf": csrf_staff, "reason": "电子签章见第1页"})
    assert f"已记为回件 {doc.id} 第 1 版" in accepted.text
    assert f"#{event.id}" not in staff.get(f"/cycles/{cycle.cycle_id}/held").text
    with session_scope() as session:
        (v1,) = session.exec(select(SignOff)).all()
    assert v1.recorded_by == "staff:alice"
    assert located(v1.file_path).read_bytes() == printed.read_bytes()
    assert "已回传" in reviewer.get("/inbox").text
