"""A member's own 履职积分 as they stand: each record with its points and the rule behind them,
the category totals against their caps, and the points out of full marks. Pure: the store reads
the records, this turns them into what the member's page shows."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from appraisal.models.vocab import Attendance, DutyKind, DutyOutcome, DutyRole, DutySource
from appraisal.scheme.model import PointsRules
from appraisal.scoring.inputs import DutyItem
from appraisal.scoring.numbers import fmt
from appraisal.scoring.points import ItemPoints, explain_duties, score_points


@dataclass(frozen=True)
class DutyLine:
    """One 履职记录 as the member sees it: what, when, and who recorded it."""

    kind: DutyKind
    title: str
    held_on: date | None
    role: DutyRole | None
    attendance: Attendance | None
    outcome: DutyOutcome
    cosigners: int | None
    source: DutySource
    recorded_by: str
    recorded_at: datetime | None

    def item(self) -> DutyItem:
        return DutyItem(
            kind=self.kind, role=self.role, attendance=self.attendance, outcome=self.outcome,
            cosigners=self.cosigners, title=self.title,
        )  # fmt: skip


@dataclass(frozen=True)
class OwnDuty:
    line: DutyLine
    points: ItemPoints


@dataclass(frozen=True)
class CategoryTotal:
    label: str
    points: str  # what counts, after the cap
    cap: str
    over_cap: bool  # the records earned more than the cap


@dataclass(frozen=True)
class OwnPoints:
    duties: tuple[OwnDuty, ...]
    categories: tuple[CategoryTotal, ...]
    penalties: str
    points: str  # out of full marks, as the evaluation would count them today
    full_marks: str
    lines: tuple[str, ...]  # the engine's own explanation


def own_points(rules: PointsRules, lines: Sequence[DutyLine], decimals: int) -> OwnPoints:
    """The member's sheet, computed exactly as the evaluation computes their 履职积分."""
    items = [line.item() for line in lines]
    result = score_points(rules, items, decimals)
    explained = [_one_line(rules, item, decimals) for item in items]
    categories = tuple(
        CategoryTotal(
            label=spec.label,
            points=fmt(result.capped[key], decimals),
            cap=fmt(spec.cap) if spec.cap is not None else "不设上限",
            over_cap=result.raw[key] > result.capped[key],
        )
        for key, spec in rules.categories.items()
    )
    return OwnPoints(
        duties=tuple(OwnDuty(line, p) for line, p in zip(lines, explained, strict=True)),
        categories=categories,
        penalties=fmt(result.penalties, decimals),
        points=fmt(result.points, decimals),
        full_marks=fmt(rules.full_marks) if rules.normalise != "base" else "不设上限",
        lines=result.lines,
    )


def _one_line(rules: PointsRules, item: DutyItem, decimals: int) -> ItemPoints:
    """A record's points as one line: explain_duties gives a row per category it adds to (an
    outcome's bonus may go to another), and the member reads the record's whole due."""
    rows = explain_duties(rules, [item], decimals)
    total = sum((Decimal(r.points) for r in rows), Decimal(0))
    return ItemPoints(
        title=item.title,
        kind=item.kind,
        category=rows[0].category,
        points=fmt(total, decimals),
        rule="；".join(r.rule for r in rows),
    )
