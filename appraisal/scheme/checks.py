"""Rules between fields of a scheme, each problem named by the key that has to change."""

from collections import Counter
from decimal import Decimal

from appraisal.models.vocab import Band, DutyRole, FindingEffect, Grade, Stage, Vote
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
        *_floors("grades", [(g.grade, g.min) for g in scheme.grades], GRADE_RANK),
        *_floors("bands", [(b.band, b.min) for b in scheme.bands], BAND_RANK),
        *_negative_list(scheme.negative_list),
        *_recipients(scheme),
        *_deadlines(scheme),
    ]


def _points(rules: PointsRules) -> list[Problem]:
    problems: list[Problem] = []
    known = set(rules.categories)
    listed = ", ".join(sorted(known))
    for kind, rule in rules.kinds.items():
        key = f"points.kinds.{kind}"
        if rule.category not in known:
            problems.append(
                (f"{key}.category", f"unknown category {rule.category!r}; one of {listed}")
            )
        for outcome, gains in rule.outcomes.items():
            for category in gains:
                if category not in known:
                    problems.append(
                        (
                            f"{key}.outcomes.{outcome}.{category}",
                            f"unknown category; one of {listed}",
                        )
                    )
        if rule.attendance is not None and rule.base:
            problems.append((f"{key}.base", "give either attendance points or a base, not both"))
    missing_roles = [r.value for r in DutyRole if r not in rules.roles]
    if missing_roles:
        problems.append(("points.roles", f"missing a factor for {', '.join(missing_roles)}"))
    if rules.normalise == "scale" and not sum(c.cap for c in rules.categories.values()):
        problems.append(
            ("points.normalise", '"scale" needs category caps that add up to more than 0')
        )
    if rules.full_marks != 100:
        problems.append(
            ("points.full_marks", "must be 100: the composite weighs scores out of 100")
        )
    return problems


def _ballots(scheme: Scheme) -> list[Problem]:
    rules = scheme.ballots
    problems: list[Problem] = []
    if Vote.ABSTAIN in rules.values:
        problems.append(
            (f"ballots.values.{Vote.ABSTAIN}", "abstentions don't count and have no value")
        )
    missing = [v.value for v in Vote if v is not Vote.ABSTAIN and v not in rules.values]
    if missing:
        problems.append(("ballots.values", f"missing a value for {', '.join(missing)}"))
    if GRADE_RANK[rules.fail_grade] < GRADE_RANK[rules.cap_grade]:
        problems.append(("ballots.fail_grade", "must not be better than ballots.cap_grade"))
    return problems


def _weights(scheme: Scheme) -> list[Problem]:
    w = scheme.composite.weights
    total = w.org + w.appraisal + w.points
    if total != 1:
        return [("composite.weights", f"must add up to 1, not {total}")]
    return []


def _floors(key: str, floors: list[tuple[str, Decimal]], rank: dict[str, int]) -> list[Problem]:
    """Lower bounds that must cover 0-100 with no two levels starting at the same score."""
    problems: list[Problem] = []
    if not floors:
        return [(key, "needs at least one entry with min = 0")]
    for level, count in Counter(level for level, _ in floors).items():
        if count > 1:
            problems.append((key, f"{level} is listed {count} times"))
    for score, count in Counter(m for _, m in floors).items():
        if count > 1:
            problems.append((key, f"{count} entries start at {score}: they overlap"))
    if min(m for _, m in floors) != 0:
        problems.append((key, "the lowest entry must have min = 0 so every score gets one"))
    # A higher score must never give a worse level.
    for i, (level, low) in enumerate(floors):
        for other, other_low in floors:
            if other_low < low and rank[other] < rank[level]:
                problems.append((f"{key}.{i}.min", f"{level} from {low} would rank below {other}"))
                break
    return problems


def _negative_list(rules: NegativeList) -> list[Problem]:
    problems: list[Problem] = []
    low, high = rules.deduction_min, rules.deduction_max
    if low > high:
        problems.append(("negative_list.deduction_min", "is above negative_list.deduction_max"))
    if not low <= rules.default_deduction <= high:
        problems.append(("negative_list.default_deduction", f"must lie between {low} and {high}"))
    seen: dict[str, int] = {}
    for i, item in enumerate(rules.items):
        key = f"negative_list.items.{i}"
        if item.code in seen:
            problems.append((f"{key}.code", f"{item.code} repeats item {seen[item.code]}"))
        seen.setdefault(item.code, i)
        if item.effect is FindingEffect.VETO and item.deduction is not None:
            problems.append((f"{key}.deduction", f"({item.code}) a veto has no deduction"))
        if item.effect is FindingEffect.DEDUCTION:
            if item.deduction is None:
                problems.append((f"{key}.deduction", f"({item.code}) a deduction needs its points"))
            elif not low <= item.deduction <= high:
                problems.append(
                    (f"{key}.deduction", f"({item.code}) {item.deduction} is outside {low}-{high}")
                )
        if item.category in rules.veto_categories and item.effect is not FindingEffect.VETO:
            problems.append(
                (f"{key}.effect", f"({item.code}) every {item.category} item must be 否决")
            )
    return problems


def _recipients(scheme: Scheme) -> list[Problem]:
    problems: list[Problem] = []
    lists = {
        "recipients.solicitation.always": scheme.recipients.solicitation.always,
        "recipients.solicitation.private_sector": scheme.recipients.solicitation.private_sector,
        "recipients.notification": scheme.recipients.notification,
    }
    for key, names in lists.items():
        repeated = sorted(n for n, c in Counter(names).items() if c > 1)
        if repeated:
            problems.append((key, f"listed twice: {', '.join(repeated)}"))
    if not scheme.recipients.solicitation.always:
        problems.append(("recipients.solicitation.always", "needs at least one body"))
    if not scheme.recipients.notification:
        problems.append(("recipients.notification", "needs at least one recipient"))
    return problems


def _deadlines(scheme: Scheme) -> list[Problem]:
    stages = [s for s in STAGE_ORDER if s is not Stage.DONE]
    problems: list[Problem] = []
    if Stage.DONE in scheme.deadlines:
        problems.append(("deadlines.done", "the finished cycle has no deadline"))
    missing = [s.value for s in stages if s not in scheme.deadlines]
    if missing:
        problems.append(("deadlines", f"missing days for {', '.join(missing)}"))
    return problems
