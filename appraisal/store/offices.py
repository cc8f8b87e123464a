"""Offices and what each staff member may see: an office sees its own people and cycles and those
of every office below it (分层分类). Every portal query over people or cycles goes through a Scope,
so another office's rows are not found at all, whatever link or number is typed."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, Self, TypeVar

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from appraisal.models import Office, Person, StaffUser
from appraisal.models.office import ROOT_OFFICE_ID
from appraisal.models.vocab import DutyKind, Role
from appraisal.roles import Action, allows


class _Filterable(Protocol):
    def where(self, *whereclause: Any) -> Self: ...


Q = TypeVar("Q", bound=_Filterable)


class OfficeError(ValueError):
    """An office that cannot be made or found, with the reason in Chinese."""


@dataclass(frozen=True)
class Scope:
    """The offices whose rows a staff member sees; None is every office (the CLI, an admin's
    scripting interface run by whoever holds the server)."""

    office_ids: frozenset[int] | None

    def covers(self, office_id: int) -> bool:
        return self.office_ids is None or office_id in self.office_ids

    def only(self, query: Q, column: Any) -> Q:
        """`query` narrowed to rows whose office `column` is in this scope."""
        if self.office_ids is None:
            return query
        return query.where(col(column).in_(sorted(self.office_ids)))


EVERYWHERE = Scope(None)


@dataclass(frozen=True)
class StaffMember:
    """A logged-in staff member as the portal acts for them."""

    username: str
    role: Role
    office_id: int
    office_name: str
    scope: Scope
    # A 登记 account's duty kinds and department (appraisal/store/recorders.py).
    duty_kinds: frozenset[DutyKind] = frozenset()
    department: str = ""

    def may(self, action: Action) -> bool:
        return allows(self.role, action)

    @property
    def may_manage(self) -> bool:
        return self.may(Action.MANAGE)

    @property
    def may_run(self) -> bool:
        return self.may(Action.RUN)

    @property
    def may_record(self) -> bool:
        return self.may(Action.RECORD)

    @property
    def actor(self) -> str:
        return f"staff:{self.username}"


def offices_below(offices: Iterable[Office], office_id: int) -> frozenset[int]:
    """`office_id` and every office under it, however deep."""
    children: dict[int | None, list[int]] = {}
    for office in offices:
        assert office.id is not None
        children.setdefault(office.parent_id, []).append(office.id)
    seen = {office_id}
    todo = [office_id]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in seen:  # a loop in bad data must not spin forever
                seen.add(child)
                todo.append(child)
    return frozenset(seen)


def scope_of(session: Session, office_id: int) -> Scope:
    return Scope(offices_below(session.exec(select(Office)).all(), office_id))


def staff_member(session: Session, user: StaffUser) -> StaffMember:
    office = session.get(Office, user.office_id)
    return StaffMember(
        username=user.username,
        role=user.role,
        office_id=user.office_id,
        office_name=office.name if office else "",
        scope=scope_of(session, user.office_id),
        duty_kinds=frozenset(k for k in DutyKind if k.value in user.duty_kinds.split("、")),
        department=user.department,
    )


def list_offices(session: Session, scope: Scope = EVERYWHERE) -> list[tuple[Office, int]]:
    """The offices in scope as a tree in reading order: each with its depth below the top."""
    offices = list(session.exec(select(Office).order_by(col(Office.name))))
    known = {o.id for o in offices}
    children: dict[int | None, list[Office]] = {}
    for office in offices:
        parent = office.parent_id if office.parent_id in known else None
        children.setdefault(parent, []).append(office)
    tree: list[tuple[Office, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for office in children.get(parent, []):
            assert office.id is not None
            if scope.covers(office.id):
                tree.append((office, depth))
            walk(office.id, depth + 1)

    walk(None, 0)
    return tree


def office_named(session: Session, name: str) -> Office:
    office = session.exec(select(Office).where(Office.name == name.strip())).first()
    if office is None:
        known = "、".join(o.name for o in session.exec(select(Office).order_by(col(Office.id))))
        raise OfficeError(f"没有名为“{name}”的单位；现有：{known}")
    return office


def office_of(session: Session, office_id: int) -> str:
    office = session.get(Office, office_id)
    return office.name if office else ""


def issuing_office(
    session: Session, office_id: int, *, name: str, number_prefix: str, contact: str, phone: str
) -> dict[str, str]:
    """The issuer a cycle's letters print: the running office's own name and the nearest
    contact up its line of offices; the top office (and a contact no office gives) is the
    configured one passed in."""
    line: list[Office] = []
    office = session.get(Office, office_id)
    while office is not None and office.id != ROOT_OFFICE_ID and office not in line:
        line.append(office)
        office = session.get(Office, office.parent_id) if office.parent_id is not None else None
    reachable = next((o for o in line if o.contact or o.phone), None)
    return {
        "name": line[0].name if line else name,
        "number_prefix": number_prefix,
        "contact": reachable.contact if reachable else contact,
        "phone": reachable.phone if reachable else phone,
    }


def root_office(session: Session) -> Office:
    office = session.get(Office, ROOT_OFFICE_ID)
    if office is None:  # the migration makes it; an emptied database gets it again here
        # No id given: the table is empty, so the sequence hands out the first, and stays in step.
        office = Office(name="本单位")
        session.add(office)
        session.flush()
        if office.id != ROOT_OFFICE_ID:
            raise OfficeError(f"the top office must be office {ROOT_OFFICE_ID}, not {office.id}")
    return office


def add_office(
    session: Session,
    *,
    name: str,
    parent: str = "",
    parent_id: int | None = None,
    contact: str = "",
    phone: str = "",
) -> Office:
    """A new office, under `parent` (by name or by `parent_id`) or under the top office."""
    name = name.strip()
    if not name:
        raise OfficeError("单位名称不能为空")
    if session.exec(select(Office).where(Office.name == name)).first() is not None:
        raise OfficeError(f"已有名为“{name}”的单位")
    if parent_id is not None:
        above = session.get(Office, parent_id)
        if above is None:
            raise OfficeError(f"没有编号为 {parent_id} 的单位")
    else:
        above = office_named(session, parent) if parent else root_office(session)
    office = Office(name=name, parent_id=above.id, contact=contact.strip(), phone=phone.strip())
    session.add(office)
    session.flush()
    return office


def people_in(scope: Scope) -> SelectOfScalar[Person]:
    return scope.only(select(Person), Person.office_id)


def rename_office(session: Session, name: str, new_name: str) -> Office:
    office = office_named(session, name)
    new_name = new_name.strip()
    if not new_name:
        raise OfficeError("单位名称不能为空")
    if (
        new_name != office.name
        and session.exec(select(Office).where(Office.name == new_name)).first()
    ):
        raise OfficeError(f"已有名为“{new_name}”的单位")
    office.name = new_name
    session.add(office)
    session.flush()
    return office
