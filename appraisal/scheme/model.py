"""The scheme's typed rules: what a scheme file may say, field by field.

Every field is required: a scheme must state its numbers itself, so the text stored with a cycle
gives the same results whatever defaults this code has later. Rules that relate fields to one
another are checked in `checks.py`, where each problem can be named by its own key.
"""

from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator, PrivateAttr

from appraisal.models.vocab import (
    Attendance,
    Band,
    BodyKind,
    Dimension,
    DutyKind,
    DutyOutcome,
    DutyRole,
    FindingCategory,
    FindingEffect,
    Grade,
    RaterGroup,
    Stage,
    Tier,
    Vote,
)


def _share(value: object) -> Fraction:
    """A share of votes or people: 0.5, 1, or an exact fraction written "2/3"."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError('应为比例，如 "2/3" 或 0.5')
    try:
        share = Fraction(value.replace(" ", "")) if isinstance(value, str) else Fraction(value)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f'应为比例，如 "2/3" 或 0.5，而不是 {value!r}') from None
    if not 0 <= share <= 1:
        raise ValueError(f"比例须在 0 到 1 之间，而不是 {value}")
    return share


Share = Annotated[Fraction, PlainValidator(_share), PlainSerializer(str)]
Points = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
Label = Annotated[str, Field(min_length=1)]


class Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Category(Rules):
    label: Label
    # Left out only where points accumulate from a base without cap (normalise = "base").
    cap: Points | None = None


class KindRule(Rules):
    category: str
    base: Points = Decimal(0)  # a kind scored by attendance has no base: 0 is "none", not a rule
    attendance: dict[Attendance, Points] | None = None
    unexcused_penalty: Points = Decimal(0)
    outcomes: dict[DutyOutcome, dict[str, Points]] = Field(default_factory=dict)
    # What one record stands for, in the words of the rule ("半天": 全会每半天计 5 分).
    unit: str = ""
    # Points per role for this kind (提案: 领衔 15, 联名 3) in place of `base` times the scheme's
    # role factor; a record without a role counts as 独立. None: `base` and the factors.
    roles: dict[DutyRole, Points] | None = None
    # The roles that earn the outcome points (重点 +15 to the lead author alone); None: all, each
    # times its role factor as before.
    outcome_roles: list[DutyRole] | None = None


class Removal(Rules):
    kind: DutyKind
    unexcused: int = Field(ge=1)


class PointsRules(Rules):
    # "cap" and "scale" make a score out of `full_marks`; "base" adds the points to `base`
    # without any cap (the CPPCC members' rule of accumulating from 60).
    normalise: Literal["cap", "scale", "base"]
    full_marks: Points
    base: Points = Decimal(0)
    split_among_cosigners: bool
    categories: dict[str, Category]
    roles: dict[DutyRole, Points]
    removal: Removal
    kinds: dict[DutyKind, KindRule]


class BallotRules(Rules):
    quorum: Share
    returned_over_issued_invalid: bool
    pass_share: Share
    cap_grade: Grade
    fail_share: Share
    fail_grade: Grade
    excellent_share: Share
    values: dict[Vote, Annotated[Decimal, Field(ge=0, le=100, allow_inf_nan=False)]]
    # How the 民主测评票 are printed and counted, not how they score: a scheme stored with a
    # cycle before sheets listed people says nothing of them, so these two have defaults.
    sheet_people: int = Field(default=20, ge=1, le=200)
    # 应参评人数 of each rater group, printed on its sheets as 份数 and kept as the tallies' due.
    raters: dict[RaterGroup, Annotated[int, Field(ge=1)]] = Field(default_factory=dict)


class Weights(Rules):
    org: Annotated[Decimal, Field(ge=0, le=1)]
    appraisal: Annotated[Decimal, Field(ge=0, le=1)]
    points: Annotated[Decimal, Field(ge=0, le=1)]


class AssessmentRules(Rules):
    """组织考核: each dimension's weight in the score (the ratings are 0 to 100 each)."""

    weights: dict[Dimension, Annotated[Decimal, Field(ge=0, le=1)]]


class CompositeRules(Rules):
    weights: Weights


class GradeFloor(Rules):
    grade: Grade
    # Above 100 only where points accumulate without a cap (normalise = "base").
    min: Annotated[Decimal, Field(ge=0, le=1000)]


class BandFloor(Rules):
    band: Band
    min: Annotated[Decimal, Field(ge=0, le=100)]


class VetoRules(Rules):
    grade: Grade
    band: Band


# Who shares one 优秀 quota: the whole cycle, or the people with the same value of a field of
# their record, in the words staff read on the roster.
QuotaScope = Literal["本周期", "工作单位", "所在党派或界别", "界别"]
QUOTA_CYCLE: QuotaScope = "本周期"


class QuotaRules(Rules):
    excellent_percent: Annotated[Decimal, Field(ge=0, le=100)]
    # Schemes stored by cycles started before these existed lack them: one quota over the
    # cycle, rounded down with no minimum, as those cycles were scored.
    scope: QuotaScope = QUOTA_CYCLE
    # A group (the cycle or one unit) of at least this many people has at least one place,
    # where rounding down would leave it none; 0 turns this off.
    at_least_one_from: int = Field(default=0, ge=0)


class AdjustRules(Rules):
    """The rolling adjustment's moves between 精英 and 代表人士 (who leaves is `PoolRules`')."""

    promote_grades: list[Grade]  # a 精英 with one of these grades is proposed for 晋升
    promote_on_move_up: bool  # and so is one the A-streak rule (move_up_after_a) names
    demote_grades: list[Grade]  # a 代表人士 with one of these is proposed for 调整 to 精英


