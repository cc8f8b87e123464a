"""The talk workbook (谈心谈话): one row per talk already held, to back-fill the log from the
office's paper or Excel records. The template's example row carries 编号 示例 and is skipped."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from appraisal.clock import today as clock_today
from appraisal.models.vocab import TalkKind
from appraisal.sheets.errors import SheetIssue, WorkbookError, raise_if_any
from appraisal.sheets.spec import EXAMPLE_CODE, Column, Kind, SheetSpec
from appraisal.sheets.table import parse_sheet
from appraisal.sheets.values import SheetDate
from appraisal.sheets.workbook import find_sheet, open_workbook, sheet_rows
from appraisal.sheets.writer import example_row, write_workbook

TALKS = SheetSpec(
    name="谈心谈话",
    description="谈心谈话：每行一次已进行的谈话（日常谈心、提醒谈话、谈话函询）。",
    columns=(
        Column("编号", "code", Kind.CODE, required=True, aliases=("人员编号",), max_length=64,
               example=EXAMPLE_CODE, width=12),
        Column("姓名", "name", Kind.NAME, max_length=64, example="张三", width=10,
               note="可留空；填写时须与编号一致"),
        Column("谈话时间", "held_on", Kind.DATE, required=True, example="2026.03.15", width=12,
               note="写到日，如 2026.03.15"),
        Column("谈话类别", "kind", Kind.VOCAB, required=True, vocab=TalkKind,
               example="日常谈心", width=12),
        Column("谈话人", "talker", Kind.NAME, required=True, max_length=64, example="王明",
               width=10),
        Column("谈话人职务", "talker_post", Kind.TEXT, max_length=128, example="统战部副部长",
               width=16),
        Column("谈话地点", "place", Kind.TEXT, max_length=128, example="统战部会议室", width=16),
        Column("谈话内容", "summary", Kind.TEXT, required=True, max_length=2048,
               example="了解思想状况和年度履职打算", width=40),
        Column("后续跟进", "follow_up", Kind.TEXT, aliases=("本人态度",), max_length=1024,
               example="本人表示将积极参加界别活动", width=30),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class TalkRow:
    sheet: str
    row: int
    code: str
    name: str
    held_on: date
    kind: TalkKind
    talker: str
    talker_post: str
    place: str
    summary: str
    follow_up: str


@dataclass(frozen=True)
class TalkSheet:
    """The rows read well, the warnings, and the problems found in the cells: the import adds
    what it finds against the database and refuses the file once, listing them all."""

    file: str
    rows: tuple[TalkRow, ...]
    warnings: tuple[str, ...]
    issues: tuple[SheetIssue, ...]


def write_talk_template(path: Path) -> Path:
    """A blank talk workbook with its header and one example row (编号 示例)."""
    return write_workbook(path, [(TALKS, [example_row(TALKS)])])


def read_talks(path: Path, *, max_bytes: int | None = None) -> TalkSheet:
    """The talks of a workbook, with every problem of its cells by sheet, row and column;
    raises WorkbookError only when the sheet cannot be read at all."""
    file = path.name
    issues: list[SheetIssue] = []
    with open_workbook(path, max_bytes) as book:
        title = find_sheet(book, TALKS.name)
        if title is None:
            found = "、".join(book.sheetnames)
            raise WorkbookError([SheetIssue(file, f"没有“谈心谈话”工作表；现有工作表：{found}")])
        parsed = parse_sheet(file, title, sheet_rows(book, title), TALKS, issues)
    if parsed is None:
        raise_if_any(issues)
    assert parsed is not None
    warnings = list(parsed.warnings)
    rows: list[TalkRow] = []
    today = clock_today()
    for item in parsed.rows:
        v = item.values
        if v.get("code") == EXAMPLE_CODE:
            where = f"{file}，工作表 {parsed.sheet}：第{item.row}行"
            warnings.append(f"{where}是模板的示例行（编号 示例），已跳过")
            continue
        if any(v.get(c.field) is None for c in TALKS.required):
            continue  # its cell errors are already listed
        held: SheetDate = v["held_on"]
        if not held.day_known:
            issues.append(SheetIssue(file, "谈话时间应写到日，如 2026.03.15", parsed.sheet,
                                     item.row, "谈话时间"))  # fmt: skip
            continue
        if held.value > today:
            issues.append(SheetIssue(file, f"谈话时间 {held.value} 晚于今天", parsed.sheet,
                                     item.row, "谈话时间"))  # fmt: skip
            continue
        rows.append(TalkRow(
            parsed.sheet, item.row, v["code"], v.get("name") or "", held.value, v["kind"],
            v["talker"], v.get("talker_post") or "", v.get("place") or "", v["summary"],
            v.get("follow_up") or "",
        ))  # fmt: skip
    return TalkSheet(file, tuple(rows), tuple(warnings), tuple(issues))
