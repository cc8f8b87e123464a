"""People's information kept current (信息管理): staff edit a person's fields and their dated
entries (简历, 奖惩, 培训, 挂职), each change audited with its reason; the roster's extra sheets
add entries; and the people whose 工作单位 still holds the old 工作单位及职务 are listed.

The portal's person page and `appraisal people` call these functions and nothing else."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from appraisal.clock import today as clock_today
from appraisal.db import begin_writing
from appraisal.documents.views import EntryLine
from appraisal.employer_split import unsplit
from appraisal.models import Person, PersonEntry
from appraisal.models.vocab import EntryKind, Merit
from appraisal.person_fields import ROSTER_FIELDS, PersonView, plain_values
from appraisal.sheets.errors import SheetIssue, raise_if_any
from appraisal.sheets.layouts import ENTRY_SHEETS, ROSTER
from appraisal.sheets.roster import EntryRow
from appraisal.sheets.values import CellError, convert, is_blank
from appraisal.store.changes import AuditLog, ImportCounts, chunks
from appraisal.store.offices import EVERYWHERE, Scope, people_in

ENTITY = "person"
# Staff change the tier through the pool's adjustment, and 编号 is the key: neither here.
EDITABLE: dict[str, str] = {
    f.roster.header: f.name
    for f in ROSTER_FIELDS
    if f.roster is not None and f.name not in ("code", "tier")
}
_REQUIRED = {c.field for c in ROSTER.required} | {"employer"}


class PersonInfoError(ValueError):
    """A change that cannot be made, with the reason in Chinese (and English)."""


class NoSuchPerson(PersonInfoError):
    """No person has the 编号 within the scope (another office's person is not found either)."""


def person_in_scope(session: Session, scope: Scope, code: str) -> Person:
    person = session.exec(people_in(scope).where(col(Person.code) == code.strip())).first()
    if person is None or person.id is None:
        raise NoSuchPerson(f"没有编号为 {code} 的人员，或其不属于您的单位 / no such person")
    return person


def field_named(label: str) -> str:
    """The field a staff member means by its header (工作单位) or its name (employer)."""
    label = label.strip()
    if label in EDITABLE:
        return EDITABLE[label]
    if label in EDITABLE.values():
        return label
    known = "、".join(EDITABLE)
    raise PersonInfoError(f"不能修改“{label}”：可修改的项目有 {known} / not an editable field")


def set_person_field(
    session: Session,
    *,
    code: str,
    field: str,
    value: str,
    actor: str,
    reason: str,
    scope: Scope = EVERYWHERE,
) -> tuple[Any, Any]:
    """Set one field of a person from the text staff typed, read as the roster reads its cell;
    returns (before, after). Nothing is written when the value is unchanged."""
    begin_writing(session)
    person = person_in_scope(session, scope, code)
    reason = reason_given(reason)
    name = field_named(field)
    column = ROSTER.column(name)
    extra: dict[str, Any] = {}
    if is_blank(value):
        if name in _REQUIRED:
            raise PersonInfoError(f"{column.header} 不能为空 / {name} is required")
        blank: dict[str, Any] = {"bool": False, "date": None}
        new: Any = blank.get(column.kind.value, "")
    else:
        try:
            new = convert(value, column)
        except CellError as exc:
            raise PersonInfoError(f"{column.header}：{exc}") from None
        if column.kind.value == "date":
            if new.value > clock_today():
                raise PersonInfoError(f"{column.header} {new.value} 晚于今天 / in the future")
            if name == "birth_date":
                extra["birth_day_known"] = new.day_known
            new = new.value
    before = getattr(person, name)
    if before == new and all(getattr(person, k) == v for k, v in extra.items()):
        return before, new
    setattr(person, name, new)
    for key, val in extra.items():
        setattr(person, key, val)
    session.add(person)
    log = AuditLog(actor)
    log.record(ENTITY, person.code, name, before, new, reason)
    log.write(session)
    session.flush()
    return before, new


@dataclass(frozen=True)
class NewEntry:
    kind: EntryKind
    started_on: date
    ended_on: date | None
    text: str
    merit: Merit | None = None


def entry_words(kind: EntryKind, started_on: date, ended_on: date | None, text: str,
                merit: Merit | None) -> str:  # fmt: skip
    """An entry as the history shows it: 2001.07—2005.06 滨江大学化学系讲师."""
    span = f"{started_on:%Y.%m}—{ended_on:%Y.%m}" if ended_on else f"{started_on:%Y.%m}—"
    if merit and not ended_on:
        span = f"{started_on:%Y.%m}"
    what = f"{merit.value}：{text}" if merit else text
    return f"{span} {what}"


def parse_entry(kind_word: str, start: str, end: str, text: str, merit_word: str = "") -> NewEntry:
    """An entry from the words staff typed, checked as the roster's extra sheets check theirs."""
    kind = next((k for k in EntryKind if k.value == kind_word.strip()), None)
    if kind is None:
        kinds = "、".join(k.value for k in EntryKind)
        raise PersonInfoError(f"记录类别应为 {kinds} 之一 / unknown kind: {kind_word}")
    spec = ENTRY_SHEETS[kind]
    values: dict[str, Any] = {}
    for name, given in (("started_on", start), ("ended_on", end), ("text", text),
                        ("merit", merit_word)):  # fmt: skip
        try:
            column = spec.column(name)
        except KeyError:
            continue
        if is_blank(given):
            if column.required:
                raise PersonInfoError(f"{column.header} 必填 / {name} is required")
            values[name] = None
            continue
        try:
            values[name] = convert(given, column)
        except CellError as exc:
            raise PersonInfoError(f"{column.header}：{exc}") from None
    started, ended = values["started_on"].value, values.get("ended_on")
    ended = ended.value if ended is not None else None
    if started > clock_today():
        raise PersonInfoError(f"起始年月 {started} 晚于今天 / starts in the future")
    if ended is not None and ended < started:
        raise PersonInfoError(f"截止年月 {ended} 早于起始年月 {started} / ends before it starts")
    return NewEntry(kind, started, ended, values["text"], values.get("merit"))


def add_entry(
    session: Session,
    *,
    code: str,
    entry: NewEntry,
    actor: str,
    reason: str,
    scope: Scope = EVERYWHERE,
    source: str = "录入",
) -> PersonEntry:
    begin_writing(session)
    person = person_in_scope(session, scope, code)
    reason = reason_given(reason)
    assert person.id is not None
    row = PersonEntry(
        person_id=person.id, kind=entry.kind, started_on=entry.started_on,
        ended_on=entry.ended_on, text=entry.text, merit=entry.merit, source=source,
        recorded_by=actor,
    )  # fmt: skip
    session.add(row)
    log = AuditLog(actor)
    words = entry_words(entry.kind, entry.started_on, entry.ended_on, entry.text, entry.merit)
    log.record(ENTITY, person.code, entry.kind.value, None, words, reason)
    log.write(session)
    session.flush()
    return row


def remove_entry(
    session: Session,
    *,
    code: str,
    entry_id: int,
    actor: str,
    reason: str,
    scope: Scope = EVERYWHERE,
) -> PersonEntry:
    begin_writing(session)
    person = person_in_scope(session, scope, code)
    reason = reason_given(reason)
    row = session.get(PersonEntry, entry_id)
    if row is None or row.person_id != person.id:
        raise PersonInfoError(f"{code} 没有第 {entry_id} 号记录 / no such entry")
    words = entry_words(row.kind, row.started_on, row.ended_on, row.text, row.merit)
    session.delete(row)
    log = AuditLog(actor)
    log.record(ENTITY, person.code, row.kind.value, words, None, reason)
    log.write(session)
    session.flush()
    return row


def person_entries(session: Session, person_id: int) -> dict[EntryKind, list[PersonEntry]]:
    """The person's entries by kind, each kind in date order (every kind present, maybe empty)."""
    found: dict[EntryKind, list[PersonEntry]] = {kind: [] for kind in EntryKind}
    query = (
        select(PersonEntry)
        .where(col(PersonEntry.person_id) == person_id)
        .order_by(col(PersonEntry.started_on), col(PersonEntry.id))
    )
    for entry in session.exec(query):
        found[entry.kind].append(entry)
    return found


def person_file(
    session: Session, code: str, scope: Scope = EVERYWHERE
) -> tuple[PersonView, dict[str, list[EntryLine]]]:
    """The person and their dated entries as plain values (entries by kind, as staff name
    them: 简历, 奖惩, 培训, 挂职), for the documents that print them."""
    person = person_in_scope(session, scope, code)
    entries = person_entries(session, person.id or 0)
    lines = {
        kind.value: [
            EntryLine(e.started_on, e.ended_on, e.text, e.merit.value if e.merit else "")
            for e in rows
        ]
        for kind, rows in entries.items()
    }
    return PersonView(**plain_values(person)), lines


def unsplit_people(session: Session, scope: Scope = EVERYWHERE) -> list[Person]:
    """People whose 工作单位 still reads as 工作单位及职务 (no 职务, not an organisation's name)."""
    query = people_in(scope).where(col(Person.post) == "").order_by(col(Person.code))
    return [p for p in session.exec(query) if unsplit(p.employer, p.post)]


def import_entries(
    session: Session,
    *,
    entries: Sequence[EntryRow],
    known: dict[str, dict[str, Any]],
    actor: str,
    source: str,
    scope: Scope = EVERYWHERE,
) -> dict[str, ImportCounts]:
    """The roster's extra sheets: entries not on record are added, entries on record (same
    person, kind, start and text) have their end and 奖惩类别 brought up to date; nothing is
    deleted. `known` maps 编号 to the person's columns (the roster's people and those on record).
    Rows naming nobody, or a 姓名 that is not the 编号's, are refused with the rest."""
    issues = []
    for e in entries:
        person = known.get(e.code)
        spec = ENTRY_SHEETS[e.kind]
        if person is None:
            issues.append(SheetIssue(source, f"编号 {e.code} 不在花名册中，也不在人员库中",
                                     e.sheet, e.row, spec.column("code").header))  # fmt: skip
        elif not scope.covers(person["office_id"]):
            issues.append(SheetIssue(source, f"编号 {e.code} 是其他单位的人员，不能由本单位导入",
                                     e.sheet, e.row, spec.column("code").header))  # fmt: skip
        elif e.name and e.name != person["name"]:
            issues.append(SheetIssue(source, f"编号 {e.code} 是{person['name']}，不是{e.name}",
                                     e.sheet, e.row, spec.column("name").header))  # fmt: skip
    raise_if_any(issues)
    ids = [known[e.code]["id"] for e in entries]
    on_record: dict[tuple[Any, ...], PersonEntry] = {}
    for part in chunks(list(dict.fromkeys(ids))):
        for row in session.exec(select(PersonEntry).where(col(PersonEntry.person_id).in_(part))):
            on_record[(row.person_id, row.kind, row.started_on, row.text)] = row
    counts: dict[str, ImportCounts] = {}
    log = AuditLog(actor)
    for e in entries:
        pid = known[e.code]["id"]
        why = f"名册导入 {source} 工作表 {e.sheet} 第{e.row}行"
        current = on_record.get((pid, e.kind, e.started_on, e.text))
        words = entry_words(e.kind, e.started_on, e.ended_on, e.text, e.merit)
        if current is None:
            session.add(PersonEntry(
                person_id=pid, kind=e.kind, started_on=e.started_on, ended_on=e.ended_on,
                text=e.text, merit=e.merit, source=why[:256], recorded_by=actor,
            ))  # fmt: skip
            log.record(ENTITY, e.code, e.kind.value, None, words, why)
            change = ImportCounts(added=1)
        elif (current.ended_on, current.merit) != (e.ended_on, e.merit):
            before = entry_words(current.kind, current.started_on, current.ended_on,
                                 current.text, current.merit)  # fmt: skip
            current.ended_on, current.merit = e.ended_on, e.merit
            session.add(current)
            log.record(ENTITY, e.code, e.kind.value, before, words, why)
            change = ImportCounts(updated=1)
        else:
            change = ImportCounts(unchanged=1)
        counts[e.sheet] = counts.get(e.sheet, ImportCounts()) + change
    log.write(session)
    session.flush()
    return counts


def reason_given(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise PersonInfoError("请说明修改依据 / a reason is required")
    return reason[:1024]
