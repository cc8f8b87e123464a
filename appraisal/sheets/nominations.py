"""The nomination workbook (推荐人选): one row per candidate a body proposes, and their 简历.

The 序号 of a 推荐人选 row keys its 简历 lines on the second sheet; the template's example rows
carry 序号 示例 and are skipped on import like the roster's."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from appraisal.clock import today as clock_today
from appraisal.models.vocab import BodyKind, Tier
from appraisal.nomination_checks import candidate_key
from appraisal.person_fields import EDUCATION, ETHNICITIES, PARTIES
from appraisal.sheets.errors import SheetIssue, WorkbookError, raise_if_any
from appraisal.sheets.spec import EXAMPLE_CODE, Column, Kind, SheetSpec
from appraisal.sheets.table import ParsedSheet, parse_sheet
from appraisal.sheets.values import SheetDate
from appraisal.sheets.workbook import find_sheet, open_workbook, sheet_rows
from appraisal.sheets.writer import example_row, write_workbook

# The twelve kinds of the default scheme, offered in the drop-down; the scheme decides what passes.
_CATEGORIES = (
    "民主党派成员", "无党派人士", "党外知识分子", "少数民族人士", "宗教界人士", "非公有制经济人士",
    "新的社会阶层人士", "出国和归国留学人员", "香港同胞、澳门同胞", "台湾同胞及其在大陆的亲属",
    "华侨、归侨及侨眷", "其他需要联系和团结的人员",
)  # fmt: skip

_SEQ = Column("序号", "seq", Kind.CODE, required=True, max_length=16, example=EXAMPLE_CODE,
              width=8, note="每行一个；简历表用它对应人选")  # fmt: skip

NOMINEES = SheetSpec(
    name="推荐人选",
    description="推荐人选：每行一位人选。人才库中已有的人只填编号、推荐单位、推荐层级和推荐理由。",
    ignored=frozenset(),
    columns=(
        _SEQ,
        Column("推荐单位", "body", Kind.NAME, required=True, max_length=128,
               example="民盟滨江市委", width=18),
        Column("推荐单位类别", "body_kind", Kind.VOCAB, required=True, vocab=BodyKind,
               example="民主党派", width=14),
        Column("编号", "person_code", Kind.CODE, aliases=("人员编号",), max_length=64, width=12,
               note="人才库中已有的人填编号；新人选留空"),
        Column("姓名", "name", Kind.NAME, max_length=64, example="张三", width=10,
               note="新人选必填；填了编号的可留空"),
        Column("性别", "gender", Kind.TEXT, suggestions=("男", "女"), max_length=4,
               example="男", width=6),
        Column("民族", "ethnicity", Kind.TEXT, suggestions=ETHNICITIES, max_length=32,
               example="汉族", width=8),
        Column("出生年月", "birth_date", Kind.DATE, example="1985.06", width=10,
               note="新人选必填，如 1985.06"),
        Column("政治面貌", "party", Kind.TEXT, suggestions=PARTIES, max_length=64,
               example="民盟盟员", width=12),
        Column("统战对象类别", "category", Kind.TEXT, suggestions=_CATEGORIES, max_length=64,
               example="民主党派成员", width=16),
        Column("界别", "sector", Kind.TEXT, max_length=64, example="教育", width=10),
        Column("工作单位", "employer", Kind.TEXT, max_length=256, example="滨江大学",
               width=22),
        Column("职务", "post", Kind.TEXT, max_length=128, example="化学系副教授", width=14),
        Column("学历", "education", Kind.TEXT, suggestions=EDUCATION, max_length=64,
               example="博士研究生", width=12),
        Column("职称", "title", Kind.TEXT, max_length=64, example="副教授", width=10),
        Column("联系电话", "phone", Kind.CODE, max_length=64, example="13800000000", width=14),
        Column("推荐层级", "tier", Kind.VOCAB, required=True, vocab=Tier, example="精英",
               width=10, note="代表人士 或 精英"),
        Column("推荐理由", "reason", Kind.TEXT, max_length=2048,
               example="长期从事教学科研，积极参政议政，在所联系群众中有较好影响。", width=40),
    ),
)  # fmt: skip

CAREER = SheetSpec(
    name="简历",
    description="简历：每行一段经历，用序号对应推荐人选表的行。",
    ignored=frozenset(),
    columns=(
        _SEQ,
        Column("起始年月", "started_on", Kind.DATE, required=True,
               aliases=("开始时间", "起始时间"), example="2010.07", width=12),
        Column("截止年月", "ended_on", Kind.DATE, aliases=("结束时间", "截止时间"),
               example="2015.06", width=12, note="至今者留空"),
        Column("单位及职务", "text", Kind.TEXT, required=True, max_length=512,
               example="滨江大学化学系讲师", width=40),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class CareerLine:
    started_on: date
    ended_on: date | None
    text: str


@dataclass(frozen=True)
class NomineeRow:
    """One candidate as a body proposes them, from row `row` of 推荐人选."""

    row: int
    seq: str
    body: str
    body_kind: BodyKind
    tier: Tier
    name: str = ""
    person_code: str = ""
    gender: str = ""
    ethnicity: str = ""
    birth_date: date | None = None
    party: str = ""
    category: str = ""
    sector: str = ""
    employer: str = ""
    post: str = ""
    education: str = ""
    title: str = ""
    phone: str = ""
    reason: str = ""
    career: tuple[CareerLine, ...] = ()

    @property
    def key(self) -> str:
        return candidate_key(self.person_code, self.name, self.birth_date)


@dataclass(frozen=True)
class NominationSheet:
    file: Path
    rows: tuple[NomineeRow, ...]
    warnings: tuple[str, ...]


def write_nomination_template(path: Path) -> Path:
    """A blank nomination workbook: 推荐人选 and 简历, each with one example row (序号 示例)."""
    return write_workbook(path, [(spec, [example_row(spec)]) for spec in (NOMINEES, CAREER)])


def read_nominations(
    path: Path, *, max_bytes: int | None = None, today: date | None = None
) -> NominationSheet:
    """Read and check a nomination workbook; raises WorkbookError listing every problem."""
    file = path.name
    issues: list[SheetIssue] = []
    with open_workbook(path, max_bytes) as book:
        title = find_sheet(book, NOMINEES.name)
        if title is None:
            found = "、".join(book.sheetnames)
            raise WorkbookError([SheetIssue(file, f"没有“推荐人选”工作表；现有工作表：{found}")])
        parsed = parse_sheet(file, title, sheet_rows(book, title), NOMINEES, issues)
        career_title = find_sheet(book, CAREER.name)
        career = (
            parse_sheet(file, career_title, sheet_rows(book, career_title), CAREER, issues)
            if career_title is not None
            else None
        )
    return _checked(file, parsed, career, issues, today or clock_today())


# What a body types into the portal's form is read as a one-row workbook: the same columns, the
# same checks and the same words for what is wrong. `FORM` names it in those words.
FORM = "网上提交"


def read_nomination_form(
    body: str,
    values: Mapping[str, str],
    career: Sequence[tuple[str, str, str]],
    *,
    today: date | None = None,
) -> NomineeRow:
    """One candidate as a body's portal form gives them: `values` by field name (the columns'
    `field`), `body` the body itself, `career` as (起始年月, 截止年月, 单位及职务) lines, blank
    lines ignored. Raises WorkbookError naming each bad field (the 简历 sheet's row is the line
    number plus one)."""
    issues: list[SheetIssue] = []
    given = {**values, "seq": "1", "body": body}
    head = tuple(c.header for c in NOMINEES.columns)
    row = tuple(given.get(c.field, "") for c in NOMINEES.columns)
    parsed = parse_sheet(FORM, NOMINEES.name, [head, row], NOMINEES, issues)
    lines = [line for line in career if any(part.strip() for part in line)]
    career_rows = [tuple(c.header for c in CAREER.columns), *(("1", *line) for line in lines)]
    career_parsed = parse_sheet(FORM, CAREER.name, career_rows, CAREER, issues)
    return _checked(FORM, parsed, career_parsed, issues, today or clock_today()).rows[0]


def _checked(
    file: str,
    parsed: ParsedSheet | None,
    career: ParsedSheet | None,
    issues: list[SheetIssue],
    day: date,
) -> NominationSheet:
    if parsed is None:
        raise_if_any(issues)
    assert parsed is not None
    # Cell errors so far are kept: the row checks below add theirs, and one error lists all.
    parsed = _without_example(file, parsed)
    career = _without_example(file, career) if career is not None else None
    lines = _career(file, career, day, issues) if career is not None else {}
    rows = _nominees(file, parsed, lines, day, issues)
    known = {item.values["seq"] for item in parsed.rows}
    for seq, (row, _) in lines.items():
        if seq not in known:
            assert career is not None
            issues.append(SheetIssue(file, f"序号 {seq} 在推荐人选表中没有", career.sheet, row,
                                     _SEQ.header))  # fmt: skip
    raise_if_any(issues)
    warnings = parsed.warnings + (career.warnings if career is not None else ())
    return NominationSheet(Path(file), tuple(rows), warnings)


def _without_example(file: str, parsed: ParsedSheet) -> ParsedSheet:
    """The sheet without the template's example rows (序号 示例), each skipped with a warning."""
    rows = tuple(r for r in parsed.rows if r.values.get("seq") != EXAMPLE_CODE)
    skipped = tuple(
        f"{file}，工作表 {parsed.sheet}：第{r.row}行是模板的示例行（序号 示例），已跳过"
        for r in parsed.rows
        if r.values.get("seq") == EXAMPLE_CODE
    )
    return replace(parsed, rows=rows, warnings=parsed.warnings + skipped)


