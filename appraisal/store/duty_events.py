"""Events a department organised and the attendance it recorded (谁组织谁记录): one DutyRecord
per member and event, record_key "EV-<event id>", source 登记. Recording again changes the row
(never a second one) and the audit log keeps what it was."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from appraisal.models import DutyEvent, DutyRecord, Person
from appraisal.models.base import utcnow
from appraisal.models.vocab import Attendance, DutySource
from appraisal.recording_rules import ATTENDED, EventFacts
from appraisal.store.changes import AuditLog, ImportCounts
from appraisal.store.offices import Scope, people_in
from appraisal.store.recorders import Recorder, RecordingError

ENTITY = "duty_record"


class NoSuchEvent(LookupError):
    """No event of that number in the asker's offices."""


def event_key(event: DutyEvent) -> str:
    return f"EV-{event.id}"


def add_event(session: Session, *, recorder: Recorder, facts: EventFacts) -> DutyEvent:
    """A meeting, activity, 调研 ... organised by the recorder's department."""
    recorder.check(facts.kind)
    event = DutyEvent(
        year=facts.year, kind=facts.kind, title=facts.title, held_on=facts.held_on,
        place=facts.place, notes=facts.notes, organiser=recorder.department,
        office_id=recorder.office_id, created_by=recorder.actor,
    )  # fmt: skip
    session.add(event)
    session.flush()
    log = AuditLog(recorder.actor)
    log.record("duty_event", event_key(event), "title", None, event.title,
               f"登记{event.kind.value} {event.held_on.isoformat()}")  # fmt: skip
    log.write(session)
    return event


def get_event(session: Session, event_id: int, scope: Scope) -> DutyEvent:
    event = session.get(DutyEvent, event_id)
    if event is None or not scope.covers(event.office_id):
        raise NoSuchEvent(f"没有编号为 {event_id} 的履职活动，或它不属于您的单位")
    return event


def members(session: Session, scope: Scope) -> list[Person]:
    """The member list a recorder picks from: the people of the pool in their offices."""
    return list(session.exec(people_in(scope).order_by(col(Person.code))))


def event_records(session: Session, event: DutyEvent) -> dict[int, DutyRecord]:
    """The event's records by person id."""
    rows = session.exec(select(DutyRecord).where(DutyRecord.event_id == event.id))
    return {r.person_id: r for r in rows}


@dataclass(frozen=True)
class Part:
    """One member's part in an event, as the recorder gives it."""

    person: Person
    values: Mapping[str, Any]


def write_event_records(
    session: Session, event: DutyEvent, targets: list[Part], recorder: Recorder, reason: str
) -> ImportCounts:
    """Add or change each member's record of the event; audit every changed value."""
    existing = event_records(session, event)
    log = AuditLog(recorder.actor)
    now = utcnow()
    added = updated = 0
    for target in targets:
        person_id = target.person.id or 0
        row = existing.get(person_id)
        key = f"{target.person.code}/{event.year}/{event_key(event)}"
        if row is None:
            row = _unkeyed_row(session, person_id, event)
        if row is None:
            row = DutyRecord(person_id=person_id, year=event.year, record_key=event_key(event),
                             kind=event.kind, event_id=event.id)  # fmt: skip
            before: dict[str, Any] = {}
            added += 1
        else:
            before = {f: getattr(row, f) for f in target.values}
        after = {"title": event.title, "held_on": event.held_on, **target.values}
        changed = {f: v for f, v in after.items() if getattr(row, f) != v}
        if not changed and row.id is not None:
            continue
        if row.id is not None:
            updated += 1
        for field, value in changed.items():
            if field in target.values:
                log.record(ENTITY, key, field, before.get(field), value, reason)
            setattr(row, field, value)
        row.source, row.recorded_by, row.recorded_at = DutySource.RECORDED, recorder.actor, now
        row.event_id = event.id
        session.add(row)
    session.flush()
    log.write(session)
    return ImportCounts(added, updated, len(targets) - added - updated)


def _unkeyed_row(session: Session, person_id: int, event: DutyEvent) -> DutyRecord | None:
    """A row with the event's key but no link to it (none is made so; a safeguard against the
    unique key refusing the insert)."""
    return session.exec(
        select(DutyRecord).where(
            DutyRecord.person_id == person_id,
            DutyRecord.year == event.year,
            DutyRecord.record_key == event_key(event),
        )
    ).first()


def people_by_code(session: Session, codes: list[str], scope: Scope) -> dict[str, Person]:
    """The people the codes name, in `scope`; a code not found is a RecordingError naming it."""
    found = {p.code: p for p in session.exec(people_in(scope).where(col(Person.code).in_(codes)))}
    missing = [c for c in codes if c not in found]
    if missing:
        raise RecordingError(f"人员库中（本单位范围内）没有编号 {'、'.join(missing)}")
    return found


def record_attendance(
    session: Session, *, event_id: int, marks: Mapping[str, Attendance], recorder: Recorder
) -> ImportCounts:
    """Record who attended (出席), was excused (请假) or absent (缺席), by person code. People
    not in `marks` are left as they are."""
    event = get_event(session, event_id, recorder.scope)
    recorder.check(event.kind)
    if event.kind not in ATTENDED:
        raise RecordingError(f"“{event.kind.value}”记录作者而非出席情况")
    people = people_by_code(session, list(marks), recorder.scope)
    targets = [Part(people[c], {"attendance": a}) for c, a in marks.items()]
    reason = f"登记出席 {event.title}（{event.held_on.isoformat()}）"
    return write_event_records(session, event, targets, recorder, reason)
