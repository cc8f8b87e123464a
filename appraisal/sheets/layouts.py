"""The sheets staff fill in: the roster (花名册) and the four records sheets, column by column.

Roster (sheet 花名册; any sheet whose header row has the required columns is accepted):
  required 姓名 性别 民族 出生年月 党派 界别 工作单位及职务 梯队;
  optional 编号 (the stable key; derived from 姓名 + 出生年月 when absent) 统战对象类别 学历 职称
  社会职务 联系电话 专长 民营经济人士 (是/否).
Records workbook, one sheet each (a workbook may carry any of them):
  履职记录 编号 姓名 年度 记录编号 类型 名称 日期 出席情况 角色 成果
  民主测评 编号 姓名 年度 测评群体 应参评人数 发出票数 收回票数 优秀 称职 基本称职 不称职 弃权
  组织考核 编号 姓名 年度 得分 考核人 备注
  负面清单 编号 姓名 年度 事项代码 类别 性质 来源单位 情况说明
Every records row names its person by 编号, or by 姓名 alone when the name is unique.
年度 may be left out when the import is given a year. A 序号 column is dropped silently.
"""

from datetime import date
from typing import TypedDict

from appraisal.models.vocab import (
    Attendance,
    DutyKind,
    DutyOutcome,
    DutyRole,
    FindingCategory,
    FindingEffect,
    Gender,
    RaterGroup,
    Tier,
)
from appraisal.sheets.spec import EXAMPLE_CODE, Column, Kind, SheetSpec

PARTIES = (
    "民革",
    "民盟",
    "民建",
    "民进",
    "农工党",
    "致公党",
    "九三学社",
    "台盟",
    "无党派人士",
    "中共党员",
    "群众",
)
ETHNICITIES = (
    "汉族",
    "回族",
    "满族",
    "蒙古族",
    "壮族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "土家族",
)
EDUCATION = ("博士研究生", "硕士研究生", "大学本科", "大学专科", "高中")

ROSTER = SheetSpec(
    name="花名册",
    description="人员名单：每行一人。编号为稳定的人员编号，留空时按姓名和出生年月生成。",
    columns=(
        Column(
            "编号",
            "code",
            Kind.CODE,
            aliases=("人员编号",),
            max_length=64,
            example=EXAMPLE_CODE,
            width=12,
            note="可选；稳定的人员编号",
        ),
        Column("姓名", "name", Kind.NAME, required=True, max_length=64, example="张三", width=10),
        Column("性别", "gender", Kind.VOCAB, required=True, vocab=Gender, example="男", width=6),
        Column(
            "民族",
            "ethnicity",
            Kind.TEXT,
            required=True,
            suggestions=ETHNICITIES,
            max_length=32,
            example="汉族",
            width=8,
        ),
        Column(
            "出生年月",
            "birth_date",
            Kind.DATE,
            required=True,
            aliases=("出生日期",),
            example="1975.03",
            width=12,
            note="如 1975.03、1975年3月、1975-03-08",
        ),
        Column(
            "党派",
            "party",
            Kind.TEXT,
            required=True,
            suggestions=PARTIES,
            aliases=("政治面貌", "党派/政治面貌"),
            max_length=64,
            example="民盟",
            width=12,
        ),
        Column(
            "界别", "sector", Kind.TEXT, required=True, max_length=64, example="教育界", width=12
        ),
        Column(
            "工作单位及职务",
            "employer_post",
            Kind.TEXT,
            required=True,
            aliases=("单位及职务", "工作单位职务", "单位职务"),
            max_length=256,
            example="某大学 教授",
            width=30,
        ),
        Column(
            "梯队",
            "tier",
            Kind.VOCAB,
            required=True,
            vocab=Tier,
            aliases=("梯次", "层次"),
            example="精英",
            width=10,
        ),
        Column(
            "统战对象类别", "category", Kind.TEXT, max_length=64, example="民主党派成员", width=14
        ),
        Column(
            "学历",
            "education",
            Kind.TEXT,
            suggestions=EDUCATION,
            max_length=64,
            example="博士研究生",
            width=12,
        ),
        Column("职称", "title", Kind.TEXT, max_length=64, example="教授", width=12),
        Column(
            "社会职务", "social_posts", Kind.TEXT, max_length=512, example="市政协委员", width=24
        ),
        Column(
            "联系电话",
            "phone",
            Kind.CODE,
            aliases=("电话", "手机", "手机号码"),
            max_length=64,
            example="13800000000",
            width=14,
        ),
        Column(
            "专长",
            "expertise",
            Kind.TEXT,
            aliases=("专业特长",),
            max_length=256,
            example="材料科学",
            width=16,
        ),
        Column(
            "民营经济人士",
            "private_sector",
            Kind.BOOL,
            example="否",
            width=12,
            note="是/否，留空为否",
        ),
    ),
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

SCORE = SheetSpec(
    name="组织考核",
    description="每人每年一个组织考核得分（百分制）。",
    columns=(
        *_person_columns(),
        Column("得分", "score", Kind.NUMBER, required=True, example=88.5, width=8),
        Column("考核人", "assessor", Kind.TEXT, max_length=64, example="考核组", width=12),
        Column("备注", "note", Kind.TEXT, max_length=1024, width=30),
    ),
)

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
