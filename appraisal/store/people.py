"""Upserting the roster into Person and PoolMembership, with every change audit-logged.

Keyed on Person.code (编号). Existing people for the whole sheet are loaded in a few IN queries;
new people go in with one bulk insert, changed people with one executemany update.
People missing from the sheet are left as they are: leaving the pool is a decision, not an import.
"""

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, insert, select, update
from sqlmodel import Session

from appraisal.clock import today as clock_today
from appraisal.models import Person, PoolMembership
from appraisal.models.office import ROOT_OFFICE_ID
from appraisal.sheets.errors import SheetIssue, raise_if_any
from appraisal.sheets.roster import PERSON_FIELDS, RosterRow
from appraisal.store.changes import AuditLog, ImportCounts, chunks, differences
from appraisal.store.offices import EVERYWHERE, Scope

ENTITY = "person"
JOIN_REASON = "名册导入"
TIER_CHANGE_REASON = "名册导入：梯队调整"
_PERSON = Person.__table__  # type: ignore[attr-defined]
_POOL = PoolMembership.__table__  # type: ignore[attr-defined]
_COMPARED = tuple(f for f in PERSON_FIELDS if f != "code")


def import_people(
    session: Session,
    *,
    rows: Sequence[RosterRow],
    actor: str,
    source: str = "",
    sheet: str = "",
    today: date | None = None,
    office_id: int = ROOT_OFFICE_ID,
    scope: Scope = EVERYWHERE,
    columns: Collection[str] | None = None,
) -> ImportCounts:
    """Add new people (to `office_id`'s pool), update changed ones; flushes but leaves the
    commit to the caller. A row naming someone of an office outside `scope` is refused with
    the others (WorkbookError, nothing written): an office updates only its own people.
    `columns` are the fields the sheet gives (default all): an older sheet without 籍贯 leaves
    the 籍贯 on record as it is."""
    compared = _COMPARED if columns is None else tuple(f for f in _COMPARED if f in columns)
    today = today or clock_today()
    log = AuditLog(actor)
    existing = load_people(session, [r.code for r in rows])
    raise_if_any(
        [
            SheetIssue(source, f"编号 {row.code} 是其他单位的人员，不能由本单位导入或修改",
                       sheet, row.row, "编号")
            for row in rows
            if row.code in existing and not scope.covers(existing[row.code]["office_id"])
        ]
    )  # fmt: skip
    new: list[RosterRow] = []
    updates: list[dict[str, Any]] = []
    tier_moves: dict[int, RosterRow] = {}
    for row in rows:
        current = existing.get(row.code)
        if current is None:
            new.append(row)
            continue
        wanted = row.person_fields()
        diff = differences(current, wanted, compared)
        if not diff:
            continue
        log.changes(ENTITY, row.code, diff, _reason(source, row))
        updates.append({"b_id": current["id"], **{f: wanted[f] for f in compared}})
        if "tier" in diff:
            tier_moves[current["id"]] = row
    _insert_new(session, new, log, source, today, office_id)
    if updates:
        stmt = update(_PERSON).where(_PERSON.c.id == bindparam("b_id"))
        session.execute(stmt, updates)
    _move_tiers(session, tier_moves, today)
    log.write(session)
    session.flush()
    return ImportCounts(added=len(new), updated=len(updates),
                        unchanged=len(rows) - len(new) - len(updates))  # fmt: skip


def load_people(session: Session, codes: Sequence[str]) -> dict[str, dict[str, Any]]:
    """code → the person's columns, for the given codes."""
    found: dict[str, dict[str, Any]] = {}
    for part in chunks(list(dict.fromkeys(codes))):
        result = session.execute(select(_PERSON).where(_PERSON.c.code.in_(part)))
        for person in result.mappings():
            found[person["code"]] = dict(person)
    return found


def _insert_new(
    session: Session, new: list[RosterRow], log: AuditLog, source: str, today: date, office_id: int
) -> None:
    if not new:
        return
    for part in chunks(new):
        session.execute(
            insert(_PERSON), [{**row.person_fields(), "office_id": office_id} for row in part]
        )
    ids = {code: p["id"] for code, p in load_people(session, [r.code for r in new]).items()}
    memberships = [
        {"person_id": ids[r.code], "tier": r.tier, "joined_on": today,
         "join_reason": JOIN_REASON, "left_on": None, "leave_reason": ""}
        for r in new
    ]  # fmt: skip
    for batch in chunks(memberships):
        session.execute(insert(_POOL), list(batch))
    for row in new:
        log.record(ENTITY, row.code, "created", None, f"{row.name}（{row.tier}）",
                   _reason(source, row))  # fmt: skip


def _move_tiers(session: Session, moves: dict[int, RosterRow], today: date) -> None:
    """Close each moved person's open stay and open one in the new tier (有进有出)."""
    if not moves:
        return
    ids = list(moves)
    same_day: set[tuple[int, str]] = set()
    for part in chunks(ids):
        session.execute(
            update(_POOL)
            .where(and_(_POOL.c.person_id.in_(part), _POOL.c.left_on.is_(None)))
            .values(left_on=today, leave_reason=TIER_CHANGE_REASON),
        )
        stays = session.execute(
            select(_POOL.c.person_id, _POOL.c.tier).where(
                and_(_POOL.c.person_id.in_(part), _POOL.c.joined_on == today)
            )
        )
        same_day.update((pid, str(tier)) for pid, tier in stays)
    # Moved back to a tier it left earlier today: reopen that stay (one stay per tier per day).
    reopen = [pid for pid, row in moves.items() if (pid, str(row.tier)) in same_day]
    for pid in reopen:
        session.execute(
            update(_POOL)
            .where(and_(_POOL.c.person_id == pid, _POOL.c.tier == moves[pid].tier,
                        _POOL.c.joined_on == today))
            .values(left_on=None, leave_reason=""),
        )  # fmt: skip
    opened = [
        {"person_id": pid, "tier": row.tier, "joined_on": today,
         "join_reason": TIER_CHANGE_REASON, "left_on": None, "leave_reason": ""}
        for pid, row in moves.items() if pid not in set(reopen)
    ]  # fmt: skip
    if opened:
        session.execute(insert(_POOL), opened)


def _reason(source: str, row: RosterRow) -> str:
    return f"名册导入 {source} 第{row.row}行" if source else f"名册导入 第{row.row}行"
