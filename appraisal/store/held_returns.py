"""Returns held for staff review (their pages showed no signature or stamp): list them, and
record staff's decision: accept one as a signed return (it becomes the document's next version)
or reject it to quarantine. Each decision is audited with who and why."""

from pathlib import Path

from sqlmodel import Session, col, select

from appraisal.db import begin_writing
from appraisal.files import ChangedFile, copy_checked, keep_unique
from appraisal.intake import Inspection
from appraisal.models import Cycle, IntakeEvent, SignOff
from appraisal.paths import located, stored
from appraisal.store.changes import AuditLog
from appraisal.store.signoffs import (
    ACCEPTED,
    HELD,
    QUARANTINED,
    RECORDED,
    IntakeOutcome,
    SignOffError,
    record_return,
)


def held_returns(session: Session, cycle_id: int) -> list[IntakeEvent]:
    """The cycle's returns held for staff review, oldest first."""
    query = select(IntakeEvent).where(IntakeEvent.cycle_id == cycle_id, IntakeEvent.outcome == HELD)
    return list(session.exec(query.order_by(col(IntakeEvent.id))))


def held_return(session: Session, cycle_id: int, event_id: int) -> IntakeEvent:
    event = session.get(IntakeEvent, event_id)
    if event is None or event.cycle_id != cycle_id or event.outcome != HELD:
        raise SignOffError(
            f"第{cycle_id}号考核周期没有待核对的回件 #{event_id} / no return #{event_id} is held "
            f"for review in cycle {cycle_id} (appraisal signoff held {cycle_id} lists them)"
        )
    return event


def _decide(session: Session, event: IntakeEvent, outcome: str, reason: str, actor: str) -> None:
    log = AuditLog(actor)
    log.record("intake", f"#{event.id}", "outcome", event.outcome, outcome, reason.strip())
    log.write(session)
    decided = f"工作人员决定 / decided by {actor}: {outcome}: {reason.strip()}"
    event.outcome, event.reason = outcome, f"{event.reason}; {decided}"[:2048]
    session.add(event)
    session.flush()


def accept_held(
    session: Session,
    *,
    cycle: Cycle,
    event_id: int,
    ins: Inspection,
    reason: str,
    returns_dir: Path,
    quarantine_dir: Path,
    held_dir: Path,
    actor: str,
) -> IntakeOutcome:
    """Record a held return as a signed return, on staff's word; `ins` is the held file
    inspected again (without comparing its pages). The caller removes the held file once this is
    committed."""
    if not reason.strip():
        raise SignOffError(
            "认定待核对回件须写明理由 / accepting a held return needs a reason (--reason)"
        )
    begin_writing(session)
    event = held_return(session, cycle.id or 0, event_id)
    if (ins.document_id, ins.sha256) != (event.document_id, event.sha256):
        raise SignOffError(
            f"待核对回件 #{event_id}：{event.stored_path} 此后已被改动 / has changed since"
        )
    _decide(session, event, ACCEPTED, reason, actor)
    outcome = record_return(
        session, cycle=cycle, ins=ins, returns_dir=returns_dir, quarantine_dir=quarantine_dir,
        held_dir=held_dir, source="staff", actor=actor,
    )  # fmt: skip
    if outcome.outcome != RECORDED:
        raise SignOffError(f"待核对回件 #{event_id}：{outcome.message}")
    signoff = session.exec(
        select(SignOff).where(
            SignOff.document_id == outcome.document_id, SignOff.version == outcome.version
        )
    ).one()
    event.stored_path = signoff.file_path
    session.add(event)
    return outcome


def reject_held(
    session: Session,
    *,
    cycle_id: int,
    event_id: int,
    reason: str,
    quarantine_dir: Path,
    actor: str,
) -> IntakeEvent:
    """Move a held return to quarantine, on staff's word. The caller removes the held file once
    this is committed."""
    if not reason.strip():
        raise SignOffError(
            "退回待核对回件须写明理由 / rejecting a held return needs a reason (--reason)"
        )
    begin_writing(session)
    event = held_return(session, cycle_id, event_id)
    try:
        tmp, digest = copy_checked(located(event.stored_path), quarantine_dir, event.sha256)
    except (ChangedFile, OSError) as exc:
        raise SignOffError(f"待核对回件 #{event_id}：{event.stored_path}：{exc}") from exc
    event.stored_path = stored(keep_unique(tmp, quarantine_dir / event.file_name, digest))
    event.problem = "unsigned"
    _decide(session, event, QUARANTINED, reason, actor)
    return event
