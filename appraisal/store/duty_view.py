"""The year's recorded duties as staff look them up (the 履职登记 page, `appraisal duties
list`): events with how many were recorded, and records with who recorded them and when."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from appraisal.models import DutyEvent, DutyRecord, Person
from appraisal.models.vocab import DutyKind, DutySource
from appraisal.store.offices import Scope

# The records page shows at most this many rows; filters narrow it.
RECORDS_SHOWN = 500


@dataclass(frozen=True)
class DutyFilter:
    year: int
    kind: DutyKind | None = None
    organiser: str = ""
    source: DutySource | None = None
    person: str = ""  # a code or a name


@dataclass(frozen=True)
class EventRow:
    event: DutyEvent
    recorded: int


@dataclass(frozen=True)
class RecordRow:
    code: str
    name: str
    record: DutyRecord
    organiser: str  # 记录单位: the event's department; "" for an imported row


def list_events(session: Session, scope: Scope, where: DutyFilter) -> list[EventRow]:
    query = scope.only(select(DutyEvent), DutyEvent.office_id).where(DutyEvent.year == where.year)
    if where.kind is not None:
        query = query.where(DutyEvent.kind == where.kind)
    if where.organiser:
        query = query.where(DutyEvent.organiser == where.organiser)
    events = list(session.exec(query.order_by(col(DutyEvent.held_on).desc(), col(DutyEvent.id))))
    counts = dict(
        session.exec(
            select(DutyRecord.event_id, func.count())
            .where(col(DutyRecord.event_id).in_([e.id for e in events]))
            .group_by(col(DutyRecord.event_id))
        ).all()
    )
    return [EventRow(e, counts.get(e.id, 0)) for e in events]


def list_records(session: Session, scope: Scope, where: DutyFilter) -> list[RecordRow]:
    query = (
        scope.only(select(DutyRecord, Person, DutyEvent), Person.office_id)
        .join(Person, col(Person.id) == col(DutyRecord.person_id))
        .outerjoin(DutyEvent, col(DutyEvent.id) == col(DutyRecord.event_id))
        .where(DutyRecord.year == where.year)
    )
    if where.kind is not None:
        query = query.where(DutyRecord.kind == where.kind)
    if where.organiser:
        query = query.where(DutyEvent.organiser == where.organiser)
    if where.source is not None:
        query = query.where(DutyRecord.source == where.source)
    if where.person:
        query = query.where((Person.code == where.person) | (Person.name == where.person))
    query = query.order_by(
        col(DutyRecord.held_on).desc(), col(DutyRecord.record_key), col(Person.code)
    ).limit(RECORDS_SHOWN)
    return [
        RecordRow(p.code, p.name, r, e.organiser if e is not None else "")
        for r, p, e in session.exec(query)
    ]


def organisers(session: Session, scope: Scope, year: int) -> list[str]:
    query = scope.only(select(DutyEvent.organiser), DutyEvent.office_id)
    query = query.where(DutyEvent.year == year).distinct()
    return sorted(o for o in session.exec(query) if o)
