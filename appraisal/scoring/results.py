"""What the engine concludes: plain frozen values that documents print and the database stores."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from appraisal.models.vocab import Band, FindingEffect, Grade, RaterGroup, Tier


class Action(StrEnum):
    """Recommended follow-ups, worded as staff write them."""

    # 提醒谈话, not 诫勉谈话: management between equals (seed 000); 诫勉 is a disciplinary term.
    REMINDER_TALK = "提醒谈话"
    REMOVAL = "建议移出"
    MOVE_UP = "可晋升一级"


@dataclass(frozen=True)
class PointsResult:
    """履职积分: per category before and after its cap, penalties, and the score out of 100."""

    raw: dict[str, float]
    capped: dict[str, float]
    penalties: float
    total: float
    points: float
    unexcused: dict[str, int]
    removal_flag: bool
    lines: tuple[str, ...]


@dataclass(frozen=True)
class GroupResult:
    rater_group: RaterGroup
    valid: bool
    reason: str  # why a tally is invalid; empty when valid
    valid_votes: int
    score: float | None


@dataclass(frozen=True)
class AppraisalResult:
    """民主测评 over the valid tallies pooled; score None when no tally is valid."""

    score: float | None
    groups: tuple[GroupResult, ...]
    valid_votes: int
    excellent: int
    competent: int
    basic: int
    incompetent: int
    grade_cap: Grade | None  # the 2/3 rule
    forced_grade: Grade | None  # the 1/3 rule
    excellent_allowed: bool
    reminder_talk: bool
    lines: tuple[str, ...]


@dataclass(frozen=True)
class FindingResult:
    code: str
    text: str
    effect: FindingEffect
    deduction: float  # 0 for a veto
    known: bool  # False: the code is not in the scheme's negative list
    source: str = ""  # as FindingItem.source


@dataclass(frozen=True)
class PersonScore:
    code: str
    name: str
    tier: Tier | None
    points: PointsResult
    appraisal: AppraisalResult
    org_score: float | None
    composite: float | None
    grade: Grade | None
    band: Band | None
    vetoes: tuple[str, ...]
    deductions: float
    findings: tuple[FindingResult, ...]
    actions: tuple[Action, ...]
    explanation: tuple[str, ...]
    breakdown: dict[str, Any] = field(default_factory=dict)
