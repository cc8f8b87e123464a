"""组织考核: the score the assessment team's dimension ratings make under the scheme's weights,
or the total imported before the dimensions existed."""

from dataclasses import dataclass
from fractions import Fraction

from appraisal.models.vocab import Dimension
from appraisal.scheme.model import Scheme
from appraisal.scoring.inputs import PersonInput
from appraisal.scoring.numbers import exact, fmt, rounded

NO_WEIGHTS = "方案没有规定组织考核各维度的权重（[assessment]），无法由维度评分计算组织考核得分。"


@dataclass(frozen=True)
class OrgScore:
    score: Fraction | None
    lines: tuple[str, ...] = ()


def org_score(scheme: Scheme, person: PersonInput) -> OrgScore:
    """The 组织考核 score: the weighted dimension ratings (rounded to the scheme's decimals) when
    the person was rated by dimension, else the imported total, else none."""
    if not person.org_ratings:
        return OrgScore(None if person.org_score is None else exact(person.org_score))
    if scheme.assessment is None:
        # A scheme that weighs no dimensions (the cadre kind's: its indicators make the total)
        # counts the total where there is one, though ratings of another cycle's kind exist.
        if person.org_score is not None:
            return OrgScore(exact(person.org_score))
        return OrgScore(None, (NO_WEIGHTS,))
    d = scheme.decimals
    weights = scheme.assessment.weights
    ratings = dict(person.org_ratings)
    total = rounded(sum((exact(weights[k]) * exact(ratings[k]) for k in Dimension), Fraction(0)), d)
    parts = " + ".join(f"{k.value} {fmt(ratings[k], d)}×{fmt(weights[k])}" for k in Dimension)
    return OrgScore(total, (f"组织考核 = {parts} = {fmt(total, d)}。",))
