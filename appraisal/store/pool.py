"""The rolling adjustment of the pool after a cycle (有进有出, seed 002): the engine proposes a
move per person, staff decide each (confirm it, or change it with a reason), and someone with
the 审核 role approves. Only approval changes tiers and memberships; approving twice changes
nothing the second time."""

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlmodel import Session, col, func, select

from appraisal.models import Cycle, CycleMember, Person, PoolDecision, PoolMembership, Result
from appraisal.models.base import utcnow
from appraisal.models.vocab import PoolMove, Tier
from appraisal.scheme import parse_scheme
from appraisal.scoring.adjustment import (
    MOVE_ORDER,
    Candidate,
    Move,
    MoveError,
    Proposal,
    check_quotas,
    propose,
    tier_after,
)
from appraisal.store.changes import AuditLog
from appraisal.store.cycles import CycleError
from appraisal.store.offices import scope_of

ENTITY = "pooldecision"


class PoolError(CycleError):
    """A decision or approval that cannot be made, with the reason in staff's words."""


@dataclass(frozen=True)
class PoolRow:
    """One person of the cycle: the engine's proposal and, once made, staff's decision."""

    code: str
    name: str
    from_tier: Tier | None
    proposed: PoolMove
    proposed_reason: str
    decided: PoolMove | None
    to_tier: Tier | None
    reason: str  # the decision's reason; the proposal's until staff decide
    decided_by: str
    approved: bool
    warning: str = ""  # a move into a tier over its cap

    @property
    def changed(self) -> bool:
        """Staff decided otherwise than the engine proposed."""
        return self.decided is not None and self.decided != self.proposed

    @property
    def move(self) -> PoolMove:
        return self.decided or self.proposed


@dataclass(frozen=True)
class PoolBoard:
    """The cycle's adjustment as staff see it."""

    rows: list[PoolRow]
    scored: bool  # the evaluation has run: there is something to propose
    after: dict[Tier, int]  # each tier's size once every move is made
    over: dict[Tier, str]  # the tiers that would be over their caps
    caps: dict[Tier, int]
    approved_by: str = ""
    approved_at: datetime | None = None
    counts: dict[PoolMove, int] = field(default_factory=dict)

    @property
    def undecided(self) -> list[PoolRow]:
        return [r for r in self.rows if r.decided is None]

    @property
    def approved(self) -> bool:
        return bool(self.rows) and all(r.approved for r in self.rows)


def _in_pool(session: Session, person_ids: list[int]) -> set[int]:
    return set(
        session.exec(
            select(PoolMembership.person_id).where(
                col(PoolMembership.person_id).in_(person_ids),
                col(PoolMembership.left_on).is_(None),
            )
        )
    )


def _tier_sizes(session: Session, cycle: Cycle) -> dict[Tier, int]:
    """People in the pool per tier, over the offices of the cycle's office (its quotas' scope)."""
    in_pool = select(PoolMembership.person_id).where(col(PoolMembership.left_on).is_(None))
    query = select(Person.tier, func.count()).where(col(Person.id).in_(in_pool))
    query = scope_of(session, cycle.office_id).only(query, Person.office_id)
    return {Tier(t): n for t, n in session.exec(query.group_by(col(Person.tier)))}


def _proposals(session: Session, cycle: Cycle) -> tuple[list[tuple[Proposal, int]], bool]:
    """The engine's proposal per member (with the person's id), and whether it had results."""
    rows = session.exec(
        select(CycleMember, Person, Result)
        .join(Person, col(Person.id) == col(CycleMember.person_id))
        .outerjoin(
            Result,
            (col(Result.person_id) == col(CycleMember.person_id))
            & (col(Result.cycle_id) == col(CycleMember.cycle_id)),
        )
        .where(CycleMember.cycle_id == cycle.id)
        .order_by(Person.code)
    ).all()
    if not any(result is not None for _m, _p, result in rows):
        return [], False
    in_pool = _in_pool(session, [p.id for _m, p, _r in rows if p.id is not None])
    candidates = [
        Candidate(
            code=person.code,
            name=person.name,
            tier=person.tier,
            in_pool=person.id in in_pool,
            grade=result.grade if result else None,
            band=result.band if result else None,
            vetoed=bool(result and result.vetoes),
            actions=tuple(result.actions) if result else (),
            staff_decision=member.decision,
            staff_reason=member.decision_reason,
        )
        for member, person, result in rows
    ]
    rules = parse_scheme(cycle.scheme_toml, f"scheme of cycle {cycle.name}").pool
    made = propose(rules, candidates, cycle.name)
    return [(p, person.id or 0) for p, (_m, person, _r) in zip(made, rows, strict=True)], True


def _decisions(session: Session, cycle: Cycle) -> dict[int, PoolDecision]:
    found = session.exec(select(PoolDecision).where(PoolDecision.cycle_id == cycle.id))
    return {d.person_id: d for d in found}


