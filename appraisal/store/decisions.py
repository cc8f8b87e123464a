"""Staff decisions for people the engine cannot grade, or should not grade yet: 暂缓评定 (graded
later) or 免评 (not graded this cycle). A decision lets the evaluation gate open without the
person's grade; they get no 结果通知书, and the 情况通报 lists the decision instead of a grade.
Every decision, and every withdrawal of one, is audit-logged with its reason."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from appraisal.models import AuditEntry, Cycle, CycleMember, Person
from appraisal.models.base import utcnow
from appraisal.models.vocab import Decision, Stage
from appraisal.store.changes import AuditLog
from appraisal.store.cycles import CycleError
from appraisal.store.stage_runs import stage_run


def record_decision(
    session: Session,
    *,
    cycle: Cycle,
    code: str,
    decision: Decision | None,
    reason: str,
    actor: str,
) -> CycleMember:
    """Set (or, with None, withdraw) the decision for one member of `cycle`."""
    assert cycle.id is not None
    if not reason.strip():
        raise CycleError("作出决定须写明理由 / a decision needs its reason (--reason)")
    if stage_run(session, cycle.id, Stage.NOTIFICATION) is not None:
        raise CycleError(
            f"第{cycle.id}号考核周期的结果通知已经开始，决定不能再改变已告知本人的内容"
            " / notification has started"
        )
    member = session.exec(
        select(CycleMember)
        .join(Person, col(Person.id) == col(CycleMember.person_id))
        .where(CycleMember.cycle_id == cycle.id, Person.code == code)
    ).first()
    if member is None:
        raise CycleError(
            f"{code} 不在第{cycle.id}号考核周期（{cycle.name}）中"
            f" / {code} is not in cycle {cycle.id}"
        )
    before = member.decision
    if before == decision:
        return member
    log = AuditLog(actor)
    log.record("cyclemember", f"{cycle.name}/{code}", "decision", before, decision, reason.strip())
    member.decision = decision
    member.decision_reason = reason.strip() if decision else ""
    member.decided_by = actor if decision else ""
    member.decided_at = utcnow() if decision else None
    session.add(member)
    log.write(session)
    return member


@dataclass(frozen=True)
class Decided:
    code: str
    name: str
    decision: Decision
    reason: str
    by: str
    at: datetime | None


def decided(session: Session, cycle_id: int) -> list[Decided]:
    """The members staff decided about, by 编号."""
    query = (
        select(Person.code, Person.name, CycleMember)
        .join(Person, col(Person.id) == col(CycleMember.person_id))
        .where(CycleMember.cycle_id == cycle_id, col(CycleMember.decision).is_not(None))
        .order_by(Person.code)
    )
    return [
        Decided(code, name, m.decision, m.decision_reason, m.decided_by, m.decided_at)
        for code, name, m in session.exec(query)
        if m.decision is not None
    ]


def decisions(session: Session, cycle_id: int) -> dict[str, tuple[Decision, str]]:
    """编号 -> (decision, reason) for the members staff decided about."""
    return {d.code: (d.decision, d.reason) for d in decided(session, cycle_id)}


def note_early_seal(
    session: Session, *, cycle: Cycle, code: str, gaps: list[str], reason: str, actor: str
) -> bool:
    """Audit that `code` is sealed before their cycle is complete for them, and what it lacked;
    written once for the same gaps and reason, so sealing again changes nothing. True if new."""
    if not reason.strip():
        raise CycleError("提前封存须写明理由 / sealing early needs its reason (--reason)")
    key, lacking = f"{cycle.name}/{code}", "；".join(gaps)[:4096]
    seen = session.exec(
        select(AuditEntry.id).where(
            AuditEntry.entity == "dossier",
            AuditEntry.entity_key == key,
            AuditEntry.field == "sealed early",
            AuditEntry.after == lacking,
            AuditEntry.reason == reason.strip()[:1024],
        )
    ).first()
    if seen is not None:
        return False
    log = AuditLog(actor)
    log.record("dossier", key, "sealed early", None, lacking, reason.strip())
    log.write(session)
    return True
