"""The 届末评价表 workbook, from the evaluated term: one row per member, the points and grade of
each year, the term's total and average, the years below standard and the flag."""

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from appraisal.files import write_atomic
from appraisal.scoring.numbers import fmt
from appraisal.scoring.term import TermResult, YearResult

TITLE = "届末评价表"


def year_cell(result: YearResult | None, decimals: int = 2) -> str:
    """One year as the table shows it: "85（称职）", or 无记录."""
    if result is None:
        return "无记录"
    grade = f"（{result.grade}）" if result.grade else "（未评定）"
    return f"{fmt(result.points, decimals)}{grade}"


def term_header(years: tuple[int, ...], flag: str) -> list[str]:
    return [
        "编号",
        "姓名",
        *(f"{y}年度" for y in years),
        "积分合计",
        "年均积分",
        "不合格年度",
        flag,
    ]


def term_cells(row: TermResult, flag: str) -> list[str]:
    return [
        row.code,
        row.name,
        *(year_cell(result) for _, result in row.years),
        fmt(row.total),
        "—" if row.average is None else fmt(row.average),
        "、".join(str(y) for y in row.below) or "—",
        "是，劝其辞去委员" if row.resign else "否",
    ]


def write_term_sheet(
    path: Path, *, scheme: str, years: tuple[int, ...], flag: str, rows: tuple[TermResult, ...]
) -> None:
    """The workbook, written whole (atomically)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = TITLE
    span = f"{years[0]}–{years[-1]}" if years else ""
    sheet.append([f"{TITLE}（{span} 年度，{scheme}，{len(rows)} 人）"])
    sheet["A1"].font = Font(bold=True, size=14)
    header = term_header(years, flag)
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append(term_cells(row, flag))
    for i, title in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, len(title) * 2 + 4)
    sheet.freeze_panes = "C3"
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, buffer.getvalue())
