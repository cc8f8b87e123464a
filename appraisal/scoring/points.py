"""履职积分: duty records → points per category, capped, less absence penalties, out of 100."""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from appraisal.models.vocab import Attendance, DutyKind, DutyOutcome, DutyRole
from appraisal.scheme.model import KindRule, PointsRules
from appraisal.scoring.inputs import DutyItem
from appraisal.scoring.numbers import exact, fmt, num, rounded
from appraisal.scoring.results import PointsResult


def score_points(rules: PointsRules, duties: Iterable[DutyItem], decimals: int) -> PointsResult:
    gains = {category: Fraction(0) for category in rules.categories}
    penalties = Fraction(0)
    unexcused: Counter[str] = Counter()
    unscored: Counter[str] = Counter()
    for item in duties:
        rule = rules.kinds.get(item.kind)
        if rule is None:
            unscored[item.kind] += 1
            continue
        factor = _role_factor(rules, item)
        for category, value in _gains(rule, item):
            gains[category] += value * factor
        if item.attendance is Attendance.UNEXCUSED:
            penalties += exact(rule.unexcused_penalty)
            unexcused[item.kind] += 1

    capped = {c: min(g, exact(rules.categories[c].cap)) for c, g in gains.items()}
    total = sum(capped.values(), Fraction(0)) - penalties
    full = exact(rules.full_marks)
    if rules.normalise == "scale":
        caps = sum((exact(c.cap) for c in rules.categories.values()), Fraction(0))
        total_100 = total * full / caps
    else:
        total_100 = total
    points = rounded(min(max(total_100, Fraction(0)), full), decimals)
    removal = unexcused[rules.removal.kind] >= rules.removal.unexcused

    lines = [_summary(rules, gains, capped, decimals)]
    if penalties:
        absences = "、".join(f"{kind}{n}次" for kind, n in unexcused.items())
        lines.append(f"无故缺席（{absences}）扣 {fmt(penalties, decimals)} 分。")
    for kind, n in unscored.items():
        lines.append(f"{kind}记录 {n} 条：方案未规定计分，不计分。")
    if rules.normalise == "scale":
        lines.append(
            "履职积分按各类上限之和折算为百分制："
            f"{fmt(total, decimals)} → {fmt(points, decimals)} 分。"
        )
    else:
        lines.append(f"履职积分 {fmt(points, decimals)} 分（满分 {fmt(full)}，超出按满分计）。")
    if removal:
        lines.append(
            f"无故缺席{rules.removal.kind} {unexcused[rules.removal.kind]} 次，"
            f"达到 {rules.removal.unexcused} 次，建议移出。"
        )
    return PointsResult(
        raw={c: num(g) for c, g in gains.items()},
        capped={c: num(g) for c, g in capped.items()},
        penalties=num(penalties),
        total=num(total),
        points=num(points),
        unexcused=dict(unexcused),
        removal_flag=removal,
        lines=tuple(lines),
    )


def _role_factor(rules: PointsRules, item: DutyItem) -> Fraction:
    if item.role is None:
        return Fraction(1)
    factor = exact(rules.roles[item.role])
    if item.role is DutyRole.COSIGNER and rules.split_among_cosigners and item.cosigners:
        # The co-signers share their part: each of n co-signers gets 1/n of it.
        factor /= item.cosigners
    return factor


def _gains(rule: KindRule, item: DutyItem) -> list[tuple[str, Fraction]]:
    attended = item.attendance in (None, Attendance.PRESENT)
    if rule.attendance is not None:
        value = rule.attendance.get(item.attendance or Attendance.PRESENT, 0)
        gains = [(rule.category, exact(value))]
    else:
        gains = [(rule.category, exact(rule.base) if attended else Fraction(0))]
    if attended and item.outcome is not DutyOutcome.NONE:
        gains += [(c, exact(v)) for c, v in rule.outcomes.get(item.outcome, {}).items()]
    return gains


def _summary(
    rules: PointsRules, gains: dict[str, Fraction], capped: dict[str, Fraction], decimals: int
) -> str:
    parts = []
    for category, spec in rules.categories.items():
        text = f"{spec.label} {fmt(capped[category], decimals)}/{fmt(spec.cap)}"
        if gains[category] > capped[category]:
            text += f"（原 {fmt(gains[category], decimals)}，按上限计）"
        parts.append(text)
    return "履职积分分类：" + "，".join(parts) + "。"


@dataclass(frozen=True)
class ItemPoints:
    """What one duty record earns before the category caps, and the scheme's rule in words."""

    title: str
    kind: DutyKind
    category: str  # the category label the points go to
    points: str  # formatted ("5", "1.5", "0", "-2")
    rule: str  # the rule in words


def explain_duties(
    rules: PointsRules, duties: Sequence[DutyItem], decimals: int
) -> list[ItemPoints]:
    """Each record's own points as `score_points` counts them (role factor, co-signers' share,
    outcomes, an unexcused absence's penalty), in the order given. Category caps apply to the
    totals only, so a record's points can exceed what it adds once its category is full."""
    return [_explain(rules, item, decimals) for item in duties]


def _explain(rules: PointsRules, item: DutyItem, decimals: int) -> ItemPoints:
    rule = rules.kinds.get(item.kind)
    if rule is None:
        return ItemPoints(item.title, item.kind, "", "0", f"方案未规定{item.kind}计分，不计分")
    factor = _role_factor(rules, item)
    gains = _gains(rule, item)
    value = sum((v for _, v in gains), Fraction(0)) * factor
    words = [_base_words(rule, item)]
    for category, v in gains[1:]:
        label = rules.categories[category].label
        words.append(f"{item.outcome} +{fmt(v, decimals)}（计入{label}）")
    if factor != 1:
        words.append(_factor_words(rules, item, factor, decimals))
    if item.attendance is Attendance.UNEXCUSED and rule.unexcused_penalty:
        value -= exact(rule.unexcused_penalty)
        words.append(f"无故缺席扣 {fmt(rule.unexcused_penalty, decimals)} 分")
    label = rules.categories[rule.category].label
    return ItemPoints(item.title, item.kind, label, fmt(value, decimals), "；".join(words))


def _base_words(rule: KindRule, item: DutyItem) -> str:
    if rule.attendance is not None:
        state = item.attendance or Attendance.PRESENT
        return f"{item.kind}{state} {fmt(rule.attendance.get(state, 0))} 分"
    if item.attendance in (None, Attendance.PRESENT):
        return f"{item.kind}每条 {fmt(rule.base)} 分"
    return f"{item.kind}{item.attendance}不得分"


def _factor_words(rules: PointsRules, item: DutyItem, factor: Fraction, decimals: int) -> str:
    assert item.role is not None
    text = f"{item.role}按 {fmt(rules.roles[item.role], decimals)} 倍计"
    if factor != exact(rules.roles[item.role]):
        text += f"，{item.cosigners} 人联名平分"
    return text
