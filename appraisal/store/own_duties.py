"""What a member sees of their own year through their personal link: their 履职记录 with the
points each earns under the scheme of the link's cycle, and their 履职申报 with the decisions.

A link belongs to one cycle; through the year a member uses the link of their current cycle
(the cycle of the year their records are kept under), so the year and the scheme are the
cycle's, as the evaluation will count them."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from appraisal.documents.recipients import SELF
from appraisal.models import Cycle, DutyClaim, DutyRecord, Person, ReviewerLink
from appraisal.scheme import parse_scheme
from appraisal.scoring.own_points import DutyLine, OwnPoints, own_points
from appraisal.store.claims import closed_reason, person_claims
from appraisal.store.reports import link_person


@dataclass(frozen=True)
class OwnYear:
    cycle: Cycle
    person: Person
    points: OwnPoints
    claims: tuple[DutyClaim, ...]
    closed: str | None  # why no more claims are taken; None while they are


def link_member(session: Session, link: ReviewerLink) -> tuple[Cycle, Person] | None:
    """The cycle and the member a person's own link (本人) is for; None for anyone else's link,
    or when the name does not single out one member of the cycle."""
    if link.reviewer_kind != SELF:
        return None
    cycle = session.get(Cycle, link.cycle_id)
    if cycle is None:
        return None
    person = link_person(session, cycle, link.reviewer_name)
    return (cycle, person) if person is not None else None


def own_year(session: Session, cycle: Cycle, person: Person) -> OwnYear:
    """The member's records of the cycle's year, scored with the cycle's scheme, and claims."""
    assert person.id is not None
    scheme = parse_scheme(cycle.scheme_toml, f"scheme of cycle {cycle.name}")
    records = session.exec(
        select(DutyRecord)
        .where(DutyRecord.person_id == person.id, DutyRecord.year == cycle.year)
        .order_by(col(DutyRecord.held_on), col(DutyRecord.record_key))
    )
    lines = [_line(r) for r in records]
    return OwnYear(
        cycle=cycle,
        person=person,
        points=own_points(scheme.points, lines, scheme.decimals),
        claims=tuple(person_claims(session, person.id, cycle.year)),
        closed=closed_reason(session, cycle),
    )


def _line(r: DutyRecord) -> DutyLine:
    return DutyLine(
        kind=r.kind, title=r.title, held_on=r.held_on, role=r.role, attendance=r.attendance,
        outcome=r.outcome, cosigners=r.cosigners, source=r.source, recorded_by=r.recorded_by,
        recorded_at=r.recorded_at,
    )  # fmt: skip
