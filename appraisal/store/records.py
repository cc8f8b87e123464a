"""Upserting a records workbook: duty records, ballot tallies, assessment scores and findings.

Rows name their person by 编号 (or by a unique 姓名); an unknown person is an error, listed with
its row, and nothing is written. Existing rows for the affected people and years are loaded in a
few IN queries per table; inserts and updates go in bulk. Changed values are audit-logged.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import and_, bindparam, insert, select, update
from sqlmodel import Session, SQLModel

from appraisal.models import AssessmentScore, BallotTally, DutyRecord, Finding, Person
from appraisal.models.vocab import DutySource
from appraisal.sheets.errors import SheetIssue, raise_if_any
from appraisal.sheets.layouts import BALLOT, DUTY, FINDING, SCORE
from appraisal.sheets.records import RecordsBook
from appraisal.store.changes import AuditLog, ImportCounts, chunks, differences
from appraisal.store.offices import EVERYWHERE, Scope


@dataclass(frozen=True)
class _Target:
    sheet: str
    model: type[SQLModel]
    entity: str
    key: tuple[str, ...]  # besides person_id and year
    values: tuple[str, ...]
    # Values a blank cell leaves as recorded (a workbook without the column, or a count not
    # known to whoever filled it in, must not erase one already on record).
    kept_when_blank: tuple[str, ...] = ()

    @property
    def table(self) -> Any:
        return self.model.__table__  # type: ignore[attr-defined]


TARGETS = {
    DUTY.name: _Target(DUTY.name, DutyRecord, "duty_record", ("record_key",),
                       ("kind", "title", "held_on", "attendance", "role", "outcome", "cosigners"),
                       kept_when_blank=("cosigners",)),
    BALLOT.name: _Target(BALLOT.name, BallotTally, "ballot_tally", ("rater_group",),
                         ("due", "issued", "returned", "excellent", "competent", "basic",
                          "incompetent", "abstain")),
    SCORE.name: _Target(SCORE.name, AssessmentScore, "assessment_score", (),
                        ("score", "political", "thinking", "duty", "integrity", "material",
                         "assessor", "note")),
    FINDING.name: _Target(FINDING.name, Finding, "finding", ("item_code",),
                          ("category", "effect", "source_body", "evidence")),
}  # fmt: skip


def import_records(
    session: Session, *, book: RecordsBook, actor: str, scope: Scope = EVERYWHERE
) -> dict[str, ImportCounts]:
    """Upsert every sheet of `book`; raises WorkbookError (writing nothing) on unknown people.
    People of offices outside `scope` are not found, as if they were not on the roster."""
    sheets = {
        DUTY.name: book.duties,
        BALLOT.name: book.ballots,
        SCORE.name: book.scores,
        FINDING.name: book.findings,
    }
    sheets = {name: rows for name, rows in sheets.items() if name in book.sheets}
    file = book.file.name
    issues: list[SheetIssue] = []
    people = _People(session, [row for rows in sheets.values() for row in rows], scope)
    prepared: dict[str, list[dict[str, Any]]] = {}
    for name, rows in sheets.items():
        prepared[name] = _prepare(file, TARGETS[name], rows, people, issues)
    raise_if_any(issues)
    log = AuditLog(actor)
    counts = {
        name: _upsert(session, TARGETS[name], items, people.codes, log, file)
        for name, items in prepared.items()
    }
    log.write(session)
    session.flush()
    return counts


class _People:
    """Resolves the people the rows name, with two IN queries for the whole workbook."""

    def __init__(self, session: Session, rows: Sequence[Any], scope: Scope) -> None:
        person = Person.__table__  # type: ignore[attr-defined]
        codes = sorted({r.code for r in rows if r.code})
        names = sorted({r.name for r in rows if not r.code})
        self.by_code: dict[str, tuple[int, str]] = {}
        self.by_name: dict[str, list[tuple[int, str]]] = {}
        query = scope.only(select(person.c.id, person.c.code, person.c.name), person.c.office_id)
        for part in chunks(codes):
            for pid, code, name in session.execute(query.where(person.c.code.in_(part))):
                self.by_code[code] = (pid, name)
        for part in chunks(names):
            for pid, code, name in session.execute(query.where(person.c.name.in_(part))):
                self.by_name.setdefault(name, []).append((pid, code))
        self.codes: dict[int, str] = {pid: code for code, (pid, _) in self.by_code.items()}
        for matches in self.by_name.values():
            self.codes.update(matches)

    def resolve(self, row: Any) -> tuple[int | None, str, str]:
        """(person id or None, the column at fault, the reason)."""
        if row.code:
            found = self.by_code.get(row.code)
            if found is None:
                return (
                    None,
                    "编号",
                    f"编号 {row.code} 不在花名册中（请先导入花名册）",
                )
            if row.name and row.name != found[1]:
                return None, "姓名", f"花名册中编号 {row.code} 是{found[1]}，不是{row.name}"
            return found[0], "", ""
        matches = self.by_name.get(row.name, [])
        if not matches:
            return None, "姓名", f"花名册中没有名为{row.name}的人"
        if len(matches) > 1:
            return None, "姓名", f"花名册中有 {len(matches)} 人名为{row.name}：请填写编号"
        return matches[0][0], "", ""


def _prepare(
    file: str, target: _Target, rows: Sequence[Any], people: _People, issues: list[SheetIssue]
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    first_row: dict[tuple[Any, ...], int] = {}
    for row in rows:
        person_id, column, reason = people.resolve(row)
        if person_id is None:
            issues.append(SheetIssue(file, reason, target.sheet, row.row, column))
            continue
        values = asdict(row)
        item = {"person_id": person_id, "year": row.year}
        item.update({f: values[f] for f in (*target.key, *target.values)})
        key = _key(target, item)
        if key in first_row:
            issues.append(SheetIssue(file, f"与第{first_row[key]}行是同一条记录",
                                     target.sheet, row.row))  # fmt: skip
            continue
        first_row[key] = row.row
        items.append(item)
    return items


def _key(target: _Target, item: Mapping[Any, Any]) -> tuple[Any, ...]:
    return (item["person_id"], item["year"], *(str(item[k]) for k in target.key))


def _upsert(
    session: Session,
    target: _Target,
    items: list[dict[str, Any]],
    codes: dict[int, str],
    log: AuditLog,
    file: str,
) -> ImportCounts:
    table = target.table
    existing: dict[tuple[Any, ...], dict[str, Any]] = {}
    years = sorted({item["year"] for item in items})
    person_ids = sorted({item["person_id"] for item in items})
    for part in chunks(person_ids):
        query = select(table).where(and_(table.c.person_id.in_(part), table.c.year.in_(years)))
        for found in session.execute(query).mappings():
            existing[_key(target, found)] = dict(found)
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    duties = target.model is DutyRecord
    recorded = _recorded_duties(existing.values()) if duties else set()
    kept = 0
    for item in items:
        current = existing.get(_key(target, item))
        if duties and _same_recorded_duty(current, item, recorded):
            kept += 1  # recorded through the year by its department: the workbook keeps off it
            continue
        if current is None:
            new.append(item)
            continue
        for f in target.kept_when_blank:
            if item[f] is None:
                item[f] = current[f]
        diff = differences(current, item, target.values)
        if diff:
            entity_key = "/".join(
                [codes[item["person_id"]], str(item["year"]), *(str(item[k]) for k in target.key)]
            )
            log.changes(target.entity, entity_key, diff, f"记录导入 {file} {target.sheet}")
            changed.append({"b_id": current["id"], **{f: item[f] for f in target.values}})
    for part in chunks(new):
        session.execute(insert(table), list(part))
    if changed:
        session.execute(update(table).where(table.c.id == bindparam("b_id")), changed)
    return ImportCounts(len(new), len(changed), len(items) - len(new) - len(changed) - kept, kept)


def _recorded_duties(rows: Iterable[Mapping[str, Any]]) -> set[tuple[Any, ...]]:
    """Duties recorded through the year (登记, 本人申报): (person, year, kind, date, title)."""
    return {_duty(row) for row in rows if DutySource(row["source"]) is not DutySource.IMPORTED}


def _duty(row: Mapping[str, Any]) -> tuple[Any, ...]:
    return (row["person_id"], row["year"], str(row["kind"]), row["held_on"], row["title"])


def _same_recorded_duty(
    current: Mapping[str, Any] | None, item: Mapping[str, Any], recorded: set[tuple[Any, ...]]
) -> bool:
    """A workbook row never overwrites a duty its department recorded (or a member's accepted
    claim), nor adds it a second time: a row whose 记录编号 is a recorded row's, or whose person,
    year, kind, date and title are, is left out and counted as kept."""
    if current is not None and DutySource(current["source"]) is not DutySource.IMPORTED:
        return True
    return bool(recorded) and _duty(item) in recorded
