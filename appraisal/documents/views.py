"""Plain values the document planner works from, read out of the database by the flows."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Self

# Declared with its fields' roster columns, template names and register columns.
from appraisal.person_fields import PersonView as PersonView


@dataclass(frozen=True)
class Office:
    """The issuing office printed on letters (发文机关, 文号 prefix, contact)."""

    name: str
    number_prefix: str
    contact: str
    phone: str

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "number_prefix": self.number_prefix,
            "contact": self.contact,
            "phone": self.phone,
        }

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> "Office":
        return cls(
            name=data.get("name", ""),
            number_prefix=data.get("number_prefix", ""),
            contact=data.get("contact", ""),
            phone=data.get("phone", ""),
        )


@dataclass(frozen=True, slots=True)
class TalkLine:
    """One 谈心谈话 as the 谈心谈话记录表 and the growing file print it."""

    held_on: date
    kind: str  # 日常谈心, 提醒谈话 or 谈话函询
    talker: str  # 谈话人 with their post, as one line: 王明（统战部副部长）
    place: str
    summary: str
    follow_up: str


@dataclass(frozen=True)
class AssessmentView:
    """组织考核 as recorded for a person: the four ratings (none for an imported total), the
    score they make under the cycle's scheme (or the total), and the written 考核材料."""

    ratings: tuple[tuple[str, float], ...]  # (政治表现, 92.0) ... in the dimensions' order
    score: float | None
    material: str
    assessor: str = ""


@dataclass(frozen=True)
class CycleView:
    id: int
    name: str
    kind: str
    year: int
    office: Office


@dataclass(frozen=True)
class Procedure:
    """What 动员部署 tells the nominating bodies, from the cycle's scheme: whom they may propose
    and how long each stage takes."""

    min_age: int = 0
    max_age: tuple[tuple[str, int], ...] = ()  # (tier, oldest age on 1 January)
    categories: tuple[str, ...] = ()  # the twelve kinds of united-front targets
    days: tuple[tuple[str, int], ...] = ()  # (stage name, days), working stages in order


@dataclass(frozen=True, slots=True)
class Affiliation:
    """What decides which bodies hear about a person: enough to address every letter of a
    cycle without holding everyone's whole record."""

    code: str
    unit: str
    party: str
    sector: str
    private_sector: bool

    @classmethod
    def of(cls, person: PersonView) -> Self:
        return cls(person.code, person.unit, person.party, person.sector, person.private_sector)


@dataclass(frozen=True, slots=True)
class Nominated:
    """The accepted nomination a person's 推荐表 carries: the body that proposed them (to whom
    the form goes, and whose seal it asks for), its 推荐理由 and the 简历 it gave."""

    body: str
    reason: str
    career: tuple["EntryLine", ...] = ()


@dataclass(frozen=True, slots=True)
class EntryLine:
    """One dated entry of a person's file (简历, 奖惩, 培训, 挂职) as documents print it; dates
    are given to the month."""

    started_on: date
    ended_on: date | None  # None: to this day (至今)
    text: str  # 单位及职务, the award, the course, the post seconded to
    merit: str = ""  # 奖励 or 惩处, for 奖惩

    @property
    def span(self) -> str:
        if self.merit and self.ended_on is None:  # an award or a sanction is of one month
            return f"{self.started_on:%Y.%m}"
        end = f"{self.ended_on:%Y.%m}" if self.ended_on else "至今"
        return f"{self.started_on:%Y.%m}—{end}"


@dataclass(frozen=True)
class TallyRow:
    """One rater group's count and its verdict, as printed on the tally sheet."""

    rater_group: str
    due: int
    issued: int
    returned: int
    valid_votes: int
    excellent: int
    competent: int
    basic: int
    incompetent: int
    abstain: int
    score: float | None
    valid: bool
    reason: str
    from_sheet: bool = False  # counted from a 民主测评票 sheet, not imported


@dataclass(frozen=True)
class ResultView:
    """A person's result as stored (models.Result), for the evaluation form and the notices."""

    points_raw: float
    points: float
    org_score: float | None
    appraisal_score: float | None
    composite: float | None
    grade: str | None
    band: str | None
    explanation: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    flagged: bool = False
    objection: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    decision: str = ""  # 暂缓评定 or 免评 when staff decided instead of a grade
    # 审定: told in a 结果通知书 only once approved; listed with a grade in the 情况通报 only
    # when approved before it was issued (else 暂缓, as it was issued)
    approved: bool = True
    briefed: bool = True
