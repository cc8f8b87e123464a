"""Importing a roster or records workbook, as staff do it from the CLI or the portal: read and
check the whole file, then write all of it or nothing. Problems come back as one WorkbookError
listing every row at fault (sheet, row, column, reason, in Chinese)."""

from dataclasses import dataclass, field
from pathlib import Path

from appraisal.db import session_scope
from appraisal.models.office import ROOT_OFFICE_ID
from appraisal.sheets import read_records, read_roster
from appraisal.store import ImportCounts, import_people, import_records, load_people
from appraisal.store.offices import EVERYWHERE, Scope
from appraisal.store.person_info import import_entries


@dataclass(frozen=True)
class Imported:
    """What a clean import wrote: counts by sheet, and what the reader let pass with a note."""

    counts: dict[str, ImportCounts] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    dry_run: bool = False


def import_roster_file(
    path: Path,
    *,
    actor: str,
    source: str = "",
    office_id: int = ROOT_OFFICE_ID,
    scope: Scope = EVERYWHERE,
    dry_run: bool = False,
    max_bytes: int | None = None,
) -> Imported:
    """The roster at `path` into the pool: new people join `office_id`'s pool; people of an
    office outside `scope` are refused. Its extra sheets (简历, 奖惩, 培训, 挂职) add the dated
    entries not already on record. `source` is the file's name as staff know it."""
    roster = read_roster(path, max_bytes=max_bytes)
    source = source or path.name
    with session_scope() as session:
        counts = {
            roster.sheet: import_people(
                session, rows=roster.rows, actor=actor, source=source,
                sheet=roster.sheet, office_id=office_id, scope=scope, columns=roster.columns,
            )
        }  # fmt: skip
        counts |= {sheet: ImportCounts() for sheet in roster.entry_sheets}
        if roster.entries:
            known = load_people(session, [e.code for e in roster.entries])
            counts |= import_entries(
                session, entries=roster.entries, known=known, actor=actor, source=source,
                scope=scope,
            )  # fmt: skip
        if dry_run:
            session.rollback()
    return Imported(counts, roster.warnings, dry_run)


def import_records_file(
    path: Path,
    *,
    actor: str,
    year: int | None = None,
    scope: Scope = EVERYWHERE,
    max_bytes: int | None = None,
) -> Imported:
    """Every records sheet at `path` (履职记录, 民主测评, 组织考核, 负面清单); rows must name people
    of the offices in `scope`."""
    book = read_records(path, year=year, max_bytes=max_bytes)
    with session_scope() as session:
        counts = import_records(session, book=book, actor=actor, scope=scope)
    return Imported(counts, book.warnings)
