"""Reading one sheet against its spec: find the header row, drop the noise, convert every cell.

Real sheets carry a merged title row or two above the header, a 序号 column, blank rows and
columns nobody asked for. Every problem is collected; nothing stops at the first one.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any

from openpyxl.utils import get_column_letter

from appraisal.sheets.errors import SheetIssue
from appraisal.sheets.spec import EXAMPLE_CODE, Column, SheetSpec, normalise_header
from appraisal.sheets.values import CellError, convert, is_blank

HEADER_SCAN_ROWS = 30


@dataclass(frozen=True)
class ParsedRow:
    row: int  # the row number Excel shows
    values: dict[str, Any]  # field → typed value, None when blank


@dataclass(frozen=True)
class ParsedSheet:
    sheet: str
    header_row: int
    rows: tuple[ParsedRow, ...]
    present: frozenset[str]  # fields whose column the sheet has
    warnings: tuple[str, ...]


@dataclass
class HeaderMatch:
    row: int
    columns: dict[int, Column] = field(default_factory=dict)  # cell index → column
    unknown: list[tuple[int, str]] = field(default_factory=list)
    duplicates: list[tuple[int, Column]] = field(default_factory=list)
    missing: list[Column] = field(default_factory=list)


def match_header(cells: tuple[Any, ...], row: int, spec: SheetSpec) -> HeaderMatch:
    lookup = spec.lookup()
    match = HeaderMatch(row)
    taken: set[str] = set()
    for index, cell in enumerate(cells):
        header = normalise_header(cell)
        if not header or header in spec.ignored:
            continue
        column = lookup.get(header)
        if column is None:
            match.unknown.append((index, str(cell).strip()))
        elif column.field in taken:
            match.duplicates.append((index, column))
        else:
            match.columns[index] = column
            taken.add(column.field)
    match.missing = [c for c in spec.required if c.field not in taken]
    return match


def locate_header(head: list[tuple[Any, ...]], spec: SheetSpec) -> HeaderMatch | None:
    """The first row holding every required header; else the closest try, to say what is missing."""
    best: HeaderMatch | None = None
    for offset, cells in enumerate(head):
        match = match_header(cells, offset + 1, spec)
        if match.columns and not match.missing:
            return match
        if len(match.columns) >= 2 and (best is None or len(match.columns) > len(best.columns)):
            best = match
    return best


def parse_sheet(
    file: str,
    sheet: str,
    rows: Iterable[tuple[Any, ...]],
    spec: SheetSpec,
    issues: list[SheetIssue],
) -> ParsedSheet | None:
    """Parse `rows` (cell values, first row first); problems go to `issues`."""
    iterator: Iterator[tuple[Any, ...]] = iter(rows)
    try:
        head = list(islice(iterator, HEADER_SCAN_ROWS))
    except Exception as exc:
        issues.append(SheetIssue(file, f"无法读取：{exc}", sheet))
        return None
    header = locate_header(head, spec)
    if header is None:
        expected = "、".join(c.header for c in spec.required)
        issues.append(SheetIssue(file, f"找不到表头行：应有以下各列 {expected}", sheet))
        return None
    for column in header.missing:
        issues.append(SheetIssue(file, "缺少必填的列", sheet, header.row, column.header))
    for index, column in header.duplicates:
        issues.append(
            SheetIssue(
                file,
                "该列出现了两次",
                sheet,
                header.row,
                column.header,
                f"{get_column_letter(index + 1)}{header.row}",
            )
        )
    if header.missing or header.duplicates:
        return None
    warnings = tuple(
        f"{file}，工作表 {sheet}：未识别的 {get_column_letter(i + 1)} 列“{name}”已忽略"
        for i, name in header.unknown
    )
    parsed: list[ParsedRow] = []
    body = chain(head[header.row :], iterator)
    row_number = header.row
    try:
        for cells in body:
            row_number += 1
            values = _parse_row(file, sheet, row_number, cells, header.columns, issues)
            if values is None:
                continue
            if values.get("code") == EXAMPLE_CODE:
                warnings += (
                    f"{file}，工作表 {sheet}：第{row_number}行是模板的示例行（编号 示例），已跳过",
                )
                continue
            parsed.append(ParsedRow(row_number, values))
    except Exception as exc:
        issues.append(SheetIssue(file, f"此行之后无法读取：{exc}", sheet, row_number))
    present = frozenset(c.field for c in header.columns.values())
    return ParsedSheet(sheet, header.row, tuple(parsed), present, warnings)


def _parse_row(
    file: str,
    sheet: str,
    row: int,
    cells: tuple[Any, ...],
    columns: dict[int, Column],
    issues: list[SheetIssue],
) -> dict[str, Any] | None:
    raw = {i: cells[i] if i < len(cells) else None for i in columns}
    if all(is_blank(v) for v in raw.values()):
        return None  # a blank row, or one with nothing but its 序号
    values: dict[str, Any] = {}
    for index, column in columns.items():
        value = raw[index]
        if is_blank(value):
            if column.required and column.default is None:
                issues.append(
                    SheetIssue(
                        file,
                        "必填，但为空",
                        sheet,
                        row,
                        column.header,
                        f"{get_column_letter(index + 1)}{row}",
                    )
                )
            values[column.field] = column.default
            continue
        try:
            values[column.field] = convert(value, column)
        except CellError as exc:
            issues.append(
                SheetIssue(
                    file,
                    str(exc),
                    sheet,
                    row,
                    column.header,
                    f"{get_column_letter(index + 1)}{row}",
                )
            )
            values[column.field] = None
    return values
