"""People as staff look them up: a searched, filtered, paged list, and one person with their
pool stays, their cycles and the history of changes to them. Always within a Scope: another
office's person is not found, whatever 编号 is typed."""

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, or_, select

from appraisal.models import (
    AuditEntry,
    Cycle,
    CycleMember,
    Office,
    Person,
    PersonEntry,
    PoolMembership,
    Result,
    Talk,
)
from appraisal.models.vocab import EntryKind, Tier
from appraisal.store.offices import Scope, people_in
from appraisal.store.person_info import person_entries
from appraisal.store.records import TARGETS
from appraisal.store.talks import person_talks

PAGE_SIZE = 50
# Records are logged under "编号/年度/…": their history belongs to the person too.
RECORD_ENTITIES = tuple(t.entity for t in TARGETS.values())


@dataclass(frozen=True)
class PeopleFilter:
    text: str = ""  # part of a name or a 编号
    tier: Tier | None = None
    category: str = ""
    sector: str = ""
    unit: str = ""  # part of 工作单位 or 职务

    def apply(self, query: Any) -> Any:
        if self.text:
            like = f"%{_escaped(self.text)}%"
            query = query.where(
                or_(
                    col(Person.name).like(like, escape="\\"),
                    col(Person.code).like(like, escape="\\"),
                )
            )
        if self.tier is not None:
            query = query.where(col(Person.tier) == self.tier)
        if self.category:
            query = query.where(col(Person.category) == self.category)
        if self.sector:
            query = query.where(col(Person.sector) == self.sector)
        if self.unit:
            like = f"%{_escaped(self.unit)}%"
            query = query.where(
                or_(
                    col(Person.employer).like(like, escape="\\"),
                    col(Person.post).like(like, escape="\\"),
                )
            )
        return query


@dataclass(frozen=True)
class PeoplePage:
    people: list[Person]
    total: int
    page: int
    pages: int


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_people(
    session: Session, scope: Scope, where: PeopleFilter, page: int = 1, size: int = PAGE_SIZE
) -> PeoplePage:
    """One page of the people in scope that match, by 编号."""
    query = where.apply(people_in(scope))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    found = session.exec(query.order_by(col(Person.code)).offset((page - 1) * size).limit(size))
    return PeoplePage(list(found), total, page, pages)


def filter_choices(session: Session, scope: Scope) -> dict[str, list[str]]:
    """The 统战对象类别 and 界别 the people in scope have, for the filters' drop-downs."""
    ids = people_in(scope).with_only_columns(col(Person.id))
    choices = {}
    for name, column in (("category", Person.category), ("sector", Person.sector)):
        query = select(column).where(col(Person.id).in_(ids)).distinct().order_by(column)
        choices[name] = [v for v in session.exec(query) if v]
    return choices


@dataclass(frozen=True)
class PersonCycle:
    cycle: Cycle
    member: CycleMember
    result: Result | None


@dataclass(frozen=True)
class PersonRecord:
    person: Person
    office: str  # the office whose pool holds them
    stays: list[PoolMembership]
    cycles: list[PersonCycle]
    changes: list[AuditEntry]
    entries: dict[EntryKind, list[PersonEntry]] = field(default_factory=dict)
    talks: list[Talk] = field(default_factory=list)  # 谈心谈话, oldest first


def person_record(
    session: Session, scope: Scope, code: str, changes: int = 200
) -> PersonRecord | None:
    """Everything about the person with this 编号, if they are in scope; else None."""
    person = session.exec(people_in(scope).where(col(Person.code) == code)).first()
    if person is None or person.id is None:
        return None
    stays = session.exec(
        select(PoolMembership)
        .where(col(PoolMembership.person_id) == person.id)
        .order_by(col(PoolMembership.joined_on).desc(), col(PoolMembership.id).desc())
    )
    rows = session.exec(
        select(Cycle, CycleMember)
        .join(CycleMember, col(CycleMember.cycle_id) == col(Cycle.id))
        .where(col(CycleMember.person_id) == person.id)
        .order_by(col(Cycle.id).desc())
    )
    results = {
        r.cycle_id: r
        for r in session.exec(select(Result).where(col(Result.person_id) == person.id))
    }
    # A person moved between offices keeps cycles run by the old one: those stay that office's.
    cycles = [
        PersonCycle(c, m, results.get(c.id or 0)) for c, m in rows if scope.covers(c.office_id)
    ]
    history = session.exec(
        select(AuditEntry)
        .where(
            sa.or_(
                sa.and_(col(AuditEntry.entity) == "person", col(AuditEntry.entity_key) == code),
                sa.and_(
                    col(AuditEntry.entity).in_(RECORD_ENTITIES),
                    col(AuditEntry.entity_key).like(f"{_escaped(code)}/%", escape="\\"),
                ),
            )
        )
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .limit(changes)
    )
    office = session.get(Office, person.office_id)
    return PersonRecord(
        person, office.name if office else "", list(stays), cycles, list(history),
        person_entries(session, person.id), person_talks(session, person.id),
    )  # fmt: skip
