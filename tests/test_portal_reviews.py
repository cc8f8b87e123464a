"""The 复核 page: a paper request recorded with its scan, a 维持 decided with the 复核决定书
written; and the person's own link page, which offers 申请复核 while the window is open."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from appraisal.db import session_scope
from appraisal.models import Document, Person, ReviewRequest
from appraisal.models.vocab import ReviewStatus
from appraisal.settings import get_settings
from appraisal.store.reviews import BY_LINK, ON_PAPER
from tests.cycle_helpers import notices_sent, require_soffice
from tests.portal_helpers import csrf_of, new_link, staff_client

pytestmark = pytest.mark.libreoffice


@pytest.fixture
def noticed(bare_cycle: int, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    from datetime import date

    monkeypatch.setenv("APPRAISAL_TODAY", "2026-12-01")
    get_settings.cache_clear()
    return bare_cycle, notices_sent(bare_cycle, date(2026, 11, 23))


def test_staff_record_and_decide(noticed: tuple[int, list[str]], bare_portal: object) -> None:
    require_soffice()
    cycle_id, (a, b, _c) = noticed
    staff: TestClient = staff_client(bare_portal)
    page = f"/cycles/{cycle_id}/reviews"
    shown = staff.get(page).text
    assert "登记书面复核申请" in shown and "2026-12-14" in shown
    csrf = csrf_of(shown)
    scan = ("申请书.pdf", b"%PDF-1.4\n% scanned\n", "application/pdf")
    late = staff.post(
        f"{page}/request", data={"csrf": csrf, "code": a, "grounds": "不服", "on": "2026-12-20"}
    )
    assert "已于2026-12-14届满" in late.text
    made = staff.post(
        f"{page}/request",
        files={"file": scan},
        data={"csrf": csrf, "code": a, "grounds": "民主测评计票有误", "on": "2026-11-30"},
    )
    assert "已登记" in made.text and "待决定" in made.text
    assert staff.get(f"{page}/{a}/file.pdf").content == scan[1]
    decided = staff.post(
        f"{page}/decide",
        data={"csrf": csrf, "code": a, "decision": "维持", "grade": "", "reason": "经核实计票无误"},
    )
    assert "复核维持" in decided.text and "复核决定书" in decided.text
    with session_scope() as session:
        row = session.exec(select(ReviewRequest)).one()
        assert row.status == ReviewStatus.KEPT and row.channel == ON_PAPER and row.document_id
        doc = session.get(Document, row.document_id)
        assert doc is not None and doc.pdf_path
    assert staff.get(f"/cycles/{cycle_id}/documents/{row.document_id}.pdf").status_code == 200
    refused = staff.post(
        f"{page}/decide",
        data={"csrf": csrf, "code": b, "decision": "变更", "grade": "", "reason": "x"},
    )
    assert "请选择维持" in refused.text


def test_the_person_asks_through_their_link(
    noticed: tuple[int, list[str]], bare_portal: object
) -> None:
    cycle_id, (a, _b, _c) = noticed
    with session_scope() as session:
        name = session.exec(select(Person.name).where(Person.code == a)).one()
    _, token = new_link(cycle_id, name, "本人")
    client = TestClient(bare_portal)  # type: ignore[arg-type]
    inbox = client.get(f"/r/{token}").text
    assert "申请复核（2026-12-14 前）" in inbox
    doc_id = re.findall(r'action="/inbox/documents/([^/"]+)/review"', inbox)[0]
    done = client.post(
        f"/inbox/documents/{doc_id}/review",
        data={"csrf": csrf_of(inbox), "grounds": "履职记录漏计两次调研"},
    )
    assert "已提交复核申请" in done.text and "待决定" in done.text
    with session_scope() as session:
        row = session.exec(select(ReviewRequest)).one()
        assert row.channel == BY_LINK and row.grounds == "履职记录漏计两次调研"
