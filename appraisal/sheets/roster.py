"""The roster (花名册): one person per row, read into plain values for the import."""

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from appraisal.clock import today as clock_today
from appraisal.employer_split import split_employer_post
from appraisal.models.vocab import EntryKind, Merit
from appraisal.person_fields import FIELD_NAMES, PersonView
from appraisal.sheets.errors import SheetIssue, WorkbookError, raise_if_any
from appraisal.sheets.layouts import EMPLOYER_POST, ENTRY_SHEETS, ROSTER
from appraisal.sheets.table import ParsedRow, ParsedSheet, locate_header, parse_sheet
from appraisal.sheets.values import SheetDate
from appraisal.sheets.workbook import find_sheet, open_workbook, sheet_rows
from appraisal.sheets.xlsx_stream import XlsxStream


@dataclass(frozen=True, kw_only=True)
class RosterRow(PersonView):
    """One person as the sheet gives them, from row `row`; 性别 and 梯队 as their vocabulary."""

    row: int

    def person_fields(self) -> dict[str, Any]:
        """Person's columns."""
        return {name: getattr(self, name) for name in PERSON_FIELDS}


PERSON_FIELDS: tuple[str, ...] = FIELD_NAMES


@dataclass(frozen=True)
class EntryRow:
    """One dated entry (简历, 奖惩, 培训, 挂职) from row `row` of its sheet."""

    sheet: str
    row: int
    code: str
    name: str  # "" when the sheet leaves it out
    kind: EntryKind
    started_on: date
    ended_on: date | None
    text: str
    merit: Merit | None


@dataclass(frozen=True)
class RosterSheet:
    file: Path
    sheet: str
    rows: tuple[RosterRow, ...]
    warnings: tuple[str, ...]
    entries: tuple[EntryRow, ...] = ()
    entry_sheets: tuple[str, ...] = ()  # the entry sheets the workbook has, as titled there
    # The person fields the sheet has a column for: a field it leaves out is not cleared.
    columns: frozenset[str] = frozenset(FIELD_NAMES)


def derive_code(name: str, birth_date: date) -> str:
    """The 编号 of a person the sheet gives none: 'N' + 10 hex digits of sha256(姓名|YYYY-MM).

    Only the birth month counts, so a sheet that later adds the day keeps the same key.
    Two people with the same name and birth month need 编号 of their own.
    """
    digest = hashlib.sha256(f"{name}|{birth_date:%Y-%m}".encode()).hexdigest()
    return "N" + digest[:10].upper()


def read_roster(
    path: Path, *, max_bytes: int | None = None, today: date | None = None
) -> RosterSheet:
    """Read and check the roster; raises WorkbookError listing every problem found."""
    file = path.name
    issues: list[SheetIssue] = []
    with open_workbook(path, max_bytes) as book:
        sheet = find_sheet(book, ROSTER.name) or _sheet_with_roster_header(book)
        if sheet is None:
            expected = "、".join(c.header for c in ROSTER.required)
            found = "、".join(book.sheetnames)
            reason = f"没有一个工作表含花名册的列（{expected}）；现有工作表：{found}"
            raise WorkbookError([SheetIssue(file, reason)])
        parsed = parse_sheet(file, sheet, sheet_rows(book, sheet), ROSTER, issues)
        entry_sheets: dict[EntryKind, ParsedSheet] = {}
        for kind, spec in ENTRY_SHEETS.items():
            title = find_sheet(book, spec.name)
            if title is not None and title != sheet:
                extra = parse_sheet(file, title, sheet_rows(book, title), spec, issues)
                if extra is not None:
                    entry_sheets[kind] = extra
    raise_if_any(issues)
    assert parsed is not None
    day = today or clock_today()
    warnings: list[str] = list(parsed.warnings)
    rows = _people(file, sheet, parsed, day, issues, warnings)
    entries = [
        entry
        for kind, found in entry_sheets.items()
        for item in found.rows
        if (entry := _entry(file, found.sheet, kind, item, day, issues)) is not None
    ]
    _no_twice(file, entries, issues)
    raise_if_any(issues)
    warnings += [w for found in entry_sheets.values() for w in found.warnings]
    given = set(parsed.present)
    if "employer_post" in given:
        given |= {"employer", "post"}
    if "birth_date" in given:
        given.add("birth_day_known")
    return RosterSheet(
        path, sheet, tuple(rows), tuple(warnings), tuple(entries),
        tuple(found.sheet for found in entry_sheets.values()),
        frozenset(given & set(FIELD_NAMES)),
    )  # fmt: skip


def _sheet_with_roster_header(book: XlsxStream) -> str | None:
    for title in book.sheetnames:
        head = _head(book, title)
        match = locate_header(head, ROSTER)
        if match is not None and not match.missing:
            return title
    return None


def _head(book: XlsxStream, title: str, count: int = 30) -> list[tuple[Any, ...]]:
    head = []
    for cells in sheet_rows(book, title):
        head.append(cells)
        if len(head) >= count:
            break
    return head


