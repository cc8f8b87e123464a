"""The cycle register (考核登记表): one Excel workbook staff filter, print and file with the cycle.

Four sheets: the register itself, the grade and band distribution with bar charts, stage
completion, and the audit trail. The file is regenerated from plain values every time, never
appended to, and written atomically. Equal inputs give a byte-identical file: every timestamp in
it (document properties and zip entries) comes from `generated_at`, else the newest audit entry.

Written in openpyxl's write-only mode, like the templates (appraisal/sheets/writer.py): freeze
panes, filters, conditional formats, print set-up and charts all work there. The people and the
audit trail are read twice, once to size the columns and count, once to write, and never held:
a caller passes rows that read the database anew on each pass, so memory stays flat for
provincial pools.
"""

import io
import math
import os
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any, Generic, TypeVar

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import DataPoint
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from appraisal.archive.audit_words import (
    actor_words,
    entity_words,
    field_words,
    reason_words,
    value_words,
)
from appraisal.clock import OFFICE_TIME
from appraisal.files import write_atomic
from appraisal.models.vocab import Band, Grade
from appraisal.person_fields import REGISTER_FIELDS, register_columns

# The templates' header look; they are private there, and one look is wanted across workbooks.
from appraisal.sheets.writer import _CENTRE, _HEADER_FILL, _HEADER_FONT
from appraisal.stages import STAGE_NAMES
from appraisal.text_width import display_width

REGISTER_SHEET = "考核登记表"
DISTRIBUTION_SHEET = "等次分布"
STAGES_SHEET = "阶段完成情况"
AUDIT_SHEET = "审计记录"

# The person's columns come first, as appraisal/person_fields.py declares them.
_PERSON_COLUMNS = register_columns()
REGISTER_HEADER = (
    *(header for header, _widths in _PERSON_COLUMNS),
    "履职积分", "组织考核", "民主测评", "综合得分",
    "等次", "档次", "否决事项", "征求意见", "通报回执", "入库调整", "档案", "复核",
)  # fmt: skip
STAGES_HEADER = ("阶段", "已生成", "已回收", "已免签", "逾期", "异议", "闸门", "完成率")
AUDIT_HEADER = ("时间", "操作人", "对象", "字段", "原值", "新值", "原因")

# Chart titles differ from the sheet name so a PDF's text shows whether the chart was drawn.
GRADE_CHART_TITLE = "各等次人数"
BAND_CHART_TITLE = "各档次人数"

STAGE_LABELS = {stage.value: name for stage, name in STAGE_NAMES.items()}

SCORE_FORMAT = "0.00"
PERCENT_FORMAT = "0.0%"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
UNGRADED = "未评定"
NO_BAND = "未定档"

# With neither a stated time nor an audit entry, a constant keeps the output reproducible.
_FALLBACK_TIME = datetime(2000, 1, 1, tzinfo=UTC)


def _numbers(*headers: str) -> frozenset[int]:
    """The 1-based column numbers of these register headers."""
    return frozenset(REGISTER_HEADER.index(h) + 1 for h in headers)


def _letter(header: str) -> str:
    return get_column_letter(REGISTER_HEADER.index(header) + 1)