class PoolRules(Rules):
    leave_bands: list[Band]
    leave_grades: list[Grade]
    move_up_after_a: int = Field(ge=1)
    tier_quota: dict[Tier, Annotated[int, Field(ge=0)]]
    # Schemes stored by cycles started before it existed lack it: their proposals move no one
    # between tiers but by the A-streak rule, as those cycles were told.
    adjust: AdjustRules | None = None


class NominationRules(Rules):
    """Who a nominating body may propose: the checks each nomination goes through."""

    min_age: int = Field(ge=0)
    max_age: dict[Tier, Annotated[int, Field(ge=0)]]  # per proposed tier, on 1 January
    categories: list[Label]  # the 统战对象类别 a candidate may belong to
    required: list[Label]  # columns a new candidate's row must fill in
    # The nominating bodies (推荐单位) and the field each belongs to: 动员部署 sends each a
    # 工作通知 and the 实施方案. Schemes written before it may lack it: no body is written to.
    bodies: dict[Label, BodyKind] = Field(default_factory=dict)


class Solicitation(Rules):
    always: list[Label]
    private_sector: list[Label]
    # Asked about members of a democratic party only: their own party (seed 000, 002 所属党派).
    party_members: list[Label] = []


class Recipients(Rules):
    solicitation: Solicitation
    notification: list[Label]


class NegativeItem(Rules):
    code: Annotated[str, Field(pattern=r"^[A-Z][0-9]{2}$")]
    category: FindingCategory
    effect: FindingEffect
    text: Label
    deduction: Points | None = None  # only deductions carry points; a veto has none


class NegativeList(Rules):
    deduction_min: Points
    deduction_max: Points
    default_deduction: Points
    veto_categories: list[FindingCategory]
    items: list[NegativeItem]

    def item(self, code: str) -> NegativeItem | None:
        return next((i for i in self.items if i.code == code), None)


class ReviewRules(Rules):
    """复核: how long after the 考核结果通知书 a person may ask for a review."""

    # Working days (Monday to Friday) from the day after the notice was issued; public holidays
    # and the weekends worked in their place are not modelled.
    days: int = Field(ge=1)


class TermRules(Rules):
    """届末评价: which yearly grades are below standard, and how many such years in a row lead
    to persuading the member to resign (劝其辞去委员)."""

    below_grades: list[Grade] = Field(min_length=1)
    years_in_row: int = Field(ge=1)
    # The annual result's follow-up for a below-standard year (提醒谈话).
    reminder_talk: bool = True


class ReportRules(Rules):
    """年度履职报告: what a person who has none when the evaluation runs is taken to have done."""

    # A code of the negative list applied to them automatically, its source printed as
    # 系统：未提交履职报告; "" applies nothing (staff may still register the item themselves).
    missing_item: Annotated[str, Field(pattern=r"^([A-Z][0-9]{2})?$")]


class Indicator(Rules):
    """One assessment indicator a scheme names itself (the cadre kind's 平时工作, 专项工作)."""

    weight: Annotated[Decimal, Field(ge=0, le=1)]
    text: Label  # what it covers, printed under its name on the 年度考核登记表


class CadreRules(Rules):
    """干部年度考核: the scheme's own indicators and what each grade means for the person.

    The indicators are rated 0 to 100 each by the 考核委员会; their weighted sum is the person's
    组织考核 score (recorded as its total), so the composite, grades and quota work unchanged."""

    indicators: dict[Label, Indicator]
    # 考核结果运用: per grade, the words printed on the 登记表 and the results list (seed 003).
    uses: dict[Grade, Label]


class Scheme(Rules):
    """A whole scheme. Build it with `parse_scheme`/`load_scheme`, which also run the checks."""

    name: Label
    version: Label
    decimals: int = Field(ge=0, le=4)
    points: PointsRules
    ballots: BallotRules
    # Schemes stored by cycles started before the dimensions lack it: such a cycle counts an
    # imported total only, and dimension ratings cannot be weighed (the person lacks a score).
    assessment: AssessmentRules | None = None
    composite: CompositeRules
    grades: list[GradeFloor]
    bands: list[BandFloor]
    band_caps: dict[Grade, Band]
    veto: VetoRules
    quota: QuotaRules
    pool: PoolRules
    recipients: Recipients
    deadlines: dict[Stage, Annotated[int, Field(ge=1)]]
    negative_list: NegativeList
    # Schemes stored by cycles started before nominations existed lack it: their nominations
    # are checked for duplicates only.
    nomination: NominationRules | None = None
    # Likewise before 复核: the window is the 十五个工作日 the result notice has always promised.
    review: ReviewRules = ReviewRules(days=15)
    # Likewise before 履职报告 were collected: nobody is taken to have failed to submit one.
    report: ReportRules = ReportRules(missing_item="")
    # Only the cadre kind's schemes have it: their indicators and the use of each grade.
    cadre: CadreRules | None = None
    # 届末评价 over a term of years; schemes without it (党外 cycles) have no term evaluation.
    term: TermRules | None = None

    _text: str = PrivateAttr(default="")
    _sha256: str = PrivateAttr(default="")

    @property
    def text(self) -> str:
        """The exact text this scheme was parsed from: what a cycle stores."""
        return self._text

    @property
    def sha256(self) -> str:
        return self._sha256
