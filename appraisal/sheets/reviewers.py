"""The reviewer directory workbook: 类别, 名称, 电子邮箱, one reviewer per row.

Read with the same checks and the same streaming reader as every workbook staff send.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from appraisal.mail.address import MAX_KIND, MAX_NAME, ReviewerEntry, ReviewerError, checked_entry
from appraisal.sheets.errors import SheetIssue, WorkbookError, raise_if_any
from appraisal.sheets.spec import Column, SheetSpec, normalise_header
from appraisal.sheets.values import UnreadableCell
from appraisal.sheets.workbook import open_workbook, sheet_rows
from appraisal.sheets.writer import write_workbook

REVIEWERS = SheetSpec(
    name="审阅人",
    description="文件的收件单位或个人及其电子邮箱；类别和名称须与文件上的收件人完全一致",
    columns=(
        Column(
            "类别", "kind", required=True, max_length=MAX_KIND, example="推荐单位", width=16,
            suggestions=("推荐单位", "测评人", "考核组组长", "统战部负责人", "所在单位党组织"),
            note="文件收件人的类别",
        ),
        Column(
            "名称", "name", required=True, max_length=MAX_NAME, example="某大学（示例）", width=30,
            note="收件单位或个人的名称，与文件上的写法完全一致",
        ),
        Column(
            "电子邮箱", "email", aliases=("邮箱", "电子邮件", "email", "e-mail", "邮件地址"),
            example="office@example.cn", width=30, note="留空表示不发邮件",
        ),
    ),
)  # fmt: skip

# How far down to look for the header row (a title line or two above it is common).
_HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class ReviewerSheet:
    sheet: str
    entries: list[ReviewerEntry]
    skipped: int  # the template's example row(s)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _header(rows: list[tuple[Any, ...]]) -> tuple[int, dict[str, int]] | None:
    """(row number, field -> column index) of the first row naming every required column."""
    lookup = {
        normalise_header(h).lower(): c.field
        for c in REVIEWERS.columns
        for h in (c.header, *c.aliases)
    }
    for number, row in enumerate(rows[:_HEADER_SEARCH_ROWS], 1):
        found: dict[str, int] = {}
        for index, value in enumerate(row):
            field = lookup.get(normalise_header(value).lower())
            if field and field not in found:
                found[field] = index
        if {"kind", "name", "email"} <= found.keys():
            return number, found
    return None


def read_reviewers(path: Path) -> ReviewerSheet:
    """Every row of the first sheet with the three columns; WorkbookError lists every bad row
    (sheet, row, column and why) and nothing is read when there is one."""
    found = None
    with open_workbook(path) as book:
        for title in book.sheetnames:
            try:
                rows = list(sheet_rows(book, title))
            except Exception as exc:  # damaged XML in the sheet's part
                reason = f"cannot be read as a workbook: {exc}"
                raise WorkbookError([SheetIssue(path.name, reason, title)]) from None
            header = _header(rows)
            if header is not None:
                found = (title, rows, header)
                break
    if found is None:
        wanted = "、".join(c.header for c in REVIEWERS.columns)
        raise WorkbookError([SheetIssue(path.name, f"no sheet has the columns {wanted}")])
    title, rows, (header_row, columns) = found
    headers = {c.field: c.header for c in REVIEWERS.columns}
    issues: list[SheetIssue] = []
    entries: dict[tuple[str, str], tuple[int, ReviewerEntry]] = {}
    skipped = 0
    for number, row in enumerate(rows[header_row:], header_row + 1):
        raw = {f: row[i] if i < len(row) else None for f, i in columns.items()}
        unreadable = [(f, v) for f, v in raw.items() if isinstance(v, UnreadableCell)]
        cells = {f: _text(v) for f, v in raw.items()}
        if not any(v.strip() for v in cells.values()):
            continue
        if all(cells[c.field].strip() == c.example for c in REVIEWERS.columns):
            skipped += 1
            continue

        def issue(field: str, reason: str, row_number: int = number) -> SheetIssue:
            letter = get_column_letter(columns[field] + 1)
            return SheetIssue(
                file=path.name, reason=reason, sheet=title, row=row_number,
                column=headers[field], cell=f"{letter}{row_number}",
            )  # fmt: skip

        if unreadable:
            issues += [issue(field, value.reason) for field, value in unreadable]
            continue
        try:
            entry = checked_entry(cells["kind"], cells["name"], cells["email"])
        except ReviewerError as exc:
            issues.append(issue(exc.field, str(exc)))
            continue
        key = (entry.kind, entry.name)
        earlier = entries.get(key)
        if earlier is not None and earlier[1].email != entry.email:
            issues.append(
                issue("email", f"{entry.kind} {entry.name} is also on row {earlier[0]} "
                      f"with {earlier[1].email or 'no address'}")
            )  # fmt: skip
            continue
        entries.setdefault(key, (number, entry))
    raise_if_any(issues)
    return ReviewerSheet(title, [e for _, e in entries.values()], skipped)


def write_reviewers(path: Path, entries: list[ReviewerEntry]) -> Path:
    """The directory workbook with these rows, or with one example row when there are none."""
    rows = [{"kind": e.kind, "name": e.name, "email": e.email} for e in entries]
    if not rows:
        rows = [{c.field: c.example for c in REVIEWERS.columns}]
    return write_workbook(path, [(REVIEWERS, rows)])