_SCORE_COLUMNS = _numbers("履职积分", "组织考核", "民主测评", "综合得分")
_CENTRED_COLUMNS = _numbers("等次", "档次", "档案")
_WRAPPED_COLUMNS = _numbers("否决事项", "征求意见", "通报回执", "入库调整", "复核")
_WRAPPED = Alignment(wrap_text=True, vertical="center")
_MIDDLE = Alignment(vertical="center")
# Points a line of 11-point text takes in the CJK faces LibreOffice and WPS fall back to (Noto
# Sans CJK's line is 1.45 em), and the cell's own padding: at 15 points a line the last line of a
# wrapped 征求意见 was cut off when printed.
_LINE_HEIGHT = 16.5
_ROW_PADDING = 3.0
_GRADE_LETTER = _letter("等次")
_SOLICITATION_LETTER = _letter("征求意见")
_VETO_LETTER = _letter("否决事项")
_REGISTER_WIDTHS = {  # (least, most) in Excel character units; a CJK character counts two
    **dict(_PERSON_COLUMNS), "履职积分": (10, 10),
    "组织考核": (10, 10), "民主测评": (10, 10), "综合得分": (10, 10), "等次": (8, 10),
    "档次": (6, 8), "否决事项": (10, 36), "征求意见": (10, 40), "通报回执": (10, 24),
    "入库调整": (10, 30), "档案": (8, 8), "复核": (8, 30),
}  # fmt: skip
_AUDIT_WIDTHS = ((20, 20), (8, 16), (8, 24), (8, 20), (8, 40), (8, 40), (10, 50))
# Excel's own "good / neutral / bad" cell styles, which staff recognise at a glance.
_GRADE_COLOURS: dict[str, tuple[str, str]] = {  # (fill, font)
    Grade.EXCELLENT.value: ("C6EFCE", "006100"),
    Grade.GOOD.value: ("DDEBF7", "1F4E78"),
    Grade.BASIC.value: ("FFEB9C", "9C5700"),
    Grade.INCOMPETENT.value: ("FFC7CE", "9C0006"),
}
_BAR_COLOUR = "5B9BD5"
_GREY = "BFBFBF"
_PAPER_A4 = 9  # the OOXML paper size code
_HEADER_TEXT_MAX = 100

T = TypeVar("T")


@dataclass(frozen=True)
class RegisterRow:
    """One person's line in the register."""

    code: str  # 编号
    name: str  # 姓名
    tier: str  # 梯队
    points: float | None  # 履职积分
    assessment: float | None  # 组织考核
    appraisal: float | None  # 民主测评
    composite: float | None  # 综合得分
    grade: str  # 等次 ("" when not graded)
    band: str  # 档次
    vetoes: Sequence[str]  # 否决事项
    solicitation: str  # 征求意见, e.g. "无异议", "有异议：……", "未回复"
    receipt: str  # 通报回执, e.g. "已签收 2026-12-01", "未回执"
    decision: str  # 入库调整, e.g. "留任", "退出：……", "可晋升梯队"
    sealed: bool  # the dossier is sealed
    # 复核, e.g. "复核变更：称职→优秀（理由）", "复核维持", "复核待决定"; "" when none was asked
    review: str = ""


@dataclass(frozen=True)
class StageCompletion:
    """How far one stage's sign-offs have come; the gate opens when nothing is outstanding."""

    stage: str
    generated: int
    returned: int
    waived: int
    overdue: int
    objections: int
    gate_open: bool

    @property
    def completion(self) -> float | None:
        """Share of generated documents returned or waived; None when nothing was generated."""
        if self.generated <= 0:
            return None
        return (self.returned + self.waived) / self.generated


@dataclass(frozen=True)
class AuditRow:
    """One audit entry, with the database's keys ("staff:alice", "cycle 2026年度…", "stage"); a
    timezone-aware `at` is shown in Beijing time, and the keys in Chinese (archive/audit_words)."""

    at: datetime
    actor: str
    entity: str
    field: str
    before: str
    after: str
    reason: str


class Reread(Generic[T]):
    """Rows produced anew by `read` each time they are iterated: what `write_register` takes
    when the rows come from a database and should not all be held at once."""

    def __init__(self, read: Callable[[], Iterable[T]]) -> None:
        self._read = read

    def __iter__(self) -> Iterator[T]:
        return iter(self._read())


def write_register(
    path: Path,
    *,
    cycle_name: str,
    rows: Iterable[RegisterRow],
    stages: Sequence[StageCompletion],
    audit: Iterable[AuditRow],
    generated_at: datetime | None = None,
    tz: tzinfo = OFFICE_TIME,
) -> Path:
    """Write the register workbook to `path`, replacing any earlier one atomically.

    `rows` and `audit` are each iterated twice, so they must be lists or `Reread`s, not
    generators. `generated_at` stamps the document properties and the zip entries; it defaults
    to the newest audit time so that regenerating an unchanged cycle gives the same bytes.
    """
    for name, given in (("rows", rows), ("audit", audit)):
        if iter(given) is given:
            raise TypeError(f"write_register reads {name} twice: pass a list or a Reread")
    people = _survey_people(rows)
    trail = _survey_audit(audit, tz)
    stamp = _stamp(generated_at, trail.newest)
    book = Workbook(write_only=True)
    props = book.properties
    props.title = cycle_name
    props.subject = REGISTER_SHEET
    props.creator = "appraisal"
    props.lastModifiedBy = None
    # openpyxl reads these as naive UTC.
    props.created = props.modified = stamp.astimezone(UTC).replace(tzinfo=None)

    _register_sheet(book, cycle_name, rows, people)
    _distribution_sheet(book, cycle_name, people)
    _stages_sheet(book, cycle_name, stages)
    _audit_sheet(book, cycle_name, audit, tz, trail)

    buffer = io.BytesIO()
    local = stamp.astimezone(tz)
    # openpyxl's save_workbook stamps "now" into the properties and the zip entries; its
    # ExcelWriter on our own zip leaves both to us.
    ExcelWriter(book, _StableZip(buffer, _zip_time(local))).save()
    write_atomic(path, buffer.getvalue())
    return path


