"""审定: after evaluation and solicitation, a 审核 confirms or adjusts each person's grade, with a
reason for an adjustment; notification goes out only after it (the 审定 stage's gate waits for
everyone not held by an objection or decided 暂缓评定/免评).

An adjustment becomes the Result's grade; the engine's grade stays on the 审定 row, in the
result's detail and in the audit trail. One function per operation: `approve_grade` (one
person, confirmed or adjusted), `confirm_rest` (the bulk confirm of the unremarkable),
`approval_board` (what the 审定 page and the 审定表 show).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from appraisal.employer_split import joined
from appraisal.kinds import PERSONAL_NOTICES
from appraisal.models import Cycle, CycleMember, Document, GradeApproval, Person, Result
from appraisal.models.vocab import Grade, Stage
from appraisal.stages import stage_name
from appraisal.store.changes import AuditLog
from appraisal.store.cycles import CycleError
from appraisal.store.holds import held_person_ids
from appraisal.store.results import change_grade, off_scale
from appraisal.store.stage_runs import stage_run

# Until solicitation's gate has let the cycle on there is nothing settled to 审定.
_OPEN_AT = (Stage.APPROVAL, Stage.NOTIFICATION, Stage.ARCHIVE)


class ApprovalError(Exception):
    """A 审定 that cannot be made, with the reason."""


@dataclass(frozen=True)
class ApprovalRow:
    """One member of the cycle as the 审定 page shows them."""

    person_id: int
    code: str
    name: str
    employer_post: str
    composite: float | None
    engine_grade: str  # the grade put to 审定 (the engine's, or staff's after an objection)
    grade: str  # the grade now: the 审定 grade once approved
    held: bool  # an objection holds them: not to be 审定 until it is decided
    decision: str  # 暂缓评定 or 免评: nothing to 审定
    approval: GradeApproval | None

    @property
    def waiting(self) -> bool:
        """To be 审定 now: graded, not held, not decided about, not yet 审定."""
        return bool(self.grade) and not self.held and not self.decision and self.approval is None


@dataclass(frozen=True)
class Board:
    rows: list[ApprovalRow]

    @property
    def waiting(self) -> list[ApprovalRow]:
        return [r for r in self.rows if r.waiting]

    @property
    def approved(self) -> list[ApprovalRow]:
        return [r for r in self.rows if r.approval is not None]

    @property
    def adjusted(self) -> list[ApprovalRow]:
        return [r for r in self.approved if r.approval and r.approval.reason]

    @property
    def held(self) -> list[ApprovalRow]:
        return [r for r in self.rows if r.held]

    @property
    def last_at(self) -> datetime | None:
        return max((r.approval.approved_at for r in self.approved if r.approval), default=None)


def approval_board(session: Session, cycle: Cycle) -> Board:
    """Everyone of the cycle in 编号 order, with their grade, hold and 审定."""
    assert cycle.id is not None
    held = held_person_ids(session, cycle.id)
    approvals = {
        a.person_id: a
        for a in session.exec(select(GradeApproval).where(GradeApproval.cycle_id == cycle.id))
    }
    query = (
        select(Person, CycleMember, Result)
        .join(CycleMember, col(CycleMember.person_id) == col(Person.id))
        .join(
            Result,
            (col(Result.person_id) == col(Person.id)) & (col(Result.cycle_id) == cycle.id),
            isouter=True,
        )
        .where(CycleMember.cycle_id == cycle.id)
        .order_by(col(Person.code))
    )
    rows = []
    for person, member, result in session.exec(query):
        approval = approvals.get(person.id or 0)
        grade = result.grade.value if result and result.grade else ""
        put = approval.engine_grade if approval else None
        rows.append(
            ApprovalRow(
                person_id=person.id or 0,
                code=person.code,
                name=person.name,
                employer_post=joined(person.employer, person.post),
                composite=result.composite if result else None,
                engine_grade=put.value if put else grade,
                grade=grade,
                held=person.id in held,
                decision=member.decision.value if member.decision else "",
                approval=approval,
            )
        )
    return Board(rows)


def _check_open(session: Session, cycle: Cycle) -> None:
    if cycle.stage not in _OPEN_AT:
        raise ApprovalError(
            f"第{cycle.id}号考核周期处于{stage_name(cycle.stage)}阶段：征求意见结束后才能审定"
            " / 审定 comes after evaluation and solicitation"
        )


def approve_grade(
    session: Session,
    *,
    cycle: Cycle,
    code: str,
    new_grade: Grade | None,
    reason: str,
    actor: str,
) -> GradeApproval:
    """审定 one person's grade: confirmed (`new_grade` None or the grade it is) or adjusted to
    `new_grade`, one of the scheme's grades, with `reason`. Made once: a 审定 is withdrawn only
    by an objection's 调整, which puts the new grade to 审定 again."""
    assert cycle.id is not None
    _check_open(session, cycle)
    row = next((r for r in approval_board(session, cycle).rows if r.code == code), None)
    if row is None:
        raise ApprovalError(f"{code} 不在第{cycle.id}号考核周期“{cycle.name}”中 / not in cycle")
    late = stage_run(session, cycle.id, Stage.NOTIFICATION) is not None
    log = AuditLog(actor)
    approval = _approve(session, cycle, row, new_grade, reason, actor, late, log)
    log.write(session)
    session.flush()
    return approval


