"""The sheets staff fill in: the roster (花名册) and the four records sheets, column by column.

Roster (sheet 花名册; any sheet whose header row has the required columns is accepted): one
  column per person field declared in appraisal/person_fields.py, in that order; 编号 (the stable
  key) is derived from 姓名 + 出生年月 when absent.
  Its extra sheets 简历, 奖惩, 培训, 挂职 hold dated entries: 编号 (姓名) [奖惩类别] 起始年月
  截止年月 and the entry's text; a re-import adds only entries not already on record.
Records workbook, one sheet each (a workbook may carry any of them):
  履职记录 编号 姓名 年度 记录编号 类型 名称 日期 出席情况 角色 联名人数 成果
  民主测评 编号 姓名 年度 测评群体 应参评人数 发出票数 收回票数 优秀 称职 基本称职 不称职 弃权
  组织考核 编号 姓名 年度 政治表现 思想状况 履行职责 廉洁自律 考核材料 考核人 备注
           (an older sheet's 得分, the total alone, is still read: see SCORE)
  负面清单 编号 姓名 年度 事项代码 类别 性质 来源单位 情况说明
Every records row names its person by 编号, or by 姓名 alone when the name is unique.
年度 may be left out when the import is given a year. A 序号 column is dropped silently.
"""

from datetime import date
from typing import TypedDict

from appraisal.models.records import MATERIAL_LIMIT
from appraisal.models.vocab import (
    Attendance,
    DutyKind,
    DutyOutcome,
    DutyRole,
    EntryKind,
    FindingCategory,
    FindingEffect,
    Merit,
    RaterGroup,
)
from appraisal.person_fields import ROSTER_FIELDS, PersonField
from appraisal.sheets.spec import EXAMPLE_CODE, Column, Kind, SheetSpec


def _roster_column(f: PersonField) -> Column:
    c = f.roster
    if c is None:
        raise ValueError(f"{f.name} is not a roster column")
    return Column(
        c.header,
        f.name,
        Kind(c.kind),
        required=c.required,
        vocab=c.vocab,
        suggestions=c.suggestions,
        aliases=c.aliases,
        max_length=c.max_length,
        example=c.example,
        width=c.width,
        note=c.note,
    )


# Rosters before 0012 gave 工作单位及职务 in one column; it is split on reading
# (appraisal/employer_split.py) when the sheet has no 工作单位 column of its own.
EMPLOYER_POST = Column(
    "工作单位及职务",
    "employer_post",
    Kind.TEXT,
    aliases=("单位及职务", "工作单位职务", "单位职务"),
    max_length=256,
)

ROSTER = SheetSpec(
    name="花名册",
    description="人员名单：每行一人。编号为稳定的人员编号，留空时按姓名和出生年月生成。",
    columns=tuple(_roster_column(f) for f in ROSTER_FIELDS),
    accepted=(EMPLOYER_POST,),
)


def _person_columns() -> tuple[Column, ...]:
    return (
        Column(
            "编号",
            "code",
            Kind.CODE,
            aliases=("人员编号",),
            max_length=64,
            example=EXAMPLE_CODE,
            width=12,
            note="人员编号；留空时按姓名查找",
        ),
        Column("姓名", "name", Kind.NAME, max_length=64, example="张三", width=10),
        Column("年度", "year", Kind.INT, example=2026, width=8, note="留空时用导入时指定的年度"),
    )


DUTY = SheetSpec(
    name="履职记录",
    description="每行一条履职记录。会议须填出席情况；提案须填角色。",
    columns=(
        *_person_columns(),
        Column(
            "记录编号",
            "record_key",
            Kind.CODE,
            max_length=64,
            width=12,
            note="可选；留空时按类型、名称、日期识别同一记录",
        ),
        Column("类型", "kind", Kind.VOCAB, required=True, vocab=DutyKind, example="提案", width=10),
        Column(
            "名称",
            "title",
            Kind.TEXT,
            max_length=256,
            example="关于加强社区养老服务的提案",
            width=36,
        ),
        Column("日期", "held_on", Kind.DATE, example=date(2026, 3, 5), width=12),
        Column("出席情况", "attendance", Kind.VOCAB, vocab=Attendance, width=10),
        Column("角色", "role", Kind.VOCAB, vocab=DutyRole, example="领衔", width=8),
        Column(
            "联名人数",
            "cosigners",
            Kind.INT,
            aliases=("联名人数（含领衔人）",),
            example=5,
            width=10,
            note="可选：联名提案共几人署名（含领衔人）；留空为不详",
        ),
        Column(
            "成果",
            "outcome",
            Kind.VOCAB,
            vocab=DutyOutcome,
            example="立案",
            width=8,
            default=DutyOutcome.NONE,
            note="留空为无",
        ),
    ),
)


class _VoteColumn(TypedDict):
    kind: Kind
    required: bool
    default: int
    width: int


_VOTE: _VoteColumn = {"kind": Kind.INT, "required": True, "default": 0, "width": 8}

