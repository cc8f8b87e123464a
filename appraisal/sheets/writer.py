"""Writing workbooks shaped like the sheets we read: blank templates and the demo data.

Header in bold on a tinted row, frozen below it; a drop-down on every column with a fixed
vocabulary; widths that fit Chinese text; a 填表说明 sheet listing what each column takes.
Written in openpyxl's write-only mode, which keeps memory flat for 10,000-person pools.
"""

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from appraisal.sheets.layouts import ENTRY_SHEETS, RECORD_SHEETS, ROSTER
from appraisal.sheets.spec import Column, Kind, SheetSpec

GUIDE_SHEET = "填表说明"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_CENTRE = Alignment(horizontal="center", vertical="center")

Rows = Iterable[Mapping[str, Any]]


def write_workbook(path: Path, sheets: Iterable[tuple[SheetSpec, Rows]]) -> Path:
    """Write each spec's sheet with `rows` (field → cell value) under its header."""
    book = Workbook(write_only=True)
    specs = []
    for spec, rows in sheets:
        specs.append(spec)
        sheet = book.create_sheet(spec.name)
        _format(sheet, spec)
        sheet.append([_header_cell(sheet, c) for c in spec.columns])
        fields = [c.field for c in spec.columns]
        for row in rows:
            sheet.append([_cell_value(row.get(f)) for f in fields])
    _guide(book.create_sheet(GUIDE_SHEET), specs)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def example_row(spec: SheetSpec) -> dict[str, Any]:
    return {c.field: c.example for c in spec.columns}


def write_roster_template(path: Path) -> Path:
    """A blank roster with the header and one example row (编号 示例, skipped on import), and
    its extra sheets 简历, 奖惩, 培训, 挂职 likewise."""
    sheets = [ROSTER, *ENTRY_SHEETS.values()]
    return write_workbook(path, [(spec, [example_row(spec)]) for spec in sheets])


def write_records_template(path: Path) -> Path:
    """A blank records workbook: the four sheets, each with its header and one example row."""
    return write_workbook(path, [(spec, [example_row(spec)]) for spec in RECORD_SHEETS])


def _cell_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    if hasattr(value, "value") and not isinstance(value, date | str):
        return value.value  # a vocabulary enum
    return value


def _header_cell(sheet: Any, column: Column) -> Cell:
    cell = WriteOnlyCell(sheet, value=column.header)
    cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _CENTRE
    return cell


def _format(sheet: Any, spec: SheetSpec) -> None:
    sheet.freeze_panes = "A2"
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if not column.choices:
            continue
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(column.choices) + '"',
            allow_blank=True,
            showErrorMessage=column.strict,
            errorTitle=column.header,
            error="请从下拉列表中选择：" + "、".join(column.choices),
        )
        validation.add(f"{letter}2:{letter}1048576")
        sheet.data_validations.append(validation)


def _guide(sheet: Any, specs: list[SheetSpec]) -> None:
    widths = (12, 16, 8, 40, 40)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append(["工作表", "列名", "必填", "格式或可选值", "说明"])
    for spec in specs:
        sheet.append([spec.name, "", "", "", spec.description])
        for column in spec.columns:
            sheet.append(
                [spec.name, column.header, "是" if column.required else "否",
                 _format_hint(column), column.note]
            )  # fmt: skip


def _format_hint(column: Column) -> str:
    if column.choices and column.strict:
        return "、".join(column.choices)
    if column.choices:
        return "如：" + "、".join(column.choices)
    return {
        Kind.DATE: "日期，如 1975.03、1975年3月、1975-03-08",
        Kind.INT: "整数",
        Kind.NUMBER: "数字",
    }.get(column.kind, "文字")
