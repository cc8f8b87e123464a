"""What a cadre's grade means for them, and the score their indicators make.

Seed 003: "include outstanding party cadres in the scope of selection and appointment … those who
are incompetent … shall be admonished and transferred". The words live in the scheme's
[cadre.uses], so an office prints its own; this module only looks them up.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from appraisal.models.vocab import Grade
from appraisal.scheme.model import CadreRules, Scheme
from appraisal.scoring.numbers import exact, fmt, rounded

NO_CADRE_RULES = "本方案不是干部年度考核方案（缺少 [cadre]），无法确定考核指标和结果运用"


class CadreRulesMissing(ValueError):
    """A cadre operation on a cycle whose scheme has no [cadre] section."""


def cadre_rules(scheme: Scheme) -> CadreRules:
    """The scheme's [cadre] section, or a refusal naming the scheme."""
    if scheme.cadre is None:
        raise CadreRulesMissing(f"{NO_CADRE_RULES}（方案：{scheme.name}） / no [cadre] rules")
    return scheme.cadre


def result_use(scheme: Scheme, grade: Grade | str | None) -> str:
    """考核结果运用 for `grade` as the scheme words it ("" without a grade: nothing decided)."""
    rules = cadre_rules(scheme)
    if grade is None or grade == "":
        return ""
    return rules.uses.get(Grade(grade), "")


@dataclass(frozen=True)
class IndicatorScore:
    score: Fraction
    line: str  # how it was made, for the 登记表 and the audit log


def indicator_score(scheme: Scheme, ratings: Mapping[str, float]) -> IndicatorScore:
    """The weighted sum of the indicator ratings (rounded to the scheme's decimals); every
    indicator must be rated 0 to 100, and no other may be."""
    rules = cadre_rules(scheme)
    unknown = sorted(set(ratings) - set(rules.indicators))
    if unknown:
        known = "、".join(rules.indicators)
        raise ValueError(f"未知的考核指标：{'、'.join(unknown)}；本方案的指标为 {known}")
    missing = [name for name in rules.indicators if name not in ratings]
    if missing:
        raise ValueError(f"考核指标 {'、'.join(missing)} 未评分 / not rated")
    for name, value in ratings.items():
        if not 0 <= value <= 100:
            raise ValueError(f"考核指标 {name} 评分 {fmt(value)} 不在 0 到 100 之间")
    d = scheme.decimals
    weighted = (exact(i.weight) * exact(ratings[n]) for n, i in rules.indicators.items())
    total = rounded(sum(weighted, Fraction(0)), d)
    parts = " + ".join(
        f"{n} {fmt(ratings[n], d)}×{fmt(i.weight)}" for n, i in rules.indicators.items()
    )
    return IndicatorScore(total, f"考核指标得分 = {parts} = {fmt(total, d)}")
