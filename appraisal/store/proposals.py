"""提案, 社情民意, 发言, 建议 and 询问 as the receiving office records them: the piece (a
DutyEvent) with its lead author and co-signers, one DutyRecord each (领衔 / 联名 with how many
signed, or 独立), and later its outcome (立案, 重点, 优秀; 采用, 批示), set on the piece and on
every author's record."""

from collections.abc import Sequence

from sqlmodel import Session, col, select

from appraisal.models import DutyEvent, Person
from appraisal.models.vocab import DutyOutcome
from appraisal.recording_rules import AUTHORED, EventFacts, check_outcome, signers
from appraisal.store.changes import AuditLog, ImportCounts
from appraisal.store.duty_events import (
    Part,
    event_key,
    event_records,
    get_event,
    people_by_code,
    write_event_records,
)
from appraisal.store.recorders import Recorder, RecordingError


def add_proposal(
    session: Session,
    *,
    recorder: Recorder,
    facts: EventFacts,
    lead: str,
    cosigners: Sequence[str] = (),
) -> DutyEvent:
    """A 提案 (or another piece of AUTHORED) received on `facts.held_on`, by its lead author's and
    co-signers' person codes."""
    if facts.kind not in AUTHORED:
        raise RecordingError(f"“{facts.kind.value}”登记出席情况，不登记作者")
    recorder.check(facts.kind)
    parts = signers(lead, cosigners)
    people = people_by_code(session, [p.code for p in parts], recorder.scope)
    event = DutyEvent(
        year=facts.year, kind=facts.kind, title=facts.title, held_on=facts.held_on,
        place=facts.place, notes=facts.notes, organiser=recorder.department,
        office_id=recorder.office_id, created_by=recorder.actor,
    )  # fmt: skip
    session.add(event)
    session.flush()
    targets = [Part(people[p.code], {"role": p.role, "cosigners": p.cosigners}) for p in parts]
    write_event_records(session, event, targets, recorder,
                        f"登记{event.kind.value} {event.title}")  # fmt: skip
    return event


def set_outcome(
    session: Session, *, event_id: int, outcome: DutyOutcome, recorder: Recorder
) -> ImportCounts:
    """The piece's outcome, on it and on each of its authors' records (audited)."""
    event = get_event(session, event_id, recorder.scope)
    recorder.check(event.kind)
    if event.kind not in AUTHORED:
        raise RecordingError(f"“{event.kind.value}”没有办理结果")
    check_outcome(event.kind, outcome)
    if event.outcome != outcome:
        log = AuditLog(recorder.actor)
        log.record("duty_event", event_key(event), "outcome", event.outcome, outcome,
                   f"{event.kind.value}办理结果")  # fmt: skip
        log.write(session)
        event.outcome = outcome
        session.add(event)
    authors = session.exec(
        select(Person).where(col(Person.id).in_(list(event_records(session, event))))
    )
    targets = [Part(p, {"outcome": outcome}) for p in authors]
    return write_event_records(session, event, targets, recorder,
                               f"{event.kind.value}办理结果 {event.title}")  # fmt: skip
