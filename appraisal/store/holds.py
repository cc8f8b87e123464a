"""暂缓: a 征求意见 reply objecting to a person holds their result until staff decide.

While a hold is pending the person gets no 结果通知书, cannot be 审定, and the 情况通报 lists
them as 暂缓; everyone else goes on. Staff decide 核实后维持 (the grade stands) or 调整 (a new
grade from the scheme's scale, with the reason), audited as the 复核 decision is; the old grade
stays on the hold, in the result's detail and in the audit trail. One function per operation:
`hold_for_objection` (from `record_reply`), `decide_hold`, `list_holds`.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from appraisal.models import Cycle, Document, GradeApproval, ObjectionHold, Person, Result
from appraisal.models.base import utcnow
from appraisal.models.vocab import Grade, HoldStatus
from appraisal.store.changes import AuditLog
from appraisal.store.cycles import cycle_people
from appraisal.store.results import change_grade, off_scale


class HoldError(Exception):
    """A hold decision that cannot be taken, with the reason."""


@dataclass(frozen=True)
class HoldRow:
    code: str
    name: str
    grade: str  # the Result's grade now
    hold: ObjectionHold


def hold_for_objection(
    session: Session, doc: Document, person: Person, text: str, log: AuditLog
) -> ObjectionHold:
    """Hold `person`'s result for the objection `doc`'s reply makes: one hold per letter and
    person, reworded (and pending again) when the letter's reply is recorded anew."""
    assert person.id is not None
    row = session.exec(
        select(ObjectionHold).where(
            ObjectionHold.cycle_id == doc.cycle_id,
            ObjectionHold.person_id == person.id,
            ObjectionHold.document_id == doc.id,
        )
    ).first()
    cycle = session.get(Cycle, doc.cycle_id)
    key = f"{cycle.name if cycle else doc.cycle_id}/{person.code}"
    if row is None:
        row = ObjectionHold(
            cycle_id=doc.cycle_id,
            person_id=person.id,
            document_id=doc.id,
            body=doc.recipient_name[:128],
            text=text[:4096],
        )
        log.record("hold", key, "status", None, HoldStatus.PENDING, f"{row.body}：{text}")
    elif row.text != text[:4096] or row.status != HoldStatus.PENDING:
        log.record("hold", key, "status", row.status, HoldStatus.PENDING, f"{row.body}：{text}")
        row.text, row.status = text[:4096], HoldStatus.PENDING
    session.add(row)
    return row


def _pending(session: Session, cycle_id: int, person_id: int) -> list[ObjectionHold]:
    return list(
        session.exec(
            select(ObjectionHold)
            .where(
                ObjectionHold.cycle_id == cycle_id,
                ObjectionHold.person_id == person_id,
                ObjectionHold.status == HoldStatus.PENDING,
            )
            .order_by(col(ObjectionHold.id))
        )
    )


def decide_hold(
    session: Session,
    *,
    cycle: Cycle,
    code: str,
    new_grade: Grade | None,
    reason: str,
    actor: str,
) -> list[ObjectionHold]:
    """Decide every pending hold on `code`: 核实后维持 (`new_grade` None) or 调整 to `new_grade`,
    one of the scheme's grades, which becomes their Result's grade. Both need the reason. An
    调整 withdraws a 审定 already made, so the new grade is put to 审定 again."""
    assert cycle.id is not None
    found = cycle_people(session, cycle.id, [code])
    if not found:
        raise HoldError(f"{code} 不在第{cycle.id}号考核周期“{cycle.name}”中 / not in cycle")
    person = found[0]
    assert person.id is not None
    label = f"{person.name}（{code}）"
    holds = _pending(session, cycle.id, person.id)
    if not holds:
        raise HoldError(f"{label}没有待核实的异议 / no pending objection holds this person")
    reason = reason.strip()
    if not reason:
        raise HoldError(f"{label}：核实决定须写明理由 / a decision needs its reason (--reason)")
    result = session.exec(
        select(Result).where(Result.cycle_id == cycle.id, Result.person_id == person.id)
    ).first()
    if result is None or result.grade is None:
        raise HoldError(f"{label}没有评价等次，无法核实决定 / no grade to keep or adjust")
    if new_grade is not None:
        if problem := off_scale(cycle, new_grade, label):
            raise HoldError(problem)
        if new_grade == result.grade:
            raise HoldError(
                f"{label}的等次已是“{new_grade.value}”：不调整请选择核实后维持"
                " / that is the grade now"
            )
    status = HoldStatus.KEPT if new_grade is None else HoldStatus.ADJUSTED
    log = AuditLog(actor)
    key = f"{cycle.name}/{code}"
    old = result.grade
    for hold in holds:
        hold.status, hold.original_grade, hold.new_grade = status, old, new_grade
        hold.decision_reason, hold.decided_by, hold.decided_at = reason, actor, utcnow()
        session.add(hold)
        log.record("hold", key, "status", HoldStatus.PENDING, status, f"{hold.body}：{reason}")
    if new_grade is not None:
        change_grade(session, cycle, result, new_grade, step="hold", reason=reason,
                     note=f"异议核实后调整：{reason}", log=log, key=key)  # fmt: skip
        approval = session.exec(
            select(GradeApproval).where(
                GradeApproval.cycle_id == cycle.id, GradeApproval.person_id == person.id
            )
        ).first()
        if approval is not None:
            again = "异议核实后等次调整，须重新审定"
            log.record("approval", key, "grade", approval.grade, None, again)
            session.delete(approval)
    log.write(session)
    session.flush()
    return holds


def list_holds(session: Session, cycle: Cycle) -> list[HoldRow]:
    """Every objection hold of the cycle, pending first, then by 编号."""
    query = (
        select(ObjectionHold, Person.code, Person.name, Result.grade)
        .join(Person, col(Person.id) == col(ObjectionHold.person_id))
        .join(
            Result,
            (col(Result.person_id) == col(ObjectionHold.person_id))
            & (col(Result.cycle_id) == col(ObjectionHold.cycle_id)),
            isouter=True,
        )
        .where(ObjectionHold.cycle_id == cycle.id)
        .order_by(col(Person.code), col(ObjectionHold.id))
    )
    rows = [
        HoldRow(code, name, grade.value if isinstance(grade, Grade) else (grade or ""), hold)
        for hold, code, name, grade in session.exec(query)
    ]
    return sorted(rows, key=lambda r: (r.hold.status != HoldStatus.PENDING, r.code))


def held_person_ids(session: Session, cycle_id: int) -> set[int]:
    """The people of the cycle an objection still holds."""
    query = select(ObjectionHold.person_id).where(
        ObjectionHold.cycle_id == cycle_id, ObjectionHold.status == HoldStatus.PENDING
    )
    return set(session.exec(query))