def board(session: Session, cycle: Cycle) -> PoolBoard:
    """Every member's proposal and decision, with the quota warnings."""
    proposals, scored = _proposals(session, cycle)
    stored = _decisions(session, cycle)
    caps = dict(parse_scheme(cycle.scheme_toml, f"scheme of cycle {cycle.name}").pool.tier_quota)
    rows: list[PoolRow] = []
    for prop, person_id in proposals:
        d = stored.get(person_id)
        if d is None:
            rows.append(
                PoolRow(
                    code=prop.code,
                    name=prop.name,
                    from_tier=prop.from_tier,
                    proposed=prop.move,
                    proposed_reason=prop.reason,
                    decided=None,
                    to_tier=prop.to_tier,
                    reason=prop.reason,
                    decided_by="",
                    approved=False,
                )
            )
        else:
            # What was proposed and decided stays as it was, whatever the pool is since.
            rows.append(
                PoolRow(
                    code=prop.code,
                    name=prop.name,
                    from_tier=d.from_tier,
                    proposed=d.proposed,
                    proposed_reason=d.proposed_reason,
                    decided=d.decided,
                    to_tier=d.to_tier,
                    reason=d.reason,
                    decided_by=d.decided_by,
                    approved=d.approved_at is not None,
                )
            )
    done = bool(rows) and all(r.approved for r in rows)
    # Once approved the moves are in the pool's sizes already.
    moves = [] if done else [Move(r.code, r.from_tier, r.to_tier) for r in rows if not r.approved]
    quotas = check_quotas(caps, _tier_sizes(session, cycle), moves)
    rows = [replace(r, warning=quotas.flagged.get(r.code, "")) for r in rows]
    moved = Counter(r.move for r in rows)
    # One approval covers the cycle: every row carries the same approver and time.
    last = next((d for d in stored.values() if d.approved_at is not None), None)
    return PoolBoard(
        rows=rows,
        scored=scored,
        after=quotas.after,
        over=quotas.over,
        caps=caps,
        approved_by=last.approved_by if last else "",
        approved_at=last.approved_at if last else None,
        counts={m: moved[m] for m in MOVE_ORDER if moved[m]},
    )


def _person(session: Session, code: str) -> Person:
    person = session.exec(select(Person).where(Person.code == code)).first()
    if person is None:
        raise PoolError(f"没有编号为 {code} 的人员 / no person {code}")
    return person


def decide(
    session: Session, cycle: Cycle, code: str, move: PoolMove, *, reason: str, actor: str
) -> PoolRow:
    """Staff's decision for one person: the proposal confirmed, or another move with a reason.
    Audit-logged; refused once the cycle's adjustment is approved."""
    found = board(session, cycle)
    if not found.scored:
        raise PoolError(
            f"第{cycle.id}号考核周期还没有评价结果：综合评价阶段运行后才能决定人才库调整"
            " / the evaluation has not run"
        )
    row = next((r for r in found.rows if r.code == code), None)
    if row is None:
        raise PoolError(f"{code} 不在第{cycle.id}号考核周期（{cycle.name}）中 / not in the cycle")
    if found.approved_at is not None:
        raise PoolError(
            f"{code} {row.name}：本周期的人才库调整已由{found.approved_by}审核批准，不能再改"
            " / already approved"
        )
    reason = reason.strip()
    if move != row.proposed and not reason:
        raise PoolError(
            f"{code} {row.name}：建议为{row.proposed.value}，改为{move.value}须写明理由"
            " / a changed decision needs its reason (--reason)"
        )
    person = _person(session, code)
    try:
        to_tier = tier_after(row.from_tier, move, person.tier)
    except MoveError as e:
        raise PoolError(f"{code} {row.name}：{e}") from None
    text = reason or row.proposed_reason
    decision = session.exec(
        select(PoolDecision).where(
            PoolDecision.cycle_id == cycle.id, PoolDecision.person_id == person.id
        )
    ).first()
    before = decision.decided if decision else None
    if decision is not None and decision.decided == move and decision.reason == text:
        return next(r for r in board(session, cycle).rows if r.code == code)
    if decision is None:
        assert cycle.id is not None and person.id is not None
        decision = PoolDecision(
            cycle_id=cycle.id,
            person_id=person.id,
            from_tier=row.from_tier,
            proposed=row.proposed,
            proposed_reason=row.proposed_reason[:1024],
            decided=move,
            decided_by=actor[:64],
            decided_at=utcnow(),
        )
    decision.decided, decision.to_tier, decision.reason = move, to_tier, text[:1024]
    decision.decided_by, decision.decided_at = actor[:64], utcnow()
    session.add(decision)
    log = AuditLog(actor)
    why = text if move == row.proposed else f"改变建议（{row.proposed.value}）：{text}"
    log.record(ENTITY, f"{cycle.name}/{code}", "decided", before, move, why)
    log.write(session)
    session.flush()
    return next(r for r in board(session, cycle).rows if r.code == code)


