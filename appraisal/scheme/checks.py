"""Rules between fields of a scheme, each problem named by the key that has to change."""

from collections import Counter
from decimal import Decimal

from appraisal.models.vocab import Band, Dimension, DutyRole, FindingEffect, Grade, Stage, Vote
from appraisal.scheme.model import NegativeList, PointsRules, Scheme
from appraisal.stages import STAGE_ORDER

Problem = tuple[str, str]

# Grade and band vocabularies are declared best first.
GRADE_RANK: dict[str, int] = {g: i for i, g in enumerate(Grade)}
BAND_RANK: dict[str, int] = {b: i for i, b in enumerate(Band)}


def check_scheme(scheme: Scheme) -> list[Problem]:
    """Every cross-field problem of an otherwise well-typed scheme, as (dotted key, problem)."""
    return [
        *_points(scheme.points),
        *_ballots(scheme),
        *_weights(scheme),
        *_assessment(scheme),
        *_floors("grades", [(g.grade, g.min) for g in scheme.grades], GRADE_RANK),
        *_graded_rules(scheme),
        *_floors("bands", [(b.band, b.min) for b in scheme.bands], BAND_RANK),
        *_negative_list(scheme.negative_list),
        *_report(scheme),
        *_recipients(scheme),
        *_deadlines(scheme),
        *_bodies(scheme),
        *_cadre(scheme),
    ]


def _points(rules: PointsRules) -> list[Problem]:
    problems: list[Problem] = []
    known = set(rules.categories)
    listed = ", ".join(sorted(known))
    for kind, rule in rules.kinds.items():
        key = f"points.kinds.{kind}"
        if rule.category not in known:
            problems.append((f"{key}.category", f"未知的类别“{rule.category}”；可选：{listed}"))
        for outcome, gains in rule.outcomes.items():
            for category in gains:
                if category not in known:
                    problems.append(
                        (
                            f"{key}.outcomes.{outcome}.{category}",
                            f"未知的类别；可选：{listed}",
                        )
                    )
        if rule.attendance is not None and rule.base:
            problems.append((f"{key}.base", "出勤分值和基础分只能给一个，不能都给"))
        if rule.roles is not None and (rule.attendance is not None or rule.base):
            problems.append((f"{key}.roles", "按角色计分时不能再给出勤分值或基础分"))
    if rules.normalise != "base":
        # Before "base" every category had a cap: a forgotten one must not silently lift it.
        problems += [
            (
                f"points.categories.{name}.cap",
                f'缺少：normalise = "{rules.normalise}" 时每类都须有上限',
            )
            for name, category in rules.categories.items()
            if category.cap is None
        ]
    if rules.normalise != "base" and rules.base:
        problems.append(("points.base", '只有 normalise = "base" 时才从基础分起算'))
    missing_roles = [r.value for r in DutyRole if r not in rules.roles]
    if missing_roles:
        problems.append(("points.roles", f"缺少系数：{'、'.join(missing_roles)}"))
    if rules.normalise == "scale" and not sum(c.cap or 0 for c in rules.categories.values()):
        problems.append(("points.normalise", '"scale" 需要各类别上限之和大于 0'))
    if rules.full_marks != 100 and rules.normalise != "base":
        problems.append(("points.full_marks", "须为 100：综合得分按百分制加权"))
    return problems


def _ballots(scheme: Scheme) -> list[Problem]:
    rules = scheme.ballots
    problems: list[Problem] = []
    if Vote.ABSTAIN in rules.values:
        problems.append((f"ballots.values.{Vote.ABSTAIN}", "弃权票不计分，不能设分值"))
    missing = [v.value for v in Vote if v is not Vote.ABSTAIN and v not in rules.values]
    if missing:
        problems.append(("ballots.values", f"缺少分值：{'、'.join(missing)}"))
    if GRADE_RANK[rules.fail_grade] < GRADE_RANK[rules.cap_grade]:
        problems.append(("ballots.fail_grade", "不能高于 ballots.cap_grade"))
    return problems