def grade_counts(rows: Iterable[RegisterRow]) -> list[tuple[str, int]]:
    """(等次, 人数) in the fixed grade order (良好 only when someone has it); unknown grades
    after it, the ungraded last."""
    return _grade_table(Counter(r.grade.strip() for r in rows))


def band_counts(rows: Iterable[RegisterRow]) -> list[tuple[str, int]]:
    """(档次, 人数) in band order; bands outside the vocabulary after it, none last."""
    return _band_table(Counter(r.band.strip() for r in rows))


def _grade_table(counts: Counter[str]) -> list[tuple[str, int]]:
    # 良好 is no grade of the 党外 scale: listed only where a scheme that has it gave it.
    order = [g.value for g in Grade if g is not Grade.GOOD or counts.get(g.value)]
    return _ordered_counts(counts, order, UNGRADED)


def _band_table(counts: Counter[str]) -> list[tuple[str, int]]:
    return _ordered_counts(counts, [b.value for b in Band], NO_BAND)


def _ordered_counts(counts: Counter[str], order: list[str], blank: str) -> list[tuple[str, int]]:
    extra = sorted(k for k in counts if k and k not in order)
    table = [(k, counts.get(k, 0)) for k in (*order, *extra)]
    if counts.get(""):
        table.append((blank, counts[""]))
    return table


# -- first pass: sizes and counts -------------------------------------------------------------


class _ColumnWidths:
    """Widths that show each column's header and its longest text, within (least, most) Excel
    character units; a column whose least is its most is not measured."""

    def __init__(self, headers: Sequence[str], bounds: Sequence[tuple[int, int]]) -> None:
        self._bounds = bounds
        self._widest = [display_width(h) for h in headers]

    def see(self, values: Sequence[Any]) -> None:
        for index, (value, (least, most)) in enumerate(zip(values, self._bounds, strict=True)):
            if least < most and isinstance(value, str) and self._widest[index] < most:
                self._widest[index] = max(self._widest[index], display_width(value))

    def widths(self) -> list[int]:
        widths = []
        for (least, most), widest in zip(self._bounds, self._widest, strict=True):
            full = least == most or widest >= most
            widths.append(most if full else max(least, min(most, widest + 2)))
        return widths

    def apply(self, sheet: Any) -> list[int]:
        widths = self.widths()
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        return widths


@dataclass
class _People:
    count: int
    widths: _ColumnWidths
    grades: Counter[str]
    bands: Counter[str]


def _survey_people(rows: Iterable[RegisterRow]) -> _People:
    bounds = [_REGISTER_WIDTHS[h] for h in REGISTER_HEADER]
    survey = _People(0, _ColumnWidths(REGISTER_HEADER, bounds), Counter(), Counter())
    for row in rows:
        survey.count += 1
        survey.widths.see(_register_values(row))
        survey.grades[row.grade.strip()] += 1
        survey.bands[row.band.strip()] += 1
    return survey


@dataclass
class _Trail:
    count: int
    widths: _ColumnWidths
    newest: datetime | None  # aware; naive audit times are taken as UTC


def _survey_audit(audit: Iterable[AuditRow], tz: tzinfo) -> _Trail:
    survey = _Trail(0, _ColumnWidths(AUDIT_HEADER, _AUDIT_WIDTHS), None)
    for row in audit:
        survey.count += 1
        survey.widths.see(_audit_values(row, tz))
        at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
        survey.newest = at if survey.newest is None else max(survey.newest, at)
    return survey


