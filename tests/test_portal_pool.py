"""The pool adjustment page: the proposal after scoring, and applying it once."""

from fastapi.testclient import TestClient
from sqlmodel import col, select

from appraisal.db import session_scope
from appraisal.flows.runmode import plain_calls
from appraisal.flows.tasks import score_cycle
from appraisal.models import Result
from appraisal.store import pool
from tests.portal_helpers import csrf_of, staff_client


def test_the_pool_page_proposes_after_scoring_and_applies_once(
    bare_cycle: int, bare_portal: object
) -> None:
    staff: TestClient = staff_client(bare_portal)
    before = staff.get(f"/cycles/{bare_cycle}/pool")
    assert "还没有评价结果" in before.text
    with plain_calls():
        score_cycle(bare_cycle)
    shown = staff.get(f"/cycles/{bare_cycle}/pool")
    assert "按建议调整人才库" in shown.text
    with session_scope() as session:
        decided = session.exec(select(Result.pool_decision)).all()
    assert not any(decided)
    applied = staff.post(f"/cycles/{bare_cycle}/pool/apply", data={"csrf": csrf_of(shown.text)})
    assert "已按建议调整人才库" in applied.text
    with session_scope() as session:
        decided = session.exec(select(Result.pool_decision).order_by(col(Result.id))).all()
    assert decided and all(d in (pool.LEAVE, pool.STAY, pool.MOVE_UP) for d in decided)
    again = staff.post(f"/cycles/{bare_cycle}/pool/apply", data={"csrf": csrf_of(shown.text)})
    assert "已按建议调整人才库" in again.text
    with session_scope() as session:
        assert session.exec(select(Result.pool_decision).order_by(col(Result.id))).all() == decided
