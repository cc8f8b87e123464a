"""The staff's 等次评定 page: who has no grade and why, a decision recorded (暂缓评定, 免评) or
withdrawn with a reason, the same store function as `appraisal cycle decide`."""

from pathlib import Path

from sqlmodel import col, delete, select

from appraisal.db import session_scope
from appraisal.models import AssessmentScore, AuditEntry, CycleMember, Person
from appraisal.models.vocab import Decision, Stage
from appraisal.store.cycles import get_cycle, set_stage
from appraisal.store.progress import cycle_progress
from appraisal.store.stage_runs import open_stage_run
from tests.cycle_helpers import TODAY
from tests.portal_helpers import access_log, csrf_of, staff_client


def _at_evaluation_without_a_score(cycle_id: int, code: str) -> None:
    """Scored with one person's 组织考核 missing, as the evaluation stage leaves it."""
    from appraisal.flows.tasks import score_cycle

    with session_scope() as session:
        pid = session.exec(select(Person.id).where(Person.code == code)).one()
        session.execute(delete(AssessmentScore).where(col(AssessmentScore.person_id) == pid))
        cycle = get_cycle(session, cycle_id)
        open_stage_run(session, cycle_id, Stage.EVALUATION, TODAY)
        set_stage(session, cycle, Stage.EVALUATION, actor="test", reason="test")
    score_cycle.fn(cycle_id)


def _decision(code: str) -> Decision | None:
    with session_scope() as session:
        return session.exec(
            select(CycleMember.decision)
            .join(Person, col(Person.id) == col(CycleMember.person_id))
            .where(Person.code == code)
        ).one()


def test_staff_record_and_withdraw_a_decision_for_someone_without_a_grade(
    bare_cycle: int, bare_portal: object, app_env: Path
) -> None:
    _at_evaluation_without_a_score(bare_cycle, "P00002")
    client = staff_client(bare_portal)
    board = client.get(f"/cycles/{bare_cycle}")
    assert f"/cycles/{bare_cycle}/grades" in board.text

    page = client.get(f"/cycles/{bare_cycle}/grades")
    assert page.status_code == 200
    assert "P00002" in page.text and "缺少组织考核得分" in page.text
    csrf = csrf_of(page.text)
    url = f"/cycles/{bare_cycle}/decisions"

    no_reason = client.post(url, data={"csrf": csrf, "code": "P00002", "decision": "暂缓评定"})
    assert "作出决定须写明理由" in no_reason.text and _decision("P00002") is None
    forged = client.post(url, data={"csrf": "x", "code": "P00002", "decision": "免评",
                                    "reason": "r"})  # fmt: skip
    assert forged.status_code == 403 and _decision("P00002") is None

    done = client.post(url, data={"csrf": csrf, "code": "P00002", "decision": "暂缓评定",
                                  "reason": "组织考核材料待补报"})  # fmt: skip
    assert done.status_code == 200 and "已记录" in done.text
    assert _decision("P00002") == Decision.DEFERRED
    with session_scope() as session:
        gate = cycle_progress(session, bare_cycle, TODAY, [Stage.EVALUATION])[Stage.EVALUATION]
        assert [o.code for o in gate.outstanding if o.code] == []
        audit = session.exec(select(AuditEntry).where(AuditEntry.field == "decision")).all()
    assert [(a.after, a.reason, a.actor) for a in audit] == [
        ("暂缓评定", "组织考核材料待补报", "alice")
    ]
    assert any(e.action == "decide" and "P00002" in e.detail for e in access_log("ok"))

    withdrawn = client.post(url, data={"csrf": csrf, "code": "P00002", "decision": "撤销",
                                       "reason": "材料已补报"})  # fmt: skip
    assert withdrawn.status_code == 200 and _decision("P00002") is None
    assert "P00002" in client.get(f"/cycles/{bare_cycle}/grades").text

    stranger = client.post(url, data={"csrf": csrf, "code": "P99999", "decision": "免评",
                                      "reason": "x"})  # fmt: skip
    assert "不在第" in stranger.text and "号考核周期" in stranger.text