# -- sheets -----------------------------------------------------------------------------------


def _register_sheet(
    book: Workbook, cycle_name: str, rows: Iterable[RegisterRow], survey: _People
) -> None:
    sheet = book.create_sheet(REGISTER_SHEET)
    widths = survey.widths.apply(sheet)
    # Code and name stay in view while scrolling right, the header while scrolling down.
    sheet.freeze_panes = "C2"
    last = survey.count + 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(REGISTER_HEADER))}{last}"
    _print_setup(sheet, cycle_name, title_rows=True)
    _grade_colours(sheet, f"{_GRADE_LETTER}2:{_GRADE_LETTER}{max(last, 2)}")
    _flag_cells(sheet, max(last, 2))

    sheet.append(_header(sheet, REGISTER_HEADER))
    # One styled cell per column is reused: write-only mode writes each row at once.
    styled = {}
    for index in range(1, len(REGISTER_HEADER) + 1):
        styled[index] = _styled(sheet, SCORE_FORMAT if index in _SCORE_COLUMNS else "General")
        # Centred, a grade does not run into the score to its left; long text wraps in its
        # cell rather than running under the next column; a tall row centres the rest.
        styled[index].alignment = (
            _CENTRE
            if index in _CENTRED_COLUMNS
            else (_WRAPPED if index in _WRAPPED_COLUMNS else _MIDDLE)
        )
    for row_index, line in enumerate(map(_register_values, rows), start=2):
        out = [None if v is None else _put(styled[i], v) for i, v in enumerate(line, start=1)]
        lines = max(_lines(line[i - 1], widths[i - 1]) for i in _WRAPPED_COLUMNS)
        if lines > 1:
            # Excel does not size a row to wrapped text when it opens a file: the height is set.
            sheet.row_dimensions[row_index].height = lines * _LINE_HEIGHT + _ROW_PADDING
        sheet.append(out)
        sheet.row_dimensions.pop(row_index, None)  # written: nothing to hold for the rows


def _register_values(row: RegisterRow) -> tuple[Any, ...]:
    return (
        *(_clean(getattr(row, f.name)) for f in REGISTER_FIELDS),
        _number(row.points),
        _number(row.assessment),
        _number(row.appraisal),
        _number(row.composite),
        _clean(row.grade),
        _clean(row.band),
        _clean("、".join(v.strip() for v in _listed(row.vetoes) if v.strip())),
        _clean(row.solicitation),
        _clean(row.receipt),
        _clean(row.decision),
        "已封存" if row.sealed else "未封存",
        _clean(row.review),
    )


