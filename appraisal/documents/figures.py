"""The 统战名人名录 workbook, from plain values: one sheet of figures, one of their 纪念场所 and
one of their 宣传活动, laid out like the 人才库名单 (title row, bold header, frozen panes)."""

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from appraisal.files import write_atomic

TITLE = "统战名人名录"
FIGURE_HEADER = ("序号", "姓名", "生卒年", "籍贯", "身份界别", "入选时间", "入选依据", "文号",
                 "纪念场所", "宣传活动", "生平事迹", "人员编号")  # fmt: skip
SITE_HEADER = ("序号", "姓名", "场所类别", "场所名称", "地址", "开放情况", "挂牌时间")
ACTIVITY_HEADER = ("序号", "姓名", "活动时间", "活动类别", "活动内容", "主办单位")
_FIGURE_WIDTHS = (6, 10, 14, 12, 30, 12, 24, 18, 10, 10, 60, 12)
_SITE_WIDTHS = (6, 10, 10, 30, 36, 24, 12)
_ACTIVITY_WIDTHS = (6, 10, 12, 10, 60, 30)


@dataclass(frozen=True)
class FigureEntry:
    fields: dict[str, str]  # 姓名, 生卒年 ... as staff read them
    selected: str = ""
    person_code: str = ""
    sites: list[tuple[str, str, str, str, str]] = field(default_factory=list)  # kind … plaque
    activities: list[tuple[str, str, str, str]] = field(default_factory=list)  # date … organiser


def _sheet(book: Workbook, name: str, title: str, header: Sequence[str],
           widths: Sequence[int]) -> Worksheet:  # fmt: skip
    sheet: Worksheet = book.create_sheet(name)
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(header))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A3"
    return sheet


def write_figure_list(path: Path, entries: Sequence[FigureEntry], title: str = TITLE) -> None:
    """The 名录, written whole (atomically): a reader never sees half a workbook."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    sites = sum(len(e.sites) for e in entries)
    activities = sum(len(e.activities) for e in entries)
    people = _sheet(book, "统战名人", f"{title}（{len(entries)} 位；荣誉记录，不参加年度考核评价）",
                    FIGURE_HEADER, _FIGURE_WIDTHS)  # fmt: skip
    places = _sheet(book, "纪念场所", f"{title}：纪念场所（{sites} 处）", SITE_HEADER, _SITE_WIDTHS)
    events = _sheet(book, "宣传活动", f"{title}：宣传活动（{activities} 项）", ACTIVITY_HEADER,
                    _ACTIVITY_WIDTHS)  # fmt: skip
    for i, e in enumerate(entries, start=1):
        f = e.fields
        people.append([
            i, f.get("姓名", ""), f.get("生卒年", ""), f.get("籍贯", ""), f.get("身份界别", ""),
            e.selected, f.get("入选依据", ""), f.get("文号", ""), len(e.sites), len(e.activities),
            f.get("生平事迹", ""), e.person_code,
        ])  # fmt: skip
        wrapped = Alignment(wrap_text=True, vertical="top")
        people.cell(row=people.max_row, column=11).alignment = wrapped
        for site in e.sites:
            places.append([places.max_row - 1, f.get("姓名", ""), *site])
        for activity in e.activities:
            events.append([events.max_row - 1, f.get("姓名", ""), *activity])
            events.cell(row=events.max_row, column=5).alignment = Alignment(wrap_text=True)
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, buffer.getvalue())
