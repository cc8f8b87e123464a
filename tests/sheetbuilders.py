"""Real .xlsx files for the sheet tests, built with openpyxl the way staff sheets look."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

ROSTER_HEADER = [
    "编号",
    "姓名",
    "性别",
    "民族",
    "出生年月",
    "党派",
    "界别",
    "工作单位及职务",
    "梯队",
]


def person(
    code: str = "P001",
    name: str = "张三",
    born: Any = "1975.03",
    tier: str = "精英",
    employer: str = "滨江大学 教授",
) -> list[Any]:
    return [code, name, "男", "汉族", born, "民盟", "教育界", employer, tier]


def write_xlsx(
    path: Path,
    sheets: dict[str, Sequence[Sequence[Any]]],
    *,
    merge: dict[str, str] | None = None,
) -> Path:
    """One sheet per entry, rows written from A1 down; `merge` maps sheet → range to merge."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        if merge and title in merge:
            sheet.merge_cells(merge[title])
    book.save(path)
    return path


def roster_file(path: Path, rows: Sequence[Sequence[Any]], header: list[str] | None = None) -> Path:
    return write_xlsx(path, {"花名册": [header or ROSTER_HEADER, *rows]})
