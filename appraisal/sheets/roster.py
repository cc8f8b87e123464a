"""The roster (花名册): one person per row, read into plain values for the import."""

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from appraisal.clock import today as clock_today
from appraisal.person_fields import FIELD_NAMES, PersonView
from appraisal.sheets.errors import SheetIssue, WorkbookError, raise_if_any
from appraisal.sheets.layouts import ROSTER
from appraisal.sheets.table import ParsedRow, locate_header, parse_sheet
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
class RosterSheet:
    file: Path
    sheet: str
    rows: tuple[RosterRow, ...]
    warnings: tuple[str, ...]


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
    raise_if_any(issues)
    assert parsed is not None
    rows = _people(file, sheet, parsed.rows, today or clock_today(), issues)
    raise_if_any(issues)
    return RosterSheet(path, sheet, tuple(rows), parsed.warnings)


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
    file: str, sheet: str, parsed: tuple[ParsedRow, ...], today: date, issues: list[SheetIssue]
) -> list[RosterRow]:
    people: list[RosterRow] = []
    seen: dict[str, int] = {}
    for item in parsed:
        values = dict(item.values)
        born: SheetDate | None = values.pop("birth_date")
        if born is None or None in (values["name"], values["gender"], values["tier"]):
            continue  # its cell errors are already listed
        if born.value > today:
            issues.append(
                SheetIssue(file, f"出生日期 {born.value} 晚于今天", sheet, item.row, "出生年月")
            )
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