BALLOT = SheetSpec(
    name="民主测评",
    description="每行为一个测评群体对一人的计票结果。",
    columns=(
        *_person_columns(),
        Column(
            "测评群体",
            "rater_group",
            Kind.VOCAB,
            required=True,
            vocab=RaterGroup,
            example="同事",
            width=12,
        ),
        Column("应参评人数", "due", Kind.INT, required=True, example=30, width=10),
        Column("发出票数", "issued", Kind.INT, required=True, example=30, width=10),
        Column("收回票数", "returned", Kind.INT, required=True, example=28, width=10),
        Column("优秀", "excellent", example=12, **_VOTE),
        Column("称职", "competent", example=13, **_VOTE),
        Column("基本称职", "basic", example=2, **_VOTE),
        Column("不称职", "incompetent", example=0, **_VOTE),
        Column("弃权", "abstain", example=1, **_VOTE),
    ),
)


class _RatingColumn(TypedDict):
    kind: Kind
    width: int
    note: str


_RATING: _RatingColumn = {"kind": Kind.NUMBER, "width": 9, "note": "0 到 100 分"}
SCORE = SheetSpec(
    name="组织考核",
    description=(
        "每人每年一行：四个维度的评分（各 0 到 100 分，按方案权重计算组织考核得分）和考核材料。"
    ),
    columns=(
        *_person_columns(),
        Column("政治表现", "political", example=92, **_RATING),
        Column("思想状况", "thinking", example=88, **_RATING),
        Column("履行职责", "duty", example=85, **_RATING),
        Column("廉洁自律", "integrity", example=95, **_RATING),
        Column(
            "考核材料", "material", Kind.PROSE, max_length=MATERIAL_LIMIT, width=60,
            example="政治立场坚定，拥护中国共产党的领导。履职认真，积极参加各项会议和调研活动。",
            note="考核组的书面考核材料；可分段（单元格内换行）",
        ),
        Column("考核人", "assessor", Kind.TEXT, max_length=64, example="考核组", width=12),
        Column("备注", "note", Kind.TEXT, max_length=1024, width=30),
    ),
    # Sheets from before the dimensions carry only the total; it is read as the 组织考核 score.
    accepted=(Column("得分", "score", Kind.NUMBER, width=8),),
)  # fmt: skip

FINDING = SheetSpec(
    name="负面清单",
    description="每行一条负面清单事项；事项代码见负面清单方案。",
    columns=(
        *_person_columns(),
        Column(
            "事项代码",
            "item_code",
            Kind.CODE,
            required=True,
            max_length=16,
            example="D03",
            width=10,
        ),
        Column(
            "类别",
            "category",
            Kind.VOCAB,
            required=True,
            vocab=FindingCategory,
            example="履职尽责",
            width=10,
        ),
        Column(
            "性质",
            "effect",
            Kind.VOCAB,
            required=True,
            vocab=FindingEffect,
            example="扣分",
            width=8,
        ),
        Column(
            "来源单位",
            "source_body",
            Kind.TEXT,
            required=True,
            max_length=128,
            example="市政协办公厅",
            width=16,
        ),
        Column("情况说明", "evidence", Kind.TEXT, max_length=2048, width=40),
    ),
)

RECORD_SHEETS: tuple[SheetSpec, ...] = (DUTY, BALLOT, SCORE, FINDING)


def _entry_sheet(kind: EntryKind, text_header: str, example: str, description: str) -> SheetSpec:
    merit = (
        (Column("奖惩类别", "merit", Kind.VOCAB, required=True, vocab=Merit, example="奖励",
                width=10),)
        if kind is EntryKind.MERIT
        else ()
    )  # fmt: skip
    return SheetSpec(
        name=kind.value,
        description=description,
        columns=(
            Column("编号", "code", Kind.CODE, required=True, aliases=("人员编号",),
                   max_length=64, example=EXAMPLE_CODE, width=12,
                   note="花名册中的编号"),
            Column("姓名", "name", Kind.NAME, max_length=64, example="张三", width=10,
                   note="可选；填写时须与编号相符"),
            *merit,
            Column("起始年月", "started_on", Kind.DATE, required=True,
                   aliases=("开始时间", "起始时间", "时间", "年月"), example="2001.07", width=12),
            Column("截止年月", "ended_on", Kind.DATE, aliases=("结束时间", "截止时间"),
                   example="2005.06", width=12, note="可选；至今者留空"),
            Column(text_header, "text", Kind.TEXT, required=True, max_length=512,
                   example=example, width=40),
        ),
    )  # fmt: skip


# Extra sheets of the roster workbook: a person's dated entries, keyed by 编号.
ENTRY_SHEETS: dict[EntryKind, SheetSpec] = {
    EntryKind.CAREER: _entry_sheet(
        EntryKind.CAREER, "单位及职务", "滨江大学化学系讲师", "简历：每行一段经历。"
    ),
    EntryKind.MERIT: _entry_sheet(
        EntryKind.MERIT, "奖惩情况", "获评滨江市优秀教师", "奖惩：每行一项奖励或惩处。"
    ),
    EntryKind.TRAINING: _entry_sheet(
        EntryKind.TRAINING, "培训内容", "市委党校党外干部培训班", "培训：每行一次培训。"
    ),
    EntryKind.SECONDMENT: _entry_sheet(
        EntryKind.SECONDMENT, "挂职单位及职务", "滨江市教育局副局长", "挂职：每行一次挂职。"
    ),
}
