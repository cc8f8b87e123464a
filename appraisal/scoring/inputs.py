"""What the engine scores: plain frozen values, built by whoever reads the records."""

from dataclasses import dataclass, fields

from appraisal.models.vocab import (
    Attendance,
    Band,
    Dimension,
    DutyKind,
    DutyOutcome,
    DutyRole,
    FindingCategory,
    FindingEffect,
    RaterGroup,
    Tier,
)


@dataclass(frozen=True)
class DutyItem:
    """One 履职记录. `cosigners` is how many co-signed, when the record says."""

    kind: DutyKind
    role: DutyRole | None = None
    attendance: Attendance | None = None
    outcome: DutyOutcome = DutyOutcome.NONE
    cosigners: int | None = None
    title: str = ""

    def __post_init__(self) -> None:
        if self.cosigners is not None and self.cosigners < 1:
            raise ValueError(
                f"履职记录 {self.title or self.kind}：联名人数须为 1 或以上 / "
                f"duty record {self.title or self.kind}: cosigners must be 1 or more"
            )


# The column headings of the 民主测评 sheet, which is where staff meet these numbers.
_TALLY_WORDS = {
    "due": "应参评人数",
    "issued": "发出票数",
    "returned": "收回票数",
    "excellent": "优秀票数",
    "competent": "称职票数",
    "basic": "基本称职票数",
    "incompetent": "不称职票数",
    "abstain": "弃权票数",
}


@dataclass(frozen=True)
class Tally:
    """民主测评: the votes one rater group cast for one person."""

    rater_group: RaterGroup
    due: int
    issued: int
    returned: int
    excellent: int
    competent: int
    basic: int
    incompetent: int
    abstain: int = 0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, int) and value < 0:
                raise ValueError(
                    f"民主测评 {self.rater_group}：{_TALLY_WORDS.get(f.name, f.name)}不能为负数"
                    f"（{value}） / "
                    f"tally {self.rater_group}: {f.name} must not be negative ({value})"
                )

    @property
    def valid_votes(self) -> int:
        return self.excellent + self.competent + self.basic + self.incompetent


@dataclass(frozen=True)
class FindingItem:
    """A negative-list finding as registered: the scheme decides what a known code does."""

    code: str
    category: FindingCategory
    effect: FindingEffect
    # Where a finding came from when no body registered it: 系统：未提交履职报告.
    source: str = ""


@dataclass(frozen=True)
class PersonInput:
    """Everything one person is scored on in one cycle. `previous_bands` run oldest first."""

    code: str
    name: str
    tier: Tier | None = None
    duties: tuple[DutyItem, ...] = ()
    tallies: tuple[Tally, ...] = ()
    org_score: float | None = None  # the total, as imported before the dimensions
    # 组织考核 rated by dimension (all four): the scheme's weights make the score from these.
    org_ratings: tuple[tuple[Dimension, float], ...] = ()
    findings: tuple[FindingItem, ...] = ()
    previous_bands: tuple[Band, ...] = ()
    # What a per-unit 优秀 quota groups people by (the scheme's quota.scope).
    employer: str = ""  # 工作单位
    party: str = ""  # 党派 / 政治面貌
    sector: str = ""  # 界别

    def __post_init__(self) -> None:
        if self.org_score is not None and not 0 <= self.org_score <= 100:
            raise ValueError(
                f"{self.code}：组织评价得分须在 0 到 100 之间（现为 {self.org_score}） / "
                f"person {self.code}: org_score must lie in 0-100, not {self.org_score}"
            )
        if isinstance(self.org_ratings, dict):  # a mapping is accepted, kept as sorted pairs
            ordered = tuple((d, self.org_ratings[d]) for d in Dimension if d in self.org_ratings)
            object.__setattr__(self, "org_ratings", ordered)
        for dimension, rating in self.org_ratings:
            if not 0 <= rating <= 100:
                raise ValueError(
                    f"{self.code}：{dimension}评分须在 0 到 100 之间（现为 {rating}） / "
                    f"person {self.code}: rating {dimension} must lie in 0-100, not {rating}"
                )
        if self.org_ratings and {d for d, _ in self.org_ratings} != set(Dimension):
            raise ValueError(
                f"{self.code}：组织考核须四个维度都有评分 / person {self.code}: rate all four"
            )
        # Lists are accepted for convenience and frozen so the input stays hashable and pure.
        for name in ("duties", "tallies", "org_ratings", "findings", "previous_bands"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