def _people(
    file: str,
    sheet: str,
    parsed: ParsedSheet,
    today: date,
    issues: list[SheetIssue],
    warnings: list[str],
) -> list[RosterRow]:
    people: list[RosterRow] = []
    seen: dict[str, int] = {}
    if "employer" not in parsed.present and "employer_post" not in parsed.present:
        issues.append(SheetIssue(file, "缺少必填的列（或“工作单位及职务”一列）", sheet,
                                 parsed.header_row, "工作单位"))  # fmt: skip
        return people
    for item in parsed.rows:
        values = dict(item.values)
        born: SheetDate | None = values.pop("birth_date")
        if born is None or None in (values["name"], values["gender"], values["tier"]):
            continue  # its cell errors are already listed
        if born.value > today:
            issues.append(
                SheetIssue(file, f"出生日期 {born.value} 晚于今天", sheet, item.row, "出生年月")
            )
            continue
        if not _employer(file, sheet, item.row, values, issues, warnings):
            continue
        if not _dates(file, sheet, item.row, values, today, issues):
            continue
        given = values.pop("code", None)
        code = given or derive_code(values["name"], born.value)
        if code in seen:
            reason = (
                f"编号 {code} 与第{seen[code]}行重复"
                if given
                else f"姓名和出生年月与第{seen[code]}行相同：请为每人填写编号"
            )
            issues.append(SheetIssue(file, reason, sheet, item.row, "编号" if given else "姓名"))
            continue
        seen[code] = item.row
        optional = {k: v for k, v in values.items() if v is not None}
        people.append(
            RosterRow(
                row=item.row,
                code=code,
                birth_date=born.value,
                birth_day_known=born.day_known,
                **optional,
            )
        )
    return people


_PERSON_DATES = ("party_joined_on", "work_started_on")


def _employer(
    file: str,
    sheet: str,
    row: int,
    values: dict[str, Any],
    issues: list[SheetIssue],
    warnings: list[str],
) -> bool:
    """工作单位 and 职务 from their own columns, or split from the old 工作单位及职务."""
    whole = values.pop("employer_post", None)
    if values.get("employer"):
        return True
    if not whole:
        issues.append(
            SheetIssue(file, "必填，但为空", sheet, row, ROSTER.column("employer").header)
        )
        return False
    split = split_employer_post(whole)
    if split is None:
        values["employer"], values["post"] = whole, values.get("post") or ""
        warnings.append(
            f"{file}，工作表 {sheet}：第{row}行的{EMPLOYER_POST.header}“{whole}”无法确定地拆分，"
            "已全部记为工作单位；请在人员页面分别填写工作单位和职务"
        )
    else:
        values["employer"], values["post"] = split.employer, values.get("post") or split.post
    return True


def _dates(
    file: str, sheet: str, row: int, values: dict[str, Any], today: date, issues: list[SheetIssue]
) -> bool:
    ok = True
    for name in _PERSON_DATES:
        given: SheetDate | None = values.get(name)
        if given is None:
            continue
        values[name] = given.value
        if given.value > today:
            header = ROSTER.column(name).header
            issues.append(SheetIssue(file, f"{header} {given.value} 晚于今天", sheet, row, header))
            ok = False
    return ok


def _entry(
    file: str, sheet: str, kind: EntryKind, item: ParsedRow, today: date, issues: list[SheetIssue]
) -> EntryRow | None:
    spec = ENTRY_SHEETS[kind]
    v = item.values
    if any(v.get(c.field) is None for c in spec.required):
        return None  # its cell errors are already listed
    started: SheetDate = v["started_on"]
    ended: SheetDate | None = v.get("ended_on")
    if started.value > today:
        issues.append(SheetIssue(file, f"起始年月 {started.value} 晚于今天", sheet, item.row,
                                 spec.column("started_on").header))  # fmt: skip
        return None
    if ended is not None and ended.value < started.value:
        issues.append(SheetIssue(file, f"截止年月 {ended.value} 早于起始年月 {started.value}",
                                 sheet, item.row, spec.column("ended_on").header))  # fmt: skip
        return None
    return EntryRow(
        sheet, item.row, v["code"], v.get("name") or "", kind, started.value,
        ended.value if ended else None, v["text"], v.get("merit"),
    )  # fmt: skip


def _no_twice(file: str, entries: list[EntryRow], issues: list[SheetIssue]) -> None:
    """The same entry twice in a sheet would be one entry on record: say so rather than guess."""
    seen: dict[tuple[Any, ...], int] = {}
    for e in entries:
        key = (e.kind, e.code, e.started_on, e.text)
        if key in seen:
            issues.append(SheetIssue(file, f"与第{seen[key]}行是同一条记录", e.sheet, e.row,
                                     ENTRY_SHEETS[e.kind].column("text").header))  # fmt: skip
        else:
            seen[key] = e.row