def _distribution_sheet(book: Workbook, cycle_name: str, survey: _People) -> None:
    sheet = book.create_sheet(DISTRIBUTION_SHEET)
    for letter, width in zip("ABC", (12, 8, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    # A chart cut by a page break is unreadable; the tables and both charts fit one page.
    _print_setup(sheet, cycle_name, title_rows=False, one_page=True)
    total = survey.count
    grades = _grade_table(survey.grades)
    bands = _band_table(survey.bands)
    percent = _styled(sheet, PERCENT_FORMAT)

    def table(first: str, counts: list[tuple[str, int]]) -> None:
        sheet.append(_header(sheet, (first, "人数", "占比")))
        for label, count in counts:
            sheet.append([label, count, _share(percent, count, total)])
        sheet.append(["合计", total, _share(percent, total, total)])

    # Counts are values, not COUNTIF formulas: openpyxl cannot store a formula's result, and
    # a chart over uncached formulas comes up empty in viewers that do not recalculate.
    table("等次", grades)
    sheet.append([])
    band_top = len(grades) + 4  # header, grades, 合计, blank line
    table("档次", bands)

    # Bars in the register's grade colours; the not-yet-graded in grey.
    colours = {**{k: fill for k, (fill, _font) in _GRADE_COLOURS.items()}, UNGRADED: _GREY}
    grade_colours = [colours.get(label, "") for label, _count in grades]
    sheet.add_chart(_bar_chart(sheet, GRADE_CHART_TITLE, "等次", 1, grades, grade_colours), "E2")
    band_colours = [_GREY if label == NO_BAND else "" for label, _count in bands]
    band_chart = _bar_chart(sheet, BAND_CHART_TITLE, "档次", band_top, bands, band_colours)
    sheet.add_chart(band_chart, "E20")


def _bar_chart(
    sheet: Any, title: str, axis: str, header_row: int, counts: list[tuple[str, int]],
    colours: list[str],
) -> BarChart:  # fmt: skip
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.style = 10
    chart.legend = None
    chart.x_axis.title = axis
    chart.y_axis.title = "人数"
    chart.y_axis.number_format = "0"
    chart.y_axis.majorGridlines = None
    # openpyxl 3.1 marks axes deleted unless told otherwise; Excel then draws no labels.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.width, chart.height = 16, 8
    last = header_row + len(counts)
    data = Reference(sheet, min_col=2, min_row=header_row, max_row=last)
    labels = Reference(sheet, min_col=1, min_row=header_row + 1, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(labels)
    series = chart.series[0]
    series.graphicalProperties.solidFill = _BAR_COLOUR
    series.graphicalProperties.line.solidFill = _BAR_COLOUR
    for index, colour in enumerate(colours):
        if colour:
            point = DataPoint(idx=index)
            point.graphicalProperties.solidFill = colour
            point.graphicalProperties.line.solidFill = colour
            series.dPt.append(point)
    # Every flag is spelt out: LibreOffice takes a missing one as "show", and would print the
    # series and category name above each bar.
    chart.dataLabels = DataLabelList(
        showVal=True, showCatName=False, showSerName=False, showLegendKey=False,
        showPercent=False, showBubbleSize=False, showLeaderLines=False,
    )  # fmt: skip
    return chart


def _stages_sheet(book: Workbook, cycle_name: str, stages: Sequence[StageCompletion]) -> None:
    sheet = book.create_sheet(STAGES_SHEET)
    for index, width in enumerate((12, 8, 8, 8, 8, 8, 8, 10), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    _print_setup(sheet, cycle_name, title_rows=True)
    sheet.append(_header(sheet, STAGES_HEADER))
    percent = _styled(sheet, PERCENT_FORMAT)
    for stage in stages:
        rate = stage.completion
        if rate is not None:
            percent.value = rate
        sheet.append([
            _clean(STAGE_LABELS.get(stage.stage, stage.stage)),
            stage.generated, stage.returned, stage.waived, stage.overdue, stage.objections,
            "已开启" if stage.gate_open else "未开启",
            percent if rate is not None else None,
        ])  # fmt: skip


def _audit_sheet(
    book: Workbook, cycle_name: str, audit: Iterable[AuditRow], tz: tzinfo, survey: _Trail
) -> None:
    sheet = book.create_sheet(AUDIT_SHEET)
    survey.widths.apply(sheet)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(AUDIT_HEADER))}{survey.count + 1}"
    _print_setup(sheet, cycle_name, title_rows=True)
    sheet.append(_header(sheet, AUDIT_HEADER))
    when = _styled(sheet, TIME_FORMAT)
    for at, *texts in (_audit_values(a, tz) for a in audit):
        when.value = at
        sheet.append([when, *(_text(sheet, t) for t in texts)])


def _audit_values(row: AuditRow, tz: tzinfo) -> tuple[Any, ...]:
    # The trail keeps the database's keys; the sheet shows them in the words staff read.
    texts = (
        actor_words(row.actor),
        entity_words(row.entity),
        field_words(row.field),
        value_words(row.field, row.before),
        value_words(row.field, row.after),
        reason_words(row.reason),
    )
    return (_wall_clock(row.at, tz), *(_clean(t) for t in texts))


# -- formatting -------------------------------------------------------------------------------


def _header(sheet: Any, titles: Iterable[str]) -> list[Cell]:
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _CENTRE
        cells.append(cell)
    return cells


def _styled(sheet: Any, number_format: str) -> Cell:
    cell = WriteOnlyCell(sheet)
    cell.number_format = number_format
    return cell


def _print_setup(sheet: Any, cycle_name: str, *, title_rows: bool, one_page: bool = False) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = _PAPER_A4
    # One page wide, as many pages tall as it takes (0), or one page in all.
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1 if one_page else 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    if title_rows:
        sheet.print_title_rows = "1:1"
    # The cycle name goes here, not in a title row, so row 1 stays a clean header for filters.
    sheet.oddHeader.center.text = _header_footer_text(cycle_name)
    sheet.oddHeader.right.text = "&A"  # the sheet name
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def _header_footer_text(text: str) -> str:
    # "&" starts a header/footer code, so a literal one is doubled; Excel refuses a header
    # longer than 255 characters in all, codes included.
    return (_clean(text) or "")[:_HEADER_TEXT_MAX].replace("&", "&&")


def _grade_colours(sheet: Any, cells: str) -> None:
    top = cells.split(":")[0]
    for grade, (fill, font) in _GRADE_COLOURS.items():
        rule = FormulaRule(
            formula=[f'${top}="{grade}"'],
            fill=PatternFill("solid", start_color=fill, end_color=fill),
            font=Font(color=font),
        )
        sheet.conditional_formatting.add(cells, rule)


def _flag_cells(sheet: Any, last: int) -> None:
    """Red text for a veto and for an objection in the solicitation replies."""
    red = Font(color="9C0006", bold=True)
    veto = f"{_VETO_LETTER}2:{_VETO_LETTER}{last}"
    sheet.conditional_formatting.add(
        veto, FormulaRule(formula=[f"LEN(${_VETO_LETTER}2)>0"], font=red)
    )
    reply = f"{_SOLICITATION_LETTER}2:{_SOLICITATION_LETTER}{last}"
    sheet.conditional_formatting.add(
        reply, FormulaRule(formula=[f'LEFT(${_SOLICITATION_LETTER}2,3)="有异议"'], font=red)
    )


# -- values -----------------------------------------------------------------------------------


def _clean(text: str) -> str | None:
    """Text as a cell takes it: control characters dropped, empty text as an empty cell."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text).strip()
    return text or None


def _listed(values: Sequence[str] | str) -> Sequence[str]:
    # A lone string is one veto, not a sequence of characters.
    return [values] if isinstance(values, str) else values


def _lines(value: Any, width: int) -> int:
    """How many lines `value` takes, wrapped in a column `width` characters wide."""
    if not isinstance(value, str):
        return 1
    usable = max(1, width - 1)  # the cell's margins
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in value.split("\n"))


def _formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=")


def _text(sheet: Any, value: Any) -> Any:
    """A value for a text column; text that looks like a formula is kept as text."""
    return _put(WriteOnlyCell(sheet), value) if _formula_like(value) else value


def _put(cell: Cell, value: Any) -> Cell:
    cell.value = value
    if _formula_like(value):
        # openpyxl would store "=..." as a formula, and a name or a reason must never run.
        cell.data_type = "s"
    return cell


def _number(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def _share(cell: Cell, count: int, total: int) -> Cell | None:
    if total <= 0:
        return None
    cell.value = count / total
    return cell


def _wall_clock(at: datetime, tz: tzinfo) -> datetime:
    """Excel datetimes carry no zone: an aware time becomes Beijing wall-clock time."""
    return at.astimezone(tz).replace(tzinfo=None) if at.tzinfo else at


def _stamp(generated_at: datetime | None, newest_audit: datetime | None) -> datetime:
    if generated_at is None:
        generated_at = newest_audit or _FALLBACK_TIME
    return generated_at if generated_at.tzinfo else generated_at.replace(tzinfo=UTC)


def _zip_time(at: datetime) -> tuple[int, int, int, int, int, int]:
    # Zip timestamps start in 1980 and have two-second resolution.
    at = max(at.replace(tzinfo=None), datetime(1980, 1, 1))
    return (at.year, at.month, at.day, at.hour, at.minute, at.second - at.second % 2)


class _StableZip(zipfile.ZipFile):
    """A zip whose entries all carry one timestamp, so equal content gives equal bytes."""

    def __init__(self, file: io.BytesIO, date_time: tuple[int, int, int, int, int, int]) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self._date_time = date_time

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: Any,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self._date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(
        self,
        filename: Any,
        arcname: Any = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        # openpyxl hands over each write-only sheet as a temporary file; its mtime must not leak.
        name = str(arcname) if arcname is not None else os.path.basename(filename)
        self.writestr(name, Path(filename).read_bytes(), compress_type, compresslevel)
