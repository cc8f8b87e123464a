"""A person's fields, declared once: `PersonView` and the metadata on each of its fields.

Everything else that lists a person's fields is derived from here: the roster's columns
(appraisal/sheets/layouts.py), the roster's rows, the view read from the database
(store/cycle_data.py), the fields a dossier keeps (store/archive_data.py), the person fields of
the documents (documents/contexts.py) and the register's person columns (archive/register.py).
Adding a field means a line here, a column on models.Person with its migration, and, when
documents print it, the template field in templates/manifest.toml; tests/test_person_fields.py
says what else disagrees.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from enum import Enum, StrEnum
from typing import Any, Literal

from appraisal.employer_split import joined
from appraisal.models.vocab import Gender, Tier

# How a roster cell is read: the values of appraisal.sheets.spec.Kind that a person's field uses.
# Spelled here rather than imported because the sheets package builds its layouts from this module.
CellKind = Literal["text", "name", "code", "date", "bool", "vocab"]

# The roster template's example row carries this 编号; the readers skip such a row.
EXAMPLE_CODE = "示例"

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


@dataclass(frozen=True)
class RosterColumn:
    """How the roster (花名册) carries a field: appraisal.sheets.spec.Column without the field."""

    header: str
    kind: CellKind = "text"
    required: bool = False  # the column must exist and every row must fill it
    vocab: type[StrEnum] | None = None
    suggestions: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    max_length: int | None = None  # the database column's limit
    example: Any = ""
    width: int = 12
    note: str = ""


@dataclass(frozen=True)
class PersonField:
    """One field of a person and where it shows."""

    name: str  # the attribute on PersonView, models.Person and sheets.RosterRow
    roster: RosterColumn | None  # None: not a column of its own (birth_day_known)
    document: str | None  # the template field (manifest.toml) documents print it as
    # Shown in the register (考核登记表) under the roster's header, (least, most) characters wide.
    register: tuple[int, int] | None
    # Kept in a dossier's record of the person; code and name are kept there as 编号 and 姓名.
    archived: bool


_KEY = "person"


def declared(
    roster: RosterColumn | None,
    *,
    document: str | None = None,
    register: tuple[int, int] | None = None,
    archived: bool = True,
) -> dict[str, Any]:
    """The metadata of one PersonView field."""
    return {
        _KEY: {"roster": roster, "document": document, "register": register, "archived": archived}
    }


@dataclass(frozen=True, kw_only=True)
class PersonView:
    """A person's record as plain values; the fields are in the roster's column order."""

    code: str = field(
        metadata=declared(
            RosterColumn(
                "编号",
                "code",
                aliases=("人员编号",),
                max_length=64,
                example=EXAMPLE_CODE,
                width=12,
                note="可选；稳定的人员编号",
            ),
            register=(10, 20),
            archived=False,
        )
    )
    name: str = field(
        metadata=declared(
            RosterColumn("姓名", "name", required=True, max_length=64, example="张三", width=10),
            document="姓名",
            register=(8, 16),
            archived=False,
        )
    )
    gender: str = field(
        metadata=declared(
            RosterColumn("性别", "vocab", required=True, vocab=Gender, example="男", width=6),
            document="性别",
        )
    )
    ethnicity: str = field(
        metadata=declared(
            RosterColumn(
                "民族",
                required=True,
                suggestions=ETHNICITIES,
                max_length=32,
                example="汉族",
                width=8,
            ),
            document="民族",
        )
    )
    native_place: str = field(
        default="",
        metadata=declared(
            RosterColumn("籍贯", max_length=64, example="江苏南京", width=12),
            document="籍贯",
        ),
    )
    birth_date: date = field(
        metadata=declared(
            RosterColumn(
                "出生年月",
                "date",
                required=True,
                aliases=("出生日期",),
                example="1975.03",
                width=12,
                note="如 1975.03、1975年3月、1975-03-08",
            ),
            document="出生年月",
        )
    )
    # "1975.03" carries no day: the roster's 出生年月 says whether the day was given.
    birth_day_known: bool = field(default=True, metadata=declared(None, archived=False))
    work_started_on: date | None = field(
        default=None,
        metadata=declared(
            RosterColumn("参加工作时间", "date", example="1997.08", width=12, note="如 1997.08"),
            document="参加工作时间",
        ),
    )
    party: str = field(
        metadata=declared(
            RosterColumn(
                "党派",
                required=True,
                suggestions=PARTIES,
                aliases=("政治面貌", "党派/政治面貌"),
                max_length=64,
                example="民盟",
                width=12,
            ),
            document="政治面貌",
        )
    )
    # Given to the month, like 出生年月; the day stored is 1.
    party_joined_on: date | None = field(
        default=None,
        metadata=declared(
            RosterColumn(
                "入党派时间",
                "date",
                aliases=("加入党派时间", "入党时间"),
                example="2001.07",
                width=12,
                note="如 2001.07；无党派可留空",
            ),
            document="入党派时间",
        ),
    )
    sector: str = field(
        metadata=declared(
            RosterColumn("界别", required=True, max_length=64, example="教育界", width=12),
            document="界别",
        )
    )
    # Apart since 0012: letters to "所在单位党组织" go to the 工作单位 alone. A roster may still
    # give the old 工作单位及职务 column (sheets/layouts.py), split by appraisal/employer_split.py.
    employer: str = field(
        default="",
        metadata=declared(
            RosterColumn(
                "工作单位",
                aliases=("单位", "工作单位名称", "所在单位"),
                max_length=256,
                example="滨江大学",
                width=24,
                note="必填（或填写“工作单位及职务”一列）",
            ),
            document="工作单位",
        ),
    )
    post: str = field(
        default="",
        metadata=declared(
            RosterColumn(
                "职务", aliases=("现任职务", "现职务"), max_length=128, example="教授", width=16
            ),
            document="职务",
        ),
    )
    tier: str = field(
        metadata=declared(
            RosterColumn(
                "梯队",
                "vocab",
                required=True,
                vocab=Tier,
                aliases=("梯次", "层次"),
                example="精英",
                width=10,
            ),
            document="入库层级",
            register=(8, 12),
        )
    )
    category: str = field(
        default="",
        metadata=declared(
            RosterColumn("统战对象类别", max_length=64, example="民主党派成员", width=14),
            document="统战对象类别",
        ),
    )
    education: str = field(
        default="",
        metadata=declared(
            RosterColumn(
                "学历", suggestions=EDUCATION, max_length=64, example="博士研究生", width=12
            ),
            document="学历",
        ),
    )
    title: str = field(
        default="",
        metadata=declared(
            RosterColumn("职称", max_length=64, example="教授", width=12), document="职称"
        ),
    )
    social_posts: str = field(
        default="",
        metadata=declared(
            RosterColumn("社会职务", max_length=512, example="市政协委员", width=24),
            document="社会职务",
        ),
    )
    # Not printed: 联系电话 in the templates is the issuing office's; nor kept in the dossier.
    phone: str = field(
        default="",
        metadata=declared(
            RosterColumn(
                "联系电话",
                "code",
                aliases=("电话", "手机", "手机号码"),
                max_length=64,
                example="13800000000",
                width=14,
            ),
            archived=False,
        ),
    )
    expertise: str = field(
        default="",
        metadata=declared(
            RosterColumn(
                "专长", aliases=("专业特长",), max_length=256, example="材料科学", width=16
            ),
            document="专业领域",
        ),
    )
    # Widens the solicitation recipients; decides letters, printed on none.
    private_sector: bool = field(
        default=False,
        metadata=declared(
            RosterColumn("民营经济人士", "bool", example="否", width=12, note="是/否，留空为否"),
            archived=False,
        ),
    )

    @property
    def unit(self) -> str:
        """The body letters to the person's unit go to: the 工作单位 alone."""
        return self.employer

    @property
    def employer_post(self) -> str:
        """工作单位及职务 as documents print it."""
        return joined(self.employer, self.post)