def _approve(
    session: Session,
    cycle: Cycle,
    row: ApprovalRow,
    new_grade: Grade | None,
    reason: str,
    actor: str,
    late: bool,
    log: AuditLog,
) -> GradeApproval:
    assert cycle.id is not None
    code = row.code
    label = f"{row.name}（{code}）"
    if row.approval is not None:
        raise ApprovalError(f"{label}已审定为“{row.approval.grade.value}” / already 审定")
    if row.held:
        raise ApprovalError(
            f"{label}的结果因征求意见有异议暂缓，须先核实决定（appraisal hold decide）"
            " / an objection holds this result: decide it first"
        )
    if row.decision:
        raise ApprovalError(f"{label}已决定{row.decision}，无等次可审定 / nothing to 审定")
    if not row.grade:
        raise ApprovalError(f"{label}尚无评价等次 / no grade to 审定")
    old = Grade(row.grade)
    reason = reason.strip()
    if new_grade is not None and new_grade != old:
        if problem := off_scale(cycle, new_grade, label):
            raise ApprovalError(problem)
        if not reason:
            raise ApprovalError(f"{label}：调整等次须写明理由 / an adjustment needs its reason")
    else:
        new_grade, reason = old, ""
    approval = GradeApproval(
        cycle_id=cycle.id, person_id=row.person_id, engine_grade=old, grade=new_grade,
        reason=reason, approved_by=actor, after_notification=late,
    )  # fmt: skip
    session.add(approval)
    key = f"{cycle.name}/{code}"
    log.record("approval", key, "grade", None, new_grade, reason or "审定：维持")
    if new_grade != old:
        result = session.exec(
            select(Result).where(Result.cycle_id == cycle.id, Result.person_id == row.person_id)
        ).one()
        change_grade(session, cycle, result, new_grade, step="approval", reason=reason,
                     note=f"审定调整：{reason}", log=log, key=key)  # fmt: skip
    return approval


def confirm_rest(session: Session, *, cycle: Cycle, actor: str) -> list[str]:
    """审定 as they are the grades of everyone still waiting (not held, not decided about, not
    already 审定): the bulk confirm of the unremarkable. The 编号 confirmed."""
    assert cycle.id is not None
    _check_open(session, cycle)
    late = stage_run(session, cycle.id, Stage.NOTIFICATION) is not None
    log = AuditLog(actor)
    done = []
    for row in approval_board(session, cycle).waiting:
        _approve(session, cycle, row, None, "", actor, late, log)
        done.append(row.code)
    log.write(session)
    session.flush()
    return done


def approved_unnotified(session: Session, cycle_id: int) -> bool:
    """Whether someone was 审定 after notification ran (a hold decided late) and has no
    结果通知书 yet: running the notification stage again makes it."""
    late = select(GradeApproval.person_id).where(
        GradeApproval.cycle_id == cycle_id, col(GradeApproval.after_notification)
    )
    noticed = select(Document.person_id).where(
        Document.cycle_id == cycle_id, col(Document.template_id).in_(PERSONAL_NOTICES)
    )
    return bool(set(session.exec(late)) - set(session.exec(noticed)))


def not_approved(session: Session, cycle: Cycle) -> list[ApprovalRow]:
    """Whom the 审定 gate waits for."""
    if cycle.stage == Stage.DONE:
        return []
    return approval_board(session, cycle).waiting


__all__ = [
    "ApprovalError",
    "ApprovalRow",
    "Board",
    "CycleError",
    "approval_board",
    "approve_grade",
    "approved_unnotified",
    "confirm_rest",
    "not_approved",
]