def confirm_rest(session: Session, cycle: Cycle, *, actor: str) -> int:
    """Every person not yet decided, decided as proposed; how many."""
    rows = board(session, cycle).undecided
    for row in rows:
        decide(session, cycle, row.code, row.proposed, reason="", actor=actor)
    return len(rows)


@dataclass(frozen=True)
class Approval:
    counts: dict[PoolMove, int]  # every decision of the cycle, by move
    changed: int  # people whose tier or membership this approval changed
    warnings: dict[Tier, str]  # tiers over their caps after it


def approve(session: Session, cycle: Cycle, *, actor: str, on: date) -> Approval:
    """Carry out every decision: tiers updated, memberships closed and opened on `on` with the
    decisions' reasons. Refused while anyone is undecided; the second time changes nothing."""
    found = board(session, cycle)
    if not found.scored:
        raise PoolError(
            f"第{cycle.id}号考核周期还没有评价结果，没有可审核的人才库调整 / nothing to approve"
        )
    if found.undecided:
        names = "、".join(f"{r.code} {r.name}" for r in found.undecided[:10])
        more = f"等 {len(found.undecided)} 人" if len(found.undecided) > 10 else ""
        raise PoolError(
            f"以下人员尚未决定，不能审核：{names}{more} / {len(found.undecided)} undecided"
        )
    log = AuditLog(actor)
    now = utcnow()
    changed = 0
    for decision, person in session.exec(
        select(PoolDecision, Person)
        .join(Person, col(Person.id) == col(PoolDecision.person_id))
        .where(PoolDecision.cycle_id == cycle.id, col(PoolDecision.approved_at).is_(None))
        .order_by(Person.code)
    ).all():
        key = f"{cycle.name}/{person.code}"
        if decision.decided is not PoolMove.KEEP:
            _move(session, person, decision, on=on, log=log)
            changed += 1
        result = session.exec(
            select(Result).where(Result.cycle_id == cycle.id, Result.person_id == person.id)
        ).first()
        if result is not None and result.pool_decision != decision.decided.value:
            log.record("result", key, "pool_decision", result.pool_decision or None,
                       decision.decided, decision.reason)  # fmt: skip
            result.pool_decision = decision.decided.value
            session.add(result)
        decision.approved_by, decision.approved_at = actor[:64], now
        session.add(decision)
        log.record(ENTITY, key, "approved", None, decision.decided, decision.reason)
    log.write(session)
    session.flush()
    after = board(session, cycle)
    return Approval(after.counts, changed, after.over)


def _move(
    session: Session, person: Person, decision: PoolDecision, *, on: date, log: AuditLog
) -> None:
    """One approved move: the stay in the old tier ends, one in the new tier starts."""
    reason = decision.reason[:256]
    if decision.decided is not PoolMove.ADMIT:
        for stay in session.exec(
            select(PoolMembership).where(
                PoolMembership.person_id == person.id, col(PoolMembership.left_on).is_(None)
            )
        ):
            stay.left_on, stay.leave_reason = on, f"{decision.decided.value}：{reason}"[:256]
            session.add(stay)
            log.record("pool", person.code, "left_on", None, on, reason)
    if decision.to_tier is not None:
        _enter(session, person, decision.to_tier, on=on, reason=reason, why=decision.decided,
               log=log)  # fmt: skip


def _enter(
    session: Session,
    person: Person,
    tier: Tier,
    *,
    on: date,
    reason: str,
    why: PoolMove,
    log: AuditLog,
) -> None:
    assert person.id is not None
    session.add(
        PoolMembership(
            person_id=person.id,
            tier=tier,
            joined_on=on,
            join_reason=f"{why.value}：{reason}"[:256],
        )
    )
    log.record("pool", person.code, "joined_on", None, on, reason)
    if person.tier != tier:
        log.record("person", person.code, "tier", person.tier, tier, reason)
        person.tier = tier
        session.add(person)


def admit(
    session: Session, person: Person, tier: Tier, *, on: date, reason: str, actor: str
) -> bool:
    """Bring someone into the pool at `tier` (入库: an accepted nomination); False, changing
    nothing, when they are in it already."""
    assert person.id is not None
    if _in_pool(session, [person.id]):
        return False
    if not reason.strip():
        raise PoolError(f"{person.code} {person.name}：入库须写明理由 / admission needs a reason")
    log = AuditLog(actor)
    _enter(session, person, tier, on=on, reason=reason.strip(), why=PoolMove.ADMIT, log=log)
    log.write(session)
    return True