def _weights(scheme: Scheme) -> list[Problem]:
    w = scheme.composite.weights
    total = w.org + w.appraisal + w.points
    if total != 1:
        return [("composite.weights", f"权重之和须为 1，而不是 {total} / must add up to 1")]
    return []


def _assessment(scheme: Scheme) -> list[Problem]:
    if scheme.assessment is None:
        return []
    weights = scheme.assessment.weights
    missing = [d.value for d in Dimension if d not in weights]
    if missing:
        return [("assessment.weights", f"缺少权重：{'、'.join(missing)} / weights missing")]
    total = sum(weights.values(), Decimal(0))
    if total != 1:
        return [("assessment.weights", f"权重之和须为 1，而不是 {total} / must add up to 1")]
    return []


def _floors(key: str, floors: list[tuple[str, Decimal]], rank: dict[str, int]) -> list[Problem]:
    """Lower bounds that must cover 0-100 with no two levels starting at the same score."""
    problems: list[Problem] = []
    if not floors:
        return [(key, "至少要有一项 min = 0")]
    for level, count in Counter(level for level, _ in floors).items():
        if count > 1:
            problems.append((key, f"{level} 列出了 {count} 次"))
    for score, count in Counter(m for _, m in floors).items():
        if count > 1:
            problems.append((key, f"有 {count} 项都从 {score} 起：区间重叠"))
    if min(m for _, m in floors) != 0:
        problems.append((key, "最低一项须为 min = 0，使每个分数都有归属"))
    # A higher score must never give a worse level.
    for i, (level, low) in enumerate(floors):
        for other, other_low in floors:
            if other_low < low and rank[other] < rank[level]:
                problems.append((f"{key}.{i}.min", f"{level} 从 {low} 起，会排在 {other} 之下"))
                break
    return problems


def _graded_rules(scheme: Scheme) -> list[Problem]:
    """Every grade a rule gives or reads must be one the scheme's scale can give: a ballot cap
    of 基本称职 under a scale without it would grade people outside the scale."""
    scale = [g.grade for g in scheme.grades]
    named: list[tuple[str, Grade]] = [
        ("ballots.cap_grade", scheme.ballots.cap_grade),
        ("ballots.fail_grade", scheme.ballots.fail_grade),
        ("veto.grade", scheme.veto.grade),
        *((f"band_caps.{g}", g) for g in scheme.band_caps),
        *(("pool.leave_grades", g) for g in scheme.pool.leave_grades),
    ]
    if scheme.term is not None:
        named += [("term.below_grades", g) for g in scheme.term.below_grades]
    if scheme.pool.adjust is not None:
        named += [("pool.adjust.promote_grades", g) for g in scheme.pool.adjust.promote_grades]
        named += [("pool.adjust.demote_grades", g) for g in scheme.pool.adjust.demote_grades]
    listed = "、".join(sorted(scale, key=GRADE_RANK.__getitem__))
    return [
        (key, f"“{grade}”不在本方案的等次（grades）中；可选：{listed} / not a grade of this scheme")
        for key, grade in named
        if grade not in scale
    ]


def _negative_list(rules: NegativeList) -> list[Problem]:
    problems: list[Problem] = []
    low, high = rules.deduction_min, rules.deduction_max
    if low > high:
        problems.append(("negative_list.deduction_min", "大于 negative_list.deduction_max"))
    if not low <= rules.default_deduction <= high:
        problems.append(("negative_list.default_deduction", f"须在 {low} 到 {high} 之间"))
    seen: dict[str, int] = {}
    for i, item in enumerate(rules.items):
        key = f"negative_list.items.{i}"
        if item.code in seen:
            problems.append(
                (
                    f"{key}.code",
                    f"{item.code} 与第 {seen[item.code]} 项重复 / repeats item {seen[item.code]}",
                )
            )
        seen.setdefault(item.code, i)
        if item.effect is FindingEffect.VETO and item.deduction is not None:
            problems.append((f"{key}.deduction", f"（{item.code}）否决事项不设扣分"))
        if item.effect is FindingEffect.DEDUCTION:
            if item.deduction is None:
                problems.append((f"{key}.deduction", f"（{item.code}）扣分项须写明分值"))
            elif not low <= item.deduction <= high:
                problems.append(
                    (f"{key}.deduction", f"（{item.code}）{item.deduction} 超出 {low}-{high}")
                )
        if item.category in rules.veto_categories and item.effect is not FindingEffect.VETO:
            problems.append(
                (f"{key}.effect", f"（{item.code}）{item.category}类的每一项都须为否决")
            )
    return problems