def _career(
    file: str, parsed: ParsedSheet, today: date, issues: list[SheetIssue]
) -> dict[str, tuple[int, list[CareerLine]]]:
    """序号 → (its first 简历 row, its lines)."""
    lines: dict[str, tuple[int, list[CareerLine]]] = {}
    for item in parsed.rows:
        v = item.values
        started: SheetDate | None = v["started_on"]
        ended: SheetDate | None = v.get("ended_on")
        if v["seq"] is None or started is None or v["text"] is None:
            continue  # its cell errors are already listed
        if started.value > today:
            issues.append(SheetIssue(file, f"起始年月 {started.value} 晚于今天", parsed.sheet,
                                     item.row, "起始年月"))  # fmt: skip
            continue
        if ended is not None and ended.value < started.value:
            issues.append(SheetIssue(file, f"截止年月 {ended.value} 早于起始年月 {started.value}",
                                     parsed.sheet, item.row, "截止年月"))  # fmt: skip
            continue
        line = CareerLine(started.value, ended.value if ended else None, v["text"])
        lines.setdefault(v["seq"], (item.row, []))[1].append(line)
    return lines


def _nominees(
    file: str,
    parsed: ParsedSheet,
    lines: dict[str, tuple[int, list[CareerLine]]],
    today: date,
    issues: list[SheetIssue],
) -> list[NomineeRow]:
    rows: list[NomineeRow] = []
    seqs: dict[str, int] = {}
    keys: dict[tuple[str, str], int] = {}
    sheet = parsed.sheet
    for item in parsed.rows:
        v: dict[str, Any] = dict(item.values)
        seq = v["seq"]
        if seq in seqs:
            issues.append(SheetIssue(file, f"序号 {seq} 与第{seqs[seq]}行重复", sheet, item.row,
                                     _SEQ.header))  # fmt: skip
            continue
        if seq is not None:
            seqs[seq] = item.row
        if any(v.get(c.field) is None for c in NOMINEES.required):
            continue  # its cell errors are already listed
        born: SheetDate | None = v.pop("birth_date", None)
        if born is not None and born.value > today:
            issues.append(SheetIssue(file, f"出生年月 {born.value} 晚于今天", sheet, item.row,
                                     "出生年月"))  # fmt: skip
            continue
        if not v.get("person_code") and not v.get("name"):
            issues.append(SheetIssue(file, "未填写姓名（人才库中的人可只填编号）", sheet, item.row,
                                     "姓名"))  # fmt: skip
            continue
        if not v.get("person_code") and born is None:
            issues.append(SheetIssue(file, "新人选（未填编号）必须填写出生年月", sheet, item.row,
                                     "出生年月"))  # fmt: skip
            continue
        given = {k: val for k, val in v.items() if val is not None}
        row = NomineeRow(
            row=item.row,
            birth_date=born.value if born else None,
            career=tuple(lines.get(seq, (0, []))[1]),
            **given,
        )
        if (row.body, row.key) in keys:
            issues.append(SheetIssue(file, f"与第{keys[(row.body, row.key)]}行是同一推荐单位推荐的"
                                     "同一人选", sheet, item.row, "姓名"))  # fmt: skip
            continue
        keys[(row.body, row.key)] = item.row
        rows.append(row)
    return rows
