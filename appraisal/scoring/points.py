"""履职积分: duty records → points per category, capped, less absence penalties, out of 100 (or,
under normalise = "base", added to a base without cap); and each record's points in words."""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from appraisal.models.vocab import Attendance, DutyKind, DutyOutcome, DutyRole
from appraisal.scheme.model import KindRule, PointsRules
from appraisal.scoring.inputs import DutyItem
from appraisal.scoring.numbers import exact, fmt, num, rounded
from appraisal.scoring.results import PointsResult

UNSCORED = "不计分"  # the category label of a record whose kind the scheme does not score


@dataclass(frozen=True)
class ItemPoints:
    """What one record earns in one category, and the rule behind it, as a member reads it."""

    title: str
    kind: DutyKind
    category: str  # the category label the points go to
    points: str  # formatted like the rest ("5", "1.5", "0", "-2")
    rule: str  # the rule in words, e.g. "全会每半天出席计 5 分" / "联名提案每人计 3 分"


@dataclass(frozen=True)
class _Earned:
    """One record's gains per category (main category first) and the rule in words for each."""

    gains: tuple[tuple[str, Fraction, str], ...]


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
        for category, value, _ in _earned(rules, rule, item).gains:
            gains[category] += value
        if item.attendance is Attendance.UNEXCUSED:
            penalties += exact(rule.unexcused_penalty)
            unexcused[item.kind] += 1

    capped = {c: _capped(rules, c, g) for c, g in gains.items()}
    total = sum(capped.values(), Fraction(0)) - penalties
    full = exact(rules.full_marks)
    if rules.normalise == "scale":
        caps = sum((exact(c.cap or 0) for c in rules.categories.values()), Fraction(0))
        total_100 = total * full / caps
    elif rules.normalise == "base":
        total_100 = exact(rules.base) + total
    else:
        total_100 = total
    top = None if rules.normalise == "base" else full  # a base scheme has no ceiling
    points = rounded(_clamp(total_100, top), decimals)
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
    elif rules.normalise == "base":
        lines.append(
            f"履职积分 = 基础分 {fmt(rules.base)} + 积分 {fmt(total, decimals)}"
            f" = {fmt(points, decimals)} 分（累计计分，不设上限）。"
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


def explain_duties(
    rules: PointsRules, duties: Sequence[DutyItem], decimals: int
) -> list[ItemPoints]:
    """Each record's points per category with its rule, in the records' order. They add up to
    `score_points`' raw points (before caps and absence penalties; a penalty is named in the
    rule of the absence it follows)."""
    explained: list[ItemPoints] = []
    for item in duties:
        rule = rules.kinds.get(item.kind)
        if rule is None:
            text = f"方案未规定{item.kind}计分，不计分"
            explained.append(ItemPoints(item.title, item.kind, UNSCORED, "0", text))
            continue
        for category, value, text in _earned(rules, rule, item).gains:
            label = rules.categories[category].label
            explained.append(ItemPoints(item.title, item.kind, label, fmt(value, decimals), text))
    return explained


def _capped(rules: PointsRules, category: str, gained: Fraction) -> Fraction:
    cap = rules.categories[category].cap
    return gained if cap is None else min(gained, exact(cap))


def _clamp(value: Fraction, top: Fraction | None) -> Fraction:
    value = max(value, Fraction(0))
    return value if top is None else min(value, top)


def _earned(rules: PointsRules, rule: KindRule, item: DutyItem) -> _Earned:
    """The record's gains: the kind's own points (by attendance, by role, or its base times the
    role factor) and its outcome's points, each with its rule in words."""
    kind = item.kind.value
    attended = item.attendance in (None, Attendance.PRESENT)
    role = item.role or DutyRole.SOLE
    factor, factor_words = (
        (Fraction(1), "") if rule.roles is not None else _role_factor(rules, item)
    )
    if rule.attendance is not None:
        attendance = item.attendance or Attendance.PRESENT
        value = exact(rule.attendance.get(attendance, 0))
        every = f"每{rule.unit}" if rule.unit else ""
        words = f"{kind}{every}{attendance}计 {fmt(value)} 分"
    elif rule.roles is not None:
        value = exact(rule.roles.get(role, 0)) if attended else Fraction(0)
        each = "每人" if role is DutyRole.COSIGNER else ""
        words = f"{role}{kind}{each}计 {fmt(exact(rule.roles.get(role, 0)))} 分"
    else:
        value = exact(rule.base) if attended else Fraction(0)
        every = f"每{rule.unit}" if rule.unit else "每次"
        words = f"{kind}{every}计 {fmt(exact(rule.base))} 分"
    if not attended and rule.attendance is None:
        words += f"，{item.attendance}不计分"
    if item.attendance is Attendance.UNEXCUSED and rule.unexcused_penalty:
        words += f"；无故缺席另从合计中扣 {fmt(exact(rule.unexcused_penalty))} 分"
    gains: dict[str, Fraction] = {rule.category: value * factor}
    texts: dict[str, list[str]] = {rule.category: [words + factor_words]}
    outcome = item.outcome
    if attended and outcome is not DutyOutcome.NONE and outcome in rule.outcomes:
        if rule.outcome_roles is None or role in rule.outcome_roles:
            for category, extra in rule.outcomes[outcome].items():
                gains[category] = gains.get(category, Fraction(0)) + exact(extra) * factor
                texts.setdefault(category, []).append(
                    f"{outcome}{kind}加 {fmt(exact(extra))} 分{_whose(rule)}{factor_words}"
                )
        else:
            only = "、".join(r.value for r in rule.outcome_roles)
            texts[rule.category].append(f"{outcome}{kind}加分只计{only}，{role}不加分")
    return _Earned(tuple((c, gains[c], "；".join(texts[c])) for c in gains))


def _whose(rule: KindRule) -> str:
    """Who an outcome's points go to, when not every role: "（只计领衔、独立）"."""
    if rule.outcome_roles is None:
        return ""
    return f"（只计{'、'.join(r.value for r in rule.outcome_roles)}）"


def _role_factor(rules: PointsRules, item: DutyItem) -> tuple[Fraction, str]:
    """The scheme-wide role factor and, where it is not 1, how it reads."""
    if item.role is None:
        return Fraction(1), ""
    factor = exact(rules.roles[item.role])
    words = f"，{item.role}按 {fmt(factor)} 倍计" if factor != 1 else ""
    if item.role is DutyRole.COSIGNER and rules.split_among_cosigners and item.cosigners:
        # The co-signers share their part: each of n co-signers gets 1/n of it.
        factor /= item.cosigners
        words += f"，按联名人数 {item.cosigners} 人平分"
    return factor, words


def _summary(
    rules: PointsRules, gains: dict[str, Fraction], capped: dict[str, Fraction], decimals: int
) -> str:
    parts = []
    for category, spec in rules.categories.items():
        if spec.cap is None:
            parts.append(f"{spec.label} {fmt(capped[category], decimals)}")
            continue
        text = f"{spec.label} {fmt(capped[category], decimals)}/{fmt(spec.cap)}"
        if gains[category] > capped[category]:
            text += f"（原 {fmt(gains[category], decimals)}，按上限计）"
        parts.append(text)
    return "履职积分分类：" + "，".join(parts) + "。"