def _report(scheme: Scheme) -> list[Problem]:
    code = scheme.report.missing_item
    if code and scheme.negative_list.item(code) is None:
        return [
            (
                "report.missing_item",
                f"{code} 不在负面清单中 / not a code of the negative list",
            )
        ]
    return []


def _recipients(scheme: Scheme) -> list[Problem]:
    problems: list[Problem] = []
    lists = {
        "recipients.solicitation.always": scheme.recipients.solicitation.always,
        "recipients.solicitation.private_sector": scheme.recipients.solicitation.private_sector,
        "recipients.solicitation.party_members": scheme.recipients.solicitation.party_members,
        "recipients.notification": scheme.recipients.notification,
    }
    for key, names in lists.items():
        repeated = sorted(n for n, c in Counter(names).items() if c > 1)
        if repeated:
            problems.append((key, f"重复列出：{'、'.join(repeated)}"))
    if not scheme.recipients.solicitation.always:
        problems.append(("recipients.solicitation.always", "至少要有一个单位"))
    if not scheme.recipients.notification:
        problems.append(("recipients.notification", "至少要有一个收件方"))
    return problems


def nominating_bodies(scheme: Scheme) -> dict[str, str]:
    """The bodies 动员部署 writes to, name -> field (BodyKind), in the scheme's order."""
    if scheme.nomination is None:
        return {}
    return {name: kind.value for name, kind in scheme.nomination.bodies.items()}


def _bodies(scheme: Scheme) -> list[Problem]:
    problems: list[Problem] = []
    for name in nominating_bodies(scheme):
        if name != name.strip() or not name.strip():
            problems.append(
                (f"nomination.bodies.{name}", "推荐单位名称前后不能有空格，也不能只有空格")
            )
    return problems


def _deadlines(scheme: Scheme) -> list[Problem]:
    stages = [s for s in STAGE_ORDER if s is not Stage.DONE]
    if not nominating_bodies(scheme):
        # With no body to write to, 动员部署 sends nothing and waits for nothing; schemes
        # written before it (stored by cycles) have no time limit for it.
        stages.remove(Stage.MOBILIZATION)
    # Schemes stored by cycles started before 审定 existed have no time limit for it.
    stages.remove(Stage.APPROVAL)
    problems: list[Problem] = []
    if Stage.DONE in scheme.deadlines:
        problems.append(("deadlines.done", "已办结的周期没有期限"))
    missing = [s.value for s in stages if s not in scheme.deadlines]
    if missing:
        problems.append(("deadlines", f"缺少天数：{'、'.join(missing)}"))
    return problems


def _cadre(scheme: Scheme) -> list[Problem]:
    if scheme.cadre is None:
        return []
    problems: list[Problem] = []
    indicators = scheme.cadre.indicators
    if not indicators:
        problems.append(("cadre.indicators", "至少要有一项考核指标 / at least one indicator"))
    total = sum((i.weight for i in indicators.values()), Decimal(0))
    if indicators and total != 1:
        problems.append(("cadre.indicators", f"权重之和须为 1，而不是 {total} / must add up to 1"))
    scale = [g.grade for g in scheme.grades]
    missing = [g.value for g in scale if g not in scheme.cadre.uses]
    if missing:
        problems.append(("cadre.uses", f"缺少等次的结果运用：{'、'.join(missing)}"))
    problems += [
        (f"cadre.uses.{g}", f"“{g}”不在本方案的等次（grades）中 / not a grade of this scheme")
        for g in scheme.cadre.uses
        if g not in scale
    ]
    return problems