def _declared() -> tuple[PersonField, ...]:
    declared = tuple(PersonField(name=f.name, **f.metadata[_KEY]) for f in fields(PersonView))
    for f in declared:
        if f.register is not None and f.roster is None:
            raise TypeError(f"{f.name}: the register heads a field with its roster header")
        if f.roster is not None and (f.roster.kind == "vocab") != (f.roster.vocab is not None):
            raise TypeError(f"{f.name}: a vocabulary column names its vocabulary, and only it")
    return declared


PERSON_FIELDS: tuple[PersonField, ...] = _declared()
ROSTER_FIELDS = tuple(f for f in PERSON_FIELDS if f.roster is not None)
DOCUMENT_FIELDS = tuple(f for f in PERSON_FIELDS if f.document is not None)
REGISTER_FIELDS = tuple(f for f in PERSON_FIELDS if f.register is not None)
ARCHIVED_FIELDS = tuple(f for f in PERSON_FIELDS if f.archived)
FIELD_NAMES = tuple(f.name for f in PERSON_FIELDS)


def plain(value: Any) -> Any:
    """A vocabulary member as its text; anything else as it is."""
    return value.value if isinstance(value, Enum) else value


def plain_values(source: object, chosen: Iterable[PersonField] = PERSON_FIELDS) -> dict[str, Any]:
    """The chosen fields of a person (a models.Person, a PersonView), vocabulary as text."""
    return {f.name: plain(getattr(source, f.name)) for f in chosen}


def register_columns() -> tuple[tuple[str, tuple[int, int]], ...]:
    """(header, (least, most) width) of the register's person columns, in order."""
    return tuple(
        (f.roster.header, f.register)
        for f in REGISTER_FIELDS
        if f.roster is not None and f.register is not None
    )


# Dates given to the month only: the day stored is 1 and is never shown.
MONTH_DATES = frozenset({"party_joined_on", "work_started_on"})


def field_text(source: object, name: str) -> str:
    """A field of a person as staff read it: 是/否, a month without an invented day."""
    value = plain(getattr(source, name))
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        month_only = name in MONTH_DATES or (
            name == "birth_date" and not getattr(source, "birth_day_known", True)
        )
        return f"{value:%Y.%m}" if month_only else value.isoformat()
    return str(value)
