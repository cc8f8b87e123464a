"""The pool adjustment a cycle proposes (有进有出), and recording staff's decision to apply it."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from appraisal.models import Cycle, Person, PoolMembership, Result
from appraisal.scoring import Action
from appraisal.store.changes import AuditLog
from appraisal.store.decisions import decisions

LEAVE, STAY, MOVE_UP = "移出", "保留", "可晋升一级"


@dataclass(frozen=True)
class PoolProposal:
    code: str
    name: str
    tier: str
    decision: str
    reason: str


def propose(session: Session, cycle: Cycle) -> list[PoolProposal]:
    rows = session.exec(
        select(Result, Person)
        .join(Person, col(Person.id) == col(Result.person_id))
        .where(Result.cycle_id == cycle.id)
        .order_by(Person.code)
    ).all()
    decided = decisions(session, cycle.id or 0)
    proposals = []
    for result, person in rows:
        if person.code in decided:
            # Not graded this cycle (or not yet): nothing to move them on.
            staff_decision, why = decided[person.code]
            reason = f"{cycle.name}：{staff_decision.value}（{why}）"
            proposals.append(
                PoolProposal(person.code, person.name, person.tier.value, STAY, reason)
            )
            continue
        if Action.REMOVAL.value in result.actions:
            decision = LEAVE
        elif Action.MOVE_UP.value in result.actions:
            decision = MOVE_UP
        else:
            decision = STAY
        grade = result.grade.value if result.grade else "未评定"
        band = result.band.value if result.band else "—"
        reason = f"{cycle.name}：等次{grade}，档次{band}"
        if result.vetoes:
            reason += "，有否决事项"
        proposals.append(
            PoolProposal(person.code, person.name, person.tier.value, decision, reason)
        )
    return proposals


def apply(session: Session, cycle: Cycle, *, on: date, actor: str) -> dict[str, int]:
    """Record each decision on the result; people leaving have their membership closed.

    Moving up a tier is recorded as eligible only: tier quotas are staff's call.
    Applying twice changes nothing the second time.
    """
    log = AuditLog(actor)
    counts = {LEAVE: 0, STAY: 0, MOVE_UP: 0}
    people = {p.code: p for p in session.exec(select(Person))}
    for prop in propose(session, cycle):
        person = people[prop.code]
        result = session.exec(
            select(Result).where(Result.cycle_id == cycle.id, Result.person_id == person.id)
        ).one()
        counts[prop.decision] += 1
        if result.pool_decision == prop.decision:
            continue
        log.record("result", f"{cycle.name}/{prop.code}", "pool_decision",
                   result.pool_decision or None, prop.decision, prop.reason)  # fmt: skip
        result.pool_decision = prop.decision
        session.add(result)
        if prop.decision != LEAVE:
            continue
        for stay in session.exec(
            select(PoolMembership).where(
                PoolMembership.person_id == person.id, col(PoolMembership.left_on).is_(None)
            )
        ):
            stay.left_on, stay.leave_reason = on, prop.reason
            session.add(stay)
            log.record("pool", prop.code, "left_on", None, on, prop.reason)
    log.write(session)
    return counts
