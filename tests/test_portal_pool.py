"""The pool adjustment page: proposals after scoring, a decision per person by 经办, approval by
审核 only (经办 cannot approve, 审核 cannot decide), and the two documents to download."""

import io

import openpyxl
from docx import Document as Docx
from fastapi.testclient import TestClient
from sqlmodel import select

from appraisal.db import session_scope
from appraisal.flows.runmode import plain_calls
from appraisal.flows.tasks import score_cycle
from appraisal.models import Person, PoolDecision
from appraisal.models.vocab import Role, Tier
from appraisal.roles import Action, allows
from appraisal.store.accounts import save_account
from tests.portal_helpers import PASSWORD, csrf_of, log_in, staff_client


def _as(app: object, username: str, role: Role) -> TestClient:
    with session_scope() as session:
        save_account(session, username, password=PASSWORD, role=role)
    client = TestClient(app)  # type: ignore[arg-type]
    assert log_in(client, username, PASSWORD).url.path == "/"
    return client


def test_clerks_decide_and_only_approvers_approve(bare_cycle: int, bare_portal: object) -> None:
    assert not allows(Role.CLERK, Action.APPROVE) and not allows(Role.APPROVER, Action.RUN)
    staff: TestClient = staff_client(bare_portal)
    page = f"/cycles/{bare_cycle}/pool"
    assert "还没有评价结果" in staff.get(page).text
    with plain_calls():
        score_cycle(bare_cycle)
    clerk = _as(bare_portal, "carol", Role.CLERK)
    approver = _as(bare_portal, "dave", Role.APPROVER)

    shown = clerk.get(page).text
    # The test cycle names everyone, the 名人 P00001 too: kept, an honoured record.
    assert "P00002" in shown and "P00003" in shown and "荣誉记录" in shown
    assert 'id="approve"' not in shown and 'action="/cycles/' in shown
    csrf = csrf_of(shown)
    done = clerk.post(f"{page}/decide", data={"csrf": csrf, "code": "P00003", "decision": "晋升",
                                              "reason": "表现突出，经研究晋升"})  # fmt: skip
    assert "已记录：P00003" in done.text and "晋升" in done.text
    bad = clerk.post(f"{page}/decide", data={"csrf": csrf, "code": "P00003", "decision": "调整",
                                             "reason": "x"})  # fmt: skip
    assert "只有代表人士可以调整为精英" in bad.text
    assert approver.post(f"{page}/decide", data={"csrf": csrf_of(approver.get(page).text),
                         "code": "P00002", "decision": "保留"}).status_code == 403  # fmt: skip
    refused = clerk.post(f"{page}/approve", data={"csrf": csrf})
    assert refused.status_code == 403 and "不能审核" in refused.text

    waiting = approver.get(page).text
    assert 'id="approve"' in waiting and "disabled" in waiting.split('id="approve"')[1][:20]
    confirmed = clerk.post(f"{page}/confirm", data={"csrf": csrf})
    assert "其余 2 人已按建议决定" in confirmed.text
    approved = approver.post(f"{page}/approve", data={"csrf": csrf_of(approver.get(page).text)})
    assert "已审核批准人才库调整" in approved.text and "晋升 1 人" in approved.text
    assert "已由 dave 审核批准" in approved.text and "/pool/form.docx" in approved.text
    with session_scope() as session:
        tier = session.exec(select(Person.tier).where(Person.code == "P00003")).one()
        by = set(session.exec(select(PoolDecision.approved_by)))
    assert tier is Tier.REPRESENTATIVE and by == {"dave"}

    form = staff.get(f"{page}/form.docx")
    assert form.status_code == 200
    cells = [c.text for t in Docx(io.BytesIO(form.content)).tables for r in t.rows for c in r.cells]
    assert "P00003" in cells and any(c.startswith("表现突出，经研究晋升") for c in cells)
    listing = staff.get(f"{page}/list.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(listing.content))
    codes = [r[1] for r in book["代表人士"].iter_rows(min_row=3, values_only=True)]
    assert "P00003" in codes
    again = approver.post(f"{page}/approve", data={"csrf": csrf_of(approver.get(page).text)})
    assert "本次变动 0 人" in again.text
